// Gradient boosting in the XGBoost formulation (Chen & Guestrin 2016) with the `hist` tree method:
// features are binned once on quantiles of the training data; each depthwise level builds gradient/hessian
// histograms for the smaller child only and gets its sibling by subtraction from the parent.
import { BaseEstimator, BaseState, EstimatorJSON } from "./base";
import { ValidationError, checkOptionKeys } from "./errors";
import { XInput, YInput, checkX, checkY } from "./input";
import { Matrix } from "./matrix";
import { Rng } from "./random";

/**
 * Loss functions, with δ = `huberSlope`, r = prediction − target:
 * - `"reg:squarederror"`: ½r² (XGBoost's name).
 * - `"reg:pseudohubererror"`: the pseudo-Huber loss δ²(√(1 + (r/δ)²) − 1), XGBoost's objective of that name — a
 *   smooth approximation of the Huber loss, not the Huber loss: its hessian (1 + (r/δ)²)^(−3/2) vanishes for
 *   large residuals, so a leaf holding only outliers can take a very large Newton step.
 * - `"huber"`: the Huber loss itself (Huber 1964), ½r² for |r| ≤ δ and δ(|r| − ½δ) beyond — not an XGBoost
 *   objective; as LightGBM's `objective="huber"`: gradient clip(r, −δ, δ) and hessian 1 for every row. The exact
 *   second derivative is 0 beyond δ; 1 keeps each Newton leaf step −ΣG/(ΣH + λ) a mean of clipped residuals
 *   (never beyond δ in size), and lets `minChildWeight` count rows.
 */
export type BoostingObjective = "reg:squarederror" | "reg:pseudohubererror" | "huber";
/** Metrics for the evaluation set: root-mean-square error, mean absolute error, mean pseudo-Huber error, mean Huber error. */
export type BoostingEvalMetric = "rmse" | "mae" | "mphe" | "mhe";
/** Kinds of importances XGBoost reports (`get_score(importance_type=…)`). */
export type BoostingImportanceType = "gain" | "weight" | "cover" | "totalGain" | "totalCover";

/** Options of {@link GradientBoostingRegressor}; names follow XGBoost's scikit-learn wrapper, defaults XGBoost 1.7's. */
export interface GradientBoostingOptions {
  /** Boosting rounds (trees). Default 100. */
  nEstimators?: number;
  /** Shrinkage η applied to every leaf weight. Default 0.3. */
  learningRate?: number;
  /** Maximum tree depth (depthwise growth). Default 6. */
  maxDepth?: number;
  /** Minimum sum of hessians in a child (for squared error: samples). Default 1. */
  minChildWeight?: number;
  /** L2 regularisation λ on leaf weights. Default 1. */
  lambda?: number;
  /** L1 regularisation α on leaf weights. Default 0. */
  alpha?: number;
  /** Minimum loss reduction (γ, `min_split_loss`) for a split to be made. Default 0. */
  gamma?: number;
  /** Fraction of rows drawn (Bernoulli, without replacement) for each tree. Default 1. */
  subsample?: number;
  /** Fraction of features drawn for each tree (at least one). Default 1. */
  colsampleBytree?: number;
  /** Maximum number of histogram bins per feature (quantiles of the training data). Default 256. */
  maxBin?: number;
  /**
   * Loss: squared error, XGBoost's pseudo-Huber (`"reg:pseudohubererror"`) or the true Huber loss (`"huber"`, as
   * LightGBM's); see {@link BoostingObjective}. Default "reg:squarederror".
   */
  objective?: BoostingObjective;
  /**
   * δ of the Huber-type losses, in units of y: XGBoost's `huber_slope` for `"reg:pseudohubererror"`, LightGBM's
   * `alpha` for `"huber"` (residuals beyond δ count linearly). Default 1.
   */
  huberSlope?: number;
  /**
   * Initial prediction of every sample. `null` (default) uses the mean of the training targets. Note that XGBoost 1.7
   * uses 0.5 (2.x estimates it from the data): set the same value on both sides when comparing.
   */
  baseScore?: number | null;
  /** Stop when the evaluation metric has not improved for this many rounds (needs `evalSet` in fit); null = never. Default null. */
  earlyStoppingRounds?: number | null;
  /** Metric on the evaluation set; default "rmse" for squared error, "mphe" for pseudo-Huber (as XGBoost), "mhe" for Huber. */
  evalMetric?: BoostingEvalMetric | null;
  /** Seed of row and column subsampling. Default 0. */
  seed?: number;
}

/** Extra data for {@link GradientBoostingRegressor.fit}. */
export interface BoostingFitOptions {
  /** Validation data monitored every round (and used by early stopping). */
  evalSet?: { X: XInput; y: YInput };
}

const DEFAULTS: Required<GradientBoostingOptions> = {
  nEstimators: 100,
  learningRate: 0.3,
  maxDepth: 6,
  minChildWeight: 1,
  lambda: 1,
  alpha: 0,
  gamma: 0,
  subsample: 1,
  colsampleBytree: 1,
  maxBin: 256,
  objective: "reg:squarederror",
  huberSlope: 1,
  baseScore: null,
  earlyStoppingRounds: null,
  evalMetric: null,
  seed: 0,
};

/** One boosted tree in flat arrays (`feature[i] === -1` marks a leaf; leaf values already include η). */
export interface BoostedTree {
  /** Split feature per node, -1 for leaves. */
  feature: Int32Array;
  /** `x[feature] <= threshold` goes left. */
  threshold: Float64Array;
  /** Where NaN (missing) goes: 1 = left, 0 = right. */
  defaultLeft: Uint8Array;
  /** Left child (-1 for leaves). */
  left: Int32Array;
  /** Right child (-1 for leaves). */
  right: Int32Array;
  /** Leaf value (η × optimal weight); for inner nodes the weight the node would have as a leaf. */
  value: Float64Array;
  /** Loss reduction of each split (0 at leaves), in XGBoost's convention (without the ½). */
  gain: Float64Array;
  /** Sum of hessians reaching each node. */
  cover: Float64Array;
}

interface BoostState extends BaseState {
  baseScore: number;
  trees: BoostedTree[];
  /** Index of the best round (last round when no evaluation set). */
  bestIteration: number;
  bestScore: number | null;
  evalHistory: number[];
  evalMetric: BoostingEvalMetric | null;
}

type Num = number[];
interface TreeJSON { feature: Num; threshold: Num; defaultLeft: Num; left: Num; right: Num; value: Num; gain: Num; cover: Num }
interface StateJSON extends BaseState { baseScore: number; trees: TreeJSON[]; bestIteration: number; bestScore: number | null; evalHistory: Num; evalMetric: BoostingEvalMetric | null }

const MISSING = 0xffff;
const RT_EPS = 1e-6; // XGBoost's kRtEps: splits must gain more than this

/** Quantile cuts of one feature (ascending, last = max); x goes to the first bin whose cut is ≥ x. @internal */
export function quantileCuts(values: Float64Array, maxBin: number): Float64Array {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  const m = v.length;
  if (m === 0) return new Float64Array(0);
  const uniq: number[] = [];
  for (let i = 0; i < m; i++) if (i === 0 || v[i] !== v[i - 1]) uniq.push(v[i]);
  if (uniq.length <= maxBin) return Float64Array.from(uniq);
  const cuts: number[] = [];
  for (let b = 1; b <= maxBin; b++) {
    const c = v[Math.min(m - 1, Math.ceil((b * m) / maxBin) - 1)];
    if (cuts.length === 0 || c > cuts[cuts.length - 1]) cuts.push(c);
  }
  if (cuts[cuts.length - 1] !== v[m - 1]) cuts.push(v[m - 1]);
  return Float64Array.from(cuts);
}

function lowerBound(cuts: Float64Array, x: number): number {
  let lo = 0;
  let hi = cuts.length - 1; // x ≤ max at training time
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] >= x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

function thresholdL1(g: number, alpha: number): number {
  return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
}

function evalScore(metric: BoostingEvalMetric, y: Float64Array, pred: Float64Array, slope: number): number {
  let s = 0;
  const n = y.length;
  if (metric === "rmse") { for (let i = 0; i < n; i++) { const r = pred[i] - y[i]; s += r * r; } return Math.sqrt(s / n); }
  if (metric === "mae") { for (let i = 0; i < n; i++) s += Math.abs(pred[i] - y[i]); return s / n; }
  if (metric === "mhe") {
    for (let i = 0; i < n; i++) { const a = Math.abs(pred[i] - y[i]); s += a <= slope ? 0.5 * a * a : slope * (a - 0.5 * slope); }
    return s / n;
  }
  const s2 = slope * slope;
  for (let i = 0; i < n; i++) { const r = (pred[i] - y[i]) / slope; s += s2 * (Math.sqrt(1 + r * r) - 1); }
  return s / n;
}

function predictTreeRaw(t: BoostedTree, X: Float64Array, p: number, out: Float64Array, hasNaN = true): void {
  const { feature, threshold, defaultLeft, left, right, value } = t;
  const n = out.length;
  if (!hasNaN) {
    for (let i = 0; i < n; i++) {
      let node = 0;
      const base = i * p;
      let f = feature[0];
      while (f >= 0) {
        node = X[base + f] <= threshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      out[i] += value[node];
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let node = 0;
    const base = i * p;
    while (feature[node] >= 0) {
      const x = X[base + feature[node]];
      node = x <= threshold[node] ? left[node] : x > threshold[node] ? right[node] : defaultLeft[node] ? left[node] : right[node];
    }
    out[i] += value[node];
  }
}

/**
 * Gradient-boosted regression trees in the XGBoost formulation (Chen & Guestrin 2016): second-order
 * gradients, leaf weight −T_α(G)/(H+λ) shrunk by η, split gain T_α(G_L)²/(H_L+λ) + T_α(G_R)²/(H_R+λ) − T_α(G)²/(H+λ)
 * that must exceed γ, children with hessian sum ≥ minChildWeight, histogram split search on ≤ maxBin quantile
 * bins (XGBoost's `tree_method="hist"`, depthwise), NaN treated as missing and sent to a learned default
 * direction, row/column subsampling, early stopping on an evaluation set (the best round is kept and used to
 * predict), and gain/cover/weight importances.
 *
 * Differences from XGBoost: `baseScore` defaults to the mean of y (XGBoost 1.7: 0.5); the quantile cuts are
 * exact quantiles of the training data rather than XGBoost's sketch; one thread.
 *
 * @example
 * ```ts
 * const gb = gradientBoosting({ nEstimators: 500, learningRate: 0.05, maxDepth: 4, earlyStoppingRounds: 20 })
 *   .fit(Xtrain, ytrain, { evalSet: { X: Xval, y: yval } });
 * gb.bestIteration; gb.predict(Xtest); gb.importances("gain");
 * ```
 */
export class GradientBoostingRegressor extends BaseEstimator<GradientBoostingOptions, BoostState> {
  constructor(options: GradientBoostingOptions = {}) {
    checkOptionKeys("GradientBoostingRegressor", options, Object.keys(DEFAULTS));
    super(options);
    this.getParams();
  }

  /** `"GradientBoostingRegressor"`. */
  get estimatorType(): string {
    return "GradientBoostingRegressor";
  }

  /** All options with XGBoost-like defaults filled in (validated). */
  getParams(): Required<GradientBoostingOptions> {
    const o = { ...DEFAULTS, ...this.options };
    const bad = (name: string, v: unknown, valid: string): never => {
      throw new ValidationError(`GradientBoostingRegressor: ${name} must be ${valid}, got ${JSON.stringify(v)}`);
    };
    if (!Number.isInteger(o.nEstimators) || o.nEstimators < 1) bad("nEstimators", o.nEstimators, "an integer ≥ 1");
    if (!(o.learningRate > 0 && o.learningRate <= 1)) bad("learningRate", o.learningRate, "in (0, 1]");
    if (!Number.isInteger(o.maxDepth) || o.maxDepth < 0) bad("maxDepth", o.maxDepth, "an integer ≥ 0");
    if (!(o.minChildWeight >= 0 && Number.isFinite(o.minChildWeight))) bad("minChildWeight", o.minChildWeight, "≥ 0");
    if (!(o.lambda >= 0 && Number.isFinite(o.lambda))) bad("lambda", o.lambda, "≥ 0");
    if (!(o.alpha >= 0 && Number.isFinite(o.alpha))) bad("alpha", o.alpha, "≥ 0");
    if (!(o.gamma >= 0 && Number.isFinite(o.gamma))) bad("gamma", o.gamma, "≥ 0");
    if (!(o.subsample > 0 && o.subsample <= 1)) bad("subsample", o.subsample, "in (0, 1]");
    if (!(o.colsampleBytree > 0 && o.colsampleBytree <= 1)) bad("colsampleBytree", o.colsampleBytree, "in (0, 1]");
    if (!Number.isInteger(o.maxBin) || o.maxBin < 2 || o.maxBin > 65535) bad("maxBin", o.maxBin, "an integer in 2..65535");
    if (!["reg:squarederror", "reg:pseudohubererror", "huber"].includes(o.objective)) bad("objective", o.objective, '"reg:squarederror", "reg:pseudohubererror" or "huber"');
    if (!(o.huberSlope > 0 && Number.isFinite(o.huberSlope))) bad("huberSlope", o.huberSlope, "> 0");
    if (o.baseScore !== null && !Number.isFinite(o.baseScore)) bad("baseScore", o.baseScore, "a finite number or null");
    if (o.earlyStoppingRounds !== null && (!Number.isInteger(o.earlyStoppingRounds) || o.earlyStoppingRounds < 1)) bad("earlyStoppingRounds", o.earlyStoppingRounds, "an integer ≥ 1 or null");
    if (o.evalMetric !== null && !["rmse", "mae", "mphe", "mhe"].includes(o.evalMetric)) bad("evalMetric", o.evalMetric, '"rmse", "mae", "mphe", "mhe" or null');
    if (!Number.isFinite(o.seed)) bad("seed", o.seed, "a finite number");
    return o;
  }

  /** An unfitted model with the same options. */
  clone(): GradientBoostingRegressor {
    return new GradientBoostingRegressor({ ...this.options });
  }

  /** Papers implemented. */
  citations(): string[] {
    return [
      "T. Chen, C. Guestrin, \"XGBoost: A Scalable Tree Boosting System\", KDD 2016, 785–794, doi:10.1145/2939672.2939785",
      "J. H. Friedman, \"Greedy Function Approximation: A Gradient Boosting Machine\", Ann. Statist. 29, 1189–1232 (2001)",
      ...(this.getParams().objective === "huber"
        ? [
          "P. J. Huber, \"Robust Estimation of a Location Parameter\", Ann. Math. Statist. 35, 73–101 (1964)",
          "G. Ke et al., \"LightGBM: A Highly Efficient Gradient Boosting Decision Tree\", NeurIPS 30 (2017) (its Huber objective: clipped gradient, unit hessian)",
        ]
        : this.getParams().objective === "reg:pseudohubererror"
          ? ["P. Charbonnier, L. Blanc-Féraud, G. Aubert, M. Barlaud, \"Deterministic edge-preserving regularization in computed imaging\", IEEE Trans. Image Process. 6, 298–311 (1997) (the pseudo-Huber loss)"]
          : []),
    ];
  }

  /**
   * Fits the boosted trees; returns `this`. X may contain NaN (missing); y must be finite.
   * With `evalSet`, the metric is recorded every round (`evalHistory`) and, with `earlyStoppingRounds`, training stops
   * after that many rounds without improvement; `bestIteration` is kept and used by `predict`.
   */
  fit(X: XInput, y: YInput, fitOptions: BoostingFitOptions = {}): this {
    const o = this.getParams();
    const name = this.estimatorType;
    const cx = checkX(name, X, true);
    const { nRows: n, nCols: p, data: Xr } = cx.X;
    const cy = checkY(name, y, n);
    if (cy.nOutputs !== 1) throw new ValidationError(`${name}: y must have one value per sample (got ${cy.nOutputs} outputs); fit one model per target`);
    const yv = cy.Y;
    let ev: { X: Matrix; y: Float64Array } | null = null;
    if (fitOptions.evalSet) {
      const ex = checkX(name, fitOptions.evalSet.X, true, "evalSet.X");
      if (ex.X.nCols !== p) throw new ValidationError(`${name}: evalSet.X has ${ex.X.nCols} features but X has ${p}`);
      const ey = checkY(name, fitOptions.evalSet.y, ex.X.nRows);
      if (ey.nOutputs !== 1) throw new ValidationError(`${name}: evalSet.y must have one value per sample`);
      ev = { X: ex.X, y: ey.Y };
    } else if (o.earlyStoppingRounds !== null) {
      throw new ValidationError(`${name}: earlyStoppingRounds needs an evaluation set: fit(X, y, { evalSet: { X: Xval, y: yval } })`);
    }
    const metric: BoostingEvalMetric = o.evalMetric ?? (o.objective === "reg:pseudohubererror" ? "mphe" : o.objective === "huber" ? "mhe" : "rmse");

    // --- binning (row-major bin codes) ---
    const cuts: Float64Array[] = [];
    const binOff = new Int32Array(p + 1);
    const col = new Float64Array(n);
    for (let f = 0; f < p; f++) {
      for (let i = 0; i < n; i++) col[i] = Xr[i * p + f];
      const c = quantileCuts(col, o.maxBin);
      cuts.push(c);
      binOff[f + 1] = binOff[f] + c.length;
    }
    const totalBins = binOff[p];
    const bins = new Uint16Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < p; f++) {
        const x = Xr[i * p + f];
        bins[i * p + f] = Number.isNaN(x) ? MISSING : lowerBound(cuts[f], x);
      }
    }

    let base = o.baseScore;
    if (base === null) { base = 0; for (let i = 0; i < n; i++) base += yv[i]; base /= n; }
    const pred = new Float64Array(n).fill(base);
    const evPred = ev ? new Float64Array(ev.y.length).fill(base) : null;
    const g = new Float64Array(n);
    const h = new Float64Array(n);
    const rows = new Int32Array(n);
    const rng = new Rng(o.seed);
    const featAll = Int32Array.from({ length: p }, (_, f) => f);
    const nColTree = Math.max(1, Math.floor(o.colsampleBytree * p));
    const pseudoHuber = o.objective === "reg:pseudohubererror";
    const huber = o.objective === "huber";
    const slope = o.huberSlope;
    const { lambda, alpha, minChildWeight, gamma, learningRate: eta, maxDepth } = o;
    const calcWeight = (G: number, H: number): number => -thresholdL1(G, alpha) / (H + lambda);
    const pool: Float64Array[] = [];
    const binsCol = new Uint16Array(n * p); // column-major copy: partitions read one feature for scattered rows
    for (let i = 0; i < n; i++) for (let f = 0; f < p; f++) binsCol[f * n + i] = bins[i * p + f];
    const featMissing = new Uint8Array(p);
    for (let k = 0; k < bins.length; k++) if (bins[k] === MISSING) featMissing[k % p] = 1;
    const leafNode = new Int32Array(n + 1);
    const leafStart = new Int32Array(n + 1);
    const leafEnd = new Int32Array(n + 1);
    const inSample = new Uint8Array(n);
    const tmpRows = new Int32Array(n);
    const split = new Float64Array(6);
    const getHist = (): Float64Array => pool.pop() ?? new Float64Array(2 * totalBins); // pooled histograms are all zero

    const trees: BoostedTree[] = [];
    const history: number[] = [];
    let bestIteration = -1;
    let bestScore = Infinity;

    for (let round = 0; round < o.nEstimators; round++) {
      // gradients
      if (pseudoHuber) {
        for (let i = 0; i < n; i++) {
          const z = pred[i] - yv[i];
          const sc = 1 + (z / slope) * (z / slope);
          const sq = Math.sqrt(sc);
          g[i] = z / sq;
          h[i] = 1 / (sc * sq);
        }
      } else if (huber) {
        // LightGBM's Huber: clipped gradient, unit hessian (see BoostingObjective)
        for (let i = 0; i < n; i++) { const z = pred[i] - yv[i]; g[i] = z > slope ? slope : z < -slope ? -slope : z; h[i] = 1; }
      } else {
        for (let i = 0; i < n; i++) { g[i] = pred[i] - yv[i]; h[i] = 1; }
      }
      // row subsample
      let m = 0;
      if (o.subsample < 1) { for (let i = 0; i < n; i++) if (rng.nextFloat() < o.subsample) rows[m++] = i; }
      else { for (let i = 0; i < n; i++) rows[i] = i; m = n; }
      // column subsample
      let fs: Int32Array = featAll;
      if (nColTree < p) {
        const perm = rng.shuffle(featAll.slice());
        fs = perm.slice(0, nColTree).sort();
      }
      const nf = fs.length;

      const tf: number[] = []; const tt: number[] = []; const tdl: number[] = []; const tl: number[] = []; const tr: number[] = [];
      const tv: number[] = []; const tg: number[] = []; const tc: number[] = [];
      const newNode = (): number => { tf.push(-1); tt.push(0); tdl.push(0); tl.push(-1); tr.push(-1); tv.push(0); tg.push(0); tc.push(0); return tf.length - 1; };

      // root
      let G0 = 0; let H0 = 0;
      for (let r = 0; r < m; r++) { const i = rows[r]; G0 += g[i]; H0 += h[i]; }
      // nodes at maxDepth never split, so they need no histogram (half of a full tree)
      let rootHist: Float64Array | null = null;
      if (maxDepth > 0) {
        rootHist = getHist();
        buildHist(rootHist, rows, 0, m, g, h, bins, p, fs, nf, binOff);
      }
      // dirtyStart/dirtyEnd: the rows whose bins may be non-zero in `hist` (to clear it cheaply when released)
      type Pending = { id: number; start: number; end: number; G: number; H: number; hist: Float64Array | null; depth: number; dirtyStart: number; dirtyEnd: number };
      const release = (hist: Float64Array, ds: number, de: number): void => {
        if ((de - ds) * nf * 2 < totalBins) clearHist(hist, rows, ds, de, bins, p, fs, nf, binOff);
        else hist.fill(0);
        pool.push(hist);
      };
      let level: Pending[] = [{ id: newNode(), start: 0, end: m, G: G0, H: H0, hist: rootHist, depth: 0, dirtyStart: 0, dirtyEnd: m }];
      let nLeaves = 0;
      while (level.length > 0) {
        const next: Pending[] = [];
        for (const nd of level) {
          const w = calcWeight(nd.G, nd.H);
          tv[nd.id] = eta * w;
          tc[nd.id] = nd.H;
          const hist = nd.hist;
          if (hist === null) { leafNode[nLeaves] = nd.id; leafStart[nLeaves] = nd.start; leafEnd[nLeaves++] = nd.end; continue; }
          // best split over the sampled features
          findBestSplit(hist, nd.G, nd.H, fs, nf, binOff, featMissing, alpha, lambda, minChildWeight, split);
          const bestLoss = split[0]; const bestF = split[1]; const bestBin = split[2]; const bestDL = split[3]; const bGL = split[4]; const bHL = split[5];
          if (bestF < 0 || !(bestLoss > RT_EPS) || bestLoss < gamma) {
            release(hist, nd.dirtyStart, nd.dirtyEnd);
            leafNode[nLeaves] = nd.id; leafStart[nLeaves] = nd.start; leafEnd[nLeaves++] = nd.end;
            continue;
          }
          const mid = partitionRows(rows, tmpRows, nd.start, nd.end, binsCol, bestF * n, bestBin, bestDL);
          const lid = newNode(); const rid = newNode();
          tf[nd.id] = bestF; tt[nd.id] = cuts[bestF][bestBin]; tdl[nd.id] = bestDL; tl[nd.id] = lid; tr[nd.id] = rid; tg[nd.id] = bestLoss;
          const nL = mid - nd.start; const nR = nd.end - mid;
          let hL: Float64Array | null = null;
          let hR: Float64Array | null = null;
          let dL = nd.start; let dLe = mid; let dR = mid; let dRe = nd.end;
          if (nd.depth + 1 < maxDepth) {
            // histogram of the smaller child, subtracted row by row from the parent's, which becomes the sibling's
            const small = getHist();
            const big = hist;
            const s0 = nL <= nR ? nd.start : mid;
            const s1 = nL <= nR ? mid : nd.end;
            if ((s1 - s0) * nf > totalBins) {
              // many rows: build, then subtract bin by bin (sequential, cheaper than per row)
              buildHist(small, rows, s0, s1, g, h, bins, p, fs, nf, binOff);
              for (let q = 0; q < nf; q++) {
                const f = fs[q];
                for (let j = binOff[f] << 1, e = binOff[f + 1] << 1; j < e; j++) big[j] -= small[j];
              }
            } else buildSubtract(small, big, rows, s0, s1, g, h, bins, p, fs, nf, binOff);
            if (nL <= nR) { hL = small; hR = big; dR = nd.dirtyStart; dRe = nd.dirtyEnd; }
            else { hL = big; hR = small; dL = nd.dirtyStart; dLe = nd.dirtyEnd; }
          } else release(hist, nd.dirtyStart, nd.dirtyEnd);
          next.push(
            { id: lid, start: nd.start, end: mid, G: bGL, H: bHL, hist: hL, depth: nd.depth + 1, dirtyStart: dL, dirtyEnd: dLe },
            { id: rid, start: mid, end: nd.end, G: nd.G - bGL, H: nd.H - bHL, hist: hR, depth: nd.depth + 1, dirtyStart: dR, dirtyEnd: dRe },
          );
        }
        level = next;
      }
      const tree: BoostedTree = {
        feature: Int32Array.from(tf), threshold: Float64Array.from(tt), defaultLeft: Uint8Array.from(tdl),
        left: Int32Array.from(tl), right: Int32Array.from(tr), value: Float64Array.from(tv), gain: Float64Array.from(tg), cover: Float64Array.from(tc),
      };
      trees.push(tree);
      // update training predictions: sampled rows through their leaf's segment, the others by walking the bins
      for (let l = 0; l < nLeaves; l++) {
        const v = tv[leafNode[l]];
        for (let r = leafStart[l], e = leafEnd[l]; r < e; r++) pred[rows[r]] += v;
      }
      if (m < n) {
        inSample.fill(0);
        for (let r = 0; r < m; r++) inSample[rows[r]] = 1;
        const { feature, defaultLeft, left, right, value } = tree;
        const splitBin = new Int32Array(feature.length);
        for (let node = 0; node < feature.length; node++) if (feature[node] >= 0) splitBin[node] = lowerBound(cuts[feature[node]], tree.threshold[node]);
        for (let i = 0; i < n; i++) {
          if (inSample[i]) continue;
          let node = 0;
          const bb = i * p;
          while (feature[node] >= 0) {
            const b = bins[bb + feature[node]];
            node = b === MISSING ? (defaultLeft[node] ? left[node] : right[node]) : b <= splitBin[node] ? left[node] : right[node];
          }
          pred[i] += value[node];
        }
      }
      if (ev && evPred) {
        predictTreeRaw(tree, ev.X.data, p, evPred);
        const score = evalScore(metric, ev.y, evPred, slope);
        history.push(score);
        if (score < bestScore) { bestScore = score; bestIteration = round; }
        else if (o.earlyStoppingRounds !== null && round - bestIteration >= o.earlyStoppingRounds) break;
      }
    }
    if (!ev) bestIteration = trees.length - 1;
    this._state = {
      nFeatures: p, featureNames: cx.featureNames, baseScore: base, trees, bestIteration,
      bestScore: ev ? bestScore : null, evalHistory: history, evalMetric: ev ? metric : null,
    };
    return this;
  }

  /** Predictions from the first `bestIteration + 1` trees (all trees when fitted without evaluation set). NaN in X = missing. */
  predict(X: XInput): Float64Array {
    const s = this.fitted();
    const M = this.checkPredictX(X, true);
    const out = new Float64Array(M.nRows).fill(s.baseScore);
    let hasNaN = false;
    for (let k = 0; k < M.data.length; k++) if (M.data[k] !== M.data[k]) { hasNaN = true; break; }
    // blocks of rows so that a block of X stays in cache while every tree walks it
    const B = 256;
    for (let r0 = 0; r0 < M.nRows; r0 += B) {
      const r1 = Math.min(M.nRows, r0 + B);
      const Xb = M.data.subarray(r0 * M.nCols, r1 * M.nCols);
      const ob = out.subarray(r0, r1);
      for (let t = 0; t <= s.bestIteration; t++) predictTreeRaw(s.trees[t], Xb, M.nCols, ob, hasNaN);
    }
    return out;
  }

  /** Index (0-based) of the round with the best evaluation score, or of the last round without evaluation set. */
  get bestIteration(): number {
    return this.fitted("bestIteration").bestIteration;
  }

  /** Best evaluation score (null without evaluation set). */
  get bestScore(): number | null {
    return this.fitted("bestScore").bestScore;
  }

  /** Evaluation metric after each round (empty without evaluation set). */
  get evalHistory(): number[] {
    return this.fitted("evalHistory").evalHistory.slice();
  }

  /** The initial prediction used (mean of y unless `baseScore` was set). */
  get baseScore(): number {
    return this.fitted("baseScore").baseScore;
  }

  /** All trees grown (including those after `bestIteration`). */
  get trees(): readonly BoostedTree[] {
    return this.fitted("trees").trees;
  }

  /**
   * Per-feature importances over the trees used for prediction, as XGBoost's `get_score`: "weight" = number of
   * splits on the feature, "gain"/"cover" = mean gain/cover of those splits, "totalGain"/"totalCover" = sums.
   * Unused features get 0. Not normalised (see {@link GradientBoostingRegressor.featureImportances}).
   */
  importances(type: BoostingImportanceType = "gain"): Float64Array {
    const s = this.fitted("importances");
    if (!["gain", "weight", "cover", "totalGain", "totalCover"].includes(type)) {
      throw new ValidationError(`GradientBoostingRegressor.importances: type must be "gain", "weight", "cover", "totalGain" or "totalCover", got ${JSON.stringify(type)}`);
    }
    const p = s.nFeatures;
    const count = new Float64Array(p); const gain = new Float64Array(p); const cover = new Float64Array(p);
    for (let t = 0; t <= s.bestIteration; t++) {
      const tr = s.trees[t];
      for (let node = 0; node < tr.feature.length; node++) {
        const f = tr.feature[node];
        if (f < 0) continue;
        count[f]++; gain[f] += tr.gain[node]; cover[f] += tr.cover[node];
      }
    }
    if (type === "weight") return count;
    if (type === "totalGain") return gain;
    if (type === "totalCover") return cover;
    const src = type === "gain" ? gain : cover;
    return src.map((v, f) => (count[f] > 0 ? v / count[f] : 0));
  }

  /** Normalised importances (sum 1) of the given type, default "gain" (XGBoost's scikit-learn `feature_importances_`). */
  featureImportances(type: BoostingImportanceType = "gain"): Float64Array {
    const v = this.importances(type);
    let s = 0;
    for (const x of v) s += x;
    return s > 0 ? v.map((x) => x / s) : v;
  }

  /** Saves options and learned state as JSON-safe data; {@link GradientBoostingRegressor.fromJSON} restores it exactly. */
  toJSON(): EstimatorJSON<GradientBoostingOptions, StateJSON> {
    const s = this._state;
    return {
      type: "GradientBoostingRegressor",
      formatVersion: 1,
      options: { ...this.options },
      state: s === null ? null : {
        nFeatures: s.nFeatures, featureNames: s.featureNames, baseScore: s.baseScore, bestIteration: s.bestIteration,
        bestScore: s.bestScore, evalHistory: s.evalHistory.slice(), evalMetric: s.evalMetric,
        trees: s.trees.map((t) => ({
          feature: Array.from(t.feature), threshold: Array.from(t.threshold), defaultLeft: Array.from(t.defaultLeft),
          left: Array.from(t.left), right: Array.from(t.right), value: Array.from(t.value), gain: Array.from(t.gain), cover: Array.from(t.cover),
        })),
      },
    };
  }

  /** Restores a model saved with `toJSON()` (also accepts the JSON string). */
  static fromJSON(json: EstimatorJSON | string): GradientBoostingRegressor {
    const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON<GradientBoostingOptions, StateJSON>;
    if (j.type !== "GradientBoostingRegressor") throw new ValidationError(`GradientBoostingRegressor.fromJSON: this is a saved ${j.type}, not a GradientBoostingRegressor`);
    const gb = new GradientBoostingRegressor(j.options);
    const s = j.state;
    if (s) {
      gb._state = {
        nFeatures: s.nFeatures, featureNames: s.featureNames, baseScore: s.baseScore, bestIteration: s.bestIteration,
        bestScore: s.bestScore, evalHistory: s.evalHistory.slice(), evalMetric: s.evalMetric,
        trees: s.trees.map((t) => ({
          feature: Int32Array.from(t.feature), threshold: Float64Array.from(t.threshold), defaultLeft: Uint8Array.from(t.defaultLeft),
          left: Int32Array.from(t.left), right: Int32Array.from(t.right), value: Float64Array.from(t.value),
          gain: Float64Array.from(t.gain), cover: Float64Array.from(t.cover),
        })),
      };
    }
    return gb;
  }
}

/**
 * Best split of a node from its histogram: out = [lossChange, feature, bin, defaultLeft, G_left, H_left]
 * (feature −1 when none). Forward scan sends missing values right, backward scan (only when the node has
 * missing values for the feature) sends them left, as XGBoost's hist evaluator.
 */
function findBestSplit(hist: Float64Array, G: number, H: number, fs: Int32Array, nf: number, binOff: Int32Array, featMissing: Uint8Array,
  alpha: number, lambda: number, minChildWeight: number, out: Float64Array): void {
  const tG = alpha === 0 ? G : thresholdL1(G, alpha);
  const rootGain = (tG * tG) / (H + lambda);
  // bins this node has no rows in hold 0, or a rounding residue after subtraction: skip both
  const hEps = 1e-13 * H;
  let bestLoss = -Infinity; let bestF = -1; let bestBin = -1; let bestDL = 0;
  let bGL = 0; let bHL = 0;
  for (let q = 0; q < nf; q++) {
    const f = fs[q];
    const o0 = binOff[f]; const nb = binOff[f + 1] - o0;
    let Gm = 0; let Hm = 0;
    if (featMissing[f]) {
      let Gf = 0; let Hf = 0;
      for (let b = 0; b < nb; b++) { Gf += hist[(o0 + b) << 1]; Hf += hist[((o0 + b) << 1) + 1]; }
      Gm = G - Gf; Hm = H - Hf;
    }
    const hasMissing = Hm > 1e-10 * (H + 1);
    // forward: missing goes right (empty bins add no new split point and are skipped)
    let GL = 0; let HL = 0;
    const lastB = hasMissing ? nb : nb - 1;
    for (let b = 0; b < lastB; b++) {
      const hb = hist[((o0 + b) << 1) + 1];
      if (hb <= hEps) continue;
      GL += hist[(o0 + b) << 1]; HL += hb;
      const HR = H - HL;
      if (HR < minChildWeight || HR <= 0) break; // HR only shrinks from here
      if (HL < minChildWeight) continue;
      const GR = G - GL;
      const tL = alpha === 0 ? GL : thresholdL1(GL, alpha);
      const tR = alpha === 0 ? GR : thresholdL1(GR, alpha);
      const loss = (tL * tL) / (HL + lambda) + (tR * tR) / (HR + lambda) - rootGain;
      if (loss > bestLoss) { bestLoss = loss; bestF = f; bestBin = b; bestDL = 0; bGL = GL; bHL = HL; }
    }
    if (hasMissing) {
      // backward: missing goes left (left = bins 0..b plus missing)
      GL = Gm; HL = Hm;
      for (let b = 0; b < nb - 1; b++) {
        const hb = hist[((o0 + b) << 1) + 1];
        if (hb <= hEps) continue;
        GL += hist[(o0 + b) << 1]; HL += hb;
        const HR = H - HL;
        if (HR < minChildWeight || HR <= 0) break;
        if (HL < minChildWeight) continue;
        const GR = G - GL;
        const tL = alpha === 0 ? GL : thresholdL1(GL, alpha);
        const tR = alpha === 0 ? GR : thresholdL1(GR, alpha);
        const loss = (tL * tL) / (HL + lambda) + (tR * tR) / (HR + lambda) - rootGain;
        if (loss > bestLoss) { bestLoss = loss; bestF = f; bestBin = b; bestDL = 1; bGL = GL; bHL = HL; }
      }
    }
  }
  out[0] = bestLoss; out[1] = bestF; out[2] = bestBin; out[3] = bestDL; out[4] = bGL; out[5] = bHL;
}

/**
 * Stable branch-free partition of rows[start, end): rows going left first; returns the split position.
 * Each row is written to both outputs and only one cursor advances.
 */
function partitionRows(rows: Int32Array, tmp: Int32Array, start: number, end: number, binsCol: Uint16Array, colOff: number, bin: number, defaultLeft: number): number {
  let lo = start; let ro = 0;
  for (let r = start; r < end; r++) {
    const i = rows[r];
    const b = binsCol[colOff + i];
    const goLeft = (b <= bin ? 1 : 0) | (b === MISSING ? defaultLeft : 0);
    rows[lo] = i; tmp[ro] = i;
    lo += goLeft; ro += 1 - goLeft;
  }
  rows.set(tmp.subarray(0, ro), lo);
  return lo;
}

/** Builds the smaller child's histogram and subtracts the same rows from the parent's, in one pass. */
function buildSubtract(small: Float64Array, big: Float64Array, rows: Int32Array, start: number, end: number, g: Float64Array, h: Float64Array,
  bins: Uint16Array, p: number, fs: Int32Array, nf: number, binOff: Int32Array): void {
  for (let r = start; r < end; r++) {
    const i = rows[r];
    const gi = g[i]; const hi = h[i];
    const bb = i * p;
    for (let q = 0; q < nf; q++) {
      const f = nf === p ? q : fs[q];
      const b = bins[bb + f];
      if (b !== MISSING) { const o = (binOff[f] + b) << 1; small[o] += gi; small[o + 1] += hi; big[o] -= gi; big[o + 1] -= hi; }
    }
  }
}

/** Zeroes the bins the given rows fall in (cheaper than fill(0) for small nodes). */
function clearHist(hist: Float64Array, rows: Int32Array, start: number, end: number, bins: Uint16Array, p: number, fs: Int32Array, nf: number, binOff: Int32Array): void {
  for (let r = start; r < end; r++) {
    const bb = rows[r] * p;
    for (let q = 0; q < nf; q++) {
      const f = nf === p ? q : fs[q];
      const b = bins[bb + f];
      if (b !== MISSING) { const o = (binOff[f] + b) << 1; hist[o] = 0; hist[o + 1] = 0; }
    }
  }
}

function buildHist(hist: Float64Array, rows: Int32Array, start: number, end: number, g: Float64Array, h: Float64Array,
  bins: Uint16Array, p: number, fs: Int32Array, nf: number, binOff: Int32Array): void {
  if (nf === p) {
    for (let r = start; r < end; r++) {
      const i = rows[r];
      const gi = g[i]; const hi = h[i];
      const bb = i * p;
      for (let f = 0; f < p; f++) {
        const b = bins[bb + f];
        if (b !== MISSING) { const o = (binOff[f] + b) << 1; hist[o] += gi; hist[o + 1] += hi; }
      }
    }
    return;
  }
  for (let r = start; r < end; r++) {
    const i = rows[r];
    const gi = g[i]; const hi = h[i];
    const bb = i * p;
    for (let q = 0; q < nf; q++) {
      const f = fs[q];
      const b = bins[bb + f];
      if (b !== MISSING) { const o = (binOff[f] + b) << 1; hist[o] += gi; hist[o + 1] += hi; }
    }
  }
}

/**
 * Creates a {@link GradientBoostingRegressor} (XGBoost formulation).
 * @example gradientBoosting({ nEstimators: 300, learningRate: 0.1, maxDepth: 6, seed: 0 }).fit(X, y)
 */
export function gradientBoosting(options: GradientBoostingOptions = {}): GradientBoostingRegressor {
  return new GradientBoostingRegressor(options);
}
