import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MLPRegressor } from "../../lib/src/models/mlp";
import { r2 } from "../../lib/src/models/metrics";
import { NotFittedError, ValidationError } from "../../lib/src/models/errors";

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
