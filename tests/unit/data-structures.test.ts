// Loaders of the crystal-structures dataset: canonical CIFs, pymatgen battery entries, the Li–Fe–O entries.
// Golden values: lattice parameters from pymatgen 2022.11 (Structure.from_file on the shipped CIFs), energies from
// the JSON file itself (PROVENANCE.md's worked numbers), energies above hull from the table (pymatgen PhaseDiagram).
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  DATASETS_ENV,
  DatasetError,
  clearVerificationCache,
  liFeOPhaseEntries,
  listPymatgenEntryFiles,
  listStructures,
  loadLiFeOEntries,
  loadPymatgenEntries,
  loadStructure,
  sha256File,
} from "../../lib/src/data";
import { PhaseDiagram, averageVoltageV, energyPerAtom } from "../../lib/src/electrochem";
import { coordinationNumbers } from "../../lib/src/structure";
import { validateManifest } from "../../lib/src/data";

const ROOT = path.resolve(__dirname, "..", "..");

const temps: string[] = [];
function tempDatasets(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "battery-mi-structures-"));
  temps.push(dir);
  fs.cpSync(path.join(ROOT, "datasets"), dir, { recursive: true });
  process.env[DATASETS_ENV] = dir;
  return dir;
}
afterEach(() => {
  delete process.env[DATASETS_ENV];
  clearVerificationCache();
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function datasetError(fn: () => unknown, code: string): DatasetError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DatasetError, `expected DatasetError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected a DatasetError ${code}`);
}

test("listStructures lists the 14 canonical CIFs, each matching its manifest SHA-256", () => {
  const list = listStructures();
  assert.equal(list.length, 14);
  for (const name of ["LiCoO2_R-3m_pymatgen-test", "CoO2_R-3m_MP-DFT-relaxed_from_LiCoO2_batt", "LiFePO4_olivine_Pnma", "FePO4_olivine_Pnma",
    "LiMn2O4_spinel_Fd-3m_minimal", "LiMn2O4_spinel_Fd-3m_expandedP1", "LiMn2O4_Imma_pymatgen-test", "Li10GeP2S12_LGPS",
    "Li7La3Zr2O12_tetragonal_obelix-wyu", "Li7La3Zr2O12_cubic_obelix-etz", "Li3PS4_Pnma_obelix-nhq", "Li6PS5Cl_argyrodite_obelix-122", "Li_bcc"]) {
    assert.ok(list.some((s) => s.name === name), name);
  }
  for (const s of list) {
    assert.equal(sha256File(s.absolutePath), s.sha256, s.path);
    assert.equal(fs.statSync(s.absolutePath).size, s.bytes, s.path);
  }
});

test("loadStructure reads LiCoO2 with pymatgen's lattice (a = 2.8334 Å, c = 14.0925 Å, 12 sites) and CoO6 octahedra", () => {
  const s = loadStructure("LiCoO2_R-3m_pymatgen-test");
  assert.equal(s.numSites, 12);
  assert.ok(Math.abs(s.lattice.a - 2.83339708) < 1e-6, `a = ${s.lattice.a}`);
  assert.ok(Math.abs(s.lattice.c - 14.0925022) < 1e-6, `c = ${s.lattice.c}`);
  assert.ok(Math.abs(s.volume - 97.97914086) < 1e-4, `V = ${s.volume}`);
  assert.ok(Math.abs(s.density() - 4.97622) < 1e-3, `density = ${s.density()}`);
  assert.equal(s.reducedFormula(), "LiCoO2");
  const co = s.sites.map((site, i) => (site.species.some((sp) => sp.element === "Co") ? i : -1)).filter((i) => i >= 0);
  assert.equal(co.length, 3);
  assert.deepEqual([...coordinationNumbers(s, 2.5, { ligands: ["O"], sites: co })], [6, 6, 6]);
});

test("the manifest accepts split, structure and entries files but wants rows on a split and rejects unknown roles", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "datasets", "manifest.json"), "utf8"));
  const roles = new Set(manifest.datasets.flatMap((d: { files: { role: string }[] }) => d.files.map((f) => f.role)));
  for (const r of ["table", "provenance", "split", "structure", "entries"]) assert.ok(roles.has(r), r);
  validateManifest(manifest);
  const obelix = manifest.datasets.find((d: { name: string }) => d.name === "obelix");
  const split = obelix.files.find((f: { role: string }) => f.role === "split");
  delete split.rows;
  assert.throws(() => validateManifest(manifest), /rows must be a non-negative integer on a split/);
  split.rows = 478;
  split.role = "cif";
  assert.throws(() => validateManifest(manifest), /role must be one of "table", "provenance", "split", "structure", "entries", "source", got "cif"/);
});

test("loadStructure accepts the .cif suffix and an unambiguous prefix, and reads every shipped CIF", () => {
  assert.equal(loadStructure("Li_bcc.cif").numSites, 1);
  const lfp = loadStructure("LiFePO4");
  assert.equal(lfp.numSites, 28);
  assert.equal(loadStructure("LiCoO2_R-3m_MP-DFT-relaxed_from_LiCoO2_batt").lattice.a.toFixed(6), "2.949449");
  for (const s of listStructures()) assert.ok(loadStructure(s.name).numSites > 0, s.name);
});

test("loadStructure names the available structures for an unknown or ambiguous name", () => {
  const e = datasetError(() => loadStructure("LiCoO3_R-3m_pymatgen-test"), "FILE_MISSING");
  assert.match(e.message, /no structure "LiCoO3_R-3m_pymatgen-test"/);
  assert.match(e.message, /Did you mean "LiCoO2_R-3m_pymatgen-test"/i);
  const amb = datasetError(() => loadStructure("LiCoO2"), "FILE_MISSING");
  assert.match(amb.message, /ambiguous/);
  assert.match(amb.message, /LiCoO2_R-3m_pymatgen-test/);
  assert.throws(() => loadStructure("Li_bcc", { strict: true } as never), /unknown option "strict"/);
});

test("loadStructure refuses a CIF whose bytes differ from the manifest", () => {
  const dir = tempDatasets();
  const f = path.join(dir, "crystal-structures", "canonical", "Li_bcc.cif");
  fs.appendFileSync(f, "\n");
  const e = datasetError(() => loadStructure("Li_bcc"), "CHECKSUM_MISMATCH");
  assert.match(e.message, /Li_bcc\.cif/);
  assert.equal(loadStructure("Li_bcc", { verify: false }).numSites, 1);
});

test("loadPymatgenEntries reads the 22 LiCoO2_batt entries with corrected energies (energy + correction)", () => {
  assert.deepEqual(listPymatgenEntryFiles().sort(), ["Li-Fe-O", "Li-Fe-P-O_entries", "LiCoO2_batt"]);
  const entries = loadPymatgenEntries("LiCoO2_batt");
  assert.equal(entries.length, 22);
  const lowest = (formula: string) => entries.filter((e) => e.formula === formula).sort((a, b) => energyPerAtom(a) - energyPerAtom(b))[0]!;
  const licoo2 = lowest("LiCoO2");
  assert.deepEqual(licoo2.composition, { Li: 1, Co: 1, O: 2 });
  // PROVENANCE.md: LiCoO2 energy −22.28028 eV, correction −1.874 eV.
  assert.ok(Math.abs(licoo2.energy - (-22.28028 - 1.874)) < 1e-4, `E = ${licoo2.energy}`);
  assert.ok(Math.abs(licoo2.correctionEv - -1.874) < 1e-3, `correction = ${licoo2.correctionEv}`);
  assert.equal(licoo2.pymatgenClass, "ComputedStructureEntry");
  const v = averageVoltageV({ charged: lowest("CoO2"), discharged: licoo2, workingIon: lowest("Li") });
  assert.ok(Math.abs(v - 3.3175) < 1e-3, `V = ${v}`);
  assert.ok(new Set(entries.map((e) => e.id)).size === 22, "ids are unique");
  datasetError(() => loadPymatgenEntries("LiFePO4_batt"), "FILE_MISSING");
});

test("loadLiFeOEntries gives the 375-row Li–Fe–O table with units in the column names", () => {
  const df = loadLiFeOEntries();
  assert.deepEqual(df.shape, [375, 16]);
  assert.ok(df.columns.includes("Energy above hull [eV.atom-1]"));
  assert.ok(df.columns.includes("Formation energy per atom [eV.atom-1]"));
});

test("liFeOPhaseEntries rebuilds pymatgen's hull: energies above hull agree within 5e-6 eV/atom and 11 phases are stable", () => {
  const entries = liFeOPhaseEntries();
  assert.equal(entries.length, 375);
  const pd = new PhaseDiagram(entries);
  let worst = 0;
  for (const e of entries) worst = Math.max(worst, Math.abs(pd.eAboveHull(e) - e.eAboveHullPymatgen));
  assert.ok(worst < 5e-6, `largest difference ${worst} eV/atom`);
  const stable = new Set(entries.filter((e) => e.eAboveHullPymatgen === 0).map((e) => e.formula));
  assert.deepEqual([...stable].sort(), ["Fe", "Fe2O3", "FeO", "Li", "Li2FeO3", "Li2O", "Li2O2", "Li5FeO4", "LiFeO2", "LiO8", "O2"]);
  const lfo = entries.filter((e) => e.formula === "LiFeO2" && e.eAboveHullPymatgen === 0)[0]!;
  assert.ok(Math.abs(pd.formationEnergyPerAtom(lfo) - lfo.formationEnergyPymatgen) < 5e-6);
});

test("loadPymatgenEntries reads the gzipped 375 Li-Fe-O entries and the 859 Li-Fe-P-O entries", () => {
  const lfo = loadPymatgenEntries("Li-Fe-O");
  assert.equal(lfo.length, 375);
  assert.ok(lfo.every((e) => Number.isFinite(e.energy) && e.id !== undefined));
  assert.equal(loadPymatgenEntries("Li-Fe-P-O_entries").length, 859);
});
