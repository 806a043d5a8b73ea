/**
 * Benchmark of the simulator (`npm run bench:simulate`): solve time of a 1C discharge for SPM, SPMe and DFN at
 * PyBaMM's default mesh (Marquis2019 and Chen2020), and a 100-cycle CC-CV run of the SPMe.
 * PyBaMM's published solve times for a one-hour 1 A discharge with Marquis2019 (IDAKLU solver):
 * SPM 15.6 ms, SPMe 32.6 ms, DFN 68.2 ms.
 *
 * Options (environment): BENCH_REPEATS (default 5), BENCH_CYCLES (default 100).
 */
import { parameterValues } from "./parameters";
import { createModel, ModelName } from "./models";
import { simulate } from "./simulation";
import { Experiment } from "./experiment";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const repeats = Number(process.env.BENCH_REPEATS ?? 5);
  const nCycles = Number(process.env.BENCH_CYCLES ?? 100);
  const published: Record<ModelName, number> = { SPM: 15.6, SPMe: 32.6, DFN: 68.2 };
  console.log(`battery-mi/simulate benchmark (median of ${repeats} runs; default mesh 20 cells per domain/particle; rtol 1e-4)`);
  console.log("set          model  points  solve [ms]  PyBaMM IDAKLU [ms]  capacity [A.h]");
  for (const set of ["Marquis2019", "Chen2020"] as const) {
    const params = parameterValues(set);
    for (const name of ["SPM", "SPMe", "DFN"] as ModelName[]) {
      const times: number[] = [];
      let points = 0;
      let q = 0;
      for (let r = 0; r < repeats; r++) {
        const model = createModel(name, params);
        const t0 = performance.now();
        // one hour at 1C, stopping at the lower cut-off (PyBaMM's default experiment for the set)
        const sol = simulate(model, { current: params.number("Current function [A]"), duration: 3600 }, { saveStates: false });
        times.push(performance.now() - t0);
        points = sol.length;
        const Q = sol.get("Discharge capacity [A.h]");
        q = Q[Q.length - 1];
      }
      const ref = set === "Marquis2019" ? published[name].toFixed(1) : "-";
      console.log(`${set.padEnd(12)} ${name.padEnd(6)} ${String(points).padStart(6)}  ${median(times).toFixed(1).padStart(10)}  ${ref.padStart(18)}  ${q.toFixed(4).padStart(14)}`);
    }
  }
  const chen = parameterValues("Chen2020");
  const exp = new Experiment(["Discharge at 1C until 2.5 V", "Charge at 1C until 4.2 V", "Hold at 4.2 V until C/20"], { cycles: nCycles });
  const t0 = performance.now();
  const sol = simulate(createModel("SPMe", chen), exp, { saveStates: false });
  const ms = performance.now() - t0;
  const last = sol.cycles[sol.cycles.length - 1];
  const L = sol.get("Total lithium [mol]");
  console.log(
    `SPMe Chen2020 ${nCycles}-cycle CC-CV (1C discharge to 2.5 V, 1C charge to 4.2 V, hold to C/20): ${(ms / 1000).toFixed(2)} s, ` +
      `${sol.length} points, ${sol.cycles.length} cycles completed (${sol.termination}); last-cycle discharge ${last["Discharge capacity [A.h]"].toFixed(4)} A.h; ` +
      `relative lithium change ${((L[L.length - 1] - L[0]) / L[0]).toExponential(2)}`,
  );
}

main();
