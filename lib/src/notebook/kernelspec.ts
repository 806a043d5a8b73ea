/**
 * Kernel discovery: finds `kernels/<name>/kernel.json` in the Jupyter data directories, the way
 * jupyter_client does, with the project's own `.jupyter/share/jupyter` (written by scripts/setup.mjs)
 * searched first.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A kernelspec (kernel.json) and where it was found. */
export interface KernelSpec {
  /** The kernel name (its folder name). */
  name: string;
  /** The folder holding kernel.json (`{resource_dir}` in argv). */
  resourceDir: string;
  /** Command line; `{connection_file}` and `{resource_dir}` are substituted at launch. */
  argv: string[];
  /** Human-readable name. */
  displayName: string;
  /** The kernel's language. */
  language: string;
  /** How to interrupt the kernel: SIGINT to its process ("signal", the default) or an interrupt_request. */
  interruptMode: "signal" | "message";
  /** Extra environment variables for the kernel process. */
  env: Record<string, string>;
  /** kernel.json's metadata. */
  metadata: Record<string, unknown>;
}

/** The project root: lib/src/notebook and lib/dist/notebook are both three levels below it. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Options of {@link kernelSearchPath} and {@link findKernelSpec}. */
export interface KernelSearchOptions {
  /** Data directories searched before all others (each holds a `kernels/` folder). */
  extraDirs?: string[];
  /** Environment to read JUPYTER_PATH / JUPYTER_DATA_DIR from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The project's Jupyter data dir (default: `<project>/.jupyter/share/jupyter`). */
  projectDataDir?: string;
}

/**
 * Jupyter data directories searched for kernelspecs, in order: `extraDirs`, the project's
 * `.jupyter/share/jupyter`, each JUPYTER_PATH entry, JUPYTER_DATA_DIR (or ~/.local/share/jupyter),
 * /usr/local/share/jupyter, /usr/share/jupyter. Duplicates are dropped.
 */
export function kernelSearchPath(options: KernelSearchOptions = {}): string[] {
  const env = options.env ?? process.env;
  const dirs = [
    ...(options.extraDirs ?? []),
    options.projectDataDir ?? path.join(PROJECT_ROOT, ".jupyter", "share", "jupyter"),
    ...(env.JUPYTER_PATH ? env.JUPYTER_PATH.split(path.delimiter).filter((d) => d !== "") : []),
    env.JUPYTER_DATA_DIR ?? path.join(os.homedir(), ".local", "share", "jupyter"),
    "/usr/local/share/jupyter",
    "/usr/share/jupyter",
  ];
  const seen = new Set<string>();
  return dirs.map((d) => path.resolve(d)).filter((d) => (seen.has(d) ? false : (seen.add(d), true)));
}

/** Reads and validates one kernel.json. */
export function readKernelSpec(file: string, name = path.basename(path.dirname(file))): KernelSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`kernelspec ${file} cannot be read: ${(e as Error).message}`);
  }
  const spec = raw as Record<string, unknown>;
  if (!Array.isArray(spec.argv) || spec.argv.length === 0 || !spec.argv.every((a) => typeof a === "string")) {
    throw new Error(`kernelspec ${file}: "argv" must be a non-empty list of strings`);
  }
  const mode = spec.interrupt_mode ?? "signal";
  if (mode !== "signal" && mode !== "message") {
    throw new Error(`kernelspec ${file}: interrupt_mode ${JSON.stringify(mode)} is not "signal" or "message"`);
  }
  return {
    name,
    resourceDir: path.dirname(file),
    argv: spec.argv as string[],
    displayName: typeof spec.display_name === "string" ? spec.display_name : name,
    language: typeof spec.language === "string" ? spec.language : "",
    interruptMode: mode,
    env: (typeof spec.env === "object" && spec.env !== null ? spec.env : {}) as Record<string, string>,
    metadata: (typeof spec.metadata === "object" && spec.metadata !== null ? spec.metadata : {}) as Record<string, unknown>,
  };
}

/**
 * Every kernelspec on the search path, by name (the first directory that has a name wins, as in
 * jupyter_client). Unreadable kernel.json files are skipped here; {@link findKernelSpec} reports them.
 */
export function listKernelSpecs(options: KernelSearchOptions = {}): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of kernelSearchPath(options)) {
    const kernels = path.join(dir, "kernels");
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(kernels, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(kernels, e.name, "kernel.json");
      if (!found.has(e.name.toLowerCase()) && fs.existsSync(file)) found.set(e.name.toLowerCase(), file);
    }
  }
  return found;
}

/** No kernelspec of the wanted name exists on the search path. */
export class KernelNotFoundError extends Error {
  /** The name asked for. */
  readonly kernelName: string;
  /** The names that do exist. */
  readonly available: string[];
  constructor(kernelName: string, available: string[], searched: string[], context?: string) {
    super(
      `${context ? context + ": " : ""}no kernel named "${kernelName}". ` +
        (available.length ? `Kernels found: ${available.join(", ")}.` : "No kernels found at all.") +
        ` Searched: ${searched.map((d) => path.join(d, "kernels")).join(", ")}.` +
        (kernelName === "tslab" ? " Run `node scripts/setup.mjs` to register tslab in the project." : ""),
    );
    this.name = "KernelNotFoundError";
    this.kernelName = kernelName;
    this.available = available;
  }
}

/**
 * Finds a kernelspec by name (case-insensitive, as Jupyter does).
 *
 * @example
 * ```ts
 * const spec = findKernelSpec("tslab");
 * console.log(spec.argv); // [".../node", ".../tslab", "kernel", "--config-path", "{connection_file}"]
 * ```
 * @param name - the kernel name, e.g. a notebook's `metadata.kernelspec.name`
 * @param options - search path options; `context` prefixes the error (e.g. the notebook's file name)
 * @throws KernelNotFoundError naming the kernels that exist and the folders searched
 */
export function findKernelSpec(name: string, options: KernelSearchOptions & { context?: string } = {}): KernelSpec {
  const all = listKernelSpecs(options);
  const file = all.get(name.toLowerCase());
  if (file === undefined) throw new KernelNotFoundError(name, [...all.keys()].sort(), kernelSearchPath(options), options.context);
  return readKernelSpec(file, path.basename(path.dirname(file)));
}
