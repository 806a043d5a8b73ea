import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng, RandomForestRegressor, kFold, permutationImportance, r2, randomForest, selectRows } from "../../lib/src/models";
import { loadVoltageTable } from "../../lib/src/models/bench-data";

/** n samples, 3 features uniform in [0,1); y = 10·x0 + small noise (x1, x2 irrelevant). */
function synthetic(n: number, seed: number, noise = 0.1): { X: number[][]; y: number[] } {
  const rng = new Rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [rng.nextFloat(), rng.nextFloat(), rng.nextFloat()];
    X.push(r);
    y.push(10 * r[0] + noise * (rng.nextFloat() - 0.5));
  }
  return { X, y };
}

const single = { nEstimators: 1, bootstrap: false, maxFeatures: 1 } as const;

test("a depth-1 tree splits at the midpoint between the two groups with leaf means as values", () => {
  const rf = randomForest({ ...single, maxDepth: 1 }).fit([[1], [2], [3], [4]], [0, 0, 1, 1]);
  const t = rf.trees[0];
  assert.equal(t.feature.length, 3);
  assert.equal(t.feature[0], 0);
  assert.equal(t.threshold[0], 2.5);
  assert.equal(t.value[t.left[0]], 0);
  assert.equal(t.value[t.right[0]], 1);
  assert.deepEqual(Array.from(rf.predict([[2.5], [2.50001], [-100], [100]])), [0, 1, 0, 1]);
});

test("the split goes to the informative feature and its exact best threshold", () => {
  // feature 1 separates {0,0,0} from {5,5,5}; feature 0 is a poor predictor
  const X = [[3, 0.1], [1, 0.2], [2, 0.3], [6, 0.9], [4, 1.0], [5, 1.1]];
  const rf = randomForest({ ...single, maxDepth: 1 }).fit(X, [0, 0, 0, 5, 5, 5]);
  assert.equal(rf.trees[0].feature[0], 1);
  assert.equal(rf.trees[0].threshold[0], 0.6);
  assert.deepEqual(Array.from(rf.featureImportances), [0, 1]);
});

test("minSamplesLeaf moves the split so that each leaf keeps enough samples", () => {
  const X = [[1], [2], [3], [4]];
  const y = [0, 0, 0, 10];
  assert.equal(randomForest({ ...single, maxDepth: 1 }).fit(X, y).trees[0].threshold[0], 3.5);
  const rf = randomForest({ ...single, maxDepth: 1, minSamplesLeaf: 2 }).fit(X, y);
  assert.equal(rf.trees[0].threshold[0], 2.5);
  assert.deepEqual(Array.from(rf.predict([[1], [4]])), [0, 5]);
});

test("a fully grown tree without bootstrap reproduces distinct training points exactly", () => {
  const { X, y } = synthetic(200, 3);
  const rf = randomForest(single).fit(X, y);
  assert.deepEqual(Array.from(rf.predict(X)), y);
  assert.equal(rf.trees[0].feature.filter((f) => f < 0).length, 200);
});

test("maxDepth limits the depth of every tree", () => {
  const { X, y } = synthetic(300, 4);
  const rf = randomForest({ nEstimators: 5, maxDepth: 3, seed: 1 }).fit(X, y);
  for (const t of rf.trees) {
    const depth = (node: number): number => (t.feature[node] < 0 ? 0 : 1 + Math.max(depth(t.left[node]), depth(t.right[node])));
    assert.ok(depth(0) <= 3);
    assert.ok(t.feature.filter((f) => f < 0).length <= 8);
  }
});

test("equal seeds give identical forests, different seeds different ones", () => {
  const { X, y } = synthetic(150, 5, 2);
  const a = randomForest({ nEstimators: 10, maxFeatures: "sqrt", seed: 42 }).fit(X, y).predict(X);
  const b = randomForest({ nEstimators: 10, maxFeatures: "sqrt", seed: 42 }).fit(X, y).predict(X);
  const c = randomForest({ nEstimators: 10, maxFeatures: "sqrt", seed: 43 }).fit(X, y).predict(X);
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
});

test("multi-output: y as rows gives one prediction per output, and outputs y and 2y share the splits", () => {
  const { X, y } = synthetic(120, 6, 1);
  const Y = y.map((v) => [v, 2 * v]);
  const rf = randomForest({ nEstimators: 8, seed: 3 }).fit(X, Y);
  assert.equal(rf.nOutputs, 2);
  const P = rf.predictMatrix(X);
  assert.equal(P.nRows, 120);
  assert.equal(P.nCols, 2);
  for (let i = 0; i < 120; i++) assert.ok(Math.abs(P.data[2 * i + 1] - 2 * P.data[2 * i]) < 1e-9);
  const one = randomForest({ nEstimators: 8, seed: 3 }).fit(X, y).predict(X);
  for (let i = 0; i < 120; i++) assert.ok(Math.abs(P.data[2 * i] - one[i]) < 1e-9);
});

test("impurity importances sum to 1 and single out the only informative feature", () => {
  const { X, y } = synthetic(400, 7);
  const rf = randomForest({ nEstimators: 30, seed: 0 }).fit(X, y);
  const fi = rf.featureImportances;
  assert.ok(Math.abs(fi.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(fi[0] > 0.95, `importance of x0 = ${fi[0]}`);
});

test("permutation importance: shuffling the informative feature destroys R², shuffling noise does not", () => {
  const train = synthetic(300, 8);
  const test_ = synthetic(200, 9);
  const rf = randomForest({ nEstimators: 30, seed: 0 }).fit(train.X, train.y);
  const pi = permutationImportance(rf, test_.X, test_.y, { nRepeats: 3, seed: 1 });
  assert.ok(pi.baselineScore > 0.95);
  assert.ok(pi.importancesMean[0] > 1, `drop for x0 = ${pi.importancesMean[0]}`);
  assert.ok(Math.abs(pi.importancesMean[1]) < 0.02 && Math.abs(pi.importancesMean[2]) < 0.02);
  assert.equal(pi.importances.nCols, 3);
});

test("out-of-bag R² is high on a learnable target, near zero or below on pure noise", () => {
  const { X, y } = synthetic(300, 10);
  const good = randomForest({ nEstimators: 40, seed: 0, oobScore: true }).fit(X, y);
  assert.ok(good.oobScore! > 0.95, `oob = ${good.oobScore}`);
  const noise = new Rng(11);
  const yn = y.map(() => noise.nextFloat());
  const bad = randomForest({ nEstimators: 40, seed: 0, oobScore: true }).fit(X, yn);
  assert.ok(bad.oobScore! < 0.1, `oob on noise = ${bad.oobScore}`);
  assert.equal(randomForest().fit(X, y).oobScore, null);
  assert.throws(() => randomForest({ oobScore: true, bootstrap: false }), /oobScore needs bootstrap/);
});

test("on the MP electrode table the out-of-bag R² agrees with 5-fold cross-validated R² within 0.05", () => {
  const { X, y } = loadVoltageTable();
  const rf = randomForest({ nEstimators: 40, seed: 0, oobScore: true, maxFeatures: 0.5 }).fit(X, y);
  const oof = new Float64Array(y.length);
  for (const f of kFold(y.length, 5, 0)) {
    const m = randomForest({ nEstimators: 40, seed: 0, maxFeatures: 0.5 }).fit(selectRows(X, f.train), Array.from(f.train, (i) => y[i]));
    const p = m.predict(selectRows(X, f.test));
    f.test.forEach((i, j) => (oof[i] = p[j]));
  }
  const cv = r2(y, oof);
  assert.ok(cv > 0.5 && cv < 0.9, `cv R² = ${cv}`);
  assert.ok(Math.abs(rf.oobScore! - cv) < 0.05, `oob ${rf.oobScore} vs cv ${cv}`);
});

test("maxFeatures accepts fractions, counts, sqrt and log2 and rejects nonsense", () => {
  const { X, y } = synthetic(50, 12);
  for (const mf of [0.33, 2, "sqrt", "log2", { count: 1 }] as const) assert.doesNotThrow(() => randomForest({ nEstimators: 2, maxFeatures: mf }).fit(X, y));
  assert.throws(() => randomForest({ maxFeatures: 1.5 }), /maxFeatures must be/);
  assert.throws(() => randomForest({ maxFeatures: "all" as never }), /maxFeatures must be/);
});

test("toJSON/fromJSON round trip is exact (state and predictions)", () => {
  const { X, y } = synthetic(100, 13);
  const rf = randomForest({ nEstimators: 5, seed: 2, oobScore: true }).fit(X, y.map((v) => [v, -v]));
  const json = JSON.stringify(rf);
  const again = RandomForestRegressor.fromJSON(json);
  assert.equal(JSON.stringify(again), json);
  assert.deepEqual(Array.from(again.predict(X)), Array.from(rf.predict(X)));
  assert.deepEqual(again.options, rf.options);
  assert.equal(RandomForestRegressor.fromJSON(JSON.stringify(randomForest())).isFitted, false);
});

test("citations name Breiman's random forests", () => {
  assert.ok(randomForest().citations().some((c) => /Breiman.*Random Forests/.test(c)));
});
