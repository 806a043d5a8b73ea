import { ValidationError } from "./errors";

type Vec = ArrayLike<number>;

function check(name: string, yTrue: Vec, yPred: Vec): void {
  if (yTrue.length !== yPred.length) throw new ValidationError(`${name}: yTrue has ${yTrue.length} values but yPred has ${yPred.length}`);
  if (yTrue.length === 0) throw new ValidationError(`${name}: empty input`);
  for (let i = 0; i < yTrue.length; i++) {
    if (!Number.isFinite(yTrue[i])) throw new ValidationError(`${name}: yTrue[${i}] is ${yTrue[i]} (must be finite)`);
    if (!Number.isFinite(yPred[i])) throw new ValidationError(`${name}: yPred[${i}] is ${yPred[i]} (must be finite)`);
  }
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot (scikit-learn's `r2_score`; 1 is perfect, 0 is the mean
 * predictor, negative is worse than the mean). When yTrue is constant: 1 if the predictions are exact, else 0
 * (scikit-learn's convention).
 * @example r2([1, 2, 3], [1, 2, 4]) // 0.5
 */
export function r2(yTrue: Vec, yPred: Vec): number {
  check("r2", yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i] - yPred[i];
    const d = yTrue[i] - mean;
    ssRes += r * r;
    ssTot += d * d;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** Mean absolute error, in the unit of y. @example mae([1, 2], [2, 2]) // 0.5 */
export function mae(yTrue: Vec, yPred: Vec): number {
  check("mae", yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / yTrue.length;
}

/** Root-mean-square error, in the unit of y. @example rmse([0, 0], [3, 4]) // ≈ 3.536 */
export function rmse(yTrue: Vec, yPred: Vec): number {
  check("rmse", yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const r = yTrue[i] - yPred[i];
    s += r * r;
  }
  return Math.sqrt(s / yTrue.length);
}
