// Shared set-up for `npm start`, `npm test` and `npm run execute`: installs npm dependencies when they are
// missing or older than the lockfile, builds the battery-mi library when its sources changed, and
// registers the TypeScript kernel inside the project (.jupyter/). Nothing is written outside the project.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const JUPYTER_DIR = path.join(ROOT, ".jupyter");
export const JUPYTER_DATA_DIR = path.join(JUPYTER_DIR, "share", "jupyter");

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit" });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit code ${r.status}`;
    console.error(`\n[setup] ${what} failed (${why}). Command: ${cmd} ${args.join(" ")}`);
    process.exit(1);
  }
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

function newestMtime(dir) {
  let newest = -1;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : mtime(p));
  }
  return newest;
}

/**
 * Fingerprint of what npm installs: the dependency sections of both package.json files, the overrides, and the
 * lockfile. Script edits do not change it, so they never trigger a reinstall.
 */
function dependencyFingerprint() {
  const pick = (file) => {
    const p = JSON.parse(fs.readFileSync(file, "utf8"));
    const keys = ["dependencies", "devDependencies", "optionalDependencies", "overrides", "workspaces", "allowScripts"];
    return JSON.stringify(keys.map((k) => p[k] ?? null));
  };
  const lock = fs.existsSync(path.join(ROOT, "package-lock.json")) ? fs.readFileSync(path.join(ROOT, "package-lock.json")) : "";
  return createHash("sha256")
    .update(pick(path.join(ROOT, "package.json")))
    .update(pick(path.join(ROOT, "lib", "package.json")))
    .update(lock)
    .digest("hex");
}

/** npm install when node_modules is missing or was installed for other dependencies than package.json lists. */
export function ensureDependencies() {
  const stamp = path.join(ROOT, "node_modules", ".battery-mi-deps");
  const want = dependencyFingerprint();
  const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, "utf8").trim() : "";
  if (have === want && fs.existsSync(path.join(ROOT, "node_modules", "tslab"))) return;
  console.log("[setup] installing npm dependencies (npm install) ...");
  run("npm", ["install", "--no-audit", "--no-fund"], "npm install");
  // npm may rewrite the lockfile (e.g. on a newer npm); fingerprint what is there now.
  fs.writeFileSync(stamp, dependencyFingerprint() + "\n");
}

/** tsc build of lib/ to lib/dist when any source is newer than the last build. */
export function ensureLibBuilt({ force = false } = {}) {
  const stamp = path.join(ROOT, "lib", "dist", ".build-stamp");
  const newest = Math.max(newestMtime(path.join(ROOT, "lib", "src")), mtime(path.join(ROOT, "lib", "tsconfig.json")));
  if (!force && mtime(stamp) >= newest) return;
  console.log("[setup] building battery-mi (tsc -p lib/tsconfig.json) ...");
  run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(ROOT, "lib", "tsconfig.json")], "building lib");
  fs.writeFileSync(stamp, new Date().toISOString() + "\n");
}

/**
 * Writes the tslab (TypeScript) and jslab (JavaScript) kernel specs to .jupyter/share/jupyter/kernels/, the
 * layout `jupyter kernelspec install --prefix=.jupyter` produces. We write kernel.json ourselves instead of
 * calling `tslab install --python=...` so registration needs no Python; the argv uses this Node binary and
 * the project's tslab (through scripts/tslab-kernel.cjs) by absolute path, so the kernel starts without PATH edits.
 */
export function registerKernels() {
  // scripts/tslab-kernel.cjs starts the project's tslab with a fix for its socket start-up race (see that file)
  const launcher = path.join(ROOT, "scripts", "tslab-kernel.cjs");
  for (const js of [false, true]) {
    const dir = path.join(JUPYTER_DATA_DIR, "kernels", js ? "jslab" : "tslab");
    fs.mkdirSync(dir, { recursive: true });
    const spec = {
      argv: [process.execPath, launcher, "kernel", "--config-path", "{connection_file}", ...(js ? ["--js"] : [])],
      display_name: js ? "JavaScript" : "TypeScript",
      language: js ? "javascript" : "typescript",
      metadata: { registered_by: "battery-mi-notebooks scripts/setup.mjs" },
    };
    const file = path.join(dir, "kernel.json");
    const text = JSON.stringify(spec, null, 2) + "\n";
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
  }
  return JUPYTER_DATA_DIR;
}

/** Environment for Jupyter processes started by the project: finds the project's kernels first. */
export function jupyterEnv(base = process.env) {
  const paths = [JUPYTER_DATA_DIR, ...(base.JUPYTER_PATH ? base.JUPYTER_PATH.split(path.delimiter) : [])];
  return { ...base, JUPYTER_PATH: paths.join(path.delimiter) };
}

export function setupAll() {
  ensureDependencies();
  ensureLibBuilt();
  registerKernels();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setupAll();
  console.log(`[setup] ready. Kernels registered in ${path.relative(ROOT, JUPYTER_DATA_DIR)}/kernels`);
}
