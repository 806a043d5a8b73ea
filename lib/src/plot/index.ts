/**
 * Plots for the notebooks: typed plotly.js figures, drawn inline in tslab (plotly.js loaded once per
 * kernel, offline), as standalone HTML, or through nodeplotlib in a terminal; plus progress bars.
 *
 * @example
 * ```ts
 * import { parityPlot, show, progressBar } from "battery-mi/plot";
 * show(parityPlot({ measured, predicted, quantity: "average voltage", unit: "V" }));
 * ```
 *
 * @packageDocumentation
 */
export type { Figure, NumericArray, AxesOptions, NumberCheck } from "./figure";
export { PlotInputError, summarizeFigure, toPlainNumbers } from "./figure";
export type {
  Dash,
  LineSeries,
  LinePlotOptions,
  ScatterSeries,
  ScatterPlotOptions,
  RegressionMetrics,
  ParitySeries,
  ParityPlotOptions,
  ParityFigure,
  BarSeries,
  BarChartOptions,
  HistogramSeries,
  HistogramOptions,
  Grid,
  HeatmapOptions,
  ContourPoints,
  ContourPlotOptions,
  Grid2dOptions,
} from "./builders";
export {
  linePlot,
  scatterPlot,
  parityPlot,
  regressionMetrics,
  formatMetrics,
  formatNumber,
  barChart,
  histogram,
  heatmap,
  contourPlot,
  grid2d,
} from "./builders";
export type { FigureHtmlOptions, ToHtmlOptions } from "./html";
export { toHtml, saveHtml, figureHtml, bundleScript, plotlyBundle, plotlyVersion, BUNDLE_MARKER } from "./html";
export type { HtmlDisplay, NotebookTarget, LoadPlotlyOptions, ShowOptions } from "./display";
export { show, display, loadPlotly, inNotebook, detectNotebook, setNotebookTarget, plotlyLoadedInto } from "./display";
export type {
  ProgressBarOptions,
  ProgressBar,
  ProgressState,
  TrainingLogs,
  FitProgressOptions,
  FitProgressCallbacks,
  LossCurveOptions,
} from "./progress";
export { progressBar, progressHtml, fitProgress, formatLogs, formatDuration, lossCurve } from "./progress";
