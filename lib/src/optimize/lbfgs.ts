/**
 * Limited-memory BFGS with simple box constraints (projected L-BFGS), for smooth objectives of a few dozen
 * variables such as GP marginal likelihoods and acquisition functions.
 */

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Lower bounds per variable (−Infinity when absent). */
  lower?: ArrayLike<number>;
  /** Upper bounds per variable (+Infinity when absent). */
  upper?: ArrayLike<number>;
  /** Number of correction pairs kept. Default 10. */
  memory?: number;
  /** Maximum iterations. Default 200. */
  maxIterations?: number;
  /** Stop when the projected gradient's max-norm falls below this. Default 1e-6. */
  gradientTolerance?: number;
  /** Stop when the relative decrease of f over an iteration is below this. Default 1e-12. */
  functionTolerance?: number;
}

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

/** The objective: returns f(x) and writes ∇f(x) into `grad`. Must return a finite number or throw. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/**
 * Minimises a smooth function with projected L-BFGS (two-loop recursion, Armijo backtracking along the
 * projected path with quadratic interpolation). Variables sitting on a bound with the gradient pushing outward are held fixed for the
 * search direction, which is what makes bounded hyperparameter searches (log length scales in [1e-5, 1e5])
 * behave like scipy's L-BFGS-B in practice.
 */
export function minimizeLbfgs(fn: ObjectiveWithGradient, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const lower = Float64Array.from({ length: n }, (_, i) => (options.lower ? options.lower[i] : -Infinity));
  const upper = Float64Array.from({ length: n }, (_, i) => (options.upper ? options.upper[i] : Infinity));
  const m = options.memory ?? 10;
  const maxIt = options.maxIterations ?? 200;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.functionTolerance ?? 1e-12;
  const project = (v: Float64Array): void => {
    for (let i = 0; i < n; i++) v[i] = Math.min(upper[i], Math.max(lower[i], v[i]));
  };
  let x = Float64Array.from(x0);
  project(x);
  let g = new Float64Array(n);
  let evaluations = 1;
  let f = fn(x, g);
  if (!Number.isFinite(f)) throw new Error(`minimizeLbfgs: objective is not finite at the start point (${f})`);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const free = new Uint8Array(n);
  const projGradNorm = (): number => {
    let mx = 0;
    for (let i = 0; i < n; i++) {
      const atLo = x[i] <= lower[i] && g[i] > 0;
      const atHi = x[i] >= upper[i] && g[i] < 0;
      free[i] = atLo || atHi ? 0 : 1;
      if (free[i]) mx = Math.max(mx, Math.abs(g[i]));
    }
    return mx;
  };
  let it = 0;
  let message = "maximum iterations reached";
  let converged = false;
  for (; it < maxIt; it++) {
    if (projGradNorm() < gtol) {
      converged = true;
      message = "projected gradient below tolerance";
      break;
    }
    // Two-loop recursion on the free variables.
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = free[i] ? g[i] : 0;
    const alpha = new Array<number>(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      let a = 0;
      for (let i = 0; i < n; i++) if (free[i]) a += S[k][i] * q[i];
      a *= rho[k];
      alpha[k] = a;
      for (let i = 0; i < n; i++) if (free[i]) q[i] -= a * Y[k][i];
    }
    let gamma = 1;
    if (S.length > 0) {
      const k = S.length - 1;
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[k][i] * Y[k][i];
        yy += Y[k][i] * Y[k][i];
      }
      if (yy > 0) gamma = sy / yy;
    } else {
      let gn = 0;
      for (let i = 0; i < n; i++) gn += q[i] * q[i];
      gamma = gn > 0 ? Math.min(1, 1 / Math.sqrt(gn)) : 1;
    }
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      let b = 0;
      for (let i = 0; i < n; i++) if (free[i]) b += Y[k][i] * q[i];
      b *= rho[k];
      for (let i = 0; i < n; i++) if (free[i]) q[i] += S[k][i] * (alpha[k] - b);
    }
    const d = new Float64Array(n);
    let slope = 0;
    for (let i = 0; i < n; i++) {
      d[i] = free[i] ? -q[i] : 0;
      slope += d[i] * g[i];
    }
    if (!(slope < 0)) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      slope = 0;
      for (let i = 0; i < n; i++) {
        d[i] = free[i] ? -g[i] : 0;
        slope += d[i] * g[i];
      }
      if (!(slope < 0)) {
        converged = true;
        message = "no descent direction";
        break;
      }
    }
    // Backtracking line search along the projected path.
    let step = 1;
    let xNew = new Float64Array(n);
    let gNew = new Float64Array(n);
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      project(xNew);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i] * (xNew[i] - x[i]);
      evaluations++;
      try {
        fNew = fn(xNew, gNew);
      } catch {
        fNew = Infinity;
      }
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      // Shrink to the minimiser of the quadratic through f, the predicted decrease and fNew along the
      // displacement actually taken, kept within [0.1, 0.5] of the step (Nocedal & Wright §3.5). Halving
      // alone needed 7–8 evaluations to come back from a first step that sent the GP hyperparameters
      // across their box (f from 955 to 1.5e7), which is common right after the first iteration.
      let shrink = 0.5;
      if (Number.isFinite(fNew)) {
        const curvature = fNew - f - decrease;
        if (curvature > 0) shrink = Math.min(0.5, Math.max(0.1, -decrease / (2 * curvature)));
      }
      step *= shrink;
    }
    if (!accepted) {
      message = "line search failed to decrease the objective";
      converged = S.length > 0; // at a (numerically) flat point
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
    }
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const rel = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (rel < ftol) {
      converged = true;
      message = "relative decrease below tolerance";
      it++;
      break;
    }
  }
  return { x, f, gradient: g, iterations: it, evaluations, converged, message };
}
