/**
 * The `npm run execute` command line: executes notebooks headlessly and prints a summary.
 */
import fs from "node:fs";
import path from "node:path";
import { killAllKernels } from "./kernel";
import { executeNotebooks, formatFailure, formatSummary, statusLabel, type ExecutionResult } from "./runner";

/** Parsed command line of `npm run execute`. */
export interface ExecuteCliArgs {
  /** Notebook files (absolute). */
  notebooks: string[];
  /** Per-cell timeout, seconds. */
  timeoutSeconds: number;
  /** Folder for executed copies. */
  outputDir: string;
  /** Continue after failing cells. */
  allowErrors: boolean;
  /** Print help and exit. */
  help: boolean;
}

/** Usage text of `npm run execute`. */
export const EXECUTE_USAGE = `Usage: npm run execute [-- [options] [notebook.ipynb ...]]

Executes notebooks headlessly, each in a fresh tslab kernel (no Python needed), writes the executed
copies to build/executed/ and prints a summary. Without notebook arguments, every notebooks/*.ipynb runs
in name order. Exit code 1 when any notebook fails.

Options:
  --timeout <s>     time limit per cell in seconds (default 120); a cell over it is interrupted, then
                    its kernel is killed
  --out <dir>       folder for executed copies (default build/executed)
  --allow-errors    keep executing a notebook after a failing cell
  -h, --help        this text`;

/**
 * Parses `npm run execute` arguments. Relative paths resolve against `cwd`.
 *
 * @throws Error naming the bad argument and what would be valid
 */
export function parseExecuteArgs(argv: string[], root: string, cwd: string = root): ExecuteCliArgs {
  const out: ExecuteCliArgs = { notebooks: [], timeoutSeconds: 120, outputDir: path.join(root, "build", "executed"), allowErrors: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string) => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") out.help = true;
    else if (a === "--timeout" || a.startsWith("--timeout=")) {
      const v = value("--timeout");
      const s = Number(v);
      if (!Number.isFinite(s) || s <= 0) throw new Error(`--timeout ${JSON.stringify(v)} is not a positive number of seconds (e.g. --timeout 120)`);
      out.timeoutSeconds = s;
    } else if (a === "--out" || a.startsWith("--out=")) out.outputDir = path.resolve(cwd, value("--out"));
    else if (a === "--allow-errors") out.allowErrors = true;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}; valid options: --timeout <s>, --out <dir>, --allow-errors, --help`);
    else out.notebooks.push(path.resolve(cwd, a));
  }
  return out;
}

/** notebooks/*.ipynb of the project, in name order. */
export function defaultNotebooks(root: string): string[] {
  const dir = path.join(root, "notebooks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Runs `npm run execute`: parses `argv`, executes, prints progress, failure reports and the summary
 * table, returns the exit code (0 all ok, 1 any failure, 2 bad arguments).
 *
 * @param argv - arguments after `--`
 * @param options - `root`: the project root; `cwd`: where relative paths start (npm's INIT_CWD);
 *   `log`: output sink (default console.log)
 */
export async function runExecuteCli(
  argv: string[],
  options: { root: string; cwd?: string; log?: (line: string) => void },
): Promise<{ code: number; results: ExecutionResult[] }> {
  const log = options.log ?? ((l: string) => console.log(l));
  let args: ExecuteCliArgs;
  try {
    args = parseExecuteArgs(argv, options.root, options.cwd ?? options.root);
  } catch (e) {
    log(`execute: ${(e as Error).message}\n\n${EXECUTE_USAGE}`);
    return { code: 2, results: [] };
  }
  if (args.help) {
    log(EXECUTE_USAGE);
    return { code: 0, results: [] };
  }
  const files = args.notebooks.length ? args.notebooks : defaultNotebooks(options.root);
  if (files.length === 0) {
    log(`execute: no notebooks to run (none given and ${path.join(options.root, "notebooks")} has no .ipynb files)`);
    return { code: 0, results: [] };
  }
  const rel = (f: string) => {
    const r = path.relative(options.root, f);
    return r === "" || r.startsWith("..") ? f : r;
  };
  // Kernels live in their own process groups: on Ctrl-C or SIGTERM kill them before leaving.
  const onSignal = (sig: NodeJS.Signals) => {
    const n = killAllKernels();
    log(`\nexecute: ${sig}, ${n} kernel${n === 1 ? "" : "s"} killed`);
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, onSignal);
  log(`execute: ${files.length} notebook${files.length === 1 ? "" : "s"}, per-cell timeout ${args.timeoutSeconds} s, executed copies in ${rel(args.outputDir)}/`);
  let results: ExecutionResult[];
  try {
    results = await executeNotebooks(files, {
      timeoutSeconds: args.timeoutSeconds,
      outputDir: args.outputDir,
      allowErrors: args.allowErrors,
      onResult: (r) => {
        const cells = `${r.executedCells}/${r.codeCells} code cells`;
        log(`${r.status === "ok" ? "ok  " : "FAIL"} ${rel(r.path)}  ${cells}  ${(r.durationMs / 1000).toFixed(1)} s  ${statusLabel(r.status)}`);
        if (r.status !== "ok") log(formatFailure(r).replace(r.path, rel(r.path)) + "\n");
      },
    });
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
  log("\n" + formatSummary(results));
  return { code: results.some((r) => r.status !== "ok") ? 1 : 0, results };
}
