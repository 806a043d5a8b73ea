/**
 * Raised when a CIF cannot be read. The message names the file (when known), the line (and column where it helps),
 * the reason, and what would be valid.
 *
 * @example
 * ```ts
 * try { parseCif("data_x\n_cell_length_a 3\n"); } catch (e) { if (e instanceof CifError) console.log(e.line, e.reason); }
 * ```
 */
export class CifError extends Error {
  /** 1-based line of the offending token (0 when the problem concerns the whole block). */
  readonly line: number;
  /** 1-based column of the offending token, when meaningful (otherwise undefined). */
  readonly column: number | undefined;
  /** The reason alone, without the location prefix. */
  readonly reason: string;
  /** File name or source label given to the parser (undefined for anonymous strings). */
  readonly source: string | undefined;
  constructor(reason: string, line: number, column?: number, source?: string) {
    const where = `${source ?? "CIF"}${line > 0 ? `:${line}` : ""}${line > 0 && column !== undefined ? `:${column}` : ""}`;
    super(`${where}: ${reason}`);
    this.name = "CifError";
    this.line = line;
    this.column = column;
    this.reason = reason;
    this.source = source;
  }
}

/** Raised when a structure operation gets input it cannot use (bad lattice, unknown element, empty selection …). */
export class StructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StructureError";
  }
}
