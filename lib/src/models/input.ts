import { ValidationError } from "./errors";
import { Matrix, isMatrix } from "./matrix";

/**
 * The duck type of a danfojs DataFrame that estimators accept: anything with `.values` (rows of numbers) and
 * `.columns` (column names). The column names become the model's feature names.
 */
export interface DataFrameLike {
  /** Rows of values (danfojs: `df.values`). */
  readonly values: unknown;
  /** Column names (danfojs: `df.columns`). */
  readonly columns: readonly string[];
}

/** The duck type of a danfojs Series accepted as a target: anything with `.values` (a flat array of numbers). */
export interface SeriesLike {
  /** The values (danfojs: `series.values`). */
  readonly values: unknown;
}

/** Feature input: rows of numbers, a {@link Matrix}, or a danfojs DataFrame. */
export type XInput = readonly (readonly number[])[] | Matrix | DataFrameLike;

/** Target input: one value per sample (array, typed array, danfojs Series) or one row per sample for multi-output (rows, Matrix, DataFrame). */
export type YInput = ArrayLike<number> | readonly (readonly number[])[] | Matrix | SeriesLike | DataFrameLike;

/** @internal */
export interface CheckedX {
  X: Matrix;
  featureNames: string[] | null;
}

function isDataFrameLike(x: unknown): x is DataFrameLike {
  return typeof x === "object" && x !== null && "values" in x && "columns" in x && Array.isArray((x as DataFrameLike).columns);
}

function describe(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  return v === null ? "null" : v === undefined ? "undefined" : typeof v;
}

/**
 * Converts any accepted X to a row-major {@link Matrix}, checking it cell by cell.
 * @param allowNaN when true, NaN means "missing" and is kept (±Infinity is still rejected).
 * @internal
 */
export function checkX(estimator: string, X: XInput, allowNaN: boolean, what = "X"): CheckedX {
  let rows: ArrayLike<unknown> | null = null;
  let featureNames: string[] | null = null;
  let m: Matrix;
  const colName = (j: number): string => (featureNames ? ` ('${featureNames[j]}')` : "");
  const badCell = (i: number, j: number, v: unknown): never => {
    const why = typeof v === "number" && Number.isNaN(v)
      ? `is NaN; ${estimator} does not accept missing values — impute or drop them${allowNaN ? "" : " (gradientBoosting() treats NaN as missing)"}`
      : `is ${describe(v)} (must be a finite number${allowNaN ? " or NaN for missing" : ""})`;
    throw new ValidationError(`${estimator}: ${what} row ${i}, column ${j}${colName(j)} ${why}`, { input: what, row: i, column: j });
  };
  if (isMatrix(X)) {
    if (X.data.length !== X.nRows * X.nCols) throw new ValidationError(`${estimator}: ${what} Matrix has data length ${X.data.length} but nRows × nCols = ${X.nRows * X.nCols}`);
    m = X;
  } else {
    if (isDataFrameLike(X)) {
      featureNames = X.columns.map(String);
      rows = X.values as ArrayLike<unknown>;
    } else if (Array.isArray(X)) {
      rows = X;
    } else {
      throw new ValidationError(`${estimator}: ${what} must be number[][], a Matrix ({ data: Float64Array, nRows, nCols }) or a danfojs DataFrame, got ${describe(X)}`);
    }
    const nRows = rows.length;
    const first = rows[0] as ArrayLike<unknown> | undefined;
    const nCols = featureNames ? featureNames.length : first && typeof first === "object" ? first.length : 0;
    const data = new Float64Array(nRows * nCols);
    for (let i = 0; i < nRows; i++) {
      const r = rows[i] as ArrayLike<unknown>;
      if (typeof r !== "object" || r === null || typeof r.length !== "number") {
        throw new ValidationError(`${estimator}: ${what} row ${i} is ${describe(r)}, expected an array of ${nCols} numbers`, { input: what, row: i });
      }
      if (r.length !== nCols) throw new ValidationError(`${estimator}: ${what} row ${i} has ${r.length} values but ${featureNames ? "there are " + nCols + " columns" : "row 0 has " + nCols} (ragged rows)`, { input: what, row: i });
      for (let j = 0; j < nCols; j++) {
        const v = r[j];
        if (typeof v !== "number") badCell(i, j, v);
        data[i * nCols + j] = v as number;
      }
    }
    m = { data, nRows, nCols };
  }
  if (m.nRows === 0) throw new ValidationError(`${estimator}: ${what} has no rows`);
  if (m.nCols === 0) throw new ValidationError(`${estimator}: ${what} has no columns (features)`);
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (v - v !== 0) { // NaN or ±Infinity
      if (allowNaN && Number.isNaN(v)) continue;
      badCell(Math.floor(k / m.nCols), k % m.nCols, v);
    }
  }
  return { X: m, featureNames };
}

/** @internal Checked targets: row-major n × nOutputs. */
export interface CheckedY {
  Y: Float64Array;
  nOutputs: number;
  /** True when y was given as a 2-D structure (rows/Matrix/DataFrame), even with one column. */
  multi: boolean;
  outputNames: string[] | null;
}

/** Converts any accepted y to row-major targets and checks length and finiteness. @internal */
export function checkY(estimator: string, y: YInput, nSamples: number): CheckedY {
  let Y: Float64Array;
  let nOutputs = 1;
  let multi = false;
  let outputNames: string[] | null = null;
  const bad = (i: number, j: number | null, v: unknown): never => {
    throw new ValidationError(`${estimator}: y[${i}]${j === null ? "" : `[${j}]`} is ${describe(v)} (targets must be finite numbers)`, { input: "y", row: i, ...(j === null ? {} : { column: j }) });
  };
  // a danfojs Series also has `.columns` (its name) but flat `.values`: treat it as 1-D
  const dfIs2D = isDataFrameLike(y) && Array.isArray(y.values) && (y.values.length === 0 || Array.isArray(y.values[0]));
  if (isMatrix(y) || dfIs2D || (Array.isArray(y) && y.length > 0 && Array.isArray(y[0]))) {
    const c = checkX(estimator, y as XInput, true, "y");
    Y = c.X.data;
    nOutputs = c.X.nCols;
    outputNames = c.featureNames;
    multi = true;
  } else {
    const vals = (typeof y === "object" && y !== null && "values" in y && !(ArrayBuffer.isView(y)) && !Array.isArray(y) ? (y as SeriesLike).values : y) as ArrayLike<unknown>;
    if (vals === null || typeof vals !== "object" || typeof vals.length !== "number") throw new ValidationError(`${estimator}: y must be an array of numbers (or rows for multi-output), got ${describe(y)}`);
    Y = new Float64Array(vals.length);
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (typeof v !== "number") bad(i, null, v);
      Y[i] = v as number;
    }
  }
  const n = Y.length / nOutputs;
  if (n !== nSamples) throw new ValidationError(`${estimator}: X has ${nSamples} rows but y has ${n} values — they must match one to one`);
  for (let k = 0; k < Y.length; k++) if (!Number.isFinite(Y[k])) bad(Math.floor(k / nOutputs), multi ? k % nOutputs : null, Y[k]);
  return { Y, nOutputs, multi, outputNames };
}
