import { test } from "node:test";
import assert from "node:assert/strict";
import { GradientBoostingRegressor, Rng, gradientBoosting, rmse } from "../../lib/src/models";
import { quantileCuts } from "../../lib/src/models/boosting";

const X4 = [[1], [2], [3], [4]];
const y4 = [0, 0, 1, 1];
const stump = { nEstimators: 1, maxDepth: 1, learningRate: 1, baseScore: 0.5, minChildWeight: 0 } as const;

test("one round, one split: threshold, leaf weights −G/(H+λ), gain and cover are XGBoost's closed forms", () => {
  // g = 0.5 − y = [½, ½, −½, −½], h = 1: left G = 1, H = 2; right G = −1, H = 2
  const gb = gradientBoosting({ ...stump, lambda: 0 }).fit(X4, y4);
  const t = gb.trees[0];
  assert.equal(t.feature[0], 0);
  assert.equal(t.threshold[0], 2);
  assert.equal(t.value[t.left[0]], -0.5);
  assert.equal(t.value[t.right[0]], 0.5);
  assert.equal(t.gain[0], 1); // 1²/2 + 1²/2 − 0²/4
  assert.equal(t.cover[0], 4);
  assert.deepEqual(Array.from(gb.predict(X4)), [0, 0, 1, 1]);
});

test("λ shrinks leaf weights to −G/(H+λ), α soft-thresholds G, η scales them", () => {
  const l = gradientBoosting({ ...stump, lambda: 1 }).fit(X4, y4).trees[0];
  assert.equal(l.value[l.left[0]], -1 / 3);
  const a = gradientBoosting({ ...stump, lambda: 1, alpha: 0.5 }).fit(X4, y4).trees[0];
  assert.equal(a.value[a.left[0]], -0.5 / 3);
  const e = gradientBoosting({ ...stump, lambda: 1, learningRate: 0.1 }).fit(X4, y4).trees[0];
  assert.ok(Math.abs(e.value[e.left[0]] - -0.1 / 3) < 1e-15);
});

test("γ above the best gain and minChildWeight above what a child can hold both forbid the split", () => {
  const g = gradientBoosting({ ...stump, lambda: 0, gamma: 1.01 }).fit(X4, y4).trees[0];
  assert.equal(g.feature.length, 1);
  assert.equal(gradientBoosting({ ...stump, lambda: 0, gamma: 0.99 }).fit(X4, y4).trees[0].feature.length, 3);
  assert.equal(gradientBoosting({ ...stump, lambda: 0, minChildWeight: 3 }).fit(X4, y4).trees[0].feature.length, 1);
  assert.equal(gradientBoosting({ ...stump, lambda: 0, minChildWeight: 2 }).fit(X4, y4).trees[0].feature.length, 3);
});

test("baseScore defaults to the mean of y", () => {
  const gb = gradientBoosting({ nEstimators: 1 }).fit(X4, [1, 2, 3, 10]);
  assert.equal(gb.baseScore, 4);
});

test("quantile cuts: every distinct value when there are few, at most maxBin quantiles otherwise, NaN ignored", () => {
  assert.deepEqual(Array.from(quantileCuts(Float64Array.from([3, 1, NaN, 2, 1]), 256)), [1, 2, 3]);
  const many = Float64Array.from({ length: 1000 }, (_, i) => i);
  const c = quantileCuts(many, 10);
  assert.equal(c.length, 10);
  assert.equal(c[c.length - 1], 999);
  assert.equal(c[0], 99);
});

test("missing values go to the learned default direction", () => {
  // x ≤ 5 → y = 0, x > 5 → y = 10; rows with x missing have y = 10 (so NaN should go right), or y = 0 (left)
  const X: number[][] = [];
  const yHigh: number[] = [];
  const yLow: number[] = [];
  for (let i = 1; i <= 10; i++) { X.push([i]); yHigh.push(i > 5 ? 10 : 0); yLow.push(i > 5 ? 10 : 0); }
  for (let i = 0; i < 5; i++) { X.push([NaN]); yHigh.push(10); yLow.push(0); }
  const opts = { nEstimators: 1, maxDepth: 1, learningRate: 1, lambda: 0, baseScore: 5 } as const;
  const hi = gradientBoosting(opts).fit(X, yHigh);
  assert.equal(hi.trees[0].defaultLeft[0], 0);
  assert.equal(hi.trees[0].threshold[0], 5);
  assert.deepEqual(Array.from(hi.predict([[NaN], [1], [9]])), [10, 0, 10]);
  const lo = gradientBoosting(opts).fit(X, yLow);
  assert.equal(lo.trees[0].defaultLeft[0], 1);
  assert.deepEqual(Array.from(lo.predict([[NaN], [1], [9]])), [0, 0, 10]);
});

function noisy(n: number, seed: number): { X: number[][]; y: number[] } {
  const rng = new Rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [rng.nextFloat(), rng.nextFloat(), rng.nextFloat(), rng.nextFloat()];
    X.push(r);
    y.push(Math.sin(6 * r[0]) + r[1] + 0.5 * (rng.nextFloat() - 0.5) * 2);
  }
  return { X, y };
}

test("early stopping keeps the round with the best evaluation score and predicts with it", () => {
  const tr = noisy(300, 1);
  const va = noisy(200, 2);
  const gb = gradientBoosting({ nEstimators: 500, learningRate: 0.5, maxDepth: 6, earlyStoppingRounds: 10 }).fit(tr.X, tr.y, { evalSet: va });
  const h = gb.evalHistory;
  const best = h.indexOf(Math.min(...h));
  assert.equal(gb.bestIteration, best);
  assert.equal(gb.bestScore, h[best]);
  assert.equal(h.length, best + 11); // stopped 10 rounds after the best
  assert.ok(h.length < 500);
  assert.ok(Math.abs(rmse(va.y, gb.predict(va.X)) - h[best]) < 1e-12);
  assert.equal(gb.trees.length, h.length);
  assert.throws(() => gradientBoosting({ earlyStoppingRounds: 5 }).fit(tr.X, tr.y), /earlyStoppingRounds needs an evaluation set/);
});

test("importances: weight counts splits, gain and cover are means, normalised ones sum to 1", () => {
  const tr = noisy(300, 3);
  const gb = gradientBoosting({ nEstimators: 20, maxDepth: 3 }).fit(tr.X, tr.y);
  let splits = 0;
  for (const t of gb.trees) splits += t.feature.filter((f) => f >= 0).length;
  const w = gb.importances("weight");
  assert.equal(w.reduce((a, b) => a + b, 0), splits);
  const total = gb.importances("totalGain");
  const mean = gb.importances("gain");
  for (let f = 0; f < 4; f++) if (w[f] > 0) assert.ok(Math.abs(mean[f] - total[f] / w[f]) < 1e-9);
  for (const type of ["gain", "weight", "cover"] as const) {
    assert.ok(Math.abs(gb.featureImportances(type).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  const fi = gb.featureImportances();
  assert.ok(fi[0] > fi[2] && fi[0] > fi[3], "x0 (sin term) outranks the noise features");
});

test("the pseudo-Huber loss is robust to an outlier where squared error is not", () => {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 40; i++) { X.push([i % 4]); y.push(0); }
  y[0] = 1000;
  const opts = { nEstimators: 20, maxDepth: 2, baseScore: 0, learningRate: 0.3 } as const;
  const se = gradientBoosting(opts).fit(X, y).predict([[1]])[0];
  const hub = gradientBoosting({ ...opts, objective: "reg:pseudohubererror", huberSlope: 1 }).fit(X, y).predict([[1]])[0];
  assert.ok(Math.abs(hub) < 0.5, `huber prediction ${hub}`);
  const seOutlierCell = gradientBoosting(opts).fit(X, y).predict([[0]])[0];
  const hubOutlierCell = gradientBoosting({ ...opts, objective: "reg:pseudohubererror" }).fit(X, y).predict([[0]])[0];
  assert.ok(seOutlierCell > 50, `squared error follows the outlier: ${seOutlierCell}`);
  assert.ok(hubOutlierCell < 10, `pseudo-Huber does not: ${hubOutlierCell}`);
  assert.ok(Math.abs(se) < 1e-9);
});

test("objective 'huber' is the true Huber loss (LightGBM's): gradient clip(r, −δ, δ), hessian 1, so one round's leaf is the mean clipped residual", () => {
  // y = [0, 0, 1, 10] from 0: clipped residuals (δ = 1) [0, 0, 1, 1]; the split at x ≤ 2 gives leaves 0 and 1
  const y = [0, 0, 1, 10];
  const opts = { ...stump, baseScore: 0, lambda: 0, huberSlope: 1 } as const;
  const hub = gradientBoosting({ ...opts, objective: "huber" }).fit(X4, y);
  const t = hub.trees[0];
  assert.equal(t.threshold[0], 2);
  assert.equal(t.value[t.left[0]] + 0, 0); // −0 from −G/H with G = 0
  assert.equal(t.value[t.right[0]], 1);
  assert.equal(t.cover[0], 4); // unit hessians: cover counts rows
  // the pseudo-Huber (XGBoost's reg:pseudohubererror) is a different loss: a smooth approximation whose hessian
  // (1 + r²/δ²)^(−3/2) vanishes for large residuals, so the outlier gets a leaf of its own whose Newton step
  // −g/h = r (1 + r²/δ²) is 1010, a hundred times its residual
  const ph = gradientBoosting({ ...opts, objective: "reg:pseudohubererror" }).fit(X4, y).trees[0];
  assert.equal(ph.threshold[0], 3);
  assert.ok(Math.abs(ph.value[ph.right[0]] - 1010) < 1e-6, `${ph.value[ph.right[0]]}`);
  // with δ above every residual the Huber loss is the squared error: identical models
  const tr = noisy(120, 11);
  const se = gradientBoosting({ nEstimators: 15, maxDepth: 3 }).fit(tr.X, tr.y).predict(tr.X);
  const wide = gradientBoosting({ nEstimators: 15, maxDepth: 3, objective: "huber", huberSlope: 1e9 }).fit(tr.X, tr.y).predict(tr.X);
  assert.deepEqual(Array.from(wide), Array.from(se));
});

test("the Huber loss is robust to an outlier, and its default evaluation metric is the mean Huber error", () => {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 40; i++) { X.push([i % 4]); y.push(0); }
  y[0] = 1000;
  const opts = { nEstimators: 20, maxDepth: 2, baseScore: 0, learningRate: 0.3 } as const;
  const outlierCell = gradientBoosting({ ...opts, objective: "huber" }).fit(X, y).predict([[0]])[0];
  assert.ok(outlierCell < 10, `Huber does not follow the outlier: ${outlierCell}`);
  const gb = gradientBoosting({ ...opts, objective: "huber", huberSlope: 2 }).fit(X, y, { evalSet: { X: [[0], [1]], y: [0, 3] } });
  const p = gb.predict([[0], [1]]); // with the trees up to the best round
  const huber = (r: number): number => (Math.abs(r) <= 2 ? 0.5 * r * r : 2 * (Math.abs(r) - 1));
  const expected = (huber(p[0] - 0) + huber(p[1] - 3)) / 2; // the residual 3 is beyond δ = 2: linear part
  assert.ok(Math.abs(gb.evalHistory[gb.bestIteration] - expected) < 1e-12, `${gb.evalHistory[gb.bestIteration]} vs ${expected}`);
  assert.equal(gb.bestScore, gb.evalHistory[gb.bestIteration]);
  assert.throws(() => gradientBoosting({ objective: "reg:huber" as never }), /objective must be "reg:squarederror", "reg:pseudohubererror" or "huber"/);
});

test("row and column subsampling are seeded: equal seeds equal models, different seeds differ", () => {
  const tr = noisy(200, 4);
  const opts = { nEstimators: 15, subsample: 0.7, colsampleBytree: 0.5 } as const;
  const a = gradientBoosting({ ...opts, seed: 1 }).fit(tr.X, tr.y).predict(tr.X);
  const b = gradientBoosting({ ...opts, seed: 1 }).fit(tr.X, tr.y).predict(tr.X);
  const c = gradientBoosting({ ...opts, seed: 2 }).fit(tr.X, tr.y).predict(tr.X);
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  const gb = gradientBoosting({ nEstimators: 10, colsampleBytree: 0.25, seed: 3 }).fit(tr.X, tr.y);
  for (const t of gb.trees) assert.ok(new Set(Array.from(t.feature).filter((f) => f >= 0)).size <= 1, "one feature per tree");
});

test("toJSON/fromJSON round trip is exact, including early-stopping state", () => {
  const tr = noisy(150, 5);
  const va = noisy(50, 6);
  const gb = gradientBoosting({ nEstimators: 40, earlyStoppingRounds: 5, learningRate: 0.5 }).fit(tr.X, tr.y, { evalSet: va });
  const json = JSON.stringify(gb);
  const again = GradientBoostingRegressor.fromJSON(json);
  assert.equal(JSON.stringify(again), json);
  assert.equal(again.bestIteration, gb.bestIteration);
  const Xq = [...va.X, [NaN, 0.5, 0.5, 0.5]];
  assert.deepEqual(Array.from(again.predict(Xq)), Array.from(gb.predict(Xq)));
});

test("option errors say what is valid", () => {
  assert.throws(() => gradientBoosting({ learningRate: 0 }), /learningRate must be in \(0, 1\]/);
  assert.throws(() => gradientBoosting({ objective: "reg:absoluteerror" as never }), /objective must be/);
  assert.throws(() => gradientBoosting({ maxBin: 1 }), /maxBin must be an integer in 2..65535/);
  assert.throws(() => gradientBoosting().fit([[1], [2]], [[1, 2], [3, 4]]), /fit one model per target/);
});
