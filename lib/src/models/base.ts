import { NotFittedError, ValidationError } from "./errors";
import { CheckedX, XInput, YInput, checkX } from "./input";
import { Matrix } from "./matrix";

/** What every estimator's `toJSON()` produces; `fromJSON` / {@link loadModel} read it back exactly. */
export interface EstimatorJSON<O = unknown, S = unknown> {
  /** The estimator class, e.g. `"RandomForestRegressor"`. */
  type: string;
  /** Format version of the saved model. */
  formatVersion: 1;
  /** The options as given to the constructor. */
  options: O;
  /** The learned state (null when saved unfitted). */
  state: S | null;
}

/**
 * The scikit-learn estimator contract shared by the library's regressors: options stored unchanged, `fit`
 * returns `this`, learned state kept apart and guarded by {@link NotFittedError}.
 */
export interface Regressor {
  /** Learns from X (samples × features) and y; returns `this`. */
  fit(X: XInput, y: YInput): this;
  /** Predicts one value per row of X (row-major n × nOutputs for multi-output models). */
  predict(X: XInput): Float64Array;
  /** All parameters with defaults filled in. */
  getParams(): Record<string, unknown>;
  /** An unfitted copy with the same options. */
  clone(): Regressor;
  /** True after a successful `fit`. */
  readonly isFitted: boolean;
  /** Papers the model implements. */
  citations(): string[];
  /** A JSON-safe snapshot (options and learned state). */
  toJSON(): EstimatorJSON;
}

/** Fitted state common to all estimators. @internal */
export interface BaseState {
  nFeatures: number;
  featureNames: string[] | null;
}

/** @internal Base class holding options and guarding state. */
export abstract class BaseEstimator<O extends object, S extends BaseState> {
  /** The options exactly as given (never modified by fitting). */
  readonly options: Readonly<O>;
  /** @internal */
  protected _state: S | null = null;

  protected constructor(options: O) {
    this.options = Object.freeze({ ...options });
  }

  /** The class name used in messages and JSON. */
  abstract get estimatorType(): string;

  /** True after a successful `fit`. */
  get isFitted(): boolean {
    return this._state !== null;
  }

  /** @internal The learned state; throws {@link NotFittedError} before `fit`. */
  protected fitted(what = "predict"): S {
    if (this._state === null) throw new NotFittedError(this.estimatorType, what);
    return this._state;
  }

  /** Feature names learned from a DataFrame at fit time (else `x0`, `x1`, …). */
  get featureNames(): string[] {
    const s = this.fitted("featureNames");
    return s.featureNames ?? Array.from({ length: s.nFeatures }, (_, j) => `x${j}`);
  }

  /** @internal Checks X at predict time against what was seen at fit. */
  protected checkPredictX(X: XInput, allowNaN: boolean): Matrix {
    const s = this.fitted("predict");
    const c: CheckedX = checkX(this.estimatorType, X, allowNaN);
    if (c.X.nCols !== s.nFeatures) {
      throw new ValidationError(`${this.estimatorType}: X has ${c.X.nCols} features but the model was fitted with ${s.nFeatures}${s.featureNames ? ` (${s.featureNames.join(", ")})` : ""}`);
    }
    if (c.featureNames && s.featureNames) {
      for (let j = 0; j < s.nFeatures; j++) {
        if (c.featureNames[j] !== s.featureNames[j]) {
          throw new ValidationError(`${this.estimatorType}: column ${j} of X is '${c.featureNames[j]}' but the model was fitted with '${s.featureNames[j]}' there (same columns in the same order are required)`);
        }
      }
    }
    return c.X;
  }
}
