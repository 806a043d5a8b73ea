/**
 * Banded LU factorisation with partial pivoting (the algorithm of LAPACK's dgbtf2/dgbtrs, written for
 * Float64Array). Row i of the band stores columns i − ml … i + ml + mu (the extra ml columns hold the fill-in
 * that row interchanges create), so factorising costs O(n·ml·(ml + mu)) instead of O(n³).
 */
export class BandedMatrix {
  /** Order. */
  readonly n: number;
  /** Lower bandwidth. */
  readonly ml: number;
  /** Upper bandwidth. */
  readonly mu: number;
  /** Stored row width 2·ml + mu + 1. */
  readonly width: number;
  /** Band storage, row-major; entry (i, j) at i·width + (j − i + ml). */
  readonly data: Float64Array;
  private readonly piv: Int32Array;
  /** Reciprocals of U's diagonal (back substitution multiplies instead of dividing). */
  private readonly invDiag: Float64Array;
  private factored = false;

  constructor(n: number, ml: number, mu: number) {
    this.n = n;
    this.ml = ml;
    this.mu = mu;
    this.width = 2 * ml + mu + 1;
    this.data = new Float64Array(n * this.width);
    this.piv = new Int32Array(n);
    this.invDiag = new Float64Array(n);
  }

  /** Sets every entry to zero (and forgets a factorisation). */
  clear(): void {
    this.data.fill(0);
    this.factored = false;
  }

  /** Adds `v` to entry (i, j); |i − j| must lie within the band. */
  add(i: number, j: number, v: number): void {
    const k = j - i + this.ml;
    if (k < 0 || j - i > this.mu) throw new Error(`BandedMatrix.add: (${i}, ${j}) lies outside the band (ml=${this.ml}, mu=${this.mu})`);
    this.data[i * this.width + k] += v;
  }

  /** Entry (i, j) (0 outside the band). Before factorisation only. */
  get(i: number, j: number): number {
    const k = j - i + this.ml;
    if (k < 0 || j - i > this.mu + this.ml) return 0;
    return this.data[i * this.width + k];
  }

  /**
   * Factorises in place. Returns the index of the first zero pivot, or −1 when the matrix is nonsingular
   * (to working precision).
   */
  factor(): number {
    const { n, ml, mu, width: W, data: A, piv } = this;
    this.factored = false;
    const ku = ml + mu; // upper bandwidth of U after pivoting
    for (let k = 0; k < n; k++) {
      const rmax = Math.min(n - 1, k + ml);
      // pivot search in column k
      let p = k;
      let best = Math.abs(A[k * W + ml]);
      for (let r = k + 1; r <= rmax; r++) {
        const v = Math.abs(A[r * W + (k - r + ml)]);
        if (v > best) {
          best = v;
          p = r;
        }
      }
      piv[k] = p;
      if (best === 0 || !Number.isFinite(best)) return k;
      const cmax = Math.min(n - 1, k + ku);
      if (p !== k) {
        for (let j = k; j <= cmax; j++) {
          const a = k * W + (j - k + ml);
          const b = p * W + (j - p + ml);
          const t = A[a];
          A[a] = A[b];
          A[b] = t;
        }
      }
      const pivot = A[k * W + ml];
      for (let r = k + 1; r <= rmax; r++) {
        const ir = r * W + (k - r + ml);
        const l = A[ir] / pivot;
        A[ir] = l;
        if (l === 0) continue;
        const base = r * W - r + ml;
        const kbase = k * W - k + ml;
        for (let j = k + 1; j <= cmax; j++) A[base + j] -= l * A[kbase + j];
      }
    }
    for (let k = 0; k < n; k++) this.invDiag[k] = 1 / A[k * W + ml];
    this.factored = true;
    return -1;
  }

  /** Solves A·x = b in place (b becomes x) after {@link factor}. */
  solve(b: Float64Array): void {
    if (!this.factored) throw new Error("BandedMatrix.solve: call factor() first (and check it returned -1)");
    const { n, ml, mu, width: W, data: A, piv, invDiag } = this;
    const ku = ml + mu;
    for (let k = 0; k < n; k++) {
      const p = piv[k];
      if (p !== k) {
        const t = b[k];
        b[k] = b[p];
        b[p] = t;
      }
      const bk = b[k];
      if (bk === 0) continue;
      const rmax = Math.min(n - 1, k + ml);
      for (let r = k + 1; r <= rmax; r++) b[r] -= A[r * W + (k - r + ml)] * bk;
    }
    for (let k = n - 1; k >= 0; k--) {
      let s = b[k];
      const cmax = Math.min(n - 1, k + ku);
      const kbase = k * W - k + ml;
      for (let j = k + 1; j <= cmax; j++) s -= A[kbase + j] * b[j];
      b[k] = s * invDiag[k];
    }
  }
}
