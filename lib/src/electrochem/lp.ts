/**
 * A small dense linear-programming solver: minimise c·x subject to A x = b, x ≥ 0.
 *
 * Phase diagrams need exactly this problem (the lower convex hull of energies over compositions is the
 * optimum of an LP at every composition), in any number of elements, with a few hundred columns and at
 * most a dozen rows. A two-phase tableau simplex with Bland's rule is exact at the vertices (no Qhull
 * facets to triangulate, no dimension limit) and cannot cycle on the many degenerate polymorph columns.
 */

/** Result of {@link solveLp}: the optimal point and objective, or `feasible: false`. */
export interface LpSolution {
  feasible: boolean;
  /** Optimal x (length n); all zeros when infeasible. */
  x: Float64Array;
  /** c·x at the optimum (NaN only when infeasible). */
  objective: number;
  /** Simplex pivots used (both phases). */
  pivots: number;
}

const EPS = 1e-11;

/**
 * Minimise `c·x` subject to `A x = b`, `x ≥ 0`.
 * @param A - row-major m×n constraint matrix
 * @param b - right-hand side (length m)
 * @param c - costs (length n)
 * @param maxPivots - safety limit; exceeding it throws (Bland's rule guarantees termination, so this
 *   only fires on inconsistent input such as NaN)
 */
export function solveLp(A: Float64Array, m: number, n: number, b: Float64Array, c: Float64Array, maxPivots = 100000): LpSolution {
  if (A.length !== m * n || b.length !== m || c.length !== n) {
    throw new Error(`solveLp: shape mismatch (A ${A.length} vs ${m}x${n}, b ${b.length}, c ${c.length})`);
  }
  const width = n + m + 1; // structural, artificial, rhs
  const rhs = n + m;
  const T = new Float64Array((m + 1) * width); // last row: reduced costs, rhs cell holds -objective
  const basis = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const sign = b[i] < 0 ? -1 : 1;
    for (let j = 0; j < n; j++) T[i * width + j] = sign * A[i * n + j];
    T[i * width + n + i] = 1;
    T[i * width + rhs] = sign * b[i];
    basis[i] = n + i;
  }
  const obj = m * width;
  let pivots = 0;

  const pivot = (r: number, col: number): void => {
    const rowR = r * width;
    const p = T[rowR + col];
    for (let k = 0; k < width; k++) T[rowR + k] /= p;
    for (let i = 0; i <= m; i++) {
      if (i === r) continue;
      const row = i * width;
      const f = T[row + col];
      if (f === 0) continue;
      for (let k = 0; k < width; k++) T[row + k] -= f * T[rowR + k];
      T[row + col] = 0;
    }
    basis[r] = col;
    pivots++;
    if (pivots > maxPivots) throw new Error(`solveLp: more than ${maxPivots} pivots (non-finite input?)`);
  };

  // Runs simplex iterations on the current objective row, letting only columns < allowed enter.
  const iterate = (allowed: number): void => {
    for (;;) {
      let enter = -1;
      for (let j = 0; j < allowed; j++) {
        if (T[obj + j] < -EPS) {
          enter = j; // Bland: the lowest index with negative reduced cost
          break;
        }
      }
      if (enter < 0) return;
      let leave = -1;
      let best = Infinity;
      for (let i = 0; i < m; i++) {
        const a = T[i * width + enter];
        if (a > EPS) {
          const ratio = T[i * width + rhs] / a;
          if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && leave >= 0 && basis[i] < basis[leave])) {
            best = ratio;
            leave = i;
          }
        }
      }
      if (leave < 0) throw new Error("solveLp: problem is unbounded below");
      pivot(leave, enter);
    }
  };

  // Phase 1: minimise the sum of artificials. Reduced costs of structural columns: -sum of their column.
  for (let j = 0; j < width; j++) T[obj + j] = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) T[obj + j] -= T[i * width + j];
    T[obj + rhs] -= T[i * width + rhs];
  }
  iterate(n);
  const infeasibility = -T[obj + rhs];
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  if (infeasibility > 1e-9 * scale) {
    return { feasible: false, x: new Float64Array(n), objective: Number.NaN, pivots };
  }
  // Drive artificials that are still basic (at zero level) out of the basis where possible.
  for (let i = 0; i < m; i++) {
    if (basis[i] < n) continue;
    for (let j = 0; j < n; j++) {
      if (Math.abs(T[i * width + j]) > EPS) {
        pivot(i, j);
        break;
      }
    }
    // No structural entry: the row is redundant; the artificial stays basic at zero and never matters.
  }

  // Phase 2: reduced costs d_j = c_j − Σ_i c_B(i) T[i][j]; artificials may not enter.
  for (let j = 0; j < width; j++) T[obj + j] = j < n ? c[j] : 0;
  for (let i = 0; i < m; i++) {
    const cb = basis[i] < n ? c[basis[i]] : 0;
    if (cb === 0) continue;
    for (let j = 0; j < width; j++) T[obj + j] -= cb * T[i * width + j];
  }
  iterate(n);

  const x = new Float64Array(n);
  for (let i = 0; i < m; i++) if (basis[i] < n) x[basis[i]] = Math.max(0, T[i * width + rhs]);
  let objective = 0;
  for (let j = 0; j < n; j++) objective += c[j] * x[j];
  return { feasible: true, x, objective, pivots };
}
