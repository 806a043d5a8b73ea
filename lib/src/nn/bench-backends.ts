/**
 * `npm run bench:tf`: times the same tfjs workloads on each available backend in one run (cpu, wasm, and
 * tensorflow when @tensorflow/tfjs-node loads) and prints a table with the wasm speed-up over cpu.
 *
 * Workloads: a 512×512 matMul; an MLP 132→64→64→2 trained on 2000 rows for 20 epochs; an LSTM and a GRU
 * trained on short sequences; a GNN-style training loop (gather, per-edge messages, segment sum), whose
 * `UnsortedSegmentSum` runs tfjs's cpu kernel on cpu and this library's one-pass JS kernel on wasm. Data
 * and initial weights are seeded, so every backend does the same arithmetic.
 *
 * Run: `npm run bench:tf` (builds lib first) or `node lib/dist/nn/bench-backends.js [--quick]`.
 *
 * @packageDocumentation
 */
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { loadTf, probeBackend, withBackend, type TfBackendName } from "./backend";

/**
 * A measured duration: wall-clock time and the CPU time this process used meanwhile (user + system). On a
 * machine shared with other work the wall-clock time includes waiting for a core; the CPU time does not.
 */
export interface Timing {
  /** Elapsed wall-clock milliseconds. */
  wallMs: number;
  /** CPU milliseconds used by this process (all its threads) over the same interval. */
  cpuMs: number;
}

/** One benchmark workload. */
export interface BenchTask {
  /** Name shown in the table. */
  name: string;
  /** What the time measures, e.g. "median of 10 runs" or "20 epochs". */
  unit: string;
  /** Runs the workload once on the active backend and returns its timing. */
  run: () => Promise<Timing>;
}

/** Timings of one task, per backend, as printed. */
export interface BenchRow {
  /** Task name. */
  task: string;
  /** What the time measures. */
  unit: string;
  /** Timing per backend; a backend that was not run is absent. */
  timing: Partial<Record<TfBackendName, Timing>>;
}

/** Options of {@link runBackendBench}. */
export interface BackendBenchOptions {
  /** Smaller workloads (a quarter of the rows / epochs) for a quick check. Default false. */
  quick?: boolean;
  /** Backends to time; default: cpu, wasm and tensorflow when each is available. */
  backends?: TfBackendName[];
  /** Progress lines (default: console.log; `false` for silence). */
  log?: ((line: string) => void) | false;
}

function seeded(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** Starts a stopwatch; calling the result returns the {@link Timing} since the start. */
function stopwatch(): () => Timing {
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { wallMs: performance.now() - w0, cpuMs: (c.user + c.system) / 1000 };
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function init(seed: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed });
}

/** The workloads, sized by `quick`. */
export function benchTasks(quick = false): BenchTask[] {
  const f = quick ? 4 : 1;
  const matMul: BenchTask = {
    name: "matMul 512×512",
    unit: "median of 10",
    run: async () => {
      const a = tf.tensor2d(seeded(512 * 512, 1), [512, 512]);
      const b = tf.tensor2d(seeded(512 * 512, 2), [512, 512]);
      tf.tidy(() => tf.matMul(a, b).dataSync()); // warm-up
      const times: Timing[] = [];
      for (let i = 0; i < 10; i++) {
        const stop = stopwatch();
        tf.tidy(() => tf.matMul(a, b).dataSync());
        times.push(stop());
      }
      tf.dispose([a, b]);
      return { wallMs: median(times.map((t) => t.wallMs)), cpuMs: median(times.map((t) => t.cpuMs)) };
    },
  };

  const fitTask = (name: string, unit: string, build: () => { model: tf.LayersModel; xs: tf.Tensor; ys: tf.Tensor; epochs: number; batchSize: number }): BenchTask => ({
    name,
    unit,
    run: async () => {
      const { model, xs, ys, epochs, batchSize } = build();
      // One warm-up batch so kernel set-up and memory growth are not timed.
      await model.trainOnBatch(xs.slice(0, batchSize), ys.slice(0, batchSize));
      const stop = stopwatch();
      await model.fit(xs, ys, { epochs, batchSize, shuffle: false, verbose: 0 });
      const timing = stop();
      tf.dispose([xs, ys]);
      model.optimizer.dispose();
      model.dispose();
      return timing;
    },
  });

  const rows = 2000 / f;
  const mlpEpochs = 20 / f;
  const mlp = fitTask(`MLP 132→64→64→2, ${rows} rows`, `${mlpEpochs} epochs, batch 32`, () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 64, activation: "relu", inputShape: [132], kernelInitializer: init(11) }),
        tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: init(12) }),
        tf.layers.dense({ units: 2, kernelInitializer: init(13) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
    return {
      model,
      xs: tf.tensor2d(seeded(rows * 132, 3), [rows, 132]),
      ys: tf.tensor2d(seeded(rows * 2, 4), [rows, 2]),
      epochs: mlpEpochs,
      batchSize: 32,
    };
  });

  const seqs = 512 / f;
  const steps = 20;
  const feats = 8;
  const rnnEpochs = 5;
  const rnn = (kind: "lstm" | "gru"): BenchTask =>
    fitTask(`${kind.toUpperCase()}(32), ${seqs} seq × ${steps} steps × ${feats}`, `${rnnEpochs} epochs, batch 32`, () => {
      const cfg = { units: 32, inputShape: [steps, feats], kernelInitializer: init(21), recurrentInitializer: init(22) };
      const model = tf.sequential({
        layers: [kind === "lstm" ? tf.layers.lstm(cfg) : tf.layers.gru(cfg), tf.layers.dense({ units: 1, kernelInitializer: init(23) })],
      });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
      return {
        model,
        xs: tf.tensor3d(seeded(seqs * steps * feats, 5), [seqs, steps, feats]),
        ys: tf.tensor2d(seeded(seqs, 6), [seqs, 1]),
        epochs: rnnEpochs,
        batchSize: 32,
      };
    });

  // Kept small: on the cpu backend tfjs's own UnsortedSegmentSum is O(nodes × edges) per call.
  const nNodes = 100 / (quick ? 2 : 1);
  const nEdges = 600 / (quick ? 2 : 1);
  const gnnSteps = 20;
  const gnn: BenchTask = {
    name: `GNN message passing, ${nNodes} nodes, ${nEdges} edges`,
    unit: `${gnnSteps} Adam steps`,
    run: async () => {
      const dim = 32;
      const emb = tf.variable(tf.tensor2d(seeded(20 * dim, 31, 0.3), [20, dim]));
      const w = tf.variable(tf.tensor2d(seeded(2 * dim * dim, 32, 0.2), [2 * dim, dim]));
      const wOut = tf.variable(tf.tensor2d(seeded(dim, 33, 0.2), [dim, 1]));
      const types = tf.tensor1d(Int32Array.from({ length: nNodes }, (_, i) => (i * 7) % 20), "int32");
      const src = tf.tensor1d(Int32Array.from({ length: nEdges }, (_, e) => (e * 13) % nNodes), "int32");
      const dst = tf.tensor1d(Int32Array.from({ length: nEdges }, (_, e) => (e * 29 + 5) % nNodes), "int32");
      const y = tf.tensor2d(seeded(nNodes, 34), [nNodes, 1]);
      const opt = tf.train.adam(1e-3);
      const step = () =>
        opt.minimize(() => {
          const h = tf.gather(emb, types);
          const msg = tf.relu(tf.concat([tf.gather(h, src), tf.gather(h, dst)], 1).matMul(w));
          const pred = tf.tanh(tf.unsortedSegmentSum(msg, dst, nNodes)).matMul(wOut);
          return tf.losses.meanSquaredError(y, pred) as tf.Scalar;
        }, true, [emb, w, wOut]);
      step()?.dispose(); // warm-up
      const stop = stopwatch();
      for (let i = 0; i < gnnSteps; i++) {
        const loss = step();
        loss?.dataSync();
        loss?.dispose();
      }
      const timing = stop();
      opt.dispose();
      tf.dispose([emb, w, wOut, types, src, dst, y]);
      return timing;
    },
  };
  return [matMul, mlp, rnn("lstm"), rnn("gru"), gnn];
}

/** Runs every task on every backend (tasks outermost, so backends alternate) and returns the timings. */
export async function runBackendBench(options: BackendBenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log === false ? () => undefined : (options.log ?? ((l: string) => console.log(l)));
  await loadTf({ log: options.log === false ? false : log });
  let backends = options.backends;
  if (backends === undefined) {
    backends = [];
    for (const b of ["cpu", "wasm", "tensorflow"] as TfBackendName[]) {
      const p = await probeBackend(b);
      if (p.ok) backends.push(b);
      else log(`bench: ${b} not timed (${p.reason})`);
    }
  }
  const rows: BenchRow[] = [];
  for (const task of benchTasks(options.quick ?? false)) {
    const row: BenchRow = { task: task.name, unit: task.unit, timing: {} };
    for (const b of backends) {
      const timing = await withBackend(b, task.run);
      row.timing[b] = timing;
      log(`bench: ${task.name} on ${b}: ${timing.wallMs.toFixed(1)} ms wall, ${timing.cpuMs.toFixed(1)} ms CPU`);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * A plain-text (Markdown) table of the timings with the wasm speed-up over cpu (cpu ms / wasm ms), for the
 * wall-clock times or for the process CPU times.
 */
export function formatBenchTable(rows: BenchRow[], measure: keyof Timing = "wallMs"): string {
  const what = measure === "wallMs" ? "wall ms" : "CPU ms";
  const backends = (["cpu", "wasm", "tensorflow"] as TfBackendName[]).filter((b) => rows.some((r) => r.timing[b] !== undefined));
  const header = ["workload", "measure", ...backends.map((b) => `${b} ${what}`), "wasm speed-up (cpu/wasm)"];
  const body = rows.map((r) => {
    const cpu = r.timing.cpu?.[measure];
    const wasm = r.timing.wasm?.[measure];
    const ratio = cpu !== undefined && wasm !== undefined && wasm > 0 ? `${(cpu / wasm).toFixed(2)}×` : "–";
    const cell = (b: TfBackendName) => {
      const v = r.timing[b]?.[measure];
      return v !== undefined ? v.toFixed(1) : "–";
    };
    return [r.task, r.unit, ...backends.map(cell), ratio];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const fmt = (cells: string[]) =>
    "| " + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  const sep = "|" + widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [fmt(header), sep, ...body.map(fmt)].join("\n");
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const cpus = os.cpus();
  console.log(
    `bench:tf — tfjs ${tf.version_core}, Node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, ` +
      `load average ${os.loadavg()[0].toFixed(2)}${quick ? ", --quick sizes" : ""}`,
  );
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const rows = await runBackendBench({ quick });
  console.log("\nWall-clock time:\n" + formatBenchTable(rows, "wallMs"));
  console.log("\nCPU time of this process (less sensitive to other load on the machine):\n" + formatBenchTable(rows, "cpuMs"));
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `\nbench:tf finished in ${((performance.now() - started) / 1000).toFixed(1)} s wall, ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; load average now ${os.loadavg()[0].toFixed(2)}`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
