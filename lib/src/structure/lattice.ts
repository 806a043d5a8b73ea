import { StructureError } from "./errors";

const DEG = Math.PI / 180;

/**
 * A periodic lattice: three row vectors in Å stored row-major in `matrix` (row i = lattice vector i), as pymatgen.
 *
 * @example
 * ```ts
 * const lat = Lattice.fromParameters(2.83, 2.83, 14.09, 90, 90, 120);
 * lat.volume; // Å^3
 * ```
 */
export class Lattice {
  /** Row-major 3×3 matrix, rows are the lattice vectors a, b, c [Å]. */
  readonly matrix: Float64Array;
  /** Inverse of `matrix` (row-major), so frac = cart · inverse. */
  readonly inverse: Float64Array;
  /** |a|, |b|, |c| [Å]. */
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** α (b∠c), β (a∠c), γ (a∠b) [degrees]. */
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  /** Cell volume [Å^3] (positive). */
  readonly volume: number;
  /**
   * Perpendicular widths [Å]: distance between opposite cell faces (V/|b×c|, V/|c×a|, V/|a×b|). A sphere of radius
   * r around a point of the cell reaches ceil(r / width_i) cells away along axis i — the neighbour search uses this.
   */
  readonly perpendicularWidths: readonly [number, number, number];

  /** Builds a lattice from a row-major 3×3 matrix (rows = lattice vectors, Å). Throws on a singular matrix. */
  constructor(matrix: ArrayLike<number>) {
    if (matrix.length !== 9) throw new StructureError(`a lattice matrix needs 9 numbers (3 row vectors), got ${matrix.length}`);
    const m = Float64Array.from(matrix);
    for (let i = 0; i < 9; i++) if (!Number.isFinite(m[i]!)) throw new StructureError(`lattice matrix entry ${i} is not finite: ${m[i]}`);
    this.matrix = m;
    const [a0, a1, a2, b0, b1, b2, c0, c1, c2] = m as unknown as number[] as [number, number, number, number, number, number, number, number, number];
    const det = a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0);
    if (!(Math.abs(det) > 1e-12)) throw new StructureError(`lattice vectors are (nearly) coplanar: volume ${det} Å^3`);
    this.volume = Math.abs(det);
    const inv = new Float64Array(9);
    inv[0] = (b1 * c2 - b2 * c1) / det; inv[1] = (a2 * c1 - a1 * c2) / det; inv[2] = (a1 * b2 - a2 * b1) / det;
    inv[3] = (b2 * c0 - b0 * c2) / det; inv[4] = (a0 * c2 - a2 * c0) / det; inv[5] = (a2 * b0 - a0 * b2) / det;
    inv[6] = (b0 * c1 - b1 * c0) / det; inv[7] = (a1 * c0 - a0 * c1) / det; inv[8] = (a0 * b1 - a1 * b0) / det;
    this.inverse = inv;
    const la = Math.hypot(a0, a1, a2), lb = Math.hypot(b0, b1, b2), lc = Math.hypot(c0, c1, c2);
    this.a = la; this.b = lb; this.c = lc;
    const ang = (x: number, y: number) => Math.acos(Math.max(-1, Math.min(1, x / y))) / DEG;
    this.alpha = ang(b0 * c0 + b1 * c1 + b2 * c2, lb * lc);
    this.beta = ang(a0 * c0 + a1 * c1 + a2 * c2, la * lc);
    this.gamma = ang(a0 * b0 + a1 * b1 + a2 * b2, la * lb);
    const cross = (x0: number, x1: number, x2: number, y0: number, y1: number, y2: number) =>
      Math.hypot(x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0);
    this.perpendicularWidths = [
      this.volume / cross(b0, b1, b2, c0, c1, c2),
      this.volume / cross(c0, c1, c2, a0, a1, a2),
      this.volume / cross(a0, a1, a2, b0, b1, b2),
    ];
  }

  /**
   * Lattice from parameters (Å, degrees) with pymatgen's `Lattice.from_parameters` convention (vesta=False):
   * a = (a sinβ, 0, a cosβ), b = (−b sinα cosγ*, b sinα sinγ*, b cosα), c = (0, 0, c),
   * where cosγ* = (cosα cosβ − cosγ)/(sinα sinβ). So matrices agree with pymatgen's element by element.
   */
  static fromParameters(a: number, b: number, c: number, alpha: number, beta: number, gamma: number): Lattice {
    const params = { a, b, c, alpha, beta, gamma } as Record<string, number>;
    for (const [k, v] of Object.entries(params)) {
      if (!Number.isFinite(v) || v <= 0) throw new StructureError(`lattice parameter ${k} must be a positive finite number, got ${v}`);
      if ((k === "alpha" || k === "beta" || k === "gamma") && v >= 180) throw new StructureError(`angle ${k} must be < 180°, got ${v}`);
    }
    if (alpha + beta + gamma >= 360 || alpha >= beta + gamma || beta >= alpha + gamma || gamma >= alpha + beta) {
      throw new StructureError(
        `angles α=${alpha}°, β=${beta}°, γ=${gamma}° do not form a cell: each must be smaller than the sum of the other two and their sum below 360°`);
    }
    const ca = Math.cos(alpha * DEG), cb = Math.cos(beta * DEG), cg = Math.cos(gamma * DEG);
    const sa = Math.sin(alpha * DEG), sb = Math.sin(beta * DEG);
    const val = Math.max(-1, Math.min(1, (ca * cb - cg) / (sa * sb)));
    const gStar = Math.acos(val);
    return new Lattice([a * sb, 0, a * cb, -b * sa * Math.cos(gStar), b * sa * Math.sin(gStar), b * ca, 0, 0, c]);
  }

  /** Cartesian [Å] of fractional (x, y, z), written into `out` (length 3) at `offset`. */
  fracToCart(x: number, y: number, z: number, out: Float64Array | number[] = new Float64Array(3), offset = 0): Float64Array | number[] {
    const m = this.matrix;
    out[offset] = x * m[0]! + y * m[3]! + z * m[6]!;
    out[offset + 1] = x * m[1]! + y * m[4]! + z * m[7]!;
    out[offset + 2] = x * m[2]! + y * m[5]! + z * m[8]!;
    return out;
  }

  /** Fractional coordinates of a Cartesian point [Å]. */
  cartToFrac(x: number, y: number, z: number, out: Float64Array | number[] = new Float64Array(3), offset = 0): Float64Array | number[] {
    const m = this.inverse;
    out[offset] = x * m[0]! + y * m[3]! + z * m[6]!;
    out[offset + 1] = x * m[1]! + y * m[4]! + z * m[7]!;
    out[offset + 2] = x * m[2]! + y * m[5]! + z * m[8]!;
    return out;
  }

  /** Parameters as a plain object {a, b, c [Å], alpha, beta, gamma [°], volume [Å^3]}. */
  parameters(): { a: number; b: number; c: number; alpha: number; beta: number; gamma: number; volume: number } {
    return { a: this.a, b: this.b, c: this.c, alpha: this.alpha, beta: this.beta, gamma: this.gamma, volume: this.volume };
  }
}
