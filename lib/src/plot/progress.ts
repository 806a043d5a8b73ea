/**
 * Progress bars for long loops and for tfjs training: one output updated in place in a notebook,
 * throttled plain lines elsewhere.
 */
import { PlotInputError, describe } from "./figure";
import { linePlot } from "./builders";
import type { Figure } from "./figure";
import { HtmlDisplay, NotebookTarget, detectNotebook } from "./display";
import { escapeHtml } from "./html";

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Number of steps (a positive integer). */
  total: number;
  /** Text before the bar: `"Cross-validation"`. */
  label?: string;
  /** Notebook target (default: the detected tslab kernel); `null` forces plain text lines. */
  target?: NotebookTarget | null;
  /** Line writer for text mode (default: stdout). */
  write?: (line: string) => void;
  /** Notebook mode: least time between two redraws, ms (default 100). The final state is always drawn. */
  minIntervalMs?: number;
  /** Text mode: print when progress crosses a multiple of this many percent (default 10). */
  textStepPercent?: number;
  /** Text mode: also print when this many ms passed since the last line (default 5000). */
  textIntervalMs?: number;
  /** Clock in ms (default `Date.now`); inject one to test throttling. */
  now?: () => number;
}

/** A running progress bar. */
export interface ProgressBar {
  /** Set the number of completed steps (0 … total; more counts as total) and optionally the info text (e.g. the loss). */
  update(n: number, info?: string): void;
  /** One more step done. */
  tick(info?: string): void;
  /** Finish: draw the final state with the total time, whether or not every step ran. */
  done(info?: string): void;
  /** Completed steps so far. */
  readonly value: number;
  /** Total steps. */
  readonly total: number;
  /** How many times output was written (redraws in a notebook, lines in text mode). */
  readonly renders: number;
}

/** `3.2 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    return `${m} min ${String(Math.floor(s - 60 * m)).padStart(2, "0")} s`;
  }
  const h = Math.floor(s / 3600);
  return `${h} h ${String(Math.floor((s - 3600 * h) / 60)).padStart(2, "0")} min`;
}

/** A progress bar's state, as drawn by {@link progressHtml}. */
export interface ProgressState {
  /** Text before the bar. */
  label: string;
  /** Completed steps. */
  n: number;
  /** Total steps. */
  total: number;
  /** Time since the bar was created, ms. */
  elapsedMs: number;
  /** Free text after the numbers (e.g. the loss). */
  info: string;
  /** `done()` was called. */
  finished: boolean;
}

function statusText(st: ProgressState): string {
  const pct = (100 * st.n) / st.total;
  const parts = [`${st.n}/${st.total} (${pct.toFixed(0)}%)`];
  if (st.finished) {
    parts.push(st.n >= st.total ? `done in ${formatDuration(st.elapsedMs)}` : `stopped after ${formatDuration(st.elapsedMs)}`);
  } else {
    parts.push(`${formatDuration(st.elapsedMs)} elapsed`);
    if (st.n > 0 && st.n < st.total) parts.push(`ETA ${formatDuration((st.elapsedMs / st.n) * (st.total - st.n))}`);
  }
  if (st.info) parts.push(st.info);
  return parts.join(" · ");
}

/** The HTML of a bar in a given state (exported for tests and custom displays). */
export function progressHtml(st: ProgressState): string {
  const pct = Math.max(0, Math.min(100, (100 * st.n) / st.total));
  const colour = st.finished ? (st.n >= st.total ? "#2ca02c" : "#ff7f0e") : "#1f77b4";
  return (
    `<div class="battery-mi-progress" style="font-family:monospace;font-size:13px;line-height:1.6;">` +
    (st.label ? `<span>${escapeHtml(st.label)}</span> ` : "") +
    `<span style="display:inline-block;width:260px;height:12px;border:1px solid #888;background:#eee;` +
    `vertical-align:middle;border-radius:2px;overflow:hidden;">` +
    `<span style="display:block;width:${pct.toFixed(1)}%;height:100%;background:${colour};"></span></span> ` +
    `<span>${escapeHtml(statusText(st))}</span></div>`
  );
}

/**
 * A progress bar for a loop of known length. In a tslab notebook it is one output updated in place
 * (bar, percent, count, elapsed time, ETA, info text), redrawn at most every 100 ms; elsewhere it
 * prints a plain line every 10 % or every 5 s. The final state is always shown.
 *
 * @example
 * ```ts
 * const bar = progressBar({ total: folds.length, label: "5-fold CV" });
 * for (const f of folds) { fitFold(f); bar.tick(`MAE=${mae.toFixed(3)} V`); }
 * bar.done();
 * ```
 */
export function progressBar(options: ProgressBarOptions): ProgressBar {
  const fn = "progressBar";
  const total = options.total;
  if (!Number.isInteger(total) || total <= 0) {
    throw new PlotInputError(`${fn}: total must be a positive integer, got ${describe(total)}.`);
  }
  const now = options.now ?? Date.now;
  const minInterval = options.minIntervalMs ?? 100;
  const step = options.textStepPercent ?? 10;
  const textInterval = options.textIntervalMs ?? 5000;
  const target = options.target !== undefined ? options.target : detectNotebook();
  const out: HtmlDisplay | null = target ? target.newDisplay() : null;
  const write = options.write ?? ((line: string) => void process.stdout.write(line + "\n"));
  const label = options.label ?? "";
  const t0 = now();
  let n = 0;
  let info = "";
  let finished = false;
  let renders = 0;
  let lastRenderAt = -Infinity;
  let lastBucket = 0;
  let lastPrinted: string | undefined;

  const state = (): ProgressState => ({ label, n, total, elapsedMs: now() - t0, info, finished });
  const render = (): void => {
    const st = state();
    if (out) {
      out.html(progressHtml(st));
    } else {
      const line = (label ? `${label}: ` : "") + statusText(st);
      write(line);
      lastPrinted = `${n}|${info}`;
    }
    renders++;
    lastRenderAt = now();
  };

  const bar: ProgressBar = {
    update(value: number, newInfo?: string) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        throw new PlotInputError(`${fn}: update(n) needs a finite n ≥ 0, got ${describe(value)}.`);
      }
      if (finished) return;
      n = Math.min(value, total);
      if (newInfo !== undefined) info = newInfo;
      const t = now();
      if (out) {
        if (n >= total || t - lastRenderAt >= minInterval) render();
        return;
      }
      const bucket = Math.floor((100 * n) / total / step);
      if (n >= total || bucket > lastBucket || t - lastRenderAt >= textInterval) {
        lastBucket = bucket;
        render();
      }
    },
    tick(newInfo?: string) {
      bar.update(n + 1, newInfo);
    },
    done(newInfo?: string) {
      if (finished) return;
      if (newInfo !== undefined) info = newInfo;
      finished = true;
      // In text mode the line for the last state may already be out; don't repeat it.
      if (!out && lastPrinted === `${n}|${info}` && n >= total) return;
      render();
    },
    get value() {
      return n;
    },
    get total() {
      return total;
    },
    get renders() {
      return renders;
    },
  };
  if (out) render(); // show the empty bar at once, so the reader knows something runs
  else lastRenderAt = now();
  return bar;
}

/** tfjs-style training logs: metric name → value. */
export type TrainingLogs = Record<string, number>;

/** Options of {@link fitProgress}. */
export interface FitProgressOptions extends Omit<ProgressBarOptions, "total" | "label"> {
  /** Text before the bar (default `"Training"`). */
  label?: string;
  /** Which logs to show in the info text (default: all, in the order tfjs gives them). */
  metrics?: string[];
}

/** The callback object {@link fitProgress} returns; pass it as `callbacks` to tfjs `model.fit`. */
export interface FitProgressCallbacks {
  /** Called by tfjs after every epoch. */
  onEpochEnd(epoch: number, logs?: TrainingLogs): void;
  /** Called by tfjs when training ends (also after early stopping). */
  onTrainEnd(logs?: TrainingLogs): void;
  /** Every logged value so far, per metric, one entry per epoch. */
  readonly history: Record<string, number[]>;
  /** The underlying bar. */
  readonly bar: ProgressBar;
}

/** `loss=0.0123 val_loss=0.0456` */
export function formatLogs(logs: TrainingLogs | undefined, metrics?: string[]): string {
  if (!logs) return "";
  const keys = metrics ?? Object.keys(logs);
  return keys
    .filter((k) => typeof logs[k] === "number")
    .map((k) => `${k}=${Number(logs[k].toPrecision(4))}`)
    .join(" ");
}

/**
 * A progress bar for tfjs `model.fit`: returns the plain callback object tfjs accepts (no tfjs import
 * here). Each epoch advances the bar and shows the latest logs; the logs are also kept in `history`,
 * ready for {@link lossCurve}.
 *
 * @example
 * ```ts
 * const progress = fitProgress(200, { label: "LSTM" });
 * await model.fit(xs, ys, { epochs: 200, validationSplit: 0.2, callbacks: progress });
 * show(lossCurve(progress.history));
 * ```
 */
export function fitProgress(epochs: number, options: FitProgressOptions = {}): FitProgressCallbacks {
  const bar = progressBar({ ...options, total: epochs, label: options.label ?? "Training" });
  const history: Record<string, number[]> = {};
  return {
    onEpochEnd(epoch: number, logs?: TrainingLogs) {
      if (logs) {
        for (const [k, v] of Object.entries(logs)) {
          if (typeof v === "number") (history[k] ??= []).push(v);
        }
      }
      bar.update(epoch + 1, `epoch ${epoch + 1} ${formatLogs(logs, options.metrics)}`.trim());
    },
    onTrainEnd() {
      bar.done();
    },
    history,
    bar,
  };
}

/** Options of {@link lossCurve}. */
export interface LossCurveOptions {
  /** Figure title (default `"Training history"`). */
  title?: string;
  /** y-axis title (default `"Loss"`). */
  yTitle?: string;
  /** Logarithmic y axis (default true when every value is > 0). */
  logY?: boolean;
  /** Which logs to draw (default: every key). */
  metrics?: string[];
}

/**
 * Line plot of training logs per epoch, from {@link fitProgress}'s `history` or tfjs's `History`
 * (`await model.fit(...)` returns one; its numbers are used as they are).
 *
 * @example
 * ```ts
 * const h = await model.fit(xs, ys, { epochs: 100, validationSplit: 0.2 });
 * show(lossCurve(h));
 * ```
 */
export function lossCurve(
  history: Record<string, readonly number[]> | { history: Record<string, readonly unknown[]> },
  options: LossCurveOptions = {},
): Figure {
  const h = (
    "history" in history && !Array.isArray((history as { history: unknown }).history)
      ? (history as { history: Record<string, readonly unknown[]> }).history
      : history
  ) as Record<string, readonly unknown[]>;
  const keys = options.metrics ?? Object.keys(h);
  if (keys.length === 0) throw new PlotInputError("lossCurve: the history has no logs to draw.");
  const series = keys.map((k) => {
    const v = h[k];
    if (!Array.isArray(v)) {
      throw new PlotInputError(`lossCurve: no log "${k}"; available: ${Object.keys(h).join(", ") || "none"}.`);
    }
    const y = v.map((e, i) => {
      if (typeof e !== "number") {
        throw new PlotInputError(`lossCurve: ${k}[${i}] is ${describe(e)}; expected numbers (call dataSync() on tensors).`);
      }
      return e;
    });
    return { name: k, x: y.map((_, i) => i + 1), y, dash: k.startsWith("val_") ? ("dash" as const) : undefined };
  });
  const positive = series.every((s) => s.y.every((v) => v > 0));
  return linePlot({
    series,
    title: options.title ?? "Training history",
    xTitle: "Epoch",
    yTitle: options.yTitle ?? "Loss",
    logY: options.logY ?? positive,
  });
}
