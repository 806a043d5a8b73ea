// Measures how often the integrator rejects step attempts under power control against current control: for each
// parameter set, model and thermal option, a constant-power discharge to the cut-off and a constant-current discharge
// at the power run's mean current (so both cover about the same capacity and time), with accepted steps, rejected
// attempts split by cause (Newton failure / local-error test), Newton iterations, Jacobians and the median CPU time
// of REPEATS solves (default 5) after one untimed warm-up solve.
//
//   node --import tsx scripts/power-rejections.ts            (all cases)
//   node --import tsx scripts/power-rejections.ts DFN         (model filter)
import { parameterValues, createModel, simulate } from "../lib/src/simulate";
import type { ModelName, ParameterSetName, ThermalOption } from "../lib/src/simulate";

const filter = process.argv[2];
// powers near 1C for each cell (Chen2020: 5 A.h at ~3.6 V; Marquis2019: 0.68 A.h at ~3.7 V), and near 3C and 6C
const CASES: [ParameterSetName, string][] = [
  ["Chen2020", "Discharge at 15 W until 2.5 V"],
  ["Marquis2019", "Discharge at 2.5 W until 3.105 V"],
  ["Chen2020", "Discharge at 50 W until 2.5 V"],
  ["Marquis2019", "Discharge at 15 W until 3.105 V"],
];

interface Row {
  label: string;
  steps: number;
  rej: number;
  newton: number;
  errTest: number;
  its: number;
  jac: number;
  ms: number;
  end: number;
  cap: number;
}

/** Timed repetitions per case (the median time is reported; the machine may be shared). */
const REPEATS = Math.max(1, Number(process.env.REPEATS ?? 5));

function run(set: ParameterSetName, name: ModelName, thermal: ThermalOption, step: string): Row & { meanI: number } {
  const times: number[] = [];
  let sol = simulate(createModel(name, parameterValues(set), { thermal }), step, { saveStates: false });
  for (let r = 0; r < REPEATS; r++) {
    const model = createModel(name, parameterValues(set), { thermal });
    // process CPU time rather than wall time: the machine may be shared, and CPU time is the steadier of the two
    const c0 = process.cpuUsage();
    sol = simulate(model, step, { saveStates: false });
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const s = sol.stats;
  const t = sol.get("Time [s]");
  const Q = sol.get("Discharge capacity [A.h]");
  const end = t[t.length - 1];
  return {
    label: step,
    steps: s.steps,
    rej: s.rejectedSteps,
    newton: s.newtonFailures,
    errTest: s.errorTestFailures,
    its: s.newtonIterations,
    jac: s.jacobians,
    ms: times[Math.floor(times.length / 2)],
    end,
    cap: Q[Q.length - 1],
    meanI: (Q[Q.length - 1] * 3600) / end,
  };
}

const fmt = (r: Row): string =>
  `${r.label.padEnd(34)} ${String(r.steps).padStart(5)} ${String(r.rej).padStart(5)} ${((100 * r.rej) / (r.steps + r.rej)).toFixed(1).padStart(6)}% ` +
  `${String(r.newton).padStart(6)} ${String(r.errTest).padStart(7)} ${String(r.its).padStart(6)} ${String(r.jac).padStart(5)} ${r.ms.toFixed(0).padStart(7)} ${r.end.toFixed(0).padStart(6)} ${r.cap.toFixed(4).padStart(8)}`;

console.log(`${"set / model / thermal".padEnd(30)} ${"step".padEnd(34)} steps   rej  share newton errtest Newton   Jac CPU ms  end s  A.h`);
const total = { power: [0, 0, 0, 0], current: [0, 0, 0, 0] };
for (const [set, powerStep] of CASES) {
  for (const name of ["SPM", "SPMe", "DFN"] as ModelName[]) {
    if (filter && name !== filter) continue;
    for (const thermal of ["isothermal", "lumped"] as ThermalOption[]) {
      const p = run(set, name, thermal, powerStep);
      const c = run(set, name, thermal, `Discharge at ${p.meanI.toFixed(3)} A until ${powerStep.split("until ")[1]}`);
      const tag = `${set} ${name} ${thermal}`.padEnd(30);
      console.log(`${tag} ${fmt(p)}`);
      console.log(`${"".padEnd(30)} ${fmt(c)}`);
      for (const [k, r] of [["power", p], ["current", c]] as const) {
        total[k][0] += r.steps;
        total[k][1] += r.rej;
        total[k][2] += r.its;
        total[k][3] += r.ms;
      }
    }
  }
}
for (const k of ["power", "current"] as const) {
  const [acc, rej, its, ms] = total[k];
  console.log(`total ${k.padEnd(7)}: ${rej} rejected / ${acc} accepted (${((100 * rej) / (acc + rej)).toFixed(1)} % of ${acc + rej} attempts), ${its} Newton iterations, ${ms.toFixed(0)} ms CPU (sum of medians)`);
}
