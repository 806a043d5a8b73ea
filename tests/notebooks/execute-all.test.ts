// Executes every notebooks/*.ipynb in a fresh tslab kernel with the project's runner (battery-mi/notebook
// from lib/dist, as `npm run execute` does). `npm test` builds the library and registers the kernel first;
// by hand: `node scripts/setup.mjs` then `node --import tsx --test tests/notebooks/execute-all.test.ts`.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { builtRunner, ROOT } from "../fixtures/built-runner";


const LIMIT_MS = 120_000;

const { runner, why } = builtRunner();

const notebooks = fs.existsSync(path.join(ROOT, "notebooks"))
  ? fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(ROOT, "notebooks", f))
  : [];

if (notebooks.length === 0) {
  test("every notebooks/*.ipynb executes without error", { skip: "notebooks/ has no .ipynb files yet" }, () => {});
}

for (const file of notebooks) {
  const rel = path.relative(ROOT, file);
  test(`${rel} runs top to bottom in a fresh tslab kernel in under ${LIMIT_MS / 1000} s`, { skip: runner ? false : why, timeout: LIMIT_MS + 60_000 }, async (t) => {
    const r = await runner!.executeNotebook(file, { timeoutSeconds: LIMIT_MS / 1000, outputDir: path.join(ROOT, "build", "executed") });
    for (const line of runner!.formatSummary([r]).split("\n")) t.diagnostic(line);
    assert.equal(r.status, "ok", `\n${runner!.formatFailure(r)}`);
    assert.ok(r.durationMs < LIMIT_MS, `${rel} took ${(r.durationMs / 1000).toFixed(1)} s; the limit is ${LIMIT_MS / 1000} s`);
  });
}
