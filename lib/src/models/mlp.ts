/**
 * A multilayer-perceptron regressor on tfjs (§2.2.1 "Neural Network": several targets at once, e.g. capacity and
 * voltage), with standardisation inside the model, seeded initialisation and shuffling, early stopping on a
 * held-out share of the training data, an in-place progress bar and save/load.
 *
 * Training is asynchronous (tfjs), so `fit` returns a Promise: `await mlp.fit(X, y)`.
 */
import fs from "node:fs";
import path from "node:path";
import { loadTf, type Tf, type TfBackendRequest } from "../nn/backend";
import { saveModel, loadLayersModel } from "../nn/io";
import { progressBar, type ProgressBar } from "../plot/progress";
import { BaseEstimator, type BaseState, type EstimatorJSON } from "./base";
import { NotFittedError, ValidationError, checkOptionKeys } from "./errors";
import { checkX, checkY, type XInput, type YInput } from "./input";
import { Rng } from "./random";
import type * as tfTypes from "@tensorflow/tfjs";

/** Options of {@link MLPRegressor}; every field is optional. */
export interface MLPOptions {
  /** Units of each hidden layer. Default [64, 64]. */
  hiddenLayers?: readonly number[];
  /** Hidden activation. Default "relu". */
  activation?: "relu" | "tanh" | "elu" | "selu" | "sigmoid" | "swish";
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Maximum epochs. Default 300. */
  epochs?: number;
  /** Mini-batch size. Default 32. */
  batchSize?: number;
  /** L2 penalty on the kernels. Default 0. */
  l2?: number;
  /** Dropout rate after each hidden layer. Default 0. */
  dropout?: number;
  /** Share of the training rows held out for early stopping (0 disables it). Default 0.1. */
  validationFraction?: number;
  /** Epochs without improvement of the validation loss before stopping; the best weights are restored. Default 20. */
  patience?: number;
  /** Standardise inputs and targets inside the model. Default true. */
  standardize?: boolean;
  /** Seed of weight initialisation, the validation split and batch shuffling. Default 0. */
  seed?: number;
  /** Show a progress bar (in place in a notebook). Default false. */
  progress?: boolean;
  /** tfjs backend request passed to loadTf. Default "auto". */
  backend?: TfBackendRequest;
}

const DEFAULTS: Required<MLPOptions> = {
  hiddenLayers: [64, 64],
  activation: "relu",
  learningRate: 1e-3,
  epochs: 300,
  batchSize: 32,
  l2: 0,
  dropout: 0,
  validationFraction: 0.1,
  patience: 20,
  standardize: true,
  seed: 0,
  progress: false,
  backend: "auto",
};

interface MlpState extends BaseState {
  nOutputs: number;
  outputNames: string[] | null;
  xMean: number[];
  xScale: number[];
  yMean: number[];
  yScale: number[];
  /** Training history: loss (and validation loss) per epoch, on the standardised scale. */
  history: { loss: number[]; valLoss: number[] };
  bestEpoch: number;
}

interface MlpJSONState extends MlpState {
  weights: { shape: number[]; values: number[] }[];
}

function stats(data: Float64Array, n: number, p: number, standardize: boolean): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(1);
  if (!standardize) return { mean, scale };
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += data[i * p + j];
  for (let j = 0; j < p; j++) mean[j] /= n;
  const v = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) v[j] += (data[i * p + j] - mean[j]) ** 2;
  for (let j = 0; j < p; j++) scale[j] = v[j] > 0 ? Math.sqrt(v[j] / n) : 1;
  return { mean, scale };
}

function scaled(data: Float64Array, n: number, p: number, mean: number[], scale: number[]): Float32Array {
  const out = new Float32Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[i * p + j] = (data[i * p + j] - mean[j]) / scale[j];
  return out;
}

/**
 * Multi-output MLP regressor.
 * @example
 * ```ts
 * const mlp = await new MLPRegressor({ hiddenLayers: [64, 32], epochs: 200, seed: 0, progress: true }).fit(X, Y); // Y: rows [capacity, voltage]
 * mlp.predict(Xtest); // row-major n × 2
 * await mlp.save("build/models/mlp");
 * ```
 */
export class MLPRegressor extends BaseEstimator<MLPOptions, MlpState> {
  private model: tfTypes.LayersModel | null = null;
  private tf: Tf | null = null;

  constructor(options: MLPOptions = {}) {
    checkOptionKeys("MLPRegressor", options, Object.keys(DEFAULTS));
    super(options);
    this.getParams();
  }

  /** `"MLPRegressor"`. */
  get estimatorType(): string {
    return "MLPRegressor";
  }

  /** All options with defaults (validated). */
  getParams(): Required<MLPOptions> {
    const o = { ...DEFAULTS, ...this.options };
    const bad = (msg: string): never => {
      throw new ValidationError(`MLPRegressor: ${msg}`);
    };
    if (!Array.isArray(o.hiddenLayers) || o.hiddenLayers.some((u) => !Number.isInteger(u) || u < 1)) bad(`hiddenLayers must be a list of positive integers, got ${JSON.stringify(o.hiddenLayers)}`);
    if (!(o.learningRate > 0)) bad(`learningRate must be > 0, got ${o.learningRate}`);
    if (!Number.isInteger(o.epochs) || o.epochs < 1) bad(`epochs must be a positive integer, got ${o.epochs}`);
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) bad(`batchSize must be a positive integer, got ${o.batchSize}`);
    if (!(o.validationFraction >= 0 && o.validationFraction < 1)) bad(`validationFraction must be in [0, 1), got ${o.validationFraction}`);
    if (!(o.dropout >= 0 && o.dropout < 1)) bad(`dropout must be in [0, 1), got ${o.dropout}`);
    if (!(o.l2 >= 0)) bad(`l2 must be >= 0, got ${o.l2}`);
    return o;
  }

  /** An unfitted copy with the same options. */
  clone(): MLPRegressor {
    return new MLPRegressor({ ...this.options });
  }

  /** Papers implemented. */
  citations(): string[] {
    return [
      "D. E. Rumelhart, G. E. Hinton, R. J. Williams, \"Learning representations by back-propagating errors\", Nature 323, 533–536 (1986)",
      "D. P. Kingma, J. Ba, \"Adam: a method for stochastic optimization\", ICLR (2015), arXiv:1412.6980",
      "D. Smilkov et al., \"TensorFlow.js: machine learning for the web and beyond\", SysML (2019), arXiv:1901.05350",
    ];
  }

  /** Loss per epoch (standardised scale) and the epoch whose weights were kept. */
  get history(): { loss: number[]; valLoss: number[]; bestEpoch: number } {
    const s = this.fitted("history");
    return { ...s.history, bestEpoch: s.bestEpoch };
  }

  private build(tf: Tf, p: number, q: number, o: Required<MLPOptions>): tfTypes.LayersModel {
    const model = tf.sequential();
    o.hiddenLayers.forEach((units, k) => {
      model.add(tf.layers.dense({
        units,
        activation: o.activation,
        inputShape: k === 0 ? [p] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed + 101 * k }),
        kernelRegularizer: o.l2 > 0 ? tf.regularizers.l2({ l2: o.l2 }) : undefined,
      }));
      if (o.dropout > 0) model.add(tf.layers.dropout({ rate: o.dropout, seed: o.seed + 7 * k }));
    });
    model.add(tf.layers.dense({ units: q, inputShape: o.hiddenLayers.length === 0 ? [p] : undefined, kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed + 9973 }) }));
    model.compile({ optimizer: tf.train.adam(o.learningRate), loss: "meanSquaredError" });
    return model;
  }

  /**
   * Trains the network; resolves to `this`. y may be one value per row or rows of several targets.
   * @throws ValidationError on NaN/Infinity, ragged rows or mismatched lengths.
   */
  async fit(X: XInput, y: YInput): Promise<this> {
    const o = this.getParams();
    const { X: M, featureNames } = checkX("MLPRegressor", X, false);
    const cy = checkY("MLPRegressor", y, M.nRows);
    const n = M.nRows;
    const p = M.nCols;
    const q = cy.nOutputs;
    const { tf } = await loadTf({ backend: o.backend });
    this.tf = tf;
    const xs = stats(M.data, n, p, o.standardize);
    const ys = stats(cy.Y, n, q, o.standardize);
    const Xs = scaled(M.data, n, p, xs.mean, xs.scale);
    const Ys = scaled(cy.Y, n, q, ys.mean, ys.scale);
    const rng = new Rng(o.seed);
    const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const nVal = o.validationFraction > 0 ? Math.max(1, Math.round(o.validationFraction * n)) : 0;
    if (nVal > 0 && n - nVal < 2) throw new ValidationError(`MLPRegressor: ${n} rows are too few for validationFraction ${o.validationFraction}`);
    const valIdx = perm.slice(0, nVal);
    const trainIdx = perm.slice(nVal);
    const rows = (idx: Int32Array, src: Float32Array, w: number): Float32Array => {
      const out = new Float32Array(idx.length * w);
      idx.forEach((i, k) => out.set(src.subarray(i * w, (i + 1) * w), k * w));
      return out;
    };
    this.model?.dispose();
    const model = this.build(tf, p, q, o);
    const history = { loss: [] as number[], valLoss: [] as number[] };
    let best = Infinity;
    let bestEpoch = -1;
    let bestWeights: tfTypes.Tensor[] | null = null;
    let wait = 0;
    const bar: ProgressBar | null = o.progress ? progressBar({ total: o.epochs, label: "MLP training" }) : null;
    const xVal = nVal > 0 ? tf.tensor2d(rows(valIdx, Xs, p), [nVal, p]) : null;
    const yVal = nVal > 0 ? tf.tensor2d(rows(valIdx, Ys, q), [nVal, q]) : null;
    try {
      for (let epoch = 0; epoch < o.epochs; epoch++) {
        const order = rng.shuffle(Int32Array.from(trainIdx));
        const xb = tf.tensor2d(rows(order, Xs, p), [order.length, p]);
        const yb = tf.tensor2d(rows(order, Ys, q), [order.length, q]);
        const h = await model.fit(xb, yb, { epochs: 1, batchSize: o.batchSize, shuffle: false, verbose: 0 });
        xb.dispose();
        yb.dispose();
        const loss = Number(h.history.loss[0]);
        if (!Number.isFinite(loss)) throw new ValidationError(`MLPRegressor: training diverged at epoch ${epoch + 1} (loss ${loss}); lower learningRate (now ${o.learningRate})`);
        history.loss.push(loss);
        let monitor = loss;
        if (xVal && yVal) {
          const v = tf.tidy(() => (model.evaluate(xVal, yVal, { batchSize: 1024 }) as tfTypes.Scalar).dataSync()[0]);
          history.valLoss.push(v);
          monitor = v;
        }
        if (monitor < best - 1e-9) {
          best = monitor;
          bestEpoch = epoch;
          wait = 0;
          bestWeights?.forEach((t) => t.dispose());
          bestWeights = model.getWeights().map((t) => t.clone());
        } else if (nVal > 0 && ++wait >= o.patience) {
          bar?.update(epoch + 1, `stopped early: best epoch ${bestEpoch + 1}, val loss ${best.toPrecision(3)}`);
          break;
        }
        bar?.update(epoch + 1, `loss ${loss.toPrecision(3)}${xVal ? `, val ${monitor.toPrecision(3)}` : ""}`);
      }
      if (bestWeights) model.setWeights(bestWeights);
    } finally {
      bestWeights?.forEach((t) => t.dispose());
      xVal?.dispose();
      yVal?.dispose();
      bar?.done(`best epoch ${bestEpoch + 1}`);
    }
    this.model = model;
    this._state = {
      nFeatures: p,
      nOutputs: q,
      featureNames,
      outputNames: cy.outputNames,
      xMean: xs.mean,
      xScale: xs.scale,
      yMean: ys.mean,
      yScale: ys.scale,
      history,
      bestEpoch,
    };
    return this;
  }

  /**
   * Predictions, row-major n × nOutputs (n values for one output). X is checked as by every estimator: the
   * number of features, and, when both fit and predict got a DataFrame, the column names in order.
   */
  predict(X: XInput): Float64Array {
    const s = this.fitted("predict");
    if (!this.model || !this.tf) throw new NotFittedError("MLPRegressor", "predict");
    const M = this.checkPredictX(X, false);
    const tf = this.tf;
    const model = this.model;
    const Xs = scaled(M.data, M.nRows, M.nCols, s.xMean, s.xScale);
    const out = tf.tidy(() => (model.predict(tf.tensor2d(Xs, [M.nRows, M.nCols])) as tfTypes.Tensor).dataSync());
    const res = new Float64Array(out.length);
    for (let i = 0; i < M.nRows; i++) for (let j = 0; j < s.nOutputs; j++) res[i * s.nOutputs + j] = out[i * s.nOutputs + j] * s.yScale[j] + s.yMean[j];
    return res;
  }

  /** A JSON-safe snapshot with the weights (exact float32 values). */
  toJSON(): EstimatorJSON<MLPOptions, MlpJSONState> {
    const state = this._state && this.model
      ? { ...this._state, weights: this.model.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })) }
      : null;
    return { type: "MLPRegressor", formatVersion: 1, options: { ...this.options }, state };
  }

  /** Restores a model saved with `toJSON()`; asynchronous because it loads tfjs. */
  static async fromJSON(json: EstimatorJSON | string): Promise<MLPRegressor> {
    const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON<MLPOptions, MlpJSONState>;
    if (j.type !== "MLPRegressor") throw new ValidationError(`MLPRegressor.fromJSON: this is a saved ${j.type}, not an MLPRegressor`);
    const m = new MLPRegressor(j.options);
    if (j.state) {
      const { weights, ...state } = j.state;
      const { tf } = await loadTf({ backend: m.getParams().backend });
      const model = m.build(tf, state.nFeatures, state.nOutputs, m.getParams());
      model.setWeights(weights.map((w) => tf.tensor(Float32Array.from(w.values), w.shape)));
      m.tf = tf;
      m.model = model;
      m._state = state;
    }
    return m;
  }

  /** Saves the network (model.json + weights.bin, tfjs-node's layout) and the scalers (mlp.json) to a folder. */
  async save(dir: string): Promise<void> {
    const state = this.fitted("save");
    if (!this.model) throw new NotFittedError("MLPRegressor", "save");
    await saveModel(this.model, dir);
    fs.writeFileSync(path.join(dir, "mlp.json"), JSON.stringify({ type: "MLPRegressor", formatVersion: 1, options: this.options, state }, null, 1));
  }

  /** Loads a folder written by {@link MLPRegressor.save}. */
  static async load(dir: string): Promise<MLPRegressor> {
    const file = path.join(dir, "mlp.json");
    if (!fs.existsSync(file)) throw new ValidationError(`MLPRegressor.load: ${file} is missing (was the folder written by MLPRegressor.save?)`);
    const j = JSON.parse(fs.readFileSync(file, "utf8")) as EstimatorJSON<MLPOptions, MlpState>;
    const m = new MLPRegressor(j.options);
    const { tf } = await loadTf({ backend: m.getParams().backend });
    m.tf = tf;
    m.model = await loadLayersModel(dir);
    m._state = j.state;
    return m;
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.model?.dispose();
    this.model = null;
    this._state = null;
  }
}

/** Factory: `mlpRegressor({ hiddenLayers: [64, 64], seed: 0 })`. */
export function mlpRegressor(options: MLPOptions = {}): MLPRegressor {
  return new MLPRegressor(options);
}
