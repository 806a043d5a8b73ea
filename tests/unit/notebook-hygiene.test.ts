import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { checkNotebookHygiene, formatHygieneProblem, readNotebook, type HygieneProblem, type Notebook } from "../../lib/src/notebook";

const FIX = path.join(__dirname, "..", "fixtures", "notebooks");
const good = path.join(FIX, "hygiene-good.ipynb");
const bad = path.join(FIX, "hygiene-bad.ipynb");

function problemsOf(file: string): HygieneProblem[] {
  return checkNotebookHygiene(readNotebook(file), file);
}
function atCell(problems: HygieneProblem[], index: number): string[] {
  return problems.filter((p) => p.cellIndex === index).map((p) => p.message);
}
function has(messages: string[], re: RegExp): boolean {
  return messages.some((m) => re.test(m));
}

test("a notebook following docs/DESIGN.md §3 (solution, tests and answer cells) has no hygiene problems", () => {
  assert.deepEqual(problemsOf(good).map(formatHygieneProblem), []);
});

test("notebook-level rules: nbformat 4.5 or later and the tslab/typescript kernelspec", () => {
  const top = problemsOf(bad)
    .filter((p) => p.cellIndex === undefined)
    .map((p) => p.message);
  assert.ok(has(top, /nbformat is 4\.4; expected 4\.5/), top.join("\n"));
  assert.ok(has(top, /kernelspec\.name is "python3"; expected "tslab"/));
  assert.ok(has(top, /kernelspec\.language is "python"; expected "typescript"/));
});

test("cell ids must exist, follow nbformat's [a-zA-Z0-9-_]{1,64} rule and be unique", () => {
  const p = problemsOf(bad);
  assert.ok(has(atCell(p, 0), /has no id/));
  assert.ok(has(atCell(p, 1), /"bad id!" is invalid/));
  assert.deepEqual(atCell(p, 2), [], "the first use of an id is fine");
  assert.ok(has(atCell(p, 3), /"dup" is also used by cell 2/));
  const long: Notebook = JSON.parse(JSON.stringify(readNotebook(good)));
  long.cells[0]!.id = "x".repeat(65);
  assert.ok(checkNotebookHygiene(long, "long.ipynb").some((q) => q.cellIndex === 0 && /invalid/.test(q.message)));
  long.cells[0]!.id = "x".repeat(64);
  assert.deepEqual(checkNotebookHygiene(long, "long.ipynb"), []);
});

test("committed outputs and execution counts are problems", () => {
  const m = atCell(problemsOf(bad), 4);
  assert.ok(has(m, /1 output\(s\) committed/));
  assert.ok(has(m, /execution_count 3 committed/));
});

test("solution markers must be balanced, and solution cells tagged, hidden and unlocked", () => {
  const p = problemsOf(bad);
  assert.ok(has(atCell(p, 5), /BEGIN SOLUTION" is never closed/), atCell(p, 5).join("\n"));
  const m6 = atCell(p, 6);
  assert.ok(has(m6, /must not be locked/));
  assert.ok(has(m6, /source_hidden/));
  assert.ok(has(m6, /must carry the tag "solution"/));
});

test("grade cells need schema 3, points > 0, a unique grade_id and (for tests) a lock", () => {
  const p = problemsOf(bad);
  const m7 = atCell(p, 7);
  assert.ok(has(m7, /schema_version is 2; expected 3/));
  assert.ok(has(m7, /points 0; expected a number > 0/));
  assert.ok(has(m7, /grade_id "q1" is also used by cell 5/));
  assert.ok(has(m7, /must be locked/));
  const m8 = atCell(p, 8);
  assert.ok(has(m8, /nbgrader\.grade is "yes"; expected true or false/));
  assert.ok(has(m8, /grade_id is ""; expected a non-empty string/));
});

test("role tags and solution markers outside matching nbgrader cells are problems", () => {
  const m9 = atCell(problemsOf(bad), 9);
  assert.ok(has(m9, /tag "tests" needs nbgrader metadata/));
  assert.ok(has(m9, /markers outside a solution cell/));
  assert.ok(has(m9, /END SOLUTION" on line 1 has no "\/\/ BEGIN SOLUTION"/));
});

test("problems name the file, the cell index and the id", () => {
  const line = formatHygieneProblem({ path: "nb.ipynb", cellIndex: 3, cellId: "dup", message: "m" });
  assert.equal(line, 'nb.ipynb, cell 3 (id "dup"): m');
});
