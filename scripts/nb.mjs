// Builds a Jupyter notebook (.ipynb, nbformat 4.5, tslab kernel, no outputs) from a readable Markdown source,
// so notebooks are written and reviewed as text and every cell keeps a stable id.
//
//   node scripts/nb.mjs notebooks/src/00_getting_started.nb.md          writes notebooks/00_getting_started.ipynb
//   node scripts/nb.mjs <source.nb.md> -o <out.ipynb>                    explicit output
//   node scripts/nb.mjs --check <source.nb.md> [-o <out.ipynb>]          exit 1 when the .ipynb is not what the
//                                                                        source builds (stale or hand-edited)
//
// Source format (every cell has an explicit id, so ids survive edits and reordering):
//
//   <!-- cell id=title -->                      a Markdown cell; its text runs to the next marker or fence
//   # Title ...
//
//   ```ts id=load-data                          a code cell, up to a line that is exactly ```
//   const df = await loadDataset("...");
//   ```
//
// Both markers accept `tags=a,b` and, last on the line, `meta={...}` (JSON merged into the cell metadata,
// e.g. nbgrader fields). Fences in other languages (```text, ```bash, ~~~) stay inside Markdown cells.
// Text outside a cell (other than blank lines) is an error, as are duplicate or invalid ids.
import fs from "node:fs";
import path from "node:path";

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MD_MARKER = /^<!--\s*cell\b(.*?)-->\s*$/;
const CODE_FENCE = /^```(?:ts|typescript)\b(.*)$/;

export const NOTEBOOK_METADATA = {
  kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
  language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
};

function fail(file, line, msg) {
  throw new Error(`${file}:${line}: ${msg}`);
}

/** Parses `id=x tags=a,b meta={...}` from a marker line. */
function parseAttrs(text, file, line) {
  const attrs = { metadata: {} };
  let rest = text.trim();
  const metaAt = rest.search(/\bmeta=/);
  if (metaAt >= 0) {
    const json = rest.slice(metaAt + 5).trim();
    try {
      attrs.metadata = JSON.parse(json);
    } catch (e) {
      fail(file, line, `meta= is not valid JSON (${e.message}): ${json}`);
    }
    rest = rest.slice(0, metaAt).trim();
  }
  for (const part of rest.split(/\s+/).filter(Boolean)) {
    const m = /^(id|tags)=(.+)$/.exec(part);
    if (!m) fail(file, line, `unknown marker attribute "${part}"; use id=, tags= and meta={...}`);
    if (m[1] === "id") attrs.id = m[2];
    else attrs.tags = m[2].split(",").filter(Boolean);
  }
  if (attrs.id === undefined) fail(file, line, "cell marker without id=; every cell needs a stable id");
  if (!ID_RE.test(attrs.id)) fail(file, line, `cell id "${attrs.id}" is invalid; use 1-64 characters of [A-Za-z0-9_-]`);
  if (attrs.tags) attrs.metadata = { ...attrs.metadata, tags: attrs.tags };
  return attrs;
}

/** Jupyter's source layout: lines keeping their "\n", the last one without. */
function toSourceLines(lines) {
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l));
}

/** Builds the notebook object from source text. */
export function buildNotebook(text, file = "<source>") {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const cells = [];
  const ids = new Map();
  let cur = null;
  const close = () => {
    if (cur) cells.push(cur);
    cur = null;
  };
  const open = (type, attrs, line) => {
    if (ids.has(attrs.id)) fail(file, line, `cell id "${attrs.id}" already used on line ${ids.get(attrs.id)}`);
    ids.set(attrs.id, line);
    cur = { type, id: attrs.id, metadata: attrs.metadata, lines: [], line };
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const n = i + 1;
    if (cur?.type === "code") {
      if (l === "```") close();
      else cur.lines.push(l);
      continue;
    }
    const md = MD_MARKER.exec(l);
    const fence = CODE_FENCE.exec(l);
    if (md) {
      close();
      open("markdown", parseAttrs(md[1], file, n), n);
    } else if (fence) {
      close();
      open("code", parseAttrs(fence[1], file, n), n);
    } else if (cur) {
      cur.lines.push(l);
    } else if (l.trim() !== "") {
      fail(file, n, "text outside a cell; start a Markdown cell with <!-- cell id=... -->");
    }
  }
  if (cur?.type === "code") fail(file, cur.line, "code cell is never closed (a line with just ``` ends it)");
  close();
  return {
    cells: cells.map((c) => {
      const source = toSourceLines(c.lines);
      if (source.length === 0) fail(file, c.line, `cell "${c.id}" is empty`);
      return c.type === "code"
        ? { cell_type: "code", execution_count: null, id: c.id, metadata: c.metadata, outputs: [], source }
        : { cell_type: "markdown", id: c.id, metadata: c.metadata, source };
    }),
    metadata: NOTEBOOK_METADATA,
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** The .ipynb text: Jupyter's own layout (1-space indent, trailing newline). */
export function serialize(nb) {
  return JSON.stringify(nb, null, 1) + "\n";
}

function defaultOutput(src) {
  const dir = path.dirname(src);
  const base = path.basename(src).replace(/\.nb\.md$|\.md$/, "");
  return path.join(path.basename(dir) === "src" ? path.dirname(dir) : dir, `${base}.ipynb`);
}

function main(argv) {
  const check = argv.includes("--check");
  const args = argv.filter((a) => a !== "--check");
  const o = args.indexOf("-o");
  const out = o >= 0 ? args[o + 1] : undefined;
  const srcs = args.filter((a, i) => a !== "-o" && (o < 0 || i !== o + 1));
  if (srcs.length !== 1) {
    console.error("usage: node scripts/nb.mjs [--check] <source.nb.md> [-o <out.ipynb>]");
    return 2;
  }
  const src = srcs[0];
  const target = out ?? defaultOutput(src);
  let text;
  try {
    text = serialize(buildNotebook(fs.readFileSync(src, "utf8"), src));
  } catch (e) {
    console.error(`[nb] ${e.message}`);
    return 1;
  }
  if (check) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (current !== text) {
      console.error(`[nb] ${target} is ${current === undefined ? "missing" : "not what " + src + " builds"}; run: node scripts/nb.mjs ${src}${out ? ` -o ${out}` : ""}`);
      return 1;
    }
    console.log(`[nb] ${target} is up to date`);
    return 0;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  console.log(`[nb] wrote ${target} (${JSON.parse(text).cells.length} cells)`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = main(process.argv.slice(2));
}
