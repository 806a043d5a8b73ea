/**
 * Kernels written directly in JavaScript for backends that lack them, where delegating to the cpu backend
 * would be slow.
 *
 * tfjs's cpu `UnsortedSegmentSum` loops over segments and, for each, builds a mask over the whole input
 * (equal, cast, multiply, sum): O(numSegments × size). It is the gradient of every `gather`, so a GNN
 * with a few hundred nodes spends seconds per step in it. The version here makes one pass over the input,
 * accumulating in float64 in the same order as the cpu kernel, so results agree with it to the last bit
 * in ordinary cases.
 *
 * @packageDocumentation
 */
import * as tf from "@tensorflow/tfjs";

type DataId = object;

/** The backend surface a JS kernel needs: read a tensor's values, store new ones. */
interface ReadWriteBackend {
  readSync(dataId: DataId): ArrayLike<number> | Uint8Array[];
  write(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: tf.DataType): DataId;
}

/**
 * `UnsortedSegmentSum` in one pass: `out[ids[i], ...] += x[i, ...]`. Segment ids outside
 * `[0, numSegments)` are skipped, as the cpu kernel does. Output dtype float32, as the cpu kernel returns.
 */
export const unsortedSegmentSumKernel: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = Number((attrs as { numSegments?: number } | undefined)?.numSegments);
  const b = backend as unknown as ReadWriteBackend;
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`battery-mi: UnsortedSegmentSum needs a non-negative integer numSegments, got ${String(numSegments)}`);
  }
  if (x.dtype === "complex64" || x.dtype === "string") {
    throw new Error(`battery-mi: UnsortedSegmentSum does not support dtype ${x.dtype}`);
  }
  const idRank = segmentIds.shape.length;
  if (idRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `battery-mi: UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  const nIds = tf.util.sizeFromShape(segmentIds.shape);
  const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
  const xs = b.readSync(x.dataId) as ArrayLike<number>;
  const ids = b.readSync(segmentIds.dataId) as ArrayLike<number>;
  const acc = new Float64Array(numSegments * inner);
  for (let i = 0; i < nIds; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner;
    const base = i * inner;
    for (let j = 0; j < inner; j++) acc[o + j] += xs[base + j];
  }
  const shape = [numSegments, ...x.shape.slice(idRank)];
  return { dataId: b.write(Float32Array.from(acc), shape, "float32"), shape, dtype: "float32" };
};

/** Kernels this module implements, by tfjs kernel name. */
export const JS_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  UnsortedSegmentSum: unsortedSegmentSumKernel,
};
