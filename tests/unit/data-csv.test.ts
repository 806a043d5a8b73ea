import { test } from "node:test";
import assert from "node:assert/strict";
import { CsvFormatError, countCsvRows, parseCsv, readTypedCsv, type CsvColumnSpec } from "../../lib/src/data";

const specs: CsvColumnSpec[] = [
  { source: "cell", type: "string" },
  { source: "cycle", type: "integer" },
  { source: "capacity_Ah", type: "float" },
];

/** Runs fn, asserts it throws a CsvFormatError, returns it. */
function csvError(fn: () => unknown): CsvFormatError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CsvFormatError, `expected CsvFormatError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected a CsvFormatError, nothing was thrown");
}

test("parseCsv reads quoted fields with delimiters, doubled quotes and line breaks inside", () => {
  const text = 'a,b,c\n"x, y","say ""hi""","two\nlines"\nplain,,end\n';
  const p = parseCsv(text);
  assert.deepEqual(p.header, ["a", "b", "c"]);
  assert.deepEqual(p.records, [
    ["x, y", 'say "hi"', "two\nlines"],
    ["plain", "", "end"],
  ]);
  // the second record starts on physical line 4 because the first spans lines 2-3
  assert.deepEqual(p.lines, [2, 4]);
});

test("parseCsv accepts CRLF, lone CR and LF line endings, a UTF-8 BOM, and no final newline", () => {
  const a = parseCsv("\uFEFFa,b\r\n1,2\r\n3,4\r\n");
  const b = parseCsv("a,b\r1,2\r3,4");
  const c = parseCsv("a,b\n1,2\n3,4");
  for (const p of [a, b, c]) {
    assert.deepEqual(p.header, ["a", "b"]);
    assert.deepEqual(p.records, [["1", "2"], ["3", "4"]]);
    assert.deepEqual(p.lines, [2, 3]);
  }
});

test("blank lines at the end of a file are ignored; a blank line inside is an error with its line number", () => {
  assert.equal(parseCsv("a,b\n1,2\n\n\r\n").records.length, 1);
  const e = csvError(() => parseCsv("a,b\n1,2\n\n3,4\n", { file: "gap.csv" }));
  assert.equal(e.line, 3);
  assert.match(e.message, /^gap\.csv:3: expected 2 fields \(a, b\) but found an empty line/);
});

test("a ragged row is an error naming file, line and the expected fields", () => {
  const e = csvError(() => parseCsv("a,b,c\n1,2,3\n4,5\n", { file: "ragged.csv" }));
  assert.equal(e.file, "ragged.csv");
  assert.equal(e.line, 3);
  assert.match(e.message, /ragged\.csv:3: expected 3 fields \(a, b, c\) but found 2 fields/);
  const extra = csvError(() => parseCsv("a,b\r\n1,2,3\r\n", { file: "extra.csv" }));
  assert.equal(extra.line, 2);
});

test("an unterminated quote, a stray quote and text after a closing quote are errors at the right line", () => {
  const open = csvError(() => parseCsv('a,b\n1,2\n3,"never closed\n4,5\n', { file: "q.csv" }));
  assert.equal(open.line, 3);
  assert.match(open.message, /never closed/);
  const stray = csvError(() => parseCsv('a,b\n1,ab"c\n', { file: "q.csv" }));
  assert.equal(stray.line, 2);
  assert.match(stray.message, /stray quote/);
  const after = csvError(() => parseCsv('a,b\n"x"y,1\n', { file: "q.csv" }));
  assert.equal(after.line, 2);
  assert.match(after.message, /after the closing quote of field 1/);
});

test("the header must have unique, non-empty names", () => {
  assert.match(csvError(() => parseCsv("a,a\n1,2\n")).message, /names column "a" twice/);
  assert.match(csvError(() => parseCsv("a,,c\n1,2,3\n")).message, /header field 2 is empty/);
  assert.match(csvError(() => parseCsv("")).message, /empty/);
});

test("readTypedCsv returns Float64Array for numeric columns and string[] for text, in any header order", () => {
  const t = readTypedCsv("capacity_Ah,cell,cycle\n1.85649,B0005,1\n-2.5e-3,B0006, 2 \n", specs);
  assert.equal(t.nRows, 2);
  assert.ok(t.columns.capacity_Ah instanceof Float64Array);
  assert.deepEqual(Array.from(t.columns.capacity_Ah as Float64Array), [1.85649, -0.0025]);
  assert.deepEqual(Array.from(t.columns.cycle as Float64Array), [1, 2]);
  assert.deepEqual(t.columns.cell, ["B0005", "B0006"]);
  assert.deepEqual(Object.keys(t.columns), ["cell", "cycle", "capacity_Ah"]);
});

test("readTypedCsv grows past its initial capacity without losing values", () => {
  const rows = Array.from({ length: 5000 }, (_, i) => `B${i},${i},${i / 8}`);
  const t = readTypedCsv(["cell,cycle,capacity_Ah", ...rows].join("\n"), specs, { expectedRows: 10 });
  assert.equal(t.nRows, 5000);
  assert.equal((t.columns.capacity_Ah as Float64Array).length, 5000);
  assert.equal((t.columns.capacity_Ah as Float64Array)[4999], 4999 / 8);
});

test("a non-numeric value in a numeric column is an error with line and column, never NaN", () => {
  for (const bad of ["abc", "1.2.3", "NaN", "inf", "1,5", "0x10"]) {
    const text = `cell,cycle,capacity_Ah\nB0005,1,1.8\nB0005,2,"${bad}"\n`;
    const e = csvError(() => readTypedCsv(text, specs, { file: "cap.csv" }));
    assert.equal(e.line, 3, bad);
    assert.equal(e.column, "capacity_Ah", bad);
    assert.match(e.message, /^cap\.csv:3, column "capacity_Ah": .* is not a number/, bad);
  }
});

test("an integer column rejects fractions and exponents", () => {
  const e = csvError(() => readTypedCsv("cell,cycle,capacity_Ah\nB5,1.5,1\n", specs, { file: "i.csv" }));
  assert.equal(e.line, 2);
  assert.equal(e.column, "cycle");
  assert.match(e.message, /"1\.5" is not an integer/);
  assert.match(csvError(() => readTypedCsv("cell,cycle,capacity_Ah\nB5,1e3,1\n", specs)).message, /not an integer/);
});

test("an empty field is an error unless the column is nullable, where it becomes NaN", () => {
  const text = "cell,cycle,capacity_Ah\nB5,1,\n";
  const e = csvError(() => readTypedCsv(text, specs, { file: "e.csv" }));
  assert.equal(e.line, 2);
  assert.equal(e.column, "capacity_Ah");
  assert.match(e.message, /empty value, but the column is not nullable/);
  const nullable = specs.map((s) => (s.source === "capacity_Ah" ? { ...s, nullable: true } : s));
  const t = readTypedCsv(text, nullable);
  assert.ok(Number.isNaN((t.columns.capacity_Ah as Float64Array)[0]));
  assert.match(csvError(() => readTypedCsv("cell,cycle,capacity_Ah\n,1,2\n", specs)).message, /column "cell": empty value/);
});

test("a header that differs from the column specs is an error naming the columns (with a suggestion)", () => {
  const unexpected = csvError(() => readTypedCsv("cell,cycle,capacity_ah\nB5,1,2\n", specs, { file: "h.csv" }));
  assert.equal(unexpected.line, 1);
  assert.match(unexpected.message, /unexpected column "capacity_ah".*Did you mean "capacity_Ah"\?/);
  const missing = csvError(() => readTypedCsv("cell,cycle\nB5,1\n", specs));
  assert.match(missing.message, /column "capacity_Ah" missing from the header/);
});

test("countCsvRows counts records, not physical lines", () => {
  assert.equal(countCsvRows('a,b\n1,"x\ny"\n2,z\r\n'), 2);
  assert.equal(countCsvRows("a,b\n"), 0);
});
