/**
 * Where the structure tests find the shared real data: `../shared/datasets-src` relative to the repository root
 * (in CI a copy of shared/ sits beside the clone). Tests skip with a reason when it is absent.
 */
import { existsSync } from "node:fs";
import path from "node:path";

/** Repository root (this file is tests/reference/structure/datasets.ts). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** `../shared/datasets-src` resolved against the repository root. */
export const DATASETS_SRC = path.resolve(REPO_ROOT, "../shared/datasets-src");

/** Folder of the canonical CIFs. */
export const CANONICAL_DIR = path.join(DATASETS_SRC, "crystal-structures", "canonical");

/** Folder of the 321 OBELiX CIFs. */
export const OBELIX_DIR = path.join(DATASETS_SRC, "solid-electrolyte-conductivity", "obelix_cifs");

/** Path of a canonical CIF, or undefined when the shared data is not present. */
export function canonicalCif(name: string): string | undefined {
  const p = path.join(CANONICAL_DIR, name);
  return existsSync(p) ? p : undefined;
}

/** Reason to skip when the shared data is missing, or undefined when it is there. */
export function missingDataReason(dir: string = CANONICAL_DIR): string | undefined {
  return existsSync(dir) ? undefined : `shared data not found at ${dir} (expected ../shared/datasets-src beside the repository)`;
}

/** Directory of the hand-written test CIFs. */
export const FIXTURES_DIR = path.resolve(REPO_ROOT, "tests", "fixtures", "cif");
