/**
 * Errors raised by `battery-mi/data`. Every message says what was wrong, where (dataset, file, line, column)
 * and what would be valid or what to do about it.
 */

/** Base class of every error raised by `battery-mi/data`; `code` tells the kinds apart without string matching. */
export class DatasetError extends Error {
  /** Machine-readable kind of failure. */
  readonly code: DatasetErrorCode;
  constructor(code: DatasetErrorCode, message: string) {
    super(message);
    this.name = "DatasetError";
    this.code = code;
  }
}

/** Kinds of {@link DatasetError}. */
export type DatasetErrorCode =
  | "DATASETS_DIR_NOT_FOUND"
  | "MANIFEST_INVALID"
  | "UNKNOWN_DATASET"
  | "UNKNOWN_COLUMN"
  | "FILE_MISSING"
  | "CHECKSUM_MISMATCH"
  | "CSV_FORMAT"
  | "ROW_COUNT_MISMATCH"
  | "INVALID_OPTION";

/**
 * A CSV file could not be read as the manifest describes it. `file` and `line` (1-based physical line; the
 * header is line 1) locate the problem; `column` names the column when one is involved.
 */
export class CsvFormatError extends DatasetError {
  /** The file being read (as given to the parser, usually an absolute path). */
  readonly file: string;
  /** 1-based physical line number where the offending record starts. */
  readonly line: number;
  /** The column involved, when the problem is in one field. */
  readonly column: string | undefined;
  constructor(file: string, line: number, problem: string, column?: string) {
    const where = column === undefined ? `${file}:${line}` : `${file}:${line}, column "${column}"`;
    super("CSV_FORMAT", `${where}: ${problem}`);
    this.name = "CsvFormatError";
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** Levenshtein distance between two strings (insertions, deletions and substitutions all cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * The candidate nearest to `wanted` by case-insensitive edit distance, or `undefined` when none is close
 * enough to be a plausible typo (distance at most max(2, a third of the longer name)), unless one candidate
 * contains the other as a substring.
 */
export function nearest(wanted: string, candidates: readonly string[]): string | undefined {
  const w = wanted.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = editDistance(w, cl);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const bl = best.toLowerCase();
  const limit = Math.max(2, Math.floor(Math.max(w.length, bl.length) / 3));
  if (bestD <= limit) return best;
  // A truncated or extended name ("nasa", "nasa-pcoe-capacity-v2") is still a good hint.
  const sub = candidates.find((c) => w.length >= 3 && (c.toLowerCase().includes(w) || w.includes(c.toLowerCase())));
  return sub;
}

/** ` Did you mean "x"?` or the empty string. */
export function didYouMean(wanted: string, candidates: readonly string[]): string {
  const n = nearest(wanted, candidates);
  return n === undefined ? "" : ` Did you mean "${n}"?`;
}
