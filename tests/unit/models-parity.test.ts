// Accuracy parity with the reference implementations on a real table (Materials Project insertion electrodes,
// average voltage [V] from nine numeric columns + working-ion Z; see lib/src/models/bench-data.ts), on identical
// features and identical 5-fold splits. The references run in Debian's python (/usr/bin/python3) through a
// subprocess; the tests skip with the reason when scikit-learn / xgboost are not installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, gradientBoosting, kFold, mae, r2, randomForest, selectRows } from "../../lib/src/models";
import { loadVoltageTable } from "../../lib/src/models/bench-data";
import { referenceUnavailable, runReference } from "../../lib/src/models/reference";

const why = referenceUnavailable();
const table = loadVoltageTable();
const folds = kFold(table.y.length, 5, 0);

function oofOurs(X: Matrix, y: Float64Array, fitPredict: (Xtr: Matrix, ytr: Float64Array, Xte: Matrix) => Float64Array): Float64Array {
  const oof = new Float64Array(y.length);
  for (const f of folds) {
    const p = fitPredict(selectRows(X, f.train), Float64Array.from(f.train, (i) => y[i]), selectRows(X, f.test));
    f.test.forEach((i, j) => (oof[i] = p[j]));
  }
  return oof;
}

function report(name: string, y: Float64Array, ours: ArrayLike<number>, ref: ArrayLike<number>): { r2Ours: number; r2Ref: number; maeOurs: number; maeRef: number } {
  const s = { r2Ours: r2(y, ours), r2Ref: r2(y, ref), maeOurs: mae(y, ours), maeRef: mae(y, ref) };
  console.log(`# parity ${name}: out-of-fold R² ours ${s.r2Ours.toFixed(4)} vs reference ${s.r2Ref.toFixed(4)}; MAE ours ${s.maeOurs.toFixed(4)} V vs reference ${s.maeRef.toFixed(4)} V`);
  return s;
}

const rfCases = [
  { title: "defaults (maxFeatures 1.0, 25 trees)", ours: { nEstimators: 25, seed: 0 }, ref: { n_estimators: 25, random_state: 0 } },
  {
    title: "40 trees, maxFeatures 0.33, minSamplesLeaf 3, maxDepth 12, minSamplesSplit 4",
    ours: { nEstimators: 40, maxFeatures: 0.33, minSamplesLeaf: 3, maxDepth: 12, minSamplesSplit: 4, seed: 0 },
    ref: { n_estimators: 40, max_features: 0.33, min_samples_leaf: 3, max_depth: 12, min_samples_split: 4, random_state: 0 },
  },
];

for (const c of rfCases) {
  test(`random forest, ${c.title}: out-of-fold R² within 0.02 of scikit-learn's RandomForestRegressor`, (t) => {
    if (why) { t.skip(why); return; }
    const { X, y } = table;
    const ours = oofOurs(X, y, (Xtr, ytr, Xte) => randomForest(c.ours).fit(Xtr, ytr).predict(Xte));
    const ref = runReference({ model: "rf", params: c.ref, X, y, folds: folds.map((f) => f.test) });
    const s = report(`RF ${c.title} (sklearn ${ref.versions.sklearn})`, y, ours, ref.oof as number[]);
    assert.ok(Math.abs(s.r2Ours - s.r2Ref) <= 0.02, `R² ours ${s.r2Ours} vs sklearn ${s.r2Ref}`);
  });
}

/** The table with 15 % of "Stability Charge" and 10 % of "Max Delta Volume" blanked (NaN), deterministically. */
function withMissing(X: Matrix): Matrix {
  const data = X.data.slice();
  for (let i = 0; i < X.nRows; i++) {
    if (i % 20 < 3) data[i * X.nCols + 5] = NaN;
    if (i % 10 === 7) data[i * X.nCols + 0] = NaN;
  }
  return { data, nRows: X.nRows, nCols: X.nCols };
}

const meanY = table.y.reduce((a, b) => a + b, 0) / table.y.length;
const gbCases = [
  {
    title: "squared error, 100 rounds, η 0.2, depth 6",
    missing: false,
    ours: { nEstimators: 100, learningRate: 0.2, maxDepth: 6, baseScore: meanY },
    ref: { n_estimators: 100, learning_rate: 0.2, max_depth: 6, base_score: meanY },
  },
  {
    title: "pseudo-Huber (reg:pseudohubererror on both sides, δ = huber_slope = 1), 100 rounds, η 0.2, depth 5, λ 2, α 0.1, γ 0.01, minChildWeight 3, subsample 0.8, colsample 0.8, with missing values",
    missing: true,
    ours: {
      nEstimators: 100, learningRate: 0.2, maxDepth: 5, objective: "reg:pseudohubererror" as const, huberSlope: 1, lambda: 2, alpha: 0.1,
      gamma: 0.01, minChildWeight: 3, subsample: 0.8, colsampleBytree: 0.8, baseScore: meanY, seed: 0,
    },
    ref: {
      n_estimators: 100, learning_rate: 0.2, max_depth: 5, objective: "reg:pseudohubererror", huber_slope: 1, reg_lambda: 2, reg_alpha: 0.1,
      gamma: 0.01, min_child_weight: 3, subsample: 0.8, colsample_bytree: 0.8, base_score: meanY, random_state: 0,
    },
  },
];

for (const c of gbCases) {
  test(`gradient boosting, ${c.title}: out-of-fold R² within 0.02 and MAE within 5 % of xgboost hist`, (t) => {
    if (why) { t.skip(why); return; }
    const X = c.missing ? withMissing(table.X) : table.X;
    const y = table.y;
    const ours = oofOurs(X, y, (Xtr, ytr, Xte) => gradientBoosting(c.ours).fit(Xtr, ytr).predict(Xte));
    const ref = runReference({ model: "xgb", params: c.ref, X, y, folds: folds.map((f) => f.test) });
    const s = report(`XGB ${c.title} (xgboost ${ref.versions.xgboost})`, y, ours, ref.oof as number[]);
    assert.ok(Math.abs(s.r2Ours - s.r2Ref) <= 0.02, `R² ours ${s.r2Ours} vs xgboost ${s.r2Ref}`);
    assert.ok(Math.abs(s.maeOurs - s.maeRef) <= 0.05 * s.maeRef, `MAE ours ${s.maeOurs} vs xgboost ${s.maeRef}`);
  });
}
