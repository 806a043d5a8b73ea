import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Lattice, Structure, StructureError, bondLengths, convexHullVolume, coordinationNumbers, densityFeatures, distortion,
  bondLengthFeatures, coordinationFeatures, multipleFeaturizer, neighbors, neighborsBruteForce, readCif, volumeChange,
  voronoiCoordination, type NeighborList,
} from "../../lib/src/structure";
import { canonicalCif, missingDataReason } from "../reference/structure/datasets";

/** Same entries (site, image, distance) regardless of order within a row. */
function assertSameLists(a: NeighborList, b: NeighborList): void {
  assert.equal(a.indptr.length, b.indptr.length);
  assert.deepEqual(Array.from(a.indptr), Array.from(b.indptr), "neighbour counts per site");
  const n = a.indptr.length - 1;
  for (let i = 0; i < n; i++) {
    const row = (l: NeighborList) => {
      const r: string[] = [];
      for (let e = l.indptr[i]!; e < l.indptr[i + 1]!; e++) r.push(`${l.index[e]}:${l.image[3 * e]},${l.image[3 * e + 1]},${l.image[3 * e + 2]}`);
      return r.sort();
    };
    assert.deepEqual(row(a), row(b), `neighbours of site ${i}`);
    for (let e = a.indptr[i]!; e < a.indptr[i + 1]!; e++) assert.ok(Math.abs(a.distance[e]! - b.distance[e]!) < 1e-9, "sorted distances");
  }
}

/** Independent check of one entry: the distance recomputed from the image offset. */
function checkDistances(s: Structure, nl: NeighborList): void {
  const m = s.lattice.matrix;
  for (let i = 0; i < s.numSites; i++) for (let e = nl.indptr[i]!; e < nl.indptr[i + 1]!; e++) {
    const j = nl.index[e]!;
    const d = [0, 1, 2].map((k) => s.frac[3 * j + k]! + nl.image[3 * e + k]! - s.frac[3 * i + k]!);
    const c = [0, 1, 2].map((k) => d[0]! * m[k]! + d[1]! * m[3 + k]! + d[2]! * m[6 + k]!);
    assert.ok(Math.abs(Math.hypot(c[0]!, c[1]!, c[2]!) - nl.distance[e]!) < 1e-9);
  }
}

test("cell-list neighbour search on a 4×4×4 LiFePO4 supercell (1792 atoms, 4 Å) matches brute force entry by entry", (t) => {
  const reason = missingDataReason();
  if (reason) return t.skip(reason);
  const s = readCif(canonicalCif("LiFePO4_olivine_Pnma.cif")!)[0]!.supercell(4, 4, 4);
  assert.equal(s.numSites, 1792);
  const t0 = performance.now();
  const fast = neighbors(s, 4);
  const t1 = performance.now();
  const slow = neighborsBruteForce(s, 4);
  const t2 = performance.now();
  t.diagnostic(`cell list ${(t1 - t0).toFixed(0)} ms, brute force ${(t2 - t1).toFixed(0)} ms, ${fast.index.length} pairs`);
  assertSameLists(fast, slow);
  checkDistances(s, fast);
  // Each supercell copy of a site has the same CN as in the unit cell.
  const unit = readCif(canonicalCif("LiFePO4_olivine_Pnma.cif")!)[0]!;
  const cnUnit = coordinationNumbers(unit, 4);
  const cnSuper = coordinationNumbers(s, 4);
  for (let i = 0; i < s.numSites; i++) assert.equal(cnSuper[i], cnUnit[i % 28]);
});

test("a cutoff several times the cell width (bcc Li primitive cell, 1 site, 9 Å) finds the site's own images: shells of 8, 6 and 12 at a√3/2, a, a√2", () => {
  const a = 3.51;
  const lat = new Lattice([-a / 2, a / 2, a / 2, a / 2, -a / 2, a / 2, a / 2, a / 2, -a / 2]);
  const s = new Structure(lat, [0, 0, 0], [{ label: "Li", species: [{ element: "Li", occupancy: 1 }] }]);
  assert.ok(Math.max(...lat.perpendicularWidths) < 3, "cell widths are below 3 Å");
  const nl = neighbors(s, 9);
  assertSameLists(nl, neighborsBruteForce(s, 9));
  checkDistances(s, nl);
  // bcc shells: first shell 8 at a√3/2, second 6 at a.
  const d = Array.from(nl.distance);
  assert.equal(d.filter((x) => Math.abs(x - (a * Math.sqrt(3)) / 2) < 1e-9).length, 8);
  assert.equal(d.filter((x) => Math.abs(x - a) < 1e-9).length, 6);
  assert.equal(d.filter((x) => Math.abs(x - a * Math.SQRT2) < 1e-9).length, 12);
});

test("a strongly skewed triclinic cell (α=50°, β=110°, γ=65°) with coordinates outside [0,1) matches brute force", () => {
  const lat = Lattice.fromParameters(3.1, 4.7, 5.3, 50, 110, 65);
  const frac = [0.1, 0.2, 0.3, 1.7, -0.4, 0.55, 0.5, 0.5, -2.25, 0.93, 0.05, 0.61];
  const sp = (e: string) => ({ label: e, species: [{ element: e, occupancy: 1 }] });
  const s = new Structure(lat, frac, [sp("Li"), sp("O"), sp("Fe"), sp("O")]);
  for (const r of [1.5, 3.3, 7.9]) {
    const nl = neighbors(s, r);
    assertSameLists(nl, neighborsBruteForce(s, r));
    checkDistances(s, nl);
  }
});

test("impossible cell angles (β > α + γ) are refused with the rule that was broken", () => {
  assert.throws(() => Lattice.fromParameters(3, 4, 5, 35, 140, 60), /each must be smaller than the sum of the other two/);
});

test("the neighbour search refuses a non-positive cutoff instead of returning an empty list", () => {
  const s = new Structure(Lattice.fromParameters(3, 3, 3, 90, 90, 90), [0, 0, 0], [{ label: "Li", species: [{ element: "Li", occupancy: 1 }] }]);
  assert.throws(() => neighbors(s, 0), StructureError);
  assert.throws(() => neighbors(s, Number.NaN), /positive finite/);
});

test("coordination numbers by cutoff restricted to ligands: Co and Li in LiCoO2 are 6-fold coordinated by O", (t) => {
  const reason = missingDataReason();
  if (reason) return t.skip(reason);
  const s = readCif(canonicalCif("LiCoO2_R-3m_pymatgen-test.cif")!)[0]!;
  const cn = coordinationNumbers(s, 2.5, { ligands: ["O"] });
  for (let i = 0; i < s.numSites; i++) {
    const el = s.majorElement(i);
    if (el === "Co" || el === "Li") assert.equal(cn[i], 6, `${el} site ${i}`);
    else assert.equal(cn[i], 0, `O site ${i} has no O within 2.5 Å`);
  }
});

test("an ideal octahedron has Baur index 0 and quadratic elongation 1; a ideal tetrahedron too; a stretched one is > 1", () => {
  const l = 2;
  const oct = [l, 0, 0, -l, 0, 0, 0, l, 0, 0, -l, 0, 0, 0, l, 0, 0, -l];
  const poly = (lig: number[]) => ({ site: 0, center: [0, 0, 0] as [number, number, number], ligandSites: [], ligands: Float64Array.from(lig),
    distances: Float64Array.from(Array.from({ length: lig.length / 3 }, (_, k) => Math.hypot(lig[3 * k]!, lig[3 * k + 1]!, lig[3 * k + 2]!)).sort((a, b) => a - b)) });
  const d = distortion(poly(oct));
  assert.ok(Math.abs(d.baur) < 1e-12);
  assert.ok(Math.abs(d.quadraticElongation! - 1) < 1e-12);
  assert.ok(Math.abs(d.polyhedronVolume - (4 / 3) * l ** 3) < 1e-12);
  const t = 1 / Math.sqrt(3);
  const tet = [t, t, t, t, -t, -t, -t, t, -t, -t, -t, t].map((x) => x * 1.6);
  const dt = distortion(poly(tet));
  assert.ok(Math.abs(dt.quadraticElongation! - 1) < 1e-12);
  const stretched = oct.slice(); stretched[14] = 2.4; stretched[17] = -2.4; // Jahn–Teller-like elongation along z
  const ds = distortion(poly(stretched));
  assert.ok(ds.quadraticElongation! > 1.005 && ds.baur > 0.05, `QE ${ds.quadraticElongation}, D ${ds.baur}`);
  // Cube (coplanar facets) volume.
  const cube: number[] = [];
  for (const x of [0, 1]) for (const y of [0, 1]) for (const z of [0, 1]) cube.push(x * 2, y * 2, z * 2);
  assert.ok(Math.abs(convexHullVolume(cube) - 8) < 1e-12);
});

test("bond lengths of a missing centre element or with too small a cutoff are errors, never NaN", (t) => {
  const reason = missingDataReason();
  if (reason) return t.skip(reason);
  const s = readCif(canonicalCif("LiCoO2_R-3m_pymatgen-test.cif")!)[0]!;
  assert.throws(() => bondLengths(s, { center: "Ni", ligand: "O", cutoff: 2.5 }), /no site holds Ni/);
  assert.throws(() => bondLengths(s, { center: "Co", ligand: "O", cutoff: 1.5 }), /increase the cutoff/);
});

test("volume change is per formula unit: a 2×1×1 supercell of the charged cell gives the same ΔV", (t) => {
  const reason = missingDataReason();
  if (reason) return t.skip(reason);
  const lfp = readCif(canonicalCif("LiFePO4_olivine_Pnma.cif")!)[0]!;
  const fp = readCif(canonicalCif("FePO4_olivine_Pnma.cif")!)[0]!;
  const a = volumeChange(fp, lfp), b = volumeChange(fp.supercell(2, 1, 1), lfp);
  assert.equal(a.normalizedBy, "Fe");
  assert.ok(Math.abs(a.deltaVPercent - b.deltaVPercent) < 1e-9);
  assert.ok(a.deltaVPercent < 0 && a.deltaVPercent > -10, `ΔV ${a.deltaVPercent}`);
  assert.throws(() => volumeChange(fp, lfp, { normalizeBy: "Co" }), /missing/);
});

test("featurizers follow matminer's contract: labels as long as features, citations, featurizeMany; Voronoi CN of bcc Li is 8 (+6 weaker faces)", (t) => {
  const reason = missingDataReason();
  if (reason) return t.skip(reason);
  const li = readCif(canonicalCif("Li_bcc.cif")!)[0]!;
  const lco = readCif(canonicalCif("LiCoO2_R-3m_pymatgen-test.cif")!)[0]!;
  const f = multipleFeaturizer([densityFeatures(), bondLengthFeatures(), coordinationFeatures()]);
  const rows = f.featurizeMany([li, lco]);
  assert.equal(f.featureLabels().length, 3 + 4 + 5);
  for (const r of rows) { assert.equal(r.length, f.featureLabels().length); assert.ok(r.every(Number.isFinite)); }
  assert.ok(f.citations().some((c) => /Matminer/.test(c)) && f.citations().some((c) => /O'Keeffe/.test(c)));
  const v = voronoiCoordination(li);
  assert.equal(v.count[0], 8);
  assert.equal(voronoiCoordination(li, { tol: 0 }).count[0], 14);
  // LiCoO2 Co sites: octahedral, bond length mean equals the Co–O bond length scale.
  const lab = f.featureLabels();
  assert.deepEqual(lab.slice(0, 3), ["Density [g/cm^3]", "Volume per atom [A^3]", "Packing fraction"]);
  assert.throws(() => densityFeatures({ features: ["mass" as never] }), /unknown density feature "mass"; valid: density, vpa, packing fraction/);
});

/**
 * Reference values from pymatgen 2022.11's VoronoiNN — the same solid-angle Voronoi construction and tol 0.5 the
 * featurizers use — computed once with /usr/bin/python3 from the repository root:
 *
 *   from pymatgen.core import Structure; from pymatgen.analysis.local_env import VoronoiNN; import numpy as np
 *   s = Structure.from_file("datasets/crystal-structures/canonical/<file>")
 *   polys = VoronoiNN(tol=0, cutoff=13.0).get_all_voronoi_polyhedra(s)
 *   for i, p in enumerate(polys):                  # per site: weight = solid angle / the cell's largest
 *       mx = max(x["solid_angle"] for x in p.values())
 *       w = [(x["solid_angle"] / mx, np.linalg.norm(x["site"].coords - s[i].coords)) for x in p.values()]
 *       bonds += [d for wt, d in w if wt > 0.5]; eff.append(sum(wt for wt, _ in w)); cn.append(sum(wt > 0.5 for wt, _ in w))
 *   bond features = mean, np.std (population), min, max of `bonds` (pooled over all sites: 72 in LiCoO2, 128 in LiFePO4)
 *   coordination features = mean, np.std, min, max of `eff`, then mean of `cn`
 */
const VORONOI_FEATURE_REFS: Record<string, { bond: number[]; coordination: number[] }> = {
  "LiCoO2_R-3m_pymatgen-test.cif": {
    bond: [2.0171323096607083, 0.0835671974519022, 1.9335626079038912, 2.100702454107415],
    coordination: [6.205998237550109, 0.282042612132384, 6.043148317901436, 6.694552408566678, 6.0],
  },
  "LiFePO4_olivine_Pnma.cif": {
    bond: [2.0190966144449534, 0.27211422653536493, 1.5352638382773671, 2.295832567391229],
    coordination: [4.4998001167404835, 0.7246812398579845, 3.876416992760804, 5.9234938001729995, 4.571428571428571],
  },
};

for (const [name, ref] of Object.entries(VORONOI_FEATURE_REFS)) {
  test(`${name.split("_")[0]}: bondLengthFeatures and coordinationFeatures equal pymatgen VoronoiNN statistics (tol 0.5) to 1e-6`, (t) => {
    const reason = missingDataReason();
    if (reason) return t.skip(reason);
    const s = readCif(canonicalCif(name)!)[0]!;
    const check = (got: number[], want: number[], labels: string[]) => {
      assert.equal(got.length, want.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-6, `${labels[i]}: ${v} vs pymatgen ${want[i]}`));
    };
    check(bondLengthFeatures().featurize(s), ref.bond, bondLengthFeatures().featureLabels());
    check(coordinationFeatures().featurize(s), ref.coordination, coordinationFeatures().featureLabels());
  });
}
