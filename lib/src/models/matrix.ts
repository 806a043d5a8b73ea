/**
 * A dense, row-major matrix of doubles: the library's typed input for estimators.
 *
 * Row `i`, column `j` lives at `data[i * nCols + j]`.
 *
 * @example
 * ```ts
 * const X = matrixFromRows([[1, 2], [3, 4]]);
 * X.nRows; // 2
 * getValue(X, 1, 0); // 3
 * ```
 */
export interface Matrix {
  /** Values in row-major order; length `nRows * nCols`. */
  readonly data: Float64Array;
  /** Number of rows (samples). */
  readonly nRows: number;
  /** Number of columns (features or outputs). */
  readonly nCols: number;
}

/**
 * Wraps a row-major Float64Array as a {@link Matrix} (no copy).
 * @throws RangeError when `data.length !== nRows * nCols` or the sizes are not non-negative integers.
 */
export function matrix(data: Float64Array, nRows: number, nCols: number): Matrix {
  if (!Number.isInteger(nRows) || nRows < 0 || !Number.isInteger(nCols) || nCols < 0) {
    throw new RangeError(`matrix: nRows and nCols must be non-negative integers, got ${nRows} × ${nCols}`);
  }
  if (data.length !== nRows * nCols) {
    throw new RangeError(`matrix: data has length ${data.length} but nRows × nCols = ${nRows} × ${nCols} = ${nRows * nCols}`);
  }
  return { data, nRows, nCols };
}

/** A new zero-filled matrix of the given shape. */
export function zeros(nRows: number, nCols: number): Matrix {
  return matrix(new Float64Array(nRows * nCols), nRows, nCols);
}

/**
 * Copies an array of equal-length rows into a {@link Matrix}.
 * @throws RangeError on ragged rows (naming the first bad row).
 */
export function matrixFromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const nRows = rows.length;
  const nCols = nRows > 0 ? rows[0].length : 0;
  const data = new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) {
    const r = rows[i];
    if (r.length !== nCols) {
      throw new RangeError(`matrixFromRows: row ${i} has ${r.length} values but row 0 has ${nCols} (rows must all have the same length)`);
    }
    for (let j = 0; j < nCols; j++) data[i * nCols + j] = r[j];
  }
  return { data, nRows, nCols };
}

/** Converts a {@link Matrix} back to an array of rows (plain numbers). */
export function matrixToRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.nRows; i++) out.push(Array.from(m.data.subarray(i * m.nCols, (i + 1) * m.nCols)));
  return out;
}

/** The value at row `i`, column `j`. */
export function getValue(m: Matrix, i: number, j: number): number {
  return m.data[i * m.nCols + j];
}

/** A copy of row `i`. */
export function getRow(m: Matrix, i: number): Float64Array {
  return m.data.slice(i * m.nCols, (i + 1) * m.nCols);
}

/** A copy of column `j`. */
export function getColumn(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.nRows);
  for (let i = 0; i < m.nRows; i++) out[i] = m.data[i * m.nCols + j];
  return out;
}

/** A new matrix holding the given rows (in the given order, repeats allowed). */
export function selectRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float64Array(rows.length * m.nCols);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    if (!(i >= 0 && i < m.nRows) || !Number.isInteger(i)) throw new RangeError(`selectRows: row index ${i} is outside 0..${m.nRows - 1}`);
    out.set(m.data.subarray(i * m.nCols, (i + 1) * m.nCols), k * m.nCols);
  }
  return { data: out, nRows: rows.length, nCols: m.nCols };
}

/** The transpose as a new row-major matrix (equivalently: the column-major layout of `m`). */
export function transpose(m: Matrix): Matrix {
  const { nRows, nCols, data } = m;
  const out = new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++) {
    const base = i * nCols;
    for (let j = 0; j < nCols; j++) out[j * nRows + i] = data[base + j];
  }
  return { data: out, nRows: nCols, nCols: nRows };
}

/** True when `x` looks like a {@link Matrix} (`data` is a Float64Array and the sizes agree). */
export function isMatrix(x: unknown): x is Matrix {
  if (typeof x !== "object" || x === null) return false;
  const m = x as Partial<Matrix>;
  return m.data instanceof Float64Array && typeof m.nRows === "number" && typeof m.nCols === "number";
}
