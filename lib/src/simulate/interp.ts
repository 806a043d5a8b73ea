/**
 * Monotone piecewise-cubic Hermite interpolation (PCHIP, Fritsch & Carlson 1980, with the
 * Fritsch–Butland harmonic-mean slopes and the one-sided three-point end slopes that
 * scipy.interpolate.PchipInterpolator uses). Monotone data give a monotone interpolant, so an
 * open-circuit-potential table never acquires spurious wiggles.
 */

/** A callable 1-D interpolant with its knots. */
export interface Interpolant1D {
  /** Value at `x` (outside the knots: linear extrapolation with the end slope). */
  (x: number): number;
  /** Knot abscissae (strictly increasing). */
  readonly x: Float64Array;
  /** Knot values. */
  readonly y: Float64Array;
  /** Derivative dy/dx at every knot. */
  readonly slopes: Float64Array;
}

function endSlope(h0: number, h1: number, d0: number, d1: number): number {
  // scipy's _edge_case: shape-preserving three-point formula
  let d = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
  if (Math.sign(d) !== Math.sign(d0)) d = 0;
  else if (Math.sign(d0) !== Math.sign(d1) && Math.abs(d) > Math.abs(3 * d0)) d = 3 * d0;
  return d;
}

/**
 * Builds a PCHIP interpolant through (x[i], y[i]).
 *
 * @param xs strictly increasing abscissae (≥ 2 points; a decreasing table is reversed first)
 * @param ys values
 * @throws Error if lengths differ, a value is not finite or abscissae repeat
 * @example
 * const f = pchip([0, 1, 2], [0, 1, 1.5]);
 * f(0.5); // between 0 and 1, and the curve stays monotone
 */
export function pchip(xs: ArrayLike<number>, ys: ArrayLike<number>): Interpolant1D {
  const n = xs.length;
  if (n !== ys.length) throw new Error(`pchip: x has ${n} points but y has ${ys.length}`);
  if (n < 2) throw new Error(`pchip: need at least 2 points, got ${n}`);
  let x = Float64Array.from(xs);
  let y = Float64Array.from(ys);
  // checked on the caller's arrays, so the messages name the caller's indices (a decreasing table is reversed below)
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new Error(`pchip: point ${i} is not finite (x[${i}] = ${x[i]}, y[${i}] = ${y[i]})`);
  const decreasing = x[n - 1] < x[0];
  for (let i = 1; i < n; i++) {
    if (decreasing ? !(x[i] < x[i - 1]) : !(x[i] > x[i - 1])) {
      throw new Error(`pchip: abscissae must be strictly ${decreasing ? "decreasing (the table runs from high to low)" : "increasing"}; x[${i - 1}] = ${x[i - 1]}, x[${i}] = ${x[i]}`);
    }
  }
  if (decreasing) {
    x = x.reverse();
    y = y.reverse();
  }
  const h = new Float64Array(n - 1);
  const del = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    h[i] = x[i + 1] - x[i];
    del[i] = (y[i + 1] - y[i]) / h[i];
  }
  const m = new Float64Array(n);
  if (n === 2) {
    m[0] = m[1] = del[0];
  } else {
    for (let i = 1; i < n - 1; i++) {
      if (del[i - 1] * del[i] <= 0) m[i] = 0;
      else {
        const w1 = 2 * h[i] + h[i - 1];
        const w2 = h[i] + 2 * h[i - 1];
        m[i] = (w1 + w2) / (w1 / del[i - 1] + w2 / del[i]);
      }
    }
    m[0] = endSlope(h[0], h[1], del[0], del[1]);
    m[n - 1] = endSlope(h[n - 2], h[n - 3], del[n - 2], del[n - 3]);
  }
  const f = ((t: number): number => {
    if (t <= x[0]) return y[0] + m[0] * (t - x[0]);
    if (t >= x[n - 1]) return y[n - 1] + m[n - 1] * (t - x[n - 1]);
    const lo = intervalIndex(x, t);
    const hh = h[lo];
    const s = (t - x[lo]) / hh;
    const s2 = s * s;
    const s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * y[lo] + (s3 - 2 * s2 + s) * hh * m[lo] + (-2 * s3 + 3 * s2) * y[lo + 1] + (s3 - s2) * hh * m[lo + 1];
  }) as Interpolant1D;
  Object.defineProperties(f, { x: { value: x }, y: { value: y }, slopes: { value: m } });
  return f;
}

/**
 * The interval of strictly increasing breakpoints `x` that holds t: the last index k with x[k] ≤ t (binary search),
 * for x[0] < t < x[n − 1] (0 and n − 2 at the ends).
 */
export function intervalIndex(x: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}
