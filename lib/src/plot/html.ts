/**
 * HTML for figures: the plotly.js bundle (read lazily from `plotly.js-dist-min`, once per process),
 * the per-figure snippet (a div plus a small script with the figure JSON), and standalone pages.
 * Nothing here loads anything from the network.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { Figure, figureTitle, summarizeFigure } from "./figure";

let bundleText: string | undefined;
let bundleVersion: string | undefined;

/** Marker comment at the start of every bundle script (lets tests and tools recognise it). */
export const BUNDLE_MARKER = "battery-mi/plot: plotly.js bundle";

/**
 * The plotly.js bundle source from `plotly.js-dist-min` in node_modules. Read from disk on first use
 * and cached for the life of the process (it is ~4.8 MB).
 */
export function plotlyBundle(): string {
  if (bundleText === undefined) {
    let file: string;
    try {
      file = require.resolve("plotly.js-dist-min");
    } catch (e) {
      throw new Error(
        `battery-mi/plot: cannot find the npm package plotly.js-dist-min (${(e as Error).message}); ` +
          `it is a dependency of battery-mi — run \`npm install\` at the project root.`,
      );
    }
    bundleText = fs.readFileSync(file, "utf8");
    const m = /plotly\.js v(\d+\.\d+\.\d+)/.exec(bundleText.slice(0, 300));
    bundleVersion = m ? m[1] : "unknown";
  }
  return bundleText;
}

/** The version of the plotly.js bundle that {@link plotlyBundle} serves (reads the bundle if needed). */
export function plotlyVersion(): string {
  plotlyBundle();
  return bundleVersion!;
}

/** Make arbitrary text safe inside an inline `<script>` element (no early `</script>`, no `<!--`). */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON that can sit inside an inline `<script>`: `<`, `>`, `&`, U+2028/9 escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A `<script>` element that defines `window.Plotly` from the bundled plotly.js, on any page.
 *
 * The bundle runs inside a function whose parameters `define`, `module` and `exports` are undefined:
 * on pages with require.js (classic Notebook 6, nbconvert HTML) or a CommonJS-like `module`, a UMD
 * bundle would otherwise register itself there and leave `window.Plotly` unset. If the page already
 * has `window.Plotly` (e.g. after a kernel restart), the bundle is not evaluated again.
 */
export function bundleScript(): string {
  const src = plotlyBundle();
  return (
    `<script type="text/javascript">/* ${BUNDLE_MARKER} v${plotlyVersion()} (MIT licence). ` +
    `define/module/exports are shadowed so require.js pages still get window.Plotly. */\n` +
    `(function (define, module, exports) {\n` +
    `if (typeof window !== "undefined" && window.Plotly) { return; }\n` +
    scriptSafe(src) +
    `\n}).call(typeof window !== "undefined" ? window : this, undefined, undefined, undefined);\n</script>`
  );
}

/** A fresh, page-unique div id (random, so outputs from an earlier kernel on the same page never clash). */
export function newDivId(): string {
  return `bmi-plot-${randomBytes(6).toString("hex")}`;
}

/** Options of {@link figureHtml}. */
export interface FigureHtmlOptions {
  /** Id of the div (default: a fresh random id). */
  divId?: string;
  /** How long the figure script waits for `window.Plotly`, in ms (default 60000). */
  waitMs?: number;
}

/**
 * The HTML for one figure without plotly.js: a div (holding a text description until the plot is
 * drawn, so static renderers still say what the figure is) and a short script with the figure JSON
 * that polls for `window.Plotly` and calls `Plotly.newPlot`.
 */
export function figureHtml(fig: Figure, options: FigureHtmlOptions = {}): string {
  const id = options.divId ?? newDivId();
  const waitMs = options.waitMs ?? 60000;
  const height = typeof fig.layout?.height === "number" ? fig.layout.height : 450;
  const width = typeof fig.layout?.width === "number" ? `${fig.layout.width}px` : "100%";
  const json = scriptJson({ data: fig.data, layout: fig.layout ?? {}, config: fig.config ?? {} });
  const fallback = `${summarizeFigure(fig)} — interactive plotly.js figure, drawn when JavaScript runs.`;
  return (
    `<div id="${escapeHtml(id)}" class="battery-mi-plot" style="width:${width};height:${height}px;">` +
    `${escapeHtml(fallback)}</div>\n` +
    `<script type="text/javascript">\n(function () {\n` +
    `  var id = ${scriptJson(id)}, fig = ${json};\n` +
    `  var me = document.currentScript, t0 = Date.now();\n` +
    `  function target() {\n` +
    `    var e = document.getElementById(id);\n` +
    `    if (!e && me && me.previousElementSibling && me.previousElementSibling.id === id) e = me.previousElementSibling;\n` +
    `    return e;\n  }\n` +
    `  function draw() {\n` +
    `    var e = target();\n` +
    `    if (window.Plotly && e && e.isConnected !== false) {\n` +
    `      e.textContent = "";\n` +
    `      window.Plotly.newPlot(e, fig.data, fig.layout, fig.config);\n` +
    `      return;\n    }\n` +
    `    if (Date.now() - t0 < ${waitMs}) { setTimeout(draw, 50); return; }\n` +
    `    if (e && !window.Plotly) e.textContent = "plotly.js is not loaded on this page: run loadPlotly() from " +\n` +
    `      "battery-mi/plot in a cell (or restart the kernel and run all), then this cell again.";\n` +
    `  }\n  draw();\n})();\n</script>`
  );
}

/** Options of {@link toHtml}. */
export interface ToHtmlOptions {
  /**
   * Embed plotly.js in the page (default true), making it self-contained and usable offline. With
   * `false` the page expects `window.Plotly` to be provided by whoever embeds it.
   */
  includePlotly?: boolean;
  /** Page title (default: the figure title, else "Figure"). */
  pageTitle?: string;
  /** Id of the figure div (default: random). */
  divId?: string;
}

/**
 * A standalone HTML page showing the figure. Nothing is fetched from the network.
 *
 * @example
 * ```ts
 * const html = toHtml(parityPlot({ measured, predicted, unit: "V" }));
 * ```
 */
export function toHtml(fig: Figure, options: ToHtmlOptions = {}): string {
  const include = options.includePlotly ?? true;
  const title = options.pageTitle ?? (figureTitle(fig) || "Figure");
  return (
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n</head>\n` +
    `<body style="margin:0;padding:8px;font-family:sans-serif;">\n` +
    (include ? bundleScript() + "\n" : "") +
    figureHtml(fig, { divId: options.divId }) +
    `\n</body>\n</html>\n`
  );
}

/**
 * Write {@link toHtml}'s page to a file (creating folders as needed) and return its absolute path.
 *
 * @example
 * ```ts
 * saveHtml(fig, "build/figures/parity.html");
 * ```
 */
export function saveHtml(fig: Figure, file: string, options: ToHtmlOptions = {}): string {
  const abs = path.resolve(file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, toHtml(fig, options), "utf8");
  return abs;
}
