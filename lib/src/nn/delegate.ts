/**
 * Kernel delegation: runs the kernels a tfjs backend lacks on another backend (normally wasm → cpu).
 *
 * The WebAssembly backend of tfjs 4.22 has no implementation of 16 kernels the cpu backend has, among them
 * `UnsortedSegmentSum` (the gradient of `gather`, hence of embeddings and of GNN message passing) and
 * `Conv2DBackpropFilter` (the weight gradient of a 2-D convolution). Without them, training such models on
 * wasm fails with "Kernel 'X' not registered for backend 'wasm'". We register each missing kernel on the
 * target backend with a function that copies the inputs out of the target backend, runs the source
 * backend's kernel on the copies, copies the outputs back into the target backend and frees every
 * intermediate buffer of the source backend. Kernels whose cpu version is too slow to borrow
 * (`UnsortedSegmentSum`, O(segments × size) in tfjs's cpu backend) get a JavaScript implementation from
 * `js-kernels.ts` instead.
 *
 * complex64: the wasm backend has no complex dtype. Delegated kernels keep complex64 results in the wasm
 * heap as interleaved float32 pairs (tfjs's layout for complex data), `data()` reads them through
 * {@link patchComplexReads}, and every wasm kernel called with a complex64 input runs on cpu
 * (`routeComplex`), so `tf.add(z, z)` or `tf.concat([z, z])` work on wasm as on cpu.
 *
 * @packageDocumentation
 */
import * as tf from "@tensorflow/tfjs";
import { JS_KERNELS } from "./js-kernels";

type DataId = object;
type BackendValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];

/** What this module needs from a tfjs backend instance (the public KernelBackend surface). */
interface DelegationBackend {
  readSync(dataId: DataId): BackendValues;
  write(values: BackendValues | null, shape: number[], dtype: tf.DataType): DataId;
  disposeData(dataId: DataId, force?: boolean): boolean;
  numDataIds(): number;
}

/** The parts of the wasm backend used to store complex64 tensors, which it does not support natively. */
interface WasmHeapBackend extends DelegationBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: DataId): { memoryOffset: number; shape: number[]; dtype: tf.DataType } | undefined };
}

/** A report of one delegation: which kernels were registered and which were already there. */
export interface DelegationReport {
  /** Backend the kernels were registered on, e.g. `"wasm"`. */
  target: string;
  /** Backend that runs them, e.g. `"cpu"`. */
  source: string;
  /** Kernel names newly registered on `target` by this call to run on `source`, sorted. */
  registered: string[];
  /** Kernel names newly registered on `target` by this call with a JavaScript implementation, sorted. */
  registeredJs: string[];
  /** Kernel names added by an earlier call (this module's own registrations, either kind), sorted. */
  alreadyDelegated: string[];
  /**
   * Number of `target`'s own kernels (all of them, cumulative) that now hand complex64 work to `source`
   * (see {@link DelegationOptions.routeComplex}).
   */
  complexRouted: number;
}

/** Options of {@link delegateMissingKernels}. */
export interface DelegationOptions {
  /**
   * Use this library's JavaScript kernels (see `js-kernels.ts`: `UnsortedSegmentSum` in one pass) instead of
   * the source backend's where one exists. Default true: tfjs's cpu `UnsortedSegmentSum` is
   * O(segments × size), which makes gather gradients (embeddings, GNNs) slow.
   */
  preferJs?: boolean;
  /**
   * Wrap `target`'s own kernels so that a call with a complex64 input (or a `dtype: "complex64"`
   * attribute, as in `cast`) runs on `source` instead. Default true: the wasm backend does not know
   * complex64 and would otherwise return garbage for, say, `tf.add(z, z)` (it only logs "Unknown dtype").
   * The check costs one pass over a kernel's inputs per call.
   */
  routeComplex?: boolean;
}

/** Kernels registered by this module, per target backend, so repeated calls are idempotent. */
const delegatedByTarget = new Map<string, Set<string>>();
const jsByTarget = new Map<string, Set<string>>();
const complexRoutedByTarget = new Map<string, Set<string>>();

function involvesComplex(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined): boolean {
  if (attrs !== undefined && (attrs as { dtype?: unknown }).dtype === "complex64") return true;
  for (const value of Object.values(inputs) as (tf.TensorInfo | tf.TensorInfo[] | null | undefined)[]) {
    if (value == null) continue;
    if (Array.isArray(value) ? value.some((v) => v?.dtype === "complex64") : value.dtype === "complex64") return true;
  }
  return false;
}

/** Re-registers each of `target`'s own kernels so that complex64 calls run on `source` (once per kernel). */
function routeComplexKernels(target: string, source: string, skip: Set<string>): number {
  const routed = complexRoutedByTarget.get(target) ?? new Set<string>();
  complexRoutedByTarget.set(target, routed);
  for (const config of tf.getKernelsForBackend(target)) {
    const name = config.kernelName;
    if (routed.has(name) || skip.has(name)) continue;
    const sourceKernel = tf.getKernel(name, source);
    if (sourceKernel === undefined) continue;
    const native = config.kernelFunc;
    tf.unregisterKernel(name, target);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) =>
        involvesComplex(args.inputs, args.attrs)
          ? runDelegated(name, sourceKernel, source, args.inputs, args.attrs, args.backend as unknown as DelegationBackend)
          : native(args),
    });
    routed.add(name);
  }
  return routed.size;
}

/**
 * Names of the kernels `source` implements and `target` does not (as registered in tfjs's global kernel
 * registry right now), sorted. Kernels this module already delegated count as present on `target`.
 *
 * @example
 * ```ts
 * missingKernels("wasm", "cpu"); // ["Complex", "ComplexAbs", "Conv2DBackpropFilter", ...] before delegation
 * ```
 */
export function missingKernels(target: string, source: string): string[] {
  const have = new Set(tf.getKernelsForBackend(target).map((k) => k.kernelName));
  return tf
    .getKernelsForBackend(source)
    .map((k) => k.kernelName)
    .filter((name) => !have.has(name))
    .sort();
}

/** Names of the kernels this module delegated on `target` to another backend so far, sorted. */
export function delegatedKernels(target: string): string[] {
  return [...(delegatedByTarget.get(target) ?? [])].sort();
}

/** Names of the kernels this module added on `target` as JavaScript implementations so far, sorted. */
export function jsKernels(target: string): string[] {
  return [...(jsByTarget.get(target) ?? [])].sort();
}

/**
 * Registers on backend `target` every kernel that backend `source` has and `target` lacks, each running on
 * `source` through a copy of its inputs — except kernels this library implements in JavaScript
 * (`UnsortedSegmentSum`), which run directly on `target`'s data unless `preferJs` is false. Idempotent: a
 * second call registers nothing new.
 *
 * Supported dtypes: float32, int32, bool, string, and complex64 (which the wasm backend cannot hold
 * natively: delegated kernels store it in the wasm heap as interleaved float32 pairs, tfjs's own layout
 * for complex data, and {@link patchComplexReads} lets `data()`/`dataSync()` read it back). Kernels with
 * several outputs (`RaggedGather`, `RaggedTensorToTensor`) return all of them.
 *
 * @param target - backend receiving the kernels, e.g. `"wasm"`.
 * @param source - backend running them, e.g. `"cpu"`; it must be registered (it is initialised lazily, at
 *   the first delegated call).
 * @returns what was registered.
 *
 * @example
 * ```ts
 * const report = delegateMissingKernels("wasm", "cpu");
 * report.registered.includes("Conv2DBackpropFilter"); // true on tfjs 4.22
 * report.registeredJs; // ["UnsortedSegmentSum"]
 * ```
 */
export function delegateMissingKernels(
  target: string,
  source: string,
  options: DelegationOptions = {},
): DelegationReport {
  const done = delegatedByTarget.get(target) ?? new Set<string>();
  const doneJs = jsByTarget.get(target) ?? new Set<string>();
  delegatedByTarget.set(target, done);
  jsByTarget.set(target, doneJs);
  const before = [...done, ...doneJs].sort();
  const registered: string[] = [];
  const registeredJs: string[] = [];
  for (const kernelName of missingKernels(target, source)) {
    const js = (options.preferJs ?? true) ? JS_KERNELS[kernelName] : undefined;
    if (js !== undefined) {
      tf.registerKernel({ kernelName, backendName: target, kernelFunc: js });
      doneJs.add(kernelName);
      registeredJs.push(kernelName);
      continue;
    }
    const sourceKernel = tf.getKernel(kernelName, source);
    if (sourceKernel === undefined) continue;
    tf.registerKernel({
      kernelName,
      backendName: target,
      kernelFunc: ({ inputs, attrs, backend }) =>
        runDelegated(kernelName, sourceKernel, source, inputs, attrs, backend as unknown as DelegationBackend),
    });
    done.add(kernelName);
    registered.push(kernelName);
  }
  // Kernels added above are skipped: delegated ones already run on `source`, JS ones reject complex64.
  const complexRouted =
    (options.routeComplex ?? true) ? routeComplexKernels(target, source, new Set([...done, ...doneJs])) : 0;
  return { target, source, registered, registeredJs, alreadyDelegated: before, complexRouted };
}

function findSourceBackend(source: string, kernelName: string): DelegationBackend {
  // engine().findBackend initialises a registered backend lazily (synchronously for cpu).
  const backend = tf.engine().findBackend(source) as unknown as DelegationBackend | null;
  if (backend == null) {
    throw new Error(
      `battery-mi: kernel '${kernelName}' is delegated to the '${source}' backend, but that backend is not ` +
        `registered or needs an asynchronous initialisation. Registered backends: ` +
        `${Object.keys(tf.engine().registryFactory).join(", ")}.`,
    );
  }
  silenceCpuNodeBanner(backend);
  return backend;
}

/**
 * tfjs's cpu backend prints a banner recommending @tensorflow/tfjs-node the first time it stores data in
 * Node. The loader has already tried tfjs-node and reported why it is not used, so the banner would only
 * mislead; `firstUse` is the flag the backend checks before printing it.
 */
export function silenceCpuNodeBanner(backend: unknown): void {
  if (backend !== null && typeof backend === "object" && "firstUse" in backend) {
    (backend as { firstUse: boolean }).firstUse = false;
  }
}

function runDelegated(
  kernelName: string,
  sourceKernel: tf.KernelConfig,
  source: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
  target: DelegationBackend,
): tf.TensorInfo | tf.TensorInfo[] {
  const src = findSourceBackend(source, kernelName);
  const copies: tf.TensorInfo[] = [];
  // Variadic kernels (Einsum, like Concat or AddN) receive their inputs as an array: keep that shape.
  const srcInputs: tf.NamedTensorInfoMap = (Array.isArray(inputs) ? [] : {}) as tf.NamedTensorInfoMap;
  let outputs: tf.TensorInfo[] = [];
  try {
    const copy = (info: tf.TensorInfo): tf.TensorInfo => {
      const c = copyIn(info, target, src, source);
      copies.push(c);
      return c;
    };
    for (const [name, value] of Object.entries(inputs) as [string, tf.TensorInfo | tf.TensorInfo[] | null][]) {
      // Optional inputs (e.g. a missing bias) arrive as undefined/null: leave them out as tfjs does.
      if (value == null) continue;
      // Some kernels take a list under one name (RaggedGather's paramsNestedSplits).
      (srcInputs as Record<string, unknown>)[name] = Array.isArray(value) ? value.map(copy) : copy(value);
    }
    const result = sourceKernel.kernelFunc({ inputs: srcInputs, attrs: attrs ?? {}, backend: src as never });
    outputs = Array.isArray(result) ? result : [result];
    const back = outputs.map((out) => copyOut(out, src, target));
    return Array.isArray(result) ? back : back[0];
  } finally {
    // A source kernel may return one of its inputs (with its refCount raised), so inputs and outputs are
    // each released once; the source backend frees a buffer when its count reaches zero.
    for (const info of [...copies, ...outputs]) disposeOnSource(info, src);
  }
}

/** Copies a tensor held by the target backend into a new tensor of the source backend. */
function copyIn(
  info: tf.TensorInfo,
  target: DelegationBackend,
  src: DelegationBackend,
  source: string,
): tf.TensorInfo {
  const shape = info.shape.slice();
  if (info.dtype === "complex64") {
    const interleaved = readComplexFromWasm(target, info);
    const n = interleaved.length / 2;
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = interleaved[2 * i];
      im[i] = interleaved[2 * i + 1];
    }
    const real: tf.TensorInfo = { dataId: src.write(re, shape, "float32"), shape, dtype: "float32" };
    const imag: tf.TensorInfo = { dataId: src.write(im, shape, "float32"), shape, dtype: "float32" };
    const complexKernel = tf.getKernel("Complex", source);
    if (complexKernel === undefined) {
      src.disposeData(real.dataId);
      src.disposeData(imag.dataId);
      throw new Error(`battery-mi: backend '${source}' has no 'Complex' kernel to rebuild a complex64 input`);
    }
    try {
      return complexKernel.kernelFunc({ inputs: { real, imag }, attrs: {}, backend: src as never }) as tf.TensorInfo;
    } finally {
      src.disposeData(real.dataId);
      src.disposeData(imag.dataId);
    }
  }
  const values = normalise(target.readSync(info.dataId), info.dtype);
  return { dataId: src.write(values, shape, info.dtype), shape, dtype: info.dtype };
}

/** Copies a source-backend tensor into a new tensor of the target backend (refCount 1, owned by tfjs). */
function copyOut(info: tf.TensorInfo, src: DelegationBackend, target: DelegationBackend): tf.TensorInfo {
  const shape = info.shape.slice();
  // cpu's readSync returns complex64 data interleaved [re0, im0, re1, im1, ...], the layout kept in wasm.
  const values = normalise(src.readSync(info.dataId), info.dtype);
  return { dataId: target.write(values, shape, info.dtype), shape, dtype: info.dtype };
}

function disposeOnSource(info: tf.TensorInfo, src: DelegationBackend): void {
  // The cpu backend's disposeData also frees the real/imag parts of a complex64 tensor.
  src.disposeData(info.dataId);
}

/**
 * Values in the typed array tfjs expects for a dtype. Backends store bool as Uint8Array, but a cpu kernel
 * may hand back an Int32Array or a plain array; the wasm backend copies raw bytes, so the element type
 * must match exactly.
 */
function normalise(values: BackendValues | number[], dtype: tf.DataType): BackendValues {
  switch (dtype) {
    case "float32":
    case "complex64":
      return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    case "int32":
      return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
    case "bool":
      return values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
    case "string":
      return values as Uint8Array[];
    default:
      throw new Error(`battery-mi: cannot delegate a tensor of dtype '${String(dtype)}'`);
  }
}

function isWasmHeapBackend(backend: unknown): backend is WasmHeapBackend {
  return (
    backend !== null &&
    typeof backend === "object" &&
    "wasm" in backend &&
    "dataIdMap" in backend &&
    (backend as { wasm: unknown }).wasm != null
  );
}

/** Reads a complex64 tensor stored by {@link copyOut} in the wasm heap: interleaved float32 pairs. */
function readComplexFromWasm(backend: DelegationBackend, info: tf.TensorInfo): Float32Array {
  if (!isWasmHeapBackend(backend)) {
    throw new Error("battery-mi: complex64 tensors can only be delegated from the wasm backend");
  }
  const entry = backend.dataIdMap.get(info.dataId);
  if (entry === undefined) throw new Error("battery-mi: complex64 tensor not found in the wasm backend (disposed?)");
  const n = 2 * tf.util.sizeFromShape(entry.shape);
  const bytes = backend.wasm.HEAPU8.slice(entry.memoryOffset, entry.memoryOffset + 4 * n);
  return new Float32Array(bytes.buffer, 0, n);
}

const patchedBackends = new WeakSet<object>();

/**
 * Lets `data()`/`dataSync()`/`array()` read complex64 tensors made by delegated kernels on the wasm backend
 * (its own `readSync` only knows float32, int32, bool and string). Other dtypes go to the original method.
 * Idempotent per backend instance; a no-op on backends that are not wasm-like.
 */
export function patchComplexReads(backend: unknown): void {
  if (!isWasmHeapBackend(backend) || patchedBackends.has(backend)) return;
  patchedBackends.add(backend);
  const original = backend.readSync.bind(backend);
  backend.readSync = (dataId: DataId, ...rest: unknown[]) => {
    const entry = backend.dataIdMap.get(dataId);
    if (entry !== undefined && entry.dtype === "complex64") {
      return readComplexFromWasm(backend, { dataId, shape: entry.shape, dtype: "complex64" });
    }
    return (original as (id: DataId, ...r: unknown[]) => BackendValues)(dataId, ...rest);
  };
}
