// `npm test`: sets up what is missing (dependencies, lib build, kernel registration), then runs every test
// file under tests/ in one `node --test` run, so the run ends with one summary. Test files are TypeScript,
// loaded through tsx.
//   npm test                      everything
//   npm test -- --only unit       one folder of tests/ (unit, notebooks, integration)
//   npm test -- tests/unit/x.test.ts   chosen files
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, setupAll, jupyterEnv } from "./setup.mjs";

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(p));
    else if (entry.name.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

const args = process.argv.slice(2);
let files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--only") files.push(...findTests(path.join(ROOT, "tests", args[++i])));
  else files.push(path.resolve(args[i]));
}
if (args.length === 0) files = findTests(path.join(ROOT, "tests"));
if (files.length === 0) {
  console.error("[test] no test files found");
  process.exit(1);
}

setupAll();

const started = Date.now();
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=1", ...files],
  { cwd: ROOT, stdio: "inherit", env: { ...jupyterEnv(), BATTERY_MI_TEST: "1" } },
);
console.log(`[test] ${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
