import { BaseEstimator, BaseState, EstimatorJSON } from "./base";
import { ValidationError, checkOptionKeys } from "./errors";
import { XInput, YInput, checkX, checkY } from "./input";
import { Matrix, transpose } from "./matrix";
import { r2 } from "./metrics";
import { Rng } from "./random";
import { PresortedData, TreeArrays, buildTree, leafIndex, presort, treeImportances } from "./tree";

/** How many features each split may look at. */
export type MaxFeatures = number | "sqrt" | "log2" | { count: number };

/** Options of {@link RandomForestRegressor} (names and defaults follow scikit-learn 1.2's `RandomForestRegressor`). */
export interface RandomForestOptions {
  /** Number of trees. Default 100. */
  nEstimators?: number;
  /**
   * Features drawn (without replacement) at each split: a fraction in (0, 1] (`1` = all features, scikit-learn's
   * regressor default), an integer ≥ 2 (a count), `{ count: n }` (any count, including 1), `"sqrt"` or `"log2"`.
   * If every drawn feature is constant in a node, more are drawn (as scikit-learn does). Default 1.
   */
  maxFeatures?: MaxFeatures;
  /** Maximum tree depth (root = depth 0); `null` grows until leaves are pure or too small. Default null. */
  maxDepth?: number | null;
  /** A node with fewer distinct samples than this is not split. Default 2. */
  minSamplesSplit?: number;
  /** Each leaf keeps at least this many distinct samples. Default 1. */
  minSamplesLeaf?: number;
  /** Fit every tree on a bootstrap sample (drawn with replacement, same size as the data). Default true. */
  bootstrap?: boolean;
  /** Compute the out-of-bag R² (`oobScore`) and predictions after fitting (needs bootstrap). Default false. */
  oobScore?: boolean;
  /** Seed of the bootstrap and feature draws; equal seeds give identical forests. Default 0. */
  seed?: number;
}

const DEFAULTS: Required<RandomForestOptions> = {
  nEstimators: 100,
  maxFeatures: 1,
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  bootstrap: true,
  oobScore: false,
  seed: 0,
};

interface ForestState extends BaseState {
  nOutputs: number;
  multi: boolean;
  trees: TreeArrays[];
  featureImportances: Float64Array;
  oobScore: number | null;
  oobPrediction: Float64Array | null;
}

type Num = number[];
interface TreeJSON { nOutputs: number; feature: Num; threshold: Num; left: Num; right: Num; value: Num; nNodeSamples: Num; weightedNNodeSamples: Num; impurity: Num }
interface ForestStateJSON {
  nFeatures: number; featureNames: string[] | null; nOutputs: number; multi: boolean; trees: TreeJSON[];
  featureImportances: Num; oobScore: number | null; oobPrediction: Num | null;
}

function intOption(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValidationError(`RandomForestRegressor: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** Resolves maxFeatures to a count for p features. @internal */
export function resolveMaxFeatures(mf: MaxFeatures, p: number): number {
  if (mf === "sqrt") return Math.max(1, Math.floor(Math.sqrt(p)));
  if (mf === "log2") return Math.max(1, Math.floor(Math.log2(p)));
  if (typeof mf === "object" && mf !== null && typeof mf.count === "number") {
    if (!Number.isInteger(mf.count) || mf.count < 1) throw new ValidationError(`RandomForestRegressor: maxFeatures.count must be a positive integer, got ${mf.count}`);
    return Math.min(p, mf.count);
  }
  if (typeof mf === "number" && mf > 0 && Number.isFinite(mf)) {
    if (mf <= 1) return Math.max(1, Math.floor(mf * p));
    if (Number.isInteger(mf)) return Math.min(p, mf);
  }
  throw new ValidationError(`RandomForestRegressor: maxFeatures must be a fraction in (0, 1], an integer ≥ 2, { count: n }, "sqrt" or "log2"; got ${JSON.stringify(mf)}`);
}

/**
 * Random forest of CART regression trees (Breiman 2001), following scikit-learn's `RandomForestRegressor`:
 * bootstrap samples as integer weights, exact best split on midpoints between distinct values (MSE criterion),
 * `maxFeatures` features drawn per split, predictions averaged over trees. Supports multi-output targets
 * (y as rows), out-of-bag R² and impurity importances normalised to sum 1 (scikit-learn's `feature_importances_`).
 *
 * @example
 * ```ts
 * const rf = randomForest({ nEstimators: 300, maxFeatures: 0.33, seed: 0, oobScore: true }).fit(X, y);
 * rf.predict(Xtest); rf.oobScore; rf.featureImportances;
 * ```
 */
export class RandomForestRegressor extends BaseEstimator<RandomForestOptions, ForestState> {
  constructor(options: RandomForestOptions = {}) {
    checkOptionKeys("RandomForestRegressor", options, Object.keys(DEFAULTS));
    super(options);
    this.getParams(); // validate early
  }

  /** `"RandomForestRegressor"`. */
  get estimatorType(): string {
    return "RandomForestRegressor";
  }

  /** All options with scikit-learn-like defaults filled in (validated). */
  getParams(): Required<RandomForestOptions> {
    const o = { ...DEFAULTS, ...this.options };
    intOption("nEstimators", o.nEstimators, 1);
    intOption("minSamplesSplit", o.minSamplesSplit, 2);
    intOption("minSamplesLeaf", o.minSamplesLeaf, 1);
    if (o.maxDepth !== null && (!Number.isInteger(o.maxDepth) || o.maxDepth < 0)) {
      throw new ValidationError(`RandomForestRegressor: maxDepth must be an integer ≥ 0, or null for unlimited depth; got ${o.maxDepth}`);
    }
    if (o.oobScore && !o.bootstrap) throw new ValidationError("RandomForestRegressor: oobScore needs bootstrap: true (without bootstrap every sample is in every tree)");
    if (!Number.isFinite(o.seed)) throw new ValidationError(`RandomForestRegressor: seed must be a finite number, got ${o.seed}`);
    resolveMaxFeatures(o.maxFeatures, 100);
    return o;
  }

  /** An unfitted forest with the same options. */
  clone(): RandomForestRegressor {
    return new RandomForestRegressor({ ...this.options });
  }

  /** Papers implemented. */
  citations(): string[] {
    return [
      "L. Breiman, \"Random Forests\", Machine Learning 45, 5–32 (2001), doi:10.1023/A:1010933404324",
      "L. Breiman, J. Friedman, R. Olshen, C. Stone, Classification and Regression Trees, Wadsworth (1984)",
      "F. Pedregosa et al., \"Scikit-learn: Machine Learning in Python\", JMLR 12, 2825–2830 (2011)",
    ];
  }

  /**
   * Fits the forest on X (n × p) and y (n values, or n rows for multi-output). Returns `this`.
   * @throws ValidationError on NaN/Infinity, ragged rows or mismatched lengths (naming the row and column).
   */
  fit(X: XInput, y: YInput): this {
    const o = this.getParams();
    const cx = checkX(this.estimatorType, X, false);
    const { nRows: n, nCols: p } = cx.X;
    const cy = checkY(this.estimatorType, y, n);
    const k = cy.nOutputs;
    const Xc = transpose(cx.X).data;
    const data: PresortedData = { n, p, k, Xc, Y: cy.Y, order: presort(Xc, n, p) };
    const params = {
      maxDepth: o.maxDepth === null ? Infinity : o.maxDepth,
      minSamplesSplit: o.minSamplesSplit,
      minSamplesLeaf: o.minSamplesLeaf,
      mtry: resolveMaxFeatures(o.maxFeatures, p),
    };
    const master = new Rng(o.seed);
    const trees: TreeArrays[] = [];
    const weights = new Float64Array(n);
    const oobSum = o.oobScore ? new Float64Array(n * k) : null;
    const oobCount = o.oobScore ? new Int32Array(n) : null;
    const Xr = cx.X.data;
    for (let t = 0; t < o.nEstimators; t++) {
      const rng = new Rng(master.nextUint32());
      if (o.bootstrap) {
        weights.fill(0);
        for (let s = 0; s < n; s++) weights[rng.nextInt(n)] += 1;
      } else weights.fill(1);
      const tree = buildTree(data, weights, params, rng);
      trees.push(tree);
      if (oobSum && oobCount) {
        for (let i = 0; i < n; i++) {
          if (weights[i] > 0) continue;
          const leaf = leafIndex(tree, Xr, i, p);
          oobCount[i]++;
          for (let q = 0; q < k; q++) oobSum[i * k + q] += tree.value[leaf * k + q];
        }
      }
    }
    // scikit-learn: mean of per-tree normalised importances over non-stump trees, renormalised
    const fi = new Float64Array(p);
    let used = 0;
    for (const tree of trees) {
      if (tree.feature.length <= 1) continue;
      const ti = treeImportances(tree, p);
      for (let f = 0; f < p; f++) fi[f] += ti[f];
      used++;
    }
    let s = 0;
    for (let f = 0; f < p; f++) s += fi[f];
    if (used > 0 && s > 0) for (let f = 0; f < p; f++) fi[f] /= s;

    let oobScore: number | null = null;
    let oobPrediction: Float64Array | null = null;
    if (oobSum && oobCount) {
      oobPrediction = new Float64Array(n * k).fill(NaN);
      const rows: number[] = [];
      for (let i = 0; i < n; i++) {
        if (oobCount[i] === 0) continue;
        rows.push(i);
        for (let q = 0; q < k; q++) oobPrediction[i * k + q] = oobSum[i * k + q] / oobCount[i];
      }
      if (rows.length < 2) throw new ValidationError(`RandomForestRegressor: only ${rows.length} samples were out of bag; use more trees (nEstimators) for oobScore`);
      let acc = 0;
      for (let q = 0; q < k; q++) {
        const yt = rows.map((i) => cy.Y[i * k + q]);
        const yp = rows.map((i) => oobPrediction![i * k + q]);
        acc += r2(yt, yp);
      }
      oobScore = acc / k;
    }
    this._state = { nFeatures: p, featureNames: cx.featureNames, nOutputs: k, multi: cy.multi, trees, featureImportances: fi, oobScore, oobPrediction };
    return this;
  }

  /**
   * Mean prediction of the trees: n values, or for multi-output a row-major n × nOutputs array
   * (see {@link RandomForestRegressor.predictMatrix}).
   */
  predict(X: XInput): Float64Array {
    const s = this.fitted();
    const M = this.checkPredictX(X, false);
    const { nRows: n, nCols: p, data } = M;
    const k = s.nOutputs;
    const out = new Float64Array(n * k);
    for (const t of s.trees) {
      const { feature, threshold, left, right, value } = t;
      for (let i = 0; i < n; i++) {
        let node = 0;
        const base = i * p;
        while (feature[node] >= 0) node = data[base + feature[node]] <= threshold[node] ? left[node] : right[node];
        if (k === 1) out[i] += value[node];
        else for (let q = 0; q < k; q++) out[i * k + q] += value[node * k + q];
      }
    }
    const inv = 1 / s.trees.length;
    for (let j = 0; j < out.length; j++) out[j] *= inv;
    return out;
  }

  /** Predictions as an n × nOutputs {@link Matrix}. */
  predictMatrix(X: XInput): Matrix {
    const data = this.predict(X);
    const k = this.fitted().nOutputs;
    return { data, nRows: data.length / k, nCols: k };
  }

  /** Impurity-based importances (mean decrease in MSE), one per feature, summing to 1. */
  get featureImportances(): Float64Array {
    return this.fitted("featureImportances").featureImportances.slice();
  }

  /** Out-of-bag R² (mean over outputs), computed over samples that were out of bag at least once; null unless `oobScore: true`. */
  get oobScore(): number | null {
    return this.fitted("oobScore").oobScore;
  }

  /** Out-of-bag predictions (n × nOutputs row-major; NaN for samples in every bootstrap); null unless `oobScore: true`. */
  get oobPrediction(): Float64Array | null {
    const p = this.fitted("oobPrediction").oobPrediction;
    return p ? p.slice() : null;
  }

  /** Number of outputs learned (1 for a single target). */
  get nOutputs(): number {
    return this.fitted("nOutputs").nOutputs;
  }

  /** The fitted trees (read-only views of the flat arrays). */
  get trees(): readonly TreeArrays[] {
    return this.fitted("trees").trees;
  }

  /** Saves options and learned state as JSON-safe data; {@link RandomForestRegressor.fromJSON} restores it exactly. */
  toJSON(): EstimatorJSON<RandomForestOptions, ForestStateJSON> {
    const s = this._state;
    return {
      type: "RandomForestRegressor",
      formatVersion: 1,
      options: { ...this.options },
      state: s === null ? null : {
        nFeatures: s.nFeatures, featureNames: s.featureNames, nOutputs: s.nOutputs, multi: s.multi,
        trees: s.trees.map((t) => ({
          nOutputs: t.nOutputs, feature: Array.from(t.feature), threshold: Array.from(t.threshold), left: Array.from(t.left),
          right: Array.from(t.right), value: Array.from(t.value), nNodeSamples: Array.from(t.nNodeSamples),
          weightedNNodeSamples: Array.from(t.weightedNNodeSamples), impurity: Array.from(t.impurity),
        })),
        featureImportances: Array.from(s.featureImportances), oobScore: s.oobScore,
        // JSON has no NaN: samples never out of bag are stored as null
        oobPrediction: s.oobPrediction ? Array.from(s.oobPrediction, (v) => (Number.isNaN(v) ? (null as unknown as number) : v)) : null,
      },
    };
  }

  /** Restores a forest saved with `toJSON()` (also accepts the JSON string). */
  static fromJSON(json: EstimatorJSON | string): RandomForestRegressor {
    const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON<RandomForestOptions, ForestStateJSON>;
    if (j.type !== "RandomForestRegressor") throw new ValidationError(`RandomForestRegressor.fromJSON: this is a saved ${j.type}, not a RandomForestRegressor`);
    const rf = new RandomForestRegressor(j.options);
    const s = j.state;
    if (s) {
      rf._state = {
        nFeatures: s.nFeatures, featureNames: s.featureNames, nOutputs: s.nOutputs, multi: s.multi,
        trees: s.trees.map((t) => ({
          nOutputs: t.nOutputs, feature: Int32Array.from(t.feature), threshold: Float64Array.from(t.threshold),
          left: Int32Array.from(t.left), right: Int32Array.from(t.right), value: Float64Array.from(t.value),
          nNodeSamples: Int32Array.from(t.nNodeSamples), weightedNNodeSamples: Float64Array.from(t.weightedNNodeSamples),
          impurity: Float64Array.from(t.impurity),
        })),
        featureImportances: Float64Array.from(s.featureImportances), oobScore: s.oobScore,
        oobPrediction: s.oobPrediction ? Float64Array.from(s.oobPrediction, (v) => (v === null ? NaN : v)) : null,
      };
    }
    return rf;
  }
}

/**
 * Creates a {@link RandomForestRegressor}.
 * @example randomForest({ nEstimators: 300, maxFeatures: 0.33, seed: 0 }).fit(X, y).predict(Xtest)
 */
export function randomForest(options: RandomForestOptions = {}): RandomForestRegressor {
  return new RandomForestRegressor(options);
}
