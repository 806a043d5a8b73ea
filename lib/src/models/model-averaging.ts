/**
 * Bayesian model averaging (§2.2.4): combine several regressors with weights from their held-out likelihood and
 * report a mean with an uncertainty that includes the spread between models.
 */
import type { Regressor } from "./base";
import { crossValidate, type CrossValidationResult, type EstimatorSource } from "./cross-validation";
import { NotFittedError, ValidationError } from "./errors";
import { checkX, checkY, type XInput, type YInput } from "./input";

/** Options of {@link BayesianModelAveraging}. */
export interface ModelAveragingOptions {
  /** The candidate models by name: estimators (cloned) or factories. At least two. */
  models: Record<string, EstimatorSource>;
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
export class BayesianModelAveraging {
  readonly options: Readonly<ModelAveragingOptions>;
  private fitted: { infos: AveragedModelInfo[]; models: Regressor[] } | null = null;

  constructor(options: ModelAveragingOptions) {
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

  /** Scores every model out of fold, computes weights, refits each on all data. Returns `this`. */
  fit(X: XInput, y: YInput): this {
    const { X: M } = checkX("BayesianModelAveraging", X, true);
    const { Y } = checkY("BayesianModelAveraging", y, M.nRows);
    const names = Object.keys(this.options.models);
    const infos: AveragedModelInfo[] = names.map((name) => {
      const cv = crossValidate(this.options.models[name], M, Y, { k: this.options.k ?? 5, groups: this.options.groups, seed: this.options.seed ?? 0 });
      const n = Y.length;
      let sse = 0;
      for (let i = 0; i < n; i++) sse += (Y[i] - cv.oofPredictions[i]) ** 2;
      const s2 = Math.max(sse / n, 1e-300);
      const logLikelihood = -0.5 * n * (Math.log(2 * Math.PI * s2) + 1);
      return { name, weight: 0, logLikelihood, residualStd: Math.sqrt(s2), cv };
    });
    const prior = (name: string): number => (this.options.prior ? (this.options.prior[name] ?? 0) : 1);
    const score = (info: AveragedModelInfo): number =>
      Math.log(prior(info.name)) + ((this.options.weighting ?? "bma") === "bma" ? info.logLikelihood : info.logLikelihood / Y.length);
    const mx = Math.max(...infos.map(score));
    const raw = infos.map((i) => Math.exp(score(i) - mx));
    const total = raw.reduce((a, b) => a + b, 0);
    infos.forEach((info, k) => (info.weight = raw[k] / total));
    const models = names.map((name) => {
      const src = this.options.models[name];
      return (typeof src === "function" ? src() : src.clone()).fit(M, Y);
    });
    this.fitted = { infos, models };
    return this;
  }

  private state(): { infos: AveragedModelInfo[]; models: Regressor[] } {
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
export function bayesianModelAveraging(options: ModelAveragingOptions): BayesianModelAveraging {
  return new BayesianModelAveraging(options);
}
