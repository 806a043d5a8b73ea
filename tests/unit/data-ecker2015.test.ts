// The Ecker 2015 validation curves are shipped byte for byte without a header line ("header": false in the
// manifest); the loaders name their columns from the manifest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { countCsvRows, datasetInfo, loadTable, numericColumn, readTypedCsv, validateManifest, readManifest } from "../../lib/src/data";
import { ecker1C, ecker5C } from "../../lib/src/simulate";

test("readTypedCsv with header: false reads the first line as data, columns named by the specs in order", () => {
  const specs = [
    { source: "column_1", type: "float" as const },
    { source: "column_2", type: "float" as const },
  ];
  const t = readTypedCsv("0.5,4.1\n1.5,3.9\n", specs, { header: false });
  assert.equal(t.nRows, 2);
  assert.deepEqual(Array.from(t.columns.column_1 as Float64Array), [0.5, 1.5]);
  assert.deepEqual(Array.from(t.columns.column_2 as Float64Array), [4.1, 3.9]);
  assert.throws(() => readTypedCsv("0.5,4.1\n1.5\n", specs, { header: false, file: "h.csv" }), /h\.csv:2.*expected 2 fields/);
  assert.equal(countCsvRows("0.5,4.1\n1.5,3.9\n", { header: false }), 2);
  assert.equal(countCsvRows("0.5,4.1\n1.5,3.9\n"), 1);
});

test("validateManifest accepts header: false on a table and rejects it on a provenance file", () => {
  const m = structuredClone(readManifest());
  const d = m.datasets.find((x) => x.name === "ecker2015-1c");
  assert.ok(d, "ecker2015-1c is in the manifest");
  validateManifest(m);
  const prov = d.files.find((f) => f.role === "provenance");
  assert.ok(prov);
  prov.header = false;
  assert.throws(() => validateManifest(m), /header must be a boolean, and only on a table or split file/);
});

test("ecker2015-1c and ecker2015-5c load as 31 and 33 points, identical to the library's ecker1C/ecker5C tables", () => {
  for (const [name, rows, table] of [["ecker2015-1c", 31, ecker1C], ["ecker2015-5c", 33, ecker5C]] as const) {
    const info = datasetInfo(name);
    assert.equal(info.table.header, false);
    assert.equal(info.table.sha256, table.sha256, `${name}: the library's table was transcribed from this file`);
    const t = loadTable(name);
    assert.equal(t.nRows, rows);
    assert.deepEqual(Array.from(numericColumn(t, "Column 1 (capacity-like) [A.h]")), Array.from(table.x));
    assert.deepEqual(Array.from(numericColumn(t, "Voltage [V]")), Array.from(table.y));
    assert.match(info.description, /CAUTION about the first column/);
  }
});
