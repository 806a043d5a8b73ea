/**
 * A small, strict CSV reader (RFC 4180): quoted fields with doubled quotes, delimiters and line breaks inside
 * quotes, LF / CRLF / CR line endings, a leading UTF-8 byte-order mark. Anything else that looks wrong — a
 * ragged row, a stray quote, an unterminated quoted field, a value that does not fit its column's type — is
 * an error naming the file, the line and the problem. Nothing becomes NaN silently.
 */
import { CsvFormatError, didYouMean } from "./errors";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Options of {@link scanCsv} and {@link parseCsv}. */
export interface CsvScanOptions {
  /** Name used in error messages (a path, usually). Default `"<csv>"`. */
  file?: string;
  /** Field delimiter, one character. Default `","`. */
  delimiter?: string;
}

function delimiterCode(delimiter: string | undefined, file: string): number {
  const d = delimiter ?? ",";
  if (d.length !== 1 || d === '"' || d === "\n" || d === "\r") {
    throw new CsvFormatError(file, 0, `invalid delimiter ${JSON.stringify(d)}: use one character other than a quote or a line break`);
  }
  return d.charCodeAt(0);
}

/** True when text[i..] holds only line breaks, spaces and tabs (blank lines at the end of a file). */
function onlyBlankRemains(text: string, i: number): boolean {
  for (let k = i; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c !== LF && c !== CR && c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/**
 * Scans CSV text record by record and calls `onRecord(fields, line)` for each one, `line` being the 1-based
 * physical line where the record starts (the header is line 1). Blank lines at the very end of the text are
 * ignored; a blank line anywhere else is delivered as one empty field, so the caller's field-count check
 * reports it. Returns the number of records (header included).
 *
 * @throws {@link CsvFormatError} on an unterminated quoted field, a stray quote inside an unquoted field, or
 * text between a closing quote and the next delimiter.
 */
export function scanCsv(text: string, onRecord: (fields: string[], line: number) => void, options: CsvScanOptions = {}): number {
  const file = options.file ?? "<csv>";
  const DELIM = delimiterCode(options.delimiter, file);
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let count = 0;
  while (i < n) {
    const c0 = text.charCodeAt(i);
    if ((c0 === LF || c0 === CR) && onlyBlankRemains(text, i)) break;
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const startLine = line;
        let value = "";
        let seg = i + 1;
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            throw new CsvFormatError(file, startLine, `field ${fields.length + 1} opens a quote (") that is never closed; close it, or double quotes ("") inside a quoted field`);
          }
          for (let k = j; k < q; k++) {
            const c = text.charCodeAt(k);
            if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) line++;
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(seg, q + 1);
            j = q + 2;
            seg = j;
            continue;
          }
          value += text.slice(seg, q);
          i = q + 1;
          break;
        }
        if (i < n) {
          const c = text.charCodeAt(i);
          if (c !== DELIM && c !== LF && c !== CR) {
            throw new CsvFormatError(
              file,
              line,
              `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${fields.length + 1}; expected the delimiter or the end of the line`,
            );
          }
        }
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === DELIM || c === LF || c === CR) break;
          if (c === QUOTE) {
            throw new CsvFormatError(
              file,
              line,
              `stray quote (") inside unquoted field ${fields.length + 1} ${JSON.stringify(text.slice(i, Math.min(n, j + 10)))}; quote the whole field and double the quotes inside it`,
            );
          }
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === DELIM) {
        i++;
        continue;
      }
      // End of record: CRLF, LF or a lone CR.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    onRecord(fields, recordLine);
    count++;
  }
  return count;
}

/** Result of {@link parseCsv}: header, records as strings, and where each record starts. */
export interface ParsedCsv {
  /** Field names from the first record. */
  header: string[];
  /** Data records (header excluded), each with exactly `header.length` fields. */
  records: string[][];
  /** `lines[r]` is the 1-based physical line where `records[r]` starts. */
  lines: number[];
}

/**
 * Parses CSV text into a header and string records, checking that every record has as many fields as the
 * header and that header names are non-empty and unique.
 *
 * @example
 * ```ts
 * const { header, records } = parseCsv('a,b\r\n1,"x, y"\r\n', { file: "demo.csv" });
 * // header = ["a", "b"], records = [["1", "x, y"]]
 * ```
 * @throws {@link CsvFormatError} naming the file and line of the first malformed record.
 */
export function parseCsv(text: string, options: CsvScanOptions = {}): ParsedCsv {
  const file = options.file ?? "<csv>";
  let header: string[] | undefined;
  const records: string[][] = [];
  const lines: number[] = [];
  scanCsv(
    text,
    (fields, line) => {
      if (header === undefined) {
        checkHeader(fields, file);
        header = fields;
        return;
      }
      checkFieldCount(fields, header, file, line);
      records.push(fields);
      lines.push(line);
    },
    options,
  );
  if (header === undefined) throw new CsvFormatError(file, 1, "the file is empty; expected a header line");
  return { header, records, lines };
}

function checkHeader(fields: string[], file: string): void {
  const seen = new Set<string>();
  fields.forEach((f, k) => {
    if (f.trim() === "") throw new CsvFormatError(file, 1, `header field ${k + 1} is empty; every column needs a name`);
    if (seen.has(f)) throw new CsvFormatError(file, 1, `header names column "${f}" twice`);
    seen.add(f);
  });
}

function checkFieldCount(fields: string[], header: readonly string[], file: string, line: number): void {
  if (fields.length === header.length) return;
  const blank = fields.length === 1 && fields[0] === "";
  const found = blank ? "an empty line" : `${fields.length} field${fields.length === 1 ? "" : "s"}`;
  throw new CsvFormatError(file, line, `expected ${header.length} fields (${header.join(", ")}) but found ${found}`);
}

/** Value type of a table column: `float` and `integer` become Float64Array, `string` becomes string[]. */
export type ColumnType = "float" | "integer" | "string";

/** What {@link readTypedCsv} needs to know about one column. */
export interface CsvColumnSpec {
  /** Column name as written in the file's header. */
  source: string;
  /** Value type; `integer` values must be whole decimal numbers (no fraction, no exponent). */
  type: ColumnType;
  /**
   * When true an empty field is allowed and becomes NaN (numeric columns) or `""` (string columns).
   * When false (default) an empty field is an error.
   */
  nullable?: boolean;
}

/** Typed columns keyed by source column name, in the order of the specs. */
export interface TypedCsv {
  /** `Float64Array` for `float`/`integer` columns, `string[]` for `string` columns. */
  columns: Record<string, Float64Array | string[]>;
  /** Number of data rows (header excluded). */
  nRows: number;
}

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;

/**
 * Reads CSV text into typed columns. The header must hold exactly the columns in `specs` (any order); with
 * `header: false` the file has no header line and its columns are the specs, in order. Every
 * value must fit its column's type. Leading and trailing spaces around numbers are tolerated; anything else
 * that is not a finite decimal number is an error, never NaN.
 *
 * @example
 * ```ts
 * const t = readTypedCsv("id,v\n1,0.5\n2,0.25\n", [
 *   { source: "id", type: "integer" }, { source: "v", type: "float" },
 * ], { file: "demo.csv" });
 * // t.nRows = 2, t.columns.v = Float64Array [0.5, 0.25]
 * ```
 * @throws {@link CsvFormatError} naming file, line and column of the first problem.
 */
export function readTypedCsv(text: string, specs: readonly CsvColumnSpec[], options: CsvScanOptions & { expectedRows?: number; header?: boolean } = {}): TypedCsv {
  const file = options.file ?? "<csv>";
  const wanted = specs.map((s) => s.source);
  // header: false — the first line is data; the columns are the specs, in file order
  let header: string[] | undefined = options.header === false ? wanted.slice() : undefined;
  // order[k] = index in specs of the k-th header field
  let order: number[] = options.header === false ? wanted.map((_, k) => k) : [];
  let capacity = Math.max(16, options.expectedRows ?? 1024);
  let nums: (Float64Array | null)[] = specs.map((s) => (s.type === "string" ? null : new Float64Array(capacity)));
  const strs: (string[] | null)[] = specs.map((s) => (s.type === "string" ? [] : null));
  let nRows = 0;

  scanCsv(
    text,
    (fields, line) => {
      if (header === undefined) {
        checkHeader(fields, file);
        for (const f of fields) {
          if (!wanted.includes(f)) {
            throw new CsvFormatError(file, 1, `unexpected column "${f}"; the manifest describes ${wanted.map((w) => `"${w}"`).join(", ")}.${didYouMean(f, wanted)}`);
          }
        }
        const missing = wanted.filter((w) => !fields.includes(w));
        if (missing.length > 0) {
          throw new CsvFormatError(file, 1, `column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")} missing from the header (found ${fields.join(", ")})`);
        }
        header = fields;
        order = fields.map((f) => wanted.indexOf(f));
        return;
      }
      checkFieldCount(fields, header, file, line);
      if (nRows === capacity) {
        capacity *= 2;
        nums = nums.map((a) => {
          if (a === null) return null;
          const b = new Float64Array(capacity);
          b.set(a);
          return b;
        });
      }
      for (let k = 0; k < fields.length; k++) {
        const s = order[k];
        const spec = specs[s];
        const raw = fields[k];
        if (spec.type === "string") {
          if (raw === "" && !spec.nullable) throw emptyError(file, line, spec);
          (strs[s] as string[]).push(raw);
          continue;
        }
        const v = raw.trim();
        let x: number;
        if (v === "") {
          if (!spec.nullable) throw emptyError(file, line, spec);
          x = NaN;
        } else if (spec.type === "integer") {
          if (!INT_RE.test(v)) {
            throw new CsvFormatError(file, line, `${JSON.stringify(raw)} is not an integer (the manifest declares this column "integer")`, spec.source);
          }
          x = Number(v);
          if (!Number.isSafeInteger(x)) throw new CsvFormatError(file, line, `${raw} is outside the exactly representable integer range`, spec.source);
        } else {
          if (!FLOAT_RE.test(v)) {
            throw new CsvFormatError(file, line, `${JSON.stringify(raw)} is not a number (expected a decimal number such as 1.85 or -2.5e-3)`, spec.source);
          }
          x = Number(v);
          if (!Number.isFinite(x)) throw new CsvFormatError(file, line, `${raw} overflows a 64-bit float`, spec.source);
        }
        (nums[s] as Float64Array)[nRows] = x;
      }
      nRows++;
    },
    options,
  );
  if (header === undefined) throw new CsvFormatError(file, 1, "the file is empty; expected a header line");
  const columns: Record<string, Float64Array | string[]> = {};
  specs.forEach((spec, s) => {
    const a = nums[s];
    columns[spec.source] = a === null ? (strs[s] as string[]) : a.length === nRows ? a : a.slice(0, nRows);
  });
  return { columns, nRows };
}

function emptyError(file: string, line: number, spec: CsvColumnSpec): CsvFormatError {
  return new CsvFormatError(file, line, `empty value, but the column is not nullable in datasets/manifest.json (expected ${spec.type === "string" ? "text" : `a${spec.type === "integer" ? "n integer" : " number"}`})`, spec.source);
}

/**
 * Number of data records in CSV text (header excluded), counted by the same scanner the loader uses.
 * `header: false` counts every record (a file without a header line).
 */
export function countCsvRows(text: string, options: CsvScanOptions & { header?: boolean } = {}): number {
  const records = scanCsv(text, () => undefined, options);
  return options.header === false ? records : Math.max(0, records - 1);
}
