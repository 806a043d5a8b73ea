import { ValidationError } from "./errors";
import { Rng } from "./random";

/** One train/test split of sample indices. */
export interface Fold {
  /** Indices used for fitting, ascending. */
  train: Int32Array;
  /** Held-out indices, ascending. */
  test: Int32Array;
}

/**
 * K-fold split of `n` samples after a seeded shuffle (like scikit-learn's `KFold(k, shuffle=True)`):
 * every sample is in exactly one test fold; fold sizes differ by at most one.
 * @example kFold(10, 5, 0).map(f => f.test.length) // [2, 2, 2, 2, 2]
 */
export function kFold(n: number, k: number, seed = 0): Fold[] {
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`kFold: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new ValidationError(`kFold: k must be an integer in 2..n (= ${n}), got ${k}`);
  const perm = new Rng(seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = perm.slice(start, start + size).sort();
    const inTest = new Uint8Array(n);
    for (const i of test) inTest[i] = 1;
    const train = new Int32Array(n - size);
    let t = 0;
    for (let i = 0; i < n; i++) if (!inTest[i]) train[t++] = i;
    folds.push({ train, test });
    start += size;
  }
  return folds;
}
