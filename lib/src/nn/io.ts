/**
 * Saving and loading tfjs layers models to and from a folder, without tfjs-node.
 *
 * `model.save("file://dir")` exists only in @tensorflow/tfjs-node. These functions write and read the same
 * layout (`model.json` with the topology and a weights manifest, plus `weights.bin`) through
 * `tf.io.withSaveHandler` and `fs`, so folders are interchangeable with tfjs-node's `file://` handler and
 * with the tfjs converter's layers-model output (sharded weight files are read in manifest order).
 *
 * @packageDocumentation
 */
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";

/** File name of the model topology and weights manifest (as tfjs-node's file:// handler writes it). */
export const MODEL_JSON = "model.json";
/** File name of the concatenated weights (as tfjs-node's file:// handler writes it). */
export const WEIGHTS_BIN = "weights.bin";

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Also save the optimizer's state (tfjs `includeOptimizer`). Default false. */
  includeOptimizer?: boolean;
}

/** Options of {@link loadLayersModel}. */
export interface LoadModelOptions {
  /**
   * tfjs's `strict`: every weight of the model must be present in the files and every stored weight must
   * be used. Default true.
   */
  strict?: boolean;
}

/** Accepts `dir`, `file://dir` or `file:///abs/dir`; returns an absolute path. */
function folderOf(dirOrUrl: string, where: string): string {
  if (typeof dirOrUrl !== "string" || dirOrUrl.trim() === "") {
    throw new Error(`battery-mi: ${where} needs a folder path (e.g. "models/mlp"), got ${JSON.stringify(dirOrUrl)}`);
  }
  const p = dirOrUrl.startsWith("file://") ? dirOrUrl.slice("file://".length) : dirOrUrl;
  return path.resolve(p);
}

async function statOrNull(p: string): Promise<import("node:fs").Stats | null> {
  try {
    return await fsp.stat(p);
  } catch {
    return null;
  }
}

/**
 * Saves a layers model to a folder as `model.json` + `weights.bin` (tfjs-node's `file://` layout). The
 * folder is created if needed; existing files of those names are replaced.
 *
 * @param model - a `tf.LayersModel` (e.g. from `tf.sequential`).
 * @param dir - the folder, as a path or a `file://` URL.
 * @returns tfjs's save result (`modelArtifactsInfo` has the byte counts).
 *
 * @example
 * ```ts
 * await saveModel(model, "build/models/capacity-mlp");
 * const again = await loadLayersModel("build/models/capacity-mlp");
 * ```
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  options: SaveModelOptions = {},
): Promise<tf.io.SaveResult> {
  const folder = folderOf(dir, "saveModel(model, dir)");
  if (model == null || typeof (model as { save?: unknown }).save !== "function") {
    throw new Error("battery-mi: saveModel(model, dir) needs a tf.LayersModel (something with a save() method)");
  }
  const st = await statOrNull(folder);
  if (st !== null && !st.isDirectory()) {
    throw new Error(`battery-mi: saveModel: ${folder} exists and is not a folder; give a folder path`);
  }
  const handler = tf.io.withSaveHandler(async (artifacts: tf.io.ModelArtifacts) => {
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJSON: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as tf.io.ModelJSON["modelTopology"],
      weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
    };
    if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
    if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
    if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
    if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
    try {
      await fsp.mkdir(folder, { recursive: true });
      await fsp.writeFile(path.join(folder, MODEL_JSON), JSON.stringify(modelJSON), "utf8");
      await fsp.writeFile(path.join(folder, WEIGHTS_BIN), Buffer.from(weightData));
    } catch (err) {
      throw new Error(`battery-mi: saveModel could not write to ${folder}: ${(err as Error).message}`);
    }
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData }) };
  });
  return model.save(handler, { includeOptimizer: options.includeOptimizer ?? false });
}

const BYTES_PER: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Bytes a weight occupies in the binary file, from its manifest entry (quantised weights included). */
function weightBytes(spec: tf.io.WeightsManifestEntry): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES_PER[dtype];
  if (per === undefined) throw new Error(`unsupported weight dtype '${dtype}' for weight '${spec.name}'`);
  return size * per;
}

/**
 * Reads the model JSON and weights of a folder written by {@link saveModel}, tfjs-node's `file://` handler
 * or the tfjs converter, checking each file and naming the one at fault in errors.
 */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const folder = folderOf(dir, "loadLayersModel(dir)");
  const st = await statOrNull(folder);
  if (st === null) throw new Error(`battery-mi: model folder ${folder} does not exist (save one with saveModel(model, dir))`);
  // Accept the path of model.json itself, as tfjs-node does.
  const jsonPath = st.isDirectory() ? path.join(folder, MODEL_JSON) : folder;
  const base = path.dirname(jsonPath);
  let text: string;
  try {
    text = await fsp.readFile(jsonPath, "utf8");
  } catch {
    throw new Error(`battery-mi: ${jsonPath} is missing; a saved model folder holds ${MODEL_JSON} and ${WEIGHTS_BIN}`);
  }
  let modelJSON: tf.io.ModelJSON;
  try {
    modelJSON = JSON.parse(text) as tf.io.ModelJSON;
  } catch (err) {
    throw new Error(`battery-mi: ${jsonPath} is not valid JSON (${(err as Error).message})`);
  }
  if (modelJSON === null || typeof modelJSON !== "object" || modelJSON.modelTopology == null) {
    throw new Error(`battery-mi: ${jsonPath} has no "modelTopology"; it is not a tfjs layers model.json`);
  }
  const manifest = modelJSON.weightsManifest;
  if (manifest != null && !Array.isArray(manifest)) {
    throw new Error(`battery-mi: ${jsonPath}: "weightsManifest" must be an array of {paths, weights} groups`);
  }
  return tf.io.getModelArtifactsForJSON(modelJSON, async (groups: tf.io.WeightsManifestConfig) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of groups) {
      if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
        throw new Error(`battery-mi: ${jsonPath}: each weightsManifest group needs "paths" and "weights" arrays`);
      }
      let groupBytes = 0;
      for (const p of group.paths) {
        const file = path.resolve(base, p);
        let buf: Buffer;
        try {
          buf = await fsp.readFile(file);
        } catch {
          throw new Error(`battery-mi: weights file ${file} (listed in ${jsonPath}) is missing`);
        }
        groupBytes += buf.byteLength;
        buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
      }
      let expected: number;
      try {
        expected = group.weights.reduce((sum, spec) => sum + weightBytes(spec), 0);
      } catch (err) {
        throw new Error(`battery-mi: ${jsonPath}: ${(err as Error).message}`);
      }
      if (expected !== groupBytes) {
        throw new Error(
          `battery-mi: weights file(s) ${group.paths.map((p) => path.resolve(base, p)).join(", ")} hold ` +
            `${groupBytes} bytes but ${jsonPath} describes ${expected} bytes (truncated or mismatched files)`,
        );
      }
      specs.push(...group.weights);
    }
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
}

/**
 * Loads a layers model saved by {@link saveModel} (or by tfjs-node's `model.save("file://...")`).
 *
 * @param dir - the folder (or its `model.json`), as a path or a `file://` URL.
 * @throws if the folder, `model.json` or a weights file is missing, if `model.json` is not valid JSON, or
 *   if the weights do not match their manifest — the message names the path.
 *
 * @example
 * ```ts
 * const model = await loadLayersModel("build/models/capacity-mlp");
 * model.predict(x);
 * ```
 */
export async function loadLayersModel(dir: string, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  const artifacts = await readModelArtifacts(dir);
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  return tf.loadLayersModel(handler, { strict: options.strict ?? true });
}
