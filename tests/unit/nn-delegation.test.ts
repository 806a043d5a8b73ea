import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTf, withBackend, missingKernels, delegatedKernels, jsKernels, delegateMissingKernels } from "../../lib/src/nn";

let onWasm = false;

before(async () => {
  const rt = await loadTf({ log: false });
  onWasm = rt.backend === "wasm";
});

/** Runs `fn` on wasm and on cpu and returns both results as plain arrays (wasm first). */
async function both<T>(fn: () => T): Promise<[T, T]> {
  const w = await withBackend("wasm", fn);
  const c = await withBackend("cpu", fn);
  return [w, c];
}

function cpuDataIds(): number {
  return (tf.engine().findBackend("cpu") as unknown as { numDataIds(): number }).numDataIds();
}
function wasmDataIds(): number {
  return (tf.engine().findBackend("wasm") as unknown as { numDataIds(): number }).numDataIds();
}

test("after loadTf every kernel the cpu backend has is available on wasm (none left missing)", (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  assert.deepEqual(missingKernels("wasm", "cpu"), []);
  const delegated = delegatedKernels("wasm");
  for (const k of ["Conv2DBackpropFilter", "Einsum", "FFT", "RaggedGather", "StaticRegexReplace"]) {
    assert.ok(delegated.includes(k), `${k} delegated (got ${delegated.join(", ")})`);
  }
  assert.deepEqual(jsKernels("wasm"), ["UnsortedSegmentSum"]);
  assert.ok(!delegated.includes("UnsortedSegmentSum"));
  t.diagnostic(`${delegated.length} delegated to cpu: ${delegated.join(", ")}; in JS: ${jsKernels("wasm").join(", ")}`);
});

test("delegating again registers nothing new (idempotent)", (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const before = delegateMissingKernels("wasm", "cpu").complexRouted;
  const report = delegateMissingKernels("wasm", "cpu");
  assert.ok(report.complexRouted > 100, `wasm kernels routing complex64 to cpu: ${report.complexRouted}`);
  assert.equal(report.complexRouted, before);
  assert.deepEqual(report.registered, []);
  assert.deepEqual(report.registeredJs, []);
  assert.deepEqual(report.alreadyDelegated, [...delegatedKernels("wasm"), ...jsKernels("wasm")].sort());
});

test("unsortedSegmentSum on wasm equals cpu (values and dtype) for float32 and int32 data, with numSegments passed through", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const run = () =>
    tf.tidy(() => {
      const ids = tf.tensor1d([2, 0, 2, 4, 0], "int32");
      const f = tf.unsortedSegmentSum(tf.tensor2d([[1.5, 2], [3, 4], [5, 6], [7, 8], [9, 10.25]]), ids, 6);
      const i = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5], "int32"), ids, 6);
      return { f: f.arraySync(), fd: f.dtype, i: i.arraySync(), id: i.dtype, backend: tf.getBackend() };
    });
  const [w, c] = await both(run);
  assert.equal(w.backend, "wasm");
  assert.deepEqual(w.f, [[12, 14.25], [0, 0], [6.5, 8], [0, 0], [7, 8], [0, 0]]);
  assert.deepEqual({ ...w, backend: "" }, { ...c, backend: "" });
  assert.equal(w.fd, "float32");
});

test("the JS UnsortedSegmentSum matches tfjs's cpu kernel bit for bit on 3-D data; ids out of range are skipped", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const x = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i * 1.7) * 1e3 + 1 / (i + 3));
  const run = () =>
    tf.tidy(() => {
      const ids = tf.tensor1d([0, 3, -1, 3, 7, 1], "int32"); // -1 and 7 are outside [0, 4)
      const r = tf.unsortedSegmentSum(tf.tensor3d(x, [6, 2, 2]), ids, 4);
      return { shape: r.shape, dtype: r.dtype, bits: Array.from(new Uint32Array((r.dataSync() as Float32Array).slice().buffer)) };
    });
  const [w, c] = await both(run);
  assert.deepEqual(w.shape, [4, 2, 2]);
  assert.deepEqual(w, c);
  const zeroRow = w.bits.slice(8, 12); // segment 2 has no members
  assert.deepEqual(zeroRow, [0, 0, 0, 0]);
});

test("the JS UnsortedSegmentSum is one pass: 3000 segments over 6000×8 values take well under 5 s on wasm", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  // tfjs's cpu kernel builds a full mask per segment: 3000 × 48000 element operations, minutes on this machine.
  await withBackend("wasm", () => {
    const ids = tf.tensor1d(Int32Array.from({ length: 6000 }, (_, i) => (i * 7919) % 3000), "int32");
    const x = tf.ones([6000, 8]);
    const t0 = performance.now();
    const s = tf.unsortedSegmentSum(x, ids, 3000);
    const total = s.sum().dataSync()[0];
    const ms = performance.now() - t0;
    assert.equal(total, 48000);
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
    tf.dispose([ids, x, s]);
  });
});

test("variadic and multi-output kernels (einsum, raggedRange, raggedGather) match cpu", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const run = () =>
    tf.tidy(() => {
      const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const b = tf.tensor2d([[1, 0], [0, 1], [2, -1]]);
      const e = tf.einsum("ij,jk->ik", a, b).arraySync();
      const rr = tf.raggedRange(tf.tensor1d([0, 5], "int32"), tf.tensor1d([3, 8], "int32"), tf.tensor1d([1, 2], "int32"));
      const rg = tf.raggedGather(
        [tf.tensor1d([0, 2, 3, 6], "int32")],
        tf.tensor1d([10, 11, 12, 13, 14, 15]),
        tf.tensor1d([2, 0], "int32"),
        1,
      );
      return {
        e,
        splits: rr.rtNestedSplits.arraySync(),
        values: rr.rtDenseValues.arraySync(),
        gSplits: rg.outputNestedSplits.map((s) => s.arraySync()),
        gValues: rg.outputDenseValues.arraySync(),
      };
    });
  const [w, c] = await both(run);
  assert.deepEqual(w.e, [[7, -1], [16, -1]]);
  assert.deepEqual(w.splits, [0, 3, 5]);
  assert.deepEqual(w.values, [0, 1, 2, 5, 7]);
  assert.deepEqual(w.gValues, [13, 14, 15, 10, 11]);
  assert.deepEqual(w, c);
});

test("string tensors pass through a delegated kernel (staticRegexReplace)", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const [w, c] = await both(() =>
    tf.tidy(() => tf.string.staticRegexReplace(tf.tensor1d(["LiCoO2", "LiFePO4"]), "Li", "Na").arraySync()),
  );
  assert.deepEqual(w, ["NaCoO2", "NaFePO4"]);
  assert.deepEqual(w, c);
});

test("complex64 tensors made by delegated kernels can be read and transformed on wasm (complex, fft, ifft, abs)", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const run = () =>
    tf.tidy(() => {
      const z = tf.complex([1, 2, 3, 4], [0, -1, 0.5, 0]);
      const f = tf.spectral.fft(z);
      const back = tf.spectral.ifft(f);
      return {
        z: Array.from(z.dataSync()),
        fRe: Array.from(tf.real(f).dataSync()),
        fIm: Array.from(tf.imag(f).dataSync()),
        backRe: Array.from(tf.real(back).dataSync()),
        abs: Array.from(tf.abs(z).dataSync()),
      };
    });
  const [w, c] = await both(run);
  assert.deepEqual(w.z, [1, 0, 2, -1, 3, 0.5, 4, 0]);
  for (const k of ["fRe", "fIm", "backRe", "abs"] as const) {
    w[k].forEach((v, i) => assert.ok(Math.abs(v - c[k][i]) < 1e-5, `${k}[${i}]: wasm ${v} vs cpu ${c[k][i]}`));
  }
  assert.ok(Math.abs(w.backRe[2] - 3) < 1e-5);
});

test("wasm's own kernels given complex64 (add, mul, concat, clone, cast) run on cpu: same results, same errors", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  const run = () =>
    tf.tidy(() => {
      const z = tf.complex([1, 2, -3], [3, 4, 0.5]);
      const results = {
        add: tf.add(z, z),
        mul: tf.mul(z, z),
        concat: tf.concat([z, z]),
        clone: tf.clone(z),
        cast: tf.cast(tf.tensor1d([1.5, -2]), "complex64"),
      };
      return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { dtype: v.dtype, values: Array.from(v.dataSync()) }]));
    });
  const [w, c] = await both(run);
  assert.deepEqual(w.mul.values, [-8, 6, -12, 16, 8.75, -3]); // (1+3i)² = -8+6i, (2+4i)² = -12+16i, (-3+0.5i)² = 8.75-3i
  assert.deepEqual(w, c);
  // What cpu cannot do with complex64 fails the same way on wasm instead of returning garbage.
  await withBackend("wasm", () =>
    assert.throws(() => tf.tidy(() => tf.slice(tf.complex([1, 2], [3, 4]), [1], [1])), /does not support complex64/),
  );
});

test("delegated kernels free everything: tensors, wasm buffers and cpu buffers are unchanged after 50 rounds", async (t) => {
  if (!onWasm) return t.skip("the loader did not pick wasm here");
  await withBackend("wasm", () => {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, "float32", 1);
    const k = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 2);
    const ids = tf.tensor1d([0, 1, 1, 3, 2, 0], "int32");
    const round = () =>
      tf.tidy(() => {
        const g = tf.grad((kk: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, kk as tf.Tensor4D, 1, "same").square().sum())(k);
        const s = tf.unsortedSegmentSum(tf.ones([6, 2]), ids, 4);
        const z = tf.abs(tf.spectral.fft(tf.complex([1, 2, 3], [0, 1, 0])));
        return tf.addN([g.sum(), s.sum(), z.sum()]);
      });
    round().dispose(); // warm-up: first calls may allocate caches
    const before = { tensors: tf.memory().numTensors, wasm: wasmDataIds(), cpu: cpuDataIds() };
    for (let i = 0; i < 50; i++) round().dispose();
    const after = { tensors: tf.memory().numTensors, wasm: wasmDataIds(), cpu: cpuDataIds() };
    assert.deepEqual(after, before);
    tf.dispose([x, k, ids]);
  });
});
