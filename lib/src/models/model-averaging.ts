/**
 * Bayesian model averaging (§2.2.4): combine several regressors with weights from their held-out likelihood and
 * report a mean with an uncertainty that includes the spread between models.
 */
import {
  crossValidateChecked, freshEstimator, groupKFold, type AnyEstimatorSource, type CrossValidationResult,
} from "./cross-validation";
import { BaseEstimator, type BaseState, type EstimatorJSON, type Regressor } from "./base";
import { ValidationError, checkOptionKeys } from "./errors";
import { checkX, checkY, type XInput, type YInput } from "./input";
import { andThen, forEachInOrder, type MaybePromise } from "./maybe-async";
import { loadModel, loadModelAsync } from "./registry";
import { kFold } from "./validation";

/** True when an estimator's `fit` returns a Promise. @internal */
type FitIsAsync<E> = E extends { fit(...args: never[]): infer F } ? (F extends PromiseLike<unknown> ? true : false) : false;
/** True when a source (estimator or factory) gives an estimator whose `fit` returns a Promise. @internal */
type SourceIsAsync<S> = S extends (...args: never[]) => infer R ? FitIsAsync<R> : FitIsAsync<S>;
/** Names of members whose `fit` is certainly asynchronous. @internal */
type AsyncMemberNames<M> = { [K in keyof M]: [SourceIsAsync<M[K]>] extends [true] ? K : never }[keyof M];

/**
 * What {@link BayesianModelAveraging.fit} returns for members `M`: `T` when every member fits synchronously,
 * `Promise<T>` when one of them is asynchronous (e.g. an MLP), and either when the member types do not say.
 */
export type ModelAveragingFitResult<M, T> =
  [{ [K in keyof M]: SourceIsAsync<M[K]> }[keyof M]] extends [false] ? T
    : [AsyncMemberNames<M>] extends [never] ? MaybePromise<T>
      : Promise<T>;

/** Options of {@link BayesianModelAveraging}. */
export interface ModelAveragingOptions<M extends Record<string, AnyEstimatorSource> = Record<string, AnyEstimatorSource>> {
  /**
   * The candidate models by name: estimators (cloned) or factories. At least two. Members whose `fit` returns a
   * Promise (an MLP) are allowed; `fit` then returns a Promise too.
   */
  models: M;
  /** Folds for the out-of-fold predictions that score each model. Default 5. */
  k?: number;
  /** Group labels for group K-fold (see crossValidate). */
  groups?: ArrayLike<string | number>;
  /** Fold seed. Default 0. */
  seed?: number;
  /**
   * "bma": weights ∝ prior × exp(total held-out log-likelihood), the posterior model probability, which
   * concentrates on one model as the data grow. "pseudo-bma-mean": weights ∝ prior × exp(mean held-out
   * log-likelihood per sample), a tempered variant that keeps several models in play. Default "bma".
   */
  weighting?: "bma" | "pseudo-bma-mean";
  /** Prior model probabilities by name (normalised); default uniform. */
  prior?: Record<string, number>;
}

/** Per-model diagnostics after fitting. */
export interface AveragedModelInfo {
  name: string;
  weight: number;
  /** Held-out Gaussian log-likelihood, summed over samples. */
  logLikelihood: number;
  /** Residual standard deviation of the out-of-fold predictions (the model's predictive noise). */
  residualStd: number;
  /**
   * Where this member's predictive σ_k in the mixture variance comes from: `"model"` when the fitted member gives
   * its own predictive standard deviation (`predictWithStd`, e.g. the Gaussian process, noise included), else
   * `"cv-residual"` (the constant `residualStd`).
   */
  stdSource: "model" | "cv-residual";
  cv: CrossValidationResult;
}

/** All options with defaults filled in ({@link BayesianModelAveraging.getParams}). */
export type ModelAveragingParams<M> = {
  models: M;
  k: number;
  groups: ArrayLike<string | number> | null;
  seed: number;
  weighting: "bma" | "pseudo-bma-mean";
  prior: Record<string, number> | null;
};

/** The options as saved by {@link BayesianModelAveraging.toJSON}: each member as its own unfitted `toJSON()`. */
export interface ModelAveragingJSONOptions {
  models: Record<string, EstimatorJSON>;
  k?: number;
  groups?: (string | number)[];
  seed?: number;
  weighting?: "bma" | "pseudo-bma-mean";
  prior?: Record<string, number>;
}

interface CvJSON {
  folds: CrossValidationResult["folds"];
  mean: CrossValidationResult["mean"];
  std: CrossValidationResult["std"];
  pooled: CrossValidationResult["pooled"];
  oofPredictions: number[];
  yTrue: number[];
}

/** The learned state as saved: diagnostics and each fitted member's own `toJSON()`. */
export interface ModelAveragingJSONState {
  nFeatures: number;
  featureNames: string[] | null;
  infos: (Omit<AveragedModelInfo, "cv"> & { cv: CvJSON })[];
  members: Record<string, EstimatorJSON>;
}

/** A fitted member as the averager uses it. @internal */
interface Member {
  predict(X: XInput): Float64Array;
  predictWithStd?: (X: XInput, options?: { includeNoise?: boolean }) => { mean: Float64Array; std: Float64Array };
  toJSON?: () => EstimatorJSON;
}

interface BmaState extends BaseState {
  infos: AveragedModelInfo[];
  members: Member[];
}

const OPTION_KEYS = ["models", "k", "groups", "seed", "weighting", "prior"] as const;

function hasOwnStd(m: Member): boolean {
  return typeof m.predictWithStd === "function";
}

/**
 * Bayesian model averaging of regressors. Each model's out-of-fold predictions give a Gaussian held-out
 * likelihood with its own residual variance σ_k²; posterior weights are w_k ∝ p(M_k)·exp(log L_k). The models
 * are then refitted on all data. The averaged prediction is a mixture: mean μ = Σ w_k μ_k and variance
 * Σ w_k (σ_k² + μ_k²) − μ², so disagreement between models widens the uncertainty.
 *
 * σ_k is the member's own predictive standard deviation where it has one — a fitted member with
 * `predictWithStd(X, { includeNoise: true })`, such as the Gaussian process, gives a σ_k(x) that grows away from
 * its training data (observation noise included, so it is on the same footing as a residual spread) — and the
 * member's out-of-fold residual spread `residualStd` otherwise ({@link AveragedModelInfo.stdSource} says which).
 * The weights use the out-of-fold residual likelihood for every member.
 *
 * Follows the estimator contract: options object, `fit` returns `this` (a Promise of `this` when a member's fit is
 * asynchronous), `getParams`, `clone`, {@link NotFittedError} before fit, seeded folds, JSON save/load (each member
 * saved by its own `toJSON`; {@link loadModel} / {@link loadModelAsync} restore it), number[][] / Matrix /
 * DataFrame input with column names checked at predict.
 *
 * @example
 * ```ts
 * const bma = new BayesianModelAveraging({ models: { rf: randomForest({ seed: 0 }), gp: gaussianProcess({ seed: 0 }) } }).fit(X, y);
 * bma.weights; // { rf: 0.83, gp: 0.17 }
 * const { mean, std } = bma.predictWithStd(Xtest);
 * const again = loadModel(JSON.stringify(bma)); // predicts exactly as bma
 * ```
 */
export class BayesianModelAveraging<M extends Record<string, AnyEstimatorSource> = Record<string, AnyEstimatorSource>>
  extends BaseEstimator<ModelAveragingOptions<M>, BmaState> {
  constructor(options: ModelAveragingOptions<M>) {
    if (typeof options !== "object" || options === null) throw new ValidationError(`BayesianModelAveraging: options must be an object with models, got ${String(options)}`);
    checkOptionKeys("BayesianModelAveraging", options, OPTION_KEYS);
    super(options);
    this.getParams();
  }

  /** `"BayesianModelAveraging"`. */
  get estimatorType(): string {
    return "BayesianModelAveraging";
  }

  /** All options with defaults filled in (validated). The member sources are returned as given. */
  getParams(): ModelAveragingParams<M> {
    const o = this.options;
    const name = "BayesianModelAveraging";
    const names = Object.keys(o.models ?? {});
    if (names.length < 2) throw new ValidationError(`${name}: give at least two models, got ${names.length}`);
    for (const n of names) {
      const src = o.models[n] as unknown;
      const ok = typeof src === "function" || (typeof src === "object" && src !== null && typeof (src as { clone?: unknown }).clone === "function");
      if (!ok) throw new ValidationError(`${name}: models.${n} must be an estimator (with clone()) or a factory function, got ${src === null ? "null" : typeof src}`);
    }
    if (o.prior) {
      for (const k of Object.keys(o.prior)) {
        if (!names.includes(k)) throw new ValidationError(`${name}: prior names unknown model '${k}' (models: ${names.join(", ")})`);
        if (!(o.prior[k] > 0)) throw new ValidationError(`${name}: prior of '${k}' must be > 0, got ${o.prior[k]}`);
      }
    }
    const k = o.k ?? 5;
    if (!Number.isInteger(k) || k < 2) throw new ValidationError(`${name}: k must be an integer >= 2, got ${k}`);
    const weighting = o.weighting ?? "bma";
    if (weighting !== "bma" && weighting !== "pseudo-bma-mean") throw new ValidationError(`${name}: weighting must be "bma" or "pseudo-bma-mean", got ${JSON.stringify(weighting)}`);
    const seed = o.seed ?? 0;
    if (!Number.isFinite(seed)) throw new ValidationError(`${name}: seed must be a finite number, got ${seed}`);
    return { models: o.models, k, groups: o.groups ?? null, seed, weighting, prior: o.prior ?? null };
  }

  /** An unfitted copy with the same options (members are cloned at fit time anyway). */
  clone(): BayesianModelAveraging<M> {
    return new BayesianModelAveraging<M>({ ...this.options });
  }

  /** Papers implemented. */
  citations(): string[] {
    return [
      "J. A. Hoeting, D. Madigan, A. E. Raftery, C. T. Volinsky, \"Bayesian model averaging: a tutorial\", Statistical Science 14, 382–417 (1999)",
      "Y. Yao, A. Vehtari, D. Simpson, A. Gelman, \"Using stacking to average Bayesian predictive distributions\", Bayesian Analysis 13, 917–1007 (2018)",
    ];
  }

  /**
   * Scores every model out of fold, computes weights, refits each on all data. Returns `this` — or a Promise of
   * `this` when a member's `fit` is asynchronous (an MLP): `await bma.fit(X, y)`. Members are cross-validated and
   * refitted one after another either way, so the result does not depend on which path ran.
   */
  fit(X: XInput, y: YInput): ModelAveragingFitResult<M, this> {
    const p = this.getParams();
    const { X: M, featureNames } = checkX("BayesianModelAveraging", X, true);
    const { Y } = checkY("BayesianModelAveraging", y, M.nRows);
    const names = Object.keys(p.models);
    const folds = p.groups ? groupKFold(p.groups, p.k, p.seed) : kFold(M.nRows, p.k, p.seed);
    const infos: AveragedModelInfo[] = [];
    const scored = forEachInOrder(names, (name) =>
      andThen(crossValidateChecked("BayesianModelAveraging", p.models[name], M, Y, folds), (cv) => {
        const n = Y.length;
        let sse = 0;
        for (let i = 0; i < n; i++) sse += (Y[i] - cv.oofPredictions[i]) ** 2;
        const s2 = Math.max(sse / n, 1e-300);
        const logLikelihood = -0.5 * n * (Math.log(2 * Math.PI * s2) + 1);
        infos.push({ name, weight: 0, logLikelihood, residualStd: Math.sqrt(s2), stdSource: "cv-residual", cv });
      }));
    const result = andThen(scored, () => {
      const prior = (name: string): number => (p.prior ? (p.prior[name] ?? 0) : 1);
      const score = (info: AveragedModelInfo): number => Math.log(prior(info.name)) + (p.weighting === "bma" ? info.logLikelihood : info.logLikelihood / Y.length);
      const mx = Math.max(...infos.map(score));
      const raw = infos.map((i) => Math.exp(score(i) - mx));
      const total = raw.reduce((a, b) => a + b, 0);
      infos.forEach((info, j) => (info.weight = raw[j] / total));
      const members = names.map((name) => freshEstimator(p.models[name]) as Member & { fit(X: XInput, y: YInput): unknown });
      const refitted = forEachInOrder(members, (m) => m.fit(M, Y));
      return andThen(refitted, () => {
        members.forEach((m, j) => (infos[j].stdSource = hasOwnStd(m) ? "model" : "cv-residual"));
        this._state = { nFeatures: M.nCols, featureNames, infos, members };
        return this;
      });
    });
    return result as ModelAveragingFitResult<M, this>;
  }

  /** Posterior weight of each model, by name. */
  get weights(): Record<string, number> {
    return Object.fromEntries(this.fitted("weights").infos.map((i) => [i.name, i.weight]));
  }

  /** Per-model weights, held-out log-likelihoods, residual spreads, σ sources and CV results. */
  get models(): AveragedModelInfo[] {
    return this.fitted("models").infos;
  }

  /** Averaged prediction. */
  predict(X: XInput): Float64Array {
    return this.predictWithStd(X).mean;
  }

  /**
   * Averaged prediction with the mixture standard deviation √(Σ w_k (σ_k² + μ_k²) − μ²): each member's predictive
   * spread (its own σ_k(x) where it gives one, else its out-of-fold residual spread) plus the spread between members.
   */
  predictWithStd(X: XInput): { mean: Float64Array; std: Float64Array; perModel: Record<string, Float64Array> } {
    const { infos, members } = this.fitted("predict");
    const Xm = this.checkPredictX(X, true);
    const n = Xm.nRows;
    const mean = new Float64Array(n);
    const second = new Float64Array(n);
    const perModel: Record<string, Float64Array> = {};
    infos.forEach((info, k) => {
      const m = members[k];
      let mu: Float64Array;
      let sd: Float64Array | null = null;
      if (info.stdSource === "model" && m.predictWithStd) {
        const r = m.predictWithStd(Xm, { includeNoise: true });
        mu = r.mean;
        sd = r.std;
      } else {
        mu = m.predict(Xm);
      }
      const s2 = info.residualStd ** 2;
      for (let i = 0; i < n; i++) {
        mean[i] += info.weight * mu[i];
        second[i] += info.weight * ((sd ? sd[i] * sd[i] : s2) + mu[i] * mu[i]);
      }
      perModel[info.name] = mu;
    });
    const std = Float64Array.from(mean, (m, i) => Math.sqrt(Math.max(second[i] - m * m, 0)));
    return { mean, std, perModel };
  }

  /**
   * A JSON-safe snapshot: the options with each member as its own unfitted `toJSON()` (factories are saved as the
   * estimator they build), and, when fitted, the diagnostics and each fitted member's `toJSON()`.
   * @throws ValidationError when a member has no `toJSON`.
   */
  toJSON(): EstimatorJSON<ModelAveragingJSONOptions, ModelAveragingJSONState> {
    const p = this.getParams();
    const save = (name: string, m: unknown): EstimatorJSON => {
      if (typeof (m as Member).toJSON !== "function") throw new ValidationError(`BayesianModelAveraging.toJSON: member '${name}' has no toJSON(), so it cannot be saved`);
      return (m as { toJSON(): EstimatorJSON }).toJSON();
    };
    const models: Record<string, EstimatorJSON> = {};
    for (const [name, src] of Object.entries(p.models)) {
      const unfitted = typeof src === "function" ? src() : src.clone();
      models[name] = { ...save(name, unfitted), state: null };
    }
    const options: ModelAveragingJSONOptions = { models };
    if (this.options.k !== undefined) options.k = this.options.k;
    if (this.options.groups !== undefined) options.groups = Array.from(this.options.groups);
    if (this.options.seed !== undefined) options.seed = this.options.seed;
    if (this.options.weighting !== undefined) options.weighting = this.options.weighting;
    if (this.options.prior !== undefined) options.prior = { ...this.options.prior };
    const s = this._state;
    const state: ModelAveragingJSONState | null = s === null ? null : {
      nFeatures: s.nFeatures,
      featureNames: s.featureNames,
      infos: s.infos.map((i) => ({
        ...i,
        cv: { folds: i.cv.folds, mean: i.cv.mean, std: i.cv.std, pooled: i.cv.pooled, oofPredictions: Array.from(i.cv.oofPredictions), yTrue: Array.from(i.cv.yTrue) },
      })),
      members: Object.fromEntries(s.infos.map((i, k) => [i.name, save(i.name, s.members[k])])),
    };
    return { type: "BayesianModelAveraging", formatVersion: 1, options, state };
  }

  /**
   * Restores an averager saved with `toJSON()` (object or JSON string); each member is loaded by {@link loadModel}
   * from its own saved form. Members that load asynchronously (an MLP) need {@link BayesianModelAveraging.fromJSONAsync}.
   */
  static fromJSON(json: EstimatorJSON | string): BayesianModelAveraging<Record<string, Regressor>> {
    const j = parseJSON(json);
    const load = (name: string, m: EstimatorJSON): Regressor => {
      if (m.type === "MLPRegressor") throw new ValidationError(`BayesianModelAveraging.fromJSON: member '${name}' is an MLPRegressor, which loads asynchronously: use await BayesianModelAveraging.fromJSONAsync(json) or await loadModelAsync(json)`);
      return loadModel(m);
    };
    return restore(j, (name, m) => load(name, m)) as BayesianModelAveraging<Record<string, Regressor>>;
  }

  /** Like {@link BayesianModelAveraging.fromJSON}, for members that load asynchronously (an MLP) too. */
  static async fromJSONAsync(json: EstimatorJSON | string): Promise<BayesianModelAveraging> {
    const j = parseJSON(json);
    const loaded: Record<string, unknown> = {};
    for (const [name, m] of Object.entries(j.options.models)) loaded[`o:${name}`] = await loadModelAsync(m);
    for (const [name, m] of Object.entries(j.state?.members ?? {})) loaded[`s:${name}`] = await loadModelAsync(m);
    return restore(j, (name, _m, where) => loaded[`${where}:${name}`]);
  }
}

function parseJSON(json: EstimatorJSON | string): EstimatorJSON<ModelAveragingJSONOptions, ModelAveragingJSONState> {
  const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON<ModelAveragingJSONOptions, ModelAveragingJSONState>;
  if (j.type !== "BayesianModelAveraging") throw new ValidationError(`BayesianModelAveraging.fromJSON: this is a saved ${j.type}, not a BayesianModelAveraging`);
  return j;
}

function restore(
  j: EstimatorJSON<ModelAveragingJSONOptions, ModelAveragingJSONState>,
  load: (name: string, m: EstimatorJSON, where: "o" | "s") => unknown,
): BayesianModelAveraging {
  const { models, ...rest } = j.options;
  const sources = Object.fromEntries(Object.entries(models).map(([name, m]) => [name, load(name, m, "o") as AnyEstimatorSource]));
  const bma = new BayesianModelAveraging({ ...rest, models: sources });
  const s = j.state;
  if (s) {
    const infos: AveragedModelInfo[] = s.infos.map((i) => ({
      ...i,
      cv: { ...i.cv, oofPredictions: Float64Array.from(i.cv.oofPredictions, (v) => (v === null ? Number.NaN : v)), yTrue: Float64Array.from(i.cv.yTrue) },
    }));
    const members = infos.map((i) => {
      const saved = s.members[i.name];
      if (!saved) throw new ValidationError(`BayesianModelAveraging.fromJSON: the saved state has no member '${i.name}'`);
      return load(i.name, saved, "s") as Member;
    });
    (bma as unknown as { _state: BmaState })._state = { nFeatures: s.nFeatures, featureNames: s.featureNames, infos, members };
  }
  return bma;
}

/** Factory: `bayesianModelAveraging({ models: { ... } })`. */
export function bayesianModelAveraging<M extends Record<string, AnyEstimatorSource>>(options: ModelAveragingOptions<M>): BayesianModelAveraging<M> {
  return new BayesianModelAveraging(options);
}
