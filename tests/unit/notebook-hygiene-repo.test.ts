// Every committed notebook of the repository follows the conventions of docs/DESIGN.md §3.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { checkNotebookHygiene, defaultNotebooks, formatHygieneProblem, readNotebook } from "../../lib/src/notebook";

const ROOT = path.join(__dirname, "..", "..");
const notebooks = defaultNotebooks(ROOT);

if (notebooks.length === 0) {
  test("every notebooks/*.ipynb passes the hygiene check", { skip: "notebooks/ has no .ipynb files yet" }, () => {});
}

for (const file of notebooks) {
  const rel = path.relative(ROOT, file);
  test(`${rel} passes the hygiene check (nbformat 4.5 ids, tslab kernelspec, no outputs, valid nbgrader metadata)`, () => {
    const problems = checkNotebookHygiene(readNotebook(file), rel);
    assert.deepEqual(problems.map(formatHygieneProblem), [], `${problems.length} hygiene problem(s) in ${rel}`);
  });
}
