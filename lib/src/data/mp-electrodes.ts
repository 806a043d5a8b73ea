/**
 * The Materials Project insertion-electrode table (`mp-insertion-electrodes`) with its working-ion selection
 * and the filter rule for unphysical computed voltages.
 *
 * The table holds DFT (GGA/GGA+U) results for hypothetical as well as known compounds; some average voltages
 * are negative (the discharged phase is less stable than charged host + metal: no insertion happens) or far
 * above anything an electrolyte survives (up to 54.6 V, numerical artefacts of unstable end members).
 * {@link loadInsertionElectrodes} removes them by one stated rule, {@link PHYSICAL_VOLTAGE_RULE}:
 * keep a row when `minVoltageV < average voltage ≤ maxVoltageV` (default 0 V < V ≤ 6 V).
 */
import type { DataFrame } from "danfojs-node";
import { DatasetError, didYouMean } from "./errors";
import { loadTable, toDataFrame, type Table } from "./index";

/** Name of the dataset in datasets/manifest.json. */
export const INSERTION_ELECTRODES_DATASET = "mp-insertion-electrodes";

/** Working ions present in the table (most frequent first). */
export const WORKING_IONS = ["Li", "Ca", "Mg", "Zn", "Na", "K", "Al", "Y", "Rb", "Cs"] as const;

/** A working ion of the table. */
export type WorkingIon = (typeof WORKING_IONS)[number];

/** Default bounds of the physical-voltage filter [V]: keep 0 < average voltage ≤ 6. */
export const PHYSICAL_VOLTAGE_BOUNDS_V = { min: 0, max: 6 } as const;

/** The filter rule in words, for notebooks and reports. */
export const PHYSICAL_VOLTAGE_RULE =
  "keep an electrode when 0 V < average voltage <= 6 V (vs. the working-ion metal): a non-positive average voltage means " +
  "the ion does not insert spontaneously, and above 6 V no known electrolyte survives; such values in the MP table are " +
  "artefacts of unstable hypothetical end members";

const VOLTAGE = "Average voltage [V]";
const ION = "Working ion";

/** Options of {@link loadInsertionElectrodes} and {@link loadInsertionElectrodesTable}. */
export interface InsertionElectrodeOptions {
  /**
   * Working ion(s) to keep: one symbol (`"Li"`), a list (`["Na", "K"]`) or `"all"`. Default `"Li"`.
   */
  workingIon?: WorkingIon | readonly WorkingIon[] | "all";
  /**
   * Apply the physical-voltage filter (`minVoltageV < average voltage ≤ maxVoltageV`). Default true.
   * With false every row of the selected ions is returned.
   */
  physical?: boolean;
  /** Exclusive lower bound of the average voltage [V] when `physical` is true. Default 0. */
  minVoltageV?: number;
  /** Inclusive upper bound of the average voltage [V] when `physical` is true. Default 6. */
  maxVoltageV?: number;
  /** Check the file's SHA-256 before reading (default true; cached per process). */
  verify?: boolean;
}

/** What the filter did for one working ion. */
export interface VoltageFilterCount {
  /** Working ion. */
  workingIon: string;
  /** Rows of that ion in the table. */
  rows: number;
  /** Rows kept. */
  kept: number;
  /** Rows removed because average voltage ≤ `minVoltageV`. */
  removedLow: number;
  /** Rows removed because average voltage > `maxVoltageV`. */
  removedHigh: number;
}

/** Typed columns of the selected electrodes plus what the filter removed. */
export interface InsertionElectrodeTable extends Table {
  /** Per selected working ion, rows before and after the filter (all kept when `physical` is false). */
  filter: VoltageFilterCount[];
  /** The rule applied, in words (`"none"` when `physical` is false). */
  rule: string;
}

const VALID_KEYS = ["workingIon", "physical", "minVoltageV", "maxVoltageV", "verify"];

function resolveOptions(options: InsertionElectrodeOptions, fn: string): { ions: Set<string> | null; physical: boolean; min: number; max: number; verify: boolean } {
  if (typeof options !== "object" || options === null) {
    throw new DatasetError("INVALID_OPTION", `${fn}: options must be an object, got ${String(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!VALID_KEYS.includes(k)) throw new DatasetError("INVALID_OPTION", `${fn}: unknown option "${k}". Valid options: ${VALID_KEYS.join(", ")}.${didYouMean(k, VALID_KEYS)}`);
  }
  const wi = options.workingIon ?? "Li";
  let ions: Set<string> | null = null;
  if (wi !== "all") {
    const list: readonly string[] = typeof wi === "string" ? [wi] : wi;
    if (!Array.isArray(list) || list.length === 0) {
      throw new DatasetError("INVALID_OPTION", `${fn}: workingIon must be an ion symbol, a non-empty list of them or "all", got ${JSON.stringify(wi)}`);
    }
    for (const ion of list) {
      if (!(WORKING_IONS as readonly string[]).includes(ion)) {
        throw new DatasetError(
          "INVALID_OPTION",
          `${fn}: working ion ${JSON.stringify(ion)} is not in the table. Valid: ${WORKING_IONS.join(", ")} or "all".${didYouMean(String(ion), WORKING_IONS)}`,
        );
      }
    }
    ions = new Set(list);
  }
  const min = options.minVoltageV ?? PHYSICAL_VOLTAGE_BOUNDS_V.min;
  const max = options.maxVoltageV ?? PHYSICAL_VOLTAGE_BOUNDS_V.max;
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
    throw new DatasetError("INVALID_OPTION", `${fn}: need finite minVoltageV < maxVoltageV, got minVoltageV=${min}, maxVoltageV=${max}`);
  }
  return { ions, physical: options.physical ?? true, min, max, verify: options.verify ?? true };
}

/**
 * The MP insertion electrodes as typed columns (display names with units, e.g. `"Average voltage [V]"`,
 * `"Gravimetric capacity [mA.h.g-1]"`), restricted to the chosen working ion(s) and, unless
 * `physical: false`, to physical average voltages by the rule {@link PHYSICAL_VOLTAGE_RULE}:
 * keep `minVoltageV < average voltage ≤ maxVoltageV` (default 0 < V ≤ 6 V). `filter` reports, per ion, how many
 * rows the rule removed (for Li: 2440 rows, 42 at ≤ 0 V and 33 above 6 V removed, 2365 kept).
 *
 * @example
 * ```ts
 * const li = loadInsertionElectrodesTable({ workingIon: "Li" });
 * li.nRows;                                    // 2365
 * console.table(li.filter);                    // [{ workingIon: "Li", rows: 2440, kept: 2365, removedLow: 42, removedHigh: 33 }]
 * numericColumn(li, "Average voltage [V]");    // Float64Array(2365)
 * ```
 * @throws {@link DatasetError} `INVALID_OPTION` for an unknown option, ion or bounds; the errors of `loadTable`.
 */
export function loadInsertionElectrodesTable(options: InsertionElectrodeOptions = {}): InsertionElectrodeTable {
  const o = resolveOptions(options, "loadInsertionElectrodesTable");
  const all = loadTable(INSERTION_ELECTRODES_DATASET, { verify: o.verify });
  const ion = all.columns[ION] as string[];
  const v = all.columns[VOLTAGE] as Float64Array;
  const counts = new Map<string, VoltageFilterCount>();
  const keep: number[] = [];
  for (let r = 0; r < all.nRows; r++) {
    if (o.ions && !o.ions.has(ion[r])) continue;
    let c = counts.get(ion[r]);
    if (!c) counts.set(ion[r], (c = { workingIon: ion[r], rows: 0, kept: 0, removedLow: 0, removedHigh: 0 }));
    c.rows++;
    if (o.physical && !(v[r] > o.min)) c.removedLow++;
    else if (o.physical && v[r] > o.max) c.removedHigh++;
    else {
      c.kept++;
      keep.push(r);
    }
  }
  const columns: Record<string, Float64Array | string[]> = {};
  for (const [name, col] of Object.entries(all.columns)) {
    columns[name] = col instanceof Float64Array ? Float64Array.from(keep, (r) => col[r]) : keep.map((r) => col[r]);
  }
  const order = (w: string): number => (WORKING_IONS as readonly string[]).indexOf(w);
  return {
    dataset: all.dataset,
    columns,
    nRows: keep.length,
    columnInfo: all.columnInfo,
    filter: [...counts.values()].sort((a, b) => order(a.workingIon) - order(b.workingIon)),
    rule: o.physical ? `keep ${o.min} V < average voltage <= ${o.max} V` : "none",
  };
}

/**
 * The MP insertion electrodes as a danfojs DataFrame, for one working ion (default Li) and with unphysical
 * voltages removed (default; rule: keep 0 V < average voltage ≤ 6 V, see {@link PHYSICAL_VOLTAGE_RULE}).
 * Use {@link loadInsertionElectrodesTable} for typed columns and the per-ion count of removed rows.
 *
 * @example
 * ```ts
 * const df = loadInsertionElectrodes({ workingIon: "Li", physical: true });
 * df.shape;                                   // [2365, 17]
 * df["Average voltage [V]"].describe().print();
 * ```
 * @throws the errors of {@link loadInsertionElectrodesTable}.
 */
export function loadInsertionElectrodes(options: InsertionElectrodeOptions = {}): DataFrame {
  resolveOptions(options, "loadInsertionElectrodes");
  return toDataFrame(loadInsertionElectrodesTable(options));
}
