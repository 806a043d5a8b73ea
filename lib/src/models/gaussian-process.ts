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

/** Cholesky factorisation in place (lower triangle of a row-major n×n). Returns false when not positive definite. */
function cholesky(A: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j];
    for (let k = 0; k < j; k++) d -= A[rj + k] * A[rj + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= A[ri + k] * A[rj + k];
      A[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) A[rj + k] = 0;
  }
  return true;
}

/** Solves L z = b (forward) in place. */
function forward(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k];
    b[i] = s / L[ri + i];
  }
}

/** Solves Lᵀ z = b (backward) in place. */
function backward(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/** Kernel value from the scaled squared distance r² (length scales already applied), without σ². */
function kernelFromR2(kind: GpKernelName, r2: number): number {
  if (kind === "rbf") return Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  if (kind === "matern32") {
    const a = Math.sqrt(3) * r;
    return (1 + a) * Math.exp(-a);
  }
  const a = Math.sqrt(5) * r;
  return (1 + a + (a * a) / 3) * Math.exp(-a);
}

/**
 * ∂k/∂(log ℓ_d) = g(r²) · (Δ_d/ℓ_d)², returns g(r²) (finite at r = 0 for all three kernels).
 */
function kernelLogLengthFactor(kind: GpKernelName, r2: number): number {
  if (kind === "rbf") return Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  if (kind === "matern32") return 3 * Math.exp(-Math.sqrt(3) * r);
  const a = Math.sqrt(5) * r;
  return (5 / 3) * (1 + a) * Math.exp(-a);
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
    let best: Float64Array = theta0;
    if (o.optimize) {
      const objective = (theta: Float64Array, grad: Float64Array): number => {
        const r = this.lml(o.kernel, M, yn, theta, layout, fixedNoise, o.alpha, true);
        for (let k = 0; k < grad.length; k++) grad[k] = -r.grad![k];
        return -r.value;
      };
      const starts: Float64Array[] = [Float64Array.from(theta0, (v, k) => Math.min(upper[k], Math.max(lower[k], v)))];
      const rng = new Rng(o.seed);
      for (let s = 0; s < o.nRestarts; s++) starts.push(Float64Array.from(theta0, (_, k) => lower[k] + rng.nextFloat() * (upper[k] - lower[k])));
      let bestF = Infinity;
      for (const start of starts) {
        try {
          const res = minimizeLbfgs(objective, start, { lower, upper, maxIterations: o.maxIterations, gradientTolerance: 1e-5 });
          messages.push(res.message);
          if (res.f < bestF) {
            bestF = res.f;
            best = res.x;
          }
        } catch (err) {
          messages.push(`start failed: ${(err as Error).message}`);
        }
      }
      if (!Number.isFinite(bestF)) throw new ValidationError(`${name}: the marginal likelihood could not be evaluated at any start (${messages.join("; ")})`);
    }
    const final = this.lml(o.kernel, M, yn, best, layout, fixedNoise, o.alpha, false);
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
      alphaVec: final.alphaVec,
      L: final.L,
      jitter: final.jitter,
      logMarginalLikelihood: final.value,
      optimizerMessages: messages,
    };
    return this;
  }

  /**
   * Log marginal likelihood of the training data at hyperparameters in log space, with its gradient.
   * K = σ²·k(ℓ) + (σₙ² + alpha)·I; jitter (1e-10 … 1e-4 × mean diagonal) is added only if the Cholesky fails.
   */
  private lml(kind: GpKernelName, M: Matrix, y: Float64Array, theta: Float64Array, layout: Layout, fixedNoise: number, alpha: number, withGrad: boolean):
    { value: number; grad?: Float64Array; alphaVec: Float64Array; L: Float64Array; jitter: number } {
    const n = M.nRows;
    const p = M.nCols;
    const { lengthScales, signalVariance, noiseVariance } = unpack(theta, layout, fixedNoise);
    const inv = lengthScales.map((l) => 1 / l);
    const X = M.data;
    const R2 = new Float64Array(n * n);
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        let r2 = 0;
        for (let d = 0; d < p; d++) {
          const t = (X[i * p + d] - X[j * p + d]) * inv[layout.nLength === 1 ? 0 : d];
          r2 += t * t;
        }
        R2[i * n + j] = r2;
        const k = signalVariance * kernelFromR2(kind, r2);
        K[i * n + j] = k;
        K[j * n + i] = k;
      }
      K[i * n + i] = signalVariance + noiseVariance + alpha;
    }
    let jitter = 0;
    let L = Float64Array.from(K);
    if (!cholesky(L, n)) {
      let meanDiag = 0;
      for (let i = 0; i < n; i++) meanDiag += K[i * n + i];
      meanDiag /= n;
      let ok = false;
      for (let e = -10; e <= -4 && !ok; e++) {
        jitter = meanDiag * 10 ** e;
        L = Float64Array.from(K);
        for (let i = 0; i < n; i++) L[i * n + i] += jitter;
        ok = cholesky(L, n);
      }
      if (!ok) throw new ValidationError(`GaussianProcessRegressor: the covariance matrix is not positive definite even with jitter ${jitter.toExponential(1)} (duplicate rows with learnNoise: false?)`);
    }
    const a = Float64Array.from(y);
    forward(L, n, a);
    backward(L, n, a);
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += Math.log(L[i * n + i]);
    let yAy = 0;
    for (let i = 0; i < n; i++) yAy += y[i] * a[i];
    const value = -0.5 * yAy - logDet - 0.5 * n * Math.log(2 * Math.PI);
    if (!withGrad) return { value, alphaVec: a, L, jitter };
    // W = α αᵀ − K⁻¹; ∂LML/∂θ_k = ½ tr(W ∂K/∂θ_k).
    const Kinv = new Float64Array(n * n);
    const col = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      col.fill(0);
      col[j] = 1;
      forward(L, n, col);
      backward(L, n, col);
      for (let i = 0; i < n; i++) Kinv[i * n + j] = col[i];
    }
    const grad = new Float64Array(theta.length);
    let gSignal = 0;
    let gNoise = 0;
    const gLen = new Float64Array(layout.nLength);
    for (let i = 0; i < n; i++) {
      const wii = a[i] * a[i] - Kinv[i * n + i];
      gSignal += 0.5 * wii * signalVariance; // diagonal of σ²·k is σ²
      gNoise += 0.5 * wii * noiseVariance;
      for (let j = 0; j < i; j++) {
        const w = a[i] * a[j] - Kinv[i * n + j]; // symmetric: count twice
        const kij = K[i * n + j];
        gSignal += w * kij;
        const g = signalVariance * kernelLogLengthFactor(kind, R2[i * n + j]);
        for (let d = 0; d < p; d++) {
          const t = (X[i * p + d] - X[j * p + d]) * inv[layout.nLength === 1 ? 0 : d];
          gLen[layout.nLength === 1 ? 0 : d] += w * g * t * t;
        }
      }
    }
    grad[0] = gSignal;
    for (let d = 0; d < layout.nLength; d++) grad[1 + d] = gLen[d];
    if (layout.learnNoise) grad[1 + layout.nLength] = gNoise;
    return { value, grad, alphaVec: a, L, jitter };
  }

  /** Predictive mean (in the units of y). */
  predict(X: XInput): Float64Array {
    return this.predictWithStd(X).mean;
  }

  /** Predictive mean and standard deviation at new points. */
  predictWithStd(X: XInput, options: GpPredictOptions = {}): GpPrediction {
    const s = this.fitted("predict");
    const kind = this.getParams().kernel;
    const Xs = this.checkPredictX(X, false);
    const m = Xs.nRows;
    const n = s.n;
    const p = s.nFeatures;
    const mean = new Float64Array(m);
    const std = new Float64Array(m);
    const inv = s.lengthScales.map((l) => 1 / l);
    const kstar = new Float64Array(n);
    for (let q = 0; q < m; q++) {
      let mu = 0;
      for (let i = 0; i < n; i++) {
        let r2 = 0;
        for (let d = 0; d < p; d++) {
          const t = (Xs.data[q * p + d] - s.X[i * p + d]) * inv[d];
          r2 += t * t;
        }
        kstar[i] = s.signalVariance * kernelFromR2(kind, r2);
        mu += kstar[i] * s.alphaVec[i];
      }
      forward(s.L, n, kstar);
      let vv = 0;
      for (let i = 0; i < n; i++) vv += kstar[i] * kstar[i];
      let variance = s.signalVariance - vv + (options.includeNoise ? s.noiseVariance : 0);
      if (variance < 0) variance = 0; // rounding at training points
      mean[q] = mu * s.yStd + s.yMean;
      std[q] = Math.sqrt(variance) * s.yStd;
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
