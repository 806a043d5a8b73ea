import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTf, withBackend } from "../../lib/src/nn";

// Gradients computed on the wasm backend (with the kernels it lacks delegated to cpu) must agree with the
// cpu backend's. Both runs start from the same numbers (a seeded generator), not from tfjs initialisers.

const TOL = 1e-4;
let onWasm = false;

before(async () => {
  onWasm = (await loadTf({ log: false })).backend === "wasm";
});

/** Deterministic values in [-scale, scale) (LCG), so both backends see the same inputs and weights. */
function seeded(n: number, seed: number, scale = 0.5): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

interface GradRun {
  backend: string;
  loss: number;
  grads: Float32Array[];
  kernels: string[];
}

function maxAbsDiff(a: GradRun, b: GradRun): number {
  let m = Math.abs(a.loss - b.loss);
  a.grads.forEach((g, i) => {
    assert.equal(g.length, b.grads[i].length);
    for (let j = 0; j < g.length; j++) m = Math.max(m, Math.abs(g[j] - b.grads[i][j]));
  });
  return m;
}

/** Runs a gradient computation on a backend, with the kernels it executed (tf.profile). */
async function onBackend(backend: "wasm" | "cpu", f: () => { loss: tf.Scalar; grads: tf.Tensor[] }): Promise<GradRun> {
  return withBackend(backend, async () => {
    let loss = 0;
    let grads: Float32Array[] = [];
    const profile = await tf.profile(() => {
      const r = f();
      loss = r.loss.dataSync()[0];
      grads = r.grads.map((g) => g.dataSync() as Float32Array);
      tf.dispose([r.loss, ...r.grads]);
    });
    return { backend: tf.getBackend(), loss, grads, kernels: profile.kernelNames };
  });
}

test("GNN message passing (embedding gather, edge messages, segment sum): wasm gradients match cpu within 1e-4", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const nNodes = 12;
  const nTypes = 5;
  const dim = 8;
  const nEdges = 30;
  const nodeType = Int32Array.from({ length: nNodes }, (_, i) => (i * 7) % nTypes);
  const src = Int32Array.from({ length: nEdges }, (_, e) => (e * 5) % nNodes);
  const dst = Int32Array.from({ length: nEdges }, (_, e) => (e * 11 + 3) % nNodes);
  const target = seeded(nNodes, 99, 1);
  const w0 = { emb: seeded(nTypes * dim, 1), w: seeded(2 * dim * dim, 2), b: seeded(dim, 3, 0.1), out: seeded(dim, 4) };

  const run = () => {
    const emb = tf.variable(tf.tensor2d(w0.emb, [nTypes, dim]), true, "emb");
    const w = tf.variable(tf.tensor2d(w0.w, [2 * dim, dim]), true, "w");
    const b = tf.variable(tf.tensor1d(w0.b), true, "b");
    const wOut = tf.variable(tf.tensor2d(w0.out, [dim, 1]), true, "wOut");
    const types = tf.tensor1d(nodeType, "int32");
    const srcT = tf.tensor1d(src, "int32");
    const dstT = tf.tensor1d(dst, "int32");
    const y = tf.tensor2d(target, [nNodes, 1]);
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.gather(emb, types); // node embeddings [N, D]
      const msg = tf.relu(tf.concat([tf.gather(h, srcT), tf.gather(h, dstT)], 1).matMul(w).add(b)); // [E, D]
      const agg = tf.unsortedSegmentSum(msg, dstT, nNodes); // [N, D]
      const pred = tf.tanh(agg).matMul(wOut);
      return tf.losses.meanSquaredError(y, pred) as tf.Scalar;
    }, [emb, w, b, wOut]);
    const out = { loss: value, grads: [grads.emb, grads.w, grads.b, grads.wOut] };
    tf.dispose([emb, w, b, wOut, types, srcT, dstT, y]);
    return out;
  };
  const onW = await onBackend("wasm", run);
  const onC = await onBackend("cpu", run);
  assert.equal(onW.backend, "wasm");
  assert.ok(onW.kernels.includes("UnsortedSegmentSum"), `UnsortedSegmentSum ran (kernels: ${onW.kernels.join(",")})`);
  assert.ok(onW.grads[0].some((v) => Math.abs(v) > 1e-6), "the embedding gradient (gather's gradient) is not all zero");
  const diff = maxAbsDiff(onW, onC);
  t.diagnostic(`GNN max |wasm - cpu| over loss and ${onW.grads.reduce((s, g) => s + g.length, 0)} gradient entries: ${diff.toExponential(3)}`);
  assert.ok(diff < TOL, `max abs difference ${diff}`);
});

test("LSTM (tf.layers.lstm + dense): gradients w.r.t. all trainable weights match between wasm and cpu within 1e-4", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const batch = 6;
  const steps = 7;
  const features = 3;
  const units = 5;
  const x = seeded(batch * steps * features, 11, 1);
  const yv = seeded(batch, 12, 1);
  const run = () => {
    const model = tf.sequential({
      layers: [tf.layers.lstm({ units, inputShape: [steps, features] }), tf.layers.dense({ units: 1 })],
    });
    // Same starting weights on both backends, from the seeded generator.
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(seeded(w.size, 100 + i), w.shape)));
    const xs = tf.tensor3d(x, [batch, steps, features]);
    const ys = tf.tensor2d(yv, [batch, 1]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    assert.equal(vars.length, 5, "kernel, recurrent kernel, bias of the LSTM; kernel, bias of the dense layer");
    const { value, grads } = tf.variableGrads(
      () => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar,
      vars,
    );
    const out = { loss: value, grads: vars.map((v) => grads[v.name]) };
    tf.dispose([xs, ys]);
    model.dispose();
    return out;
  };
  const onW = await onBackend("wasm", run);
  const onC = await onBackend("cpu", run);
  assert.equal(onW.backend, "wasm");
  assert.ok(onW.grads.every((g) => g.some((v) => Math.abs(v) > 1e-7)), "every weight gets a non-zero gradient");
  const diff = maxAbsDiff(onW, onC);
  t.diagnostic(`LSTM max |wasm - cpu| over loss and ${onW.grads.reduce((s, g) => s + g.length, 0)} gradient entries: ${diff.toExponential(3)}`);
  assert.ok(diff < TOL, `max abs difference ${diff}`);
});

test("Conv2D: the filter gradient (Conv2DBackpropFilter, delegated on wasm) and the input gradient match cpu", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const xv = seeded(2 * 9 * 9 * 3, 21, 1);
  const kv = seeded(3 * 3 * 3 * 4, 22, 0.3);
  const run = () => {
    const x = tf.tensor4d(xv, [2, 9, 9, 3]);
    const k = tf.tensor4d(kv, [3, 3, 3, 4]);
    // Two convolutions with different strides and paddings: those attributes must reach the cpu kernel.
    // (tfjs itself has no conv2d gradient for dilations > 1.)
    const f = (xx: tf.Tensor, kk: tf.Tensor) =>
      tf.add(
        tf.conv2d(xx as tf.Tensor4D, kk as tf.Tensor4D, 2, "valid").square().mean(),
        tf.conv2d(xx as tf.Tensor4D, kk as tf.Tensor4D, 1, "same").tanh().sum(),
      ) as tf.Scalar;
    const [gx, gk] = tf.grads(f)([x, k]);
    const loss = f(x, k);
    tf.dispose([x, k]);
    return { loss, grads: [gx, gk] };
  };
  const onW = await onBackend("wasm", run);
  const onC = await onBackend("cpu", run);
  assert.equal(onW.backend, "wasm");
  assert.ok(onW.kernels.includes("Conv2DBackpropFilter"), `Conv2DBackpropFilter ran (kernels: ${onW.kernels.join(",")})`);
  const diff = maxAbsDiff(onW, onC);
  t.diagnostic(`Conv2D max |wasm - cpu| over loss and ${onW.grads.reduce((s, g) => s + g.length, 0)} gradient entries: ${diff.toExponential(3)}`);
  assert.ok(diff < TOL, `max abs difference ${diff}`);
});

test("a small CNN trains on wasm: model.fit runs the delegated Conv2DBackpropFilter and lowers the loss", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  await withBackend("wasm", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", inputShape: [8, 8, 1], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    const xs = tf.tensor4d(seeded(32 * 64, 31, 1), [32, 8, 8, 1]);
    const ys = xs.mean([1, 2, 3]).reshape([32, 1]);
    let loss: number[] = [];
    const profile = await tf.profile(async () => {
      const h = await model.fit(xs, ys, { epochs: 6, batchSize: 16, verbose: 0, shuffle: false });
      loss = h.history.loss as number[];
    });
    assert.ok(profile.kernelNames.includes("Conv2DBackpropFilter"));
    assert.ok(loss[loss.length - 1] < loss[0], `loss ${loss[0]} → ${loss[loss.length - 1]}`);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
