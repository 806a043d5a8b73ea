/**
 * Where the structure tests find real data: the copies shipped in `datasets/` (byte-identical to
 * ../shared/datasets-src, checked by the manifest's sha256), so the checks run on every clean checkout.
 */
import { existsSync } from "node:fs";
import path from "node:path";

/** Repository root (this file is tests/reference/structure/datasets.ts). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The project's shipped data folder. */
export const DATASETS_DIR = path.join(REPO_ROOT, "datasets");

/** Folder of the canonical CIFs (dataset `crystal-structures`). */
export const CANONICAL_DIR = path.join(DATASETS_DIR, "crystal-structures", "canonical");

/** Folder of the 321 OBELiX CIFs (dataset `obelix`). */
export const OBELIX_DIR = path.join(DATASETS_DIR, "solid-electrolyte-conductivity", "obelix_cifs");

/** Path of a canonical CIF; a missing file is an error (the data is shipped, a test must not skip silently). */
export function canonicalCif(name: string): string {
  const p = path.join(CANONICAL_DIR, name);
  if (!existsSync(p)) throw new Error(`${p} is missing: restore it with \`git checkout -- datasets/\``);
  return p;
}

/**
 * Kept for the tests' `skip` options: the shipped data is always expected, so a missing folder is an error
 * rather than a reason to skip.
 */
export function missingDataReason(dir: string = CANONICAL_DIR): undefined {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: restore it with \`git checkout -- datasets/\``);
  return undefined;
}

/** Directory of the hand-written test CIFs. */
export const FIXTURES_DIR = path.resolve(REPO_ROOT, "tests", "fixtures", "cif");
