/**
 * Headless notebook execution: each notebook in a fresh kernel, cells in order, outputs captured in
 * nbformat shape, the first failure (error, timeout, dead kernel) reported with the cell's index, id,
 * source and stderr, executed copies written as nbformat 4.5.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { findKernelSpec, KernelNotFoundError, type KernelSearchOptions, type KernelSpec } from "./kernelspec";
import { KernelClient, KernelDiedError, type ExecuteOutcome } from "./kernel";
import { joinSource, NotebookFormatError, readNotebook, writeNotebook, type Cell, type CodeCell, type Notebook } from "./nbformat";
import { DisplayRegistry } from "./outputs";

/** Options of {@link executeNotebook} and {@link executeNotebooks}. */
export interface ExecuteOptions {
  /** Time limit per cell in seconds (default 120). */
  timeoutSeconds?: number;
  /** Kernel name to use instead of the notebook's `metadata.kernelspec.name` (default: the notebook's, else "tslab"). */
  kernelName?: string;
  /** Folder for executed copies (`<outputDir>/<file name>`); nothing is written when absent. */
  outputDir?: string;
  /** Kernel working directory (default: the notebook's folder, as Jupyter does). */
  cwd?: string;
  /** Time the kernel may take to start, in seconds (default 60). */
  startupTimeoutSeconds?: number;
  /** After a timeout, how long the kernel may take to answer the interrupt before it is killed, in seconds (default 3). */
  interruptGraceSeconds?: number;
  /**
   * Keep executing after a failing cell (default false: the first error stops the notebook). The
   * runner then waits out tslab's 200 ms abort window before the next cell. A timeout or a dead kernel
   * always stops the notebook.
   */
  allowErrors?: boolean;
  /** Where to look for kernelspecs (see {@link kernelSearchPath}). */
  kernelSearch?: KernelSearchOptions;
  /** Extra environment variables for the kernel. */
  env?: Record<string, string>;
  /** Called before and after each code cell (progress display). */
  onCell?: (event: CellEvent) => void;
}

/** Progress event passed to {@link ExecuteOptions.onCell}. */
export interface CellEvent {
  /** The notebook file. */
  notebook: string;
  /** Before ("start") or after ("end") the cell ran. */
  phase: "start" | "end";
  /** Index of the cell in `cells`. */
  cellIndex: number;
  /** The cell's id. */
  cellId: string | undefined;
  /** The cell's result (phase "end" only). */
  result?: CellResult;
}

/** Outcome of one notebook. */
export type NotebookStatus = "ok" | "error" | "timeout" | "kernel-died" | "invalid-notebook" | "kernel-not-found" | "kernel-start-failed";

/** What happened to one code cell. */
export interface CellResult {
  /** Index in `cells` (0-based; markdown cells count). */
  index: number;
  /** The cell's id. */
  id: string | undefined;
  /** The kernel's verdict, or "skipped" for an empty cell. */
  status: ExecuteOutcome["status"] | "skipped";
  /** The kernel's execution count (null when not executed or no reply). */
  executionCount: number | null;
  /** Wall-clock time of the cell, ms. */
  durationMs: number;
  /** stderr of the cell (tslab's compile and runtime errors). */
  stderr: string;
  /** The outcome as the kernel client returned it (absent for skipped cells). */
  outcome?: ExecuteOutcome;
}

/** Where and why a notebook failed. */
export interface NotebookFailure {
  /** The notebook's status. */
  status: Exclude<NotebookStatus, "ok">;
  /** One-paragraph explanation. */
  message: string;
  /** Index of the failing cell in `cells`, for cell-level failures. */
  cellIndex?: number;
  /** Id of the failing cell. */
  cellId?: string | undefined;
  /** The failing cell's source. */
  source?: string;
  /** The failing cell's stderr (or the dead kernel's own output). */
  stderr?: string;
}

/** Result of executing one notebook. */
export interface ExecutionResult {
  /** The notebook file. */
  path: string;
  /** Its file name without folder. */
  name: string;
  /** "ok", or what stopped the notebook. */
  status: NotebookStatus;
  /** Number of code cells in the notebook. */
  codeCells: number;
  /** Code cells executed (including the failing one). */
  executedCells: number;
  /** Wall-clock time including kernel start and shutdown, ms. */
  durationMs: number;
  /** Kernel start-up time, ms (absent when no kernel was started). */
  kernelStartMs?: number;
  /** Process id the kernel had (it is no longer running when the result is returned). */
  kernelPid?: number;
  /** Per-cell results, in order. */
  cells: CellResult[];
  /** Set when status is not "ok". */
  failure?: NotebookFailure;
  /** The executed notebook (outputs, execution counts); absent when it could not be read. */
  notebook?: Notebook;
  /** Where the executed copy was written. */
  outputPath?: string;
}

const FAILURE_LABEL: Record<NotebookStatus, string> = {
  ok: "ok",
  error: "error",
  timeout: "timeout",
  "kernel-died": "kernel died",
  "invalid-notebook": "invalid",
  "kernel-not-found": "no kernel",
  "kernel-start-failed": "start failed",
};

/** Short label of a status for tables ("kernel died", "timeout" …). */
export function statusLabel(status: NotebookStatus): string {
  return FAILURE_LABEL[status];
}

function newCellId(): string {
  return randomBytes(4).toString("hex");
}

function cellLabel(index: number, id: string | undefined): string {
  return `cell ${index + 1} (index ${index}${id ? `, id "${id}"` : ""})`;
}

/**
 * Executes one notebook object in a fresh kernel. This is the base for graders: read a notebook,
 * change its cells, execute, inspect `cells[i]`. `file` names the notebook in reports, sets the
 * default kernel cwd and the executed copy's file name.
 *
 * @example
 * ```ts
 * const nb = readNotebook("notebooks/2.3-models.ipynb");
 * nb.cells = nb.cells.filter((c) => !c.metadata.tags?.includes("slow"));
 * const result = await executeNotebookObject(nb, "notebooks/2.3-models.ipynb", { timeoutSeconds: 60 });
 * ```
 */
export async function executeNotebookObject(source: Notebook, file: string, options: ExecuteOptions = {}): Promise<ExecutionResult> {
  const t0 = Date.now();
  const nb: Notebook = structuredClone(source);
  const name = path.basename(file);
  const codeCells = nb.cells.filter((c) => c.cell_type === "code").length;
  const result: ExecutionResult = { path: file, name, status: "ok", codeCells, executedCells: 0, durationMs: 0, cells: [], notebook: nb };
  const finish = (): ExecutionResult => {
    result.durationMs = Date.now() - t0;
    if (options.outputDir !== undefined) {
      result.outputPath = path.join(options.outputDir, name);
      writeNotebook(result.outputPath, nb);
    }
    return result;
  };

  // The executed copy is always nbformat 4.5 with ids; existing ids are kept as they are.
  nb.nbformat = 4;
  nb.nbformat_minor = Math.max(5, nb.nbformat_minor ?? 0);
  for (const c of nb.cells) if (typeof c.id !== "string" || c.id === "") c.id = newCellId();
  for (const c of nb.cells) if (c.cell_type === "code") Object.assign(c, { outputs: [], execution_count: null });

  const kernelName = options.kernelName ?? nb.metadata?.kernelspec?.name ?? "tslab";
  let spec: KernelSpec;
  try {
    spec = findKernelSpec(kernelName, { ...(options.kernelSearch ?? {}), context: file });
  } catch (e) {
    result.status = e instanceof KernelNotFoundError ? "kernel-not-found" : "kernel-start-failed";
    result.failure = { status: result.status, message: (e as Error).message };
    return finish();
  }

  let kernel: KernelClient;
  try {
    kernel = await KernelClient.start(spec, {
      cwd: options.cwd ?? path.dirname(path.resolve(file)),
      startupTimeoutMs: (options.startupTimeoutSeconds ?? 60) * 1000,
      ...(options.env ? { env: options.env } : {}),
    });
  } catch (e) {
    result.status = "kernel-start-failed";
    const death = e instanceof KernelDiedError ? e.death : undefined;
    result.failure = { status: "kernel-start-failed", message: `${file}: ${(e as Error).message}`, ...(death ? { stderr: death.processOutput } : {}) };
    return finish();
  }
  result.kernelStartMs = kernel.startupMs;
  if (kernel.pid !== undefined) result.kernelPid = kernel.pid;
  const info = kernel.kernelInfo.language_info;
  if (typeof info === "object" && info !== null) nb.metadata.language_info = info as { name: string };

  const displays = new DisplayRegistry();
  const timeoutMs = (options.timeoutSeconds ?? 120) * 1000;
  let lastWasError = false;
  try {
    for (let index = 0; index < nb.cells.length; index++) {
      const cell: Cell = nb.cells[index]!;
      if (cell.cell_type !== "code") continue;
      const code = joinSource(cell.source);
      if (code.trim() === "") {
        result.cells.push({ index, id: cell.id, status: "skipped", executionCount: null, durationMs: 0, stderr: "" });
        continue;
      }
      options.onCell?.({ notebook: file, phase: "start", cellIndex: index, cellId: cell.id });
      // tslab aborts every request arriving within 200 ms of an error (docs/DESIGN.md §2): wait it out.
      if (lastWasError) await new Promise((r) => setTimeout(r, 250));
      let outcome: ExecuteOutcome;
      try {
        outcome = await kernel.execute(code, {
          timeoutMs,
          interruptGraceMs: (options.interruptGraceSeconds ?? 3) * 1000,
          displays,
        });
      } catch (e) {
        // Only transport failures land here (a send that timed out); report them as the cell's failure.
        const message = `${file}: ${cellLabel(index, cell.id)}: cannot talk to the kernel: ${(e as Error).message}`;
        result.cells.push({ index, id: cell.id, status: kernel.isAlive() ? "error" : "died", executionCount: null, durationMs: 0, stderr: "" });
        result.executedCells++;
        if (result.failure === undefined) {
          result.status = kernel.isAlive() ? "error" : "kernel-died";
          result.failure = { status: result.status, message, cellIndex: index, cellId: cell.id, source: code };
        }
        break;
      }
      const codeCell = cell as CodeCell;
      codeCell.outputs = outcome.outputs;
      codeCell.execution_count = outcome.executionCount;
      const cr: CellResult = {
        index,
        id: cell.id,
        status: outcome.status,
        executionCount: outcome.executionCount,
        durationMs: outcome.durationMs,
        stderr: outcome.stderr,
        outcome,
      };
      result.cells.push(cr);
      result.executedCells++;
      options.onCell?.({ notebook: file, phase: "end", cellIndex: index, cellId: cell.id, result: cr });
      lastWasError = outcome.status !== "ok";
      if (outcome.status === "ok") continue;

      const where = `${file}: ${cellLabel(index, cell.id)}`;
      const failure: NotebookFailure = { status: "error", message: "", cellIndex: index, cellId: cell.id, source: code, stderr: outcome.stderr };
      if (outcome.status === "timeout") {
        failure.status = "timeout";
        failure.message =
          `${where} timed out after ${options.timeoutSeconds ?? 120} s; ` +
          (outcome.killed ? "the kernel did not answer the interrupt and was killed" : "the kernel was interrupted");
      } else if (outcome.status === "died") {
        failure.status = "kernel-died";
        failure.message = `${where}: kernel died while running the cell (${outcome.death?.reason ?? "process ended"})`;
        if (outcome.death?.processOutput) failure.stderr = [outcome.stderr, outcome.death.processOutput].filter((s) => s).join("\n");
      } else {
        const err = outcome.error && (outcome.error.ename || outcome.error.evalue) ? `${outcome.error.ename}: ${outcome.error.evalue}` : "";
        failure.message =
          outcome.status === "abort"
            ? `${where} was aborted by the kernel (it was sent too soon after an error)`
            : `${where} failed${err ? ` with ${err}` : " (the kernel's stderr below says why)"}`;
      }
      if (result.failure === undefined) {
        result.failure = failure;
        result.status = failure.status;
      }
      if (outcome.status === "timeout" || outcome.status === "died" || !options.allowErrors) break;
    }
  } finally {
    await kernel.shutdown({ graceMs: 1000 });
  }
  return finish();
}

/**
 * Reads and executes one notebook file in a fresh kernel. Never throws for notebook problems: an
 * unreadable file, an unknown kernel or a failing cell come back as a result with `status` and
 * `failure` set.
 *
 * @example
 * ```ts
 * const r = await executeNotebook("notebooks/2.1-descriptors.ipynb", { outputDir: "build/executed" });
 * if (r.status !== "ok") console.error(formatFailure(r));
 * ```
 */
export async function executeNotebook(file: string, options: ExecuteOptions = {}): Promise<ExecutionResult> {
  const t0 = Date.now();
  let nb: Notebook;
  try {
    nb = readNotebook(file);
  } catch (e) {
    const message = e instanceof NotebookFormatError ? e.message : `${file}: ${(e as Error).message}`;
    return {
      path: file,
      name: path.basename(file),
      status: "invalid-notebook",
      codeCells: 0,
      executedCells: 0,
      durationMs: Date.now() - t0,
      cells: [],
      failure: { status: "invalid-notebook", message },
    };
  }
  return executeNotebookObject(nb, file, options);
}

/**
 * Executes notebooks one after the other, each in its own kernel; a failure does not stop the others.
 * `onResult` is called as each finishes.
 */
export async function executeNotebooks(
  files: string[],
  options: ExecuteOptions & { onResult?: (r: ExecutionResult) => void } = {},
): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  for (const f of files) {
    const r = await executeNotebook(f, options);
    results.push(r);
    options.onResult?.(r);
  }
  return results;
}

function indent(text: string, prefix = "    "): string {
  return text
    .replace(/\s+$/, "")
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

/**
 * A failure report: what failed, where, the cell's source (numbered lines) and its stderr. Empty string
 * for a successful notebook.
 */
export function formatFailure(r: ExecutionResult): string {
  const f = r.failure;
  if (!f) return "";
  const parts = [f.message];
  if (f.source !== undefined) {
    const lines = f.source.replace(/\s+$/, "").split("\n");
    const w = String(lines.length).length;
    parts.push("  source:", lines.map((l, i) => `    ${String(i + 1).padStart(w)} | ${l}`).join("\n"));
  }
  if (f.stderr) parts.push("  stderr:", indent(f.stderr));
  return parts.join("\n");
}

/**
 * The summary table: one row per notebook (name, code cells executed/total, seconds, status with the
 * failing cell's 1-based position among all cells) and a total line.
 *
 * @example
 * ```text
 * notebook               code cells  seconds  status
 * 2.1-descriptors.ipynb       12/12      8.3  ok
 * 2.2-models.ipynb             3/15      4.1  error (cell 7)
 * 2 notebooks, 1 failed, 12.4 s
 * ```
 */
export function formatSummary(results: ExecutionResult[]): string {
  const rows = results.map((r) => {
    let status = statusLabel(r.status);
    if (r.failure?.cellIndex !== undefined) status += ` (cell ${r.failure.cellIndex + 1})`;
    return [r.name, `${r.executedCells}/${r.codeCells}`, (r.durationMs / 1000).toFixed(1), status];
  });
  const header = ["notebook", "code cells", "seconds", "status"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) =>
    row
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ");
  const failed = results.filter((r) => r.status !== "ok").length;
  const total = results.reduce((s, r) => s + r.durationMs, 0) / 1000;
  return [fmt(header), ...rows.map(fmt), `${results.length} notebook${results.length === 1 ? "" : "s"}, ${failed} failed, ${total.toFixed(1)} s`].join("\n");
}
