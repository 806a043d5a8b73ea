import { StructureError } from "./errors";
import { neighbors } from "./neighbors";
import type { Structure } from "./structure";

/** Options of {@link bondLengths}. */
export interface BondLengthOptions {
  /** Centre element (e.g. "Co"); sites holding it (any occupancy) are centres. */
  center: string;
  /** Ligand element (e.g. "O"). */
  ligand: string;
  /** Largest centre–ligand distance counted as a bond [Å] (e.g. 2.5 for Co–O). */
  cutoff: number;
}

/** One coordination polyhedron: centre site and its ligands within the cutoff. */
export interface Polyhedron {
  /** Centre site index. */
  site: number;
  /** Cartesian centre [Å]. */
  center: [number, number, number];
  /** Ligand site indices. */
  ligandSites: number[];
  /** Cartesian ligand positions [Å] (the right periodic images), 3 per ligand. */
  ligands: Float64Array;
  /** Centre–ligand distances [Å], ascending. */
  distances: Float64Array;
}

/** Bond lengths M–X: per centre site and overall. */
export interface BondLengthResult {
  /** One polyhedron per centre site, in site order. */
  polyhedra: Polyhedron[];
  /** Mean over all bonds of all centres [Å] (NaN never: throws when there are no bonds). */
  mean: number;
  /** Mean bond length per centre site [Å]. */
  meanPerSite: Float64Array;
}

/**
 * M–X bond lengths: for each site holding `center`, the distances to `ligand` sites within `cutoff`.
 * Throws when the structure has no such centre or no bond within the cutoff (rather than returning NaN).
 *
 * @example
 * ```ts
 * const { mean } = bondLengths(licoo2, { center: "Co", ligand: "O", cutoff: 2.5 }); // ≈ 1.93 Å
 * ```
 */
export function bondLengths(s: Structure, options: BondLengthOptions): BondLengthResult {
  const { center, ligand, cutoff } = options;
  const nl = neighbors(s, cutoff);
  const polys: Polyhedron[] = [];
  const m = s.lattice.matrix, f = s.frac;
  for (let i = 0; i < s.numSites; i++) {
    if (!s.sites[i]!.species.some((sp) => sp.element === center)) continue;
    const lig: number[] = [], pos: number[] = [], dist: number[] = [];
    for (let e = nl.indptr[i]!; e < nl.indptr[i + 1]!; e++) {
      const j = nl.index[e]!;
      if (!s.sites[j]!.species.some((sp) => sp.element === ligand)) continue;
      const x = f[3 * j]! + nl.image[3 * e]!, y = f[3 * j + 1]! + nl.image[3 * e + 1]!, z = f[3 * j + 2]! + nl.image[3 * e + 2]!;
      lig.push(j);
      pos.push(x * m[0]! + y * m[3]! + z * m[6]!, x * m[1]! + y * m[4]! + z * m[7]!, x * m[2]! + y * m[5]! + z * m[8]!);
      dist.push(nl.distance[e]!);
    }
    polys.push({
      site: i,
      center: [s.cart[3 * i]!, s.cart[3 * i + 1]!, s.cart[3 * i + 2]!],
      ligandSites: lig,
      ligands: Float64Array.from(pos),
      distances: Float64Array.from(dist),
    });
  }
  if (polys.length === 0) throw new StructureError(`no site holds ${center} (elements present: ${[...s.composition().keys()].join(", ")})`);
  let sum = 0, n = 0;
  const meanPerSite = new Float64Array(polys.length);
  polys.forEach((p, k) => {
    let t = 0;
    for (const d of p.distances) { t += d; sum += d; n++; }
    meanPerSite[k] = p.distances.length ? t / p.distances.length : Number.NaN;
  });
  if (n === 0) throw new StructureError(`no ${center}–${ligand} distance ≤ ${cutoff} Å; increase the cutoff`);
  const empty = polys.filter((p) => p.distances.length === 0).map((p) => p.site);
  if (empty.length) throw new StructureError(`${center} site(s) ${empty.join(", ")} have no ${ligand} within ${cutoff} Å; increase the cutoff`);
  return { polyhedra: polys, mean: sum / n, meanPerSite };
}

/** Volume [Å^3] of the convex hull of points (3 per point); brute-force facet search, fine for ≤ ~20 points. */
export function convexHullVolume(points: ArrayLike<number>): number {
  const n = points.length / 3;
  if (n < 4 || !Number.isInteger(n)) throw new StructureError(`a convex hull volume needs at least 4 points (3 numbers each), got ${points.length} numbers`);
  const P = (i: number): [number, number, number] => [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!];
  const cen: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) { const p = P(i); cen[0] += p[0] / n; cen[1] += p[1] / n; cen[2] += p[2] / n; }
  let scale = 0;
  for (let i = 0; i < n; i++) { const p = P(i); scale = Math.max(scale, Math.hypot(p[0] - cen[0], p[1] - cen[1], p[2] - cen[2])); }
  const eps = 1e-9 * Math.max(scale, 1) ** 2;
  const seen = new Set<string>();
  let vol = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) for (let c = b + 1; c < n; c++) {
    const pa = P(a), pb = P(b), pc = P(c);
    const u = [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]], v = [pc[0] - pa[0], pc[1] - pa[1], pc[2] - pa[2]];
    let nx = u[1]! * v[2]! - u[2]! * v[1]!, ny = u[2]! * v[0]! - u[0]! * v[2]!, nz = u[0]! * v[1]! - u[1]! * v[0]!;
    const nn = Math.hypot(nx, ny, nz);
    if (nn < eps) continue;
    nx /= nn; ny /= nn; nz /= nn;
    let pos = 0, neg = 0;
    const on: number[] = [];
    for (let k = 0; k < n; k++) {
      const p = P(k);
      const sd = (p[0] - pa[0]) * nx + (p[1] - pa[1]) * ny + (p[2] - pa[2]) * nz;
      if (sd > 1e-7 * scale) pos++; else if (sd < -1e-7 * scale) neg++; else on.push(k);
    }
    if (pos > 0 && neg > 0) continue;
    const keyStr = on.join(",");
    if (seen.has(keyStr)) continue; // coplanar facet already counted
    seen.add(keyStr);
    // Facet polygon: its points ordered by angle; volume of the pyramid from the centroid.
    const pts = on.map(P);
    const fc = [0, 0, 0];
    for (const p of pts) { fc[0]! += p[0] / pts.length; fc[1]! += p[1] / pts.length; fc[2]! += p[2] / pts.length; }
    const e1 = [pts[0]![0] - fc[0]!, pts[0]![1] - fc[1]!, pts[0]![2] - fc[2]!];
    const e1n = Math.hypot(e1[0]!, e1[1]!, e1[2]!);
    const e2 = [ny * e1[2]! - nz * e1[1]!, nz * e1[0]! - nx * e1[2]!, nx * e1[1]! - ny * e1[0]!];
    const ang = (p: number[]) => Math.atan2(
      (p[0]! - fc[0]!) * e2[0]! + (p[1]! - fc[1]!) * e2[1]! + (p[2]! - fc[2]!) * e2[2]!,
      ((p[0]! - fc[0]!) * e1[0]! + (p[1]! - fc[1]!) * e1[1]! + (p[2]! - fc[2]!) * e1[2]!) / e1n);
    pts.sort((p, q) => ang(p) - ang(q));
    let area2 = 0; // twice the polygon area via the fan around fc
    for (let k = 0; k < pts.length; k++) {
      const p = pts[k]!, q = pts[(k + 1) % pts.length]!;
      const cx = (p[1] - fc[1]!) * (q[2] - fc[2]!) - (p[2] - fc[2]!) * (q[1] - fc[1]!);
      const cy = (p[2] - fc[2]!) * (q[0] - fc[0]!) - (p[0] - fc[0]!) * (q[2] - fc[2]!);
      const cz = (p[0] - fc[0]!) * (q[1] - fc[1]!) - (p[1] - fc[1]!) * (q[0] - fc[0]!);
      area2 += Math.abs(cx * nx + cy * ny + cz * nz);
    }
    const height = Math.abs((fc[0]! - cen[0]) * nx + (fc[1]! - cen[1]) * ny + (fc[2]! - cen[2]) * nz);
    vol += (area2 / 2) * height / 3;
  }
  return vol;
}

/** Distortion indices of one coordination polyhedron. */
export interface Distortion {
  /** Number of ligands. */
  n: number;
  /** Mean centre–ligand distance [Å]. */
  meanBondLength: number;
  /** Baur's distortion index D = (1/n) Σ |l_i − l_av| / l_av (W. H. Baur, Acta Cryst. B30, 1195 (1974)). */
  baur: number;
  /**
   * Robinson's quadratic elongation ⟨λ⟩ = (1/n) Σ (l_i / l_0)², l_0 the centre-to-vertex distance of the regular
   * polyhedron (octahedron or tetrahedron) with the same volume (K. Robinson, G. V. Gibbs, P. H. Ribbe,
   * Science 172, 567 (1971)); 1 for a regular polyhedron. Undefined for other coordination numbers.
   */
  quadraticElongation: number | undefined;
  /** Volume of the ligand polyhedron (convex hull) [Å^3]. */
  polyhedronVolume: number;
}

/**
 * Distortion indices of a polyhedron from {@link bondLengths}: Baur's distortion index, Robinson's quadratic
 * elongation (octahedra n = 6: V = (4/3) l0³; tetrahedra n = 4: V = 8 l0³ / (9√3)) and the polyhedron volume.
 *
 * @example
 * ```ts
 * const { polyhedra } = bondLengths(lifepo4, { center: "Fe", ligand: "O", cutoff: 2.6 });
 * distortion(polyhedra[0]).quadraticElongation; // > 1: the FeO6 octahedron is distorted
 * ```
 */
export function distortion(p: Polyhedron): Distortion {
  const n = p.distances.length;
  if (n < 4) throw new StructureError(`polyhedron of site ${p.site} has ${n} ligands; at least 4 are needed for a volume and distortion indices`);
  let mean = 0;
  for (const d of p.distances) mean += d / n;
  let baur = 0;
  for (const d of p.distances) baur += Math.abs(d - mean) / mean / n;
  const vol = convexHullVolume(p.ligands);
  let qe: number | undefined;
  if (n === 6 || n === 4) {
    const l0 = n === 6 ? Math.cbrt((3 * vol) / 4) : Math.cbrt((9 * Math.sqrt(3) * vol) / 8);
    qe = 0;
    for (const d of p.distances) qe += (d / l0) ** 2 / n;
  }
  return { n, meanBondLength: mean, baur, quadraticElongation: qe, polyhedronVolume: vol };
}

/** Citations of the distortion indices. */
export const DISTORTION_CITATIONS: readonly string[] = [
  "W. H. Baur, The geometry of polyhedral distortions. Predictive relationships for the phosphate group, Acta Cryst. B30, 1195-1215 (1974), doi:10.1107/S0567740874004560",
  "K. Robinson, G. V. Gibbs, P. H. Ribbe, Quadratic elongation: a quantitative measure of distortion in coordination polyhedra, Science 172, 567-570 (1971), doi:10.1126/science.172.3983.567",
];

/** Options of {@link volumeChange}. */
export interface VolumeChangeOptions {
  /**
   * Element whose count defines the formula unit in both cells (e.g. "Co" for LiCoO2/CoO2). Default: the first
   * element of the discharged structure's composition, other than `workingIon`, that both structures contain.
   */
  normalizeBy?: string;
  /** The shuttled ion, never used for normalisation by default (default "Li"). */
  workingIon?: string;
}

/** Result of {@link volumeChange}. */
export interface VolumeChangeResult {
  /** Volume per formula unit of the charged (delithiated) structure [Å^3]. */
  vChargedPerFu: number;
  /** Volume per formula unit of the discharged (lithiated) structure [Å^3]. */
  vDischargedPerFu: number;
  /** ΔV = (V_charged − V_discharged) / V_discharged × 100 [%] (per formula unit). */
  deltaVPercent: number;
  /** Element used to count formula units. */
  normalizedBy: string;
}

/**
 * The chapter's volume change on charging, ΔV = (V_charged − V_discharged)/V_discharged × 100 %, per formula unit
 * (volumes divided by the number of `normalizeBy` atoms), so cells with different Z compare correctly.
 *
 * @example
 * ```ts
 * volumeChange(coo2, licoo2).deltaVPercent; // negative: the cell shrinks on delithiation
 * ```
 */
export function volumeChange(charged: Structure, discharged: Structure, options: VolumeChangeOptions = {}): VolumeChangeResult {
  const ion = options.workingIon ?? "Li";
  const cc = charged.composition(), cd = discharged.composition();
  let el = options.normalizeBy;
  if (el === undefined) {
    el = [...cd.keys()].find((e) => e !== ion && cc.has(e));
    if (el === undefined) throw new StructureError(`the charged and discharged structures share no element other than ${ion}; pass normalizeBy`);
  }
  const nc = cc.get(el), nd = cd.get(el);
  if (!nc || !nd) throw new StructureError(`normalizeBy element ${el} is missing from the ${!nc ? "charged" : "discharged"} structure`);
  const vc = charged.volume / nc, vd = discharged.volume / nd;
  return { vChargedPerFu: vc, vDischargedPerFu: vd, deltaVPercent: ((vc - vd) / vd) * 100, normalizedBy: el };
}
