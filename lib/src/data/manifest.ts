/**
 * datasets/manifest.json: where it is, what it holds, and a structural check of every entry, so that a broken
 * manifest is reported once with the entry and field at fault instead of failing later in odd ways.
 */
import fs from "node:fs";
import path from "node:path";
import type { ColumnType } from "./csv";
import { DatasetError } from "./errors";

/** Environment variable that points battery-mi at another datasets folder (the one holding manifest.json). */
export const DATASETS_ENV = "BATTERY_MI_DATASETS";

/** What a file of a dataset is (see {@link DatasetFile.role}). */
export type DatasetFileRole = "table" | "provenance" | "split" | "structure" | "entries" | "source";

/** Every valid {@link DatasetFileRole}. */
export const DATASET_FILE_ROLES: readonly DatasetFileRole[] = ["table", "provenance", "split", "structure", "entries", "source"];

/** One file of a dataset, as recorded in the manifest. */
export interface DatasetFile {
  /** Path relative to the datasets folder, with forward slashes (`nasa-pcoe-battery/nasa_discharge_capacity.csv`). */
  path: string;
  /**
   * `table`: the dataset's main data (CSV, exactly one per dataset); `provenance`: where the data came from and
   * what was changed; `split`: a CSV with the same columns as the table holding a subset of its rows (e.g. an
   * official train/test split); `structure`: a crystal structure (CIF); `entries`: computed entries (energies,
   * compositions, structures) serialised as JSON, e.g. by pymatgen; `source`: an upstream file kept exactly as
   * published (e.g. Magpie's per-property `.table` files) from which the table or the library's generated code
   * was derived, shipped so that the derivation and the reference checks can be redone offline.
   */
  role: DatasetFileRole;
  /** SHA-256 of the file's bytes, lower-case hex. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
  /** Data rows (header excluded); only for `table` and `split` files. */
  rows?: number;
  /**
   * `false` for a CSV shipped byte for byte without a header line (its first line is data): the dataset's
   * `columns` then name its fields by position, in file order. Default: the file has a header line.
   */
  header?: boolean;
}

/** One column of a dataset's table. */
export interface DatasetColumn {
  /** Name in the file's header (`capacity_Ah`). */
  source: string;
  /** Display name with the unit in brackets, PyBaMM style (`Capacity [A.h]`); used by the loaders by default. */
  name: string;
  /** Value type. */
  type: ColumnType;
  /** Unit (`A.h`, `V`, `s`, `degC`), or `null` for dimensionless / categorical columns. */
  unit: string | null;
  /** What the column means. */
  description: string;
  /** Whether an empty field is allowed (it becomes NaN / `""`). Default false. */
  nullable?: boolean;
}

/** Where a dataset was taken from. */
export interface DatasetSource {
  /** Repository (`owner/name`) or organisation the files were taken from. */
  repository: string;
  /** Address of the repository or page. */
  url: string;
  /** Commit of the repository the files were taken from, when a repository. */
  commit?: string;
  /** Date of that commit or of the download (ISO 8601). */
  date?: string;
  /** Path(s) inside the repository. */
  path?: string;
  /** The original data set, when the repository redistributes someone else's data. */
  original?: string;
}

/** The publication to cite for a dataset. */
export interface DatasetCitation {
  /** Full reference as text, ready to print. */
  text: string;
  /** DOI, when there is one. */
  doi?: string;
  /** Address of the publication or data set, when known. */
  url?: string;
}

/** A dataset's manifest entry. */
export interface DatasetEntry {
  /** Identifier used by the loaders (`nasa-pcoe-capacity`). */
  name: string;
  /** One-line title. */
  title: string;
  /** What the data are and how they were obtained. */
  description: string;
  /** Files: exactly one `table`, the provenance document, and optionally `split`, `structure` and `entries` files. */
  files: DatasetFile[];
  /** Where the files were taken from. */
  source: DatasetSource;
  /** Licence as stated by the source; `"not stated"` where it is not. */
  licence: string;
  /** What to cite. */
  citation: DatasetCitation;
  /** Columns of the table, in file order. */
  columns: DatasetColumn[];
  /** Every change made to the data on the way here (by the provenance author and by this project). */
  changes: string[];
}

/** The whole manifest. */
export interface DatasetManifest {
  /** Format version of the manifest; this library reads version 1. */
  schemaVersion: 1;
  /** One entry per dataset. */
  datasets: DatasetEntry[];
}

/**
 * The datasets folder in use: `$BATTERY_MI_DATASETS` when set (relative paths against the working directory),
 * else the nearest folder named `datasets` holding `manifest.json`, walking up from this module's own
 * directory (so it works from lib/src, lib/dist, and through node_modules/battery-mi, whatever the cwd).
 *
 * @throws {@link DatasetError} `DATASETS_DIR_NOT_FOUND` when neither yields a manifest.
 */
export function datasetsDir(): string {
  const env = process.env[DATASETS_ENV];
  if (env !== undefined && env !== "") {
    const dir = path.resolve(env);
    if (!fs.existsSync(path.join(dir, "manifest.json"))) {
      throw new DatasetError(
        "DATASETS_DIR_NOT_FOUND",
        `${DATASETS_ENV}=${env} points to ${dir}, which holds no manifest.json. Point it at a copy of the repository's datasets/ folder, or unset it to use the repository's own.`,
      );
    }
    return dir;
  }
  const start = fs.realpathSync(__dirname);
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, "datasets");
    if (fs.existsSync(path.join(candidate, "manifest.json"))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new DatasetError(
    "DATASETS_DIR_NOT_FOUND",
    `no datasets/manifest.json found in ${start} or any folder above it. Run from a checkout of battery-mi-notebooks (restore the folder with \`git checkout -- datasets\`), or set ${DATASETS_ENV} to a datasets folder.`,
  );
}

let cached: { file: string; mtimeMs: number; size: number; manifest: DatasetManifest } | undefined;

/**
 * Reads and checks `manifest.json` in `dir` (default {@link datasetsDir}). Re-read only when the file changed.
 *
 * @throws {@link DatasetError} `MANIFEST_INVALID` naming the entry and field that is wrong.
 */
export function readManifest(dir: string = datasetsDir()): DatasetManifest {
  const file = path.join(dir, "manifest.json");
  const st = fs.statSync(file);
  if (cached && cached.file === file && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.manifest;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new DatasetError("MANIFEST_INVALID", `${file} is not valid JSON: ${(e as Error).message}. Restore it with \`git checkout -- datasets/manifest.json\`.`);
  }
  const manifest = validateManifest(json, file);
  cached = { file, mtimeMs: st.mtimeMs, size: st.size, manifest };
  return manifest;
}

const COLUMN_TYPES: readonly ColumnType[] = ["float", "integer", "string"];

/**
 * Structural check of a parsed manifest: required fields and their types, one table per dataset, unique
 * dataset names, unique column source and display names, row counts on tables.
 *
 * @throws {@link DatasetError} `MANIFEST_INVALID`.
 */
export function validateManifest(json: unknown, file = "manifest.json"): DatasetManifest {
  const fail = (where: string, what: string): never => {
    throw new DatasetError("MANIFEST_INVALID", `${file}: ${where}: ${what}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const str = (o: Record<string, unknown>, k: string, where: string, optional = false): void => {
    if (o[k] === undefined && optional) return;
    if (typeof o[k] !== "string" || (o[k] as string) === "") fail(where, `"${k}" must be a non-empty string, got ${JSON.stringify(o[k])}`);
  };
  if (!isObj(json)) return fail("top level", "expected an object with schemaVersion and datasets");
  if (json.schemaVersion !== 1) fail("schemaVersion", `this library reads version 1, found ${JSON.stringify(json.schemaVersion)}`);
  if (!Array.isArray(json.datasets)) return fail("datasets", "must be an array");
  const names = new Set<string>();
  json.datasets.forEach((d: unknown, i: number) => {
    const at = `datasets[${i}]`;
    if (!isObj(d)) return fail(at, "must be an object");
    str(d, "name", at);
    const w = `dataset "${String(d.name)}"`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(d.name as string)) fail(w, "name must be lower-case letters, digits and dashes");
    if (names.has(d.name as string)) fail(w, "name used twice");
    names.add(d.name as string);
    for (const k of ["title", "description", "licence"]) str(d, k, w);
    if (!isObj(d.source)) return fail(w, "source must be an object");
    str(d.source, "repository", `${w} source`);
    str(d.source, "url", `${w} source`);
    for (const k of ["commit", "date", "path", "original"]) str(d.source, k, `${w} source`, true);
    if (!isObj(d.citation)) return fail(w, "citation must be an object with text");
    str(d.citation, "text", `${w} citation`);
    if (!Array.isArray(d.changes) || d.changes.some((c) => typeof c !== "string")) fail(w, "changes must be an array of strings");
    if (!Array.isArray(d.files) || d.files.length === 0) return fail(w, "files must be a non-empty array");
    let tables = 0;
    d.files.forEach((f: unknown, j: number) => {
      const fw = `${w} files[${j}]`;
      if (!isObj(f)) return fail(fw, "must be an object");
      str(f, "path", fw);
      const p = f.path as string;
      if (p.includes("\\") || p.startsWith("/") || p.split("/").includes("..")) fail(fw, `path ${p} must be relative to datasets/ with forward slashes`);
      if (!DATASET_FILE_ROLES.includes(f.role as DatasetFileRole)) fail(fw, `role must be one of ${DATASET_FILE_ROLES.map((r) => `"${r}"`).join(", ")}, got ${JSON.stringify(f.role)}`);
      if (typeof f.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256)) fail(fw, "sha256 must be 64 lower-case hex digits");
      if (!Number.isSafeInteger(f.bytes) || (f.bytes as number) < 0) fail(fw, "bytes must be a non-negative integer");
      if (f.role === "table") tables++;
      if (f.role === "table" || f.role === "split") {
        if (!Number.isSafeInteger(f.rows) || (f.rows as number) < 0) fail(fw, `rows must be a non-negative integer on a ${f.role as string}`);
      }
      if (f.header !== undefined && (typeof f.header !== "boolean" || (f.role !== "table" && f.role !== "split"))) fail(fw, "header must be a boolean, and only on a table or split file");
    });
    if (tables !== 1) fail(w, `needs exactly one file with role "table", found ${tables}`);
    if (!Array.isArray(d.columns) || d.columns.length === 0) return fail(w, "columns must be a non-empty array");
    const src = new Set<string>();
    const disp = new Set<string>();
    d.columns.forEach((c: unknown, j: number) => {
      const cw = `${w} columns[${j}]`;
      if (!isObj(c)) return fail(cw, "must be an object");
      str(c, "source", cw);
      str(c, "name", cw);
      str(c, "description", cw);
      if (!COLUMN_TYPES.includes(c.type as ColumnType)) fail(cw, `type must be one of ${COLUMN_TYPES.join(", ")}, got ${JSON.stringify(c.type)}`);
      if (c.unit !== null && (typeof c.unit !== "string" || c.unit === "")) fail(cw, "unit must be a non-empty string or null");
      if (c.unit !== null && !(c.name as string).endsWith(`[${c.unit as string}]`)) fail(cw, `display name "${String(c.name)}" must end with its unit "[${String(c.unit)}]"`);
      if (c.nullable !== undefined && typeof c.nullable !== "boolean") fail(cw, "nullable must be a boolean");
      if (src.has(c.source as string)) fail(cw, `source column "${String(c.source)}" listed twice`);
      if (disp.has(c.name as string)) fail(cw, `display name "${String(c.name)}" used twice`);
      src.add(c.source as string);
      disp.add(c.name as string);
    });
  });
  return json as unknown as DatasetManifest;
}
