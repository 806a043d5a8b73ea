import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { RidgeRegressor, ElasticNetRegressor } from "../../lib/src/models/linear";
import { groupKFold, crossValidate, gridSearch, randomSearch, learningCurve, trainTestSplit } from "../../lib/src/models/cross-validation";
import { BayesianModelAveraging } from "../../lib/src/models/model-averaging";
import { GaussianProcessRegressor } from "../../lib/src/models/gaussian-process";
import { NotFittedError, ValidationError } from "../../lib/src/models/errors";
import { loadModel } from "../../lib/src/models/registry";
import { hasPythonModules, runPythonJson } from "../helpers/python";

function data(n: number, p: number, noise = 0.1): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: p }, (_, d) => ((i * (d + 2) * 0.7548776662) % 1) * (1 + d) - 0.5);
    X.push(row);
    y.push(2 * row[0] - 1.5 * row[1] + 0.3 * (row[2] ?? 0) + noise * Math.sin(13 * i) + 4);
  }
  return { X, y };
}

describe("linear baselines", () => {
  test("ridge recovers exact coefficients of a noiseless linear model as alpha → 0", () => {
    const { X, y } = data(50, 3, 0);
    const m = new RidgeRegressor({ alpha: 1e-10, standardize: false }).fit(X, y);
    assert.ok(Math.abs(m.coef[0] - 2) < 1e-6 && Math.abs(m.coef[1] + 1.5) < 1e-6 && Math.abs(m.coef[2] - 0.3) < 1e-6, `${m.coef}`);
    const p = m.predict([[0.1, 0.2, 0.3]]);
    assert.ok(Math.abs(p[0] - (0.2 - 0.3 + 0.09 + 4)) < 1e-6);
  });

  test("ridge and elastic net agree with scikit-learn (StandardScaler + Ridge / ElasticNet) to 1e-6", (t) => {
    if (!hasPythonModules("sklearn")) return t.skip("python3-sklearn is not installed");
    const { X, y } = data(120, 5, 0.3);
    const script = `
import sys, json, numpy as np
from sklearn.linear_model import Ridge, ElasticNet
from sklearn.preprocessing import StandardScaler
d = json.load(sys.stdin); X = np.array(d["X"]); y = np.array(d["y"])
Z = StandardScaler().fit_transform(X)
r = Ridge(alpha=3.0).fit(Z, y)
e = ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-12, max_iter=100000).fit(Z, y)
print(json.dumps({"ridge": r.coef_.tolist(), "ridge_b": r.intercept_, "en": e.coef_.tolist(), "en_b": e.intercept_}))
`;
    const ref = runPythonJson<{ ridge: number[]; ridge_b: number; en: number[]; en_b: number }>(script, { X, y });
    const r = new RidgeRegressor({ alpha: 3 }).fit(X, y);
    r.coef.forEach((c, j) => assert.ok(Math.abs(c - ref.ridge[j]) < 1e-6, `ridge coef ${j}: ${c} vs ${ref.ridge[j]}`));
    assert.ok(Math.abs(r.intercept - ref.ridge_b) < 1e-9);
    const e = new ElasticNetRegressor({ alpha: 0.05, l1Ratio: 0.7, tol: 1e-12 }).fit(X, y);
    e.coef.forEach((c, j) => assert.ok(Math.abs(c - ref.en[j]) < 1e-6, `elastic net coef ${j}: ${c} vs ${ref.en[j]}`));
  });

  test("the lasso (l1Ratio 1) sets irrelevant coefficients exactly to zero", () => {
    const { X, y } = data(200, 6, 0.05);
    const m = new ElasticNetRegressor({ alpha: 0.05, l1Ratio: 1 }).fit(X, y);
    assert.ok(m.coef.slice(3).every((c) => c === 0), `${m.coef}`);
    assert.ok(m.coef[0] > 0 && m.coef[1] < 0);
  });

  test("bad input and options are clear errors; JSON round trip is exact", () => {
    assert.throws(() => new RidgeRegressor({ alpha: -1 }), /alpha must be/);
    assert.throws(() => new ElasticNetRegressor({ l1Ratio: 2 }), /l1Ratio/);
    assert.throws(() => new RidgeRegressor().predict([[1]]), NotFittedError);
    assert.throws(() => new RidgeRegressor().fit([[1, 2], [3]], [1, 2]), /ragged/);
    assert.throws(() => new RidgeRegressor({ alpha: 0, standardize: false }).fit([[1, 1], [2, 2], [3, 3]], [1, 2, 3]), /singular/);
    const { X, y } = data(30, 3);
    const m = new ElasticNetRegressor({ alpha: 0.01 }).fit(X, y);
    const back = ElasticNetRegressor.fromJSON(JSON.stringify(m.toJSON()));
    assert.deepEqual(Array.from(back.predict(X)), Array.from(m.predict(X)));
  });
});

describe("validation", () => {
  test("group K-fold never splits a group and balances fold sizes like scikit-learn's GroupKFold", () => {
    const groups = Array.from({ length: 103 }, (_, i) => `host-${i % 17}`);
    const folds = groupKFold(groups, 5);
    const seen = new Set<number>();
    for (const f of folds) {
      const testGroups = new Set(Array.from(f.test, (i) => groups[i]));
      for (const i of f.train) assert.ok(!testGroups.has(groups[i]), "a group is on both sides");
      for (const i of f.test) seen.add(i);
      assert.equal(f.train.length + f.test.length, groups.length);
    }
    assert.equal(seen.size, groups.length);
    const sizes = folds.map((f) => f.test.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 7, `${sizes}`);
    assert.throws(() => groupKFold(["a", "a", "b"], 3), /only 2 distinct groups/);
  });

  test("grouped train/test split keeps groups whole", () => {
    const groups = Array.from({ length: 50 }, (_, i) => i % 7);
    const s = trainTestSplit(50, { testFraction: 0.3, seed: 3, groups });
    const test = new Set(Array.from(s.test, (i) => groups[i]));
    assert.ok(Array.from(s.train).every((i) => !test.has(groups[i])));
    assert.ok(s.test.length >= 15);
  });

  test("crossValidate returns per-fold, mean and pooled metrics with complete out-of-fold predictions", () => {
    const { X, y } = data(100, 3);
    const cv = crossValidate(new RidgeRegressor({ alpha: 0.1 }), X, y, { k: 5, seed: 1 });
    assert.equal(cv.folds.length, 5);
    assert.ok(cv.oofPredictions.every((v) => Number.isFinite(v)));
    assert.ok(cv.pooled.r2 > 0.98 && cv.mean.r2 > 0.98, `${cv.pooled.r2}`);
    assert.equal(cv.pooled.n, 100);
  });

  test("grid search ranks a well-regularised ridge above an over-regularised one", () => {
    const { X, y } = data(80, 3);
    const res = gridSearch((p: { alpha: number }) => new RidgeRegressor(p), { alpha: [1000, 0.01, 10] }, X, y, { k: 4 });
    assert.equal(res[0].params.alpha, 0.01);
    assert.equal(res.length, 3);
    const rs = randomSearch((p: { alpha: number }) => new RidgeRegressor(p), { alpha: { logUniform: [1e-3, 1e3] } }, X, y, { k: 4, nIter: 5, seed: 2 });
    assert.equal(rs.length, 5);
    assert.ok(rs[0].result.mean.r2 >= rs[4].result.mean.r2);
  });

  test("learning curve: test R² improves with more training data for a GP", () => {
    const { X, y } = data(80, 3, 0.05);
    const lc = learningCurve(() => new GaussianProcessRegressor({ nRestarts: 0 }), X, y, { k: 4, fractions: [0.1, 1] });
    assert.equal(lc.length, 2);
    assert.ok(lc[1].testR2 > lc[0].testR2, `${lc[0].testR2} -> ${lc[1].testR2}`);
    assert.ok(lc[1].trainSize > lc[0].trainSize);
  });
});

describe("Bayesian model averaging", () => {
  test("puts most weight on the model that predicts held-out data best and widens std where models disagree", () => {
    const { X, y } = data(90, 3, 0.05);
    const bma = new BayesianModelAveraging({ models: { good: new RidgeRegressor({ alpha: 0.01 }), poor: new RidgeRegressor({ alpha: 1e4 }) }, k: 5 }).fit(X, y);
    assert.ok(bma.weights.good > 0.99, JSON.stringify(bma.weights));
    const tempered = new BayesianModelAveraging({ models: { good: new RidgeRegressor({ alpha: 0.01 }), poor: new RidgeRegressor({ alpha: 1e4 }) }, weighting: "pseudo-bma-mean" }).fit(X, y);
    assert.ok(tempered.weights.poor > bma.weights.poor && tempered.weights.good > tempered.weights.poor);
    const { mean, std, perModel } = tempered.predictWithStd(X.slice(0, 3));
    for (let i = 0; i < 3; i++) {
      const w = tempered.weights;
      assert.ok(Math.abs(mean[i] - (w.good * perModel.good[i] + w.poor * perModel.poor[i])) < 1e-12);
      assert.ok(std[i] >= Math.min(...tempered.models.map((m) => m.residualStd)) - 1e-12);
    }
    assert.throws(() => new BayesianModelAveraging({ models: { only: new RidgeRegressor() } }), /at least two/);
    assert.throws(() => new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: new RidgeRegressor() } }).predict([[1, 2, 3]]), NotFittedError);
    assert.throws(() => new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: new RidgeRegressor() }, prior: { c: 1 } }), ValidationError);
  });
});

describe("validation error positions", () => {
  test("crossValidate, gridSearch and learningCurve name a bad row by its index in the data given to them, not its position inside a fold", () => {
    const { X, y } = data(50, 3);
    X[40][1] = Number.NaN; // ridge rejects NaN; crossValidate itself lets NaN through for models that take it
    const rowErr = (e: unknown): boolean => {
      assert.ok(e instanceof ValidationError, String(e));
      assert.match(e.message, /X row 40, column 1 is NaN/);
      assert.equal(e.row, 40);
      return true;
    };
    assert.throws(() => crossValidate(new RidgeRegressor(), X, y, { k: 5, seed: 0 }), rowErr);
    assert.throws(() => gridSearch((p: { alpha: number }) => new RidgeRegressor(p), { alpha: [1] }, X, y, { k: 5 }), rowErr);
    assert.throws(() => learningCurve(() => new RidgeRegressor(), X, y, { k: 5, fractions: [1] }), rowErr);
    // the fold is named too
    assert.throws(() => crossValidate(new RidgeRegressor(), X, y, { k: 5, seed: 0 }), /fold \d of 5/);
  });
});

describe("grouped train/test split sizes", () => {
  const dominated = [...Array.from({ length: 90 }, () => "big"), ...Array.from({ length: 10 }, (_, i) => `single-${i}`)];

  test("one group of 90 rows plus 10 singletons: testFraction 0.2 is not met by putting the big group in the test set; it throws with the closest achievable share", () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      assert.throws(() => trainTestSplit(100, { testFraction: 0.2, seed, groups: dominated }), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.match(e.message, /testFraction 0\.2/);
        assert.match(e.message, /closest.*0\.1 \(10 of 100 rows\)/);
        assert.match(e.message, /'big' has 90 rows/);
        return true;
      });
    }
    // accepting a wider tolerance gives the 10 singletons, never the 90-row group
    const s = trainTestSplit(100, { testFraction: 0.2, seed: 0, groups: dominated, tolerance: 0.1 });
    assert.equal(s.test.length, 10);
    assert.equal(s.train.length, 90);
  });

  test("groups of unequal sizes: the test share is within the tolerance of the request for every seed, and groups stay whole", () => {
    // sizes 1..20 (210 rows)
    const groups: string[] = [];
    for (let g = 1; g <= 20; g++) for (let k = 0; k < g; k++) groups.push(`g${g}`);
    for (const frac of [0.1, 0.2, 0.3, 0.5]) {
      for (let seed = 0; seed < 20; seed++) {
        const s = trainTestSplit(groups.length, { testFraction: frac, seed, groups });
        const share = s.test.length / groups.length;
        assert.ok(Math.abs(share - frac) <= 0.02, `frac ${frac} seed ${seed}: ${share}`);
        const testGroups = new Set(Array.from(s.test, (i) => groups[i]));
        assert.ok(Array.from(s.train).every((i) => !testGroups.has(groups[i])));
        assert.equal(s.train.length + s.test.length, groups.length);
      }
    }
    // which groups go to the test set depends on the seed
    const a = Array.from(trainTestSplit(groups.length, { testFraction: 0.3, seed: 1, groups }).test);
    const b = Array.from(trainTestSplit(groups.length, { testFraction: 0.3, seed: 2, groups }).test);
    assert.notDeepEqual(a, b);
    assert.throws(() => trainTestSplit(3, { groups: ["a", "a", "a"] }), /at least 2 groups/);
    assert.throws(() => trainTestSplit(4, { groups: ["a", "a", "b", "b"], tolerance: -1 }), /tolerance/);
  });
});

describe("Bayesian model averaging: estimator contract and members' own predictive spread", () => {
  const { X, y } = data(60, 3, 0.05);
  const gpOpts = { nRestarts: 0, seed: 0 } as const;

  test("getParams fills defaults, clone is unfitted with equal params, unknown options are rejected, options stay unchanged by fit", () => {
    const bma = new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: () => new RidgeRegressor({ alpha: 10 }) }, k: 4 });
    const p = bma.getParams();
    assert.equal(p.k, 4);
    assert.equal(p.seed, 0);
    assert.equal(p.weighting, "bma");
    assert.equal(p.groups, null);
    assert.equal(p.prior, null);
    const opts = { ...bma.options };
    assert.equal(bma.fit(X, y), bma);
    assert.deepEqual({ ...bma.options }, opts);
    assert.equal(bma.isFitted, true);
    const c = bma.clone();
    assert.equal(c.isFitted, false);
    assert.deepEqual(c.getParams(), bma.getParams());
    assert.deepEqual(Array.from(c.fit(X, y).predict(X)), Array.from(bma.predict(X)));
    assert.throws(() => new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: new RidgeRegressor() }, seeed: 1 } as never), /unknown option "seeed" — did you mean "seed"\?/);
    assert.throws(() => new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: new RidgeRegressor() }, k: 1 }), /k must be an integer >= 2/);
  });

  test("toJSON/fromJSON and loadModel restore weights, diagnostics and predictions exactly; members are saved by their own toJSON", () => {
    const bma = new BayesianModelAveraging({ models: { ridge: new RidgeRegressor({ alpha: 0.1 }), gp: () => new GaussianProcessRegressor(gpOpts) }, k: 3, weighting: "pseudo-bma-mean" }).fit(X, y);
    const json = JSON.stringify(bma);
    const saved = JSON.parse(json);
    assert.equal(saved.type, "BayesianModelAveraging");
    assert.equal(saved.state.members.gp.type, "GaussianProcessRegressor");
    assert.equal(saved.options.models.ridge.state, null);
    for (const again of [loadModel(json), BayesianModelAveraging.fromJSON(json)]) {
      assert.ok(again instanceof BayesianModelAveraging);
      const a = again.predictWithStd(X.slice(0, 5));
      const b = bma.predictWithStd(X.slice(0, 5));
      assert.deepEqual(Array.from(a.mean), Array.from(b.mean));
      assert.deepEqual(Array.from(a.std), Array.from(b.std));
      assert.deepEqual(again.weights, bma.weights);
      assert.deepEqual(Array.from(again.models[0].cv.oofPredictions), Array.from(bma.models[0].cv.oofPredictions));
      assert.equal(JSON.stringify(again), json);
    }
    // saved unfitted, loaded and fitted: the same model as fitting the original
    const unfitted = loadModel(JSON.stringify(bma.clone()));
    assert.equal(unfitted.isFitted, false);
    assert.deepEqual(Array.from(unfitted.fit(X, y).predict(X.slice(0, 5))), Array.from(bma.predict(X.slice(0, 5))));
  });

  test("a member with its own predictive std (the GP) enters the mixture variance with it; the others with their CV residual spread", () => {
    const bma = new BayesianModelAveraging({ models: { ridge: new RidgeRegressor({ alpha: 0.1 }), gp: new GaussianProcessRegressor(gpOpts) }, k: 3, weighting: "pseudo-bma-mean" }).fit(X, y);
    const info = Object.fromEntries(bma.models.map((m) => [m.name, m]));
    assert.equal(info.gp.stdSource, "model");
    assert.equal(info.ridge.stdSource, "cv-residual");
    const gp = new GaussianProcessRegressor(gpOpts).fit(X, y);
    const ridge = new RidgeRegressor({ alpha: 0.1 }).fit(X, y);
    const Xq = [...X.slice(0, 3), [5, -4, 3]]; // the last point is far from the data: the GP's σ grows there
    const g = gp.predictWithStd(Xq, { includeNoise: true });
    const r = ridge.predict(Xq);
    const w = bma.weights;
    const { mean, std } = bma.predictWithStd(Xq);
    for (let i = 0; i < Xq.length; i++) {
      const mu = w.gp * g.mean[i] + w.ridge * r[i];
      const second = w.gp * (g.std[i] ** 2 + g.mean[i] ** 2) + w.ridge * (info.ridge.residualStd ** 2 + r[i] ** 2);
      assert.ok(Math.abs(mean[i] - mu) < 1e-9, `mean ${i}`);
      assert.ok(Math.abs(std[i] - Math.sqrt(second - mu * mu)) < 1e-9, `std ${i}: ${std[i]} vs ${Math.sqrt(second - mu * mu)}`);
    }
    assert.ok(std[3] > std[0], "wider where the GP is unsure");
  });

  test("a DataFrame's column names are kept and checked at predict", () => {
    const df = { values: X, columns: ["a", "b", "c"] };
    const bma = new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: new RidgeRegressor({ alpha: 5 }) }, k: 3 }).fit(df, y);
    assert.deepEqual(bma.featureNames, ["a", "b", "c"]);
    assert.deepEqual(Array.from(bma.predict(df)), Array.from(bma.predict(X)));
    assert.throws(() => bma.predict({ values: X, columns: ["b", "a", "c"] }), /column 0 of X is 'b' but the model was fitted with 'a'/);
  });
});

describe("splits and grouped cross-validation", () => {
  test("trainTestSplit without groups: round(testFraction·n) test rows, disjoint and complete, reproducible from the seed", () => {
    for (const [n, frac, nTest] of [[100, 0.2, 20], [7, 0.3, 2], [10, 0.01, 1], [10, 0.99, 9]] as const) {
      const s = trainTestSplit(n, { testFraction: frac, seed: 4 });
      assert.equal(s.test.length, nTest, `n ${n}, frac ${frac}`);
      assert.equal(s.train.length, n - nTest);
      const all = [...s.train, ...s.test].sort((a, b) => a - b);
      assert.deepEqual(all, Array.from({ length: n }, (_, i) => i));
      assert.deepEqual(Array.from(s.test), Array.from(s.test).sort((a, b) => a - b));
    }
    assert.deepEqual(trainTestSplit(50, { seed: 3 }), trainTestSplit(50, { seed: 3 }));
    assert.notDeepEqual(Array.from(trainTestSplit(50, { seed: 3 }).test), Array.from(trainTestSplit(50, { seed: 4 }).test));
    assert.equal(trainTestSplit(50).test.length, 10); // default testFraction 0.2
    assert.throws(() => trainTestSplit(10, { testFraction: 1 }), /testFraction must be in \(0, 1\)/);
    assert.throws(() => trainTestSplit(1), /at least 2 samples/);
  });

  test("crossValidate with groups uses group K-fold: the same result as passing groupKFold's folds, and no group on both sides", () => {
    const { X, y } = data(90, 3);
    const groups = Array.from({ length: 90 }, (_, i) => `host-${Math.floor(i / 6)}`); // 15 groups of 6 neighbours
    const seen: number[] = [];
    const cv = crossValidate(new RidgeRegressor({ alpha: 0.1 }), X, y, { k: 5, groups, seed: 2, onFold: (_f, _of, s) => seen.push(s.n) });
    const folds = groupKFold(groups, 5, 2);
    const byFolds = crossValidate(new RidgeRegressor({ alpha: 0.1 }), X, y, { folds });
    assert.deepEqual(Array.from(cv.oofPredictions), Array.from(byFolds.oofPredictions));
    assert.deepEqual(seen, folds.map((f) => f.test.length));
    for (const f of folds) {
      const testGroups = new Set(Array.from(f.test, (i) => groups[i]));
      assert.ok(Array.from(f.train).every((i) => !testGroups.has(groups[i])));
    }
    assert.equal(cv.pooled.n, 90);
    assert.ok(cv.oofPredictions.every((v) => Number.isFinite(v)));
    assert.throws(() => crossValidate(new RidgeRegressor(), X, y, { k: 16, groups }), /k = 16 folds but only 15 distinct groups/);
  });
});
