import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MLPRegressor } from "../../lib/src/models/mlp";
import { r2 } from "../../lib/src/models/metrics";
import { NotFittedError, ValidationError } from "../../lib/src/models/errors";
import { crossValidate, gridSearch, learningCurve, randomSearch, type CrossValidationResult } from "../../lib/src/models/cross-validation";
import { BayesianModelAveraging } from "../../lib/src/models/model-averaging";
import { RidgeRegressor } from "../../lib/src/models/linear";
import { kFold } from "../../lib/src/models/validation";
import { loadModel, loadModelAsync } from "../../lib/src/models/registry";

/** Two smooth targets of three inputs (a stand-in for capacity and voltage). */
function data(n: number): { X: number[][]; Y: number[][] } {
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = [((i * 0.618034) % 1) * 2 - 1, ((i * 0.414214) % 1) * 2 - 1, ((i * 0.732051) % 1) * 2 - 1];
    X.push(x);
    Y.push([150 + 60 * x[0] - 30 * x[1] * x[1], 3.5 + 0.5 * Math.tanh(2 * x[2]) + 0.2 * x[0]]);
  }
  return { X, Y };
}

describe("MLPRegressor on tfjs", () => {
  test("fits two targets at once (different scales) with R² > 0.9 on held-out rows, reproducibly with a seed", async () => {
    const { X, Y } = data(400);
    const opts = { hiddenLayers: [32, 32], epochs: 150, batchSize: 32, learningRate: 3e-3, seed: 1, patience: 30 } as const;
    const mlp = await new MLPRegressor(opts).fit(X.slice(0, 320), Y.slice(0, 320));
    const P = mlp.predict(X.slice(320));
    for (let j = 0; j < 2; j++) {
      const yt = Y.slice(320).map((r) => r[j]);
      const yp = Array.from({ length: 80 }, (_, i) => P[i * 2 + j]);
      assert.ok(r2(yt, yp) > 0.9, `target ${j}: R² ${r2(yt, yp)}`);
    }
    const again = await new MLPRegressor(opts).fit(X.slice(0, 320), Y.slice(0, 320));
    assert.deepEqual(Array.from(again.predict(X.slice(320, 330))), Array.from(mlp.predict(X.slice(320, 330))));
    assert.ok(mlp.history.loss.length >= mlp.history.bestEpoch + 1);
  });

  test("early stopping ends training before the epoch limit and keeps the best epoch's weights", async () => {
    const { X, Y } = data(120);
    const mlp = await new MLPRegressor({ hiddenLayers: [64], epochs: 400, patience: 5, learningRate: 0.05, seed: 0 }).fit(X, Y.map((r) => r[0]));
    const h = mlp.history;
    assert.ok(h.loss.length < 400, `ran ${h.loss.length} epochs`);
    assert.equal(h.valLoss.length, h.loss.length);
    assert.equal(Math.min(...h.valLoss), h.valLoss[h.bestEpoch]);
  });

  test("save/load to a folder and toJSON/fromJSON reproduce predictions exactly", async () => {
    const { X, Y } = data(100);
    const mlp = await new MLPRegressor({ hiddenLayers: [8], epochs: 10, seed: 3 }).fit(X, Y);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-"));
    await mlp.save(dir);
    const loaded = await MLPRegressor.load(dir);
    assert.deepEqual(Array.from(loaded.predict(X.slice(0, 5))), Array.from(mlp.predict(X.slice(0, 5))));
    const back = await MLPRegressor.fromJSON(JSON.stringify(mlp.toJSON()));
    assert.deepEqual(Array.from(back.predict(X.slice(0, 5))), Array.from(mlp.predict(X.slice(0, 5))));
    fs.rmSync(dir, { recursive: true, force: true });
    await assert.rejects(MLPRegressor.load(dir), /mlp\.json is missing/);
  });

  test("bad input and options are clear errors", async () => {
    assert.throws(() => new MLPRegressor({ hiddenLayers: [0] }), /hiddenLayers/);
    assert.throws(() => new MLPRegressor({ epoch: 3 } as object), /epochs/);
    assert.throws(() => new MLPRegressor().predict([[1]]), NotFittedError);
    await assert.rejects(new MLPRegressor().fit([[1], [Number.POSITIVE_INFINITY]], [1, 2]), (e: unknown) => e instanceof ValidationError && /row 1/.test((e as Error).message));
    const mlp = await new MLPRegressor({ hiddenLayers: [4], epochs: 2 }).fit([[1, 2], [2, 3], [3, 4], [4, 5], [5, 6]], [1, 2, 3, 4, 5]);
    assert.throws(() => mlp.predict([[1, 2, 3]]), /3 features but the model was fitted with 2/);
  });
});

describe("MLPRegressor and DataFrame column names", () => {
  test("a DataFrame's columns become feature names, and predicting with reordered columns throws like the other estimators", async () => {
    const { X, Y } = data(30);
    const y = Y.map((r) => r[0]);
    const mlp = await new MLPRegressor({ hiddenLayers: [4], epochs: 3, seed: 0, validationFraction: 0 }).fit({ values: X, columns: ["a", "b", "c"] }, y);
    assert.deepEqual(mlp.featureNames, ["a", "b", "c"]);
    assert.deepEqual(Array.from(mlp.predict({ values: X.slice(0, 3), columns: ["a", "b", "c"] })), Array.from(mlp.predict(X.slice(0, 3))));
    const reordered = X.slice(0, 3).map((r) => [r[2], r[1], r[0]]);
    assert.throws(() => mlp.predict({ values: reordered, columns: ["c", "b", "a"] }), /column 0 of X is 'c' but the model was fitted with 'a'/);
  });
});

describe("MLPRegressor (async fit) in the validation utilities and model averaging", () => {
  const tiny = (o: { epochs?: number } = {}): MLPRegressor => new MLPRegressor({ hiddenLayers: [4], epochs: 5, seed: 0, validationFraction: 0, ...o });
  const { X, Y } = data(36);
  const y = Y.map((r) => r[0]);

  test("crossValidate returns a Promise for an async estimator, with the same out-of-fold predictions as fitting each fold by hand", async () => {
    const pending = crossValidate(tiny(), X, y, { k: 3, seed: 0 });
    assert.ok(pending instanceof Promise);
    const cv: CrossValidationResult = await pending;
    assert.equal(cv.folds.length, 3);
    assert.equal(cv.pooled.n, 36);
    for (const f of kFold(36, 3, 0)) {
      const m = await tiny().fit(Array.from(f.train, (i) => X[i]), Array.from(f.train, (i) => y[i]));
      const p = m.predict(Array.from(f.test, (i) => X[i]));
      f.test.forEach((i, k) => assert.equal(cv.oofPredictions[i], p[k]));
    }
    // a factory works the same; a synchronous estimator still gets a plain result
    const again = await crossValidate(() => tiny(), X, y, { k: 3, seed: 0 });
    assert.deepEqual(Array.from(again.oofPredictions), Array.from(cv.oofPredictions));
    const sync: CrossValidationResult = crossValidate(new RidgeRegressor(), X, y, { k: 3 });
    assert.ok(!(sync instanceof Promise));
  });

  test("gridSearch, randomSearch and learningCurve accept async estimators and resolve to their usual results", async () => {
    const grid = await gridSearch((p: { epochs: number }) => tiny(p), { epochs: [1, 4] }, X, y, { k: 2 });
    assert.deepEqual(grid.map((c) => c.params.epochs).sort(), [1, 4]);
    const rs = await randomSearch((p: { epochs: number }) => tiny(p), { epochs: { intUniform: [1, 3] } }, X, y, { k: 2, nIter: 2, seed: 1 });
    assert.equal(rs.length, 2);
    const lc = await learningCurve(tiny(), X, y, { k: 2, fractions: [0.5, 1] });
    assert.equal(lc.length, 2);
    assert.ok(lc[1].trainSize > lc[0].trainSize);
  });

  test("Bayesian model averaging with an MLP member: fit returns a Promise of the averager, whose members are the refitted models", async () => {
    const bma = new BayesianModelAveraging({ models: { ridge: new RidgeRegressor({ alpha: 0.1 }), mlp: tiny() }, k: 3 });
    const pending = bma.fit(X, y);
    assert.ok(pending instanceof Promise);
    assert.equal(await pending, bma);
    const w = bma.weights;
    assert.ok(Math.abs(w.ridge + w.mlp - 1) < 1e-12);
    const { mean, perModel } = bma.predictWithStd(X.slice(0, 4));
    const alone = await tiny().fit(X, y);
    assert.deepEqual(Array.from(perModel.mlp), Array.from(alone.predict(X.slice(0, 4))));
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(mean[i] - (w.ridge * perModel.ridge[i] + w.mlp * perModel.mlp[i])) < 1e-9);
    // with only synchronous members, fit stays synchronous (and typed so)
    const syncBma: BayesianModelAveraging<{ a: RidgeRegressor; b: RidgeRegressor }> = new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: new RidgeRegressor({ alpha: 10 }) } }).fit(X, y);
    assert.ok(Math.abs(syncBma.weights.a + syncBma.weights.b - 1) < 1e-12);
  });

  test("an averager with an MLP member saves with toJSON and loads with loadModelAsync (loadModel says to use it)", async () => {
    const bma = await new BayesianModelAveraging({ models: { ridge: new RidgeRegressor({ alpha: 0.1 }), mlp: tiny() }, k: 3 }).fit(X, y);
    const json = JSON.stringify(bma);
    assert.throws(() => loadModel(json), /MLPRegressor, which loads asynchronously: use await BayesianModelAveraging.fromJSONAsync\(json\) or await loadModelAsync\(json\)/);
    const again = await loadModelAsync(json);
    assert.ok(again instanceof BayesianModelAveraging);
    const a = again.predictWithStd(X.slice(0, 4));
    const b = bma.predictWithStd(X.slice(0, 4));
    assert.deepEqual(Array.from(a.mean), Array.from(b.mean));
    assert.deepEqual(Array.from(a.std), Array.from(b.std));
    const mlpAgain = await loadModelAsync(JSON.stringify(tiny().toJSON()));
    assert.ok(mlpAgain instanceof MLPRegressor);
    assert.throws(() => loadModel(JSON.stringify(tiny().toJSON())), /loadModelAsync/);
  });
});

describe("MLPRegressor options", () => {
  const { X, Y } = data(40);
  const y = Y.map((r) => r[0]);

  test("getParams fills every default; clone is unfitted with the same params and trains to the same weights", async () => {
    const m = new MLPRegressor({ hiddenLayers: [5], epochs: 3, seed: 2 });
    const p = m.getParams();
    assert.deepEqual(p, {
      hiddenLayers: [5], activation: "relu", learningRate: 1e-3, epochs: 3, batchSize: 32, l2: 0, dropout: 0,
      validationFraction: 0.1, patience: 20, standardize: true, seed: 2, progress: false, backend: "auto",
    });
    await m.fit(X, y);
    const c = m.clone();
    assert.equal(c.isFitted, false);
    assert.deepEqual(c.getParams(), p);
    await c.fit(X, y);
    assert.deepEqual(Array.from(c.predict(X.slice(0, 5))), Array.from(m.predict(X.slice(0, 5))));
    assert.throws(() => new MLPRegressor({ validationFraction: 1 }), /validationFraction must be in \[0, 1\)/);
    assert.throws(() => new MLPRegressor({ dropout: -0.1 }), /dropout/);
  });

  test("progress: true draws a progress bar (plain lines outside a notebook) and ends it with the best epoch", async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array): boolean => { lines.push(String(chunk)); return true; };
    try {
      await new MLPRegressor({ hiddenLayers: [4], epochs: 4, seed: 0, progress: true, validationFraction: 0 }).fit(X, y);
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    const bar = lines.filter((l) => l.includes("MLP training"));
    assert.ok(bar.length >= 2, JSON.stringify(lines));
    assert.match(bar[bar.length - 1], /4\/4/);
    assert.match(bar[bar.length - 1], /best epoch \d/);
    // progress: false (the default) writes nothing
    lines.length = 0;
    (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array): boolean => { lines.push(String(chunk)); return true; };
    try {
      await new MLPRegressor({ hiddenLayers: [4], epochs: 2, seed: 0, validationFraction: 0 }).fit(X, y);
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    assert.equal(lines.filter((l) => l.includes("MLP training")).length, 0);
  });

  test("standardize: false trains on raw inputs and targets (identity scalers) and still predicts in the units of y", async () => {
    const raw = await new MLPRegressor({ hiddenLayers: [8], epochs: 40, learningRate: 1e-2, seed: 0, validationFraction: 0, standardize: false }).fit(X, Y.map((r) => r[1]));
    const state = raw.toJSON().state!;
    assert.deepEqual(state.xMean, [0, 0, 0]);
    assert.deepEqual(state.xScale, [1, 1, 1]);
    assert.deepEqual(state.yMean, [0]);
    assert.deepEqual(state.yScale, [1]);
    const std = await new MLPRegressor({ hiddenLayers: [8], epochs: 40, learningRate: 1e-2, seed: 0, validationFraction: 0 }).fit(X, Y.map((r) => r[1]));
    assert.ok(std.toJSON().state!.yMean[0] > 3, "standardised: yMean is the mean voltage");
    const p = raw.predict(X.slice(0, 10));
    assert.ok(p.every((v) => Number.isFinite(v)));
    assert.notDeepEqual(Array.from(p), Array.from(std.predict(X.slice(0, 10))));
    // targets around 3.5 V: the raw model learns the offset itself
    const meanP = p.reduce((a, b) => a + b, 0) / p.length;
    assert.ok(meanP > 2.5 && meanP < 4.5, `mean prediction ${meanP}`);
  });
});
