/**
 * Dense symmetric positive-definite linear algebra on row-major Float64Arrays: Cholesky factorisation, the
 * inverse of the factor, and the inverse of the matrix from it (LAPACK's dpotrf, dtrtri and dlauum, which
 * scipy's cho_factor/cho_solve rest on). Used by the Gaussian process, whose hyperparameter gradient needs
 * every entry of K⁻¹ at every optimiser step.
 *
 * Why it is written this way: every inner loop is a dot product of two contiguous row segments, and each
 * loop computes a 4 × 2 block of them at once, so one load of a row element feeds two (or four)
 * multiply-adds and the eight running sums stay in registers. On V8 this runs at about 1.5–2
 * multiply-adds per nanosecond, against about 0.6 for one dot product at a time (measured for n = 500:
 * Cholesky 11–17 ms against 37–53 ms). Wider blocks (6 × 2, 4 × 3, 4 × 4) measured slower: their sums
 * no longer fit in the 16 SSE registers. Cache blocking over the inner dimension (right-looking panels)
 * measured slower too for n ≤ 1000, where the rows touched fit in L2/L3 anyway.
 *
 * Subnormal numbers: entries of L and L⁻ᵀ below 2⁻⁵⁰⁰ ≈ 3e-151 in magnitude are stored as 0 (see `tiny`).
 * Without that, a GP covariance with small length scales gave L and L⁻ᵀ about a thousand subnormal entries
 * (products of two small entries underflow) and every product touching them takes a slow microcode path:
 * Cholesky, L⁻ᵀ and L⁻ᵀL⁻¹ each ran 1.6–1.8× slower (n = 500: 18.8 against 12.1 ms for the Cholesky). The change to L Lᵀ is
 * below 1e-300 per entry, far under rounding for any matrix scaled above ~1e-280; kept entries are all
 * ≥ 2⁻⁵⁰⁰ or 0, so their pairwise products stay normal.
 *
 * Layout: an n × n matrix is `A[i * n + j]`. A lower-triangular factor uses the entries with j ≤ i and
 * ignores (never reads or writes) the strict upper part, and the upper-triangular inverse factor the
 * other way round, so a caller can keep other data there or rely on zeros it put there.
 * @internal
 */

/** Magnitudes below this are stored as 0 (2⁻⁵⁰⁰: the product of two kept entries is ≥ 2⁻¹⁰⁰⁰, still normal). */
const TINY = 2 ** -500;

/** v, or 0 when |v| < 2⁻⁵⁰⁰ (see the module comment on subnormals). */
function tiny(v: number): number {
  return v > -TINY && v < TINY ? 0 : v;
}

/**
 * Cholesky factorisation A = L Lᵀ in place: on return the lower triangle (with the diagonal) of `A` holds L.
 * Reads only the lower triangle of `A`. Returns false, leaving `A` partly overwritten, when a pivot is not
 * positive (A is not positive definite to working precision) or not finite.
 * @internal
 */
export function choleskyInPlace(A: Float64Array, n: number): boolean {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    let j = 0;
    // Columns j, j + 1 of rows i..i+3: L[r][j] = (A[r][j] − L[r][0:j]·L[j][0:j]) / L[j][j], then column j + 1
    // also subtracts the k = j term that was just computed.
    for (; j + 1 < i; j += 2) {
      const q0 = j * n, q1 = q0 + n;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < j; k++) {
        const b0 = A[q0 + k], b1 = A[q1 + k];
        const a0 = A[r0 + k], a1 = A[r1 + k], a2 = A[r2 + k], a3 = A[r3 + k];
        s00 += a0 * b0; s01 += a0 * b1; s10 += a1 * b0; s11 += a1 * b1;
        s20 += a2 * b0; s21 += a2 * b1; s30 += a3 * b0; s31 += a3 * b1;
      }
      const d0 = A[q0 + j], c = A[q1 + j], d1 = A[q1 + j + 1];
      let l = tiny((A[r0 + j] - s00) / d0);
      A[r0 + j] = l; A[r0 + j + 1] = tiny((A[r0 + j + 1] - s01 - l * c) / d1);
      l = tiny((A[r1 + j] - s10) / d0);
      A[r1 + j] = l; A[r1 + j + 1] = tiny((A[r1 + j + 1] - s11 - l * c) / d1);
      l = tiny((A[r2 + j] - s20) / d0);
      A[r2 + j] = l; A[r2 + j + 1] = tiny((A[r2 + j + 1] - s21 - l * c) / d1);
      l = tiny((A[r3 + j] - s30) / d0);
      A[r3 + j] = l; A[r3 + j + 1] = tiny((A[r3 + j + 1] - s31 - l * c) / d1);
    }
    // The 4 × 4 diagonal block, one dot product at a time (O(n) work per block).
    for (let r = i; r < i + 4; r++) if (!choleskyRowTail(A, n, r, j)) return false;
  }
  for (; i < n; i++) if (!choleskyRowTail(A, n, i, 0)) return false;
  return true;
}

/** Entries L[r][from..r] of row r (the earlier ones and all earlier rows done). */
function choleskyRowTail(A: Float64Array, n: number, r: number, from: number): boolean {
  const rr = r * n;
  for (let j = from; j < r; j++) {
    const rj = j * n;
    let s = A[rr + j];
    for (let k = 0; k < j; k++) s -= A[rr + k] * A[rj + k];
    A[rr + j] = tiny(s / A[rj + j]);
  }
  let d = A[rr + r];
  for (let k = 0; k < r; k++) d -= A[rr + k] * A[rr + k];
  if (!(d > 0 && d < Infinity)) return false;
  A[rr + r] = Math.sqrt(d);
  return true;
}

/**
 * The inverse of a lower Cholesky factor, transposed: writes U = L⁻ᵀ (upper triangular) into the upper
 * triangle with the diagonal of `U`. The strict lower part of `U` must be zero (the dot products run over
 * it); it is not written. n³/6 multiply-adds.
 *
 * Why transposed: with X = L⁻¹, X[i][j] = −(Σ_{j≤k<i} L[i][k] X[k][j]) / L[i][i] runs down a column of X;
 * stored as U = Xᵀ the same sum is a dot product of row i of L with row j of U, both contiguous, and the
 * next step (K⁻¹ = Xᵀ X = U Uᵀ) is again made of row dot products.
 * @internal
 */
export function invertCholeskyFactorTransposed(L: Float64Array, n: number, U: Float64Array): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    const d0 = 1 / L[r0 + i], d1 = 1 / L[r1 + i + 1], d2 = 1 / L[r2 + i + 2], d3 = 1 / L[r3 + i + 3];
    const l10 = L[r1 + i], l20 = L[r2 + i], l21 = L[r2 + i + 1], l30 = L[r3 + i], l31 = L[r3 + i + 1], l32 = L[r3 + i + 2];
    let j = 0;
    // Columns i..i+3 of rows j, j + 1 of U: the part of the sums over k < i, then a 4 × 4 forward substitution.
    for (; j + 1 < i; j += 2) {
      const q0 = j * n, q1 = q0 + n;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = j; k < i; k++) {
        const b0 = U[q0 + k], b1 = U[q1 + k];
        const a0 = L[r0 + k], a1 = L[r1 + k], a2 = L[r2 + k], a3 = L[r3 + k];
        s00 += a0 * b0; s01 += a0 * b1; s10 += a1 * b0; s11 += a1 * b1;
        s20 += a2 * b0; s21 += a2 * b1; s30 += a3 * b0; s31 += a3 * b1;
      }
      let x0 = tiny(-s00 * d0);
      let x1 = tiny(-(s10 + l10 * x0) * d1);
      let x2 = tiny(-(s20 + l20 * x0 + l21 * x1) * d2);
      let x3 = tiny(-(s30 + l30 * x0 + l31 * x1 + l32 * x2) * d3);
      U[q0 + i] = x0; U[q0 + i + 1] = x1; U[q0 + i + 2] = x2; U[q0 + i + 3] = x3;
      x0 = tiny(-s01 * d0);
      x1 = tiny(-(s11 + l10 * x0) * d1);
      x2 = tiny(-(s21 + l20 * x0 + l21 * x1) * d2);
      x3 = tiny(-(s31 + l30 * x0 + l31 * x1 + l32 * x2) * d3);
      U[q1 + i] = x0; U[q1 + i + 1] = x1; U[q1 + i + 2] = x2; U[q1 + i + 3] = x3;
    }
    for (; j < i + 4; j++) for (let c = Math.max(i, j); c < i + 4; c++) invertFactorEntry(L, n, U, j, c);
  }
  for (; i < n; i++) for (let j = 0; j <= i; j++) invertFactorEntry(L, n, U, j, i);
}

/** U[j][c] for c ≥ j (U[j][j..c) done). */
function invertFactorEntry(L: Float64Array, n: number, U: Float64Array, j: number, c: number): void {
  const rc = c * n, q = j * n;
  if (c === j) {
    U[q + c] = 1 / L[rc + c];
    return;
  }
  let s = 0;
  for (let k = j; k < c; k++) s += L[rc + k] * U[q + k];
  U[q + c] = tiny(-s / L[rc + c]);
}

/**
 * A⁻¹ = U Uᵀ from U = L⁻ᵀ (see {@link invertCholeskyFactorTransposed}): writes the lower triangle with the
 * diagonal of the symmetric inverse into `C` (which may be the array that held L, no longer needed, but
 * not `U`). The strict lower part of `U` must be zero. n³/6 multiply-adds.
 * @internal
 */
export function inverseFromTransposedFactorInverse(U: Float64Array, n: number, C: Float64Array): void {
  // C[a][b] = Σ_{k ≥ a} U[a][k] U[b][k] for b ≤ a (U[a][k] = 0 for k < a).
  let a = 0;
  for (; a + 3 < n; a += 4) {
    const r0 = a * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    let b = 0;
    for (; b + 1 < a; b += 2) {
      const q0 = b * n, q1 = q0 + n;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = a; k < n; k++) {
        const b0 = U[q0 + k], b1 = U[q1 + k];
        const a0 = U[r0 + k], a1 = U[r1 + k], a2 = U[r2 + k], a3 = U[r3 + k];
        s00 += a0 * b0; s01 += a0 * b1; s10 += a1 * b0; s11 += a1 * b1;
        s20 += a2 * b0; s21 += a2 * b1; s30 += a3 * b0; s31 += a3 * b1;
      }
      C[r0 + b] = s00; C[r0 + b + 1] = s01; C[r1 + b] = s10; C[r1 + b + 1] = s11;
      C[r2 + b] = s20; C[r2 + b + 1] = s21; C[r3 + b] = s30; C[r3 + b + 1] = s31;
    }
    for (let r = a; r < a + 4; r++) for (let c = b; c <= r; c++) C[r * n + c] = rowDotFrom(U, n, r, c, r);
  }
  for (; a < n; a++) for (let b = 0; b <= a; b++) C[a * n + b] = rowDotFrom(U, n, a, b, a);
}

/** Σ_{k ≥ from} M[r][k] M[c][k]. */
function rowDotFrom(M: Float64Array, n: number, r: number, c: number, from: number): number {
  const rr = r * n, rc = c * n;
  let s = 0;
  for (let k = from; k < n; k++) s += M[rr + k] * M[rc + k];
  return s;
}

/** Solves L z = b in place (L lower, row-major n × n). @internal */
export function forwardSubstitute(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k];
    b[i] = s / L[ri + i];
  }
}

/**
 * Solves Lᵀ z = b in place (L lower, row-major n × n). Column-oriented (once z[i] is known, it is
 * subtracted from the earlier entries along row i of L) so that L is read by rows, not by columns.
 * @internal
 */
export function backSubstituteTransposed(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const z = b[i] / L[ri + i];
    b[i] = z;
    for (let k = 0; k < i; k++) b[k] -= L[ri + k] * z;
  }
}

/**
 * Solves L Z = Bᵀ in place for m right-hand sides stored as the rows of B (right-hand side j at
 * B[j·n .. j·n + n)); entries of Z below 2⁻⁵⁰⁰ are stored as 0 (far query points give tiny kernel values). Row pairs of L against groups of four right-hand sides: one load of L feeds four
 * multiply-adds, and L's two rows stay in L1 while the right-hand sides stream from L2 (keep m·n·8 bytes
 * within L2, e.g. m = 64 for n = 500). One substitution at a time ran at ~0.4 multiply-adds per ns.
 * @internal
 */
export function forwardSubstituteRows(L: Float64Array, n: number, B: Float64Array, m: number): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = i * n, r1 = r0 + n;
    const d0 = L[r0 + i], c = L[r1 + i], d1 = L[r1 + i + 1];
    let j = 0;
    for (; j + 3 < m; j += 4) {
      const q0 = j * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < i; k++) {
        const a0 = L[r0 + k], a1 = L[r1 + k];
        const b0 = B[q0 + k], b1 = B[q1 + k], b2 = B[q2 + k], b3 = B[q3 + k];
        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
      }
      let z = tiny((B[q0 + i] - s00) / d0);
      B[q0 + i] = z; B[q0 + i + 1] = tiny((B[q0 + i + 1] - s10 - c * z) / d1);
      z = tiny((B[q1 + i] - s01) / d0);
      B[q1 + i] = z; B[q1 + i + 1] = tiny((B[q1 + i + 1] - s11 - c * z) / d1);
      z = tiny((B[q2 + i] - s02) / d0);
      B[q2 + i] = z; B[q2 + i + 1] = tiny((B[q2 + i + 1] - s12 - c * z) / d1);
      z = tiny((B[q3 + i] - s03) / d0);
      B[q3 + i] = z; B[q3 + i + 1] = tiny((B[q3 + i + 1] - s13 - c * z) / d1);
    }
    for (; j < m; j++) {
      const q = j * n;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < i; k++) {
        const b = B[q + k];
        s0 += L[r0 + k] * b;
        s1 += L[r1 + k] * b;
      }
      const z = tiny((B[q + i] - s0) / d0);
      B[q + i] = z;
      B[q + i + 1] = tiny((B[q + i + 1] - s1 - c * z) / d1);
    }
  }
  if (i < n) {
    const ri = i * n;
    for (let j = 0; j < m; j++) {
      const q = j * n;
      let s = B[q + i];
      for (let k = 0; k < i; k++) s -= L[ri + k] * B[q + k];
      B[q + i] = tiny(s / L[ri + i]);
    }
  }
}
