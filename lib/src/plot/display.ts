/**
 * Where figures go: inline in a tslab notebook, to nodeplotlib in an interactive terminal, or to a
 * one-line summary (tests, CI, piped output).
 */
import * as path from "node:path";
import { Figure, summarizeFigure } from "./figure";
import { bundleScript, figureHtml } from "./html";

/** Something that can show an HTML output — tslab's `display` has this shape. */
export interface HtmlDisplay {
  /** Emit (or, for a display from `newDisplay()`, replace) an HTML output. */
  html(s: string): void;
}

/**
 * The part of the `tslab` module the plot area uses: the shared `display` and `newDisplay()` for
 * outputs updated in place. Inject a fake with this shape in tests.
 */
export interface NotebookTarget {
  /** Appends outputs to the running cell. */
  display: HtmlDisplay;
  /** A display whose every `html()` call replaces its previous output. */
  newDisplay(): HtmlDisplay;
}

let override: NotebookTarget | null | undefined;
const primed = new WeakSet<HtmlDisplay>();

/**
 * Find the tslab kernel this process runs in, or `null` outside a notebook.
 *
 * A kernel has tslab's `dist/jupyter.js` loaded and, once a cell runs, its `lastWriteDisplayData` set;
 * `display.html` only works then. We look for that module in `require.cache` rather than calling
 * `require("tslab")`, so that (a) we reach the kernel's own instance even when the kernel binary is
 * not the copy in this project's node_modules, and (b) plain Node scripts do not load tslab's bundled
 * TypeScript compiler just to find out they are not in a notebook.
 */
export function detectNotebook(): NotebookTarget | null {
  if (override !== undefined) return override;
  for (const key of Object.keys(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const jupyter = require.cache[key]?.exports as { lastWriteDisplayData?: unknown } | undefined;
    if (!jupyter || typeof jupyter.lastWriteDisplayData !== "function") continue;
    try {
      const pub = require(path.join(path.dirname(key), "public.js")) as Partial<NotebookTarget>;
      if (pub.display && typeof pub.display.html === "function" && typeof pub.newDisplay === "function") {
        return pub as NotebookTarget;
      }
    } catch {
      // A broken tslab install: fall through to the terminal.
    }
  }
  return null;
}

/** True inside a running tslab kernel (figures and progress bars then render inline). */
export function inNotebook(): boolean {
  return detectNotebook() !== null;
}

/**
 * Force where {@link show} and {@link progressBar} send output: a target (e.g. a fake in tests),
 * `null` for "not a notebook", or `undefined` to go back to auto-detection.
 */
export function setNotebookTarget(target: NotebookTarget | null | undefined): void {
  override = target;
}

/** Options of {@link loadPlotly}. */
export interface LoadPlotlyOptions {
  /** Notebook target (default: the detected tslab kernel). */
  target?: NotebookTarget | null;
}

/**
 * Emit the plotly.js bundle into the notebook now, as an output of the current cell.
 *
 * {@link show} does this by itself before the first figure of a kernel; call `loadPlotly()` in a
 * set-up cell to keep the bundle in a cell that is not re-run, or again if the cell that carried it
 * was cleared. Returns false (and does nothing) outside a notebook.
 */
export function loadPlotly(options: LoadPlotlyOptions = {}): boolean {
  const target = options.target !== undefined ? options.target : detectNotebook();
  if (!target) return false;
  target.display.html(bundleScript());
  primed.add(target.display);
  return true;
}

/** Options of {@link show}. */
export interface ShowOptions {
  /** Notebook target (default: the detected tslab kernel); `null` forces the terminal path. */
  target?: NotebookTarget | null;
  /** Line writer for the summary (default: stdout). */
  write?: (line: string) => void;
  /**
   * Outside a notebook, open the figure in a browser through nodeplotlib (default: only when stdout
   * is a TTY and none of `CI`, `BATTERY_MI_TEST` is set; otherwise a one-line summary is printed).
   */
  browser?: boolean;
}

/** What {@link show} uses of nodeplotlib: `plot(data, layout, config)` starts its server and opens a tab. */
export interface NodeplotlibLike {
  plot(data: unknown, layout?: unknown, config?: unknown): void;
}

// Loaded lazily: nodeplotlib pulls in a web server and is only wanted in the browser case.
const requireNodeplotlib = (): NodeplotlibLike => require("nodeplotlib") as NodeplotlibLike;
let loadNodeplotlib: () => NodeplotlibLike = requireNodeplotlib;

/**
 * For tests only (not exported from `battery-mi/plot`): replace how {@link show} loads nodeplotlib, so a
 * stub can record what it is handed without a web server or a browser. `undefined` restores the real
 * `require("nodeplotlib")`.
 *
 * @internal
 */
export function setNodeplotlibLoader(loader: (() => NodeplotlibLike) | undefined): void {
  loadNodeplotlib = loader ?? requireNodeplotlib;
}

/** True when an interactive browser window is welcome: a terminal, not CI, not a test run. */
function browserWelcome(): boolean {
  const env = process.env;
  if (env.CI || env.BATTERY_MI_TEST || env.NODE_TEST_CONTEXT) return false;
  return Boolean(process.stdout.isTTY);
}

/**
 * Show a figure.
 *
 * - In a tslab notebook: the first call per kernel emits plotly.js once (no CDN — it works offline and
 *   in nbconvert HTML), then each figure is a div plus its JSON.
 * - In an interactive terminal: hands the figure to nodeplotlib, which opens it in a browser tab.
 * - Otherwise (tests, CI, piped output): prints one line — title, trace count.
 *
 * @example
 * ```ts
 * import { scatterPlot, show } from "battery-mi/plot";
 * show(scatterPlot({ x: volume, y: voltage, xTitle: "Volume [Å³/atom]", yTitle: "Voltage [V]" }));
 * ```
 */
export function show(fig: Figure, options: ShowOptions = {}): void {
  if (!fig || !Array.isArray(fig.data)) {
    throw new TypeError("show: expected a figure { data: [...], layout: {...} } such as linePlot(...) returns.");
  }
  const target = options.target !== undefined ? options.target : detectNotebook();
  if (target) {
    if (!primed.has(target.display)) loadPlotly({ target });
    target.display.html(figureHtml(fig));
    return;
  }
  const write = options.write ?? ((line: string) => void process.stdout.write(line + "\n"));
  if (options.browser ?? browserWelcome()) {
    const npl = loadNodeplotlib();
    write(`${summarizeFigure(fig)} — opening in the browser (nodeplotlib)`);
    npl.plot(fig.data, fig.layout, fig.config);
    return;
  }
  write(summarizeFigure(fig));
}

/** Alias of {@link show}. */
export const display = show;

/** Whether the plotly bundle has already been sent to this display (for tests and diagnostics). */
export function plotlyLoadedInto(d: HtmlDisplay): boolean {
  return primed.has(d);
}
