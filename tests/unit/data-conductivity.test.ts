// Loaders of the solid-electrolyte conductivity datasets (OBELiX with its official split, Liverpool Ionics).
// Expected values are read off the shipped CSV files (first rows, counts stated in PROVENANCE.md).
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  DATASETS_ENV,
  DatasetError,
  clearVerificationCache,
  conductivitySeries,
  liverpoolTable,
  loadLiverpoolIonics,
  loadObelix,
  numericColumn,
  obelixTable,
  parseReportedConductivity,
  stringColumn,
} from "../../lib/src/data";
import { arrheniusFit } from "../../lib/src/electrochem";

const ROOT = path.resolve(__dirname, "..", "..");

const temps: string[] = [];
afterEach(() => {
  delete process.env[DATASETS_ENV];
  clearVerificationCache();
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

test("obelixTable loads all 599 OBELiX rows and the authors' split (478 train + 121 test = the same IDs)", () => {
  const all = obelixTable();
  const train = obelixTable({ split: "train" });
  const test_ = obelixTable({ split: "test" });
  assert.equal(all.nRows, 599);
  assert.equal(train.nRows, 478);
  assert.equal(test_.nRows, 121);
  const ids = new Set(stringColumn(all, "ID"));
  const split = [...stringColumn(train, "ID"), ...stringColumn(test_, "ID")];
  assert.equal(new Set(split).size, 599);
  for (const id of split) assert.ok(ids.has(id), id);
  assert.throws(() => obelixTable({ split: "validation" as never }), /split must be "all", "train" or "test"/);
});

test("OBELiX conductivities are numbers in S/cm; the 37 detection limits are kept as bounds and flagged", () => {
  const t = obelixTable();
  const ids = stringColumn(t, "ID");
  const sigma = numericColumn(t, "Ionic conductivity [S.cm-1]");
  const bound = numericColumn(t, "Conductivity is upper bound");
  const i = ids.indexOf("jqc"); // first row: Li7BiO6, 1.58489e-06 S/cm
  assert.equal(stringColumn(t, "Reduced composition")[i], "Li7BiO6");
  assert.equal(sigma[i], 1.58489e-6);
  assert.equal(bound[i], 0);
  const argyrodite = ids.indexOf("122"); // Li6PS5Cl, the CIF shipped in crystal-structures
  assert.equal(sigma[argyrodite], 0.00205);
  let flagged = 0;
  for (let r = 0; r < t.nRows; r++) {
    assert.ok(sigma[r]! > 0 && Number.isFinite(sigma[r]!), `row ${r}`);
    if (bound[r] === 1) {
      flagged++;
      assert.match(stringColumn(t, "Ionic conductivity as reported [S.cm-1]")[r]!, /^</);
    }
  }
  assert.equal(flagged, 37);
  assert.equal(numericColumn(t, "a [Å]")[i], 5.5071);
  assert.equal(numericColumn(t, "Space group number")[i], 2);
});

test("parseReportedConductivity reads numbers and '<' limits and rejects anything else with the accepted forms", () => {
  assert.deepEqual(parseReportedConductivity("<1E-10"), { value: 1e-10, upperBound: true });
  assert.deepEqual(parseReportedConductivity(" 2.05e-3 "), { value: 2.05e-3, upperBound: false });
  for (const bad of ["", "n/a", "-1e-4", "0", "1e-4 S/cm", "<"]) {
    assert.throws(() => parseReportedConductivity(bad, "row 7"), (e: unknown) => e instanceof DatasetError && /row 7/.test(e.message) && /detection limit/.test(e.message), bad);
  }
});

test("an OBELiX split file that was modified is refused with its path", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "battery-mi-obelix-"));
  temps.push(dir);
  fs.cpSync(path.join(ROOT, "datasets"), dir, { recursive: true });
  process.env[DATASETS_ENV] = dir;
  const f = path.join(dir, "solid-electrolyte-conductivity", "obelix_test.csv");
  fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("9.6e-12", "9.6e-11"));
  assert.throws(() => obelixTable({ split: "test" }), (e: unknown) => e instanceof DatasetError && e.code === "CHECKSUM_MISMATCH" && /obelix_test\.csv/.test(e.message));
  assert.equal(obelixTable({ split: "train" }).nRows, 478);
});

test("liverpoolTable has the 820 measurements with temperatures in degC and K (325 rows at 25 degC)", () => {
  const t = liverpoolTable();
  assert.equal(t.nRows, 820);
  const c = numericColumn(t, "Temperature [degC]");
  const k = numericColumn(t, "Temperature [K]");
  let at25 = 0;
  for (let i = 0; i < t.nRows; i++) {
    assert.ok(Math.abs(k[i]! - (c[i]! + 273.15)) < 1e-9);
    if (c[i] === 25) at25++;
  }
  assert.equal(at25, 325);
  assert.equal(stringColumn(t, "Composition")[0], "Li2Ti0.75Ta0.25O3.125");
  assert.equal(numericColumn(t, "Ionic conductivity [S.cm-1]")[0], 9e-5);
  assert.equal(numericColumn(t, "Temperature [degC]")[0], 300);
});

test("conductivitySeries groups Liverpool measurements into ascending-temperature series usable by arrheniusFit", () => {
  const series = conductivitySeries();
  assert.ok(series.length >= 20, `${series.length} series`);
  for (const s of series) {
    assert.ok(new Set(s.temperaturesK).size >= 4, s.composition);
    for (let i = 1; i < s.temperaturesK.length; i++) assert.ok(s.temperaturesK[i]! >= s.temperaturesK[i - 1]!);
    for (const v of s.conductivitiesSPerCm) assert.ok(v > 0);
    assert.ok(!s.source.includes(";"), "one publication per series by default");
  }
  const llto = series.find((s) => s.composition === "Li0.5La0.5TiO3");
  assert.ok(llto, "LLTO has a temperature series");
  const fit = arrheniusFit(llto.temperaturesK, llto.conductivitiesSPerCm);
  assert.ok(fit.activationEnergyEv > 0.1 && fit.activationEnergyEv < 1, `Ea = ${fit.activationEnergyEv}`);
  const pooled = conductivitySeries({ bySource: false, minTemperatures: 10 });
  assert.ok(pooled.some((s) => s.composition === "Li0.5La0.5TiO3" && s.temperaturesK.length === 15));
  assert.throws(() => conductivitySeries({ minTemperatures: 1 }), /minTemperatures must be an integer >= 2/);
});

test("loadObelix and loadLiverpoolIonics return DataFrames with the parsed columns", () => {
  const df = loadObelix({ split: "test" });
  assert.deepEqual(df.shape, [121, 30]);
  assert.ok(df.columns.includes("Ionic conductivity [S.cm-1]"));
  const lv = loadLiverpoolIonics();
  assert.deepEqual(lv.shape, [820, 9]);
  assert.ok(lv.columns.includes("Temperature [K]"));
});
