import fs from "node:fs";
import path from "node:path";

/** Repository root (tests/helpers/../..). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The shared raw data folder (`../shared/datasets-src` beside the clone, as on developer machines and in CI),
 * or undefined when it is absent; tests that need it skip with a reason then.
 */
export function sharedDatasetsSrc(): string | undefined {
  const dir = path.resolve(REPO_ROOT, "..", "shared", "datasets-src");
  return fs.existsSync(dir) ? dir : undefined;
}

/** Reads a committed reference JSON under tests/reference/. */
export function readReference<T = unknown>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tests", "reference", ...parts), "utf8")) as T;
}
