import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkNotebookHygiene, formatHygieneProblem, readNotebook } from "../../lib/src/notebook";

const ROOT = path.resolve(__dirname, "..", "..");
const NB = path.join(ROOT, "notebooks", "00_getting_started.ipynb");
const SRC = path.join(ROOT, "notebooks", "src", "00_getting_started.nb.md");

function nbScript(...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, "scripts", "nb.mjs"), ...args], { cwd: ROOT, encoding: "utf8" });
}

test("every notebook is exactly what its source in notebooks/src/ builds, and every notebook has a source", () => {
  const sources = fs.readdirSync(path.join(ROOT, "notebooks", "src")).filter((f) => f.endsWith(".nb.md"));
  assert.ok(sources.includes(path.basename(SRC)));
  for (const f of sources) {
    const r = nbScript("--check", path.join("notebooks", "src", f));
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
  }
  const notebooks = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb"));
  assert.deepEqual(notebooks.map((f) => f.replace(/\.ipynb$/, "")).sort(), sources.map((f) => f.replace(/\.nb\.md$/, "")).sort());
});

test("notebook 00 follows the project's notebook rules (nbformat 4.5, ids, tslab kernelspec, no outputs)", () => {
  const nb = readNotebook(NB);
  const problems = checkNotebookHygiene(nb, "notebooks/00_getting_started.ipynb");
  assert.deepEqual(problems.map(formatHygieneProblem), []);
  assert.deepEqual(nb.metadata.kernelspec, { name: "tslab", display_name: "TypeScript", language: "typescript" });
  assert.equal((nb.metadata.language_info as { name: string }).name, "typescript");
  for (const c of nb.cells) if (c.cell_type === "code") assert.equal(c.execution_count, null, c.id);
});

test("notebook 00 imports only battery-mi (and tslab for its version), starts with a title and ends with まとめ", () => {
  const nb = readNotebook(NB);
  const src = (c: (typeof nb.cells)[number]) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  const modules = nb.cells
    .filter((c) => c.cell_type === "code")
    .flatMap((c) => [...src(c).matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]));
  assert.ok(modules.length > 0);
  for (const m of modules) assert.match(m, /^(battery-mi(\/[a-z]+)?|tslab)$/, m);
  for (const needed of ["battery-mi/data", "battery-mi/nn", "battery-mi/plot"]) assert.ok(modules.includes(needed), needed);
  assert.match(src(nb.cells[0]), /^# 00 /);
  assert.match(src(nb.cells[0]), /学習目標/);
  assert.match(src(nb.cells[nb.cells.length - 1]), /^## まとめ/);
});

test("scripts/nb.mjs refuses sources with duplicate ids, text outside cells, or an unclosed code fence, naming the line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-src-"));
  try {
    const cases: [string, RegExp][] = [
      ["<!-- cell id=a -->\n# A\n\n```ts id=a\n1\n```\n", /:4: cell id "a" already used on line 1/],
      ["stray text\n<!-- cell id=a -->\n# A\n", /:1: text outside a cell/],
      ["```ts id=c\nconst x = 1;\n", /:1: code cell is never closed/],
      ["<!-- cell -->\n# no id\n", /:1: cell marker without id=/],
      ["```ts id=bad!id\n1\n```\n", /:1: cell id "bad!id" is invalid/],
    ];
    for (const [text, expected] of cases) {
      const file = path.join(dir, "x.nb.md");
      fs.writeFileSync(file, text);
      const r = nbScript(file, "-o", path.join(dir, "x.ipynb"));
      assert.equal(r.status, 1, text);
      assert.match(r.stderr, expected, text);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("scripts/nb.mjs keeps tags and nbgrader metadata and writes sources in Jupyter's line layout", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-src-"));
  try {
    const file = path.join(dir, "x.nb.md");
    fs.writeFileSync(file, '<!-- cell id=intro -->\n# T\n\ntext\n\n```ts id=q1 tags=solution meta={"nbgrader": {"grade": false, "solution": true}}\nconst a = 1;\nconst b = 2;\n```\n');
    const out = path.join(dir, "x.ipynb");
    assert.equal(nbScript(file, "-o", out).status, 0);
    const nb = JSON.parse(fs.readFileSync(out, "utf8"));
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(nb.cells[0].source, ["# T\n", "\n", "text"]);
    assert.deepEqual(nb.cells[1].metadata, { nbgrader: { grade: false, solution: true }, tags: ["solution"] });
    assert.deepEqual(nb.cells[1].source, ["const a = 1;\n", "const b = 2;"]);
    assert.deepEqual(nb.cells[1].outputs, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
