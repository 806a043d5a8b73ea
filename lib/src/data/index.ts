/**
 * `battery-mi/data`: the real datasets shipped with the course (datasets/, described by datasets/manifest.json
 * with source, licence, citation, units and SHA-256 of every file) and their loaders.
 *
 * - {@link listDatasets}, {@link datasetInfo}, {@link citation}: what there is and where it came from.
 * - {@link verifyDatasets}: SHA-256 check of the shipped files.
 * - {@link loadDataset}: a danfojs DataFrame with units in the column names (`"Capacity [A.h]"`), for showing,
 *   grouping and exploring in notebooks.
 * - {@link loadTable}: the same data as typed columns (`Float64Array` / `string[]`) for numeric code.
 * - {@link formatTable}: a table or DataFrame as aligned text with full column names (units included).
 *
 * Every load verifies the file's checksum first (cached per process by size and modification time), and
 * reads the CSV strictly: a malformed row is an error naming file, line and column, never a silent NaN.
 *
 * danfojs-node is loaded lazily (it takes ~2 s to start), so `loadTable` and the rest stay fast when no
 * DataFrame is needed. {@link danfo} hands out the danfojs module itself, so notebooks need to import only
 * battery-mi; `DataFrame` and `Series` are re-exported as types.
 *
 * @example
 * ```ts
 * import { loadDataset, loadTable, numericColumn } from "battery-mi/data";
 * const df = loadDataset("nasa-pcoe-capacity");
 * df.head().print();
 * const t = loadTable("nasa-pcoe-capacity");
 * const capacity = numericColumn(t, "Capacity [A.h]"); // Float64Array(636)
 * ```
 * @packageDocumentation
 */
import fs from "node:fs";
import path from "node:path";
import type { DataFrame } from "danfojs-node";
import { readTypedCsv } from "./csv";
import { DatasetError, didYouMean } from "./errors";
import { datasetsDir, readManifest, type DatasetColumn, type DatasetEntry, type DatasetFile } from "./manifest";
import { restoreAdvice, verificationError, verifyFile, type FileVerification } from "./verify";

export type { DataFrame, Series } from "danfojs-node";
export { CsvFormatError, DatasetError, editDistance, nearest, type DatasetErrorCode } from "./errors";
export { countCsvRows, parseCsv, readTypedCsv, scanCsv, type ColumnType, type CsvColumnSpec, type CsvScanOptions, type ParsedCsv, type TypedCsv } from "./csv";
export {
  DATASETS_ENV,
  datasetsDir,
  readManifest,
  validateManifest,
  type DatasetCitation,
  DATASET_FILE_ROLES,
  type DatasetColumn,
  type DatasetEntry,
  type DatasetFile,
  type DatasetFileRole,
  type DatasetManifest,
  type DatasetSource,
} from "./manifest";
export { clearVerificationCache, sha256File, type FileStatus, type FileVerification } from "./verify";
export { formatTable, type FormatTableOptions, type Tabular } from "./format";
export { listStructures, loadStructure, listPymatgenEntryFiles, loadPymatgenEntries, loadLiFeOEntries, liFeOPhaseEntries, STRUCTURES_DATASET, type StructureFileInfo, type LoadStructureOptions, type PymatgenPhaseEntry, type LiFeOPhaseEntry } from "./structures";
export { loadObelix, obelixTable, loadLiverpoolIonics, liverpoolTable, conductivitySeries, parseReportedConductivity, OBELIX_DATASET, LIVERPOOL_DATASET, OBELIX_CONDUCTIVITY, OBELIX_UPPER_BOUND, LIVERPOOL_TEMPERATURE_K, type ObelixSplit, type ObelixOptions, type ReportedConductivity, type ConductivitySeries, type ConductivitySeriesOptions } from "./conductivity";

/** One line of {@link listDatasets}. */
export interface DatasetSummary {
  /** Identifier for the loaders. */
  name: string;
  /** One-line title. */
  title: string;
  /** Rows of the table. */
  rows: number;
  /** Display names of the columns (with units). */
  columns: string[];
  /** Licence as stated by the source. */
  licence: string;
}

/**
 * The datasets in datasets/manifest.json.
 *
 * @example
 * ```ts
 * console.table(listDatasets().map(({ name, title, rows }) => ({ name, title, rows })));
 * ```
 */
export function listDatasets(): DatasetSummary[] {
  return readManifest().datasets.map((d) => ({
    name: d.name,
    title: d.title,
    rows: tableFile(d).rows ?? 0,
    columns: d.columns.map((c) => c.name),
    licence: d.licence,
  }));
}

/** A dataset's manifest entry plus where its files are. */
export interface DatasetInfo extends DatasetEntry {
  /** Absolute path of the datasets folder in use. */
  dir: string;
  /** The table file's manifest record. */
  table: DatasetFile;
  /** Absolute path of the table file. */
  tablePath: string;
  /** Absolute path of the provenance document, when the dataset has one. */
  provenancePath: string | undefined;
}

/**
 * Everything the manifest says about a dataset: title, description, files with SHA-256, source and commit,
 * licence, citation (`info.citation.text`), columns with units, changes. The result is a copy; editing it
 * changes nothing.
 *
 * @throws {@link DatasetError} `UNKNOWN_DATASET`, listing the available names and the nearest one.
 */
export function datasetInfo(name: string): DatasetInfo {
  const dir = datasetsDir();
  const entry = structuredClone(findEntry(name, dir));
  const table = tableFile(entry);
  const prov = entry.files.find((f) => f.role === "provenance");
  return {
    ...entry,
    dir,
    table,
    tablePath: path.join(dir, ...table.path.split("/")),
    provenancePath: prov && path.join(dir, ...prov.path.split("/")),
  };
}

/** The reference to cite for a dataset, as text. */
export function citation(name: string): string {
  return findEntry(name, datasetsDir()).citation.text;
}

/**
 * Checks every file of the named datasets (all datasets when `names` is omitted) against the SHA-256 and size
 * recorded in the manifest. Always hashes the files (no cache). Does not throw for bad files: each file gets a
 * status (`ok`, `missing`, `size-mismatch`, `checksum-mismatch`) with expected and actual values.
 *
 * @example
 * ```ts
 * const bad = verifyDatasets().filter((v) => v.status !== "ok");
 * if (bad.length > 0) console.error(bad);
 * ```
 * @throws {@link DatasetError} `UNKNOWN_DATASET` for a name not in the manifest.
 */
export function verifyDatasets(names?: string | readonly string[]): FileVerification[] {
  const dir = datasetsDir();
  const manifest = readManifest(dir);
  const wanted = names === undefined ? manifest.datasets.map((d) => d.name) : typeof names === "string" ? [names] : [...names];
  const out: FileVerification[] = [];
  for (const n of wanted) {
    const entry = findEntry(n, dir);
    for (const f of entry.files) out.push(verifyFile(dir, entry, f, false));
  }
  return out;
}

/** Options of {@link loadTable} and {@link loadDataset}. */
export interface LoadOptions {
  /**
   * Columns to return, in this order, by display name (`"Capacity [A.h]"`) or source name (`"capacity_Ah"`).
   * Default: all columns in file order.
   */
  columns?: readonly string[];
  /** Key columns by their names in the file (`capacity_Ah`) instead of the display names with units. Default false. */
  sourceNames?: boolean;
  /**
   * Check the file's SHA-256 before reading (default true). The result is cached per process by file size
   * and modification time, so repeated loads hash once.
   */
  verify?: boolean;
}

/** Typed columns of a dataset (see {@link loadTable}). */
export interface Table {
  /** Dataset name. */
  dataset: string;
  /** `Float64Array` for numeric columns (integers included), `string[]` for text, keyed by column name. */
  columns: Record<string, Float64Array | string[]>;
  /** Number of rows. */
  nRows: number;
  /** Manifest description of each returned column, in order. */
  columnInfo: DatasetColumn[];
}

/**
 * Reads a dataset into typed columns: `Float64Array` for `float` and `integer` columns, `string[]` for text,
 * keyed by display name with unit (`"Capacity [A.h]"`) unless `sourceNames` is set. Use this in numeric code;
 * use {@link loadDataset} for a DataFrame.
 *
 * @example
 * ```ts
 * const t = loadTable("nasa-pcoe-capacity");
 * const q = numericColumn(t, "Capacity [A.h]");      // Float64Array(636)
 * const cell = stringColumn(t, "Battery");            // ["B0005", ...]
 * ```
 * @throws {@link DatasetError} `UNKNOWN_DATASET`, `FILE_MISSING`, `CHECKSUM_MISMATCH`, `UNKNOWN_COLUMN`,
 * `ROW_COUNT_MISMATCH`; {@link CsvFormatError} for a malformed row (file, line, column, problem).
 */
export function loadTable(name: string, options: LoadOptions = {}): Table {
  checkOptionKeys(options as Record<string, unknown>, ["columns", "sourceNames", "verify"], "loadTable");
  const dir = datasetsDir();
  const entry = findEntry(name, dir);
  const file = tableFile(entry);
  const selected = selectColumns(entry, options.columns);
  if (options.verify !== false) {
    for (const f of entry.files) {
      if (f.role !== "table") continue;
      const err = verificationError(verifyFile(dir, entry, f, true));
      if (err) throw err;
    }
  }
  const abs = path.join(dir, ...file.path.split("/"));
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch {
    throw new DatasetError("FILE_MISSING", `dataset "${entry.name}": file ${file.path} cannot be read (${abs}). ${restoreAdvice(file.path)}.`);
  }
  const typed = readTypedCsv(text, entry.columns, { file: abs, expectedRows: file.rows, header: file.header });
  if (file.rows !== undefined && typed.nRows !== file.rows) {
    throw new DatasetError(
      "ROW_COUNT_MISMATCH",
      `dataset "${entry.name}": ${file.path} has ${typed.nRows} data rows but the manifest records ${file.rows}. ${restoreAdvice(file.path)}, or re-record with \`node scripts/add-dataset.mjs refresh\`.`,
    );
  }
  const columns: Record<string, Float64Array | string[]> = {};
  for (const c of selected) columns[options.sourceNames ? c.source : c.name] = typed.columns[c.source];
  return { dataset: entry.name, columns, nRows: typed.nRows, columnInfo: selected.map((c) => ({ ...c })) };
}

/**
 * Loads a dataset as a danfojs DataFrame whose column names carry units, PyBaMM style (`"Capacity [A.h]"`,
 * `"Min voltage [V]"`, `"Max temperature [degC]"`); integer columns get dtype `int32`, other numbers
 * `float32` (danfojs' name — values stay JavaScript doubles), text `string`. danfojs-node itself is loaded on
 * the first call (about 2 s), not when battery-mi/data is imported.
 *
 * @example
 * ```ts
 * const df = loadDataset("nasa-pcoe-capacity");
 * df.head().print();
 * df.describe().print();
 * ```
 * @throws the errors of {@link loadTable}.
 */
export function loadDataset(name: string, options: LoadOptions = {}): DataFrame {
  checkOptionKeys(options as Record<string, unknown>, ["columns", "sourceNames", "verify"], "loadDataset");
  return toDataFrame(loadTable(name, options));
}

/** Converts a {@link Table} to a danfojs DataFrame (dtypes from the manifest's column types). */
export function toDataFrame(table: Table): DataFrame {
  const dfd = danfo();
  const names = Object.keys(table.columns);
  const data: Record<string, number[] | string[]> = {};
  for (const n of names) {
    const col = table.columns[n];
    data[n] = col instanceof Float64Array ? Array.from(col) : col.slice();
  }
  const dtypes = table.columnInfo.map((c) => (c.type === "string" ? "string" : c.type === "integer" ? "int32" : "float32"));
  return new dfd.DataFrame(data, { columns: names, dtypes });
}

let danfoModule: typeof import("danfojs-node") | undefined;

/**
 * The danfojs-node module (loaded on first call, ~2 s), so notebooks can build their own DataFrames without
 * importing danfojs directly: `const { DataFrame, concat } = danfo();`.
 */
export function danfo(): typeof import("danfojs-node") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfoModule ??= require("danfojs-node") as typeof import("danfojs-node");
  return danfoModule;
}

/**
 * A numeric column of a {@link Table}.
 *
 * @throws {@link DatasetError} `UNKNOWN_COLUMN` (with the nearest name) or when the column holds text.
 */
export function numericColumn(table: Table, name: string): Float64Array {
  const col = getColumn(table, name);
  if (!(col instanceof Float64Array)) {
    throw new DatasetError("UNKNOWN_COLUMN", `column "${name}" of dataset "${table.dataset}" holds text; use stringColumn()`);
  }
  return col;
}

/**
 * A text column of a {@link Table}.
 *
 * @throws {@link DatasetError} `UNKNOWN_COLUMN` (with the nearest name) or when the column is numeric.
 */
export function stringColumn(table: Table, name: string): string[] {
  const col = getColumn(table, name);
  if (col instanceof Float64Array) {
    throw new DatasetError("UNKNOWN_COLUMN", `column "${name}" of dataset "${table.dataset}" is numeric; use numericColumn()`);
  }
  return col;
}

function getColumn(table: Table, name: string): Float64Array | string[] {
  const col = table.columns[name];
  if (col === undefined) {
    const names = Object.keys(table.columns);
    throw new DatasetError(
      "UNKNOWN_COLUMN",
      `dataset "${table.dataset}" has no column "${name}". Columns: ${names.map((n) => `"${n}"`).join(", ")}.${didYouMean(name, names)}`,
    );
  }
  return col;
}

/**
 * Splits a {@link Table} by the values of a text column, keeping row order within each group and the order in
 * which the groups first appear. Useful for per-cell series: `splitTable(t, "Battery").get("B0005")`.
 *
 * @throws {@link DatasetError} `UNKNOWN_COLUMN` when `by` is not a text column of the table.
 */
export function splitTable(table: Table, by: string): Map<string, Table> {
  const col = getColumn(table, by);
  if (col instanceof Float64Array) {
    const text = Object.keys(table.columns).filter((n) => !(table.columns[n] instanceof Float64Array));
    throw new DatasetError(
      "UNKNOWN_COLUMN",
      `splitTable: column "${by}" of dataset "${table.dataset}" is numeric; split by a text column (${text.map((n) => `"${n}"`).join(", ") || "none in this table"})`,
    );
  }
  const keys = col;
  const groups = new Map<string, number[]>();
  for (let r = 0; r < table.nRows; r++) {
    const g = groups.get(keys[r]);
    if (g) g.push(r);
    else groups.set(keys[r], [r]);
  }
  const out = new Map<string, Table>();
  for (const [key, rows] of groups) {
    const columns: Record<string, Float64Array | string[]> = {};
    for (const [n, col] of Object.entries(table.columns)) {
      if (col instanceof Float64Array) {
        const a = new Float64Array(rows.length);
        for (let i = 0; i < rows.length; i++) a[i] = col[rows[i]];
        columns[n] = a;
      } else {
        columns[n] = rows.map((r) => col[r]);
      }
    }
    out.set(key, { dataset: table.dataset, columns, nRows: rows.length, columnInfo: table.columnInfo });
  }
  return out;
}

function findEntry(name: string, dir: string): DatasetEntry {
  const manifest = readManifest(dir);
  const entry = manifest.datasets.find((d) => d.name === name);
  if (entry) return entry;
  const names = manifest.datasets.map((d) => d.name);
  throw new DatasetError(
    "UNKNOWN_DATASET",
    `unknown dataset "${name}". Available: ${names.map((n) => `"${n}"`).join(", ")}.${didYouMean(name, names)}`,
  );
}

function tableFile(entry: DatasetEntry): DatasetFile {
  // validateManifest guarantees exactly one.
  return entry.files.find((f) => f.role === "table") as DatasetFile;
}

function selectColumns(entry: DatasetEntry, wanted: readonly string[] | undefined): DatasetColumn[] {
  if (wanted === undefined) return entry.columns;
  const all = [...entry.columns.map((c) => c.name), ...entry.columns.map((c) => c.source)];
  return wanted.map((w) => {
    const c = entry.columns.find((col) => col.name === w || col.source === w);
    if (!c) {
      throw new DatasetError(
        "UNKNOWN_COLUMN",
        `dataset "${entry.name}" has no column "${w}". Columns: ${entry.columns.map((col) => `"${col.name}"`).join(", ")}.${didYouMean(w, all)}`,
      );
    }
    return c;
  });
}

function checkOptionKeys(options: Record<string, unknown>, valid: readonly string[], fn: string): void {
  if (typeof options !== "object" || options === null) {
    throw new DatasetError("INVALID_OPTION", `${fn}: options must be an object, got ${String(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!valid.includes(k)) {
      throw new DatasetError("INVALID_OPTION", `${fn}: unknown option "${k}". Valid options: ${valid.join(", ")}.${didYouMean(k, valid)}`);
    }
  }
}
export { INSERTION_ELECTRODES_DATASET, PHYSICAL_VOLTAGE_BOUNDS_V, PHYSICAL_VOLTAGE_RULE, WORKING_IONS, loadInsertionElectrodes, loadInsertionElectrodesTable, type InsertionElectrodeOptions, type InsertionElectrodeTable, type VoltageFilterCount, type WorkingIon } from "./mp-electrodes";

// The Materials Project: typed API client and the offline-snapshot facade.
export * from "./mp";
