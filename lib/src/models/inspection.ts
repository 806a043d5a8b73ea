import { ValidationError } from "./errors";
import { XInput, YInput, checkX, checkY } from "./input";
import { Matrix } from "./matrix";
import { r2 } from "./metrics";
import { Rng } from "./random";

/** Anything with a `predict(X)` returning one value per row. */
export interface Predictor {
  predict(X: XInput): Float64Array;
}

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** Times each column is shuffled. Default 5. */
  nRepeats?: number;
  /** Seed of the shuffles. Default 0. */
  seed?: number;
  /** Score to degrade (higher is better). Default R² ({@link r2}). */
  scoring?: (yTrue: Float64Array, yPred: Float64Array) => number;
}

/** Result of {@link permutationImportance}. */
export interface PermutationImportanceResult {
  /** Mean drop of the score when the feature is shuffled, per feature. */
  importancesMean: Float64Array;
  /** Standard deviation of the drop over repeats (population, as scikit-learn), per feature. */
  importancesStd: Float64Array;
  /** All drops, row-major nFeatures × nRepeats. */
  importances: Matrix;
  /** The score on unshuffled data. */
  baselineScore: number;
}

/**
 * Permutation importance (Breiman 2001; scikit-learn's `permutation_importance`): how much the score of a fitted
 * single-output model drops when one feature column is shuffled, breaking its link with y. Best on held-out data.
 * @example permutationImportance(rf, Xtest, ytest, { nRepeats: 10, seed: 0 }).importancesMean
 */
export function permutationImportance(model: Predictor, X: XInput, y: YInput, options: PermutationImportanceOptions = {}): PermutationImportanceResult {
  const nRepeats = options.nRepeats ?? 5;
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new ValidationError(`permutationImportance: nRepeats must be an integer ≥ 1, got ${nRepeats}`);
  const scoring = options.scoring ?? ((a: Float64Array, b: Float64Array) => r2(a, b));
  const cx = checkX("permutationImportance", X, true);
  const { nRows: n, nCols: p } = cx.X;
  const cy = checkY("permutationImportance", y, n);
  if (cy.nOutputs !== 1) throw new ValidationError("permutationImportance: y must have one value per sample");
  const asInput = (m: Matrix): XInput => (cx.featureNames ? { values: Array.from({ length: n }, (_, i) => Array.from(m.data.subarray(i * p, (i + 1) * p))), columns: cx.featureNames } : m);
  const baselineScore = scoring(cy.Y, model.predict(asInput(cx.X)));
  const rng = new Rng(options.seed ?? 0);
  const work = { data: cx.X.data.slice(), nRows: n, nCols: p };
  const col = new Float64Array(n);
  const imps = new Float64Array(p * nRepeats);
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < n; i++) col[i] = cx.X.data[i * p + f];
    for (let r = 0; r < nRepeats; r++) {
      const perm = rng.shuffle(col.slice());
      for (let i = 0; i < n; i++) work.data[i * p + f] = perm[i];
      imps[f * nRepeats + r] = baselineScore - scoring(cy.Y, model.predict(asInput(work)));
    }
    for (let i = 0; i < n; i++) work.data[i * p + f] = col[i];
    let s = 0;
    for (let r = 0; r < nRepeats; r++) s += imps[f * nRepeats + r];
    mean[f] = s / nRepeats;
    let v = 0;
    for (let r = 0; r < nRepeats; r++) v += (imps[f * nRepeats + r] - mean[f]) ** 2;
    std[f] = Math.sqrt(v / nRepeats);
  }
  return { importancesMean: mean, importancesStd: std, importances: { data: imps, nRows: p, nCols: nRepeats }, baselineScore };
}
