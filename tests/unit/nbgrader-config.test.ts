// A TA can make student releases with nbgrader: its ClearSolutions needs a code stub for the kernel's language
// ("typescript"), which nbgrader does not ship; nbgrader_config.py gives it, and every solution cell marks its
// region with the delimiters that file names.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { defaultNotebooks, readNotebook } from "../../lib/src/notebook";

const ROOT = path.join(__dirname, "..", "..");

test("nbgrader_config.py loads with traitlets and gives ClearSolutions a TypeScript stub and the solution delimiters", () => {
  const script = [
    "import json, sys",
    "from traitlets.config.loader import PyFileConfigLoader",
    "c = PyFileConfigLoader('nbgrader_config.py', path=sys.argv[1]).load_config()",
    "cs = c.ClearSolutions",
    "print(json.dumps({'stub': dict(cs.code_stub), 'begin': cs.begin_solution_delimeter, 'end': cs.end_solution_delimeter}))",
  ].join("\n");
  const out = JSON.parse(execFileSync("python3", ["-c", script, ROOT], { encoding: "utf8" })) as { stub: Record<string, string>; begin: string; end: string };
  assert.match(out.stub.typescript, /^\/\/ YOUR CODE HERE\nthrow new Error\(/);
  assert.equal(out.begin, "BEGIN SOLUTION");
  assert.equal(out.end, "END SOLUTION");
  // every kernel language of the notebooks has a stub
  for (const file of defaultNotebooks(ROOT)) {
    const nb = readNotebook(file) as { metadata?: { kernelspec?: { language?: string } } };
    const lang = nb.metadata?.kernelspec?.language;
    assert.ok(lang !== undefined && lang in out.stub, `${path.relative(ROOT, file)}: no code stub for language ${String(lang)}`);
  }
});

test("every autograded solution code cell marks its region with // BEGIN SOLUTION … // END SOLUTION, in that order", () => {
  let cells = 0;
  for (const file of defaultNotebooks(ROOT)) {
    const nb = readNotebook(file) as { cells: { cell_type: string; source: string | string[]; metadata?: { nbgrader?: { solution?: boolean; grade_id?: string } } }[] };
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code" || cell.metadata?.nbgrader?.solution !== true) continue;
      cells++;
      const lines = (Array.isArray(cell.source) ? cell.source.join("") : cell.source).split("\n");
      const begin = lines.findIndex((l) => /^\s*\/\/\s*BEGIN SOLUTION\s*$/.test(l));
      const end = lines.findIndex((l) => /^\s*\/\/\s*END SOLUTION\s*$/.test(l));
      assert.ok(begin >= 0 && end > begin, `${path.relative(ROOT, file)}, cell ${cell.metadata.nbgrader.grade_id}: no // BEGIN SOLUTION … // END SOLUTION region`);
    }
  }
  assert.ok(cells >= 4, `only ${cells} solution cells found`);
});
