// `npm run bench:models`: fit and predict times of battery-mi's RandomForestRegressor and
// GradientBoostingRegressor against scikit-learn's RandomForestRegressor (n_jobs=1) and xgboost's XGBRegressor
// (tree_method="hist", nthread=1) on the same data: the MP insertion-electrode table (average voltage from
// ten numeric columns, see bench-data.ts) stacked `BENCH_REPLICATE` times (default 2, ≈ 8300 rows).
// Each timing is the best of BENCH_REPEAT runs (default 3) on both sides, as process CPU time (the fair
// measure on a shared machine; wall times are printed too). Goals: forest ≤ 1.5× scikit-learn,
// boosting ≤ 2× xgboost (fit).
import { loadVoltageTable } from "./bench-data";
import { gradientBoosting } from "./boosting";
import { randomForest } from "./forest";
import { Matrix } from "./matrix";
import { r2 } from "./metrics";
import { referenceUnavailable, runReference } from "./reference";

function replicate(X: Matrix, y: Float64Array, times: number): { X: Matrix; y: Float64Array } {
  const data = new Float64Array(X.data.length * times);
  const yy = new Float64Array(y.length * times);
  for (let t = 0; t < times; t++) { data.set(X.data, t * X.data.length); yy.set(y, t * y.length); }
  return { X: { data, nRows: X.nRows * times, nCols: X.nCols }, y: yy };
}

/** Best CPU and wall seconds over `repeat` runs. */
function best<T>(repeat: number, f: () => T): { cpu: number; wall: number; value: T } {
  let cpu = Infinity;
  let wall = Infinity;
  let value!: T;
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    value = f();
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { cpu, wall, value };
}

interface Case {
  name: string;
  ref: "rf" | "xgb";
  refParams: Record<string, unknown>;
  fit: (X: Matrix, y: Float64Array) => { predict(X: Matrix): Float64Array };
  goal: number;
}

function main(): void {
  const times = Number(process.env.BENCH_REPLICATE ?? 2);
  const repeat = Number(process.env.BENCH_REPEAT ?? 3);
  const t = loadVoltageTable();
  const { X, y } = replicate(t.X, t.y, times);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  console.log(`bench:models — MP insertion electrodes ×${times}: ${X.nRows} rows × ${X.nCols} features; fit on all rows, predict all rows; best of ${repeat}; node ${process.version}`);
  const cases: Case[] = [
    { name: "RandomForest 100 trees, maxFeatures 1.0", ref: "rf", refParams: { n_estimators: 100, random_state: 0 }, goal: 1.5,
      fit: (A, b) => randomForest({ nEstimators: 100, seed: 0 }).fit(A, b) },
    { name: "RandomForest 100 trees, maxFeatures 0.33", ref: "rf", refParams: { n_estimators: 100, max_features: 0.33, random_state: 0 }, goal: 1.5,
      fit: (A, b) => randomForest({ nEstimators: 100, maxFeatures: 0.33, seed: 0 }).fit(A, b) },
    { name: "Boosting 200 rounds, depth 6, η 0.1, maxBin 256", ref: "xgb", refParams: { n_estimators: 200, max_depth: 6, learning_rate: 0.1, max_bin: 256, base_score: mean }, goal: 2,
      fit: (A, b) => gradientBoosting({ nEstimators: 200, maxDepth: 6, learningRate: 0.1, maxBin: 256, baseScore: mean }).fit(A, b) },
  ];
  const why = referenceUnavailable();
  if (why) console.log(`(reference skipped: ${why})`);
  const rows: string[][] = [["model", "fit CPU s ours/ref", "fit ratio", "predict CPU s ours/ref", "predict ratio", "goal (fit)", "fit wall s ours/ref", "train R² ours/ref"]];
  for (const c of cases) {
    c.fit(X, y); // warm-up (JIT)
    const fit = best(repeat, () => c.fit(X, y));
    const pred = best(repeat, () => fit.value.predict(X));
    const ours = r2(y, pred.value);
    if (why) {
      rows.push([c.name, `${fit.cpu.toFixed(3)}/-`, "-", `${pred.cpu.toFixed(3)}/-`, "-", `≤ ${c.goal}×`, `${fit.wall.toFixed(3)}/-`, `${ours.toFixed(3)}/-`]);
      continue;
    }
    const ref = runReference({ model: c.ref, params: c.refParams, X, y, folds: [[]], repeat });
    const refR2 = r2(y, ref.full ?? []);
    const fr = fit.cpu / ref.fitCpuSeconds[0];
    const pr = pred.cpu / ref.predictCpuSeconds[0];
    rows.push([
      c.name, `${fit.cpu.toFixed(3)}/${ref.fitCpuSeconds[0].toFixed(3)}`, `${fr.toFixed(2)}×`,
      `${pred.cpu.toFixed(3)}/${ref.predictCpuSeconds[0].toFixed(3)}`, `${pr.toFixed(2)}×`,
      `≤ ${c.goal}× ${fr <= c.goal ? "met" : "NOT met"}`, `${fit.wall.toFixed(3)}/${ref.fitSeconds[0].toFixed(3)}`, `${ours.toFixed(3)}/${refR2.toFixed(3)}`,
    ]);
  }
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  for (const r of rows) console.log(r.map((v, j) => v.padEnd(widths[j])).join("  "));
  console.log("Ratios are ours / reference in process CPU time (below 1 = faster). Reference: scikit-learn RandomForestRegressor(n_jobs=1), xgboost XGBRegressor(tree_method='hist', nthread=1).");
}

if (require.main === module) main();
