/**
 * Loaders of the `crystal-structures` dataset: the canonical battery CIFs (parsed with battery-mi/structure), the
 * pymatgen battery entries (corrected DFT energies for voltages and hulls) and the 375 Materials Project Li–Fe–O
 * entries (a table, and the same rows as phase-diagram entries). Every file's SHA-256 is checked against
 * datasets/manifest.json before it is read.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { DataFrame } from "danfojs-node";
import { parseFormula } from "../descriptors/composition";
import { entriesFromPymatgen, type PhaseEntry, type PymatgenEntryDict } from "../electrochem/phase-diagram";
import { parseCif } from "../structure/cif";
import type { Structure } from "../structure/structure";
import { DatasetError, didYouMean } from "./errors";
import { datasetsDir, readManifest, type DatasetEntry, type DatasetFile } from "./manifest";
import { restoreAdvice, verificationError, verifyFile } from "./verify";
// index.ts re-exports this module; the functions below are only looked up when called, so the cycle is harmless.
import { loadDataset, loadTable, numericColumn, stringColumn, type LoadOptions } from "./index";

/** Name of the dataset in datasets/manifest.json that holds the structures and entries. */
export const STRUCTURES_DATASET = "crystal-structures";

/** One shipped structure file (see {@link listStructures}). */
export interface StructureFileInfo {
  /** Name for {@link loadStructure}: the file name without `.cif` (`LiCoO2_R-3m_pymatgen-test`). */
  name: string;
  /** Path relative to the datasets folder. */
  path: string;
  /** Absolute path of the file. */
  absolutePath: string;
  /** File size [bytes]. */
  bytes: number;
  /** SHA-256 recorded in the manifest. */
  sha256: string;
}

function structuresEntry(): { dir: string; entry: DatasetEntry } {
  const dir = datasetsDir();
  const entry = readManifest(dir).datasets.find((d) => d.name === STRUCTURES_DATASET);
  if (!entry) {
    throw new DatasetError(
      "UNKNOWN_DATASET",
      `datasets/manifest.json has no dataset "${STRUCTURES_DATASET}". Restore it with \`git checkout -- datasets/manifest.json\`.`,
    );
  }
  return { dir, entry };
}

function baseName(f: DatasetFile, ext: string): string {
  const b = f.path.split("/").pop() as string;
  // entry files may be gzipped JSON (Li-Fe-O.json.gz): the name drops ".json.gz" as it drops ".json"
  if (ext === ".json" && b.endsWith(".json.gz")) return b.slice(0, -".json.gz".length);
  return b.endsWith(ext) ? b.slice(0, -ext.length) : b;
}

/** Reads a verified manifest file as text (gunzipped when its name ends in `.gz`). */
function readVerified(dir: string, entry: DatasetEntry, f: DatasetFile, verify: boolean): string {
  if (verify) {
    const err = verificationError(verifyFile(dir, entry, f, true));
    if (err) throw err;
  }
  const abs = path.join(dir, ...f.path.split("/"));
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch {
    throw new DatasetError("FILE_MISSING", `dataset "${entry.name}": file ${f.path} cannot be read (${abs}). ${restoreAdvice(f.path)}.`);
  }
  if (!f.path.endsWith(".gz")) return bytes.toString("utf8");
  try {
    return zlib.gunzipSync(bytes).toString("utf8");
  } catch (e) {
    throw new DatasetError("FILE_MISSING", `dataset "${entry.name}": ${f.path} is not valid gzip (${(e as Error).message}). ${restoreAdvice(f.path)}.`);
  }
}

function pick(entry: DatasetEntry, role: "structure" | "entries", ext: string, name: string, what: string): DatasetFile {
  const files = entry.files.filter((f) => f.role === role);
  const wanted = name.endsWith(ext) ? name.slice(0, -ext.length) : name;
  const hit = files.find((f) => baseName(f, ext) === wanted);
  if (hit) return hit;
  const names = files.map((f) => baseName(f, ext));
  // Also accept an unambiguous prefix ("LiFePO4" → LiFePO4_olivine_Pnma), which is how people name structures.
  const prefixed = files.filter((f) => baseName(f, ext).startsWith(`${wanted}_`));
  if (prefixed.length === 1) return prefixed[0]!;
  const ambiguous = prefixed.length > 1 ? ` "${wanted}" is ambiguous: it starts ${prefixed.map((f) => `"${baseName(f, ext)}"`).join(", ")}.` : "";
  throw new DatasetError(
    "FILE_MISSING",
    `dataset "${entry.name}" has no ${what} "${name}".${ambiguous} Available: ${names.map((n) => `"${n}"`).join(", ")}.${ambiguous ? "" : didYouMean(wanted, names)}`,
  );
}

/**
 * The shipped CIFs of the `crystal-structures` dataset, in manifest order.
 *
 * @example
 * ```ts
 * listStructures().map((s) => s.name); // ["CoO2_R-3m_MP-DFT-relaxed_from_LiCoO2_batt", "FePO4_olivine_Pnma", ...]
 * ```
 */
export function listStructures(): StructureFileInfo[] {
  const { dir, entry } = structuresEntry();
  return entry.files
    .filter((f) => f.role === "structure")
    .map((f) => ({ name: baseName(f, ".cif"), path: f.path, absolutePath: path.join(dir, ...f.path.split("/")), bytes: f.bytes, sha256: f.sha256 }));
}

/** Options of {@link loadStructure}. */
export interface LoadStructureOptions {
  /** Check the file's SHA-256 against the manifest first (default true; cached per process by size and mtime). */
  verify?: boolean;
  /** Fractional tolerance for merging symmetry copies (default 1e-4, pymatgen's; see battery-mi/structure's CifReadOptions). */
  siteTolerance?: number;
}

/**
 * Reads one shipped CIF into a {@link Structure} (symmetry expanded to the full cell, partial occupancies kept),
 * after checking its SHA-256. `name` is a name from {@link listStructures} (with or without `.cif`), or an
 * unambiguous prefix of one (`"LiFePO4"`, `"Li_bcc"`; `"LiCoO2"` is ambiguous: there are two LiCoO2 files).
 *
 * @example
 * ```ts
 * const licoo2 = loadStructure("LiCoO2_R-3m_pymatgen-test");
 * licoo2.lattice.a;            // 2.82 Å
 * licoo2.spaceGroupSymbol;     // as written in the CIF
 * ```
 * @throws {@link DatasetError} `FILE_MISSING` for an unknown name (listing the available ones), `CHECKSUM_MISMATCH`
 *   for a modified file; `CifError` from battery-mi/structure for a malformed CIF.
 */
export function loadStructure(name: string, options: LoadStructureOptions = {}): Structure {
  for (const k of Object.keys(options)) {
    if (k !== "verify" && k !== "siteTolerance") throw new DatasetError("INVALID_OPTION", `loadStructure: unknown option "${k}". Valid options: verify, siteTolerance.`);
  }
  const { dir, entry } = structuresEntry();
  const f = pick(entry, "structure", ".cif", name, "structure");
  const text = readVerified(dir, entry, f, options.verify !== false);
  const abs = path.join(dir, ...f.path.split("/"));
  const structures = parseCif(text, { source: abs, ...(options.siteTolerance !== undefined ? { siteTolerance: options.siteTolerance } : {}) });
  return structures[0]!;
}

/** Names of the shipped pymatgen entry files for {@link loadPymatgenEntries} (`["LiCoO2_batt", "Li-Fe-O", "Li-Fe-P-O_entries"]`). */
export function listPymatgenEntryFiles(): string[] {
  return structuresEntry().entry.files.filter((f) => f.role === "entries").map((f) => baseName(f, ".json"));
}

/** A {@link PhaseEntry} read from a pymatgen entry file, with what else the file says about it. */
export interface PymatgenPhaseEntry extends PhaseEntry {
  /** Position in the file (0-based). */
  index: number;
  /** Reduced formula of the composition (`LiCoO2`). */
  formula: string;
  /** The MP compatibility correction that was added to the raw DFT energy [eV]. */
  correctionEv: number;
  /** pymatgen class of the entry (`ComputedStructureEntry`, `ComputedEntry`). */
  pymatgenClass: string;
}

/**
 * Reads a shipped pymatgen entry file (a JSON list of `ComputedEntry`/`ComputedStructureEntry` dicts) into
 * phase-diagram entries with corrected energies (`energy + correction`, as pymatgen's `entry.energy`), via
 * battery-mi/electrochem's `entriesFromPymatgen`. Entries without an `entry_id` get the id `<file>#<index>`.
 *
 * @example
 * ```ts
 * const entries = loadPymatgenEntries("LiCoO2_batt");   // 22 entries: Li, Co, O2, CoO2, LiCoO2, ...
 * const licoo2 = entries.find((e) => e.formula === "LiCoO2");
 * ```
 * @throws {@link DatasetError} `FILE_MISSING` for an unknown name, `CHECKSUM_MISMATCH` for a modified file.
 */
export function loadPymatgenEntries(name = "LiCoO2_batt", options: { verify?: boolean } = {}): PymatgenPhaseEntry[] {
  const { dir, entry } = structuresEntry();
  const f = pick(entry, "entries", ".json", name, "pymatgen entry file");
  const text = readVerified(dir, entry, f, options.verify !== false);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DatasetError("FILE_MISSING", `dataset "${entry.name}": ${f.path} is not valid JSON (${(e as Error).message}). ${restoreAdvice(f.path)}.`);
  }
  if (!Array.isArray(json)) throw new DatasetError("FILE_MISSING", `dataset "${entry.name}": ${f.path} is not a JSON list of pymatgen entries. ${restoreAdvice(f.path)}.`);
  const dicts = json as (PymatgenEntryDict & { "@class"?: string })[];
  const base = baseName(f, ".json");
  return entriesFromPymatgen(dicts).map((e, i) => {
    const d = dicts[i]!;
    const correction = e.energy - d.energy;
    return {
      ...e,
      id: e.id ?? `${base}#${i}`,
      index: i,
      formula: parseFormula(formulaText(e.composition)).reducedFormula,
      correctionEv: correction,
      pymatgenClass: d["@class"] ?? "ComputedEntry",
    };
  });
}

function formulaText(comp: Readonly<Record<string, number>>): string {
  return Object.entries(comp)
    .filter(([, v]) => v > 0)
    .map(([el, v]) => `${el}${v}`)
    .join("");
}

/**
 * The 375 Materials Project Li–Fe–O entries as a danfojs DataFrame (material id, formula, space group, corrected
 * energy per atom, formation energy and energy above hull computed with pymatgen 2022.11 from exactly these
 * entries, volume per atom, density, ...; units in the column names). Same options as `loadDataset`.
 *
 * @example
 * ```ts
 * const df = loadLiFeOEntries();
 * df.query(df["Energy above hull [eV.atom-1]"].eq(0)).print(); // the 11 stable phases
 * ```
 */
export function loadLiFeOEntries(options: LoadOptions = {}): DataFrame {
  return loadDataset(STRUCTURES_DATASET, options);
}

/** A Li–Fe–O entry for battery-mi/electrochem's PhaseDiagram (see {@link liFeOPhaseEntries}). */
export interface LiFeOPhaseEntry extends PhaseEntry {
  /** MP material id (`mp-13`). */
  id: string;
  /** Reduced formula (`LiFeO2`). */
  formula: string;
  /** Space group symbol (spglib, symprec 0.1). */
  spaceGroup: string;
  /** Energy above hull from the table (pymatgen 2022.11) [eV/atom], for comparison. */
  eAboveHullPymatgen: number;
  /** Formation energy per atom from the table (pymatgen 2022.11) [eV/atom], for comparison. */
  formationEnergyPymatgen: number;
}

/**
 * The Li–Fe–O table as phase-diagram entries: composition = the reduced formula, energy = corrected energy per atom ×
 * atoms in that formula (the hull only uses energies per atom, so the choice of formula unit does not matter).
 * The pymatgen values of the table ride along for comparison.
 *
 * @example
 * ```ts
 * import { PhaseDiagram } from "battery-mi/electrochem";
 * const entries = liFeOPhaseEntries();
 * const pd = new PhaseDiagram(entries);
 * entries.map((e) => pd.eAboveHull(e) - e.eAboveHullPymatgen); // ≈ 0
 * ```
 */
export function liFeOPhaseEntries(): LiFeOPhaseEntry[] {
  const t = loadTable(STRUCTURES_DATASET);
  const ids = stringColumn(t, "Material ID");
  const formulas = stringColumn(t, "Formula");
  const sg = stringColumn(t, "Space group");
  const epa = numericColumn(t, "Corrected energy per atom [eV.atom-1]");
  const ehull = numericColumn(t, "Energy above hull [eV.atom-1]");
  const ef = numericColumn(t, "Formation energy per atom [eV.atom-1]");
  const out: LiFeOPhaseEntry[] = [];
  for (let i = 0; i < t.nRows; i++) {
    const comp = parseFormula(formulas[i]!);
    const composition: Record<string, number> = {};
    for (const [el, v] of comp.amounts()) composition[el] = v;
    out.push({
      id: ids[i]!,
      formula: formulas[i]!,
      composition,
      energy: epa[i]! * comp.numAtoms,
      spaceGroup: sg[i]!,
      eAboveHullPymatgen: ehull[i]!,
      formationEnergyPymatgen: ef[i]!,
    });
  }
  return out;
}
