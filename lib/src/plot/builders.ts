/**
 * Figure builders: pure functions from typed options to a {@link Figure}. They check their input
 * (lengths, finite numbers, positive values on log axes) and never draw anything themselves.
 */
import type { Data, Layout } from "plotly.js";
import {
  AxesOptions,
  Figure,
  NumericArray,
  PlotInputError,
  axesLayout,
  checkPositive,
  defaultConfig,
  describe,
  isNumericArray,
  prune,
  toFiniteNumbers,
  toLabels,
  toPlainNumbers,
} from "./figure";

// ---------------------------------------------------------------------------------------------
// Line and scatter plots
// ---------------------------------------------------------------------------------------------

/** Line dash styles understood by plotly. */
export type Dash = "solid" | "dash" | "dot" | "dashdot" | "longdash";

/** One curve of a {@link linePlot}. */
export interface LineSeries {
  /** x values; defaults to the plot's shared `x`, else 0, 1, 2, … */
  x?: NumericArray;
  /** y values (same length as x). */
  y: NumericArray;
  /** Legend name. */
  name?: string;
  /** CSS colour, e.g. `"#1f77b4"` or `"crimson"`. */
  color?: string;
  /** Dash style (default solid). */
  dash?: Dash;
  /** Line width in px (default 2). */
  lineWidth?: number;
  /** Also draw markers at the data points. */
  markers?: boolean;
}

/** Options of {@link linePlot}: either one curve (`x`, `y`) or several (`series`). */
export interface LinePlotOptions extends AxesOptions {
  /** Shared x values (for `y` and for series without their own `x`). */
  x?: NumericArray;
  /** y values of a single curve. */
  y?: NumericArray;
  /** Legend name of the single curve. */
  name?: string;
  /** Colour of the single curve. */
  color?: string;
  /** Several curves; mutually exclusive with `y`. */
  series?: LineSeries[];
  /** Leave gaps where y (or x) is NaN instead of throwing. */
  allowGaps?: boolean;
  /** Draw markers on every curve. */
  markers?: boolean;
  /** Line width in px for every curve (default 2). */
  lineWidth?: number;
}

/** Resolve the `series` / single-series forms into one list, with a clear error when neither or both are given. */
function seriesOf<S>(fn: string, single: S | undefined, series: S[] | undefined, singleKey: string): S[] {
  if (series !== undefined && single !== undefined) {
    throw new PlotInputError(`${fn}: give either ${singleKey} or series, not both.`);
  }
  if (series !== undefined) {
    if (!Array.isArray(series) || series.length === 0) {
      throw new PlotInputError(`${fn}: series must be a non-empty array, got ${describe(series)}.`);
    }
    return series;
  }
  if (single === undefined) {
    throw new PlotInputError(`${fn}: nothing to plot — give ${singleKey} or series.`);
  }
  return [single];
}

function seriesLabel(name: string | undefined, i: number, count: number): string {
  if (name !== undefined) return `series "${name}"`;
  return count > 1 ? `series ${i}` : "series";
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Line plot of one or more curves (capacity vs cycle, voltage vs capacity, loss vs epoch).
 *
 * @example
 * ```ts
 * show(linePlot({
 *   x: cycles, series: [{ y: capA, name: "cell A" }, { y: capB, name: "cell B", dash: "dash" }],
 *   xTitle: "Cycle number", yTitle: "Discharge capacity [A.h]", title: "Capacity fade",
 * }));
 * ```
 */
export function linePlot(options: LinePlotOptions): Figure {
  const fn = "linePlot";
  const o = options;
  const single: LineSeries | undefined =
    o.y !== undefined ? { y: o.y, name: o.name, color: o.color } : undefined;
  const list = seriesOf(fn, single, o.series, "y");
  checkPositive(o.lineWidth, fn, "lineWidth");
  const data: Data[] = list.map((s, i) => {
    const label = seriesLabel(s.name, i, list.length);
    const y = toPlainNumbers(s.y, { fn, what: `${label} y`, allowGaps: o.allowGaps, positive: o.logY });
    const xSrc = s.x ?? o.x;
    const x =
      xSrc === undefined
        ? range(y.length)
        : toPlainNumbers(xSrc, {
            fn,
            what: `${label} x`,
            allowGaps: o.allowGaps,
            positive: o.logX,
            length: y.length,
            lengthOf: `${label} y`,
          });
    checkPositive(s.lineWidth, fn, `${label} lineWidth`);
    const markers = s.markers ?? o.markers ?? false;
    return prune({
      type: "scatter" as const,
      mode: markers ? ("lines+markers" as const) : ("lines" as const),
      x,
      y,
      name: s.name,
      line: { color: s.color, dash: s.dash, width: s.lineWidth ?? o.lineWidth ?? 2 },
      connectgaps: false,
    }) as Data;
  });
  return { data, layout: axesLayout(o, fn, o.xTitle, o.yTitle), config: defaultConfig() };
}

/** One point cloud of a {@link scatterPlot}. */
export interface ScatterSeries {
  /** x values. */
  x: NumericArray;
  /** y values (same length). */
  y: NumericArray;
  /** Legend name. */
  name?: string;
  /** Marker colour. */
  color?: string;
  /** Marker size in px (default: the plot's `markerSize`). */
  markerSize?: number;
  /** Hover label per point (e.g. the formula `"LiFePO4"`). */
  text?: readonly string[];
  /** Marker symbol (`"circle"`, `"square"`, `"diamond"`, `"x"` …). */
  symbol?: string;
}

/** Options of {@link scatterPlot}: one cloud (`x`, `y`) or several (`series`). */
export interface ScatterPlotOptions extends AxesOptions {
  /** x values of a single cloud. */
  x?: NumericArray;
  /** y values of a single cloud. */
  y?: NumericArray;
  /** Legend name of the single cloud. */
  name?: string;
  /** Colour of the single cloud. */
  color?: string;
  /** Hover labels of the single cloud. */
  text?: readonly string[];
  /** Several clouds; mutually exclusive with `x`/`y`. */
  series?: ScatterSeries[];
  /** Marker size in px (default 7). */
  markerSize?: number;
  /** Marker opacity 0–1 (default 0.8). */
  opacity?: number;
  /** Colour the single cloud by a third quantity (one value per point), with a colour bar. */
  colorBy?: NumericArray;
  /** Colour-bar title, with units: `"Band gap [eV]"`. */
  colorTitle?: string;
  /** Plotly colour scale name for `colorBy` (default `"Viridis"`). */
  colorscale?: string;
  /** Drop points whose x or y is NaN (plotly skips null points) instead of throwing. */
  allowGaps?: boolean;
}

/**
 * Scatter plot of one or more point clouds, optionally coloured by a third quantity.
 *
 * @example
 * ```ts
 * show(scatterPlot({
 *   x: volume, y: voltage, text: formulas, colorBy: bandGap, colorTitle: "Band gap [eV]",
 *   xTitle: "Volume per atom [Å³]", yTitle: "Average voltage [V]",
 * }));
 * ```
 */
export function scatterPlot(options: ScatterPlotOptions): Figure {
  const fn = "scatterPlot";
  const o = options;
  if ((o.x === undefined) !== (o.y === undefined)) {
    throw new PlotInputError(`${fn}: give both x and y (or use series).`);
  }
  const single: ScatterSeries | undefined =
    o.x !== undefined && o.y !== undefined
      ? { x: o.x, y: o.y, name: o.name, color: o.color, text: o.text }
      : undefined;
  const list = seriesOf(fn, single, o.series, "x and y");
  if (o.colorBy !== undefined && o.series !== undefined) {
    throw new PlotInputError(`${fn}: colorBy works with a single cloud (x, y), not with series.`);
  }
  checkPositive(o.markerSize, fn, "markerSize");
  if (o.opacity !== undefined && !(o.opacity > 0 && o.opacity <= 1)) {
    throw new PlotInputError(`${fn}: opacity must be in (0, 1], got ${describe(o.opacity)}.`);
  }
  const data: Data[] = list.map((s, i) => {
    const label = seriesLabel(s.name, i, list.length);
    const x = toPlainNumbers(s.x, { fn, what: `${label} x`, allowGaps: o.allowGaps, positive: o.logX });
    const y = toPlainNumbers(s.y, {
      fn,
      what: `${label} y`,
      allowGaps: o.allowGaps,
      positive: o.logY,
      length: x.length,
      lengthOf: `${label} x`,
    });
    checkPositive(s.markerSize, fn, `${label} markerSize`);
    const text = s.text !== undefined ? toLabels(s.text, fn, `${label} text`, x.length, `${label} x`) : undefined;
    let color: unknown = s.color;
    let colorbar: unknown;
    let colorscale: string | undefined;
    if (o.colorBy !== undefined) {
      color = toFiniteNumbers(o.colorBy, { fn, what: "colorBy", length: x.length, lengthOf: "x" });
      colorscale = o.colorscale ?? "Viridis";
      colorbar = prune({ title: o.colorTitle !== undefined ? { text: o.colorTitle } : undefined });
    }
    return prune({
      type: "scatter" as const,
      mode: "markers" as const,
      x,
      y,
      name: s.name,
      text,
      hovertemplate: text !== undefined ? "%{text}<br>x=%{x}<br>y=%{y}<extra></extra>" : undefined,
      marker: {
        size: s.markerSize ?? o.markerSize ?? 7,
        color,
        colorscale,
        colorbar,
        showscale: o.colorBy !== undefined ? true : undefined,
        symbol: s.symbol,
        opacity: o.opacity ?? 0.8,
      },
    }) as Data;
  });
  return { data, layout: axesLayout(o, fn, o.xTitle, o.yTitle), config: defaultConfig() };
}

// ---------------------------------------------------------------------------------------------
// Parity plot and regression metrics
// ---------------------------------------------------------------------------------------------

/** Regression metrics as shown on a parity plot (same definitions as scikit-learn). */
export interface RegressionMetrics {
  /** Number of points. */
  n: number;
  /**
   * Coefficient of determination 1 − SS_res/SS_tot (sklearn `r2_score`); `null` when the measured
   * values are all equal, where R² is undefined.
   */
  r2: number | null;
  /** Mean absolute error, in the unit of the data. */
  mae: number;
  /** Root-mean-square error, in the unit of the data. */
  rmse: number;
}

/**
 * R², MAE and RMSE of predictions against measurements.
 *
 * @example
 * ```ts
 * regressionMetrics([1, 2, 3], [1.1, 1.9, 3.2]); // { n: 3, r2: 0.97, mae: 0.1333…, rmse: 0.1414… }
 * ```
 */
export function regressionMetrics(measured: NumericArray, predicted: NumericArray): RegressionMetrics {
  const fn = "regressionMetrics";
  const m = toFiniteNumbers(measured, { fn, what: "measured" });
  const p = toFiniteNumbers(predicted, { fn, what: "predicted", length: m.length, lengthOf: "measured" });
  return metricsOf(m, p, fn);
}

function metricsOf(m: readonly number[], p: readonly number[], fn: string): RegressionMetrics {
  const n = m.length;
  if (n < 1) throw new PlotInputError(`${fn}: need at least one (measured, predicted) pair, got none.`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += m[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const e = m[i] - p[i];
    ssRes += e * e;
    abs += Math.abs(e);
    const d = m[i] - mean;
    ssTot += d * d;
  }
  return { n, r2: ssTot > 0 ? 1 - ssRes / ssTot : null, mae: abs / n, rmse: Math.sqrt(ssRes / n) };
}

/** Three significant digits, without exponent for ordinary magnitudes. */
export function formatNumber(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(3)));
  return v.toPrecision(3);
}

/** `R² = 0.912 · MAE = 0.0812 V · RMSE = 0.11 V (n = 40)` */
export function formatMetrics(m: RegressionMetrics, unit?: string): string {
  const u = unit ? ` ${unit}` : "";
  const r2 = m.r2 === null ? "undefined (constant measured values)" : m.r2.toFixed(3);
  return `R² = ${r2} · MAE = ${formatNumber(m.mae)}${u} · RMSE = ${formatNumber(m.rmse)}${u} (n = ${m.n})`;
}

/** One set of predictions on a {@link parityPlot} (e.g. "train" and "test"). */
export interface ParitySeries {
  /** Measured (reference) values, the x axis. */
  measured: NumericArray;
  /** Predicted values, the y axis. */
  predicted: NumericArray;
  /** Legend name, also used in the metrics line. */
  name?: string;
  /** Marker colour. */
  color?: string;
  /** Hover label per point (formula, cell id). */
  text?: readonly string[];
}

/** Options of {@link parityPlot}. */
export interface ParityPlotOptions {
  /** Measured values of a single set. */
  measured?: NumericArray;
  /** Predicted values of a single set. */
  predicted?: NumericArray;
  /** Legend name of the single set. */
  name?: string;
  /** Colour of the single set. */
  color?: string;
  /** Hover labels of the single set. */
  text?: readonly string[];
  /** Several sets (train/test); metrics are shown for each. */
  series?: ParitySeries[];
  /** What is predicted, for the default axis titles: `"average voltage"` (default `"value"`). */
  quantity?: string;
  /** Unit, in axis titles and after MAE/RMSE: `"V"`, `"mA.h/g"`. */
  unit?: string;
  /** Override the x-axis title (default `Measured <quantity> [<unit>]`). */
  xTitle?: string;
  /** Override the y-axis title (default `Predicted <quantity> [<unit>]`). */
  yTitle?: string;
  /** Title; the metrics are added below it (default `"Parity plot"`). */
  title?: string;
  /** Marker size in px (default 7). */
  markerSize?: number;
  /** Width in px (default: output width). */
  width?: number;
  /** Height in px (default 500). */
  height?: number;
}

/** A {@link Figure} that also carries the metrics shown in its title. */
export interface ParityFigure extends Figure {
  /** Metrics per series, in series order. */
  metrics: RegressionMetrics[];
}

/**
 * Parity plot: predicted against measured, the y = x line over the joint range, equal axes, and
 * R², MAE and RMSE (per series) in the title.
 *
 * @example
 * ```ts
 * const fig = parityPlot({
 *   series: [{ measured: yTrain, predicted: pTrain, name: "train" }, { measured: yTest, predicted: pTest, name: "test" }],
 *   quantity: "average voltage", unit: "V",
 * });
 * show(fig);
 * fig.metrics[1].mae; // test MAE in V
 * ```
 */
export function parityPlot(options: ParityPlotOptions): ParityFigure {
  const fn = "parityPlot";
  const o = options;
  if ((o.measured === undefined) !== (o.predicted === undefined)) {
    throw new PlotInputError(`${fn}: give both measured and predicted (or use series).`);
  }
  const single: ParitySeries | undefined =
    o.measured !== undefined && o.predicted !== undefined
      ? { measured: o.measured, predicted: o.predicted, name: o.name, color: o.color, text: o.text }
      : undefined;
  const list = seriesOf(fn, single, o.series, "measured and predicted");
  checkPositive(o.markerSize, fn, "markerSize");
  let lo = Infinity;
  let hi = -Infinity;
  const metrics: RegressionMetrics[] = [];
  const traces: Data[] = list.map((s, i) => {
    const label = seriesLabel(s.name, i, list.length);
    const m = toFiniteNumbers(s.measured, { fn, what: `${label} measured` });
    const p = toFiniteNumbers(s.predicted, {
      fn,
      what: `${label} predicted`,
      length: m.length,
      lengthOf: `${label} measured`,
    });
    if (m.length === 0) throw new PlotInputError(`${fn}: ${label} is empty.`);
    for (let k = 0; k < m.length; k++) {
      lo = Math.min(lo, m[k], p[k]);
      hi = Math.max(hi, m[k], p[k]);
    }
    metrics.push(metricsOf(m, p, fn));
    const text = s.text !== undefined ? toLabels(s.text, fn, `${label} text`, m.length, `${label} measured`) : undefined;
    return prune({
      type: "scatter" as const,
      mode: "markers" as const,
      x: m,
      y: p,
      name: s.name,
      text,
      hovertemplate:
        (text !== undefined ? "%{text}<br>" : "") + "measured=%{x}<br>predicted=%{y}<extra>" + (s.name ?? "") + "</extra>",
      marker: { size: o.markerSize ?? 7, color: s.color, opacity: 0.8 },
    }) as Data;
  });
  // Pad the joint range a little so points on the edge are not clipped; a constant data set gets a unit pad.
  const span = hi - lo;
  const pad = span > 0 ? 0.04 * span : Math.max(Math.abs(hi) * 0.05, 1);
  const r0 = lo - pad;
  const r1 = hi + pad;
  const identity: Data = {
    type: "scatter",
    mode: "lines",
    x: [r0, r1],
    y: [r0, r1],
    name: "y = x",
    line: { color: "#555", dash: "dash", width: 1.5 },
    hoverinfo: "skip",
    showlegend: list.length > 1,
  };
  const quantity = o.quantity ?? "value";
  const u = o.unit ? ` [${o.unit}]` : "";
  const metricLines = metrics.map((m, i) => {
    const nm = list[i].name;
    return (list.length > 1 || nm ? `${nm ?? `series ${i}`}: ` : "") + formatMetrics(m, o.unit);
  });
  const title = `${o.title ?? "Parity plot"}<br><sub>${metricLines.join("<br>")}</sub>`;
  checkPositive(o.width, fn, "width");
  checkPositive(o.height, fn, "height");
  const layout: Partial<Layout> = prune({
    title: { text: title },
    xaxis: {
      title: { text: o.xTitle ?? `Measured ${quantity}${u}` },
      range: [r0, r1],
      automargin: true,
      constrain: "domain" as const,
    },
    yaxis: {
      title: { text: o.yTitle ?? `Predicted ${quantity}${u}` },
      range: [r0, r1],
      automargin: true,
      scaleanchor: "x" as const,
      scaleratio: 1,
    },
    width: o.width,
    height: o.height ?? 500,
    margin: { t: 60 + 18 * metricLines.length },
    showlegend: list.length > 1,
  });
  return { data: [...traces, identity], layout, config: defaultConfig(), metrics };
}

// ---------------------------------------------------------------------------------------------
// Bar chart and histogram
// ---------------------------------------------------------------------------------------------

/** One set of bars of a {@link barChart}. */
export interface BarSeries {
  /** One value per category. */
  values: NumericArray;
  /** Legend name. */
  name?: string;
  /** Bar colour. */
  color?: string;
  /** Symmetric error bar per category (e.g. a standard deviation over folds). */
  error?: NumericArray;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  /** Category labels (feature names, materials, models). */
  categories: readonly string[];
  /** Values of a single set of bars. */
  values?: NumericArray;
  /** Legend name of the single set. */
  name?: string;
  /** Colour of the single set. */
  color?: string;
  /** Error bars of the single set. */
  error?: NumericArray;
  /** Several sets (grouped, or stacked with `stacked`). */
  series?: BarSeries[];
  /** `"vertical"` (default) or `"horizontal"` bars — horizontal suits long labels such as feature names. */
  orientation?: "vertical" | "horizontal";
  /** Stack several series instead of grouping them. */
  stacked?: boolean;
  /** Order categories by the (single) series' values; horizontal charts list the first at the top. */
  sort?: "ascending" | "descending";
  /** Title of the value axis, with units: `"Importance [-]"`, `"MAE [V]"`. */
  valueTitle?: string;
  /** Title of the category axis. */
  categoryTitle?: string;
  /** Logarithmic value axis (values must be > 0). */
  logValues?: boolean;
  /** Figure title. */
  title?: string;
  /** Width in px. */
  width?: number;
  /** Height in px. */
  height?: number;
  /** Show the legend. */
  showLegend?: boolean;
}

/**
 * Bar chart of values per category: feature importances, model comparison, composition.
 *
 * @example
 * ```ts
 * show(barChart({
 *   categories: featureNames, values: importances, orientation: "horizontal", sort: "descending",
 *   valueTitle: "Permutation importance [-]", title: "What drives the voltage model",
 * }));
 * ```
 */
export function barChart(options: BarChartOptions): Figure {
  const fn = "barChart";
  const o = options;
  let categories = toLabels(o.categories, fn, "categories");
  if (categories.length === 0) throw new PlotInputError(`${fn}: categories is empty.`);
  const single: BarSeries | undefined =
    o.values !== undefined ? { values: o.values, name: o.name, color: o.color, error: o.error } : undefined;
  const list = seriesOf(fn, single, o.series, "values");
  let columns = list.map((s, i) => {
    const label = seriesLabel(s.name, i, list.length);
    const values = toFiniteNumbers(s.values, {
      fn,
      what: `${label} values`,
      positive: o.logValues,
      length: categories.length,
      lengthOf: "categories",
    });
    const error =
      s.error !== undefined
        ? toFiniteNumbers(s.error, { fn, what: `${label} error`, length: categories.length, lengthOf: "categories" })
        : undefined;
    return { s, values, error };
  });
  if (o.sort !== undefined) {
    if (list.length !== 1) throw new PlotInputError(`${fn}: sort needs a single series, got ${list.length}.`);
    const sign = o.sort === "ascending" ? 1 : -1;
    const order = range(categories.length).sort((a, b) => sign * (columns[0].values[a] - columns[0].values[b]));
    categories = order.map((k) => categories[k]);
    columns = columns.map((c) => ({
      s: c.s,
      values: order.map((k) => c.values[k]),
      error: c.error ? order.map((k) => c.error![k]) : undefined,
    }));
  }
  const horizontal = o.orientation === "horizontal";
  const data: Data[] = columns.map(({ s, values, error }) =>
    prune({
      type: "bar" as const,
      orientation: horizontal ? ("h" as const) : ("v" as const),
      x: horizontal ? values : categories,
      y: horizontal ? categories : values,
      name: s.name,
      marker: { color: s.color },
      error_x: horizontal && error ? { type: "data" as const, array: error, visible: true } : undefined,
      error_y: !horizontal && error ? { type: "data" as const, array: error, visible: true } : undefined,
    }) as Data,
  );
  checkPositive(o.width, fn, "width");
  checkPositive(o.height, fn, "height");
  const valueAxis = prune({
    title: o.valueTitle !== undefined ? { text: o.valueTitle } : undefined,
    type: o.logValues ? ("log" as const) : undefined,
    automargin: true,
  });
  const categoryAxis = prune({
    title: o.categoryTitle !== undefined ? { text: o.categoryTitle } : undefined,
    automargin: true,
    // Horizontal bars read top-down like the category list.
    autorange: horizontal ? ("reversed" as const) : undefined,
  });
  const layout: Partial<Layout> = prune({
    title: o.title !== undefined ? { text: o.title } : undefined,
    xaxis: horizontal ? valueAxis : categoryAxis,
    yaxis: horizontal ? categoryAxis : valueAxis,
    barmode: o.stacked ? ("stack" as const) : ("group" as const),
    width: o.width,
    height: o.height ?? (horizontal ? Math.max(300, 60 + 22 * categories.length * Math.max(1, o.stacked ? 1 : list.length)) : undefined),
    showlegend: o.showLegend,
  });
  return { data, layout, config: defaultConfig() };
}

/** One distribution of a {@link histogram}. */
export interface HistogramSeries {
  /** The samples. */
  values: NumericArray;
  /** Legend name. */
  name?: string;
  /** Bar colour. */
  color?: string;
}

/** Options of {@link histogram}. */
export interface HistogramOptions extends Omit<AxesOptions, "logX"> {
  /** Samples of a single distribution. */
  values?: NumericArray;
  /** Legend name of the single distribution. */
  name?: string;
  /** Colour of the single distribution. */
  color?: string;
  /** Several distributions, overlaid with transparency. */
  series?: HistogramSeries[];
  /** Approximate number of bins (plotly's `nbinsx`); ignored when `binSize` is given. */
  bins?: number;
  /** Exact bin width, in the unit of the values. */
  binSize?: number;
  /** `"count"` (default), `"probability"` (fractions summing to 1) or `"density"` (area 1). */
  normalize?: "count" | "probability" | "density";
  /** Bar opacity (default 1 for one series, 0.6 for several). */
  opacity?: number;
  /** Ignore NaN samples instead of throwing. */
  allowGaps?: boolean;
}

/**
 * Histogram of one or more distributions (residuals, band gaps, cycle lives).
 *
 * @example
 * ```ts
 * show(histogram({ values: residuals, bins: 30, xTitle: "Residual [V]", title: "Test residuals" }));
 * ```
 */
export function histogram(options: HistogramOptions): Figure {
  const fn = "histogram";
  const o = options;
  const single: HistogramSeries | undefined =
    o.values !== undefined ? { values: o.values, name: o.name, color: o.color } : undefined;
  const list = seriesOf(fn, single, o.series, "values");
  checkPositive(o.bins, fn, "bins");
  checkPositive(o.binSize, fn, "binSize");
  const all: number[][] = list.map((s, i) =>
    toPlainNumbers(s.values, { fn, what: `${seriesLabel(s.name, i, list.length)} values`, allowGaps: o.allowGaps }).filter(
      (v): v is number => v !== null,
    ),
  );
  let xbins: { start: number; end: number; size: number } | undefined;
  if (o.binSize !== undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of all) for (const v of a) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    if (lo <= hi) {
      // Align bins on multiples of binSize so several series share edges.
      const start = Math.floor(lo / o.binSize) * o.binSize;
      xbins = { start, end: Math.max(hi, start) + o.binSize, size: o.binSize };
    }
  }
  const histnorm =
    o.normalize === "probability" ? ("probability" as const) : o.normalize === "density" ? ("probability density" as const) : undefined;
  const data: Data[] = list.map((s, i) =>
    prune({
      type: "histogram" as const,
      x: all[i],
      name: s.name,
      marker: { color: s.color },
      opacity: o.opacity ?? (list.length > 1 ? 0.6 : 1),
      nbinsx: xbins === undefined ? o.bins : undefined,
      xbins,
      histnorm,
    }) as Data,
  );
  const defaultY =
    o.normalize === "probability" ? "Probability" : o.normalize === "density" ? "Probability density" : "Count";
  const layout = axesLayout(o, fn, o.xTitle, o.yTitle ?? defaultY);
  if (list.length > 1) layout.barmode = "overlay";
  return { data, layout, config: defaultConfig() };
}

// ---------------------------------------------------------------------------------------------
// Heatmap and contour plot
// ---------------------------------------------------------------------------------------------

/** A grid: rows of numbers (`z[row][col]`), as arrays or typed arrays. */
export type Grid = readonly NumericArray[];

/** Check a rectangular grid and return plain rows. */
function toGrid(z: unknown, fn: string, allowGaps: boolean | undefined): (number | null)[][] {
  if (!Array.isArray(z) || z.length === 0) {
    throw new PlotInputError(`${fn}: z must be a non-empty array of rows (z[row][col]), got ${describe(z)}.`);
  }
  const rows = z as unknown[];
  if (!isNumericArray(rows[0])) {
    throw new PlotInputError(`${fn}: z[0] must be an array of numbers, got ${describe(rows[0])}.`);
  }
  const cols = (rows[0] as NumericArray).length;
  if (cols === 0) throw new PlotInputError(`${fn}: z rows are empty.`);
  return rows.map((r, i) =>
    toPlainNumbers(r, { fn, what: `z[${i}]`, allowGaps, length: cols, lengthOf: "z[0] (every row needs as many columns)" }),
  );
}

/** Axis labels of a heatmap: numbers or strings, one per column/row. */
function toAxisLabels(v: unknown, fn: string, what: string, n: number, of: string): (number | string)[] {
  if (isNumericArray(v) && !Array.isArray(v)) return toFiniteNumbers(v, { fn, what, length: n, lengthOf: of });
  if (!Array.isArray(v)) throw new PlotInputError(`${fn}: ${what} must be an array, got ${describe(v)}.`);
  if (v.every((e) => typeof e === "number")) return toFiniteNumbers(v, { fn, what, length: n, lengthOf: of });
  return toLabels(v, fn, what, n, of);
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  /** Values, `z[row][col]`; rows run along y, columns along x. */
  z: Grid;
  /** Column labels or coordinates (length = columns). */
  x?: readonly (string | number)[] | NumericArray;
  /** Row labels or coordinates (length = rows). */
  y?: readonly (string | number)[] | NumericArray;
  /** Figure title. */
  title?: string;
  /** x-axis title. */
  xTitle?: string;
  /** y-axis title. */
  yTitle?: string;
  /** Colour-bar title, with units: `"Pearson r [-]"`. */
  zTitle?: string;
  /** Plotly colour scale (default `"Viridis"`, or `"RdBu"` with `symmetric`: blue below 0, red above). */
  colorscale?: string;
  /** Lower end of the colour scale. */
  zmin?: number;
  /** Upper end of the colour scale. */
  zmax?: number;
  /** Centre the colour scale on 0 with a diverging palette (correlations, residuals). */
  symmetric?: boolean;
  /** Write each cell's value in the cell: `true` for 2 decimals, or the number of decimals. */
  annotate?: boolean | number;
  /** Draw row 0 at the top, like a matrix (default: at the bottom, like a y axis). */
  matrixOrder?: boolean;
  /** Leave NaN cells empty instead of throwing. */
  allowGaps?: boolean;
  /** Width in px. */
  width?: number;
  /** Height in px. */
  height?: number;
}

/**
 * Heatmap of a matrix (correlations between descriptors, a confusion matrix, a parameter scan).
 *
 * @example
 * ```ts
 * show(heatmap({ z: corr, x: names, y: names, symmetric: true, annotate: true, matrixOrder: true,
 *   zTitle: "Pearson r [-]", title: "Descriptor correlations" }));
 * ```
 */
export function heatmap(options: HeatmapOptions): Figure {
  const fn = "heatmap";
  const o = options;
  const z = toGrid(o.z, fn, o.allowGaps);
  const rows = z.length;
  const cols = z[0].length;
  const x = o.x !== undefined ? toAxisLabels(o.x, fn, "x", cols, "the number of z columns") : undefined;
  const y = o.y !== undefined ? toAxisLabels(o.y, fn, "y", rows, "the number of z rows") : undefined;
  let zmin = o.zmin;
  let zmax = o.zmax;
  if (o.symmetric && zmin === undefined && zmax === undefined) {
    let m = 0;
    for (const r of z) for (const v of r) if (v !== null) m = Math.max(m, Math.abs(v));
    zmin = -(m || 1);
    zmax = m || 1;
  }
  if (zmin !== undefined && zmax !== undefined && !(zmin < zmax)) {
    throw new PlotInputError(`${fn}: zmin (${zmin}) must be below zmax (${zmax}).`);
  }
  const digits = o.annotate === true ? 2 : typeof o.annotate === "number" ? o.annotate : undefined;
  if (digits !== undefined && !(Number.isInteger(digits) && digits >= 0 && digits <= 10)) {
    throw new PlotInputError(`${fn}: annotate must be true or a number of decimals 0–10, got ${describe(o.annotate)}.`);
  }
  checkPositive(o.width, fn, "width");
  checkPositive(o.height, fn, "height");
  const trace = prune({
    type: "heatmap" as const,
    z,
    x,
    y,
    colorscale: o.colorscale ?? (o.symmetric ? "RdBu" : "Viridis"),
    zmin,
    zmax,
    zmid: o.symmetric ? 0 : undefined,
    colorbar: o.zTitle !== undefined ? { title: { text: o.zTitle } } : undefined,
    texttemplate: digits !== undefined ? `%{z:.${digits}f}` : undefined,
    hoverongaps: false,
  }) as Data;
  const layout: Partial<Layout> = prune({
    title: o.title !== undefined ? { text: o.title } : undefined,
    xaxis: { title: o.xTitle !== undefined ? { text: o.xTitle } : undefined, automargin: true },
    yaxis: {
      title: o.yTitle !== undefined ? { text: o.yTitle } : undefined,
      automargin: true,
      autorange: o.matrixOrder ? ("reversed" as const) : undefined,
    },
    width: o.width,
    height: o.height,
  });
  return { data: [trace], layout, config: defaultConfig() };
}

/** Points drawn over a {@link contourPlot} (e.g. the samples a Bayesian optimiser chose). */
export interface ContourPoints {
  /** x coordinates. */
  x: NumericArray;
  /** y coordinates. */
  y: NumericArray;
  /** Legend name. */
  name?: string;
  /** Marker colour (default white with a black edge). */
  color?: string;
  /** Hover labels. */
  text?: readonly string[];
}

/** Options of {@link contourPlot}. */
export interface ContourPlotOptions {
  /** Grid coordinates along x (one per column of z), increasing. */
  x: NumericArray;
  /** Grid coordinates along y (one per row of z), increasing. */
  y: NumericArray;
  /** Values on the grid, `z[row = y index][col = x index]`. */
  z: Grid;
  /** Figure title. */
  title?: string;
  /** x-axis title, with units. */
  xTitle?: string;
  /** y-axis title, with units. */
  yTitle?: string;
  /** Colour-bar title, with units. */
  zTitle?: string;
  /** Plotly colour scale (default `"Viridis"`). */
  colorscale?: string;
  /** Approximate number of contour levels (default 15). */
  levels?: number;
  /** Write the level values on the contour lines. */
  showLabels?: boolean;
  /** Only lines, no filled bands. */
  linesOnly?: boolean;
  /** Marker sets to overlay. */
  points?: ContourPoints[];
  /** Leave NaN cells empty instead of throwing. */
  allowGaps?: boolean;
  /** Width in px. */
  width?: number;
  /** Height in px. */
  height?: number;
}

/**
 * Contour plot of a function sampled on a grid (a GP posterior mean, an acquisition function,
 * a two-parameter scan), optionally with sample points on top.
 *
 * @example
 * ```ts
 * const g = grid2d((a, b) => gp.predict([a, b]).mean, { x: [0, 1], y: [0, 1], nx: 60, ny: 60 });
 * show(contourPlot({ ...g, zTitle: "Predicted capacity [mA.h/g]", points: [{ x: xs, y: ys, name: "samples" }] }));
 * ```
 */
export function contourPlot(options: ContourPlotOptions): Figure {
  const fn = "contourPlot";
  const o = options;
  const z = toGrid(o.z, fn, o.allowGaps);
  const x = toFiniteNumbers(o.x, { fn, what: "x", length: z[0].length, lengthOf: "the number of z columns" });
  const y = toFiniteNumbers(o.y, { fn, what: "y", length: z.length, lengthOf: "the number of z rows" });
  checkPositive(o.levels, fn, "levels");
  checkPositive(o.width, fn, "width");
  checkPositive(o.height, fn, "height");
  const data: Data[] = [
    prune({
      type: "contour" as const,
      x,
      y,
      z,
      colorscale: o.colorscale ?? "Viridis",
      ncontours: o.levels ?? 15,
      contours: {
        coloring: o.linesOnly ? ("lines" as const) : ("fill" as const),
        showlabels: o.showLabels ? true : undefined,
      },
      colorbar: o.zTitle !== undefined ? { title: { text: o.zTitle } } : undefined,
      connectgaps: false,
    }) as Data,
  ];
  (o.points ?? []).forEach((p, i) => {
    const label = `points ${p.name !== undefined ? `"${p.name}"` : i}`;
    const px = toFiniteNumbers(p.x, { fn, what: `${label} x` });
    const py = toFiniteNumbers(p.y, { fn, what: `${label} y`, length: px.length, lengthOf: `${label} x` });
    const text = p.text !== undefined ? toLabels(p.text, fn, `${label} text`, px.length, `${label} x`) : undefined;
    data.push(
      prune({
        type: "scatter" as const,
        mode: "markers" as const,
        x: px,
        y: py,
        name: p.name,
        text,
        marker: { size: 8, color: p.color ?? "white", line: { color: "black", width: 1 } },
      }) as Data,
    );
  });
  const layout: Partial<Layout> = prune({
    title: o.title !== undefined ? { text: o.title } : undefined,
    xaxis: { title: o.xTitle !== undefined ? { text: o.xTitle } : undefined, automargin: true },
    yaxis: { title: o.yTitle !== undefined ? { text: o.yTitle } : undefined, automargin: true },
    width: o.width,
    height: o.height,
    showlegend: o.points?.some((p) => p.name !== undefined) ? true : undefined,
    legend: o.points?.length ? { orientation: "h" as const, y: -0.2 } : undefined,
  });
  return { data, layout, config: defaultConfig() };
}

/** Options of {@link grid2d}. */
export interface Grid2dOptions {
  /** `[min, max]` along x. */
  x: readonly [number, number];
  /** `[min, max]` along y. */
  y: readonly [number, number];
  /** Number of grid points along x (default 50, at least 2). */
  nx?: number;
  /** Number of grid points along y (default 50, at least 2). */
  ny?: number;
}

/**
 * Sample `f(x, y)` on a regular grid, in the shape {@link contourPlot} and {@link heatmap} take.
 * Throws if `f` returns a non-finite value, naming the point.
 *
 * @example
 * ```ts
 * const g = grid2d((x, y) => Math.sin(x) * Math.cos(y), { x: [0, 3], y: [0, 3], nx: 40, ny: 30 });
 * show(contourPlot({ ...g, zTitle: "f [-]" }));
 * ```
 */
export function grid2d(
  f: (x: number, y: number) => number,
  options: Grid2dOptions,
): { x: Float64Array; y: Float64Array; z: Float64Array[] } {
  const fn = "grid2d";
  const nx = options.nx ?? 50;
  const ny = options.ny ?? 50;
  for (const [k, v] of [["nx", nx], ["ny", ny]] as const) {
    if (!Number.isInteger(v) || v < 2) throw new PlotInputError(`${fn}: ${k} must be an integer ≥ 2, got ${describe(v)}.`);
  }
  const axis = (r: readonly [number, number], n: number, name: string): Float64Array => {
    if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[0] < r[1])) {
      throw new PlotInputError(`${fn}: ${name} must be [min, max] with finite min < max, got ${JSON.stringify(r)}.`);
    }
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = r[0] + ((r[1] - r[0]) * i) / (n - 1);
    return a;
  };
  const xs = axis(options.x, nx, "x");
  const ys = axis(options.y, ny, "y");
  const z: Float64Array[] = [];
  for (let j = 0; j < ny; j++) {
    const row = new Float64Array(nx);
    for (let i = 0; i < nx; i++) {
      const v = f(xs[i], ys[j]);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new PlotInputError(`${fn}: f(${xs[i]}, ${ys[j]}) returned ${describe(v)}; f must return finite numbers.`);
      }
      row[i] = v;
    }
    z.push(row);
  }
  return { x: xs, y: ys, z };
}
