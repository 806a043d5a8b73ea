/**
 * Bayesian model averaging (§2.2.4): combine several regressors with weights from their held-out likelihood and
 * report a mean with an uncertainty that includes the spread between models.
 */
import {
  crossValidateChecked, freshEstimator, groupKFold, type AnyEstimatorSource, type CrossValidationResult,
} from "./cross-validation";
import { NotFittedError, ValidationError } from "./errors";
import { checkX, checkY, type XInput, type YInput } from "./input";
import { andThen, forEachInOrder, type MaybePromise } from "./maybe-async";
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
  cv: CrossValidationResult;
}

/**
 * Bayesian model averaging of regressors. Each model's out-of-fold predictions give a Gaussian held-out
 * likelihood with its own residual variance σ_k²; posterior weights are w_k ∝ p(M_k)·exp(log L_k). The models
 * are then refitted on all data. The averaged prediction is a mixture: mean Σ w_k μ_k and variance
 * Σ w_k (σ_k² + μ_k²) − mean², so disagreement between models widens the uncertainty.
 *
 * @example
 * ```ts
 * const bma = new BayesianModelAveraging({ models: { rf: randomForest({ seed: 0 }), gbm: gradientBoosting({}) } }).fit(X, y);
 * bma.weights; // { rf: 0.83, gbm: 0.17 }
 * const { mean, std } = bma.predictWithStd(Xtest);
 * ```
 */
export class BayesianModelAveraging<M extends Record<string, AnyEstimatorSource> = Record<string, AnyEstimatorSource>> {
  readonly options: Readonly<ModelAveragingOptions<M>>;
  private fitted: { infos: AveragedModelInfo[]; models: { predict(X: XInput): Float64Array }[] } | null = null;

  constructor(options: ModelAveragingOptions<M>) {
    const names = Object.keys(options.models ?? {});
    if (names.length < 2) throw new ValidationError(`BayesianModelAveraging: give at least two models, got ${names.length}`);
    if (options.prior) {
      for (const k of Object.keys(options.prior)) {
        if (!names.includes(k)) throw new ValidationError(`BayesianModelAveraging: prior names unknown model '${k}' (models: ${names.join(", ")})`);
        if (!(options.prior[k] > 0)) throw new ValidationError(`BayesianModelAveraging: prior of '${k}' must be > 0, got ${options.prior[k]}`);
      }
    }
    this.options = Object.freeze({ ...options });
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
    const { X: M } = checkX("BayesianModelAveraging", X, true);
    const { Y } = checkY("BayesianModelAveraging", y, M.nRows);
    const names = Object.keys(this.options.models);
    const k = this.options.k ?? 5;
    const seed = this.options.seed ?? 0;
    const folds = this.options.groups ? groupKFold(this.options.groups, k, seed) : kFold(M.nRows, k, seed);
    const infos: AveragedModelInfo[] = [];
    const scored = forEachInOrder(names, (name) =>
      andThen(crossValidateChecked("BayesianModelAveraging", this.options.models[name], M, Y, folds), (cv) => {
        const n = Y.length;
        let sse = 0;
        for (let i = 0; i < n; i++) sse += (Y[i] - cv.oofPredictions[i]) ** 2;
        const s2 = Math.max(sse / n, 1e-300);
        const logLikelihood = -0.5 * n * (Math.log(2 * Math.PI * s2) + 1);
        infos.push({ name, weight: 0, logLikelihood, residualStd: Math.sqrt(s2), cv });
      }));
    const result = andThen(scored, () => {
      const prior = (name: string): number => (this.options.prior ? (this.options.prior[name] ?? 0) : 1);
      const score = (info: AveragedModelInfo): number =>
        Math.log(prior(info.name)) + ((this.options.weighting ?? "bma") === "bma" ? info.logLikelihood : info.logLikelihood / Y.length);
      const mx = Math.max(...infos.map(score));
      const raw = infos.map((i) => Math.exp(score(i) - mx));
      const total = raw.reduce((a, b) => a + b, 0);
      infos.forEach((info, j) => (info.weight = raw[j] / total));
      const models = names.map((name) => freshEstimator(this.options.models[name]));
      const refitted = forEachInOrder(models, (m) => m.fit(M, Y));
      return andThen(refitted, () => {
        this.fitted = { infos, models };
        return this;
      });
    });
    return result as ModelAveragingFitResult<M, this>;
  }

  private state(): { infos: AveragedModelInfo[]; models: { predict(X: XInput): Float64Array }[] } {
    if (!this.fitted) throw new NotFittedError("BayesianModelAveraging", "predict");
    return this.fitted;
  }

  /** Posterior weight of each model, by name. */
  get weights(): Record<string, number> {
    return Object.fromEntries(this.state().infos.map((i) => [i.name, i.weight]));
  }

  /** Per-model weights, held-out log-likelihoods, residual spreads and CV results. */
  get models(): AveragedModelInfo[] {
    return this.state().infos;
  }

  /** Averaged prediction. */
  predict(X: XInput): Float64Array {
    return this.predictWithStd(X).mean;
  }

  /** Averaged prediction with the mixture standard deviation (model noise + between-model spread). */
  predictWithStd(X: XInput): { mean: Float64Array; std: Float64Array; perModel: Record<string, Float64Array> } {
    const { infos, models } = this.state();
    const preds = models.map((m) => m.predict(X));
    const n = preds[0].length;
    const mean = new Float64Array(n);
    const second = new Float64Array(n);
    infos.forEach((info, k) => {
      const s2 = info.residualStd ** 2;
      for (let i = 0; i < n; i++) {
        mean[i] += info.weight * preds[k][i];
        second[i] += info.weight * (s2 + preds[k][i] ** 2);
      }
    });
    const std = Float64Array.from(mean, (m, i) => Math.sqrt(Math.max(second[i] - m * m, 0)));
    return { mean, std, perModel: Object.fromEntries(infos.map((info, k) => [info.name, preds[k]])) };
  }
}

/** Factory: `bayesianModelAveraging({ models: { ... } })`. */
export function bayesianModelAveraging<M extends Record<string, AnyEstimatorSource>>(options: ModelAveragingOptions<M>): BayesianModelAveraging<M> {
  return new BayesianModelAveraging(options);
}
