/**
 * Gaussian-process regression with RBF and Matérn (ν = 3/2, 5/2) kernels, ARD length scales, a learned noise
 * term, and hyperparameters chosen by maximising the log marginal likelihood (projected L-BFGS with restarts).
 *
 * The covariance is σ² · k(x, x′; ℓ) + σₙ² · δ(x, x′) (+ a fixed `alpha` on the diagonal), the composition
 * scikit-learn writes as `ConstantKernel * RBF(ℓ) + WhiteKernel`, with the same log-space parameterisation
 * and default bounds, so fixed-kernel log likelihoods and predictions agree with scikit-learn to rounding.
 */
import { minimizeLbfgs } from "../optimize/lbfgs";
import { BaseEstimator, type BaseState, type EstimatorJSON } from "./base";
import { ValidationError, checkOptionKeys } from "./errors";
import { checkX, checkY, type XInput, type YInput } from "./input";
import {
  backSubstituteTransposed,
  choleskyInPlace,
  forwardSubstitute,
  forwardSubstituteRows,
  inverseFromTransposedFactorInverse,
  invertCholeskyFactorTransposed,
} from "./dense-spd";
import { GpPredictSimd } from "./gp-predict-simd";
import type { Matrix } from "./matrix";
import { Rng } from "./random";

/** Covariance families. `matern32`/`matern52` are Matérn with ν = 3/2 and ν = 5/2. */
export type GpKernelName = "rbf" | "matern32" | "matern52";

/** Options of {@link GaussianProcessRegressor}; every field is optional. */
export interface GaussianProcessOptions {
  /** Covariance family. Default "matern52" (the usual choice for Bayesian optimisation). */
  kernel?: GpKernelName;
  /** Initial length scale(s): one number (shared, or per feature when `ard`) or one per feature. Default 1. */
  lengthScale?: number | readonly number[];
  /** One length scale per feature (automatic relevance determination). Default true. */
  ard?: boolean;
  /** Initial signal variance σ². Default 1. */
  signalVariance?: number;
  /** Initial noise variance σₙ² (a learned WhiteKernel); 0 with `learnNoise: false` means no noise term. Default 1e-2. */
  noiseVariance?: number;
  /** Learn the noise variance. Default true. */
  learnNoise?: boolean;
  /** Fixed value added to the diagonal (scikit-learn's `alpha`). Default 1e-10. */
  alpha?: number;
  /** Bounds of length scales. Default [1e-5, 1e5] (scikit-learn's). */
  lengthScaleBounds?: readonly [number, number];
  /** Bounds of σ². Default [1e-5, 1e5]. */
  signalVarianceBounds?: readonly [number, number];
  /** Bounds of σₙ². Default [1e-10, 1e1]. */
  noiseVarianceBounds?: readonly [number, number];
  /** Fit hyperparameters by maximising the log marginal likelihood; false keeps the initial values. Default true. */
  optimize?: boolean;
  /** Extra optimiser starts from log-uniform random points within the bounds. Default 3. */
  nRestarts?: number;
  /** Subtract the mean of y and divide by its standard deviation before fitting (scikit-learn's normalize_y). Default true. */
  normalizeY?: boolean;
  /** Seed of the restart points. Default 0. */
  seed?: number;
  /** L-BFGS iterations per start. Default 200. */
  maxIterations?: number;
}

const DEFAULTS: Required<GaussianProcessOptions> = {
  kernel: "matern52",
  lengthScale: 1,
  ard: true,
  signalVariance: 1,
  noiseVariance: 1e-2,
  learnNoise: true,
  alpha: 1e-10,
  lengthScaleBounds: [1e-5, 1e5],
  signalVarianceBounds: [1e-5, 1e5],
  noiseVarianceBounds: [1e-10, 1e1],
  optimize: true,
  nRestarts: 3,
  normalizeY: true,
  seed: 0,
  maxIterations: 200,
};

/** Fitted state. */
interface GpState extends BaseState {
  X: Float64Array;
  n: number;
  lengthScales: number[];
  signalVariance: number;
  noiseVariance: number;
  yMean: number;
  yStd: number;
  /** K⁻¹ y (normalised y). */
  alphaVec: Float64Array;
  /** Lower Cholesky factor of K (row-major n × n). */
  L: Float64Array;
  /** Jitter added to the diagonal to make K positive definite (0 when none was needed). */
  jitter: number;
  logMarginalLikelihood: number;
  optimizerMessages: string[];
  /** One entry per optimiser start (absent in models saved before it was recorded). */
  optimizerRuns?: GpOptimizerRun[];
}

interface GpStateJSON extends Omit<GpState, "X" | "alphaVec" | "L"> {
  X: number[];
  alphaVec: number[];
  L: number[];
}

/** Options of {@link GaussianProcessRegressor.predict}. */
export interface GpPredictOptions {
  /** Add the learned noise variance to the predictive variance (scikit-learn does when its kernel has a WhiteKernel). Default false: the latent function's uncertainty. */
  includeNoise?: boolean;
}

/** What one start of the hyperparameter search did (see {@link GaussianProcessRegressor.optimizerRuns}). */
export interface GpOptimizerRun {
  /** Log marginal likelihood reached (null when the start failed). */
  logMarginalLikelihood: number | null;
  /** Evaluations of the likelihood and its gradient (scipy's `nfev`). */
  evaluations: number;
  /** L-BFGS iterations (scipy's `nit`). */
  iterations: number;
  /** Why the optimiser stopped. */
  message: string;
}

/**
 * scipy's L-BFGS-B stops when an iteration lowers f by less than factr · machine epsilon relative to |f|,
 * with factr = 1e7 by default, which is what scikit-learn's fit uses. The same rule here (rather than 1e-12)
 * stopped the long crawls along flat directions (length scales drifting to a bound) that made our starts
 * take up to 2× scipy's evaluations for changes in the log likelihood below 1e-6.
 */
const LML_FUNCTION_TOLERANCE = 1e7 * Number.EPSILON;

/** Doubles of query kernel rows per blocked substitution in predictWithStd: 256 KB, within L2 (64 points at n = 500). */
const PREDICT_BLOCK_DOUBLES = 1 << 15;

/**
 * The SIMD predictor of each fitted state (null: WebAssembly SIMD unavailable), made on first use. Keyed by the
 * state object, so a refit or fromJSON (a new state) gets a new one and the old one is collected with it.
 */
const simdPredictors = new WeakMap<GpState, GpPredictSimd | null>();

/** When false, predictions take the JavaScript path (gaussian-process tests compare the two). */
let simdEnabled = true;

/**
 * Chooses the prediction path: true (default) = WebAssembly SIMD when the runtime has it, false = the
 * JavaScript loops. For tests and for measuring the two paths against each other.
 * @internal
 */
export function setGpSimdEnabled(enabled: boolean): void {
  simdEnabled = enabled;
}

/** Predictive distribution at new points. */
export interface GpPrediction {
  mean: Float64Array;
  std: Float64Array;
}

/** Log-space hyperparameter vector layout: [log σ², log ℓ₁..ℓ_q, (log σₙ²)]. */
interface Layout {
  nLength: number;
  learnNoise: boolean;
}

const SQRT3 = Math.sqrt(3);
const SQRT5 = Math.sqrt(5);

/**
 * Replaces r² (length scales already applied) by scale · k(r²) in v[0..len), the kernel family chosen once
 * outside the loop. Where exp underflows to 0 the value is 0 even if r² overflowed to ∞ (∞ · 0 would be NaN).
 */
function kernelFromR2InPlace(kind: GpKernelName, v: Float64Array, len: number, scale: number): void {
  if (kind === "rbf") {
    for (let i = 0; i < len; i++) v[i] = scale * Math.exp(-0.5 * v[i]);
  } else if (kind === "matern32") {
    for (let i = 0; i < len; i++) {
      const a = SQRT3 * Math.sqrt(v[i]), e = Math.exp(-a);
      v[i] = e === 0 ? 0 : scale * (1 + a) * e;
    }
  } else {
    for (let i = 0; i < len; i++) {
      const a = SQRT5 * Math.sqrt(v[i]), e = Math.exp(-a);
      v[i] = e === 0 ? 0 : scale * (1 + a + (a * a) / 3) * e;
    }
  }
}

/**
 * Buffers of one fit, reused by every evaluation of the marginal likelihood: the optimiser makes hundreds,
 * and each would otherwise allocate, zero and later garbage-collect 3n² doubles (6 MB at n = 500).
 */
class LmlWorkspace {
  readonly n: number;
  readonly p: number;
  /** X by columns (feature d of sample i at d·n + i), so the pairwise loops run along contiguous samples. */
  readonly Xc: Float64Array;
  /**
   * n × n. Lower triangle with the diagonal: K, then its Cholesky factor L, then (with the gradient) K⁻¹.
   * The strict upper part is never written and stays zero, so a copy is a clean lower-triangular L.
   */
  readonly A: Float64Array;
  /** Strict lower triangle, packed (row a starts at a(a−1)/2): σ²·k(x_a, x_b), to rebuild K for jitter and for ∂/∂log σ². */
  readonly kv: Float64Array;
  /** K⁻¹ y. */
  readonly alpha: Float64Array;
  /** 1/ℓ_d² per feature (a shared length scale repeated). */
  readonly inv2: Float64Array;
  private readonly nTheta: number;
  /** Gradient buffers, allocated on first use. */
  private gradBuffers: { U: Float64Array; gv: Float64Array; row: Float64Array; gl: Float64Array; grad: Float64Array } | null = null;

  constructor(X: Matrix, nTheta: number) {
    const n = X.nRows, p = X.nCols;
    this.n = n;
    this.p = p;
    this.Xc = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let d = 0; d < p; d++) this.Xc[d * n + i] = X.data[i * p + d];
    this.A = new Float64Array(n * n);
    this.kv = new Float64Array((n * (n - 1)) / 2);
    this.alpha = new Float64Array(n);
    this.inv2 = new Float64Array(p);
    this.nTheta = nTheta;
  }

  /**
   * U: n × n, L⁻ᵀ in the upper triangle (its strict lower part stays zero, which the dot products rely on).
   * gv: packed like kv, σ²·g(r²) with ∂k(x_a, x_b)/∂log ℓ_d = σ² g(r²) (Δ_d/ℓ_d)². row: length-n scratch.
   */
  grads(): { U: Float64Array; gv: Float64Array; row: Float64Array; gl: Float64Array; grad: Float64Array } {
    if (!this.gradBuffers) {
      const n = this.n;
      this.gradBuffers = { U: new Float64Array(n * n), gv: new Float64Array(this.kv.length), row: new Float64Array(n), gl: new Float64Array(this.p), grad: new Float64Array(this.nTheta) };
    }
    return this.gradBuffers;
  }
}

/**
 * Gaussian-process regressor (scikit-learn's `GaussianProcessRegressor` with
 * `ConstantKernel * {RBF | Matern} + WhiteKernel`).
 *
 * @example
 * ```ts
 * const gp = new GaussianProcessRegressor({ kernel: "matern52", seed: 0 }).fit(X, y);
 * const { mean, std } = gp.predictWithStd(Xnew);
 * gp.logMarginalLikelihood; // at the fitted hyperparameters
 * ```
 */
export class GaussianProcessRegressor extends BaseEstimator<GaussianProcessOptions, GpState> {
  constructor(options: GaussianProcessOptions = {}) {
    checkOptionKeys("GaussianProcessRegressor", options, Object.keys(DEFAULTS));
    super(options);
    this.getParams();
  }

  /** `"GaussianProcessRegressor"`. */
  get estimatorType(): string {
    return "GaussianProcessRegressor";
  }

  /** All options with defaults filled in (validated). */
  getParams(): Required<GaussianProcessOptions> {
    const o = { ...DEFAULTS, ...this.options };
    const name = "GaussianProcessRegressor";
    if (!["rbf", "matern32", "matern52"].includes(o.kernel)) throw new ValidationError(`${name}: kernel must be "rbf", "matern32" or "matern52", got ${JSON.stringify(o.kernel)}`);
    const ls = typeof o.lengthScale === "number" ? [o.lengthScale] : o.lengthScale;
    if (ls.length === 0 || ls.some((v) => !(v > 0) || !Number.isFinite(v))) throw new ValidationError(`${name}: lengthScale must be positive finite number(s), got ${JSON.stringify(o.lengthScale)}`);
    for (const [k, v] of [["signalVariance", o.signalVariance], ["alpha", o.alpha]] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) throw new ValidationError(`${name}: ${k} must be a finite number >= 0, got ${v}`);
    }
    if (!(o.noiseVariance >= 0) || !Number.isFinite(o.noiseVariance)) throw new ValidationError(`${name}: noiseVariance must be >= 0, got ${o.noiseVariance}`);
    if (o.learnNoise && !(o.noiseVariance > 0)) throw new ValidationError(`${name}: learnNoise needs noiseVariance > 0 as a starting value (or set learnNoise: false)`);
    for (const [k, b] of [["lengthScaleBounds", o.lengthScaleBounds], ["signalVarianceBounds", o.signalVarianceBounds], ["noiseVarianceBounds", o.noiseVarianceBounds]] as const) {
      if (!(b[0] > 0 && b[1] >= b[0] && Number.isFinite(b[1]))) throw new ValidationError(`${name}: ${k} must be [low, high] with 0 < low <= high, got ${JSON.stringify(b)}`);
    }
    if (!Number.isInteger(o.nRestarts) || o.nRestarts < 0) throw new ValidationError(`${name}: nRestarts must be an integer >= 0, got ${o.nRestarts}`);
    return o;
  }

  /** An unfitted copy with the same options. */
  clone(): GaussianProcessRegressor {
    return new GaussianProcessRegressor({ ...this.options });
  }

  /** Papers and books implemented. */
  citations(): string[] {
    return [
      "C. E. Rasmussen, C. K. I. Williams, Gaussian Processes for Machine Learning, MIT Press (2006), Algorithm 2.1 and §5.4",
      "J. Nocedal, \"Updating quasi-Newton matrices with limited storage\", Math. Comput. 35, 773–782 (1980)",
    ];
  }

  /** Fitted hyperparameters: length scales, σ², σₙ², the jitter used and the log marginal likelihood. */
  get hyperparameters(): { kernel: GpKernelName; lengthScales: number[]; signalVariance: number; noiseVariance: number; jitter: number } {
    const s = this.fitted("hyperparameters");
    return { kernel: this.getParams().kernel, lengthScales: [...s.lengthScales], signalVariance: s.signalVariance, noiseVariance: s.noiseVariance, jitter: s.jitter };
  }

  /**
   * One entry per optimiser start (the initial hyperparameters, then the `nRestarts` random ones): the log
   * marginal likelihood reached, evaluations and iterations used, and why it stopped. Empty with
   * `optimize: false`.
   */
  get optimizerRuns(): GpOptimizerRun[] {
    return (this.fitted("optimizerRuns").optimizerRuns ?? []).map((r) => ({ ...r }));
  }

  /** Log marginal likelihood at the fitted hyperparameters (of the normalised targets when normalizeY, like scikit-learn). */
  get logMarginalLikelihood(): number {
    return this.fitted("logMarginalLikelihood").logMarginalLikelihood;
  }

  /**
   * Fits hyperparameters (unless `optimize: false`) and conditions on the data. Returns `this`.
   * @throws ValidationError on NaN/Infinity, ragged rows or mismatched lengths.
   */
  fit(X: XInput, y: YInput): this {
    const o = this.getParams();
    const name = this.estimatorType;
    const { X: M, featureNames } = checkX(name, X, false);
    const cy = checkY(name, y, M.nRows);
    if (cy.nOutputs !== 1) throw new ValidationError(`${name}: one target per sample is supported, got ${cy.nOutputs} outputs (fit one GP per output)`);
    const n = M.nRows;
    const p = M.nCols;
    let yMean = 0;
    let yStd = 1;
    if (o.normalizeY) {
      for (let i = 0; i < n; i++) yMean += cy.Y[i];
      yMean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (cy.Y[i] - yMean) ** 2;
      yStd = Math.sqrt(v / n);
      if (!(yStd > 0)) yStd = 1; // constant targets: scikit-learn also falls back to 1
    }
    const yn = new Float64Array(n);
    for (let i = 0; i < n; i++) yn[i] = (cy.Y[i] - yMean) / yStd;

    const initLs = typeof o.lengthScale === "number" ? [o.lengthScale] : [...o.lengthScale];
    const nLength = o.ard ? p : 1;
    if (initLs.length !== 1 && initLs.length !== nLength) {
      throw new ValidationError(`${name}: lengthScale has ${initLs.length} values but ${o.ard ? `X has ${p} features` : "ard is false (one shared length scale)"}`);
    }
    const layout: Layout = { nLength, learnNoise: o.learnNoise };
    const theta0 = new Float64Array(1 + nLength + (o.learnNoise ? 1 : 0));
    theta0[0] = Math.log(Math.max(o.signalVariance, 1e-300));
    for (let d = 0; d < nLength; d++) theta0[1 + d] = Math.log(initLs.length === 1 ? initLs[0] : initLs[d]);
    if (o.learnNoise) theta0[1 + nLength] = Math.log(o.noiseVariance);
    const lower = new Float64Array(theta0.length);
    const upper = new Float64Array(theta0.length);
    lower[0] = Math.log(o.signalVarianceBounds[0]);
    upper[0] = Math.log(o.signalVarianceBounds[1]);
    for (let d = 0; d < nLength; d++) {
      lower[1 + d] = Math.log(o.lengthScaleBounds[0]);
      upper[1 + d] = Math.log(o.lengthScaleBounds[1]);
    }
    if (o.learnNoise) {
      lower[1 + nLength] = Math.log(o.noiseVarianceBounds[0]);
      upper[1 + nLength] = Math.log(o.noiseVarianceBounds[1]);
    }
    const fixedNoise = o.learnNoise ? 0 : o.noiseVariance;
    const messages: string[] = [];
    const runs: GpOptimizerRun[] = [];
    let best: Float64Array = theta0;
    if (o.optimize) {
      const ws = new LmlWorkspace(M, theta0.length);
      const objective = (theta: Float64Array, grad: Float64Array): number => {
        const r = this.lml(o.kernel, M, yn, theta, layout, fixedNoise, o.alpha, true, ws);
        for (let k = 0; k < grad.length; k++) grad[k] = -r.grad![k];
        return -r.value;
      };
      const starts: Float64Array[] = [Float64Array.from(theta0, (v, k) => Math.min(upper[k], Math.max(lower[k], v)))];
      const rng = new Rng(o.seed);
      for (let s = 0; s < o.nRestarts; s++) starts.push(Float64Array.from(theta0, (_, k) => lower[k] + rng.nextFloat() * (upper[k] - lower[k])));
      let bestF = Infinity;
      for (const start of starts) {
        try {
          const res = minimizeLbfgs(objective, start, { lower, upper, maxIterations: o.maxIterations, gradientTolerance: 1e-5, functionTolerance: LML_FUNCTION_TOLERANCE });
          messages.push(res.message);
          runs.push({ logMarginalLikelihood: -res.f, evaluations: res.evaluations, iterations: res.iterations, message: res.message });
          if (res.f < bestF) {
            bestF = res.f;
            best = res.x;
          }
        } catch (err) {
          messages.push(`start failed: ${(err as Error).message}`);
          runs.push({ logMarginalLikelihood: null, evaluations: 0, iterations: 0, message: `start failed: ${(err as Error).message}` });
        }
      }
      if (!Number.isFinite(bestF)) throw new ValidationError(`${name}: the marginal likelihood could not be evaluated at any start (${messages.join("; ")})`);
    }
    // A workspace of its own: its L and K⁻¹y become the fitted state.
    const finalWs = new LmlWorkspace(M, best.length);
    const final = this.lml(o.kernel, M, yn, best, layout, fixedNoise, o.alpha, false, finalWs);
    const { lengthScales, signalVariance, noiseVariance } = unpack(best, layout, fixedNoise);
    this._state = {
      nFeatures: p,
      featureNames,
      X: Float64Array.from(M.data),
      n,
      lengthScales: nLength === 1 ? new Array<number>(p).fill(lengthScales[0]) : lengthScales,
      signalVariance,
      noiseVariance,
      yMean,
      yStd,
      alphaVec: finalWs.alpha,
      L: finalWs.A,
      jitter: final.jitter,
      logMarginalLikelihood: final.value,
      optimizerMessages: messages,
      optimizerRuns: runs,
    };
    return this;
  }

  /**
   * Log marginal likelihood of the training data at hyperparameters in log space, with its gradient.
   * K = σ²·k(ℓ) + (σₙ² + alpha)·I; jitter (1e-10 … 1e-4 × mean diagonal) is added only if the Cholesky fails.
   *
   * Results other than `value` and `jitter` live in the workspace `ws` (one per fit, reused by every call):
   * `ws.alpha` = K⁻¹y, and `ws.A` holds L without the gradient or K⁻¹ with it; `grad` is a workspace buffer.
   * Cost with the gradient: n³/2 multiply-adds (Cholesky, L⁻¹, K⁻¹ = L⁻ᵀL⁻¹, n³/6 each) plus O(n²·d)
   * for the kernel and the gradient contractions. K⁻¹ from L thus takes n³/3 (LAPACK potri's count);
   * scikit-learn's cho_solve(L, I) takes n³, and n separate solves did too, reading L by columns.
   */
  private lml(kind: GpKernelName, M: Matrix, y: Float64Array, theta: Float64Array, layout: Layout, fixedNoise: number, alpha: number, withGrad: boolean, ws: LmlWorkspace = new LmlWorkspace(M, theta.length)):
    { value: number; grad?: Float64Array; jitter: number } {
    const { n, p, Xc, A, kv, inv2 } = ws;
    const signalVariance = Math.exp(theta[0]);
    const noiseVariance = layout.learnNoise ? Math.exp(theta[1 + layout.nLength]) : fixedNoise;
    for (let d = 0; d < p; d++) inv2[d] = Math.exp(-2 * theta[1 + (layout.nLength === 1 ? 0 : d)]);
    const gb = withGrad ? ws.grads() : null;
    const row = gb ? gb.row : ws.alpha; // r² scratch (alpha is filled only after K is built)
    const gv = gb ? gb.gv : null;
    // K's strict lower triangle, row by row: r² of row a against every b < a accumulated one feature at a
    // time along contiguous columns of Xc, then the kernel (and its length-scale factor) from r².
    for (let a = 1; a < n; a++) {
      row.fill(0, 0, a);
      for (let d = 0; d < p; d++) {
        const base = d * n, xa = Xc[base + a], w = inv2[d];
        for (let b = 0; b < a; b++) {
          const t = xa - Xc[base + b];
          row[b] += w * t * t;
        }
      }
      const ra = a * n, off = (a * (a - 1)) / 2;
      for (let b = 0; b < a; b++) {
        const r2 = row[b];
        let k: number, g: number;
        if (kind === "rbf") {
          k = Math.exp(-0.5 * r2);
          g = k;
        } else if (kind === "matern32") {
          const t = SQRT3 * Math.sqrt(r2), e = Math.exp(-t);
          k = (1 + t) * e;
          g = 3 * e;
        } else {
          const t = SQRT5 * Math.sqrt(r2), e = Math.exp(-t);
          k = (1 + t + (t * t) / 3) * e;
          g = (5 / 3) * (1 + t) * e;
        }
        k *= signalVariance;
        A[ra + b] = k;
        kv[off + b] = k;
        if (gv) gv[off + b] = signalVariance * g;
      }
    }
    const diag = signalVariance + noiseVariance + alpha;
    for (let i = 0; i < n; i++) A[i * n + i] = diag;
    let jitter = 0;
    if (!choleskyInPlace(A, n)) {
      let ok = false;
      for (let e = -10; e <= -4 && !ok; e++) {
        jitter = diag * 10 ** e; // diag is the mean diagonal: every diagonal entry is equal
        for (let a = 1; a < n; a++) A.set(kv.subarray((a * (a - 1)) / 2, (a * (a + 1)) / 2), a * n);
        for (let i = 0; i < n; i++) A[i * n + i] = diag + jitter;
        ok = choleskyInPlace(A, n);
      }
      if (!ok) throw new ValidationError(`GaussianProcessRegressor: the covariance matrix is not positive definite even with jitter ${jitter.toExponential(1)} (duplicate rows with learnNoise: false?)`);
    }
    const av = ws.alpha;
    av.set(y);
    forwardSubstitute(A, n, av);
    backSubstituteTransposed(A, n, av);
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += Math.log(A[i * n + i]);
    let yAy = 0;
    for (let i = 0; i < n; i++) yAy += y[i] * av[i];
    const value = -0.5 * yAy - logDet - 0.5 * n * Math.log(2 * Math.PI);
    if (!gb) return { value, jitter };
    // K⁻¹ into A's lower triangle (L is not needed any more), through U = L⁻ᵀ.
    invertCholeskyFactorTransposed(A, n, gb.U);
    inverseFromTransposedFactorInverse(gb.U, n, A);
    // ∂LML/∂θ_k = ½ tr(W ∂K/∂θ_k) with W = α αᵀ − K⁻¹, over the lower triangle (off-diagonal pairs count
    // twice, cancelling the ½). For the length scales, Σ_ab W_ab σ²g_ab Δ²_ab,d / ℓ_d²: the pair weights
    // c_b = W_ab σ²g_ab of row a go to `row`, then each feature is one contiguous pass over Xc.
    const gl = gb.gl;
    gl.fill(0);
    let gSignal = 0;
    let wDiag = 0;
    for (let a = 0; a < n; a++) {
      const ra = a * n, off = (a * (a - 1)) / 2, aa = av[a];
      for (let b = 0; b < a; b++) {
        const w = aa * av[b] - A[ra + b];
        gSignal += w * kv[off + b];
        row[b] = w * gv![off + b];
      }
      wDiag += aa * aa - A[ra + a];
      for (let d = 0; d < p; d++) {
        const base = d * n, xa = Xc[base + a];
        let s0 = 0, s1 = 0; // two sums: one long chain of dependent additions measured 1.4× slower
        let b = 0;
        for (; b + 1 < a; b += 2) {
          const t = xa - Xc[base + b], u = xa - Xc[base + b + 1];
          s0 += row[b] * t * t;
          s1 += row[b + 1] * u * u;
        }
        if (b < a) {
          const t = xa - Xc[base + b];
          s0 += row[b] * t * t;
        }
        gl[d] += s0 + s1;
      }
    }
    const grad = gb.grad;
    grad[0] = gSignal + 0.5 * wDiag * signalVariance; // the diagonal of σ²·k is σ²
    if (layout.nLength === 1) {
      let s = 0;
      for (let d = 0; d < p; d++) s += gl[d] * inv2[d];
      grad[1] = s;
    } else {
      for (let d = 0; d < p; d++) grad[1 + d] = gl[d] * inv2[d];
    }
    if (layout.learnNoise) grad[1 + layout.nLength] = 0.5 * wDiag * noiseVariance;
    return { value, grad, jitter };
  }

  /** Predictive mean (in the units of y). */
  predict(X: XInput): Float64Array {
    return this.predictInternal(X, false, false).mean;
  }

  /** Predictive mean and standard deviation at new points. */
  predictWithStd(X: XInput, options: GpPredictOptions = {}): GpPrediction {
    const r = this.predictInternal(X, true, options.includeNoise ?? false);
    return { mean: r.mean, std: r.std! };
  }

  /**
   * Mean k*·α and (withStd) variance σ² − |L⁻¹k*|² at the query rows: in WebAssembly SIMD when available
   * (gp-predict-simd.ts), else in JavaScript (predictInternalJs). Both store entries of v = L⁻¹k* below 2⁻⁵⁰⁰
   * as 0 as dense-spd.ts does (the SIMD path kernel values too), and clamp a variance that rounding made
   * negative to 0.
   */
  private predictInternal(X: XInput, withStd: boolean, includeNoise: boolean): { mean: Float64Array; std: Float64Array | null } {
    const s = this.fitted("predict");
    const kind = this.getParams().kernel;
    const Xs = this.checkPredictX(X, false);
    const m = Xs.nRows;
    let engine = simdEnabled ? simdPredictors.get(s) : null;
    if (engine === undefined) {
      engine = GpPredictSimd.create(kind, s.X, s.n, s.nFeatures, s.lengthScales, s.signalVariance, s.alphaVec);
      simdPredictors.set(s, engine);
    }
    if (!engine) return this.predictInternalJs(s, kind, Xs, withStd, includeNoise);
    const mean = new Float64Array(m);
    const std = withStd ? new Float64Array(m) : null;
    try {
      engine.predict(Xs.data, m, mean, std, s.L); // std first holds |L⁻¹k*|²
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      simdPredictors.set(s, null); // no memory for L's copy: this model predicts in JavaScript from now on
      return this.predictInternalJs(s, kind, Xs, withStd, includeNoise);
    }
    const prior = s.signalVariance + (includeNoise ? s.noiseVariance : 0);
    for (let q = 0; q < m; q++) {
      mean[q] = mean[q] * s.yStd + s.yMean;
      if (std) std[q] = Math.sqrt(Math.max(0, prior - std[q])) * s.yStd;
    }
    return { mean, std };
  }

  /**
   * The JavaScript twin of the SIMD path: query points in blocks of PREDICT_BLOCK_DOUBLES / n: their kernel rows k*
   * against the training points, the mean k*·α, and (withStd) v = L⁻¹k* for all rows of the block in one
   * blocked substitution, variance σ² − |v|². The mean alone needs no substitution (O(n·d) per point instead of O(n²)).
   */
  private predictInternalJs(s: GpState, kind: GpKernelName, Xs: Matrix, withStd: boolean, includeNoise: boolean): { mean: Float64Array; std: Float64Array | null } {
    const m = Xs.nRows;
    const n = s.n;
    const p = s.nFeatures;
    const mean = new Float64Array(m);
    const std = withStd ? new Float64Array(m) : null;
    const inv2 = s.lengthScales.map((l) => 1 / (l * l));
    const Xc = new Float64Array(n * p); // training X by columns: the r² loops run along contiguous samples
    for (let i = 0; i < n; i++) for (let d = 0; d < p; d++) Xc[d * n + i] = s.X[i * p + d];
    const block = Math.max(1, Math.min(m, 4 * Math.max(1, Math.floor(PREDICT_BLOCK_DOUBLES / n / 4))));
    const K = new Float64Array(block * n);
    for (let q0 = 0; q0 < m; q0 += block) {
      const mb = Math.min(block, m - q0);
      for (let j = 0; j < mb; j++) {
        const row = K.subarray(j * n, (j + 1) * n);
        row.fill(0);
        for (let d = 0; d < p; d++) {
          const xq = Xs.data[(q0 + j) * p + d], w = inv2[d], base = d * n;
          for (let i = 0; i < n; i++) {
            const t = xq - Xc[base + i];
            row[i] += w * t * t;
          }
        }
        kernelFromR2InPlace(kind, row, n, s.signalVariance);
        let mu = 0;
        for (let i = 0; i < n; i++) mu += row[i] * s.alphaVec[i];
        mean[q0 + j] = mu * s.yStd + s.yMean;
      }
      if (!std) continue;
      forwardSubstituteRows(s.L, n, K, mb);
      for (let j = 0; j < mb; j++) {
        let vv = 0;
        for (let i = 0, o = j * n; i < n; i++) vv += K[o + i] * K[o + i];
        let variance = s.signalVariance - vv + (includeNoise ? s.noiseVariance : 0);
        if (variance < 0) variance = 0; // rounding at training points
        std[q0 + j] = Math.sqrt(variance) * s.yStd;
      }
    }
    return { mean, std };
  }

  /** Saves options and learned state as JSON-safe data. */
  toJSON(): EstimatorJSON<GaussianProcessOptions, GpStateJSON> {
    const s = this._state;
    return {
      type: "GaussianProcessRegressor",
      formatVersion: 1,
      options: { ...this.options },
      state: s ? { ...s, X: Array.from(s.X), alphaVec: Array.from(s.alphaVec), L: Array.from(s.L) } : null,
    };
  }

  /** Restores a GP saved with `toJSON()` (or its JSON string). */
  static fromJSON(json: EstimatorJSON | string): GaussianProcessRegressor {
    const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON<GaussianProcessOptions, GpStateJSON>;
    if (j.type !== "GaussianProcessRegressor") throw new ValidationError(`GaussianProcessRegressor.fromJSON: this is a saved ${j.type}, not a GaussianProcessRegressor`);
    const gp = new GaussianProcessRegressor(j.options);
    if (j.state) gp._state = { ...j.state, X: Float64Array.from(j.state.X), alphaVec: Float64Array.from(j.state.alphaVec), L: Float64Array.from(j.state.L) };
    return gp;
  }
}

function unpack(theta: Float64Array, layout: Layout, fixedNoise: number): { lengthScales: number[]; signalVariance: number; noiseVariance: number } {
  const lengthScales: number[] = [];
  for (let d = 0; d < layout.nLength; d++) lengthScales.push(Math.exp(theta[1 + d]));
  return {
    signalVariance: Math.exp(theta[0]),
    lengthScales,
    noiseVariance: layout.learnNoise ? Math.exp(theta[1 + layout.nLength]) : fixedNoise,
  };
}

/** Factory: `gaussianProcess({ kernel: "matern52", nRestarts: 5, seed: 0 })`. */
export function gaussianProcess(options: GaussianProcessOptions = {}): GaussianProcessRegressor {
  return new GaussianProcessRegressor(options);
}
