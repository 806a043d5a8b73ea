// Maintains datasets/ and datasets/manifest.json.
//
//   node scripts/add-dataset.mjs copy <folder> <file>...   copy files (and the folder's PROVENANCE.md) from
//                                                          ../shared/datasets-src/<folder>/ to datasets/<folder>/,
//                                                          byte for byte, then print a manifest entry skeleton
//                                                          (columns and types inferred) for files not yet listed
//   node scripts/add-dataset.mjs refresh                   recompute sha256, bytes and rows of every listed file
//                                                          and rewrite manifest.json (other fields untouched)
//   node scripts/add-dataset.mjs check                     the same computation without writing; exit 1 when the
//                                                          manifest is stale, a listed file is missing, or a file
//                                                          in datasets/ is not listed
//
// The source folder can be changed with BATTERY_MI_DATASETS_SRC. Descriptions, licence, citation, column
// display names and units are written by hand in manifest.json; this script only keeps the computed fields
// honest. It reads CSV with the library's own parser, loaded from lib/src through tsx (so it works even
// while another part of lib/ does not compile).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const DATASETS = path.join(ROOT, "datasets");
const MANIFEST = path.join(DATASETS, "manifest.json");
const SRC = path.resolve(process.env.BATTERY_MI_DATASETS_SRC ?? path.join(ROOT, "..", "shared", "datasets-src"));
// Files in datasets/ that are not data and need no manifest record.
const UNLISTED_OK = new Set(["manifest.json", ".gitattributes"]);

function die(msg) {
  console.error(`[add-dataset] ${msg}`);
  process.exit(1);
}

const csvLib = () => tsImport("../lib/src/data/csv.ts", import.meta.url);

const sha256 = (file) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

function readManifest() {
  if (!fs.existsSync(MANIFEST)) return { schemaVersion: 1, datasets: [] };
  return JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
}

/** Every file under datasets/, as forward-slash paths relative to it. */
function filesOnDisk(dir = DATASETS, prefix = "") {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...filesOnDisk(path.join(dir, e.name), rel + "/"));
    else out.push(rel);
  }
  return out.sort();
}

/** Computed fields of one manifest file record. */
function measure(rel, role, csv, header) {
  const abs = path.join(DATASETS, ...rel.split("/"));
  if (!fs.existsSync(abs)) return { missing: true };
  const out = { sha256: sha256(abs), bytes: fs.statSync(abs).size };
  if (role === "table" || role === "split") out.rows = csv.countCsvRows(fs.readFileSync(abs, "utf8"), { file: abs, header });
  return out;
}

async function refresh(write) {
  const csv = await csvLib();
  const manifest = readManifest();
  const problems = [];
  const listed = new Set();
  for (const d of manifest.datasets) {
    for (const f of d.files) {
      listed.add(f.path);
      const m = measure(f.path, f.role, csv, f.header);
      if (m.missing) {
        problems.push(`${d.name}: ${f.path} is listed but missing (restore it with \`git checkout -- datasets/${f.path}\`)`);
        continue;
      }
      for (const k of ["sha256", "bytes", "rows"]) {
        if (m[k] !== undefined && f[k] !== m[k]) {
          problems.push(`${d.name}: ${f.path} ${k} ${JSON.stringify(f[k])} -> ${JSON.stringify(m[k])}`);
          f[k] = m[k];
        }
      }
    }
  }
  for (const rel of filesOnDisk()) {
    if (!listed.has(rel) && !UNLISTED_OK.has(rel)) problems.push(`datasets/${rel} is not listed in manifest.json`);
  }
  if (write) {
    fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + "\n");
    for (const p of problems) console.log(`[add-dataset] ${p}`);
    console.log(`[add-dataset] manifest.json refreshed (${manifest.datasets.length} datasets)`);
    if (problems.some((p) => p.includes("missing") || p.includes("not listed"))) process.exit(1);
  } else {
    if (problems.length > 0) die(`manifest.json is out of date:\n  ${problems.join("\n  ")}`);
    console.log(`[add-dataset] manifest.json matches datasets/ (${manifest.datasets.length} datasets)`);
  }
}

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;

/** A manifest entry to complete by hand: columns with inferred types, everything descriptive left as TODO. */
function skeleton(folder, rel, csv) {
  const abs = path.join(DATASETS, ...rel.split("/"));
  const { header, records } = csv.parseCsv(fs.readFileSync(abs, "utf8"), { file: abs });
  const columns = header.map((h, k) => {
    const vals = records.map((r) => r[k].trim());
    const present = vals.filter((v) => v !== "");
    const type = present.length > 0 && present.every((v) => INT_RE.test(v)) ? "integer" : present.length > 0 && present.every((v) => FLOAT_RE.test(v)) ? "float" : "string";
    const col = { source: h, name: `TODO display name of ${h}`, type, unit: null, description: "TODO" };
    if (present.length < vals.length) col.nullable = true;
    return col;
  });
  return {
    name: `TODO-${path.basename(rel, path.extname(rel)).replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`,
    title: "TODO",
    description: "TODO",
    files: [
      { path: rel, role: "table", sha256: sha256(abs), bytes: fs.statSync(abs).size, rows: records.length },
      ...(fs.existsSync(path.join(DATASETS, folder, "PROVENANCE.md"))
        ? [{ path: `${folder}/PROVENANCE.md`, role: "provenance", sha256: sha256(path.join(DATASETS, folder, "PROVENANCE.md")), bytes: fs.statSync(path.join(DATASETS, folder, "PROVENANCE.md")).size }]
        : []),
    ],
    source: { repository: "TODO (from PROVENANCE.md)", url: "TODO", commit: "TODO" },
    licence: "TODO as stated; \"not stated\" where so",
    citation: { text: "TODO" },
    columns,
    changes: ["TODO"],
  };
}

async function copy(folder, files) {
  if (!folder || files.length === 0) die("usage: node scripts/add-dataset.mjs copy <folder> <file>...");
  const srcDir = path.join(SRC, folder);
  if (!fs.existsSync(srcDir)) die(`no source folder ${srcDir} (set BATTERY_MI_DATASETS_SRC to the datasets-src folder)`);
  const destDir = path.join(DATASETS, folder);
  fs.mkdirSync(destDir, { recursive: true });
  const wanted = [...files, ...(fs.existsSync(path.join(srcDir, "PROVENANCE.md")) && !files.includes("PROVENANCE.md") ? ["PROVENANCE.md"] : [])];
  for (const f of wanted) {
    const from = path.join(srcDir, f);
    const to = path.join(destDir, f);
    if (!fs.existsSync(from)) die(`${from} does not exist; files there: ${fs.readdirSync(srcDir).join(", ")}`);
    if (fs.existsSync(to) && sha256(to) !== sha256(from) && !process.argv.includes("--force")) {
      die(`${to} exists and differs from ${from}; pass --force to overwrite it`);
    }
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    fs.chmodSync(to, 0o644);
    console.log(`[add-dataset] copied ${path.relative(ROOT, from)} -> ${path.relative(ROOT, to)}`);
  }
  const csv = await csvLib();
  const listed = new Set(readManifest().datasets.flatMap((d) => d.files.map((x) => x.path)));
  for (const f of files) {
    const rel = `${folder}/${f}`;
    if (listed.has(rel) || !f.endsWith(".csv")) continue;
    console.log(`\n[add-dataset] ${rel} is not in manifest.json yet; complete this entry and add it, then run refresh:\n`);
    console.log(JSON.stringify(skeleton(folder, rel, csv), null, 2));
  }
}

const [cmd, ...rest] = process.argv.slice(2).filter((a) => a !== "--force");
if (cmd === "copy") await copy(rest[0], rest.slice(1));
else if (cmd === "refresh") await refresh(true);
else if (cmd === "check") await refresh(false);
else die("usage: node scripts/add-dataset.mjs copy <folder> <file>... | refresh | check");
