/**
 * The tfjs loader: picks the fastest tfjs backend that works on this machine, once per process.
 *
 * Order: `@tensorflow/tfjs-node` (native libtensorflow; an optional dependency that often cannot install),
 * then `@tensorflow/tfjs` with `@tensorflow/tfjs-backend-wasm` (SIMD, single thread, .wasm files read from
 * node_modules, no network; the kernels wasm lacks are delegated to the cpu backend), then the pure-JS cpu
 * backend.
 *
 * @packageDocumentation
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { delegateMissingKernels, delegatedKernels, jsKernels, patchComplexReads, silenceCpuNodeBanner } from "./delegate";

/** The tfjs module type: what `loadTf()` hands out as `tf`. */
export type Tf = typeof tf;

/** Backends the loader knows, fastest first. */
export const TF_BACKENDS = ["tensorflow", "wasm", "cpu"] as const;

/** A tfjs backend the loader can select: native libtensorflow, WebAssembly, or pure JavaScript. */
export type TfBackendName = (typeof TF_BACKENDS)[number];

/** A backend request: one backend, or `"auto"` for the fastest that works. */
export type TfBackendRequest = TfBackendName | "auto";

/** Environment variable that forces a backend (`tensorflow`, `wasm`, `cpu` or `auto`) unless an option does. */
export const TF_BACKEND_ENV = "BATTERY_MI_TF_BACKEND";

/** Options of {@link loadTf}. */
export interface LoadTfOptions {
  /**
   * Backend to use. `"auto"` (default) tries tensorflow, then wasm, then cpu. A named backend is used or the
   * call rejects with the reason it is unavailable. Overrides the `BATTERY_MI_TF_BACKEND` environment
   * variable.
   */
  backend?: TfBackendRequest;
  /**
   * Where the one-line report goes when a backend is loaded for the first time: a function receiving the
   * line, or `false` for silence. Default: `console.log`.
   */
  log?: ((line: string) => void) | false;
}

/** Why a faster backend was not used. */
export interface SkippedBackend {
  /** The backend that was tried. */
  backend: TfBackendName;
  /** Why it was not used, e.g. "@tensorflow/tfjs-node is not installed". */
  reason: string;
}

/** What {@link loadTf} selected and how. */
export interface TfInfo {
  /** The active backend. */
  backend: TfBackendName;
  /** What was asked for. */
  requested: TfBackendRequest;
  /** Where the request came from: the `backend` option, the environment variable, or the default (`auto`). */
  requestedBy: "option" | "env" | "default";
  /** wasm only: whether the SIMD build of the wasm binary is used (null for other backends). */
  simd: boolean | null;
  /** wasm only: number of threads of the wasm backend (1 in Node; null for other backends). */
  threads: number | null;
  /** Kernels wasm lacks that run on the cpu backend instead, sorted (empty for other backends). */
  delegatedKernels: string[];
  /**
   * Kernels wasm lacks that this library implements in JavaScript instead of delegating, sorted (empty for
   * other backends): `UnsortedSegmentSum`, whose cpu version is O(segments × size).
   */
  jsKernels: string[];
  /** Faster backends that were tried first and why they were not used. */
  skipped: SkippedBackend[];
  /** Version of @tensorflow/tfjs-core in use. */
  tfjsVersion: string;
  /**
   * The one-line report, e.g. "battery-mi: tfjs backend = wasm (SIMD, 1 thread), 16 missing kernels added
   * (15 delegated to cpu, 1 in JS: UnsortedSegmentSum); not used: tensorflow (...)".
   */
  summary: string;
}

/** A loaded tfjs: the module, the active backend and how it was chosen. */
export interface TfRuntime {
  /** The `@tensorflow/tfjs` module (the same tfjs-core whichever backend is active). */
  tf: Tf;
  /** The active backend. */
  backend: TfBackendName;
  /** Details of the choice; also available later through {@link tfInfo}. */
  info: TfInfo;
}

interface Attempt {
  ok: boolean;
  reason?: string;
  simd?: boolean;
  threads?: number;
}

// Plain `require` with a computed name: tfjs-node is optional, so TypeScript must not try to resolve it.
const requireModule = (name: string): unknown => require(name);
let optionalRequire: (name: string) => unknown = requireModule;

/**
 * For tests only (not exported from `battery-mi/nn`): replace how the loader requires
 * `@tensorflow/tfjs-node` and `@tensorflow/tfjs-backend-wasm`, so a test can stand in a native binding that
 * loads or a wasm backend that fails, without the real packages. `undefined` restores plain `require`.
 * Install it before the first {@link loadTf}: the loader remembers its first choice for the process (tests
 * therefore use it in a child process, where tfjs's backend registry is fresh).
 *
 * @internal
 */
export function setModuleLoader(loader: ((name: string) => unknown) | undefined): void {
  optionalRequire = loader ?? requireModule;
}

const WASM_FILES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n").find((l) => l.trim() !== "")?.trim() ?? msg;
}

function isRegistered(name: string): boolean {
  return tf.engine().registryFactory[name] !== undefined;
}

/** Loads tfjs-node if it is installed and its native binding loads; it registers the 'tensorflow' backend. */
async function prepareTensorflow(): Promise<Attempt> {
  if (!isRegistered("tensorflow")) {
    try {
      optionalRequire("@tensorflow/tfjs-node");
    } catch (err) {
      const code = (err as { code?: string }).code;
      const notInstalled = code === "MODULE_NOT_FOUND" && /@tensorflow\/tfjs-node['"]/.test(firstLine(err));
      return {
        ok: false,
        reason: notInstalled
          ? "@tensorflow/tfjs-node is not installed (optional dependency; its install downloads libtensorflow)"
          : `@tensorflow/tfjs-node is installed but did not load (${firstLine(err)})`,
      };
    }
    if (!isRegistered("tensorflow")) {
      return {
        ok: false,
        reason:
          "@tensorflow/tfjs-node loaded but registered no 'tensorflow' backend with this tfjs-core " +
          "(two copies of @tensorflow/tfjs-core? run `npm ls @tensorflow/tfjs-core`)",
      };
    }
  }
  return { ok: true };
}

let wasmModule: typeof import("@tensorflow/tfjs-backend-wasm") | undefined;

/** Loads the wasm backend pointing it at the .wasm files in node_modules, and delegates missing kernels. */
async function prepareWasm(): Promise<Attempt> {
  if (wasmModule === undefined) {
    let mod: typeof import("@tensorflow/tfjs-backend-wasm");
    try {
      mod = optionalRequire("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    } catch (err) {
      return { ok: false, reason: `@tensorflow/tfjs-backend-wasm did not load (${firstLine(err)})` };
    }
    // Resolve the binaries inside node_modules: the package's default would fetch them relative to its
    // script, which in Node means a file path guessed from __dirname, and no network is ever needed.
    const files: Record<string, string> = {};
    try {
      for (const f of WASM_FILES) files[f] = require.resolve(`@tensorflow/tfjs-backend-wasm/dist/${f}`);
    } catch (err) {
      return { ok: false, reason: `the .wasm files of @tensorflow/tfjs-backend-wasm were not found (${firstLine(err)})` };
    }
    // setWasmPaths throws once the backend has been initialised (e.g. by user code); paths are then set.
    if (tf.engine().registry["wasm"] === undefined) {
      try {
        mod.setWasmPaths(files);
      } catch (err) {
        return { ok: false, reason: `setWasmPaths failed (${firstLine(err)}); folder ${path.dirname(files[WASM_FILES[0]])}` };
      }
    }
    wasmModule = mod;
  }
  delegateMissingKernels("wasm", "cpu");
  return { ok: true };
}

/** Makes `name` the engine's backend, preparing it first. Never throws: failures come back as a reason. */
async function activate(name: TfBackendName): Promise<Attempt> {
  const prepared =
    name === "tensorflow" ? await prepareTensorflow() : name === "wasm" ? await prepareWasm() : { ok: true };
  if (!prepared.ok) return prepared;
  if (!isRegistered(name)) return { ok: false, reason: `no '${name}' backend is registered with tfjs` };
  let ok: boolean;
  // tfjs catches an initialisation error, console.warns "Initialization of backend X failed" and then the
  // error's stack, and returns false. Those warnings are captured so that the cause is quoted in the one
  // report line instead of a stack trace the user has to match with it; anything else is passed through.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(" "));
  };
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    return { ok: false, reason: `initialisation failed (${firstLine(err)})` };
  } finally {
    console.warn = consoleWarn;
  }
  if (!ok) {
    const cause = warnings.find((w) => !/^Initialization of backend \S+ failed/.test(w));
    return { ok: false, reason: `initialisation failed (${cause !== undefined ? firstLine(cause) : "tfjs gave no cause"})` };
  }
  for (const w of warnings) consoleWarn(w);
  const instance = tf.engine().findBackend(name);
  if (name === "cpu") silenceCpuNodeBanner(instance);
  if (name === "wasm") {
    patchComplexReads(instance);
    return {
      ok: true,
      simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
      threads: wasmModule !== undefined ? wasmModule.getThreadsCount() : 1,
    };
  }
  return { ok: true };
}

/**
 * Reads the backend request from the `backend` option, else from `BATTERY_MI_TF_BACKEND`, else `"auto"`.
 * Case and surrounding blanks are ignored; an unknown value throws an error naming the valid ones.
 *
 * @param option - the `backend` option of {@link loadTf} (may be undefined).
 * @param envValue - the environment variable's value (default: read from `process.env`).
 *
 * @example
 * ```ts
 * resolveBackendRequest(undefined, "WASM"); // { requested: "wasm", requestedBy: "env" }
 * ```
 */
export function resolveBackendRequest(
  option: string | undefined,
  envValue: string | undefined = process.env[TF_BACKEND_ENV],
): { requested: TfBackendRequest; requestedBy: TfInfo["requestedBy"] } {
  const valid: readonly string[] = ["auto", ...TF_BACKENDS];
  const check = (raw: string, where: string): TfBackendRequest => {
    const v = raw.trim().toLowerCase();
    if (valid.includes(v)) return v as TfBackendRequest;
    const aliases: Record<string, TfBackendName> = { node: "tensorflow", "tfjs-node": "tensorflow", native: "tensorflow", js: "cpu" };
    const hint = aliases[v] !== undefined ? ` (did you mean "${aliases[v]}"?)` : "";
    throw new Error(`battery-mi: ${where} is "${raw}", which is not a tfjs backend${hint}. Valid values: ${valid.join(", ")}.`);
  };
  if (option !== undefined) return { requested: check(option, "loadTf({ backend })"), requestedBy: "option" };
  if (envValue !== undefined && envValue.trim() !== "") {
    return { requested: check(envValue, `the environment variable ${TF_BACKEND_ENV}`), requestedBy: "env" };
  }
  return { requested: "auto", requestedBy: "default" };
}

function describe(info: Omit<TfInfo, "summary">): string {
  let line = `battery-mi: tfjs backend = ${info.backend}`;
  if (info.backend === "wasm") {
    line += ` (${info.simd ? "SIMD" : "no SIMD"}, ${info.threads ?? 1} thread${info.threads === 1 ? "" : "s"})`;
    const n = info.delegatedKernels.length + info.jsKernels.length;
    line += `, ${n} missing kernels added (${info.delegatedKernels.length} delegated to cpu`;
    line += info.jsKernels.length > 0 ? `, ${info.jsKernels.length} in JS: ${info.jsKernels.join(", ")})` : ")";
  }
  if (info.requestedBy === "option") line += `; forced by loadTf({ backend: "${info.requested}" })`;
  if (info.requestedBy === "env") line += `; forced by ${TF_BACKEND_ENV}=${info.requested}`;
  if (info.skipped.length > 0) line += `; not used: ${info.skipped.map((s) => `${s.backend} (${s.reason})`).join(", ")}`;
  return line;
}

async function createRuntime(
  requested: TfBackendRequest,
  requestedBy: TfInfo["requestedBy"],
  log: ((line: string) => void) | false,
): Promise<TfRuntime> {
  const candidates: TfBackendName[] = requested === "auto" ? [...TF_BACKENDS] : [requested];
  const skipped: SkippedBackend[] = [];
  for (const backend of candidates) {
    const attempt = await activate(backend);
    if (!attempt.ok) {
      skipped.push({ backend, reason: attempt.reason ?? "unknown failure" });
      continue;
    }
    const base = {
      backend,
      requested,
      requestedBy,
      simd: backend === "wasm" ? (attempt.simd ?? null) : null,
      threads: backend === "wasm" ? (attempt.threads ?? null) : null,
      delegatedKernels: backend === "wasm" ? delegatedKernels("wasm") : [],
      jsKernels: backend === "wasm" ? jsKernels("wasm") : [],
      skipped,
      tfjsVersion: tf.version_core,
    };
    const info: TfInfo = { ...base, summary: describe(base) };
    if (log !== false) log(info.summary);
    return { tf, backend, info };
  }
  const why = skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ");
  const how =
    requested === "auto"
      ? ""
      : ` Use loadTf() without a backend (or unset ${TF_BACKEND_ENV}) to fall back to a backend that works.`;
  throw new Error(`battery-mi: could not load tfjs backend "${requested}" — ${why}.${how}`);
}

const runtimes = new Map<TfBackendRequest, Promise<TfRuntime>>();
const settled = new Map<TfBackendRequest, TfRuntime>();
let current: TfRuntime | undefined;

/**
 * Loads tfjs on the fastest backend that works here and prints one line saying which (once). Idempotent:
 * later calls with the same request return the same promise and the same runtime. If the engine was
 * switched to another backend meanwhile (`tf.setBackend`, or `loadTf` with another backend), the call
 * switches it back to this runtime's backend first.
 *
 * The backend can be forced with `{ backend }` or the `BATTERY_MI_TF_BACKEND` environment variable
 * (`tensorflow`, `wasm`, `cpu`, `auto`); a forced backend that is unavailable rejects with the reason.
 *
 * @example
 * ```ts
 * const { tf, backend } = await loadTf();   // "battery-mi: tfjs backend = wasm (SIMD, 1 thread), ..."
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
 * model.compile({ optimizer: "adam", loss: "meanSquaredError" });
 * await model.fit(tf.randomNormal([64, 3]), tf.randomNormal([64, 1]), { epochs: 5, verbose: 0 });
 * ```
 */
export function loadTf(options: LoadTfOptions = {}): Promise<TfRuntime> {
  let request: ReturnType<typeof resolveBackendRequest>;
  try {
    request = resolveBackendRequest(options.backend);
  } catch (err) {
    return Promise.reject(err);
  }
  const { requested, requestedBy } = request;
  const existing = runtimes.get(requested);
  if (existing !== undefined) {
    const rt = settled.get(requested);
    if (rt === undefined || tf.engine().backendName === rt.backend) {
      if (rt !== undefined) current = rt;
      return existing;
    }
    // The engine was switched away from this runtime's backend: switch back (already initialised, so fast).
    return activate(rt.backend).then((attempt) => {
      if (!attempt.ok) throw new Error(`battery-mi: could not switch tfjs back to ${rt.backend}: ${attempt.reason}`);
      current = rt;
      return rt;
    });
  }
  const log = options.log ?? ((line: string) => console.log(line));
  const promise = createRuntime(requested, requestedBy, log).then(
    (rt) => {
      settled.set(requested, rt);
      current = rt;
      return rt;
    },
    (err: unknown) => {
      // Forget failures so that a later call (after fixing the cause) tries again.
      runtimes.delete(requested);
      throw err;
    },
  );
  runtimes.set(requested, promise);
  return promise;
}

/**
 * Details of the backend chosen by the last {@link loadTf} that resolved, or `undefined` before any.
 *
 * @example
 * ```ts
 * await loadTf();
 * tfInfo()?.delegatedKernels; // ["Complex", ..., "StaticRegexReplace"] on wasm; tfInfo()?.jsKernels: ["UnsortedSegmentSum"]
 * ```
 */
export function tfInfo(): TfInfo | undefined {
  return current?.info;
}

/**
 * Runs `fn` with tfjs switched to `backend`, then switches back to the backend active before (also when
 * `fn` throws). Prepares the backend as {@link loadTf} does (wasm paths, kernel delegation) without
 * printing anything. Tensors created inside stay valid afterwards: tfjs moves their data to whichever
 * backend later reads them. For comparisons and benchmarks; ordinary code just calls `loadTf()`.
 *
 * @example
 * ```ts
 * const onCpu = await withBackend("cpu", () => tf.matMul(a, b).array());
 * ```
 */
export async function withBackend<T>(backend: TfBackendName, fn: () => T | Promise<T>): Promise<T> {
  const previous = tf.engine().backendName as string | null;
  const attempt = await activate(backend);
  if (!attempt.ok) throw new Error(`battery-mi: backend "${backend}" is not available: ${attempt.reason}`);
  try {
    return await fn();
  } finally {
    if (previous != null && previous !== backend) {
      const back = previous === "tensorflow" || previous === "wasm" || previous === "cpu" ? await activate(previous) : null;
      if (back === null) await tf.setBackend(previous);
    }
  }
}

/**
 * Whether a backend can be used here, without switching to it for longer than the check (the active
 * backend is restored). Resolves to `{ ok: false, reason }` instead of throwing.
 */
export async function probeBackend(backend: TfBackendName): Promise<{ ok: boolean; reason?: string }> {
  const previous = tf.engine().backendName as string | null;
  const attempt = await activate(backend);
  if (previous != null && previous !== backend) await tf.setBackend(previous);
  return attempt.ok ? { ok: true } : { ok: false, reason: attempt.reason };
}
