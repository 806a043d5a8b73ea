import { test } from "node:test";
import assert from "node:assert/strict";
import {
  PlotInputError,
  barChart,
  contourPlot,
  formatMetrics,
  grid2d,
  heatmap,
  histogram,
  linePlot,
  parityPlot,
  regressionMetrics,
  scatterPlot,
  summarizeFigure,
} from "../../lib/src/plot";

// Known data: residuals -0.5, 0, 0.5, -0.5 → MAE 0.375, RMSE sqrt(0.1875) = 0.4330,
// SS_res 0.75, SS_tot 5 → R² 0.85 (hand-computed; same definitions as sklearn's r2_score).
const measured = [1, 2, 3, 4];
const predicted = [1.5, 2, 2.5, 4.5];

type Trace = Record<string, any>;
const tr = (t: unknown) => t as Trace;

test("regressionMetrics gives R², MAE and RMSE of known data", () => {
  const m = regressionMetrics(measured, predicted);
  assert.equal(m.n, 4);
  assert.ok(Math.abs(m.r2! - 0.85) < 1e-12);
  assert.ok(Math.abs(m.mae - 0.375) < 1e-12);
  assert.ok(Math.abs(m.rmse - Math.sqrt(0.1875)) < 1e-12);
});

test("regressionMetrics reports R² as null, not NaN, for constant measured values", () => {
  const m = regressionMetrics([2, 2, 2], [2, 2.5, 1.5]);
  assert.equal(m.r2, null);
  assert.match(formatMetrics(m, "V"), /R² = undefined/);
});

test("parityPlot shows R², MAE and RMSE with units in the title", () => {
  const fig = parityPlot({ measured, predicted, quantity: "average voltage", unit: "V", title: "Voltage" });
  const title = (fig.layout.title as { text: string }).text;
  assert.match(title, /^Voltage<br>/);
  assert.match(title, /R² = 0\.850/);
  assert.match(title, /MAE = 0\.375 V/);
  assert.match(title, /RMSE = 0\.433 V/);
  assert.match(title, /n = 4/);
  assert.equal((fig.layout.xaxis!.title as { text: string }).text, "Measured average voltage [V]");
  assert.equal((fig.layout.yaxis!.title as { text: string }).text, "Predicted average voltage [V]");
  assert.equal(fig.metrics.length, 1);
  assert.ok(Math.abs(fig.metrics[0].mae - 0.375) < 1e-12);
});

test("parityPlot draws y = x across the joint range of measured and predicted values, on equal axes", () => {
  const fig = parityPlot({ measured: [0.2, 3.1, 1], predicted: [-0.4, 2.5, 3.6] });
  const line = tr(fig.data[fig.data.length - 1]);
  assert.equal(line.name, "y = x");
  assert.deepEqual(line.x, line.y);
  // Joint range is [-0.4, 3.6]; the line must cover it (a small pad is allowed).
  assert.ok(line.x[0] <= -0.4 && line.x[0] > -0.4 - 0.5, `start ${line.x[0]}`);
  assert.ok(line.x[1] >= 3.6 && line.x[1] < 3.6 + 0.5, `end ${line.x[1]}`);
  assert.deepEqual(fig.layout.xaxis!.range, fig.layout.yaxis!.range);
  assert.equal(fig.layout.yaxis!.scaleanchor, "x");
});

test("parityPlot with train/test series reports metrics for each, by name", () => {
  const fig = parityPlot({
    series: [
      { measured, predicted, name: "train" },
      { measured: [1, 2], predicted: [1, 2], name: "test" },
    ],
    unit: "mA.h/g",
  });
  const title = (fig.layout.title as { text: string }).text;
  assert.match(title, /train: R² = 0\.850 · MAE = 0\.375 mA\.h\/g/);
  assert.match(title, /test: R² = 1\.000 · MAE = 0 mA\.h\/g/);
  assert.equal(fig.data.length, 3);
  assert.equal(fig.layout.showlegend, true);
});

test("parityPlot rejects mismatched lengths and NaN, naming the series and index", () => {
  assert.throws(() => parityPlot({ measured: [1, 2, 3], predicted: [1, 2] }), /predicted has 2 values but series measured has 3/);
  assert.throws(
    () => parityPlot({ series: [{ measured: [1, 2], predicted: [1, NaN], name: "test" }] }),
    (e: unknown) => e instanceof PlotInputError && /series "test" predicted\[1\] is NaN/.test(e.message),
  );
  assert.throws(() => parityPlot({ measured: [1] }), /give both measured and predicted/);
});

test("linePlot converts Float64Array to plain arrays and uses 0..n-1 when x is missing", () => {
  const fig = linePlot({ y: new Float64Array([3, 2, 1]), name: "cap", xTitle: "Cycle number", yTitle: "Capacity [A.h]" });
  const t = tr(fig.data[0]);
  assert.ok(Array.isArray(t.y));
  assert.deepEqual(t.y, [3, 2, 1]);
  assert.deepEqual(t.x, [0, 1, 2]);
  assert.equal(t.mode, "lines");
  assert.equal((fig.layout.yaxis!.title as { text: string }).text, "Capacity [A.h]");
  // JSON round trip keeps the numbers (a typed array would serialise as an object).
  assert.deepEqual(JSON.parse(JSON.stringify(fig.data[0])).y, [3, 2, 1]);
});

test("linePlot draws several series sharing x, with their own styles", () => {
  const fig = linePlot({
    x: [1, 2, 3],
    series: [{ y: [1, 2, 3], name: "a" }, { y: [3, 2, 1], name: "b", dash: "dash", color: "red" }],
    logY: true,
  });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(tr(fig.data[1]).x, [1, 2, 3]);
  assert.equal(tr(fig.data[1]).line.dash, "dash");
  assert.equal(tr(fig.data[1]).line.color, "red");
  assert.equal(fig.layout.yaxis!.type, "log");
});

test("linePlot: NaN is an error naming series and index unless allowGaps turns it into a gap", () => {
  assert.throws(
    () => linePlot({ series: [{ y: [1, 2] }, { y: [1, NaN, 3], name: "cell B" }] }),
    /linePlot: series "cell B" y\[1\] is NaN; pass finite numbers, or set allowGaps: true/,
  );
  const fig = linePlot({ x: [1, 2, 3], y: [1, NaN, 3], allowGaps: true });
  assert.deepEqual(tr(fig.data[0]).y, [1, null, 3]);
  assert.throws(() => linePlot({ y: [1, Infinity] }), /y\[1\] is Infinity/);
});

test("linePlot rejects x/y length mismatch, non-positive values on log axes and empty input", () => {
  assert.throws(() => linePlot({ x: [1, 2], y: [1, 2, 3] }), /x has 2 values but series y has 3/);
  assert.throws(() => linePlot({ x: [0, 1], y: [1, 2], logX: true }), /x\[0\] is 0, but the axis is logarithmic/);
  assert.throws(() => linePlot({}), /nothing to plot/);
  assert.throws(() => linePlot({ y: [1], series: [{ y: [1] }] }), /either y or series, not both/);
  assert.throws(() => linePlot({ y: "123" as unknown as number[] }), /must be an array of numbers/);
});

test("scatterPlot carries hover text, marker size and a colour scale with its title", () => {
  const fig = scatterPlot({
    x: [1, 2, 3],
    y: [4, 5, 6],
    text: ["LiCoO2", "LiFePO4", "LiMn2O4"],
    colorBy: new Float32Array([0.5, 1.5, 2.5]),
    colorTitle: "Band gap [eV]",
    markerSize: 10,
  });
  const t = tr(fig.data[0]);
  assert.equal(t.mode, "markers");
  assert.deepEqual(t.text, ["LiCoO2", "LiFePO4", "LiMn2O4"]);
  assert.equal(t.marker.size, 10);
  assert.deepEqual(t.marker.color, [0.5, 1.5, 2.5]);
  assert.equal(t.marker.colorbar.title.text, "Band gap [eV]");
  assert.throws(() => scatterPlot({ x: [1, 2], y: [1, 2], text: ["a"] }), /text has 1 entries but series x has 2/);
  assert.throws(() => scatterPlot({ x: [1, 2], y: [1, 2], colorBy: [1] }), /colorBy has 1 values but x has 2/);
});

test("barChart sorts categories with their values and lists horizontal bars top-down", () => {
  const fig = barChart({
    categories: ["a", "b", "c"],
    values: [0.2, 0.9, 0.5],
    error: [0.01, 0.02, 0.03],
    orientation: "horizontal",
    sort: "descending",
    valueTitle: "Importance [-]",
  });
  const t = tr(fig.data[0]);
  assert.deepEqual(t.y, ["b", "c", "a"]);
  assert.deepEqual(t.x, [0.9, 0.5, 0.2]);
  assert.deepEqual(t.error_x.array, [0.02, 0.03, 0.01]);
  assert.equal(fig.layout.yaxis!.autorange, "reversed");
  assert.equal((fig.layout.xaxis!.title as { text: string }).text, "Importance [-]");
  assert.throws(() => barChart({ categories: ["a", "b"], values: [1] }), /values has 1 values but categories has 2/);
});

test("barChart groups or stacks several series", () => {
  const grouped = barChart({ categories: ["x", "y"], series: [{ values: [1, 2] }, { values: [3, 4] }] });
  assert.equal(grouped.layout.barmode, "group");
  const stacked = barChart({ categories: ["x", "y"], series: [{ values: [1, 2] }, { values: [3, 4] }], stacked: true });
  assert.equal(stacked.layout.barmode, "stack");
});

test("histogram passes bins and normalisation to plotly and labels the count axis", () => {
  const fig = histogram({ values: [1, 2, 2, 3], bins: 5, xTitle: "Residual [V]" });
  const t = tr(fig.data[0]);
  assert.equal(t.type, "histogram");
  assert.equal(t.nbinsx, 5);
  assert.equal((fig.layout.yaxis!.title as { text: string }).text, "Count");
  const dens = histogram({ series: [{ values: [0.1, 0.35] }, { values: [0.2, 0.4] }], binSize: 0.25, normalize: "density" });
  assert.equal(tr(dens.data[0]).histnorm, "probability density");
  assert.deepEqual(tr(dens.data[0]).xbins, { start: 0, end: 0.65, size: 0.25 });
  assert.equal(dens.layout.barmode, "overlay");
  assert.throws(() => histogram({ values: [1, NaN] }), /values\[1\] is NaN/);
  assert.deepEqual(tr(histogram({ values: [1, NaN, 2], allowGaps: true }).data[0]).x, [1, 2]);
});

test("heatmap checks the grid shape, centres a symmetric scale on 0 and annotates cells", () => {
  const fig = heatmap({
    z: [new Float64Array([1, -0.6]), new Float64Array([-0.6, 1])],
    x: ["a", "b"],
    y: ["a", "b"],
    symmetric: true,
    annotate: 3,
    matrixOrder: true,
    zTitle: "Pearson r [-]",
  });
  const t = tr(fig.data[0]);
  assert.deepEqual(t.z, [[1, -0.6], [-0.6, 1]]);
  assert.equal(t.zmin, -1);
  assert.equal(t.zmax, 1);
  assert.equal(t.zmid, 0);
  assert.equal(t.texttemplate, "%{z:.3f}");
  assert.equal(t.colorbar.title.text, "Pearson r [-]");
  assert.equal(fig.layout.yaxis!.autorange, "reversed");
  assert.throws(() => heatmap({ z: [[1, 2], [3]] }), /z\[1\] has 1 values but z\[0\]/);
  assert.throws(() => heatmap({ z: [[1, 2]], x: ["a"] }), /x has 1 entries but the number of z columns has 2/);
  assert.throws(() => heatmap({ z: [[1, NaN]] }), /z\[0\]\[1\] is NaN/);
});

test("grid2d samples a function on a regular grid that contourPlot accepts", () => {
  const g = grid2d((x, y) => x + 10 * y, { x: [0, 1], y: [0, 2], nx: 3, ny: 2 });
  assert.deepEqual([...g.x], [0, 0.5, 1]);
  assert.deepEqual([...g.y], [0, 2]);
  assert.deepEqual([...g.z[1]], [20, 20.5, 21]);
  const fig = contourPlot({ ...g, zTitle: "f [-]", points: [{ x: [0.5], y: [1], name: "samples" }] });
  assert.equal(tr(fig.data[0]).type, "contour");
  assert.deepEqual(tr(fig.data[0]).z, [[0, 0.5, 1], [20, 20.5, 21]]);
  assert.equal(tr(fig.data[1]).name, "samples");
  assert.throws(() => grid2d(() => NaN, { x: [0, 1], y: [0, 1] }), /f\(0, 0\) returned number NaN/);
  assert.throws(() => contourPlot({ x: [0, 1], y: [0], z: [[1, 2, 3]] }), /x has 2 values but the number of z columns has 3/);
});

test("summarizeFigure names the title, trace kinds and point count", () => {
  const fig = parityPlot({ measured, predicted, title: "Voltage" });
  assert.equal(
    summarizeFigure(fig),
    'Figure "Voltage — R² = 0.850 · MAE = 0.375 · RMSE = 0.433 (n = 4)": 2 traces (scatter×2), 6 points',
  );
});
