/**
 * Linear baselines: ridge regression (closed form) and elastic net (cyclic coordinate descent), both with
 * optional standardisation of the features inside the model.
 */
import { BaseEstimator, type BaseState, type EstimatorJSON } from "./base";
import { ValidationError, checkOptionKeys } from "./errors";
import { checkX, checkY, type XInput, type YInput } from "./input";
import type { Matrix } from "./matrix";

/** Options shared by the linear models. */
export interface LinearOptions {
  /** Regularisation strength α ≥ 0. Default 1. */
  alpha?: number;
  /** Standardise each feature (zero mean, unit variance) before fitting; coefficients are reported on that scale. Default true. */
  standardize?: boolean;
  /** Fit an intercept (the mean of y after centring). Default true. */
  fitIntercept?: boolean;
}

/** Options of {@link ElasticNetRegressor}. */
export interface ElasticNetOptions extends LinearOptions {
  /** Mix of L1 and L2: 1 is the lasso, 0 is ridge (scikit-learn's `l1_ratio`). Default 0.5. */
  l1Ratio?: number;
  /** Coordinate-descent iterations (full sweeps). Default 10000. */
  maxIterations?: number;
  /** Stop when the largest coefficient update is below tol × max|coef| (scikit-learn's dual-gap rule is stricter; this converges to the same optimum). Default 1e-8. */
  tol?: number;
}

interface LinearState extends BaseState {
  coef: number[];
  intercept: number;
  xMean: number[];
  xScale: number[];
  iterations: number;
}

function standardizeColumns(X: Matrix, standardize: boolean, center: boolean): { Z: Float64Array; mean: number[]; scale: number[] } {
  const { nRows: n, nCols: p, data } = X;
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(1);
  if (center) {
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += data[i * p + j];
    for (let j = 0; j < p; j++) mean[j] /= n;
  }
  if (standardize) {
    const v = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) v[j] += (data[i * p + j] - mean[j]) ** 2;
    // Constant columns keep scale 1 (scikit-learn's StandardScaler does the same).
    for (let j = 0; j < p; j++) scale[j] = v[j] > 0 ? Math.sqrt(v[j] / n) : 1;
  }
  // Column-major for the solvers.
  const Z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Z[j * n + i] = (data[i * p + j] - mean[j]) / scale[j];
  return { Z, mean, scale };
}

abstract class LinearModel<O extends LinearOptions> extends BaseEstimator<O, LinearState> {
  /** Coefficients (on the standardised scale when `standardize`). */
  get coef(): number[] {
    return [...this.fitted("coef").coef];
  }

  /** Intercept (in the unit of y). */
  get intercept(): number {
    return this.fitted("intercept").intercept;
  }

  /** Predicts one value per row. */
  predict(X: XInput): Float64Array {
    const s = this.fitted("predict");
    const M = this.checkPredictX(X, false);
    const out = new Float64Array(M.nRows);
    for (let i = 0; i < M.nRows; i++) {
      let v = s.intercept;
      for (let j = 0; j < M.nCols; j++) v += s.coef[j] * ((M.data[i * M.nCols + j] - s.xMean[j]) / s.xScale[j]);
      out[i] = v;
    }
    return out;
  }

  protected prepare(X: XInput, y: YInput, o: Required<LinearOptions>): { n: number; p: number; Z: Float64Array; yc: Float64Array; yMean: number; mean: number[]; scale: number[]; featureNames: string[] | null } {
    const { X: M, featureNames } = checkX(this.estimatorType, X, false);
    const cy = checkY(this.estimatorType, y, M.nRows);
    if (cy.nOutputs !== 1) throw new ValidationError(`${this.estimatorType}: one target per sample is supported, got ${cy.nOutputs}`);
    const { Z, mean, scale } = standardizeColumns(M, o.standardize, o.fitIntercept);
    let yMean = 0;
    if (o.fitIntercept) {
      for (let i = 0; i < M.nRows; i++) yMean += cy.Y[i];
      yMean /= M.nRows;
    }
    const yc = Float64Array.from(cy.Y, (v) => v - yMean);
    return { n: M.nRows, p: M.nCols, Z, yc, yMean, mean, scale, featureNames };
  }

  protected saveJSON(type: string): EstimatorJSON<O, LinearState> {
    return { type, formatVersion: 1, options: { ...this.options }, state: this._state ? { ...this._state } : null };
  }
}

function checkLinearOptions(name: string, o: Required<LinearOptions>): void {
  if (!(o.alpha >= 0) || !Number.isFinite(o.alpha)) throw new ValidationError(`${name}: alpha must be a finite number >= 0, got ${o.alpha}`);
}

const RIDGE_DEFAULTS: Required<LinearOptions> = { alpha: 1, standardize: true, fitIntercept: true };

/**
 * Ridge regression: minimises ‖y − Xw − b‖² + α‖w‖² (scikit-learn's `Ridge`, here with standardisation inside).
 * Solved exactly through the Cholesky factor of XᵀX + αI.
 * @example const m = ridge({ alpha: 1 }).fit(X, y); m.predict(Xtest);
 */
export class RidgeRegressor extends LinearModel<LinearOptions> {
  constructor(options: LinearOptions = {}) {
    checkOptionKeys("RidgeRegressor", options, Object.keys(RIDGE_DEFAULTS));
    super(options);
    this.getParams();
  }
  get estimatorType(): string {
    return "RidgeRegressor";
  }
  getParams(): Required<LinearOptions> {
    const o = { ...RIDGE_DEFAULTS, ...this.options };
    checkLinearOptions(this.estimatorType, o);
    return o;
  }
  clone(): RidgeRegressor {
    return new RidgeRegressor({ ...this.options });
  }
  citations(): string[] {
    return ["A. E. Hoerl, R. W. Kennard, \"Ridge regression: biased estimation for nonorthogonal problems\", Technometrics 12, 55–67 (1970)"];
  }
  /** Fits the model; returns `this`. */
  fit(X: XInput, y: YInput): this {
    const o = this.getParams();
    const { n, p, Z, yc, yMean, mean, scale, featureNames } = this.prepare(X, y, o);
    const A = new Float64Array(p * p);
    const b = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const cj = j * n;
      for (let k = 0; k <= j; k++) {
        const ck = k * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += Z[cj + i] * Z[ck + i];
        A[j * p + k] = s;
        A[k * p + j] = s;
      }
      A[j * p + j] += o.alpha;
      let t = 0;
      for (let i = 0; i < n; i++) t += Z[cj + i] * yc[i];
      b[j] = t;
    }
    // Cholesky solve; with alpha = 0 and collinear columns this can fail: say so.
    for (let j = 0; j < p; j++) {
      let d = A[j * p + j];
      for (let k = 0; k < j; k++) d -= A[j * p + k] ** 2;
      if (!(d > 1e-12 * (1 + Math.abs(A[j * p + j])))) {
        throw new ValidationError(`RidgeRegressor: XᵀX + αI is singular at feature ${j} (collinear or constant features with alpha = ${o.alpha}); use alpha > 0`);
      }
      const l = Math.sqrt(d);
      A[j * p + j] = l;
      for (let i = j + 1; i < p; i++) {
        let s = A[i * p + j];
        for (let k = 0; k < j; k++) s -= A[i * p + k] * A[j * p + k];
        A[i * p + j] = s / l;
      }
    }
    const w = Float64Array.from(b);
    for (let i = 0; i < p; i++) {
      let s = w[i];
      for (let k = 0; k < i; k++) s -= A[i * p + k] * w[k];
      w[i] = s / A[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = w[i];
      for (let k = i + 1; k < p; k++) s -= A[k * p + i] * w[k];
      w[i] = s / A[i * p + i];
    }
    this._state = { nFeatures: p, featureNames, coef: Array.from(w), intercept: yMean, xMean: mean, xScale: scale, iterations: 1 };
    return this;
  }
  /** Saves options and state. */
  toJSON(): EstimatorJSON {
    return this.saveJSON("RidgeRegressor");
  }
  /** Restores a model saved with `toJSON()`. */
  static fromJSON(json: EstimatorJSON | string): RidgeRegressor {
    const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON<LinearOptions, LinearState>;
    if (j.type !== "RidgeRegressor") throw new ValidationError(`RidgeRegressor.fromJSON: this is a saved ${j.type}`);
    const m = new RidgeRegressor(j.options);
    m._state = j.state;
    return m;
  }
}

const EN_DEFAULTS: Required<ElasticNetOptions> = { alpha: 1, standardize: true, fitIntercept: true, l1Ratio: 0.5, maxIterations: 10000, tol: 1e-8 };

/**
 * Elastic net: minimises (1/2n)‖y − Xw − b‖² + α·ρ‖w‖₁ + ½α(1 − ρ)‖w‖² (scikit-learn's `ElasticNet`
 * parameterisation, ρ = l1Ratio) by cyclic coordinate descent with soft thresholding.
 */
export class ElasticNetRegressor extends LinearModel<ElasticNetOptions> {
  constructor(options: ElasticNetOptions = {}) {
    checkOptionKeys("ElasticNetRegressor", options, Object.keys(EN_DEFAULTS));
    super(options);
    this.getParams();
  }
  get estimatorType(): string {
    return "ElasticNetRegressor";
  }
  getParams(): Required<ElasticNetOptions> {
    const o = { ...EN_DEFAULTS, ...this.options };
    checkLinearOptions(this.estimatorType, o);
    if (!(o.l1Ratio >= 0 && o.l1Ratio <= 1)) throw new ValidationError(`ElasticNetRegressor: l1Ratio must be in [0, 1], got ${o.l1Ratio}`);
    if (!Number.isInteger(o.maxIterations) || o.maxIterations < 1) throw new ValidationError(`ElasticNetRegressor: maxIterations must be a positive integer, got ${o.maxIterations}`);
    return o;
  }
  clone(): ElasticNetRegressor {
    return new ElasticNetRegressor({ ...this.options });
  }
  citations(): string[] {
    return [
      "H. Zou, T. Hastie, \"Regularization and variable selection via the elastic net\", J. R. Stat. Soc. B 67, 301–320 (2005)",
      "J. Friedman, T. Hastie, R. Tibshirani, \"Regularization paths for generalized linear models via coordinate descent\", J. Stat. Softw. 33 (2010)",
    ];
  }
  /** Number of full coordinate sweeps used by the last fit. */
  get iterations(): number {
    return this.fitted("iterations").iterations;
  }
  /** Fits the model; returns `this`. */
  fit(X: XInput, y: YInput): this {
    const o = this.getParams();
    const { n, p, Z, yc, yMean, mean, scale, featureNames } = this.prepare(X, y, o);
    const l1 = o.alpha * o.l1Ratio * n;
    const l2 = o.alpha * (1 - o.l1Ratio) * n;
    const norms = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Z[j * n + i] ** 2;
      norms[j] = s;
    }
    const w = new Float64Array(p);
    const r = Float64Array.from(yc); // residual y − Zw
    let it = 0;
    for (; it < o.maxIterations; it++) {
      let maxDelta = 0;
      let maxW = 0;
      for (let j = 0; j < p; j++) {
        if (norms[j] === 0) continue;
        const cj = j * n;
        const old = w[j];
        let rho = 0;
        for (let i = 0; i < n; i++) rho += Z[cj + i] * r[i];
        rho += norms[j] * old;
        const next = Math.sign(rho) * Math.max(Math.abs(rho) - l1, 0) / (norms[j] + l2);
        const delta = next - old;
        if (delta !== 0) {
          for (let i = 0; i < n; i++) r[i] -= delta * Z[cj + i];
          w[j] = next;
        }
        maxDelta = Math.max(maxDelta, Math.abs(delta));
        maxW = Math.max(maxW, Math.abs(next));
      }
      if (maxW === 0 || maxDelta <= o.tol * maxW) {
        it++;
        break;
      }
    }
    this._state = { nFeatures: p, featureNames, coef: Array.from(w), intercept: yMean, xMean: mean, xScale: scale, iterations: it };
    return this;
  }
  /** Saves options and state. */
  toJSON(): EstimatorJSON {
    return this.saveJSON("ElasticNetRegressor");
  }
  /** Restores a model saved with `toJSON()`. */
  static fromJSON(json: EstimatorJSON | string): ElasticNetRegressor {
    const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON<ElasticNetOptions, LinearState>;
    if (j.type !== "ElasticNetRegressor") throw new ValidationError(`ElasticNetRegressor.fromJSON: this is a saved ${j.type}`);
    const m = new ElasticNetRegressor(j.options);
    m._state = j.state;
    return m;
  }
}

/** Factory: `ridge({ alpha: 1 })`. */
export function ridge(options: LinearOptions = {}): RidgeRegressor {
  return new RidgeRegressor(options);
}

/** Factory: `elasticNet({ alpha: 0.01, l1Ratio: 0.5 })`. */
export function elasticNet(options: ElasticNetOptions = {}): ElasticNetRegressor {
  return new ElasticNetRegressor(options);
}
