/** Thrown when `predict` (or any use of learned state) comes before `fit`, like scikit-learn's `NotFittedError`. */
export class NotFittedError extends Error {
  constructor(estimator: string, what = "predict") {
    super(`${estimator} is not fitted yet: call fit(X, y) before ${what}()`);
    this.name = "NotFittedError";
  }
}

/** Where in the input a {@link ValidationError} was found, when it is about one sample. */
export interface ValidationErrorLocation {
  /** Which input: `"X"`, `"y"`, `"evalSet.X"`, … */
  input: string;
  /** Row (sample) index in that input, 0-based. */
  row: number;
  /** Column index, when the error is about one cell. */
  column?: number;
}

/** Thrown when estimator input (X, y, options) is invalid; the message says what, where and what would be valid. */
export class ValidationError extends Error {
  /** Which input the error is about, when it concerns one sample (else undefined). */
  readonly input?: string;
  /** Row (sample) index of the offending value in `input` (0-based), when the error concerns one sample. */
  readonly row?: number;
  /** Column index of the offending value, when the error concerns one cell. */
  readonly column?: number;

  constructor(message: string, where?: ValidationErrorLocation) {
    super(message);
    this.name = "ValidationError";
    if (where) {
      this.input = where.input;
      this.row = where.row;
      if (where.column !== undefined) this.column = where.column;
    }
  }
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Rejects unknown option keys, suggesting the nearest valid key. @internal */
export function checkOptionKeys(estimator: string, options: object, valid: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    let best = valid[0];
    let bestD = Infinity;
    for (const v of valid) {
      const d = editDistance(key, v);
      if (d < bestD) { bestD = d; best = v; }
    }
    throw new ValidationError(`${estimator}: unknown option "${key}"${bestD <= Math.max(2, key.length / 3) ? ` — did you mean "${best}"?` : ""} (valid options: ${valid.join(", ")})`);
  }
}
