import { spawnSync } from "node:child_process";
import fs from "node:fs";

/**
 * Debian's Python with the reference packages (python3-sklearn, python3-xgboost, python3-pymatgen …).
 * `python3` on PATH may be another interpreter without them, so /usr/bin/python3 is preferred.
 */
export const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

const cache = new Map<string, boolean>();

/** True when every listed module imports in {@link PYTHON}. */
export function hasPythonModules(...modules: string[]): boolean {
  const key = modules.join(",");
  if (!cache.has(key)) {
    const r = spawnSync(PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")], { stdio: "ignore", timeout: 60000 });
    cache.set(key, r.status === 0);
  }
  return cache.get(key)!;
}

/** Runs a Python script that reads JSON on stdin and prints JSON on stdout; throws with its stderr on failure. */
export function runPythonJson<T = unknown>(script: string, input: unknown, timeoutMs = 120000): T {
  const r = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(input), encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python reference failed (status ${r.status}): ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as T;
}
