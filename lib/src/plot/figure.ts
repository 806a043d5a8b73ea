/**
 * The figure type shared by every builder, and the input checks they all use.
 *
 * A {@link Figure} is plain JSON in plotly.js's own shape (`data`, `layout`, `config`), so the same
 * object can be drawn inline in a notebook, written to a standalone HTML file, or handed to
 * nodeplotlib outside a notebook.
 */
import type { Config, Data, Layout } from "plotly.js";

/**
 * A plotly.js figure: traces, layout and (optionally) config, all plain JSON.
 *
 * @example
 * ```ts
 * const fig: Figure = { data: [{ x: [1, 2, 3], y: [2, 4, 8], type: "scatter" }], layout: { title: { text: "Demo" } } };
 * show(fig);
 * ```
 */
export interface Figure {
  /** The traces, in drawing order. */
  data: Data[];
  /** Titles, axes, legend, size. */
  layout: Partial<Layout>;
  /** Interaction settings (mode bar, responsiveness). */
  config?: Partial<Config>;
}

/**
 * Numbers as the builders accept them: a plain array or any typed array (`Float64Array` is the
 * library's usual currency). Typed arrays are converted to plain arrays in the figure JSON.
 */
export type NumericArray =
  | readonly number[]
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** Thrown when a builder receives input it cannot draw faithfully; the message names the series and index. */
export class PlotInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlotInputError";
  }
}

/** Options shared by the x/y builders. */
export interface AxesOptions {
  /** Figure title (plain text; `<br>` and `<sub>` work as in plotly). */
  title?: string;
  /** x-axis title, with units in brackets by convention: `"Cycle number"`, `"Voltage [V]"`. */
  xTitle?: string;
  /** y-axis title, with units: `"Discharge capacity [mA.h/g]"`. */
  yTitle?: string;
  /** Logarithmic x axis; every x value must then be > 0. */
  logX?: boolean;
  /** Logarithmic y axis; every y value must then be > 0. */
  logY?: boolean;
  /** Figure width in px (default: the width of the output area). */
  width?: number;
  /** Figure height in px (default 450). */
  height?: number;
  /** Show the legend (default: plotly's choice — shown when there is more than one named trace). */
  showLegend?: boolean;
}

/** How {@link toPlainNumbers} should treat a value array. */
export interface NumberCheck {
  /** Who is asking, for error messages: `linePlot`, `parityPlot`. */
  fn: string;
  /** Which array this is: `series "train" y`. */
  what: string;
  /** NaN becomes a gap (null) instead of an error. Infinities are always errors. */
  allowGaps?: boolean;
  /** The axis is logarithmic: values must be > 0. */
  positive?: boolean;
  /** Expected length (error when different). */
  length?: number;
  /** Name of the array that fixed `length`, for the message. */
  lengthOf?: string;
}

/** True for a plain array or a typed array of numbers. */
export function isNumericArray(v: unknown): v is NumericArray {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Check a numeric array and return it as a plain `(number | null)[]` for the figure JSON.
 * NaN is an error naming `what` and the index unless `allowGaps` (then it becomes `null`, which plotly
 * draws as a gap); ±Infinity and non-numbers are always errors.
 */
export function toPlainNumbers(values: unknown, check: NumberCheck): (number | null)[] {
  const { fn, what } = check;
  if (!isNumericArray(values)) {
    throw new PlotInputError(
      `${fn}: ${what} must be an array of numbers or a typed array (Float64Array …), got ${describe(values)}.`,
    );
  }
  if (check.length !== undefined && values.length !== check.length) {
    throw new PlotInputError(
      `${fn}: ${what} has ${values.length} values but ${check.lengthOf ?? "the other array"} has ${check.length}; ` +
        `they must have the same length.`,
    );
  }
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as unknown;
    if (typeof v !== "number") {
      if (v === null && check.allowGaps) {
        out[i] = null;
        continue;
      }
      throw new PlotInputError(`${fn}: ${what}[${i}] is ${describe(v)}, not a number.`);
    }
    if (Number.isNaN(v)) {
      if (check.allowGaps) {
        out[i] = null;
        continue;
      }
      throw new PlotInputError(
        `${fn}: ${what}[${i}] is NaN; pass finite numbers, or set allowGaps: true to leave a gap there.`,
      );
    }
    if (!Number.isFinite(v)) {
      throw new PlotInputError(`${fn}: ${what}[${i}] is ${v}; only finite numbers can be drawn.`);
    }
    if (check.positive && v <= 0) {
      throw new PlotInputError(
        `${fn}: ${what}[${i}] is ${v}, but the axis is logarithmic and needs values > 0; ` +
          `turn the log axis off or drop non-positive values.`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** Like {@link toPlainNumbers} but gaps are never allowed, so the result is `number[]`. */
export function toFiniteNumbers(values: unknown, check: Omit<NumberCheck, "allowGaps">): number[] {
  return toPlainNumbers(values, { ...check, allowGaps: false }) as number[];
}

/** Check a label array (categories, hover text) and copy it. */
export function toLabels(values: unknown, fn: string, what: string, length?: number, lengthOf?: string): string[] {
  if (!Array.isArray(values)) {
    throw new PlotInputError(`${fn}: ${what} must be an array of strings, got ${describe(values)}.`);
  }
  if (length !== undefined && values.length !== length) {
    throw new PlotInputError(
      `${fn}: ${what} has ${values.length} entries but ${lengthOf ?? "the data"} has ${length}; they must match.`,
    );
  }
  return values.map((v, i) => {
    if (typeof v === "string") return v;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    throw new PlotInputError(`${fn}: ${what}[${i}] is ${describe(v)}; labels must be strings.`);
  });
}

/** Short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === "string") return JSON.stringify(v.length > 30 ? v.slice(0, 30) + "…" : v);
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

/** A positive finite number option, or an error saying which option was wrong. */
export function checkPositive(v: number | undefined, fn: string, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new PlotInputError(`${fn}: ${name} must be a positive number, got ${describe(v)}.`);
  }
  return v;
}

/** Remove keys whose value is `undefined`, recursively through plain objects, so figures are clean JSON. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => prune(v)) as unknown as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = prune(v);
    }
    return out as T;
  }
  return value;
}

/** The layout common to x/y figures: title, axis titles (with units), log axes, size, legend. */
export function axesLayout(o: AxesOptions, fn: string, xTitle?: string, yTitle?: string): Partial<Layout> {
  checkPositive(o.width, fn, "width");
  checkPositive(o.height, fn, "height");
  return prune({
    title: o.title !== undefined ? { text: o.title } : undefined,
    xaxis: {
      title: xTitle !== undefined ? { text: xTitle } : undefined,
      type: o.logX ? ("log" as const) : undefined,
      automargin: true,
    },
    yaxis: {
      title: yTitle !== undefined ? { text: yTitle } : undefined,
      type: o.logY ? ("log" as const) : undefined,
      automargin: true,
    },
    width: o.width,
    height: o.height,
    showlegend: o.showLegend,
  });
}

/** Default config: responsive, no plotly logo, PNG export named after nothing in particular. */
export function defaultConfig(): Partial<Config> {
  return { responsive: true, displaylogo: false };
}

/** Strip HTML tags (`<br>`, `<sub>`) from a plotly title for plain-text summaries. */
export function plainText(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, " — ")
    .replace(/<[^>]*>/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The figure's title as plain text, or `""`. */
export function figureTitle(fig: Figure): string {
  const t = fig.layout?.title as unknown;
  if (typeof t === "string") return plainText(t);
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") {
    return plainText((t as { text: string }).text);
  }
  return "";
}

/**
 * One line describing a figure: title, trace count and kinds. Used when a figure cannot be drawn
 * (tests, CI, no terminal).
 *
 * @example
 * ```ts
 * summarizeFigure(linePlot({ x: [1, 2], y: [3, 4], title: "Capacity" }));
 * // 'Figure "Capacity": 1 trace (scatter×1), 2 points'
 * ```
 */
export function summarizeFigure(fig: Figure): string {
  const title = figureTitle(fig);
  const kinds = new Map<string, number>();
  let points = 0;
  for (const t of fig.data) {
    const type = String((t as { type?: unknown }).type ?? "scatter");
    kinds.set(type, (kinds.get(type) ?? 0) + 1);
    const tr = t as { x?: unknown; y?: unknown; z?: unknown };
    const arr = (tr.z ?? tr.y ?? tr.x) as unknown;
    if (Array.isArray(arr)) {
      points += Array.isArray(arr[0]) ? arr.reduce((s: number, r: unknown[]) => s + r.length, 0) : arr.length;
    } else if (ArrayBuffer.isView(arr)) {
      points += (arr as Float64Array).length;
    }
  }
  const n = fig.data.length;
  const kindText = [...kinds].map(([k, c]) => `${k}×${c}`).join(", ");
  return (
    `Figure${title ? ` "${title}"` : " (untitled)"}: ${n} trace${n === 1 ? "" : "s"}` +
    (n ? ` (${kindText})` : "") +
    `, ${points} point${points === 1 ? "" : "s"}`
  );
}
