import { StructureError } from "./errors";
import type { Structure } from "./structure";

/**
 * Periodic neighbour list in compressed-row form: the neighbours of centre i are entries
 * `indptr[i] … indptr[i+1]-1`, sorted by distance. Entry k is site `index[k]` in the periodic image
 * `image[3k..3k+2]` (integer cell offsets relative to the stored fractional coordinates: the neighbour's position is
 * frac[j] + image), at `distance[k]` Å.
 */
export interface NeighborList {
  /** The cutoff radius [Å] used. */
  cutoff: number;
  /** Row pointers, length numSites + 1. */
  indptr: Int32Array;
  /** Neighbour site indices. */
  index: Int32Array;
  /** Image offsets, 3 per entry. */
  image: Int32Array;
  /** Distances [Å]. */
  distance: Float64Array;
}

/** Options of {@link neighbors}. */
export interface NeighborOptions {
  /**
   * Numerical tolerance [Å]: a neighbour at distance ≤ cutoff + tolerance is included, and the centre itself
   * (distance ≤ tolerance in the home image) is excluded. Default 1e-8 (pymatgen's `numerical_tol`).
   */
  tolerance?: number;
}

function checkCutoff(cutoff: number): void {
  if (!Number.isFinite(cutoff) || !(cutoff > 0)) throw new StructureError(`neighbour cutoff must be a positive finite number of Å, got ${cutoff}`);
}

/** Image ranges from the perpendicular widths: a sphere of radius r spans ceil(r / w_i) cells along axis i. */
function imageRanges(s: Structure, cutoff: number): [number, number, number] {
  const w = s.lattice.perpendicularWidths;
  return [Math.ceil(cutoff / w[0]), Math.ceil(cutoff / w[1]), Math.ceil(cutoff / w[2])];
}

/**
 * All neighbours of every site within `cutoff` Å, periodic, with a cell list (linked-cell binning on a grid of
 * cubes of side ≈ cutoff), so the cost grows linearly with the number of atoms. Works for small and skewed cells
 * where the cutoff exceeds the cell widths: image ranges come from the perpendicular widths, and a site can be its
 * own neighbour in another image.
 *
 * @example
 * ```ts
 * const nl = neighbors(structure, 3.0);
 * for (let k = nl.indptr[0]; k < nl.indptr[1]; k++) console.log(nl.index[k], nl.distance[k]);
 * ```
 */
export function neighbors(s: Structure, cutoff: number, options: NeighborOptions = {}): NeighborList {
  checkCutoff(cutoff);
  const tol = options.tolerance ?? 1e-8;
  const n = s.numSites;
  const m = s.lattice.matrix;
  const w = s.lattice.perpendicularWidths;
  const [na, nb, nc] = imageRanges(s, cutoff);
  const pad = [cutoff / w[0] + 1e-9, cutoff / w[1] + 1e-9, cutoff / w[2] + 1e-9];
  // Wrapped fractional coordinates and the integer shift that wrapping applied.
  const wf = new Float64Array(3 * n);
  const shift = new Int32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) {
    const f = s.frac[i]!, fl = Math.floor(f);
    wf[i] = f - fl;
    shift[i] = fl;
  }
  const cart = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) s.lattice.fracToCart(wf[3 * i]!, wf[3 * i + 1]!, wf[3 * i + 2]!, cart, 3 * i);

  // Image points within `cutoff` of the home cell (in the perpendicular sense).
  let cap = Math.max(16, n * 8);
  let px = new Float64Array(cap), py = new Float64Array(cap), pz = new Float64Array(cap);
  let pj = new Int32Array(cap), pimg = new Int32Array(3 * cap);
  let np = 0;
  for (let a = -na; a <= na; a++) for (let b = -nb; b <= nb; b++) for (let c = -nc; c <= nc; c++) {
    for (let j = 0; j < n; j++) {
      const fa = wf[3 * j]! + a, fb = wf[3 * j + 1]! + b, fc = wf[3 * j + 2]! + c;
      if (fa < -pad[0]! || fa > 1 + pad[0]! || fb < -pad[1]! || fb > 1 + pad[1]! || fc < -pad[2]! || fc > 1 + pad[2]!) continue;
      if (np === cap) {
        cap *= 2;
        const grow = <T extends Float64Array | Int32Array>(x: T, k: number): T => { const y = new (x.constructor as new (l: number) => T)(cap * k); y.set(x); return y; };
        px = grow(px, 1); py = grow(py, 1); pz = grow(pz, 1); pj = grow(pj, 1); pimg = grow(pimg, 3);
      }
      px[np] = fa * m[0]! + fb * m[3]! + fc * m[6]!;
      py[np] = fa * m[1]! + fb * m[4]! + fc * m[7]!;
      pz[np] = fa * m[2]! + fb * m[5]! + fc * m[8]!;
      pj[np] = j; pimg[3 * np] = a; pimg[3 * np + 1] = b; pimg[3 * np + 2] = c;
      np++;
    }
  }
  // Bounding box and bins of side >= cutoff (grown if the grid would be much larger than the number of points).
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let p = 0; p < np; p++) {
    const x = px[p]!, y = py[p]!, z = pz[p]!;
    if (x < x0) x0 = x; if (x > x1) x1 = x;
    if (y < y0) y0 = y; if (y > y1) y1 = y;
    if (z < z0) z0 = z; if (z > z1) z1 = z;
  }
  let size = cutoff;
  let gx = 0, gy = 0, gz = 0;
  for (;;) {
    gx = Math.floor((x1 - x0) / size) + 1; gy = Math.floor((y1 - y0) / size) + 1; gz = Math.floor((z1 - z0) / size) + 1;
    if (gx * gy * gz <= 4 * np + 64) break;
    size *= 1.5;
  }
  const nbins = gx * gy * gz;
  const binOf = new Int32Array(np);
  const count = new Int32Array(nbins + 1);
  for (let p = 0; p < np; p++) {
    const bx = Math.min(gx - 1, Math.floor((px[p]! - x0) / size));
    const by = Math.min(gy - 1, Math.floor((py[p]! - y0) / size));
    const bz = Math.min(gz - 1, Math.floor((pz[p]! - z0) / size));
    const bin = (bx * gy + by) * gz + bz;
    binOf[p] = bin;
    count[bin + 1]!++;
  }
  for (let k = 0; k < nbins; k++) count[k + 1]! += count[k]!;
  const order = new Int32Array(np);
  const fill = count.slice(0, nbins);
  for (let p = 0; p < np; p++) order[fill[binOf[p]!]!++] = p;

  const r2 = (cutoff + tol) * (cutoff + tol), t2 = tol * tol;
  const indptr = new Int32Array(n + 1);
  const outJ: number[] = [], outImg: number[] = [], outD: number[] = [];
  const reach = Math.ceil(cutoff / size);
  const tmpIdx: number[] = [], tmpD: number[] = [];
  for (let i = 0; i < n; i++) {
    const cx = cart[3 * i]!, cy = cart[3 * i + 1]!, cz = cart[3 * i + 2]!;
    const bx = Math.min(gx - 1, Math.floor((cx - x0) / size));
    const by = Math.min(gy - 1, Math.floor((cy - y0) / size));
    const bz = Math.min(gz - 1, Math.floor((cz - z0) / size));
    tmpIdx.length = 0; tmpD.length = 0;
    for (let ax = Math.max(0, bx - reach); ax <= Math.min(gx - 1, bx + reach); ax++) {
      for (let ay = Math.max(0, by - reach); ay <= Math.min(gy - 1, by + reach); ay++) {
        for (let az = Math.max(0, bz - reach); az <= Math.min(gz - 1, bz + reach); az++) {
          const bin = (ax * gy + ay) * gz + az;
          for (let q = count[bin]!; q < count[bin + 1]!; q++) {
            const p = order[q]!;
            const dx = px[p]! - cx, dy = py[p]! - cy, dz = pz[p]! - cz;
            const d2 = dx * dx + dy * dy + dz * dz;
            if (d2 > r2) continue;
            if (d2 <= t2 && pj[p] === i) continue; // the centre itself
            tmpIdx.push(p); tmpD.push(Math.sqrt(d2));
          }
        }
      }
    }
    const ord = tmpIdx.map((_, k) => k).sort((u, v) => tmpD[u]! - tmpD[v]! || pj[tmpIdx[u]!]! - pj[tmpIdx[v]!]!);
    for (const k of ord) {
      const p = tmpIdx[k]!, j = pj[p]!;
      outJ.push(j);
      // Image relative to the stored (unwrapped) coordinates: frac[j] + image = wf[j] + img + (wrap shift of i).
      outImg.push(pimg[3 * p]! - shift[3 * j]! + shift[3 * i]!, pimg[3 * p + 1]! - shift[3 * j + 1]! + shift[3 * i + 1]!, pimg[3 * p + 2]! - shift[3 * j + 2]! + shift[3 * i + 2]!);
      outD.push(tmpD[k]!);
    }
    indptr[i + 1] = outJ.length;
  }
  return { cutoff, indptr, index: Int32Array.from(outJ), image: Int32Array.from(outImg), distance: Float64Array.from(outD) };
}

/**
 * The same neighbour list by brute force (every pair × every image in range) — the readable reference the cell-list
 * version is tested against; O(N² · images), fine up to a few thousand atoms.
 */
export function neighborsBruteForce(s: Structure, cutoff: number, options: NeighborOptions = {}): NeighborList {
  checkCutoff(cutoff);
  const tol = options.tolerance ?? 1e-8;
  const n = s.numSites, m = s.lattice.matrix, f = s.frac;
  const [na, nb, nc] = imageRanges(s, cutoff);
  const indptr = new Int32Array(n + 1);
  const outJ: number[] = [], outImg: number[] = [], outD: number[] = [];
  for (let i = 0; i < n; i++) {
    const rows: [number, number, number, number, number][] = [];
    for (let j = 0; j < n; j++) {
      // Nearest image offset first, then search ±range around it.
      const dfa = f[3 * j]! - f[3 * i]!, dfb = f[3 * j + 1]! - f[3 * i + 1]!, dfc = f[3 * j + 2]! - f[3 * i + 2]!;
      const ra = -Math.round(dfa), rb = -Math.round(dfb), rc = -Math.round(dfc);
      for (let a = ra - na; a <= ra + na; a++) for (let b = rb - nb; b <= rb + nb; b++) for (let c = rc - nc; c <= rc + nc; c++) {
        const x = dfa + a, y = dfb + b, z = dfc + c;
        const cx = x * m[0]! + y * m[3]! + z * m[6]!, cy = x * m[1]! + y * m[4]! + z * m[7]!, cz = x * m[2]! + y * m[5]! + z * m[8]!;
        const d = Math.sqrt(cx * cx + cy * cy + cz * cz);
        if (d > cutoff + tol) continue;
        if (j === i && d <= tol) continue;
        rows.push([j, a, b, c, d]);
      }
    }
    rows.sort((u, v) => u[4] - v[4] || u[0] - v[0]);
    for (const r of rows) { outJ.push(r[0]); outImg.push(r[1], r[2], r[3]); outD.push(r[4]); }
    indptr[i + 1] = outJ.length;
  }
  return { cutoff, indptr, index: Int32Array.from(outJ), image: Int32Array.from(outImg), distance: Float64Array.from(outD) };
}

/** Options of {@link coordinationNumbers}. */
export interface CutoffCnOptions extends NeighborOptions {
  /** Count only neighbours whose site holds one of these elements (any occupancy). Default: all. */
  ligands?: readonly string[];
  /** Only these centre site indices (default: all sites). */
  sites?: readonly number[];
}

/**
 * Coordination number of each site by a distance cutoff: the number of neighbouring sites (in any image) within
 * `cutoff` Å, optionally restricted to ligand elements. A partially occupied neighbour site counts as 1, as in
 * pymatgen's `get_neighbors`.
 *
 * @example
 * ```ts
 * coordinationNumbers(licoo2, 2.5, { ligands: ["O"] }); // Co and Li sites → 6
 * ```
 */
export function coordinationNumbers(s: Structure, cutoff: number, options: CutoffCnOptions = {}): Int32Array {
  const nl = neighbors(s, cutoff, options);
  const sites = options.sites ?? Array.from({ length: s.numSites }, (_, i) => i);
  const lig = options.ligands ? new Set(options.ligands) : undefined;
  const out = new Int32Array(sites.length);
  sites.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= s.numSites) throw new StructureError(`site index ${i} out of range 0..${s.numSites - 1}`);
    let c = 0;
    for (let e = nl.indptr[i]!; e < nl.indptr[i + 1]!; e++) {
      if (!lig || s.sites[nl.index[e]!]!.species.some((sp) => lig.has(sp.element))) c++;
    }
    out[k] = c;
  });
  return out;
}
