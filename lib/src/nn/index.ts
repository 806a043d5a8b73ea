/**
 * `battery-mi/nn`: neural networks on tfjs.
 *
 * Start with {@link loadTf}: it loads tfjs on the fastest backend that works on this machine (native
 * tfjs-node, else WebAssembly with the missing kernels delegated to cpu, else cpu) and says which once.
 * {@link saveModel} / {@link loadLayersModel} store layers models in folders (tfjs-node's `file://` layout)
 * without tfjs-node.
 *
 * @example
 * ```ts
 * import { loadTf, saveModel, loadLayersModel } from "battery-mi/nn";
 * const { tf, backend } = await loadTf();
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: "relu", inputShape: [4] }), tf.layers.dense({ units: 1 })] });
 * model.compile({ optimizer: "adam", loss: "meanSquaredError" });
 * await model.fit(tf.randomNormal([128, 4]), tf.randomNormal([128, 1]), { epochs: 3, verbose: 0 });
 * await saveModel(model, "build/models/demo");
 * ```
 *
 * @packageDocumentation
 */
export {
  loadTf,
  tfInfo,
  withBackend,
  probeBackend,
  resolveBackendRequest,
  TF_BACKENDS,
  TF_BACKEND_ENV,
} from "./backend";
export type { Tf, TfBackendName, TfBackendRequest, LoadTfOptions, TfInfo, TfRuntime, SkippedBackend } from "./backend";
export { delegateMissingKernels, delegatedKernels, jsKernels, missingKernels } from "./delegate";
export type { DelegationReport, DelegationOptions } from "./delegate";
export { saveModel, loadLayersModel, readModelArtifacts, MODEL_JSON, WEIGHTS_BIN } from "./io";
export type { SaveModelOptions, LoadModelOptions } from "./io";
