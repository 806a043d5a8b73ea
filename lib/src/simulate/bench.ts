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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
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
  wall_ms: number;
  cpu_ms: number;
  nfev: number;
  njev: number;
  nlu: number;
  csn: number;
  csp: number;
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
  console.log(`times: median of ${repeats} runs after untimed warm-up runs (≥ 3 and ≥ 1 s per model); "cold" is the first run in this process (includes JIT compilation)`);
  console.log("");
  console.log("set          model  points  steps (rej)  Newton  Jacobians  LU   wall [ms]  CPU [ms]  cold [ms]  capacity [A.h]");
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
      const row: Row = { set, model: name, wallMs: median(walls), cpuMs: median(cpuTimes), coldMs: cold.wallMs, sol };
      rows.push(row);
      const s = sol.stats;
      const Q = sol.get("Discharge capacity [A.h]");
      console.log(
        `${set.padEnd(12)} ${name.padEnd(6)} ${String(sol.length).padStart(6)}  ${`${s.steps} (${s.rejectedSteps})`.padStart(11)}  ${String(s.newtonIterations).padStart(6)}  ${String(s.jacobians).padStart(9)}  ${String(s.factorizations).padStart(3)}  ` +
          `${row.wallMs.toFixed(1).padStart(9)}  ${row.cpuMs.toFixed(1).padStart(8)}  ${row.coldMs.toFixed(1).padStart(9)}  ${Q[Q.length - 1].toFixed(4).padStart(14)}`,
      );
      if (name !== "DFN") {
        const cfg = scipyConfig(set, name, createModel(name, params), current);
        if (typeof cfg === "string") scipySkips.push(`${set} ${name}: ${cfg}`);
        else if (set === "Marquis2019") scipyConfigs[name] = cfg;
      }
    }
  }
  console.log("");
  console.log("Reference measured in this run: scipy solve_ivp(method=\"BDF\") on the same discretisation, rtol 1e-4, the model's atol,");
  console.log("tridiagonal jac_sparsity (scripts/bench-simulate-scipy.py), Marquis2019, 0-3600 s; ratio = scipy time / our time (> 1: we are faster)");
  const sp = runScipy(scipyConfigs, repeats);
  if (typeof sp === "string") console.log(`  scipy reference skipped: ${sp}`);
  else {
    console.log(`  scipy ${sp.scipy}`);
    console.log("  model  scipy wall [ms]  scipy CPU [ms]  scipy nfev/njev/nlu  our wall [ms]  our CPU [ms]  ratio wall  ratio CPU  max rel. diff of surface conc. at 3600 s");
    for (const r of sp.results) {
      const ours = rows.find((x) => x.set === "Marquis2019" && x.model === r.model);
      if (!ours) continue;
      const csn = ours.sol.get("Negative particle surface concentration [mol.m-3]");
      const csp = ours.sol.get("Positive particle surface concentration [mol.m-3]");
      const diff = Math.max(Math.abs(csn[csn.length - 1] / r.csn - 1), Math.abs(csp[csp.length - 1] / r.csp - 1));
      console.log(
        `  ${r.model.padEnd(5)}  ${r.wall_ms.toFixed(1).padStart(15)}  ${r.cpu_ms.toFixed(1).padStart(14)}  ${`${r.nfev}/${r.njev}/${r.nlu}`.padStart(19)}  ${ours.wallMs.toFixed(1).padStart(13)}  ${ours.cpuMs.toFixed(1).padStart(12)}  ` +
          `${(r.wall_ms / ours.wallMs).toFixed(2).padStart(10)}  ${(r.cpu_ms / ours.cpuMs).toFixed(2).padStart(9)}  ${diff.toExponential(1)}`,
      );
    }
  }
  for (const s of scipySkips) console.log(`  (no scipy reference for ${s})`);
  console.log("  DFN: no scipy reference (a DAE: its potentials are algebraic, which solve_ivp cannot integrate)");
  console.log("");
  console.log("Published, not measured here (PyBaMM IDAKLU, Marquis2019 one-hour 1C, as published by PyBaMM; another machine):");
  for (const name of ["SPM", "SPMe", "DFN"] as ModelName[]) {
    const ours = rows.find((x) => x.set === "Marquis2019" && x.model === name);
    if (!ours) continue;
    console.log(`  ${name.padEnd(5)} PyBaMM ${PYBAMM_PUBLISHED_MS[name].toFixed(1).padStart(5)} ms published; ours ${ours.wallMs.toFixed(1)} ms wall, ${ours.cpuMs.toFixed(1)} ms CPU (published/ours CPU ${(PYBAMM_PUBLISHED_MS[name] / ours.cpuMs).toFixed(2)}, indicative only)`);
  }
  console.log("");
  const chen = parameterValues("Chen2020");
  const exp = new Experiment(["Discharge at 1C until 2.5 V", "Charge at 1C until 4.2 V", "Hold at 4.2 V until C/20"], { cycles: nCycles });
  const run = timed(() => simulate(createModel("SPMe", chen), exp, { saveStates: false, solver: { method: METHOD } }));
  const sol = run.value;
  const last = sol.cycles[sol.cycles.length - 1];
  const L = sol.get("Total lithium [mol]");
  console.log(
    `SPMe Chen2020 ${nCycles}-cycle CC-CV (1C discharge to 2.5 V, 1C charge to 4.2 V, hold to C/20): ${(run.wallMs / 1000).toFixed(2)} s wall, ${(run.cpuMs / 1000).toFixed(2)} s CPU, ` +
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
  const t0 = performance.now();
  const points = mode === "none" ? 0 : simulate(model, exp, { saveStates: mode === "kept", initialSoc: 0.5 }).length;
  console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, points, seconds: (performance.now() - t0) / 1000 }));
}

/** Peak memory of a long DFN drive cycle with and without saved states, each in a fresh process. */
function memoryComparison(): void {
  if (process.env.BENCH_MEMORY === "0") return;
  const count = Number(process.env.BENCH_MEMORY_ROWS ?? 20000);
  const run = (mode: string): { maxRssMB: number; points: number; seconds: number } | string => {
    const r = spawnSync(process.execPath, [__filename, "--memory-child", mode, String(count)], { encoding: "utf8", timeout: 600_000 });
    if (r.status !== 0) return `exited with ${r.status}: ${(r.stderr || "").trim().split("\n").pop()}`;
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
  };
  const none = run("none");
  const kept = run("kept");
  const lean = run("lean");
  console.log("");
  console.log(`Memory: Chen2020 DFN, a ${count}-row drive cycle (1 s rows, ±2 A sinusoid from 50 % SOC), peak resident set size of a fresh process (BENCH_MEMORY=0 skips)`);
  if (typeof none === "string" || typeof kept === "string" || typeof lean === "string") {
    console.log(`  skipped: ${[none, kept, lean].filter((x) => typeof x === "string").join("; ")}`);
    return;
  }
  console.log(`  library and model loaded, nothing simulated: ${none.maxRssMB.toFixed(0)} MB`);
  console.log(`  saveStates: true  ${kept.maxRssMB.toFixed(0)} MB (${kept.points} points, ${kept.seconds.toFixed(1)} s)`);
  console.log(`  saveStates: false ${lean.maxRssMB.toFixed(0)} MB (${lean.points} points, ${lean.seconds.toFixed(1)} s)`);
  const grow = (x: number): number => (x - none.maxRssMB) * 1024 / Math.max(1, kept.points);
  console.log(`  growth over the loaded process: ${grow(kept.maxRssMB).toFixed(1)} vs ${grow(lean.maxRssMB).toFixed(1)} kB per point (ratio ${((kept.maxRssMB - none.maxRssMB) / (lean.maxRssMB - none.maxRssMB)).toFixed(1)})`);
}

if (process.argv[2] === "--memory-child") memoryChild(process.argv[3] as "kept" | "lean" | "none", Number(process.argv[4]));
else {
  main();
  memoryComparison();
}
