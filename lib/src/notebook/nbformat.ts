/**
 * nbformat 4 types (the subset of https://github.com/jupyter/nbformat's v4.5 JSON schema this project
 * reads and writes), plus reading and writing notebooks with errors that name the file and position.
 */
import fs from "node:fs";
import path from "node:path";

/** A multi-line string as nbformat stores it: one string, or a list of lines (each keeping its "\n"). */
export type MultilineString = string | string[];

/** MIME bundle of a rich output: `{"text/plain": "...", "text/html": "..."}`. */
export type MimeBundle = Record<string, unknown>;

/** `stream` output: text a cell wrote to stdout or stderr. */
export interface StreamOutput {
  output_type: "stream";
  /** Which stream: "stdout" or "stderr". */
  name: "stdout" | "stderr";
  /** The text, as written (consecutive writes to the same stream are merged). */
  text: MultilineString;
}

/** `display_data` output: a rich value shown by the cell (plots, HTML tables). */
export interface DisplayDataOutput {
  output_type: "display_data";
  /** The MIME bundle. */
  data: MimeBundle;
  /** Per-MIME-type metadata. */
  metadata: Record<string, unknown>;
  /**
   * Not written to files (nbformat forbids it); kept in memory so `update_display_data` can find the
   * output it replaces.
   */
  transient?: { display_id?: string };
}

/** `execute_result` output: the value of the cell's last expression. */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  /** The execution count of the cell that produced it. */
  execution_count: number | null;
  /** The MIME bundle. */
  data: MimeBundle;
  /** Per-MIME-type metadata. */
  metadata: Record<string, unknown>;
  /** In-memory only, as for display_data. */
  transient?: { display_id?: string };
}

/** `error` output: an exception, as a kernel that reports one in the Jupyter way sends it. */
export interface ErrorOutput {
  output_type: "error";
  /** Exception class name. */
  ename: string;
  /** Exception message. */
  evalue: string;
  /** Traceback lines (may carry ANSI colour codes). */
  traceback: string[];
}

/** Any nbformat 4 output. */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** nbgrader's cell metadata, schema version 3. */
export interface NbgraderCellMetadata {
  /** nbgrader metadata schema version; this project uses 3. */
  schema_version?: number;
  /** A graded cell (tests or a manually graded answer). */
  grade?: boolean;
  /** A cell the student writes. */
  solution?: boolean;
  /** A cell the student must not change. */
  locked?: boolean;
  /** Unique name of the cell within the notebook. */
  grade_id?: string;
  /** Points for grade cells (> 0). */
  points?: number;
  /** Added by nbgrader when it generates a release. */
  checksum?: string;
  /** Added by nbgrader when it generates a release. */
  cell_type?: string;
  [key: string]: unknown;
}

/** Cell metadata fields this project uses; others are kept as they are. */
export interface CellMetadata {
  /** Cell tags ("solution", "tests", "answer" for exercises). */
  tags?: string[];
  /** JupyterLab display state (`source_hidden` collapses solution cells). */
  jupyter?: { source_hidden?: boolean; outputs_hidden?: boolean; [key: string]: unknown };
  /** nbgrader exercise metadata. */
  nbgrader?: NbgraderCellMetadata;
  [key: string]: unknown;
}

interface CellBase {
  /** Cell id (nbformat ≥ 4.5): 1–64 characters of [a-zA-Z0-9-_], unique within the notebook. */
  id?: string;
  /** The cell's source text. */
  source: MultilineString;
  /** Cell metadata. */
  metadata: CellMetadata;
}

/** A code cell. */
export interface CodeCell extends CellBase {
  cell_type: "code";
  /** Execution count, null when not executed. */
  execution_count: number | null;
  /** The outputs. */
  outputs: Output[];
}

/** A Markdown cell. */
export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  /** Images pasted into the cell, by file name. */
  attachments?: Record<string, MimeBundle>;
}

/** A raw cell. */
export interface RawCell extends CellBase {
  cell_type: "raw";
  /** Attachments by file name. */
  attachments?: Record<string, MimeBundle>;
}

/** Any nbformat 4 cell. */
export type Cell = CodeCell | MarkdownCell | RawCell;

/** Notebook-level metadata fields this project uses. */
export interface NotebookMetadata {
  /** The kernel the notebook is written for; its `name` selects the kernelspec. */
  kernelspec?: { name: string; display_name?: string; language?: string; [key: string]: unknown };
  /** The language as the kernel described it when the notebook was last executed. */
  language_info?: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  /** Major format version (4). */
  nbformat: number;
  /** Minor format version (≥ 5 for cell ids). */
  nbformat_minor: number;
  /** Notebook metadata. */
  metadata: NotebookMetadata;
  /** The cells, in order. */
  cells: Cell[];
}

/** A notebook file could not be read or is not an nbformat 4 notebook. */
export class NotebookFormatError extends Error {
  /** The file concerned. */
  readonly path: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = "NotebookFormatError";
    this.path = file;
  }
}

/** Joins a multi-line string into one string. */
export function joinSource(source: MultilineString | undefined): string {
  if (source === undefined) return "";
  return Array.isArray(source) ? source.join("") : source;
}

/** Splits text into nbformat's list-of-lines form (each line keeps its "\n"), as Jupyter writes it. */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/** Line and column (1-based) of a character offset in a text. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses notebook JSON text. Syntax errors name the file, line and column; a document that is not an
 * nbformat 4 notebook (no `cells` list, `nbformat` not 4, a cell without a known `cell_type`) is
 * rejected with what was found and what was expected.
 *
 * @param text - the file's contents
 * @param file - the file name used in error messages
 */
export function parseNotebook(text: string, file = "<notebook>"): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    // V8 says "... in JSON at position 123" (Node 20); newer versions also add "(line L column C)".
    const m = /position (\d+)/.exec(msg);
    let where = "";
    if (m) {
      const pos = Number(m[1]);
      const { line, column } = lineColumn(text, pos);
      where = ` at line ${line}, column ${column} (character ${pos})`;
    } else if (/Unexpected end of JSON input/.test(msg)) {
      const { line, column } = lineColumn(text, text.length);
      where = ` at the end of the file (line ${line}, column ${column})`;
    }
    throw new NotebookFormatError(file, `${file}: invalid JSON${where}: ${msg}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new NotebookFormatError(file, `${file}: not a notebook: the top level must be a JSON object with "cells", "metadata", "nbformat" and "nbformat_minor"`);
  }
  const nb = data as Record<string, unknown>;
  if (nb.nbformat !== 4) {
    throw new NotebookFormatError(file, `${file}: unsupported nbformat ${JSON.stringify(nb.nbformat)}; expected 4 (nbformat 4.x)`);
  }
  if (!Array.isArray(nb.cells)) {
    throw new NotebookFormatError(file, `${file}: not a notebook: "cells" must be a list, found ${JSON.stringify(typeof nb.cells)}`);
  }
  nb.cells.forEach((cell, i) => {
    const t = (cell as { cell_type?: unknown } | null)?.cell_type;
    if (t !== "code" && t !== "markdown" && t !== "raw") {
      throw new NotebookFormatError(file, `${file}: cell ${i} has cell_type ${JSON.stringify(t)}; expected "code", "markdown" or "raw"`);
    }
  });
  if (typeof nb.metadata !== "object" || nb.metadata === null) nb.metadata = {};
  if (typeof nb.nbformat_minor !== "number") nb.nbformat_minor = 0;
  for (const cell of nb.cells as Cell[]) {
    if (cell.metadata === undefined || cell.metadata === null) cell.metadata = {};
    if (cell.source === undefined) cell.source = "";
    if (cell.cell_type === "code") {
      if (!Array.isArray(cell.outputs)) cell.outputs = [];
      if (cell.execution_count === undefined) cell.execution_count = null;
    }
  }
  return nb as unknown as Notebook;
}

/**
 * Reads an nbformat 4 notebook from a file.
 *
 * @example
 * ```ts
 * const nb = readNotebook("notebooks/2.1-descriptors.ipynb");
 * console.log(nb.cells.length);
 * ```
 * @throws NotebookFormatError when the file is missing, is not valid JSON (with line and column), or is
 *   not an nbformat 4 notebook.
 */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.message;
    throw new NotebookFormatError(file, `${file}: cannot read notebook: ${why}`);
  }
  return parseNotebook(text, file);
}

/** MIME types whose string values Jupyter stores as lists of lines. */
function isTextMime(mime: string): boolean {
  return mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml";
}

/**
 * The output as written to disk: without in-memory-only fields (`transient`, which nbformat forbids
 * in files) and with multi-line text split into lines, as Jupyter writes it (diff-friendly).
 */
function serialisableOutput(o: Output): Output {
  if (o.output_type === "stream") return { ...o, text: splitLines(joinSource(o.text)) };
  if (o.output_type === "display_data" || o.output_type === "execute_result") {
    const { transient: _t, ...rest } = o;
    const data: MimeBundle = {};
    for (const [mime, v] of Object.entries(o.data)) data[mime] = typeof v === "string" && isTextMime(mime) ? splitLines(v) : v;
    return { ...rest, data } as Output;
  }
  return o;
}

/** The notebook as Jupyter writes it: 1-space indented JSON, sorted keys are not required. */
export function serializeNotebook(nb: Notebook): string {
  const copy: Notebook = {
    ...nb,
    cells: nb.cells.map((c) => (c.cell_type === "code" ? { ...c, outputs: c.outputs.map(serialisableOutput) } : c)),
  };
  return JSON.stringify(copy, null, 1) + "\n";
}

/** Writes a notebook (creating the folder), in Jupyter's JSON layout. */
export function writeNotebook(file: string, nb: Notebook): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, serializeNotebook(nb));
}
