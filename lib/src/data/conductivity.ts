/**
 * Loaders of the solid-electrolyte conductivity datasets: OBELiX (room-temperature conductivity, with the
 * authors' train/test split) and the Liverpool Ionics Dataset (conductivity at 5–873 °C), as danfojs DataFrames
 * or typed tables, plus the temperature series of the Liverpool data for Arrhenius fits.
 */
import fs from "node:fs";
import path from "node:path";
import type { DataFrame } from "danfojs-node";
import { readTypedCsv } from "./csv";
import { DatasetError } from "./errors";
import { datasetsDir, readManifest, type DatasetColumn, type DatasetEntry, type DatasetFile } from "./manifest";
import { restoreAdvice, verificationError, verifyFile } from "./verify";
// index.ts re-exports this module; the functions below are only looked up when called, so the cycle is harmless.
import { loadTable, numericColumn, stringColumn, toDataFrame, type Table } from "./index";

/** Dataset name of OBELiX in datasets/manifest.json. */
export const OBELIX_DATASET = "obelix";
/** Dataset name of the Liverpool Ionics Dataset in datasets/manifest.json. */
export const LIVERPOOL_DATASET = "liverpool-ionics";

/** Column added by {@link obelixTable}: the reported conductivity as a number (a detection limit gives its bound). */
export const OBELIX_CONDUCTIVITY = "Ionic conductivity [S.cm-1]";
/** Column added by {@link obelixTable}: 1 when the reported conductivity is a detection limit (`<1E-10`), else 0. */
export const OBELIX_UPPER_BOUND = "Conductivity is upper bound";
/** Column added by {@link liverpoolTable}: measurement temperature in kelvin (°C + 273.15). */
export const LIVERPOOL_TEMPERATURE_K = "Temperature [K]";

/** A conductivity as written in OBELiX, parsed (see {@link parseReportedConductivity}). */
export interface ReportedConductivity {
  /** The number [S/cm]; for a detection limit, the limit itself. */
  value: number;
  /** True when the text was a detection limit (`<1E-10`): the true value is below `value`. */
  upperBound: boolean;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a conductivity as OBELiX writes it: a plain number (`1.58489e-06`) or a detection limit (`<1E-10`).
 *
 * @example
 * ```ts
 * parseReportedConductivity("<1E-10"); // { value: 1e-10, upperBound: true }
 * ```
 * @throws {@link DatasetError} `CSV_FORMAT` for anything else (empty, negative, text), saying what is accepted.
 */
export function parseReportedConductivity(text: string, where = "conductivity"): ReportedConductivity {
  const t = text.trim();
  const upperBound = t.startsWith("<");
  const num = upperBound ? t.slice(1).trim() : t;
  const value = Number(num);
  if (!NUMBER.test(num) || !(value > 0) || !Number.isFinite(value)) {
    throw new DatasetError("CSV_FORMAT", `${where}: "${text}" is not a conductivity; expected a positive number in S/cm (e.g. 1.2e-4) or a detection limit such as "<1E-10"`);
  }
  return { value, upperBound };
}

/** Which rows of OBELiX to load: all 599, or the authors' official train (478) or test (121) split. */
export type ObelixSplit = "all" | "train" | "test";

/** Options of {@link obelixTable} / {@link loadObelix}. */
export interface ObelixOptions {
  /** `"all"` (default), `"train"` or `"test"` (the OBELiX authors' split, files obelix_train.csv / obelix_test.csv). */
  split?: ObelixSplit;
  /** Check the file's SHA-256 first (default true; cached per process). */
  verify?: boolean;
}

function entryOf(name: string): { dir: string; entry: DatasetEntry } {
  const dir = datasetsDir();
  const entry = readManifest(dir).datasets.find((d) => d.name === name);
  if (!entry) throw new DatasetError("UNKNOWN_DATASET", `datasets/manifest.json has no dataset "${name}". Restore it with \`git checkout -- datasets/manifest.json\`.`);
  return { dir, entry };
}

function checkKeys(options: object, valid: readonly string[], fn: string): void {
  for (const k of Object.keys(options)) {
    if (!valid.includes(k)) throw new DatasetError("INVALID_OPTION", `${fn}: unknown option "${k}". Valid options: ${valid.join(", ")}.`);
  }
}

/** Reads a `split` file of a dataset with the table's column specification (checksum and row count checked). */
function readSplit(dir: string, entry: DatasetEntry, f: DatasetFile, verify: boolean): Table {
  if (verify) {
    const err = verificationError(verifyFile(dir, entry, f, true));
    if (err) throw err;
  }
  const abs = path.join(dir, ...f.path.split("/"));
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch {
    throw new DatasetError("FILE_MISSING", `dataset "${entry.name}": file ${f.path} cannot be read (${abs}). ${restoreAdvice(f.path)}.`);
  }
  const typed = readTypedCsv(text, entry.columns, { file: abs, expectedRows: f.rows });
  if (f.rows !== undefined && typed.nRows !== f.rows) {
    throw new DatasetError("ROW_COUNT_MISMATCH", `dataset "${entry.name}": ${f.path} has ${typed.nRows} data rows but the manifest records ${f.rows}. ${restoreAdvice(f.path)}.`);
  }
  const columns: Record<string, Float64Array | string[]> = {};
  for (const c of entry.columns) columns[c.name] = typed.columns[c.source]!;
  return { dataset: entry.name, columns, nRows: typed.nRows, columnInfo: entry.columns.map((c) => ({ ...c })) };
}

/**
 * OBELiX as typed columns (display names with units), plus two parsed columns: {@link OBELIX_CONDUCTIVITY}
 * (`"Ionic conductivity [S.cm-1]"`, a number for every row; a detection limit such as `<1E-10` gives its bound)
 * and {@link OBELIX_UPPER_BOUND} (`"Conductivity is upper bound"`, 1 for those 37 rows, else 0), so censored
 * values are neither dropped silently nor mistaken for measurements.
 *
 * @example
 * ```ts
 * const t = obelixTable({ split: "train" });
 * const sigma = numericColumn(t, "Ionic conductivity [S.cm-1]"); // Float64Array(478)
 * ```
 */
export function obelixTable(options: ObelixOptions = {}): Table {
  checkKeys(options, ["split", "verify"], "obelixTable");
  const split = options.split ?? "all";
  let t: Table;
  if (split === "all") t = loadTable(OBELIX_DATASET, { verify: options.verify !== false });
  else if (split === "train" || split === "test") {
    const { dir, entry } = entryOf(OBELIX_DATASET);
    const f = entry.files.find((x) => x.role === "split" && x.path.endsWith(`_${split}.csv`));
    if (!f) throw new DatasetError("FILE_MISSING", `dataset "${OBELIX_DATASET}" lists no ${split} split file in datasets/manifest.json`);
    t = readSplit(dir, entry, f, options.verify !== false);
  } else {
    throw new DatasetError("INVALID_OPTION", `obelixTable: split must be "all", "train" or "test", got ${JSON.stringify(split)}`);
  }
  const reported = stringColumn(t, "Ionic conductivity as reported [S.cm-1]");
  const ids = stringColumn(t, "ID");
  const value = new Float64Array(t.nRows);
  const bound = new Float64Array(t.nRows);
  for (let i = 0; i < t.nRows; i++) {
    const r = parseReportedConductivity(reported[i]!, `OBELiX entry ${ids[i]} (${split} row ${i + 1})`);
    value[i] = r.value;
    bound[i] = r.upperBound ? 1 : 0;
  }
  const extra: DatasetColumn[] = [
    { source: OBELIX_CONDUCTIVITY, name: OBELIX_CONDUCTIVITY, type: "float", unit: "S.cm-1", description: "Reported conductivity parsed as a number; for a detection limit ('<1E-10') the limit itself" },
    { source: OBELIX_UPPER_BOUND, name: OBELIX_UPPER_BOUND, type: "integer", unit: null, description: "1 when the reported conductivity is a detection limit (true value below it), else 0" },
  ];
  return {
    dataset: t.dataset,
    columns: { ...t.columns, [OBELIX_CONDUCTIVITY]: value, [OBELIX_UPPER_BOUND]: bound },
    nRows: t.nRows,
    columnInfo: [...t.columnInfo, ...extra],
  };
}

/**
 * OBELiX (all rows or the official train/test split) as a danfojs DataFrame; see {@link obelixTable} for the
 * two parsed columns it adds.
 *
 * @example
 * ```ts
 * const df = loadObelix();
 * df.loc({ columns: ["Reduced composition", "Family", "Ionic conductivity [S.cm-1]"] }).head().print();
 * ```
 */
export function loadObelix(options: ObelixOptions = {}): DataFrame {
  return toDataFrame(obelixTable(options));
}

/**
 * The Liverpool Ionics Dataset as typed columns, plus {@link LIVERPOOL_TEMPERATURE_K} (`"Temperature [K]"` =
 * `"Temperature [degC]"` + 273.15; the file's temperatures are in °C, see PROVENANCE.md).
 */
export function liverpoolTable(options: { verify?: boolean } = {}): Table {
  checkKeys(options, ["verify"], "liverpoolTable");
  const t = loadTable(LIVERPOOL_DATASET, { verify: options.verify !== false });
  const c = numericColumn(t, "Temperature [degC]");
  const k = new Float64Array(t.nRows);
  for (let i = 0; i < t.nRows; i++) k[i] = c[i]! + 273.15;
  return {
    ...t,
    columns: { ...t.columns, [LIVERPOOL_TEMPERATURE_K]: k },
    columnInfo: [...t.columnInfo, { source: LIVERPOOL_TEMPERATURE_K, name: LIVERPOOL_TEMPERATURE_K, type: "float", unit: "K", description: "Temperature [degC] + 273.15" }],
  };
}

/**
 * The Liverpool Ionics Dataset (820 measurements, 5–873 °C) as a danfojs DataFrame with an added
 * `"Temperature [K]"` column.
 *
 * @example
 * ```ts
 * const df = loadLiverpoolIonics();
 * df.head().print();
 * ```
 */
export function loadLiverpoolIonics(options: { verify?: boolean } = {}): DataFrame {
  return toDataFrame(liverpoolTable(options));
}

/** Conductivity of one material at several temperatures (see {@link conductivitySeries}). */
export interface ConductivitySeries {
  /** Composition as written in the dataset (trimmed). */
  composition: string;
  /** DOI of the publication, when grouping by source; otherwise every distinct DOI of the series, `; `-joined. */
  source: string;
  /** Structural family. */
  family: string;
  /** Temperatures [K], ascending. */
  temperaturesK: Float64Array;
  /** Conductivities [S/cm], matching `temperaturesK`. */
  conductivitiesSPerCm: Float64Array;
}

/** Options of {@link conductivitySeries}. */
export interface ConductivitySeriesOptions {
  /** Keep only series with at least this many distinct temperatures (default 4; at least 2). */
  minTemperatures?: number;
  /**
   * Group by composition and publication (default true), so that one series comes from one measurement
   * campaign; false pools all publications of a composition.
   */
  bySource?: boolean;
}

/**
 * Groups the Liverpool Ionics Dataset into conductivity-vs-temperature series, one per composition (and
 * publication, by default), keeping those with at least `minTemperatures` distinct temperatures, longest first.
 * Repeated temperatures within a series are kept (each measurement is a point). Input for `arrheniusFit`.
 *
 * @example
 * ```ts
 * import { arrheniusFit } from "battery-mi/electrochem";
 * const [s] = conductivitySeries({ minTemperatures: 5 });
 * arrheniusFit(s.temperaturesK, s.conductivitiesSPerCm).activationEnergyEv;
 * ```
 */
export function conductivitySeries(options: ConductivitySeriesOptions = {}): ConductivitySeries[] {
  checkKeys(options, ["minTemperatures", "bySource"], "conductivitySeries");
  const minT = options.minTemperatures ?? 4;
  if (!Number.isInteger(minT) || minT < 2) throw new DatasetError("INVALID_OPTION", `conductivitySeries: minTemperatures must be an integer >= 2, got ${minT}`);
  const bySource = options.bySource !== false;
  const t = liverpoolTable();
  const comp = stringColumn(t, "Composition");
  const src = stringColumn(t, "Source DOI");
  const fam = stringColumn(t, "Family");
  const T = numericColumn(t, LIVERPOOL_TEMPERATURE_K);
  const s = numericColumn(t, "Ionic conductivity [S.cm-1]");
  const groups = new Map<string, number[]>();
  for (let i = 0; i < t.nRows; i++) {
    const key = bySource ? `${comp[i]!.trim()}\u0000${src[i]}` : comp[i]!.trim();
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const out: ConductivitySeries[] = [];
  for (const rows of groups.values()) {
    if (new Set(rows.map((r) => T[r])).size < minT) continue;
    rows.sort((a, b) => T[a]! - T[b]!);
    out.push({
      composition: comp[rows[0]!]!.trim(),
      source: [...new Set(rows.map((r) => src[r]!))].join("; "),
      family: fam[rows[0]!]!,
      temperaturesK: Float64Array.from(rows, (r) => T[r]!),
      conductivitiesSPerCm: Float64Array.from(rows, (r) => s[r]!),
    });
  }
  out.sort((a, b) => b.temperaturesK.length - a.temperaturesK.length || a.composition.localeCompare(b.composition));
  return out;
}
