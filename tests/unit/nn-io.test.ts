import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadTf, saveModel, loadLayersModel, MODEL_JSON, WEIGHTS_BIN } from "../../lib/src/nn";

let tmp = "";

before(async () => {
  await loadTf({ log: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "battery-mi-nn-io-"));
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function smallModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, activation: "relu", inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }), biasInitializer: "ones" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
  return model;
}

function bytesOf(t: tf.Tensor): Buffer {
  const d = t.dataSync() as Float32Array;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

test("saveModel writes model.json + weights.bin in tfjs-node's file:// layout", async () => {
  const dir = path.join(tmp, "layout", "nested");
  const model = smallModel();
  const result = await saveModel(model, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), [MODEL_JSON, WEIGHTS_BIN]);
  const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), "utf8"));
  assert.equal(json.format, "layers-model");
  assert.equal(json.modelTopology.class_name, "Sequential");
  assert.equal(json.weightsManifest.length, 1);
  assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
  assert.deepEqual(
    json.weightsManifest[0].weights.map((w: { shape: number[] }) => w.shape),
    [[4, 6], [6], [6, 2], [2]],
  );
  const binBytes = fs.statSync(path.join(dir, WEIGHTS_BIN)).size;
  assert.equal(binBytes, (4 * 6 + 6 + 6 * 2 + 2) * 4);
  assert.equal(result.modelArtifactsInfo.weightDataBytes, binBytes);
  model.dispose();
});

test("a saved model loads back with bit-identical weights and exactly equal predictions", async () => {
  const dir = path.join(tmp, "roundtrip");
  const model = smallModel();
  // Train a little so the weights are not just their initial values.
  const xs = tf.tensor2d(Array.from({ length: 40 }, (_, i) => [i / 40, Math.sin(i), (i % 3) - 1, 0.25]));
  const ys = tf.tensor2d(Array.from({ length: 40 }, (_, i) => [Math.cos(i), i / 40]));
  await model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0, shuffle: false });
  await saveModel(model, dir);
  const loaded = await loadLayersModel(dir);
  const a = model.getWeights();
  const b = loaded.getWeights();
  assert.equal(b.length, a.length);
  a.forEach((w, i) => {
    assert.deepEqual(b[i].shape, w.shape);
    assert.equal(Buffer.compare(bytesOf(w), bytesOf(b[i])), 0, `weight ${i} differs`);
  });
  const p1 = model.predict(xs) as tf.Tensor;
  const p2 = loaded.predict(xs) as tf.Tensor;
  assert.equal(Buffer.compare(bytesOf(p1), bytesOf(p2)), 0, "predictions differ");
  tf.dispose([xs, ys, p1, p2]);
  model.dispose();
  loaded.dispose();
});

test("loadLayersModel accepts a file:// URL and the path of model.json, as tfjs-node does", async () => {
  const dir = path.join(tmp, "urls");
  const model = smallModel();
  await saveModel(model, `file://${dir}`);
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  const expected = (model.predict(x) as tf.Tensor).arraySync();
  for (const where of [`file://${dir}`, path.join(dir, MODEL_JSON)]) {
    const m = await loadLayersModel(where);
    assert.deepEqual((m.predict(x) as tf.Tensor).arraySync(), expected, where);
    m.dispose();
  }
  x.dispose();
  model.dispose();
});

test("weights sharded over several files (tfjs converter style) load in manifest order", async () => {
  const dir = path.join(tmp, "sharded");
  const model = smallModel();
  await saveModel(model, dir);
  const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), "utf8"));
  const bin = fs.readFileSync(path.join(dir, WEIGHTS_BIN));
  const cut = 60; // not on a weight boundary: shards are plain byte ranges
  fs.writeFileSync(path.join(dir, "group1-shard1of2.bin"), bin.subarray(0, cut));
  fs.writeFileSync(path.join(dir, "group1-shard2of2.bin"), bin.subarray(cut));
  fs.rmSync(path.join(dir, WEIGHTS_BIN));
  json.weightsManifest[0].paths = ["group1-shard1of2.bin", "group1-shard2of2.bin"];
  fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(json));
  const loaded = await loadLayersModel(dir);
  loaded.getWeights().forEach((w, i) => assert.equal(Buffer.compare(bytesOf(w), bytesOf(model.getWeights()[i])), 0));
  loaded.dispose();
  model.dispose();
});

test("includeOptimizer saves the optimizer state with the model", async () => {
  const dir = path.join(tmp, "optimizer");
  const model = smallModel();
  await model.fit(tf.ones([8, 4]), tf.zeros([8, 2]), { epochs: 1, verbose: 0 });
  await saveModel(model, dir, { includeOptimizer: true });
  const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), "utf8"));
  assert.ok(json.trainingConfig, "trainingConfig saved");
  const names: string[] = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
  assert.ok(names.some((n) => n.endsWith("/kernel/m")), `Adam's first moments saved (weights: ${names.join(", ")})`);
  const loaded = await loadLayersModel(dir);
  assert.equal(loaded.optimizer?.getClassName(), "Adam");
  const restored = await loaded.optimizer.getWeights();
  const original = await model.optimizer.getWeights();
  assert.deepEqual(restored.map((w) => w.name.replace(/_Dense\d+/, "")), original.map((w) => w.name.replace(/_Dense\d+/, "")));
  restored.forEach((w, i) => assert.equal(Buffer.compare(bytesOf(w.tensor), bytesOf(original[i].tensor)), 0, w.name));
  loaded.dispose();
  model.dispose();
});

test("errors name the path: missing folder, missing model.json, corrupt JSON, missing or truncated weights", async () => {
  const missing = path.join(tmp, "nope");
  await assert.rejects(loadLayersModel(missing), (e: Error) => e.message.includes(missing) && /does not exist/.test(e.message));

  const empty = path.join(tmp, "empty");
  fs.mkdirSync(empty);
  await assert.rejects(loadLayersModel(empty), (e: Error) => e.message.includes(path.join(empty, MODEL_JSON)) && /missing/.test(e.message));

  const corrupt = path.join(tmp, "corrupt");
  fs.mkdirSync(corrupt);
  fs.writeFileSync(path.join(corrupt, MODEL_JSON), '{"modelTopology": {');
  await assert.rejects(loadLayersModel(corrupt), (e: Error) => e.message.includes(path.join(corrupt, MODEL_JSON)) && /not valid JSON/.test(e.message));

  fs.writeFileSync(path.join(corrupt, MODEL_JSON), '{"format": "layers-model"}');
  await assert.rejects(loadLayersModel(corrupt), /has no "modelTopology"/);

  const noWeights = path.join(tmp, "no-weights");
  const model = smallModel();
  await saveModel(model, noWeights);
  const bin = fs.readFileSync(path.join(noWeights, WEIGHTS_BIN));
  fs.rmSync(path.join(noWeights, WEIGHTS_BIN));
  await assert.rejects(loadLayersModel(noWeights), (e: Error) => e.message.includes(path.join(noWeights, WEIGHTS_BIN)) && /missing/.test(e.message));

  fs.writeFileSync(path.join(noWeights, WEIGHTS_BIN), bin.subarray(0, bin.length - 4));
  await assert.rejects(loadLayersModel(noWeights), new RegExp(`hold ${bin.length - 4} bytes but .* describes ${bin.length} bytes`));

  const aFile = path.join(tmp, "a-file");
  fs.writeFileSync(aFile, "x");
  await assert.rejects(saveModel(model, aFile), /exists and is not a folder/);
  await assert.rejects(saveModel(model, ""), /needs a folder path/);
  model.dispose();
});
