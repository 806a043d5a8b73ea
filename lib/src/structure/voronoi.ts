import { StructureError } from "./errors";
import { neighbors } from "./neighbors";
import type { Structure } from "./structure";

type V3 = [number, number, number];

interface Face {
  verts: V3[];
  /** Index into the candidate list of the neighbour that generated this face, −1 for the initial box. */
  tag: number;
}

/** One face of a Voronoi cell: the neighbour across it and the face's geometry. */
export interface VoronoiFace {
  /** Neighbour site index. */
  site: number;
  /** Image offset of the neighbour (frac[site] + image). */
  image: [number, number, number];
  /** Centre–neighbour distance [Å]. */
  distance: number;
  /** Face area [Å^2]. */
  area: number;
  /** Solid angle subtended by the face at the centre [sr]. */
  solidAngle: number;
  /** solidAngle / (largest solid angle of the cell) — the weight of O'Keeffe's effective coordination number. */
  weight: number;
}

/** The Voronoi cell of one site. */
export interface VoronoiCell {
  /** Faces sorted by decreasing weight. */
  faces: VoronoiFace[];
  /** Cell volume [Å^3]. */
  volume: number;
}

const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: V3) => Math.hypot(a[0], a[1], a[2]);

/** Clips the convex polyhedron (faces) by the half-space x·n ≤ h; the cut face is tagged `tag`. */
function clip(faces: Face[], n: V3, h: number, tag: number, eps: number): Face[] {
  const out: Face[] = [];
  const cut: V3[] = [];
  for (const f of faces) {
    const sd = f.verts.map((v) => dot(v, n) - h);
    if (sd.every((x) => x <= eps)) { out.push(f); continue; }
    if (sd.every((x) => x >= -eps)) { for (let k = 0; k < sd.length; k++) if (Math.abs(sd[k]!) <= eps) cut.push(f.verts[k]!); continue; }
    const poly: V3[] = [];
    const L = f.verts.length;
    for (let k = 0; k < L; k++) {
      const P = f.verts[k]!, Q = f.verts[(k + 1) % L]!;
      const sp = sd[k]!, sq = sd[(k + 1) % L]!;
      if (sp <= eps) poly.push(P);
      if (Math.abs(sp) <= eps) cut.push(P);
      if ((sp < -eps && sq > eps) || (sp > eps && sq < -eps)) {
        const t = sp / (sp - sq);
        const I: V3 = [P[0] + (Q[0] - P[0]) * t, P[1] + (Q[1] - P[1]) * t, P[2] + (Q[2] - P[2]) * t];
        poly.push(I);
        cut.push(I);
      }
    }
    const clean = dedupe(poly, eps);
    if (clean.length >= 3) out.push({ verts: clean, tag: f.tag });
  }
  const pts = dedupeSet(cut, eps);
  if (pts.length >= 3) {
    // Order the new face's vertices by angle around their centroid, counter-clockwise seen from outside (+n).
    const c: V3 = [0, 0, 0];
    for (const p of pts) { c[0] += p[0] / pts.length; c[1] += p[1] / pts.length; c[2] += p[2] / pts.length; }
    const helper: V3 = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    const u = cross(n, helper); const un = norm(u); u[0] /= un; u[1] /= un; u[2] /= un;
    const v = cross(n, u);
    pts.sort((p, q) => Math.atan2(dot(sub(p, c), v), dot(sub(p, c), u)) - Math.atan2(dot(sub(q, c), v), dot(sub(q, c), u)));
    out.push({ verts: pts, tag });
  }
  return out;
}

function dedupe(poly: V3[], eps: number): V3[] {
  const out: V3[] = [];
  for (const p of poly) {
    const last = out[out.length - 1];
    if (last && norm(sub(p, last)) <= eps) continue;
    out.push(p);
  }
  while (out.length > 1 && norm(sub(out[0]!, out[out.length - 1]!)) <= eps) out.pop();
  return out;
}

function dedupeSet(pts: V3[], eps: number): V3[] {
  const out: V3[] = [];
  for (const p of pts) if (!out.some((q) => norm(sub(p, q)) <= eps)) out.push(p);
  return out;
}

/** Solid angle of a planar convex polygon seen from the origin (fan of Van Oosterom–Strackee triangles). */
function polygonSolidAngle(vs: V3[]): number {
  let om = 0;
  const a = vs[0]!, la = norm(a);
  for (let k = 1; k + 1 < vs.length; k++) {
    const b = vs[k]!, c = vs[k + 1]!;
    const lb = norm(b), lc = norm(c);
    const num = Math.abs(dot(a, cross(b, c)));
    const den = la * lb * lc + dot(a, b) * lc + dot(a, c) * lb + dot(b, c) * la;
    let t = Math.atan2(num, den);
    if (t < 0) t += Math.PI;
    om += 2 * t;
  }
  return om;
}

function polygonArea(vs: V3[]): number {
  const s: V3 = [0, 0, 0];
  for (let k = 1; k + 1 < vs.length; k++) {
    const c = cross(sub(vs[k]!, vs[0]!), sub(vs[k + 1]!, vs[0]!));
    s[0] += c[0]; s[1] += c[1]; s[2] += c[2];
  }
  return norm(s) / 2;
}

/** Options of {@link voronoiCells}. */
export interface VoronoiOptions {
  /** Only these site indices (default all). */
  sites?: readonly number[];
  /** Faces with area below this [Å^2] are dropped as degenerate (default 1e-8). */
  minArea?: number;
}

/**
 * Voronoi cells of sites in a periodic structure, computed per site by clipping a box with the bisector planes of
 * neighbours in order of distance until no farther neighbour can cut (2·max vertex distance < next distance) —
 * the same cells qhull gives pymatgen's `VoronoiNN`, with per-face solid angles.
 */
export function voronoiCells(s: Structure, options: VoronoiOptions = {}): VoronoiCell[] {
  const sites = options.sites ?? Array.from({ length: s.numSites }, (_, i) => i);
  const minArea = options.minArea ?? 1e-8;
  for (const i of sites) if (!Number.isInteger(i) || i < 0 || i >= s.numSites) throw new StructureError(`site index ${i} out of range 0..${s.numSites - 1}`);
  // Initial cutoff: twice the radius of a sphere with the volume per site, generous enough for most cells.
  let cutoff = 2.5 * Math.cbrt((3 * s.volume) / (4 * Math.PI * s.numSites));
  const out: VoronoiCell[] = new Array(sites.length);
  let todo = sites.map((i, k) => [i, k] as const);
  for (let attempt = 0; attempt < 8 && todo.length > 0; attempt++) {
    const nl = neighbors(s, cutoff);
    const retry: (readonly [number, number])[] = [];
    for (const [i, k] of todo) {
      const cell = cellOf(s, nl, i, cutoff, minArea);
      if (cell) out[k] = cell; else retry.push([i, k]);
    }
    todo = retry;
    cutoff *= 1.6;
  }
  if (todo.length > 0) throw new StructureError(`Voronoi cell of site ${todo[0]![0]} did not close within ${cutoff.toFixed(1)} Å`);
  return out;
}

function cellOf(s: Structure, nl: ReturnType<typeof neighbors>, i: number, cutoff: number, minArea: number): VoronoiCell | null {
  const m = s.lattice.matrix, f = s.frac;
  const eps = 1e-9 * Math.max(1, cutoff);
  const H = cutoff; // box half-size
  const box: Face[] = [];
  const c = (x: number, y: number, z: number): V3 => [x * H, y * H, z * H];
  box.push({ tag: -1, verts: [c(1, -1, -1), c(1, 1, -1), c(1, 1, 1), c(1, -1, 1)] });
  box.push({ tag: -1, verts: [c(-1, -1, -1), c(-1, -1, 1), c(-1, 1, 1), c(-1, 1, -1)] });
  box.push({ tag: -1, verts: [c(-1, 1, -1), c(-1, 1, 1), c(1, 1, 1), c(1, 1, -1)] });
  box.push({ tag: -1, verts: [c(-1, -1, -1), c(1, -1, -1), c(1, -1, 1), c(-1, -1, 1)] });
  box.push({ tag: -1, verts: [c(-1, -1, 1), c(1, -1, 1), c(1, 1, 1), c(-1, 1, 1)] });
  box.push({ tag: -1, verts: [c(-1, -1, -1), c(-1, 1, -1), c(1, 1, -1), c(1, -1, -1)] });
  let faces = box;
  let rmax = Math.sqrt(3) * H;
  const vecs: V3[] = [];
  for (let e = nl.indptr[i]!; e < nl.indptr[i + 1]!; e++) {
    const d = nl.distance[e]!;
    if (d / 2 > rmax + eps) break; // sorted by distance: no farther neighbour can cut
    const j = nl.index[e]!;
    const x = f[3 * j]! + nl.image[3 * e]! - f[3 * i]!, y = f[3 * j + 1]! + nl.image[3 * e + 1]! - f[3 * i + 1]!, z = f[3 * j + 2]! + nl.image[3 * e + 2]! - f[3 * i + 2]!;
    const v: V3 = [x * m[0]! + y * m[3]! + z * m[6]!, x * m[1]! + y * m[4]! + z * m[7]!, x * m[2]! + y * m[5]! + z * m[8]!];
    vecs.push(v);
    faces = clip(faces, [v[0] / d, v[1] / d, v[2] / d], d / 2, e, eps);
    rmax = 0;
    for (const fc of faces) for (const p of fc.verts) { const r = norm(p); if (r > rmax) rmax = r; }
  }
  // Closed only if no box face is left and no neighbour beyond the cutoff could still cut.
  if (faces.some((fc) => fc.tag === -1) || 2 * rmax >= cutoff) return null;
  const res: VoronoiFace[] = [];
  let volume = 0;
  for (const fc of faces) {
    const area = polygonArea(fc.verts);
    const e = fc.tag;
    volume += (area * nl.distance[e]!) / 6; // pyramid: area × (d/2) / 3
    if (area < minArea) continue;
    res.push({
      site: nl.index[e]!,
      image: [nl.image[3 * e]!, nl.image[3 * e + 1]!, nl.image[3 * e + 2]!],
      distance: nl.distance[e]!,
      area,
      solidAngle: polygonSolidAngle(fc.verts),
      weight: 0,
    });
  }
  const maxSa = Math.max(...res.map((r) => r.solidAngle));
  for (const r of res) r.weight = r.solidAngle / maxSa;
  res.sort((a, b) => b.weight - a.weight || a.distance - b.distance);
  return { faces: res, volume };
}

/** Options of {@link voronoiCoordination}. */
export interface VoronoiCnOptions extends VoronoiOptions {
  /**
   * Faces with weight (solid angle / largest solid angle) above `tol` count as neighbours for the integer CN
   * (default 0.5; pymatgen's `VoronoiNN(tol=…)`).
   */
  tol?: number;
}

/** Parameter-free coordination from Voronoi solid angles, per site. */
export interface VoronoiCoordination {
  /**
   * O'Keeffe's effective coordination number: Σ solid angle / max solid angle over all faces
   * (M. O'Keeffe, Acta Cryst. A35, 772 (1979); pymatgen `VoronoiNN.get_cn(use_weights=True)`).
   */
  effective: Float64Array;
  /** Number of faces with weight > tol (pymatgen `VoronoiNN(tol).get_cn`). */
  count: Int32Array;
}

/**
 * Coordination numbers without a distance cutoff, from the Voronoi cell of each site: the **solid-angle weighted
 * Voronoi method** (pymatgen's `VoronoiNN` with `weight="solid_angle"`), giving O'Keeffe's effective CN and an
 * integer CN counting faces whose solid angle exceeds `tol` × the largest.
 *
 * @example
 * ```ts
 * const { effective, count } = voronoiCoordination(licoo2);
 * ```
 */
export function voronoiCoordination(s: Structure, options: VoronoiCnOptions = {}): VoronoiCoordination {
  const tol = options.tol ?? 0.5;
  const cells = voronoiCells(s, options);
  const effective = new Float64Array(cells.length);
  const count = new Int32Array(cells.length);
  cells.forEach((c, k) => {
    let sum = 0, n = 0;
    for (const fc of c.faces) { sum += fc.weight; if (fc.weight > tol) n++; }
    effective[k] = sum;
    count[k] = n;
  });
  return { effective, count };
}

/** Citations of the Voronoi coordination method. */
export const VORONOI_CITATIONS: readonly string[] = [
  "M. O'Keeffe, A proposed rigorous definition of coordination number, Acta Cryst. A35, 772-775 (1979), doi:10.1107/S0567739479001765",
  "S. P. Ong et al., Python Materials Genomics (pymatgen), Comput. Mater. Sci. 68, 314-319 (2013), doi:10.1016/j.commatsci.2012.10.028",
];
