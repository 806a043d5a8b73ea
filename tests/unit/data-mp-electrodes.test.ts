// The Materials Project insertion-electrode dataset and its loader with the physical-voltage filter.
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  DATASETS_ENV,
  DatasetError,
  clearVerificationCache,
  datasetInfo,
  loadInsertionElectrodes,
  loadInsertionElectrodesTable,
  loadTable,
  numericColumn,
  stringColumn,
  verifyDatasets,
  PHYSICAL_VOLTAGE_RULE,
  WORKING_IONS,
} from "../../lib/src/data";

const ROOT = path.resolve(__dirname, "..", "..");
const NAME = "mp-insertion-electrodes";
const REL = "mp-insertion-electrodes/mp_batteries_2024.csv";
// sha256 of data/mp_batteries.csv at xRantai/project_adm_r@46fa8aa7 (computed once from the provenance copy).
const SOURCE_SHA256 = "edc37f9c3d445c21554986c0cff6c294c1a57e25fceb5812052e991ffca72c6a";
// Rows per ion and rows outside 0 V < V <= 6 V, counted independently with pandas on the same CSV.
const COUNTS: Record<string, [rows: number, low: number, high: number]> = {
  Li: [2440, 42, 33],
  Ca: [435, 3, 4],
  Mg: [423, 33, 1],
  Zn: [366, 55, 0],
  Na: [309, 5, 3],
  K: [107, 7, 0],
  Al: [95, 7, 0],
  Y: [93, 0, 0],
  Rb: [50, 6, 0],
  Cs: [33, 1, 0],
};

const temps: string[] = [];
afterEach(() => {
  delete process.env[DATASETS_ENV];
  clearVerificationCache();
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function datasetError(fn: () => unknown, code: string): DatasetError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DatasetError, `expected DatasetError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected DatasetError ${code}, nothing was thrown`);
}

test("the shipped CSV is the provenance file byte for byte and its checksum verifies", (t) => {
  const file = path.join(ROOT, "datasets", ...REL.split("/"));
  const sha = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  assert.equal(sha, SOURCE_SHA256);
  assert.equal(datasetInfo(NAME).table.sha256, SOURCE_SHA256);
  const status = verifyDatasets(NAME);
  assert.deepEqual(status.map((s) => s.status), ["ok", "ok"]);
  const src = path.join(ROOT, "..", "shared", "datasets-src", REL);
  if (!fs.existsSync(src)) {
    t.diagnostic(`provenance source ${src} not present; compared with the recorded sha256 only`);
    return;
  }
  assert.ok(fs.readFileSync(src).equals(fs.readFileSync(file)), "datasets copy differs from datasets-src");
});

test("the manifest entry names source commit, licence, citation DOI and a unit in every dimensional column", () => {
  const info = datasetInfo(NAME);
  assert.equal(info.source.repository, "xRantai/project_adm_r");
  assert.equal(info.source.commit, "46fa8aa7cf120e40c00c6cc717c9ce55e98de9a1");
  assert.equal(info.source.path, "data/mp_batteries.csv");
  assert.match(info.licence, /CC BY 4\.0/);
  assert.match(info.licence, /states no licence/);
  assert.equal(info.citation.doi, "10.1063/1.4812323");
  assert.equal(info.columns.length, 17);
  const byName = new Map(info.columns.map((c) => [c.source, c]));
  assert.equal(byName.get("Average Voltage")?.name, "Average voltage [V]");
  assert.equal(byName.get("Gravimetric Capacity")?.name, "Gravimetric capacity [mA.h.g-1]");
  assert.equal(byName.get("Stability Discharge")?.name, "Stability discharge [eV.atom-1]");
  assert.equal(byName.get("Max Delta Volume")?.unit, null); // a ratio
  for (const c of info.columns) {
    if (c.unit !== null) assert.ok(c.name.endsWith(`[${c.unit}]`), `${c.name} should end with [${c.unit}]`);
  }
});

test("the whole table has 4351 electrodes of 10 working ions with the counts of PROVENANCE.md", () => {
  const t = loadTable(NAME);
  assert.equal(t.nRows, 4351);
  const ions = stringColumn(t, "Working ion");
  const seen: Record<string, number> = {};
  for (const i of ions) seen[i] = (seen[i] ?? 0) + 1;
  assert.deepEqual(Object.keys(seen).sort(), [...WORKING_IONS].sort());
  for (const [ion, [rows]] of Object.entries(COUNTS)) assert.equal(seen[ion], rows, ion);
});

test("Li with the physical filter keeps 2365 of 2440 rows: 42 at <= 0 V and 33 above 6 V removed", () => {
  const li = loadInsertionElectrodesTable();
  assert.equal(li.nRows, 2365);
  assert.deepEqual(li.filter, [{ workingIon: "Li", rows: 2440, kept: 2365, removedLow: 42, removedHigh: 33 }]);
  const v = numericColumn(li, "Average voltage [V]");
  assert.equal(v.length, 2365);
  for (const x of v) assert.ok(x > 0 && x <= 6, `voltage ${x} outside (0, 6]`);
  assert.ok(stringColumn(li, "Working ion").every((i) => i === "Li"));
  assert.equal(li.rule, "keep 0 V < average voltage <= 6 V");
  assert.match(PHYSICAL_VOLTAGE_RULE, /0 V < average voltage <= 6 V/);
});

test("physical: false returns every Li row, including voltages down to -7.75 V and up to 54.6 V", () => {
  const raw = loadInsertionElectrodesTable({ physical: false });
  assert.equal(raw.nRows, 2440);
  assert.equal(raw.rule, "none");
  assert.deepEqual(raw.filter, [{ workingIon: "Li", rows: 2440, kept: 2440, removedLow: 0, removedHigh: 0 }]);
  const v = numericColumn(raw, "Average voltage [V]");
  assert.ok(Math.min(...v) <= 0 && Math.max(...v) > 6);
});

test("the filter is reported per ion for all ions, and the counts add up to the table", () => {
  const all = loadInsertionElectrodesTable({ workingIon: "all" });
  assert.deepEqual(all.filter.map((f) => f.workingIon), [...WORKING_IONS]);
  let kept = 0;
  for (const f of all.filter) {
    const [rows, low, high] = COUNTS[f.workingIon];
    assert.deepEqual([f.rows, f.removedLow, f.removedHigh, f.kept], [rows, low, high, rows - low - high], f.workingIon);
    kept += f.kept;
  }
  assert.equal(all.nRows, kept);
  assert.equal(kept, 4351 - 200); // 200 rows removed in all
});

test("custom bounds and a list of ions select exactly the rows in (min, max]", () => {
  const t = loadInsertionElectrodesTable({ workingIon: ["Na", "K"], minVoltageV: 1, maxVoltageV: 3 });
  const raw = loadInsertionElectrodesTable({ workingIon: ["Na", "K"], physical: false });
  const v = numericColumn(raw, "Average voltage [V]");
  assert.equal(t.nRows, v.filter((x) => x > 1 && x <= 3).length);
  assert.deepEqual(new Set(stringColumn(t, "Working ion")), new Set(["Na", "K"]));
  assert.ok(t.filter.every((f) => f.kept + f.removedLow + f.removedHigh === f.rows));
});

test("loadInsertionElectrodes returns a DataFrame with unit-named columns of the filtered rows", () => {
  const df = loadInsertionElectrodes({ workingIon: "Li", physical: true });
  assert.deepEqual(df.shape, [2365, 17]);
  assert.ok(df.columns.includes("Gravimetric capacity [mA.h.g-1]"));
  const v = df["Average voltage [V]"].values as number[];
  assert.ok(v.every((x) => x > 0 && x <= 6));
});

test("bad options are errors that name the option and the valid values", () => {
  let e = datasetError(() => loadInsertionElectrodesTable({ workingIon: "Lii" as "Li" }), "INVALID_OPTION");
  assert.match(e.message, /"Lii".*Valid: Li, Ca/);
  e = datasetError(() => loadInsertionElectrodes({ physicall: true } as never), "INVALID_OPTION");
  assert.match(e.message, /unknown option "physicall".*Did you mean "physical"/);
  e = datasetError(() => loadInsertionElectrodesTable({ minVoltageV: 3, maxVoltageV: 1 }), "INVALID_OPTION");
  assert.match(e.message, /minVoltageV < maxVoltageV/);
  datasetError(() => loadInsertionElectrodesTable({ workingIon: [] }), "INVALID_OPTION");
});

test("a modified copy of the CSV is refused by the loader (checksum mismatch)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "battery-mi-mp-"));
  temps.push(dir);
  fs.cpSync(path.join(ROOT, "datasets"), dir, { recursive: true });
  process.env[DATASETS_ENV] = dir;
  const file = path.join(dir, ...REL.split("/"));
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf("3.043399166099431");
  assert.ok(at > 0);
  bytes[at] = 0x34; // 3.04 -> 4.04, same size
  fs.writeFileSync(file, bytes);
  const e = datasetError(() => loadInsertionElectrodesTable(), "CHECKSUM_MISMATCH");
  assert.ok(e.message.includes(REL), e.message);
});
