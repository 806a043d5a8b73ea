/**
 * SHA-256 checks of shipped files against datasets/manifest.json, with a per-process cache keyed by the
 * file's path, size and modification time so that repeated loads do not re-hash unchanged files.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DatasetError } from "./errors";
import type { DatasetEntry, DatasetFile } from "./manifest";

/** Outcome of checking one file. */
export type FileStatus = "ok" | "missing" | "size-mismatch" | "checksum-mismatch";

/** Result of checking one file of a dataset (see {@link verifyDatasets}). */
export interface FileVerification {
  /** Dataset the file belongs to. */
  dataset: string;
  /** Path relative to the datasets folder. */
  path: string;
  /** Absolute path that was checked. */
  absolutePath: string;
  /** `ok`, or what is wrong. */
  status: FileStatus;
  /** SHA-256 recorded in the manifest. */
  expectedSha256: string;
  /** SHA-256 of the file on disk (absent when the file is missing). */
  actualSha256?: string;
  /** Size recorded in the manifest. */
  expectedBytes: number;
  /** Size on disk (absent when the file is missing). */
  actualBytes?: number;
}

/** SHA-256 of a file's bytes, lower-case hex. */
export function sha256File(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

const verified = new Map<string, { mtimeMs: number; size: number; sha256: string }>();

/** Forgets every cached verification (tests use this; files are re-hashed on next load). */
export function clearVerificationCache(): void {
  verified.clear();
}

/** Checks one manifest file on disk. `useCache` skips hashing when size and mtime match an earlier success. */
export function verifyFile(dir: string, entry: DatasetEntry, f: DatasetFile, useCache: boolean): FileVerification {
  const absolutePath = path.join(dir, ...f.path.split("/"));
  const base = { dataset: entry.name, path: f.path, absolutePath, expectedSha256: f.sha256, expectedBytes: f.bytes };
  let st: fs.Stats;
  try {
    st = fs.statSync(absolutePath);
  } catch {
    verified.delete(absolutePath);
    return { ...base, status: "missing" };
  }
  if (!st.isFile()) return { ...base, status: "missing" };
  const hit = verified.get(absolutePath);
  if (useCache && hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.sha256 === f.sha256) {
    return { ...base, status: "ok", actualSha256: f.sha256, actualBytes: st.size };
  }
  const actualSha256 = sha256File(absolutePath);
  const status: FileStatus = actualSha256 === f.sha256 ? "ok" : st.size !== f.bytes ? "size-mismatch" : "checksum-mismatch";
  if (status === "ok") verified.set(absolutePath, { mtimeMs: st.mtimeMs, size: st.size, sha256: actualSha256 });
  else verified.delete(absolutePath);
  return { ...base, status, actualSha256, actualBytes: st.size };
}

/** How to get a shipped file back. */
export function restoreAdvice(relPath: string): string {
  return `Restore it with \`git checkout -- datasets/${relPath}\` (in the battery-mi-notebooks repository)`;
}

/** The error for a failed {@link FileVerification}; `undefined` when the file is fine. */
export function verificationError(v: FileVerification): DatasetError | undefined {
  if (v.status === "ok") return undefined;
  if (v.status === "missing") {
    return new DatasetError(
      "FILE_MISSING",
      `dataset "${v.dataset}": file ${v.path} is missing (looked for ${v.absolutePath}). ${restoreAdvice(v.path)}, or set BATTERY_MI_DATASETS to a complete copy of datasets/.`,
    );
  }
  return new DatasetError(
    "CHECKSUM_MISMATCH",
    `dataset "${v.dataset}": file ${v.path} is corrupted or was modified (${v.absolutePath}): ` +
      `sha256 expected ${v.expectedSha256} (${v.expectedBytes} bytes) but found ${v.actualSha256} (${v.actualBytes} bytes). ` +
      `${restoreAdvice(v.path)}. If you changed it on purpose, record the new checksum with \`node scripts/add-dataset.mjs refresh\`.`,
  );
}
