// The real regression table used by the models' parity tests and benchmark: Materials Project insertion
// electrodes (datasets-src/mp-insertion-electrodes/mp_batteries_2024.csv, CC BY 4.0 MP data; see its
// PROVENANCE.md). Target: average voltage [V]; features: numeric columns that do not contain the voltage
// (energies are voltage × capacity, so they are left out), plus the working ion's atomic number.
import fs from "node:fs";
import path from "node:path";
import { Matrix } from "./matrix";

/** Feature columns used, in order (the last one is derived from "Working Ion"). @internal */
export const VOLTAGE_TABLE_FEATURES = [
  "Max Delta Volume",
  "Gravimetric Capacity",
  "Volumetric Capacity",
  "Atomic Fraction Charge",
  "Atomic Fraction Discharge",
  "Stability Charge",
  "Stability Discharge",
  "Steps",
  "Max Voltage Step",
  "Working Ion Z",
] as const;

const ION_Z: Record<string, number> = { Li: 3, Na: 11, Mg: 12, Al: 13, K: 19, Ca: 20, Zn: 30, Rb: 37, Y: 39, Cs: 55 };

/** Default location of the CSV in this workspace. @internal */
export function defaultVoltageCsv(): string {
  const candidates = [
    process.env.BATTERY_MI_MP_ELECTRODES_CSV,
    // the shipped copy (lib/src|dist/models -> repository root -> datasets/)
    path.resolve(__dirname, "../../../datasets/mp-insertion-electrodes/mp_batteries_2024.csv"),
  ];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  throw new Error("mp_batteries_2024.csv not found (set BATTERY_MI_MP_ELECTRODES_CSV)");
}

/**
 * Loads the table: rows with 0 ≤ Average Voltage ≤ 6 V (PROVENANCE.md: values outside are unphysical artefacts).
 * @internal
 */
export function loadVoltageTable(csvPath = defaultVoltageCsv()): { X: Matrix; y: Float64Array; featureNames: string[] } {
  const lines = fs.readFileSync(csvPath, "utf8").split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(",");
  const col = (name: string): number => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`column ${name} missing from ${csvPath}`);
    return j;
  };
  const numeric = VOLTAGE_TABLE_FEATURES.slice(0, -1).map(col);
  const ion = col("Working Ion");
  const volt = col("Average Voltage");
  const p = VOLTAGE_TABLE_FEATURES.length;
  const rows: number[] = [];
  const ys: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i].split(",");
    const v = Number(c[volt]);
    if (!(v >= 0 && v <= 6)) continue;
    for (const j of numeric) rows.push(Number(c[j]));
    const z = ION_Z[c[ion]];
    if (z === undefined) throw new Error(`unknown working ion ${c[ion]} in line ${i + 1}`);
    rows.push(z);
    ys.push(v);
  }
  return { X: { data: Float64Array.from(rows), nRows: ys.length, nCols: p }, y: Float64Array.from(ys), featureNames: [...VOLTAGE_TABLE_FEATURES] };
}
