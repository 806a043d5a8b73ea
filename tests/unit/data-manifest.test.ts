import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DatasetError, countCsvRows, parseCsv, validateManifest } from "../../lib/src/data";

const ROOT = path.resolve(__dirname, "..", "..");
const DATASETS = path.join(ROOT, "datasets");
const manifestText = fs.readFileSync(path.join(DATASETS, "manifest.json"), "utf8");
const manifest = validateManifest(JSON.parse(manifestText), "datasets/manifest.json");
// Files in datasets/ that are not data: the manifest itself and the no-EOL-conversion attributes.
const NOT_DATA = new Set(["manifest.json", ".gitattributes"]);

function walk(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}
const abs = (rel: string) => path.join(DATASETS, ...rel.split("/"));

test("datasets/manifest.json passes the structural check", () => {
  assert.ok(manifest.datasets.length >= 1);
});

test("every file listed in the manifest exists with the recorded sha256, size and row count", () => {
  for (const d of manifest.datasets) {
    for (const f of d.files) {
      assert.ok(fs.existsSync(abs(f.path)), `${d.name}: ${f.path} missing`);
      const bytes = fs.readFileSync(abs(f.path));
      assert.equal(crypto.createHash("sha256").update(bytes).digest("hex"), f.sha256, `${f.path} sha256`);
      assert.equal(bytes.length, f.bytes, `${f.path} bytes`);
      if (f.role === "table") assert.equal(countCsvRows(bytes.toString("utf8"), { file: f.path, header: f.header }), f.rows, `${f.path} rows`);
    }
  }
});

test("every file in datasets/ is listed in the manifest", () => {
  const listed = new Set(manifest.datasets.flatMap((d) => d.files.map((f) => f.path)));
  const unlisted = walk(DATASETS).filter((rel) => !NOT_DATA.has(rel) && !listed.has(rel));
  assert.deepEqual(unlisted, []);
});

test("each table's header has exactly the manifest's source columns, in order (headerless tables: as many fields)", () => {
  for (const d of manifest.datasets) {
    const table = d.files.find((f) => f.role === "table");
    assert.ok(table);
    const { header } = parseCsv(fs.readFileSync(abs(table.path), "utf8"), { file: table.path });
    if (table.header === false) assert.equal(header.length, d.columns.length, d.name);
    else assert.deepEqual(header, d.columns.map((c) => c.source), d.name);
  }
});

test("every dataset states source, licence, citation and changes, and every unit sits in its display name", () => {
  for (const d of manifest.datasets) {
    assert.ok(d.source.url.startsWith("https://"), `${d.name} source url`);
    assert.ok(d.licence.length > 0 && d.citation.text.length > 20 && d.changes.length > 0, d.name);
    assert.ok(d.files.some((f) => f.role === "provenance"), `${d.name} has a PROVENANCE document`);
    for (const c of d.columns) if (c.unit !== null) assert.ok(c.name.endsWith(` [${c.unit}]`), c.name);
  }
});

test("nasa-pcoe-capacity records the provenance's source commit and licence as stated", () => {
  const d = manifest.datasets.find((x) => x.name === "nasa-pcoe-capacity");
  assert.ok(d);
  assert.equal(d.source.repository, "the-mood/LC_GAN_LSTM_SOH_Predict");
  assert.equal(d.source.commit, "03c9c1afa842b038d50898b59df087cec0a8150c");
  assert.match(d.licence, /^not stated/);
  assert.match(d.citation.text, /Saha.*Goebel.*2007.*Battery Data Set/);
  const provenance = fs.readFileSync(path.join(DATASETS, "nasa-pcoe-battery", "PROVENANCE.md"), "utf8");
  assert.ok(provenance.includes(d.source.commit ?? "<none>"), "commit in manifest matches PROVENANCE.md");
});

test("shipped files are byte-identical to datasets-src when that folder is present", (t) => {
  const src = path.resolve(ROOT, "..", "shared", "datasets-src");
  if (!fs.existsSync(src)) {
    t.skip(`${src} not present (only on the authoring machine)`);
    return;
  }
  for (const d of manifest.datasets) {
    for (const f of d.files) {
      const original = path.join(src, ...f.path.split("/"));
      assert.ok(fs.existsSync(original), `${original} exists`);
      assert.ok(fs.readFileSync(original).equals(fs.readFileSync(abs(f.path))), `${f.path} unaltered`);
    }
  }
});

test("validateManifest rejects an entry with the field at fault named", () => {
  const bad = JSON.parse(manifestText);
  bad.datasets[0].files[0].sha256 = "abc";
  assert.throws(() => validateManifest(bad, "m.json"), (e: unknown) => e instanceof DatasetError && e.code === "MANIFEST_INVALID" && /files\[0\]: sha256 must be 64/.test(e.message));
  const noUnit = JSON.parse(manifestText);
  noUnit.datasets[0].columns[2].name = "Capacity";
  assert.throws(() => validateManifest(noUnit), /display name "Capacity" must end with its unit "\[A\.h\]"/);
  const twoTables = JSON.parse(manifestText);
  twoTables.datasets[0].files[1].role = "table";
  twoTables.datasets[0].files[1].rows = 1;
  assert.throws(() => validateManifest(twoTables), /exactly one file with role "table", found 2/);
});

test("scripts/add-dataset.mjs check agrees that the manifest matches datasets/", () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "add-dataset.mjs"), "check"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /manifest\.json matches datasets\//);
});
