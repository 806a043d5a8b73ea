/**
 * Plain-text tables for notebooks and terminals: full column names (danfojs' own `print()` cuts them at 16
 * characters, which hides the units) and numbers to a chosen number of significant digits.
 */
import { DatasetError } from "./errors";

/** Options of {@link formatTable}. */
export interface FormatTableOptions {
  /** Rows to show (default 10). When there are more, the first and last halves are shown around a `…` line. */
  maxRows?: number;
  /** Significant digits of non-integer numbers (default 6). */
  digits?: number;
  /** Show the row labels (DataFrame index, or row numbers of a table). Default true. */
  index?: boolean;
}

/** What {@link formatTable} reads: a {@link Table}-like object of columns, or a danfojs DataFrame. */
export type Tabular =
  | { columns: Record<string, ArrayLike<number> | readonly string[]>; nRows: number }
  | { columns: string[]; values: unknown[]; index: (string | number)[] };

function isFrame(t: Tabular): t is { columns: string[]; values: unknown[]; index: (string | number)[] } {
  return Array.isArray(t.columns) && Array.isArray((t as { values?: unknown }).values);
}

function cell(v: unknown, digits: number): { text: string; numeric: boolean } {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return { text: String(v), numeric: true };
    if (!Number.isFinite(v)) return { text: String(v), numeric: true };
    return { text: String(Number(v.toPrecision(digits))), numeric: true };
  }
  if (v === null || v === undefined) return { text: "", numeric: false };
  return { text: String(v), numeric: false };
}

/**
 * Formats a table (from {@link loadTable}) or a danfojs DataFrame as aligned plain text with full column
 * names; numbers right-aligned, text left-aligned.
 *
 * @example
 * ```ts
 * console.log(formatTable(loadDataset("nasa-pcoe-capacity"), { maxRows: 5 }));
 * console.log(formatTable(df.describe(), { digits: 4 }));
 * ```
 */
export function formatTable(table: Tabular, options: FormatTableOptions = {}): string {
  const maxRows = options.maxRows ?? 10;
  const digits = options.digits ?? 6;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new DatasetError("INVALID_OPTION", `formatTable: maxRows must be a positive integer, got ${String(maxRows)}`);
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) throw new DatasetError("INVALID_OPTION", `formatTable: digits must be an integer from 1 to 17, got ${String(digits)}`);
  const showIndex = options.index ?? true;

  let names: string[];
  let nRows: number;
  let get: (r: number, c: number) => unknown;
  let label: (r: number) => string;
  if (isFrame(table)) {
    names = table.columns.map(String);
    const rows = table.values;
    nRows = rows.length;
    // A one-column frame's values may be a flat array.
    get = (r, c) => (Array.isArray(rows[r]) ? (rows[r] as unknown[])[c] : rows[r]);
    label = (r) => String(table.index[r]);
  } else {
    names = Object.keys(table.columns);
    nRows = table.nRows;
    const cols = names.map((n) => table.columns[n]);
    get = (r, c) => cols[c][r];
    label = (r) => String(r);
  }

  const shown: (number | null)[] = [];
  if (nRows <= maxRows) for (let r = 0; r < nRows; r++) shown.push(r);
  else {
    const head = Math.ceil(maxRows / 2);
    for (let r = 0; r < head; r++) shown.push(r);
    shown.push(null);
    for (let r = nRows - (maxRows - head); r < nRows; r++) shown.push(r);
  }

  const header = [...(showIndex ? [""] : []), ...names];
  const body: { text: string; numeric: boolean }[][] = shown.map((r) => {
    if (r === null) return header.map(() => ({ text: "…", numeric: false }));
    const cells = names.map((_, c) => cell(get(r, c), digits));
    return showIndex ? [{ text: label(r), numeric: false }, ...cells] : cells;
  });
  const width = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].text.length)));
  const numericCol = header.map((_, c) => body.some((row) => row[c].numeric));
  const pad = (s: string, c: number) => (numericCol[c] ? s.padStart(width[c]) : s.padEnd(width[c]));
  const lines = [header.map(pad).join("  "), ...body.map((row) => row.map((x, c) => pad(x.text, c)).join("  "))];
  lines.push(`[${nRows} rows × ${names.length} columns]`);
  return lines.map((l) => l.trimEnd()).join("\n");
}
