import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CsvFormatError,
  DATASETS_ENV,
  DatasetError,
  citation,
  clearVerificationCache,
  datasetInfo,
  danfo,
  datasetsDir,
  listDatasets,
  loadDataset,
  loadTable,
  numericColumn,
  splitTable,
  stringColumn,
  verifyDatasets,
} from "../../lib/src/data";

const ROOT = path.resolve(__dirname, "..", "..");
const NAME = "nasa-pcoe-capacity";
const REL = "nasa-pcoe-battery/nasa_discharge_capacity.csv";
const DISPLAY = [
  "Battery",
  "Discharge index",
  "Capacity [A.h]",
  "Number of samples",
  "Discharge duration [s]",
  "Min voltage [V]",
  "Max temperature [degC]",
  "Start temperature [degC]",
];

const temps: string[] = [];
/** A private copy of datasets/ that BATTERY_MI_DATASETS now points to. */
function tempDatasets(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "battery-mi-datasets-"));
  temps.push(dir);
  fs.cpSync(path.join(ROOT, "datasets"), dir, { recursive: true });
  process.env[DATASETS_ENV] = dir;
  return dir;
}
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

/** Rewrites the table in a temp copy and records its new checksum/size, so only the CSV content is at fault. */
function rewriteTable(dir: string, edit: (text: string) => string): string {
  const file = path.join(dir, ...REL.split("/"));
  const text = edit(fs.readFileSync(file, "utf8"));
  fs.writeFileSync(file, text);
  const mf = path.join(dir, "manifest.json");
  const m = JSON.parse(fs.readFileSync(mf, "utf8"));
  const rec = m.datasets[0].files.find((f: { path: string }) => f.path === REL);
  rec.sha256 = crypto.createHash("sha256").update(text).digest("hex");
  rec.bytes = Buffer.byteLength(text);
  fs.writeFileSync(mf, JSON.stringify(m));
  return file;
}

test("the datasets folder is found by walking up from the library to the repository's datasets/", () => {
  assert.equal(datasetsDir(), path.join(ROOT, "datasets"));
});

test("listDatasets and datasetInfo describe nasa-pcoe-capacity with its citation and units", () => {
  const list = listDatasets();
  const s = list.find((d) => d.name === NAME);
  assert.ok(s);
  assert.equal(s.rows, 636);
  assert.deepEqual(s.columns, DISPLAY);
  const info = datasetInfo(NAME);
  assert.equal(info.table.path, REL);
  assert.ok(fs.existsSync(info.tablePath));
  assert.ok(info.provenancePath && fs.existsSync(info.provenancePath));
  assert.match(info.citation.text, /Saha and K\. Goebel \(2007\)/);
  assert.equal(citation(NAME), info.citation.text);
  assert.equal(info.columns.find((c) => c.source === "capacity_Ah")?.unit, "A.h");
  info.columns.length = 0; // a copy: editing it must not change the manifest
  assert.equal(datasetInfo(NAME).columns.length, 8);
});

test("loadTable gives 636 rows of typed columns; B0005 discharge 1 has the published 1.85649 Ah", () => {
  const t = loadTable(NAME);
  assert.equal(t.nRows, 636);
  assert.deepEqual(Object.keys(t.columns), DISPLAY);
  const q = numericColumn(t, "Capacity [A.h]");
  const cell = stringColumn(t, "Battery");
  const k = numericColumn(t, "Discharge index");
  assert.ok(q instanceof Float64Array && q.length === 636);
  const first = cell.findIndex((c, i) => c === "B0005" && k[i] === 1);
  assert.equal(Number(q[first].toFixed(5)), 1.85649);
  assert.equal(q[first], 1.8564874208181574); // full precision kept from the file
  for (const x of q) assert.ok(x > 1 && x < 2.1, `capacity ${x} within a 2 Ah cell's range`);
  const sizes = Object.fromEntries([...splitTable(t, "Battery")].map(([b, g]) => [b, g.nRows]));
  assert.deepEqual(sizes, { B0005: 168, B0006: 168, B0007: 168, B0018: 132 });
  assert.match(datasetError(() => splitTable(t, "Discharge index"), "UNKNOWN_COLUMN").message, /is numeric; split by a text column \("Battery"\)/);
  assert.deepEqual(Array.from(numericColumn(splitTable(t, "Battery").get("B0018") as typeof t, "Discharge index").subarray(0, 3)), [1, 2, 3]);
});

test("loadTable selects columns by display or source name, and can key by source names", () => {
  const t = loadTable(NAME, { columns: ["capacity_Ah", "Battery"] });
  assert.deepEqual(Object.keys(t.columns), ["Capacity [A.h]", "Battery"]);
  const s = loadTable(NAME, { columns: ["Min voltage [V]"], sourceNames: true });
  assert.deepEqual(Object.keys(s.columns), ["min_voltage_V"]);
  assert.equal(s.columnInfo[0].unit, "V");
  const e = datasetError(() => loadTable(NAME, { columns: ["Capacity [Ah]"] }), "UNKNOWN_COLUMN");
  assert.match(e.message, /Did you mean "Capacity \[A\.h\]"\?/);
  assert.match(datasetError(() => loadTable(NAME, { colums: [] } as never), "INVALID_OPTION").message, /Did you mean "columns"\?/);
  assert.match(datasetError(() => numericColumn(loadTable(NAME), "Capacity"), "UNKNOWN_COLUMN").message, /Did you mean "Capacity \[A\.h\]"\?/);
  assert.match(datasetError(() => numericColumn(loadTable(NAME), "Battery"), "UNKNOWN_COLUMN").message, /holds text/);
});

test("loadDataset returns a 636-row DataFrame with unit-named columns and dtypes from the manifest", () => {
  const df = loadDataset(NAME);
  assert.deepEqual(df.shape, [636, 8]);
  assert.deepEqual(df.columns, DISPLAY);
  assert.deepEqual(df.dtypes, ["string", "int32", "float32", "int32", "float32", "float32", "float32", "float32"]);
  const q = df.column("Capacity [A.h]").values as number[];
  assert.equal(q[0], 1.8564874208181574);
  assert.equal(df.column("Battery").values[0], "B0005");
  assert.ok(df instanceof danfo().DataFrame, "a DataFrame of the danfojs module that danfo() hands out");
});

test("verifyDatasets reports every file ok on a clean checkout", () => {
  const v = verifyDatasets();
  assert.ok(v.length >= 2);
  for (const f of v) assert.equal(f.status, "ok", f.path);
  assert.deepEqual(verifyDatasets(NAME).map((f) => f.path).sort(), ["nasa-pcoe-battery/PROVENANCE.md", REL]);
});

test("a corrupted file (same size) is refused with the file, expected and actual sha256 and how to restore it", () => {
  const dir = tempDatasets();
  assert.equal(loadTable(NAME).nRows, 636); // verified and cached
  const file = path.join(dir, ...REL.split("/"));
  const bytes = fs.readFileSync(file);
  bytes[200] = bytes[200] === 0x31 ? 0x32 : 0x31; // one digit changed, size unchanged
  fs.writeFileSync(file, bytes);
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(file, later, later); // a new mtime must invalidate the cached verification
  const actual = crypto.createHash("sha256").update(bytes).digest("hex");
  const e = datasetError(() => loadTable(NAME), "CHECKSUM_MISMATCH");
  assert.ok(e.message.includes(REL), e.message);
  assert.ok(e.message.includes(datasetInfo(NAME).table.sha256), "expected sha256 named");
  assert.ok(e.message.includes(actual), "actual sha256 named");
  assert.ok(e.message.includes(`git checkout -- datasets/${REL}`), "restore advice");
  const status = verifyDatasets(NAME).find((f) => f.path === REL);
  assert.equal(status?.status, "checksum-mismatch");
  assert.equal(status?.actualSha256, actual);
});

test("loads trust a file whose size and mtime are unchanged since it was verified; verifyDatasets always re-hashes", () => {
  const dir = tempDatasets();
  const file = path.join(dir, ...REL.split("/"));
  const stamp = new Date("2024-01-01T00:00:00Z"); // whole seconds, so utimes can restore it exactly
  fs.utimesSync(file, stamp, stamp);
  assert.equal(loadTable(NAME).nRows, 636);
  const text = fs.readFileSync(file, "utf8").replace("1.8564874208181574", "1.8564874208181999");
  fs.writeFileSync(file, text);
  fs.utimesSync(file, stamp, stamp); // same size, same mtime: the cached verification still applies
  assert.equal(numericColumn(loadTable(NAME), "Capacity [A.h]")[0], 1.8564874208181999);
  assert.equal(verifyDatasets(NAME).find((f) => f.path === REL)?.status, "checksum-mismatch");
  datasetError(() => loadTable(NAME), "CHECKSUM_MISMATCH"); // verifyDatasets dropped the stale cache entry
});

test("a file of the wrong size is reported as size-mismatch and refused", () => {
  const dir = tempDatasets();
  fs.appendFileSync(path.join(dir, ...REL.split("/")), "B0018,133,1.3,1,1,1,1,1\r\n");
  assert.equal(verifyDatasets(NAME).find((f) => f.path === REL)?.status, "size-mismatch");
  datasetError(() => loadTable(NAME), "CHECKSUM_MISMATCH");
});

test("a missing file is an error naming it and saying how to restore it", () => {
  const dir = tempDatasets();
  fs.rmSync(path.join(dir, ...REL.split("/")));
  const e = datasetError(() => loadTable(NAME), "FILE_MISSING");
  assert.ok(e.message.includes(REL));
  assert.ok(e.message.includes(`git checkout -- datasets/${REL}`));
  assert.equal(verifyDatasets(NAME).find((f) => f.path === REL)?.status, "missing");
});

test("a ragged row in a shipped table is an error with file and line number", () => {
  const dir = tempDatasets();
  const file = rewriteTable(dir, (t) => t.replace("B0005,3,1.8353491942234077,195,", "B0005,3,1.8353491942234077,"));
  const e = (() => {
    try {
      loadTable(NAME);
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(e instanceof CsvFormatError, String(e));
  assert.equal(e.file, file);
  assert.equal(e.line, 4); // header is line 1, B0005 discharge 3 is line 4
  assert.match(e.message, /:4: expected 8 fields .* but found 7 fields/);
});

test("a non-numeric value in a shipped table is an error with line and column, not NaN", () => {
  const dir = tempDatasets();
  rewriteTable(dir, (t) => t.replace("B0005,2,1.846327249719927,", "B0005,2,1.84x,"));
  assert.throws(
    () => loadTable(NAME),
    (e: unknown) => e instanceof CsvFormatError && e.line === 3 && e.column === "capacity_Ah" && /"1\.84x" is not a number/.test(e.message),
  );
});

test("a table whose row count differs from the manifest is refused", () => {
  const dir = tempDatasets();
  rewriteTable(dir, (t) => t + "B0018,133,1.3,1,1,1,1,1\r\n");
  assert.match(datasetError(() => loadTable(NAME), "ROW_COUNT_MISMATCH").message, /637 data rows but the manifest records 636/);
});

test("an unknown dataset name lists the available ones and suggests the nearest", () => {
  const e = datasetError(() => loadTable("nasa-pcoe-capcity"), "UNKNOWN_DATASET");
  assert.match(e.message, /unknown dataset "nasa-pcoe-capcity"\. Available: .*"nasa-pcoe-capacity".* Did you mean "nasa-pcoe-capacity"\?/);
  assert.match(datasetError(() => datasetInfo("NASA"), "UNKNOWN_DATASET").message, /Did you mean "nasa-pcoe-capacity"/);
  assert.doesNotMatch(datasetError(() => verifyDatasets(["zzzz"]), "UNKNOWN_DATASET").message, /Did you mean/);
});

test("BATTERY_MI_DATASETS pointing to a folder without manifest.json is an error saying so", () => {
  process.env[DATASETS_ENV] = path.join(os.tmpdir(), "no-such-battery-mi-datasets");
  const e = datasetError(() => listDatasets(), "DATASETS_DIR_NOT_FOUND");
  assert.match(e.message, /holds no manifest\.json/);
});
