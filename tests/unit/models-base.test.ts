import { test } from "node:test";
import assert from "node:assert/strict";
import {
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

for (const [name, make] of [["randomForest", () => randomForest({ nEstimators: 5 })], ["gradientBoosting", () => gradientBoosting({ nEstimators: 5 })]] as const) {
  test(`${name}: predict before fit throws NotFittedError`, () => {
    assert.throws(() => make().predict(X), NotFittedError);
  });
  test(`${name}: fit returns this, options are stored unchanged and clone is unfitted with equal params`, () => {
    const m = make();
    const opts = { ...m.options };
    assert.equal(m.fit(X, y), m);
    assert.deepEqual({ ...m.options }, opts);
    const c = m.clone();
    assert.equal(c.isFitted, false);
    assert.deepEqual(c.getParams(), m.getParams());
  });
  test(`${name}: bad inputs raise errors that name the row and column`, () => {
    assert.throws(() => make().fit([[0, 1], [1, Infinity]], [0, 1]), (e: Error) => e instanceof ValidationError && /row 1, column 1/.test(e.message));
    assert.throws(() => make().fit([[0, 1], [1]], [0, 1]), /row 1 has 1 values/);
    assert.throws(() => make().fit(X, [1, 2]), /X has 6 rows but y has 2/);
    assert.throws(() => make().fit(X, [0, 0, 1, 1, 2, NaN]), /y\[5\] is NaN/);
    const m = make().fit(X, y);
    assert.throws(() => m.predict([[1, 2, 3]]), /X has 3 features but the model was fitted with 2/);
    assert.throws(() => make().fit([], []), /no rows/);
  });
  test(`${name}: a DataFrame's column names become feature names and are checked at predict`, () => {
    const df = { values: X, columns: ["a", "b"] };
    const m = make().fit(df, y);
    assert.deepEqual(m.featureNames, ["a", "b"]);
    assert.deepEqual(Array.from(m.predict(df)), Array.from(m.predict(X)));
    assert.throws(() => m.predict({ values: X, columns: ["b", "a"] }), /column 0 of X is 'b' but the model was fitted with 'a'/);
    assert.throws(() => make().fit({ values: [[1, "x"], [2, 3]], columns: ["a", "b"] }, [1, 2]), /row 0, column 1 \('b'\) is "x"/);
  });
  test(`${name}: unknown options are rejected with the nearest valid name`, () => {
    const bad = name === "randomForest" ? () => randomForest({ nEstimator: 3 } as never) : () => gradientBoosting({ learningrate: 0.1 } as never);
    assert.throws(bad, /did you mean "(nEstimators|learningRate)"/);
  });
  test(`${name}: JSON save/load predicts identically`, () => {
    const m = make().fit(X, y);
    const again = loadModel(JSON.stringify(m));
    assert.deepEqual(Array.from(again.predict(X)), Array.from(m.predict(X)));
  });
}

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
