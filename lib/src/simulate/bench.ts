/**
 * Benchmark of the simulator (`npm run bench:simulate`): solve time of a one-hour 1C discharge for SPM, SPMe and
 * DFN at PyBaMM's default mesh (Marquis2019 and Chen2020), and a 100-cycle CC-CV run of the SPMe.
 *
 * Speed claims come from a reference measured in the same run: the SPM and SPMe, on the same discretisation and
 * at the same tolerances, solved by scipy's `solve_ivp(method="BDF")` (scripts/bench-simulate-scipy.py), timed in
 * Python, with ratios printed. PyBaMM's published IDAKLU solve times (another machine) are printed as published
 * figures, labelled as such, never as measurements.
 *
 * Times are reported as wall time and as process CPU time (`process.cpuUsage`, all threads of the process), since
 * the benchmark machine may be shared: CPU time is the steadier of the two under load. Each figure is the median of
 * BENCH_REPEATS runs after untimed warm-up runs (at least 3 and at least 1 s, so V8 has compiled the hot code with
 * its optimising tier, as PyBaMM's figures exclude its model compilation); the cold first run is shown separately.
 *
 * Options (environment): BENCH_REPEATS (default 5), BENCH_CYCLES (default 100), BENCH_PYTHON (default
 * /usr/bin/python3, then python3), BENCH_SCIPY=0 to skip the scipy reference, BENCH_METHOD=bdf2 for the fixed-order
 * BDF2 integrator (default: the variable-order "bdf", the solver's default).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parameterValues, FARADAY } from "./parameters";
import { createModel, DEFAULT_MESH, ModelName, CellModel, SphereMesh } from "./models";
import { simulate, Solution } from "./simulation";
import { Experiment, step } from "./experiment";

/** PyBaMM's published solve times [ms] for a one-hour 1C discharge with Marquis2019 (IDAKLU solver), not measured here. */
const PYBAMM_PUBLISHED_MS: Record<ModelName, number> = { SPM: 15.6, SPMe: 32.6, DFN: 68.2 };

/** The q-quantile of `xs` by linear interpolation (numpy's default): q = 0.5 is the median (the mean of the two middle values for an even count, as np.median). */
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (pos - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** Wall and CPU milliseconds of `f` (CPU: user + system of the whole process). */
function timed<T>(f: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

interface Row {
  set: string;
  model: ModelName;
  wallMs: number;
  /** Fastest and interquartile range of the timed runs [ms]. */
  wallMinMs: number;
  wallP25Ms: number;
  wallP75Ms: number;
  cpuMs: number;
  coldMs: number;
  sol: Solution;
}

const DISCHARGE_S = 3600;
/** Integration method under test (SolverOptions.method). */
const METHOD: "bdf" | "bdf2" = process.env.BENCH_METHOD === "bdf2" ? "bdf2" : "bdf";

function runDischarge(model: CellModel, current: number): Solution {
  // one hour at 1C, stopping at the lower cut-off (PyBaMM's default experiment for the set)
  return simulate(model, { current, duration: DISCHARGE_S }, { saveStates: false, solver: { method: METHOD } });
}

/**
 * The SPM/SPMe discretisation's numbers for the scipy reference, computed from the TypeScript model's cell data so
 * both sides solve the same equations. Returns a reason string when the set is not one the script implements.
 */
function scipyConfig(set: string, name: "SPM" | "SPMe", model: CellModel, current: number): Record<string, unknown> | string {
  if (set !== "Marquis2019") return "the Python script implements Marquis2019's property functions only";
  const c = model.cell;
  const T = c.T;
  const Dn = c.neg.D(0.5, T);
  const Dp = c.pos.D(0.5, T);
  if (c.neg.D(0.1, T) !== Dn || c.pos.D(0.1, T) !== Dp) return "particle diffusivities depend on concentration";
  const m = DEFAULT_MESH;
  const i = current / c.area;
  const dx: number[] = [];
  const Be: number[] = [];
  const eps: number[] = [];
  const src: number[] = [];
  for (const [count, L, be, ep, s] of [
    [m.xn, c.neg.L, c.neg.Be, c.neg.eps, ((1 - c.tplus) * i) / (c.neg.L * FARADAY)],
    [m.xs, c.Ls, c.BeSep, c.epsSep, 0],
    [m.xp, c.pos.L, c.pos.Be, c.pos.eps, (-(1 - c.tplus) * i) / (c.pos.L * FARADAY)],
  ] as const) {
    for (let k = 0; k < count; k++) {
      dx.push(L / count);
      Be.push(be);
      eps.push(ep);
      src.push(s);
    }
  }
  const y0 = model.initialState();
  return {
    rn: m.rn,
    rp: m.rp,
    facesN: Array.from(new SphereMesh(m.rn, c.neg.Rp, m.particleGrading).faces),
    facesP: Array.from(new SphereMesh(m.rp, c.pos.Rp, m.particleGrading).faces),
    Dn,
    Dp,
    jn: current / (c.area * c.neg.a * c.neg.L),
    jp: -current / (c.area * c.pos.a * c.pos.L),
    cn0: y0[0],
    cp0: y0[m.rn],
    ce0: c.ce0,
    dx: name === "SPMe" ? dx : [],
    Be,
    eps,
    src,
    atol: Array.from(model.system.atol),
    rtol: 1e-4,
    tEnd: DISCHARGE_S,
  };
}

interface ScipyResult {
  model: string;
  method: string;
  wall_ms: number;
  wall_min_ms: number;
  cpu_ms: number;
  nfev: number;
  njev: number;
  nlu: number;
  y_end: number[];
}

/**
 * The largest relative difference between our final state of the Marquis2019 1C discharge (a run that keeps its states)
 * and `yEnd`, entry by entry (particles, then the SPMe's electrolyte), relative to each entry's size.
 */
function finalStateDifference(model: ModelName, yEnd: number[]): number {
  const params = parameterValues("Marquis2019");
  const sol = simulate(createModel(model, params), { current: params.number("Current function [A]"), duration: DISCHARGE_S }, { solver: { method: METHOD } });
  const y = sol.state(sol.length - 1);
  if (y.length < yEnd.length) return NaN;
  let worst = 0;
  for (let i = 0; i < yEnd.length; i++) worst = Math.max(worst, Math.abs(y[i] - yEnd[i]) / Math.max(Math.abs(yEnd[i]), 1e-12));
  return worst;
}

/** Runs the scipy reference; returns its results or the reason it was skipped. */
function runScipy(configs: Record<string, Record<string, unknown>>, repeats: number): { scipy: string; results: ScipyResult[] } | string {
  if (process.env.BENCH_SCIPY === "0") return "BENCH_SCIPY=0";
  const script = join(__dirname, "..", "..", "..", "scripts", "bench-simulate-scipy.py");
  if (!existsSync(script)) return `script not found at ${script}`;
  const models = Object.keys(configs);
  if (models.length === 0) return "no model to compare";
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ["/usr/bin/python3", "python3"];
  let last = "";
  for (const py of candidates) {
    const r = spawnSync(py, [script, JSON.stringify({ models, repeats, ...configs })], { encoding: "utf8", timeout: 600_000 });
    if (r.error) {
      last = `${py}: ${r.error.message}`;
      continue;
    }
    if (r.status !== 0) {
      const err = r.stderr.trim().split("\n").pop() ?? "";
      last = `${py} exited with ${r.status}: ${err}`;
      if (/No module named/.test(err)) return `${py} has no scipy/numpy (${err})`;
      continue;
    }
    return JSON.parse(r.stdout) as { scipy: string; results: ScipyResult[] };
  }
  return last || "no Python interpreter found";
}

function main(): void {
  const repeats = Number(process.env.BENCH_REPEATS ?? 5);
  const nCycles = Number(process.env.BENCH_CYCLES ?? 100);
  console.log(`battery-mi/simulate benchmark: one-hour 1C discharge, default mesh (20 cells per domain/particle), rtol 1e-4, integrator "${METHOD}"`);
  console.log(`machine: ${cpus().length} logical CPUs (${cpus()[0]?.model ?? "?"}), load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}; node ${process.version}`);
  console.log(`times: wall-clock median of ${repeats} timed runs, with the fastest and the interquartile range, after untimed warm-up runs (at least 3, and up to 50 within 1 s); CPU: the process's user + system time (V8's compiler and GC threads included, so it can exceed wall)`);
  console.log(`"first run": the first run of each model in this process, model building and JIT compilation of code paths the models before it did not use included (the first row is the only truly cold one)`);
  console.log("");
  console.log("set          model  points  steps (rej)  Newton  Jacobians  LU   wall [ms]  (min, IQR)            CPU [ms]  first run [ms]  capacity [A.h]");
  const rows: Row[] = [];
  const scipyConfigs: Record<string, Record<string, unknown>> = {};
  const scipySkips: string[] = [];
  for (const set of ["Marquis2019", "Chen2020"] as const) {
    const params = parameterValues(set);
    const current = params.number("Current function [A]");
    for (const name of ["SPM", "SPMe", "DFN"] as ModelName[]) {
      const cold = timed(() => runDischarge(createModel(name, params), current));
      const warmStart = performance.now();
      for (let w = 0; w < 50 && (w < 3 || performance.now() - warmStart < 1000); w++) runDischarge(createModel(name, params), current);
      const walls: number[] = [];
      const cpuTimes: number[] = [];
      let sol = cold.value;
      for (let r = 0; r < repeats; r++) {
        const model = createModel(name, params);
        const t = timed(() => runDischarge(model, current));
        walls.push(t.wallMs);
        cpuTimes.push(t.cpuMs);
        sol = t.value;
      }
      const row: Row = { set, model: name, wallMs: median(walls), wallMinMs: Math.min(...walls), wallP25Ms: quantile(walls, 0.25), wallP75Ms: quantile(walls, 0.75), cpuMs: median(cpuTimes), coldMs: cold.wallMs, sol };
      rows.push(row);
      const s = sol.stats;
      const Q = sol.get("Discharge capacity [A.h]");
      console.log(
        `${set.padEnd(12)} ${name.padEnd(6)} ${String(sol.length).padStart(6)}  ${`${s.steps} (${s.rejectedSteps})`.padStart(11)}  ${String(s.newtonIterations).padStart(6)}  ${String(s.jacobians).padStart(9)}  ${String(s.factorizations).padStart(3)}  ` +
          `${row.wallMs.toFixed(1).padStart(9)}  ${`(${row.wallMinMs.toFixed(1)}, ${row.wallP25Ms.toFixed(1)}–${row.wallP75Ms.toFixed(1)})`.padEnd(20)}  ${row.cpuMs.toFixed(1).padStart(8)}  ${row.coldMs.toFixed(1).padStart(14)}  ${Q[Q.length - 1].toFixed(4).padStart(14)}`,
      );
      if (name !== "DFN") {
        const cfg = scipyConfig(set, name, createModel(name, params), current);
        if (typeof cfg === "string") scipySkips.push(`${set} ${name}: ${cfg}`);
        else if (set === "Marquis2019") scipyConfigs[name] = cfg;
      }
    }
  }
  console.log("");
  console.log("Reference measured in this run: scipy solve_ivp on the same discretisation, rtol 1e-4, the model's atol, Marquis2019, 0-3600 s,");
  console.log("by \"BDF\" (sparse FD Jacobian coloured by the tridiagonal structure) and \"LSODA\" (ODEPACK, banded Jacobian lband = uband = 1)");
  console.log("(scripts/bench-simulate-scipy.py); ratio = scipy wall / our wall (> 1: we are faster), medians and fastest runs; the claim is the ratio");
  console.log("against the faster scipy method. Agreement: the largest relative difference over every entry of the final state (particles and electrolyte).");
  console.log("Not the same work: scipy returns the state at its own steps; ours also stores points where the voltage bends (its linear interpolation");
  console.log("within 0.5 mV), builds the experiment and its events, and evaluates every output variable (about 50) at each stored point.");
  const sp = runScipy(scipyConfigs, repeats);
  if (typeof sp === "string") console.log(`  scipy reference skipped: ${sp}`);
  else {
    console.log(`  scipy ${sp.scipy}`);
    console.log("  model  method  scipy wall [ms] (min)  scipy nfev/njev/nlu  our wall [ms] (min)  ratio median  ratio min  final-state diff");
    for (const r of sp.results) {
      const ours = rows.find((x) => x.set === "Marquis2019" && x.model === r.model);
      if (!ours) continue;
      const diff = finalStateDifference(r.model as ModelName, r.y_end);
      console.log(
        `  ${r.model.padEnd(5)}  ${r.method.padEnd(6)}  ${`${r.wall_ms.toFixed(1)} (${r.wall_min_ms.toFixed(1)})`.padStart(21)}  ${`${r.nfev}/${r.njev}/${r.nlu}`.padStart(19)}  ${`${ours.wallMs.toFixed(1)} (${ours.wallMinMs.toFixed(1)})`.padStart(19)}  ` +
          `${(r.wall_ms / ours.wallMs).toFixed(2).padStart(12)}  ${(r.wall_min_ms / ours.wallMinMs).toFixed(2).padStart(9)}  ${diff.toExponential(1).padStart(16)}`,
      );
    }
    for (const model of new Set(sp.results.map((r) => r.model))) {
      const ours = rows.find((x) => x.set === "Marquis2019" && x.model === model);
      const fastest = sp.results.filter((r) => r.model === model).sort((a, b) => a.wall_ms - b.wall_ms)[0];
      if (ours && fastest) console.log(`  ${model}: against the faster scipy method (${fastest.method}) we are ${(fastest.wall_ms / ours.wallMs).toFixed(2)}× (medians), ${(fastest.wall_min_ms / ours.wallMinMs).toFixed(2)}× (fastest runs)`);
    }
  }
  for (const s of scipySkips) console.log(`  (no scipy reference for ${s})`);
  console.log("  DFN: no scipy reference (a DAE: its potentials are algebraic, which solve_ivp cannot integrate)");
  console.log("");
  console.log("Published, not measured here (PyBaMM IDAKLU, Marquis2019 one-hour 1C, as published by PyBaMM; another machine):");
  for (const name of ["SPM", "SPMe", "DFN"] as ModelName[]) {
    const ours = rows.find((x) => x.set === "Marquis2019" && x.model === name);
    if (!ours) continue;
    console.log(`  ${name.padEnd(5)} PyBaMM ${PYBAMM_PUBLISHED_MS[name].toFixed(1).padStart(5)} ms published; ours ${ours.wallMs.toFixed(1)} ms wall (fastest ${ours.wallMinMs.toFixed(1)}) (published/ours ${(PYBAMM_PUBLISHED_MS[name] / ours.wallMs).toFixed(2)}, wall against wall, indicative only)`);
  }
  console.log("");
  const chen = parameterValues("Chen2020");
  const exp = new Experiment(["Discharge at 1C until 2.5 V", "Charge at 1C until 4.2 V", "Hold at 4.2 V until C/20"], { cycles: nCycles });
  // three runs after the models above warmed the code: the median and the fastest
  const runs = [0, 1, 2].map(() => timed(() => simulate(createModel("SPMe", chen), exp, { saveStates: false, solver: { method: METHOD } })));
  const run = runs.sort((a, b) => a.wallMs - b.wallMs)[1];
  const sol = run.value;
  const last = sol.cycles[sol.cycles.length - 1];
  const L = sol.get("Total lithium [mol]");
  console.log(
    `SPMe Chen2020 ${nCycles}-cycle CC-CV (1C discharge to 2.5 V, 1C charge to 4.2 V, hold to C/20), median of 3 runs: ${(run.wallMs / 1000).toFixed(2)} s wall (fastest ${(runs[0].wallMs / 1000).toFixed(2)} s), ${(run.cpuMs / 1000).toFixed(2)} s CPU, ` +
      `${sol.length} points, ${sol.stats.steps} steps, ${sol.cycles.length} cycles completed (${sol.termination}); last-cycle discharge ${last["Discharge capacity [A.h]"].toFixed(4)} A.h; ` +
      `relative lithium change ${((L[L.length - 1] - L[0]) / L[0]).toExponential(2)}`,
  );
}

/** Rows of the memory run's drive cycle: 1 s rows of a ±2 A sinusoid (60 s period) about 0 A, from 50 % SOC. */
function memoryRows(count: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i <= count; i++) rows.push([i, 2 * Math.sin((2 * Math.PI * i) / 60)]);
  return rows;
}

/**
 * Child process of the memory comparison: a Chen2020 DFN drive cycle with or without saved states ("none": loads the
 * library, builds the model and rows, does not simulate). Prints its peak resident set size as JSON.
 */
function memoryChild(mode: "kept" | "lean" | "none", count: number): void {
  const model = createModel("DFN", parameterValues("Chen2020"));
  const exp = new Experiment([step.current(memoryRows(count))]);
  // what the solution holds once garbage is collected (the child runs with --expose-gc): the peak RSS also counts
  // garbage not yet collected, which is most of it without saved states
  const gc = (globalThis as { gc?: () => void }).gc;
  const held = (): number => {
    gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = held();
  const t0 = performance.now();
  const sol = mode === "none" ? undefined : simulate(model, exp, { saveStates: mode === "kept", initialSoc: 0.5 });
  const seconds = (performance.now() - t0) / 1000;
  const retainedMiB = (held() - before) / 1048576;
  console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, retainedMiB: gc ? retainedMiB : NaN, points: sol?.length ?? 0, seconds }));
}

/** Peak memory of a long DFN drive cycle with and without saved states, each in a fresh process. */
function memoryComparison(): void {
  if (process.env.BENCH_MEMORY === "0") return;
  const count = Number(process.env.BENCH_MEMORY_ROWS ?? 20000);
  const run = (mode: string): { maxRssMB: number; retainedMiB: number; points: number; seconds: number } | string => {
    const r = spawnSync(process.execPath, ["--expose-gc", __filename, "--memory-child", mode, String(count)], { encoding: "utf8", timeout: 600_000 });
    if (r.status !== 0) return `exited with ${r.status}: ${(r.stderr || "").trim().split("\n").pop()}`;
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
  };
  const none = run("none");
  const kept = run("kept");
  const lean = run("lean");
  console.log("");
  console.log(`Memory: Chen2020 DFN, a ${count}-row drive cycle (1 s rows, ±2 A sinusoid from 50 % SOC), each in a fresh process: peak resident set size, and what the solution retains after garbage collection (BENCH_MEMORY=0 skips); MiB`);
  if (typeof none === "string" || typeof kept === "string" || typeof lean === "string") {
    console.log(`  skipped: ${[none, kept, lean].filter((x) => typeof x === "string").join("; ")}`);
    return;
  }
  console.log(`  library and model loaded, nothing simulated: peak ${none.maxRssMB.toFixed(0)} MiB`);
  console.log(`  saveStates: true  peak ${kept.maxRssMB.toFixed(0)} MiB, retained ${kept.retainedMiB.toFixed(1)} MiB (${kept.points} points, ${kept.seconds.toFixed(1)} s)`);
  console.log(`  saveStates: false peak ${lean.maxRssMB.toFixed(0)} MiB, retained ${lean.retainedMiB.toFixed(1)} MiB (${lean.points} points, ${lean.seconds.toFixed(1)} s)`);
  const perPoint = (x: number): number => (x * 1024) / Math.max(1, kept.points);
  console.log(
    `  retained per point: ${perPoint(kept.retainedMiB).toFixed(2)} vs ${perPoint(lean.retainedMiB).toFixed(2)} KiB (ratio ${(kept.retainedMiB / lean.retainedMiB).toFixed(1)}); ` +
      `peak growth over the loaded process: ${perPoint(kept.maxRssMB - none.maxRssMB).toFixed(1)} vs ${perPoint(lean.maxRssMB - none.maxRssMB).toFixed(1)} KiB per point`,
  );
}

if (process.argv[2] === "--memory-child") memoryChild(process.argv[3] as "kept" | "lean" | "none", Number(process.argv[4]));
else {
  main();
  memoryComparison();
}
