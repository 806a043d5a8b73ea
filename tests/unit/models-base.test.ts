import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BayesianModelAveraging, ElasticNetRegressor, GaussianProcessRegressor, MLPRegressor, RidgeRegressor, elasticNet, gaussianProcess, loadModelAsync, mlpRegressor, permutationImportance, ridge,
  NotFittedError, ValidationError, gradientBoosting, kFold, loadModel, mae, matrix, matrixFromRows, matrixToRows, r2, randomForest,
  rmse, selectRows, transpose, getColumn,
} from "../../lib/src/models";

test("matrixFromRows stores rows row-major and round-trips through matrixToRows", () => {
  const m = matrixFromRows([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(matrixToRows(m), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(Array.from(getColumn(m, 1)), [2, 5]);
  assert.deepEqual(Array.from(transpose(m).data), [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(Array.from(selectRows(m, [1, 1]).data), [4, 5, 6, 4, 5, 6]);
  assert.throws(() => matrixFromRows([[1, 2], [3]]), /row 1 has 1 values/);
  assert.throws(() => matrix(new Float64Array(5), 2, 3), /length 5/);
});

test("r2, mae and rmse give hand-computed values", () => {
  assert.equal(r2([1, 2, 3], [1, 2, 4]), 0.5);
  assert.equal(r2([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(r2([2, 2], [2, 2]), 1);
  assert.equal(mae([1, 2], [2, 2]), 0.5);
  assert.equal(rmse(new Float64Array([0, 0]), new Float64Array([3, 4])), Math.sqrt(12.5));
  assert.throws(() => r2([1, 2], [1]), /yTrue has 2 values but yPred has 1/);
  assert.throws(() => mae([1, NaN], [1, 2]), /yTrue\[1\] is NaN/);
});

test("kFold puts every sample in exactly one test fold, sizes differ by at most one, and depends on the seed", () => {
  const folds = kFold(23, 5, 7);
  const seen = new Int32Array(23);
  for (const f of folds) {
    assert.equal(f.train.length + f.test.length, 23);
    for (const i of f.test) seen[i]++;
    for (const i of f.train) assert.ok(!f.test.includes(i));
  }
  assert.ok(seen.every((c) => c === 1));
  const sizes = folds.map((f) => f.test.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  assert.deepEqual(kFold(23, 5, 7).map((f) => Array.from(f.test)), folds.map((f) => Array.from(f.test)));
  assert.notDeepEqual(kFold(23, 5, 8).map((f) => Array.from(f.test)), folds.map((f) => Array.from(f.test)));
  assert.throws(() => kFold(3, 5), /k must be an integer in 2..n/);
});

const X = [[0, 1], [1, 0], [2, 1], [3, 0], [4, 1], [5, 0]];
const y = [0, 0, 1, 1, 2, 2];

/** What the shared contract tests need of an estimator; `fit` may return `this` or a Promise of it. */
interface AnyModel {
  fit(X: unknown, y: unknown): unknown;
  predict(X: unknown): Float64Array;
  getParams(): Record<string, unknown>;
  clone(): AnyModel;
  readonly isFitted: boolean;
  readonly options: object;
  readonly featureNames: string[];
  citations(): string[];
  toJSON(): unknown;
}

/** Every estimator of battery-mi/models, small enough for six rows; `typo` builds one with a misspelt option. */
const estimators: { name: string; make: () => AnyModel; typo: () => unknown; suggestion: string; asyncFit: boolean }[] = [
  { name: "randomForest", make: () => randomForest({ nEstimators: 5 }), typo: () => randomForest({ nEstimator: 3 } as never), suggestion: "nEstimators", asyncFit: false },
  { name: "gradientBoosting", make: () => gradientBoosting({ nEstimators: 5 }), typo: () => gradientBoosting({ learningrate: 0.1 } as never), suggestion: "learningRate", asyncFit: false },
  { name: "ridge", make: () => ridge({ alpha: 0.5 }), typo: () => ridge({ alpah: 1 } as never), suggestion: "alpha", asyncFit: false },
  { name: "elasticNet", make: () => elasticNet({ alpha: 0.01 }), typo: () => elasticNet({ l1ratio: 0.5 } as never), suggestion: "l1Ratio", asyncFit: false },
  { name: "gaussianProcess", make: () => gaussianProcess({ nRestarts: 1, seed: 0 }), typo: () => gaussianProcess({ kernal: "rbf" } as never), suggestion: "kernel", asyncFit: false },
  {
    name: "mlpRegressor (async fit)",
    make: () => mlpRegressor({ hiddenLayers: [4], epochs: 2, validationFraction: 0, seed: 0 }),
    typo: () => mlpRegressor({ epoch: 3 } as never),
    suggestion: "epochs",
    asyncFit: true,
  },
  {
    name: "BayesianModelAveraging",
    make: () => new BayesianModelAveraging({ models: { ridge: new RidgeRegressor({ alpha: 0.1 }), forest: () => randomForest({ nEstimators: 3, seed: 0 }) }, k: 3 }),
    typo: () => new BayesianModelAveraging({ models: { a: new RidgeRegressor(), b: new RidgeRegressor() }, seeed: 1 } as never),
    suggestion: "seed",
    asyncFit: false,
  },
];

/** Fits (awaiting an async fit) and returns what fit returned. */
const fit = async (m: AnyModel, Xf: unknown, yf: unknown): Promise<unknown> => await m.fit(Xf, yf);
/** Asserts that fitting fails (a throw, or a rejected Promise for an async fit) with a matching error. */
const fitFails = (m: AnyModel, Xf: unknown, yf: unknown, check: RegExp | ((e: unknown) => boolean)): Promise<void> =>
  assert.rejects(async () => { await m.fit(Xf, yf); }, check as RegExp);

for (const { name, make, typo, suggestion, asyncFit } of estimators) {
  test(`${name}: predict before fit throws NotFittedError`, () => {
    assert.throws(() => make().predict(X), NotFittedError);
  });
  test(`${name}: fit returns this${asyncFit ? " (a Promise of this)" : ""}, options are stored unchanged and clone is unfitted with equal params`, async () => {
    const m = make();
    const opts = { ...m.options };
    const ret = m.fit(X, y);
    assert.equal(ret instanceof Promise, asyncFit);
    assert.equal(await ret, m);
    assert.equal(m.isFitted, true);
    assert.deepEqual({ ...m.options }, opts);
    const c = m.clone();
    assert.equal(c.isFitted, false);
    assert.notEqual(c, m);
    assert.deepEqual(c.getParams(), m.getParams());
    assert.ok(m.citations().length > 0 && m.citations().every((s) => typeof s === "string" && s.length > 10));
  });
  test(`${name}: bad inputs raise errors that name the row and column`, async () => {
    await fitFails(make(), [[0, 1], [1, Infinity]], [0, 1], (e: unknown) => e instanceof ValidationError && /row 1, column 1/.test(e.message));
    await fitFails(make(), [[0, 1], [1]], [0, 1], /row 1 has 1 values/);
    await fitFails(make(), X, [1, 2], /X has 6 rows but y has 2/);
    await fitFails(make(), X, [0, 0, 1, 1, 2, NaN], /y\[5\] is NaN/);
    await fitFails(make(), [], [], /no rows/);
    const m = make();
    await fit(m, X, y);
    assert.throws(() => m.predict([[1, 2, 3]]), /X has 3 features but the model was fitted with 2/);
  });
  test(`${name}: a DataFrame's column names become feature names and are checked at predict`, async () => {
    const df = { values: X, columns: ["a", "b"] };
    const m = make();
    await fit(m, df, y);
    assert.deepEqual(m.featureNames, ["a", "b"]);
    assert.deepEqual(Array.from(m.predict(df)), Array.from(m.predict(X)));
    assert.throws(() => m.predict({ values: X, columns: ["b", "a"] }), /column 0 of X is 'b' but the model was fitted with 'a'/);
    await fitFails(make(), { values: [[1, "x"], [2, 3]], columns: ["a", "b"] }, [1, 2], /row 0, column 1 \('b'\) is "x"/);
  });
  test(`${name}: unknown options are rejected with the nearest valid name`, () => {
    assert.throws(typo, new RegExp(`did you mean "${suggestion}"`));
  });
  test(`${name}: JSON save/load predicts identically${asyncFit ? " (loadModelAsync)" : " (loadModel and loadModelAsync)"}`, async () => {
    const m = make();
    await fit(m, X, y);
    const json = JSON.stringify(m);
    const loaders = asyncFit ? [loadModelAsync] : [loadModel, loadModelAsync];
    for (const load of loaders) {
      const again = await load(json);
      assert.equal(again.isFitted, true);
      assert.deepEqual(Array.from(again.predict(X)), Array.from(m.predict(X)));
    }
  });
}

test("the estimator table covers every estimator class the package exports", () => {
  const classes = [
    randomForest().constructor, gradientBoosting().constructor, RidgeRegressor, ElasticNetRegressor, GaussianProcessRegressor, MLPRegressor, BayesianModelAveraging,
  ];
  const covered = new Set(estimators.map((e) => e.make().constructor));
  for (const c of classes) assert.ok(covered.has(c), `${c.name} is not in the contract tests`);
});

test("the Gaussian process is reproducible from its seed: equal seeds (with optimiser restarts) give identical hyperparameters and predictions", () => {
  const Xg = Array.from({ length: 25 }, (_, i) => [((i * 0.618034) % 1) * 4, ((i * 0.414214) % 1) * 3]);
  const yg = Xg.map((r, i) => Math.sin(r[0]) + 0.3 * r[1] + 0.05 * Math.sin(7 * i));
  const opts = { nRestarts: 3, seed: 5 } as const;
  const a = new GaussianProcessRegressor(opts).fit(Xg, yg);
  const b = new GaussianProcessRegressor(opts).fit(Xg, yg);
  const c = a.clone().fit(Xg, yg);
  assert.deepEqual(b.hyperparameters, a.hyperparameters);
  assert.deepEqual(c.hyperparameters, a.hyperparameters);
  const q = [[0.5, 0.5], [3.9, 2.9], [8, -2]];
  assert.deepEqual(Array.from(b.predictWithStd(q).mean), Array.from(a.predictWithStd(q).mean));
  assert.deepEqual(Array.from(b.predictWithStd(q).std), Array.from(a.predictWithStd(q).std));
  assert.equal(JSON.stringify(b), JSON.stringify(a));
  // another seed draws other restart points but, on this easy likelihood, must still fit
  const other = new GaussianProcessRegressor({ ...opts, seed: 6 }).fit(Xg, yg);
  assert.ok(Number.isFinite(other.logMarginalLikelihood));
});

test("permutation importance accepts a DataFrame: the model fitted on it sees the same columns, and the informative one ranks first", () => {
  const rows = Array.from({ length: 80 }, (_, i) => [((i * 0.618034) % 1) * 2 - 1, ((i * 0.414214) % 1) * 2 - 1, ((i * 0.732051) % 1) * 2 - 1]);
  const target = rows.map((r) => 3 * r[1] + 0.1 * r[0]);
  const df = { values: rows, columns: ["noise", "signal", "other"] };
  const rf = randomForest({ nEstimators: 20, seed: 0 }).fit(df, target);
  const pi = permutationImportance(rf, df, target, { nRepeats: 3, seed: 0 });
  assert.equal(pi.importancesMean.length, 3);
  assert.ok(pi.importancesMean[1] > 0.5 && pi.importancesMean[1] > 5 * Math.max(pi.importancesMean[0], pi.importancesMean[2]), `${Array.from(pi.importancesMean)}`);
  assert.ok(pi.baselineScore > 0.9);
  // same numbers as with the plain rows on a model fitted without names
  const rfRows = randomForest({ nEstimators: 20, seed: 0 }).fit(rows, target);
  assert.deepEqual(Array.from(permutationImportance(rfRows, rows, target, { nRepeats: 3, seed: 0 }).importancesMean), Array.from(pi.importancesMean));
  // columns in another order are caught by the model's own check
  assert.throws(() => permutationImportance(rf, { values: rows, columns: ["signal", "noise", "other"] }, target), /column 0 of X is 'signal'/);
});

test("the random forest rejects NaN in X and points to the boosting model, which accepts it", () => {
  assert.throws(() => randomForest().fit([[0, 1], [NaN, 1]], [0, 1]), /row 1, column 0 is NaN.*gradientBoosting\(\) treats NaN as missing/);
  assert.doesNotThrow(() => gradientBoosting({ nEstimators: 2 }).fit([[0, 1], [NaN, 1]], [0, 1]));
});

test("a danfojs-like Series (flat values plus a name in columns) is accepted as y", () => {
  const series = { values: y, columns: ["Average Voltage"] };
  const a = randomForest({ nEstimators: 3, seed: 1 }).fit(X, series).predict(X);
  const b = randomForest({ nEstimators: 3, seed: 1 }).fit(X, y).predict(X);
  assert.deepEqual(Array.from(a), Array.from(b));
});
