import { test } from "node:test";
import assert from "node:assert/strict";
import { DatasetError, formatTable, type Table } from "../../lib/src/data";

const table: Table = {
  dataset: "demo",
  nRows: 3,
  columns: { "Battery": ["B0005", "B0006", "B0018"], "Capacity [A.h]": new Float64Array([1.8564874208181574, 2.035, 1.3]), "Discharge index": new Float64Array([1, 2, 132]) },
  columnInfo: [],
};

test("formatTable keeps full column names with units and rounds numbers to significant digits", () => {
  const text = formatTable(table, { digits: 4 });
  const lines = text.split("\n");
  assert.match(lines[0], /Battery\s+Capacity \[A\.h\]\s+Discharge index$/);
  assert.match(lines[1], /^0\s+B0005\s+1\.856\s+1$/);
  assert.match(lines[3], /^2\s+B0018\s+1\.3\s+132$/);
  assert.equal(lines[4], "[3 rows × 3 columns]");
  // numbers are right-aligned: every value ends in the same column as its header
  const end = lines[0].indexOf("Capacity [A.h]") + "Capacity [A.h]".length;
  for (const l of lines.slice(1, 4)) assert.equal(l.slice(0, end).trimEnd().length, end, l);
});

test("formatTable shows the first and last rows around an ellipsis when there are more than maxRows", () => {
  const text = formatTable(table, { maxRows: 2, index: false });
  const lines = text.split("\n");
  assert.equal(lines.length, 5); // header, first row, …, last row, size line
  assert.match(lines[1], /^B0005/);
  assert.match(lines[2], /^…/);
  assert.match(lines[3], /^B0018/);
});

test("formatTable reads danfojs-like frames (columns, values, index)", () => {
  const frame = { columns: ["x [V]", "name"], values: [[0.1234567, "a"], [2, "b"]], index: ["mean", "max"] };
  assert.match(formatTable(frame).split("\n")[1], /^mean\s+0\.123457\s+a$/);
});

test("formatTable rejects invalid options with the valid range", () => {
  assert.throws(() => formatTable(table, { digits: 0 }), (e: unknown) => e instanceof DatasetError && /digits must be an integer from 1 to 17/.test(e.message));
  assert.throws(() => formatTable(table, { maxRows: 0 }), /maxRows must be a positive integer/);
});
