/**
 * `npm start` and `npm test` begin with scripts/setup.mjs: ensureDependencies() runs `npm install` when
 * node_modules is missing or was installed for other dependencies, then the library is built. These tests run
 * it on a copy of the project without node_modules (the working tree's tracked and unignored files, so they
 * test the scripts as they are now), with npm's cache pointed at the user's cache and --prefer-offline.
 * They skip, saying why, when the npm registry does not answer.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, watch } from "../fixtures/integration/jupyter";

const STAMP = path.join("node_modules", ".battery-mi-deps");
const INSTALLING = "[setup] installing npm dependencies";

/** npm settings from the environment that say how to reach the registry; kept for the copy's npm. */
const KEEP_NPM_ENV = /^npm_config_(registry|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl|userconfig|globalconfig)$/i;

/**
 * The environment without the other npm_* variables an enclosing `npm test` sets: they describe this
 * project (npm_config_local_prefix, npm_package_*), not the copy.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if ((/^npm_/i.test(k) && !KEEP_NPM_ENV.test(k)) || k === "INIT_CWD") continue;
    env[k] = v;
  }
  return env;
}

/** Why the registry cannot be used, or null when `npm ping` answers within 20 s. */
function registryUnreachable(): string | null {
  const r = spawnSync("npm", ["ping", "--fetch-retries=0", "--fetch-timeout=15000"], { cwd: os.tmpdir(), env: cleanEnv(), encoding: "utf8", timeout: 20_000 });
  if (r.error) return `npm ping failed to run (${r.error.message})`;
  if (r.status !== 0) {
    const lines = (r.stderr || r.stdout).split("\n").map((l) => l.replace(/^npm error\s*/, "").trim());
    const why = lines.find((l) => /Error|E[A-Z]{3,}|\b[45]\d\d\b/.test(l) && !/^code |^errno |^syscall /.test(l)) ?? lines.find((l) => l !== "");
    return `npm ping exited ${r.status}: ${why}`;
  }
  return null;
}

/** The user's npm cache folder (`npm config get cache`). */
function userNpmCache(): string {
  const r = spawnSync("npm", ["config", "get", "cache"], { cwd: ROOT, env: cleanEnv(), encoding: "utf8", timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** Copies the working tree's tracked and unignored files (never node_modules, lib/dist, .jupyter) to `dest`. */
function copyProject(dest: string): number {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, `git ls-files: ${r.stderr}`);
  let n = 0;
  for (const rel of r.stdout.split("\0")) {
    const src = path.join(ROOT, rel);
    if (rel === "" || !fs.existsSync(src)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.copyFileSync(src, path.join(dest, rel));
    n++;
  }
  return n;
}

let copy = "";
let spyBin = "";
let skipReason: string | null = null;
let npmEnv: NodeJS.ProcessEnv = {};

before(() => {
  skipReason = registryUnreachable();
  if (skipReason) {
    console.log(`# skipping the dependency-install tests: the npm registry is unreachable (${skipReason})`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bmi-setup-deps-"));
  copy = path.join(tmp, "project");
  const files = copyProject(copy);
  assert.ok(!fs.existsSync(path.join(copy, "node_modules")), "the copy starts without node_modules");
  // A stand-in `npm` that records its arguments and succeeds without doing anything, for the runs that must
  // not install (or only need to be seen trying).
  spyBin = path.join(tmp, "spy-bin");
  fs.mkdirSync(spyBin);
  fs.writeFileSync(path.join(spyBin, "npm"), `#!/bin/sh\necho "$@" >> "${path.join(tmp, "npm-calls.log")}"\n`, { mode: 0o755 });
  npmEnv = { ...cleanEnv(), npm_config_cache: userNpmCache(), npm_config_prefer_offline: "true" };
  console.log(`# copied ${files} files to ${copy}; npm cache ${npmEnv.npm_config_cache}, --prefer-offline`);
});

after(() => {
  if (copy) fs.rmSync(path.dirname(copy), { recursive: true, force: true });
});

/** Calls of the spy npm so far (one line of arguments each). */
function spyCalls(): string[] {
  const log = path.join(path.dirname(copy), "npm-calls.log");
  return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
}

/** Runs `node scripts/setup.mjs` in the copy; resolves with its output, exit code, and timings in seconds. */
async function runSetup(env: NodeJS.ProcessEnv, timeoutMs: number) {
  const started = Date.now();
  const w = watch(spawn(process.execPath, ["scripts/setup.mjs"], { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"] }), "[setup.mjs] ");
  let buildAt: number | null = null;
  w.waitFor(/\[setup\] building battery-mi/, timeoutMs, "build line").then(
    () => (buildAt = Date.now()),
    () => undefined,
  );
  try {
    const { code } = await w.exited(timeoutMs);
    const end = Date.now();
    return {
      code,
      out: w.output(),
      seconds: (end - started) / 1000,
      installSeconds: ((buildAt ?? end) - started) / 1000,
    };
  } finally {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  }
}

test("without node_modules, setup (npm start / npm test) runs npm install, then builds the library", { timeout: 300_000 }, async (t) => {
  if (skipReason) return t.skip(`npm registry unreachable: ${skipReason}`);
  const r = await runSetup(npmEnv, 240_000);
  assert.equal(r.code, 0, r.out);
  assert.ok(r.out.includes(INSTALLING), `the install was announced:\n${r.out}`);
  assert.match(r.out, /\[setup\] building battery-mi/);
  assert.match(r.out, /\[setup\] ready\./);
  for (const pkg of ["tslab", "typescript", "tsx", "@tensorflow/tfjs", "plotly.js-dist-min"]) {
    assert.ok(fs.existsSync(path.join(copy, "node_modules", pkg, "package.json")), `node_modules/${pkg} installed`);
  }
  assert.equal(fs.realpathSync(path.join(copy, "node_modules", "battery-mi")), fs.realpathSync(path.join(copy, "lib")), "the workspace is linked");
  assert.match(fs.readFileSync(path.join(copy, STAMP), "utf8"), /^[0-9a-f]{64}\n$/, "the dependency fingerprint is stamped");
  assert.ok(fs.existsSync(path.join(copy, "lib", "dist", ".build-stamp")));
  // The built library is what `import ... from "battery-mi/plot"` gets, from the copy's own node_modules.
  const use = spawnSync(
    process.execPath,
    ["-e", 'const p = require("battery-mi/plot"); console.log(require.resolve("battery-mi/plot")); console.log(p.summarizeFigure(p.linePlot({ x: [1, 2], y: [3, 4], title: "t" })))'],
    { cwd: copy, env: cleanEnv(), encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(use.status, 0, use.stderr);
  const [resolved, summary] = use.stdout.trim().split("\n");
  assert.equal(fs.realpathSync(resolved), fs.realpathSync(path.join(copy, "lib", "dist", "plot", "index.js")));
  assert.equal(summary, 'Figure "t": 1 trace (scatter×1), 2 points');
  console.log(`# fresh set-up: ${r.seconds.toFixed(1)} s (npm install ${r.installSeconds.toFixed(1)} s, build ${(r.seconds - r.installSeconds).toFixed(1)} s)`);
});

test("with dependencies installed and up to date, setup does not run npm at all", { timeout: 60_000 }, async (t) => {
  if (skipReason) return t.skip(`npm registry unreachable: ${skipReason}`);
  if (!fs.existsSync(path.join(copy, STAMP))) return t.skip("the install test did not complete");
  const stampBefore = fs.statSync(path.join(copy, STAMP)).mtimeMs;
  const r = await runSetup({ ...npmEnv, PATH: `${spyBin}${path.delimiter}${npmEnv.PATH ?? ""}` }, 30_000);
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(spyCalls(), [], "npm was not called");
  assert.ok(!r.out.includes(INSTALLING), r.out);
  assert.ok(!/\[setup\] building/.test(r.out), "the library is not rebuilt either");
  assert.equal(fs.statSync(path.join(copy, STAMP)).mtimeMs, stampBefore);
  assert.ok(r.seconds < 10, `the fast path took ${r.seconds.toFixed(1)} s`);
  console.log(`# up-to-date set-up: ${r.seconds.toFixed(2)} s`);
});

test("a changed lockfile makes setup run npm install again and re-stamp the fingerprint", { timeout: 60_000 }, async (t) => {
  if (skipReason) return t.skip(`npm registry unreachable: ${skipReason}`);
  if (!fs.existsSync(path.join(copy, STAMP))) return t.skip("the install test did not complete");
  const lock = path.join(copy, "package-lock.json");
  const stampBefore = fs.readFileSync(path.join(copy, STAMP), "utf8");
  fs.appendFileSync(lock, "\n"); // same JSON, other bytes: what npm writes after a dependency change
  const env = { ...npmEnv, PATH: `${spyBin}${path.delimiter}${npmEnv.PATH ?? ""}` };
  const r = await runSetup(env, 30_000);
  assert.equal(r.code, 0, r.out);
  assert.ok(r.out.includes(INSTALLING), r.out);
  assert.deepEqual(spyCalls(), ["install --no-audit --no-fund"]);
  assert.notEqual(fs.readFileSync(path.join(copy, STAMP), "utf8"), stampBefore, "the new fingerprint is stamped");
  // Stamped: the next run is the fast path again.
  const again = await runSetup(env, 30_000);
  assert.equal(again.code, 0, again.out);
  assert.deepEqual(spyCalls(), ["install --no-audit --no-fund"], "no second install");
});
