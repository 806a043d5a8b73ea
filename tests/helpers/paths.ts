import fs from "node:fs";
import path from "node:path";

/** Repository root (tests/helpers/../..). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Reads a committed reference JSON under tests/reference/. */
export function readReference<T = unknown>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tests", "reference", ...parts), "utf8")) as T;
}
