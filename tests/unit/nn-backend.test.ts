import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { loadTf, tfInfo, withBackend, probeBackend, resolveBackendRequest, TF_BACKENDS } from "../../lib/src/nn";

const ROOT = path.resolve(__dirname, "..", "..");

function tfjsNodeResolvable(): boolean {
  try {
    require.resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

test("resolveBackendRequest: the option wins over BATTERY_MI_TF_BACKEND, which wins over auto", () => {
  assert.deepEqual(resolveBackendRequest("cpu", "wasm"), { requested: "cpu", requestedBy: "option" });
  assert.deepEqual(resolveBackendRequest(undefined, " WASM "), { requested: "wasm", requestedBy: "env" });
  assert.deepEqual(resolveBackendRequest(undefined, ""), { requested: "auto", requestedBy: "default" });
  assert.deepEqual(resolveBackendRequest(undefined, undefined), { requested: "auto", requestedBy: "default" });
});

test("resolveBackendRequest: an unknown backend is an error naming the source and the valid values", () => {
  assert.throws(() => resolveBackendRequest(undefined, "gpu"), /BATTERY_MI_TF_BACKEND is "gpu".*Valid values: auto, tensorflow, wasm, cpu/);
  assert.throws(() => resolveBackendRequest("node", undefined), /loadTf\(\{ backend \}\) is "node".*did you mean "tensorflow"/);
});

test("loadTf with an unknown backend rejects (it does not throw synchronously)", async () => {
  const p = loadTf({ backend: "gpu" as never, log: false });
  assert.ok(p instanceof Promise);
  await assert.rejects(p, /loadTf\(\{ backend \}\) is "gpu"/);
});

test("loadTf picks an allowed backend (wasm when tfjs-node is absent), reports it in one line, once", async () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const p1 = loadTf({ log });
  const p2 = loadTf({ log });
  assert.equal(p1, p2, "the same promise for repeated calls");
  const rt = await p1;
  assert.equal(await loadTf({ log }), rt, "the same runtime afterwards");
  assert.ok((TF_BACKENDS as readonly string[]).includes(rt.backend));
  assert.equal(rt.tf.getBackend(), rt.backend);
  assert.equal(lines.length, 1, `one report line, got ${JSON.stringify(lines)}`);
  assert.equal(tfInfo(), rt.info);
  if (!tfjsNodeResolvable()) {
    assert.equal(rt.backend, "wasm");
    assert.equal(rt.info.skipped[0]?.backend, "tensorflow");
    assert.match(rt.info.skipped[0]?.reason ?? "", /not installed/);
    const nDelegated = rt.info.delegatedKernels.length;
    assert.ok(rt.info.delegatedKernels.includes("Conv2DBackpropFilter"));
    assert.deepEqual(rt.info.jsKernels, ["UnsortedSegmentSum"]);
    assert.equal(
      lines[0].split("; not used")[0],
      `battery-mi: tfjs backend = wasm (${rt.info.simd ? "SIMD" : "no SIMD"}, 1 thread), ${nDelegated + 1} missing kernels ` +
        `added (${nDelegated} delegated to cpu, 1 in JS: UnsortedSegmentSum)`,
    );
    assert.match(lines[0], /; not used: tensorflow \(@tensorflow\/tfjs-node is not installed/);
  }
});

test("the notebook usage works: const { tf, backend } = await loadTf(), then fit a small model", async () => {
  const { tf, backend } = await loadTf({ log: false });
  assert.equal(tf.getBackend(), backend);
  const xs = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [i / 64, (i % 8) / 8]));
  const ys = xs.matMul(tf.tensor2d([[2], [-1]])).add(0.5);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: "zeros" })] });
  model.compile({ optimizer: tf.train.adam(0.1), loss: "meanSquaredError" });
  const h = await model.fit(xs, ys, { epochs: 30, batchSize: 16, verbose: 0 });
  const loss = h.history.loss as number[];
  assert.ok(loss[loss.length - 1] < loss[0] / 10, `loss fell from ${loss[0]} to ${loss[loss.length - 1]}`);
  tf.dispose([xs, ys]);
  model.dispose();
});

test("a forced cpu backend works, and a later loadTf() switches back to the auto choice", async () => {
  const auto = await loadTf({ log: false });
  const lines: string[] = [];
  const cpu = await loadTf({ backend: "cpu", log: (l) => lines.push(l) });
  assert.equal(cpu.backend, "cpu");
  assert.equal(cpu.tf.getBackend(), "cpu");
  assert.equal(cpu.info.requestedBy, "option");
  assert.deepEqual(lines, ['battery-mi: tfjs backend = cpu; forced by loadTf({ backend: "cpu" })']);
  assert.equal(tfInfo()?.backend, "cpu");
  const y = cpu.tf.tidy(() => cpu.tf.matMul(cpu.tf.ones([2, 3]), cpu.tf.ones([3, 2])).arraySync());
  assert.deepEqual(y, [[3, 3], [3, 3]]);
  // Back to the automatic choice: the same runtime object, and the engine follows.
  const again = await loadTf();
  assert.equal(again, auto);
  assert.equal(again.tf.getBackend(), auto.backend);
  assert.equal(tfInfo(), auto.info);
});

test("a forced backend that cannot load rejects with the reason (tensorflow without tfjs-node)", async (t) => {
  if (tfjsNodeResolvable()) return t.skip("@tensorflow/tfjs-node is installed here");
  const before = (await loadTf({ log: false })).tf.getBackend();
  await assert.rejects(loadTf({ backend: "tensorflow", log: false }), /could not load tfjs backend "tensorflow".*not installed/);
  const rt = await loadTf({ log: false });
  assert.equal(rt.tf.getBackend(), before, "a failed forced load leaves the active backend alone");
  assert.deepEqual(await probeBackend("tensorflow"), {
    ok: false,
    reason: "@tensorflow/tfjs-node is not installed (optional dependency; its install downloads libtensorflow)",
  });
});

test("withBackend runs on the given backend and restores the previous one, also after a throw", async () => {
  const { tf } = await loadTf({ log: false });
  const before = tf.getBackend();
  const seen = await withBackend("cpu", () => tf.getBackend());
  assert.equal(seen, "cpu");
  assert.equal(tf.getBackend(), before);
  await assert.rejects(
    withBackend("cpu", () => {
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal(tf.getBackend(), before);
});

test("BATTERY_MI_TF_BACKEND=cpu forces cpu in a fresh process, with one report line and no tfjs banner", () => {
  const script = [
    'const { loadTf } = require("./lib/src/nn");',
    "loadTf().then(async ({ tf, backend }) => {",
    "  tf.tensor1d([1, 2, 3]).sum().dataSync();",
    '  console.log("RESULT", backend, tf.getBackend());',
    "});",
  ].join("\n");
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: ROOT,
    env: { ...process.env, BATTERY_MI_TF_BACKEND: "cpu" },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split("\n");
  assert.deepEqual(out, ["battery-mi: tfjs backend = cpu; forced by BATTERY_MI_TF_BACKEND=cpu", "RESULT cpu cpu"]);
  assert.doesNotMatch(r.stdout + r.stderr, /looks like you are running TensorFlow\.js in Node/);
});

interface ScenarioResult {
  requested: string[];
  backend: string;
  engineBackend: string;
  sameRuntime: boolean;
  sameTf: boolean;
  skipped: { backend: string; reason: string }[];
  summary: string;
  lines: string[];
  product: number[][];
}

/**
 * Runs tests/fixtures/nn/backend-scenario.ts in a fresh process: the loader keeps its first choice for the
 * process and tfjs's backend registry is global, so a stubbed module must be in place before any loadTf().
 * This process's tfjs state is never touched.
 */
function runScenario(name: string): { result: ScenarioResult; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "tests", "fixtures", "nn", "backend-scenario.ts"), name], {
    cwd: ROOT,
    env: { ...process.env, BATTERY_MI_TF_BACKEND: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `scenario ${name} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `no RESULT line:\n${r.stdout}\n${r.stderr}`);
  const result = JSON.parse(line.slice("RESULT ".length)) as ScenarioResult;
  assert.ok(result.sameTf, "the scenario's tfjs is the library's tfjs");
  assert.ok(result.sameRuntime, "concurrent and later loadTf() calls share one runtime");
  assert.deepEqual(result.product, [[11]], "the selected backend computes");
  return { result, stdout: r.stdout, stderr: r.stderr };
}

test("when @tensorflow/tfjs-node loads, auto selects its 'tensorflow' backend, reports it in one line and never loads wasm", () => {
  const { result, stdout } = runScenario("tfjs-node");
  assert.deepEqual(result.requested, ["@tensorflow/tfjs-node"], "wasm is not even required");
  assert.equal(result.backend, "tensorflow");
  assert.equal(result.engineBackend, "tensorflow");
  assert.deepEqual(result.skipped, []);
  assert.deepEqual(result.lines, ["battery-mi: tfjs backend = tensorflow"]);
  assert.equal(stdout.split("\n").filter((l) => l.startsWith("battery-mi:")).length, 1);
});

test("when the wasm backend fails to initialise, auto falls back to cpu and says why in one line, once", () => {
  const { result, stderr } = runScenario("wasm-init-fails");
  assert.deepEqual(result.requested, ["@tensorflow/tfjs-node", "@tensorflow/tfjs-backend-wasm"]);
  assert.equal(result.backend, "cpu");
  assert.equal(result.engineBackend, "cpu");
  assert.deepEqual(
    result.skipped.map((s) => s.backend),
    ["tensorflow", "wasm"],
  );
  assert.match(result.skipped[0].reason, /^@tensorflow\/tfjs-node is not installed/);
  // The cause is quoted from tfjs's warning (the binary is not WebAssembly); tfjs's own warning and stack are not printed.
  assert.match(result.skipped[1].reason, /^initialisation failed \(failed to asynchronously prepare wasm: CompileError: WebAssembly\.instantiate\(\): expected magic word[^\n]*\)$/);
  assert.doesNotMatch(stderr, /Initialization of backend wasm failed/);
  assert.doesNotMatch(stderr, /CompileError/);
  assert.equal(result.lines.length, 1, `one report line, got ${JSON.stringify(result.lines)}`);
  assert.equal(
    result.lines[0],
    "battery-mi: tfjs backend = cpu; not used: tensorflow (@tensorflow/tfjs-node is not installed (optional dependency; " +
      `its install downloads libtensorflow)), wasm (${result.skipped[1].reason})`,
  );
});

test("when @tensorflow/tfjs-backend-wasm cannot be loaded, auto falls back to cpu and names the load error", () => {
  const { result } = runScenario("wasm-load-fails");
  assert.equal(result.backend, "cpu");
  assert.deepEqual(result.skipped[1], {
    backend: "wasm",
    reason: "@tensorflow/tfjs-backend-wasm did not load (simulated: tfjs-backend-wasm's script failed to load)",
  });
  assert.equal(result.lines.length, 1);
  assert.match(result.lines[0], /^battery-mi: tfjs backend = cpu; not used: tensorflow \(.*\), wasm \(@tensorflow\/tfjs-backend-wasm did not load \(simulated/);
});
