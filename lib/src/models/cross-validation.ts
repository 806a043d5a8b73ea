/**
 * Model validation: train/test split, group K-fold, cross-validation with per-fold and pooled metrics,
 * grid and random search, learning curves.
 *
 * Materials data need grouped splits: variants of one host (the same framework with different Li contents,
 * or polymorphs of one chemical system) are near-duplicates, and a random split that puts one in training
 * and its sibling in the test set measures memory, not prediction. `groupKFold` keeps each group on one side.
 */
import type { Regressor } from "./base";
import { ValidationError } from "./errors";
import { checkX, checkY, type XInput, type YInput } from "./input";
import { selectRows, type Matrix } from "./matrix";
import { mae, r2, rmse } from "./metrics";
import { Rng } from "./random";
import { andThen, forEachInOrder, isThenable, type MaybePromise } from "./maybe-async";
import { kFold, type Fold } from "./validation";

/** Metrics of one set of predictions. */
export interface RegressionScores {
  r2: number;
  mae: number;
  rmse: number;
  n: number;
}

/** Scores all three metrics. */
export function regressionScores(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionScores {
  return { r2: r2(yTrue, yPred), mae: mae(yTrue, yPred), rmse: rmse(yTrue, yPred), n: yTrue.length };
}

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Share of samples in the test set, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Shuffle seed. Default 0. */
  seed?: number;
  /** Group label per sample: whole groups go to one side (see below). */
  groups?: ArrayLike<string | number>;
  /**
   * With `groups`: the largest accepted gap between the achieved test share and `testFraction` (absolute, as a
   * share of all samples). Default 0.05. When no choice of whole groups comes that close — typically because one
   * group holds most of the rows — the split throws and says the closest share it found.
   */
  tolerance?: number;
}

/**
 * Seeded shuffled train/test split of `n` samples.
 *
 * Without `groups`, `round(testFraction · n)` samples (at least 1, at most n − 1) go to the test set.
 *
 * With `groups`, whole groups go to the test set and the test share is made as close to `testFraction` as whole
 * groups allow: the groups are shuffled (seeded) and taken greedily while they fit under the target; a group that
 * would overshoot is skipped when a smaller one fits. Then, while it brings the share closer, one more group is
 * added or one test group is swapped for a training group. Both sides keep at least one group. If the achieved
 * share is still more than `tolerance` (default 0.05) away from `testFraction`, a {@link ValidationError} names the
 * closest share found and the largest group, instead of silently returning, say, 99 test rows for a requested 20.
 *
 * @example trainTestSplit(n, { testFraction: 0.2, seed: 1, groups: chemicalSystems })
 */
export function trainTestSplit(n: number, options: TrainTestSplitOptions = {}): Fold {
  const frac = options.testFraction ?? 0.2;
  if (!(frac > 0 && frac < 1)) throw new ValidationError(`trainTestSplit: testFraction must be in (0, 1), got ${frac}`);
  if (!Number.isInteger(n) || n < 2) throw new ValidationError(`trainTestSplit: need at least 2 samples, got ${n}`);
  const rng = new Rng(options.seed ?? 0);
  const inTest = new Uint8Array(n);
  if (options.groups) {
    const groups = options.groups;
    const tolerance = options.tolerance ?? 0.05;
    if (!(tolerance >= 0 && tolerance < 1)) throw new ValidationError(`trainTestSplit: tolerance must be in [0, 1), got ${tolerance}`);
    if (groups.length !== n) throw new ValidationError(`trainTestSplit: ${groups.length} group labels for ${n} samples`);
    const byGroup = groupIndices(groups);
    if (byGroup.length < 2) throw new ValidationError(`trainTestSplit: groups must have at least 2 groups to split (got ${byGroup.length}: ${JSON.stringify(byGroup[0]?.key)})`);
    const chosen = chooseTestGroups(byGroup.map((g) => g.indices.length), n, frac * n, rng);
    let count = 0;
    chosen.forEach((c, g) => {
      if (!c) return;
      for (const i of byGroup[g].indices) inTest[i] = 1;
      count += byGroup[g].indices.length;
    });
    const achieved = count / n;
    if (Math.abs(achieved - frac) > tolerance + 1e-12) {
      let big = 0;
      byGroup.forEach((g, k) => { if (g.indices.length > byGroup[big].indices.length) big = k; });
      const bigSize = byGroup[big].indices.length;
      const round3 = (v: number): number => Number(v.toFixed(3));
      throw new ValidationError(
        `trainTestSplit: whole groups cannot give a test share within ${tolerance} of testFraction ${frac}: the closest found is ${round3(achieved)} (${count} of ${n} rows). ` +
        `The largest group '${byGroup[big].key}' has ${bigSize} rows (${round3((100 * bigSize) / n)} % of the data). ` +
        `Accept it with { tolerance: ${round3(Math.abs(achieved - frac) + 0.0005)} }, or use smaller groups.`,
      );
    }
  } else {
    const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const nTest = Math.max(1, Math.min(n - 1, Math.round(frac * n)));
    for (let k = 0; k < nTest; k++) inTest[perm[k]] = 1;
  }
  return splitByMask(inTest);
}

/**
 * Picks groups (by size) for the test set so that their total is close to `target` rows: seeded greedy fill in
 * shuffled order, then single additions and one-for-one swaps while they reduce the gap. Never empty, never all.
 */
function chooseTestGroups(sizes: number[], n: number, target: number, rng: Rng): Uint8Array {
  const G = sizes.length;
  const order = Array.from(rng.shuffle(Int32Array.from({ length: G }, (_, i) => i)));
  const chosen = new Uint8Array(G);
  let count = 0;
  for (const g of order) {
    if (count + sizes[g] <= target && count + sizes[g] < n) { chosen[g] = 1; count += sizes[g]; }
  }
  const gap = (c: number): number => Math.abs(c - target);
  const ok = (c: number): boolean => c > 0 && c < n;
  if (count === 0) {
    // every group is larger than the target: the one closest to it
    let best = -1;
    for (const g of order) if (ok(sizes[g]) && (best < 0 || gap(sizes[g]) < gap(sizes[best]))) best = g;
    chosen[best] = 1;
    count = sizes[best];
  }
  const rank = new Int32Array(G);
  order.forEach((g, r) => (rank[g] = r));
  for (let iter = 0; iter < 4 * G && gap(count) > 0.5; iter++) {
    // training groups sorted by size (ties in shuffled order); for "add b" and for each "swap a → b" the best b
    // is next to the size that would close the gap, found by binary search
    const out = order.filter((g) => !chosen[g]).sort((a, b) => sizes[a] - sizes[b] || rank[a] - rank[b]);
    if (out.length === 0) break;
    let bestCount = count;
    let add = -1;
    let remove = -1;
    const consider = (a: number): void => {
      const base = count - (a >= 0 ? sizes[a] : 0);
      const need = target - base;
      let lo = 0;
      let hi = out.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (sizes[out[mid]] < need) lo = mid + 1; else hi = mid; }
      for (const k of [lo - 1, lo]) {
        if (k < 0 || k >= out.length) continue;
        const c = base + sizes[out[k]];
        if (ok(c) && gap(c) < gap(bestCount) - 1e-9) { bestCount = c; add = out[k]; remove = a; }
      }
    };
    consider(-1);
    for (const a of order) if (chosen[a]) consider(a);
    if (add < 0) break;
    chosen[add] = 1;
    if (remove >= 0) chosen[remove] = 0;
    count = bestCount;
  }
  return chosen;
}

function splitByMask(inTest: Uint8Array): Fold {
  const test: number[] = [];
  const train: number[] = [];
  inTest.forEach((t, i) => (t ? test : train).push(i));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

function groupIndices(groups: ArrayLike<string | number>): { key: string; indices: number[] }[] {
  const map = new Map<string, number[]>();
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g === undefined || g === null || (typeof g === "number" && !Number.isFinite(g))) throw new ValidationError(`groups[${i}] is ${String(g)}; every sample needs a group label`);
    const key = String(g);
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  }
  return [...map.entries()].map(([key, indices]) => ({ key, indices }));
}

/**
 * Group K-fold: every group lands in exactly one test fold (scikit-learn's `GroupKFold`: groups sorted by
 * size, each assigned to the fold with the fewest samples so far, so folds are balanced).
 * @param groups - one label per sample (e.g. chemical system or framework formula)
 * @param seed - when given, groups of equal size are ordered randomly instead of by label
 */
export function groupKFold(groups: ArrayLike<string | number>, k: number, seed?: number): Fold[] {
  const byGroup = groupIndices(groups);
  if (!Number.isInteger(k) || k < 2) throw new ValidationError(`groupKFold: k must be an integer >= 2, got ${k}`);
  if (k > byGroup.length) throw new ValidationError(`groupKFold: k = ${k} folds but only ${byGroup.length} distinct groups`);
  const order = byGroup.map((_, i) => i);
  const tie = seed === undefined ? order.map((i) => i) : Array.from(new Rng(seed).shuffle(Int32Array.from(order)));
  const rank = new Map<number, number>();
  tie.forEach((g, r) => rank.set(g, r));
  order.sort((a, b) => byGroup[b].indices.length - byGroup[a].indices.length || (rank.get(a)! - rank.get(b)!));
  const size = new Array<number>(k).fill(0);
  const foldOf = new Int32Array(groups.length);
  for (const g of order) {
    let f = 0;
    for (let j = 1; j < k; j++) if (size[j] < size[f]) f = j;
    for (const i of byGroup[g].indices) foldOf[i] = f;
    size[f] += byGroup[g].indices.length;
  }
  return Array.from({ length: k }, (_, f) => splitByMask(Uint8Array.from(foldOf, (v) => (v === f ? 1 : 0))));
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** Number of folds (shuffled K-fold, or group K-fold when `groups` is given). Default 5. */
  k?: number;
  /** Explicit folds; overrides `k` and `groups`. */
  folds?: Fold[];
  /** Group label per sample: use group K-fold so no group is split between train and test. */
  groups?: ArrayLike<string | number>;
  /** Shuffle seed. Default 0. */
  seed?: number;
  /** Called after each fold (e.g. to update a progress bar). */
  onFold?: (fold: number, of: number, scores: RegressionScores) => void;
}

/** Result of {@link crossValidate}. */
export interface CrossValidationResult {
  /** Metrics on each test fold. */
  folds: RegressionScores[];
  /** Mean ± standard deviation of the per-fold metrics. */
  mean: RegressionScores;
  std: { r2: number; mae: number; rmse: number };
  /** Metrics of all out-of-fold predictions pooled together. */
  pooled: RegressionScores;
  /** Out-of-fold prediction of every sample (the basis of a parity plot). */
  oofPredictions: Float64Array;
  /** The targets, in sample order (for plotting against oofPredictions). */
  yTrue: Float64Array;
}

/** Anything with `clone()` that gives a fresh unfitted regressor, or a factory function. */
export type EstimatorSource = Regressor | (() => Regressor);

/**
 * An estimator whose `fit` trains asynchronously and returns a Promise (e.g. {@link MLPRegressor}, which trains on
 * tfjs). The validation utilities accept it and then return a Promise of their usual result.
 */
export interface AsyncRegressor {
  /** Learns from X and y; resolves when trained. */
  fit(X: XInput, y: YInput): PromiseLike<unknown>;
  /** Predicts one value per row of X (synchronous once fitted). */
  predict(X: XInput): Float64Array;
  /** An unfitted copy with the same options. */
  clone(): AsyncRegressor;
}

/** An {@link AsyncRegressor} to clone, or a factory of one. */
export type AsyncEstimatorSource = AsyncRegressor | (() => AsyncRegressor);

/** Any estimator source the validation utilities accept. */
export type AnyEstimatorSource = Regressor | AsyncRegressor | (() => Regressor | AsyncRegressor);

/** What the utilities need of an estimator, whichever kind its `fit` is. @internal */
interface AnyRegressor {
  fit(X: XInput, y: YInput): unknown;
  predict(X: XInput): Float64Array;
}

/** @internal A fresh unfitted estimator from a source (a clone, or a factory's product). */
export function freshEstimator(source: AnyEstimatorSource): AnyRegressor {
  return typeof source === "function" ? source() : source.clone();
}

/**
 * Runs a fit or predict on the rows `rows` of the caller's data and, when it throws a {@link ValidationError} about
 * one sample, rethrows it naming that sample's row in the caller's data (not its position inside the fold).
 * Works for fits that return a Promise too (the rejection is rewritten).
 */
function onRows<R>(caller: string, rows: Int32Array, where: string, run: () => R): R {
  const rewrite = (e: unknown): unknown => {
    if (!(e instanceof ValidationError) || e.input === undefined || e.row === undefined || !(e.row >= 0 && e.row < rows.length)) return e;
    const orig = rows[e.row];
    const rowText = `${e.input} row ${e.row}`;
    const message = e.message.includes(rowText)
      ? e.message.replace(rowText, `${e.input} row ${orig}`)
      : e.message.replace(`${e.input}[${e.row}]`, `${e.input}[${orig}]`);
    const out = new ValidationError(`${message} (in the ${where}; rows are numbered as in the data given to ${caller})`, { input: e.input, row: orig, ...(e.column === undefined ? {} : { column: e.column }) });
    out.stack = `${out.name}: ${out.message}\n${(e.stack ?? "").split("\n").slice(1).join("\n")}`;
    return out;
  };
  let r: R;
  try {
    r = run();
  } catch (e) {
    throw rewrite(e);
  }
  if (isThenable(r)) return Promise.resolve(r).catch((e: unknown) => { throw rewrite(e); }) as R;
  return r;
}

function prepared(name: string, X: XInput, y: YInput): { M: Matrix; Y: Float64Array } {
  const { X: M } = checkX(name, X, true);
  const cy = checkY(name, y, M.nRows);
  if (cy.nOutputs !== 1) throw new ValidationError(`${name}: one target per sample is supported, got ${cy.nOutputs}`);
  return { M, Y: cy.Y };
}

function foldsFor(n: number, options: CrossValidateOptions): Fold[] {
  return options.folds ?? (options.groups ? groupKFold(options.groups, options.k ?? 5, options.seed) : kFold(n, options.k ?? 5, options.seed ?? 0));
}

/**
 * Cross-validation on checked data; synchronous unless a fit returns a Promise. `caller` names the public function
 * in error messages. @internal
 */
export function crossValidateChecked(caller: string, source: AnyEstimatorSource, M: Matrix, Y: Float64Array, folds: readonly Fold[], onFold?: CrossValidateOptions["onFold"]): MaybePromise<CrossValidationResult> {
  const n = M.nRows;
  const oof = new Float64Array(n).fill(Number.NaN);
  const per: RegressionScores[] = [];
  const done = forEachInOrder(folds, (f, idx) => {
    const where = `fold ${idx + 1} of ${folds.length}`;
    const model = freshEstimator(source);
    const fitted = onRows(caller, f.train, `training rows of ${where}`, () => model.fit(selectRows(M, f.train), Float64Array.from(f.train, (i) => Y[i])));
    return andThen(fitted, () => {
      const pred = onRows(caller, f.test, `test rows of ${where}`, () => model.predict(selectRows(M, f.test)));
      const yt = Float64Array.from(f.test, (i) => Y[i]);
      f.test.forEach((i, k) => (oof[i] = pred[k]));
      const s = regressionScores(yt, pred);
      per.push(s);
      onFold?.(idx + 1, folds.length, s);
    });
  });
  return andThen(done, () => {
    const covered = oof.every((v) => !Number.isNaN(v));
    const mask = Array.from(oof, (v) => !Number.isNaN(v));
    const yCovered = Y.filter((_, i) => mask[i]);
    const pCovered = oof.filter((_, i) => mask[i]);
    const avg = (key: "r2" | "mae" | "rmse"): number => per.reduce((s, f) => s + f[key], 0) / per.length;
    const sd = (key: "r2" | "mae" | "rmse"): number => {
      const m = avg(key);
      return Math.sqrt(per.reduce((s, f) => s + (f[key] - m) ** 2, 0) / per.length);
    };
    return {
      folds: per,
      mean: { r2: avg("r2"), mae: avg("mae"), rmse: avg("rmse"), n: covered ? n : yCovered.length },
      std: { r2: sd("r2"), mae: sd("mae"), rmse: sd("rmse") },
      pooled: regressionScores(yCovered, pCovered),
      oofPredictions: oof,
      yTrue: Float64Array.from(Y),
    };
  });
}

/**
 * K-fold (or group K-fold) cross-validation: a fresh clone is fitted per fold; returns per-fold, mean and
 * pooled metrics and the out-of-fold predictions.
 *
 * **Asynchronous estimators.** When the estimator's `fit` returns a Promise (an {@link AsyncRegressor} such as
 * `MLPRegressor`), `crossValidate` returns a Promise of the same result: `await crossValidate(mlp, X, y)`. Folds
 * are then fitted one after another, so results are identical to the synchronous path. With a synchronous
 * estimator the result is returned directly, as before. The overloads give the precise type in both cases.
 *
 * @example
 * ```ts
 * const cv = crossValidate(randomForest({ seed: 0 }), X, y, { k: 5 });       // CrossValidationResult
 * const cvNet = await crossValidate(mlpRegressor({ epochs: 50 }), X, y);      // Promise<CrossValidationResult>
 * ```
 * @throws ValidationError for bad input; a bad row is named by its index in X (and its fold).
 */
export function crossValidate(source: EstimatorSource, X: XInput, y: YInput, options?: CrossValidateOptions): CrossValidationResult;
export function crossValidate(source: AsyncEstimatorSource, X: XInput, y: YInput, options?: CrossValidateOptions): Promise<CrossValidationResult>;
export function crossValidate(source: AnyEstimatorSource, X: XInput, y: YInput, options?: CrossValidateOptions): MaybePromise<CrossValidationResult>;
export function crossValidate(source: AnyEstimatorSource, X: XInput, y: YInput, options: CrossValidateOptions = {}): MaybePromise<CrossValidationResult> {
  const { M, Y } = prepared("crossValidate", X, y);
  return crossValidateChecked("crossValidate", source, M, Y, foldsFor(M.nRows, options), options.onFold);
}

/** One evaluated candidate of a search. */
export interface SearchCandidate<P> {
  params: P;
  result: CrossValidationResult;
}

/** Options of {@link gridSearch} / {@link randomSearch}. */
export interface SearchOptions extends CrossValidateOptions {
  /** Metric to rank by. Default "r2" (higher is better; mae/rmse lower is better). */
  scoring?: "r2" | "mae" | "rmse";
}

function rankCandidates<P>(cands: SearchCandidate<P>[], scoring: "r2" | "mae" | "rmse"): SearchCandidate<P>[] {
  const sign = scoring === "r2" ? -1 : 1;
  return [...cands].sort((a, b) => sign * (a.result.mean[scoring] - b.result.mean[scoring]));
}

/** Cross-validates every parameter set on the same folds, one after another, and ranks them. */
function evaluateCandidates<P>(caller: string, make: (params: P) => Regressor | AsyncRegressor, combos: P[], M: Matrix, Y: Float64Array, options: SearchOptions): MaybePromise<SearchCandidate<P>[]> {
  const folds = foldsFor(M.nRows, options);
  const cands: SearchCandidate<P>[] = [];
  const done = forEachInOrder(combos, (params) =>
    andThen(crossValidateChecked(caller, () => make(params), M, Y, folds, options.onFold), (result) => {
      cands.push({ params, result });
    }));
  return andThen(done, () => rankCandidates(cands, options.scoring ?? "r2"));
}

/**
 * Exhaustive search over a grid of options, each candidate cross-validated on the same folds.
 * Returns a Promise when `make` builds estimators whose `fit` is asynchronous (see {@link crossValidate}).
 * @param make - builds an estimator from one combination of options
 * @param grid - option name → list of values
 * @returns candidates ranked best first (by mean fold score)
 */
export function gridSearch<P extends Record<string, unknown>>(make: (params: P) => Regressor, grid: { [K in keyof P]: readonly P[K][] }, X: XInput, y: YInput, options?: SearchOptions): SearchCandidate<P>[];
export function gridSearch<P extends Record<string, unknown>>(make: (params: P) => AsyncRegressor, grid: { [K in keyof P]: readonly P[K][] }, X: XInput, y: YInput, options?: SearchOptions): Promise<SearchCandidate<P>[]>;
export function gridSearch<P extends Record<string, unknown>>(make: (params: P) => Regressor | AsyncRegressor, grid: { [K in keyof P]: readonly P[K][] }, X: XInput, y: YInput, options?: SearchOptions): MaybePromise<SearchCandidate<P>[]>;
export function gridSearch<P extends Record<string, unknown>>(
  make: (params: P) => Regressor | AsyncRegressor,
  grid: { [K in keyof P]: readonly P[K][] },
  X: XInput,
  y: YInput,
  options: SearchOptions = {},
): MaybePromise<SearchCandidate<P>[]> {
  const keys = Object.keys(grid) as (keyof P)[];
  for (const k of keys) if (!Array.isArray(grid[k]) || grid[k].length === 0) throw new ValidationError(`gridSearch: grid.${String(k)} must be a non-empty list`);
  const { M, Y } = prepared("gridSearch", X, y);
  const combos: P[] = [{} as P];
  for (const k of keys) {
    const next: P[] = [];
    for (const c of combos) for (const v of grid[k]) next.push({ ...c, [k]: v });
    combos.splice(0, combos.length, ...next);
  }
  return evaluateCandidates("gridSearch", make, combos, M, Y, options);
}

/** A distribution for {@link randomSearch}: a list to choose from, or a (log-)uniform range. */
export type ParamDistribution = readonly unknown[] | { uniform: [number, number] } | { logUniform: [number, number] } | { intUniform: [number, number] };

/**
 * Random search: `nIter` draws from the distributions (seeded), each cross-validated on the same folds.
 * Returns a Promise when `make` builds estimators whose `fit` is asynchronous (see {@link crossValidate}).
 */
export function randomSearch<P extends Record<string, unknown>>(make: (params: P) => Regressor, distributions: { [K in keyof P]: ParamDistribution }, X: XInput, y: YInput, options?: SearchOptions & { nIter?: number }): SearchCandidate<P>[];
export function randomSearch<P extends Record<string, unknown>>(make: (params: P) => AsyncRegressor, distributions: { [K in keyof P]: ParamDistribution }, X: XInput, y: YInput, options?: SearchOptions & { nIter?: number }): Promise<SearchCandidate<P>[]>;
export function randomSearch<P extends Record<string, unknown>>(make: (params: P) => Regressor | AsyncRegressor, distributions: { [K in keyof P]: ParamDistribution }, X: XInput, y: YInput, options?: SearchOptions & { nIter?: number }): MaybePromise<SearchCandidate<P>[]>;
export function randomSearch<P extends Record<string, unknown>>(
  make: (params: P) => Regressor | AsyncRegressor,
  distributions: { [K in keyof P]: ParamDistribution },
  X: XInput,
  y: YInput,
  options: SearchOptions & { nIter?: number } = {},
): MaybePromise<SearchCandidate<P>[]> {
  const { M, Y } = prepared("randomSearch", X, y);
  const rng = new Rng((options.seed ?? 0) + 1);
  const draw = (d: ParamDistribution): unknown => {
    if (Array.isArray(d)) return d[rng.nextInt(d.length)];
    const o = d as Record<string, [number, number]>;
    if (o.uniform) return o.uniform[0] + rng.nextFloat() * (o.uniform[1] - o.uniform[0]);
    if (o.logUniform) return Math.exp(Math.log(o.logUniform[0]) + rng.nextFloat() * (Math.log(o.logUniform[1]) - Math.log(o.logUniform[0])));
    if (o.intUniform) return o.intUniform[0] + rng.nextInt(o.intUniform[1] - o.intUniform[0] + 1);
    throw new ValidationError(`randomSearch: unknown distribution ${JSON.stringify(d)} (use a list, {uniform}, {logUniform} or {intUniform})`);
  };
  // all draws first (the fits do not use this generator, so the sequence is the same as drawing between fits)
  const combos: P[] = [];
  for (let it = 0; it < (options.nIter ?? 10); it++) {
    const params = {} as P;
    for (const k of Object.keys(distributions) as (keyof P)[]) params[k] = draw(distributions[k]) as P[keyof P];
    combos.push(params);
  }
  return evaluateCandidates("randomSearch", make, combos, M, Y, options);
}

/** One point of a learning curve. */
export interface LearningCurvePoint {
  trainSize: number;
  trainR2: number;
  testR2: number;
  testR2Std: number;
  testMae: number;
  testMaeStd: number;
}

/**
 * Learning curve: for each training-set fraction, fits on that share of every training fold (seeded subsample)
 * and scores on the fold's test set. Returns a Promise when the estimator's `fit` is asynchronous (see
 * {@link crossValidate}).
 * @param fractions - shares of the training folds, in (0, 1]. Default [0.1, 0.25, 0.5, 0.75, 1].
 */
export function learningCurve(source: EstimatorSource, X: XInput, y: YInput, options?: CrossValidateOptions & { fractions?: readonly number[] }): LearningCurvePoint[];
export function learningCurve(source: AsyncEstimatorSource, X: XInput, y: YInput, options?: CrossValidateOptions & { fractions?: readonly number[] }): Promise<LearningCurvePoint[]>;
export function learningCurve(source: AnyEstimatorSource, X: XInput, y: YInput, options?: CrossValidateOptions & { fractions?: readonly number[] }): MaybePromise<LearningCurvePoint[]>;
export function learningCurve(source: AnyEstimatorSource, X: XInput, y: YInput, options: CrossValidateOptions & { fractions?: readonly number[] } = {}): MaybePromise<LearningCurvePoint[]> {
  const { M, Y } = prepared("learningCurve", X, y);
  const folds = foldsFor(M.nRows, options);
  const fractions = options.fractions ?? [0.1, 0.25, 0.5, 0.75, 1];
  for (const frac of fractions) if (!(frac > 0 && frac <= 1)) throw new ValidationError(`learningCurve: fractions must be in (0, 1], got ${frac}`);
  const rng = new Rng(options.seed ?? 0);
  const points: LearningCurvePoint[] = [];
  const done = forEachInOrder(fractions, (frac) => {
    const tr: number[] = [];
    const te: number[] = [];
    const tm: number[] = [];
    let size = 0;
    const foldsDone = forEachInOrder(folds, (f, idx) => {
      const perm = rng.shuffle(Int32Array.from(f.train));
      const m = Math.max(2, Math.round(frac * perm.length));
      const sub = perm.slice(0, m).sort();
      size += m;
      const where = `fold ${idx + 1} of ${folds.length} (training fraction ${frac})`;
      const model = freshEstimator(source);
      const fitted = onRows("learningCurve", sub, `training rows of ${where}`, () => model.fit(selectRows(M, sub), Float64Array.from(sub, (i) => Y[i])));
      return andThen(fitted, () => {
        tr.push(r2(Float64Array.from(sub, (i) => Y[i]), onRows("learningCurve", sub, `training rows of ${where}`, () => model.predict(selectRows(M, sub)))));
        const p = onRows("learningCurve", f.test, `test rows of ${where}`, () => model.predict(selectRows(M, f.test)));
        const yt = Float64Array.from(f.test, (i) => Y[i]);
        te.push(r2(yt, p));
        tm.push(mae(yt, p));
      });
    });
    return andThen(foldsDone, () => {
      const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
      const std = (a: number[]): number => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / a.length);
      points.push({ trainSize: Math.round(size / folds.length), trainR2: mean(tr), testR2: mean(te), testR2Std: std(te), testMae: mean(tm), testMaeStd: std(tm) });
    });
  });
  return andThen(done, () => points);
}
