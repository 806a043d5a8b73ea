// Prints the figures quoted in the simulate report: node --import tsx tests/reference/simulate/figures.ts
import { parameterValues, spm, spme, dfn, simulate, Experiment } from "../../../lib/src/simulate";

function at(t: Float64Array, v: Float64Array, x: number): number {
  let i = 1;
  while (i < t.length - 1 && t[i] < x) i++;
  const w = (x - t[i - 1]) / (t[i] - t[i - 1]);
  return v[i - 1] + w * (v[i] - v[i - 1]);
}
function diff(a: ReturnType<typeof simulate>, b: ReturnType<typeof simulate>, from: number, vStop: number): { max: number; at: number } {
  const ta = a.get("Time [s]"), Va = a.get("Voltage [V]"), tb = b.get("Time [s]"), Vb = b.get("Voltage [V]");
  let m = 0, where = 0;
  for (let x = from; x < Math.min(ta[ta.length - 1], tb[tb.length - 1]); x += 10) {
    if (at(ta, Va, x) < vStop) break;
    const d = Math.abs(at(ta, Va, x) - at(tb, Vb, x));
    if (d > m) { m = d; where = x; }
  }
  return { max: m, at: where };
}
const chen = parameterValues("Chen2020");
const which = process.argv[2] ?? "all";
if (which === "all" || which === "capacity") {
  for (const mk of [spm, spme, dfn]) {
    const s = simulate(mk(chen), "Discharge at 1C until 2.5 V", { saveStates: false });
    console.log(`Chen2020 ${s.model.name} 1C to 2.5 V: ${s.get("Discharge capacity [A.h]").at(-1)!.toFixed(4)} A.h, final V ${s.get("Voltage [V]").at(-1)!.toFixed(5)}`);
  }
}
if (which === "all" || which === "conservation") {
  const exp = new Experiment(["Discharge at 1C until 2.5 V", "Rest for 1 hour", "Charge at 0.5C until 4.2 V", "Hold at 4.2 V until 50 mA"]);
  for (const mk of [spm, spme, dfn]) {
    const s = simulate(mk(chen), exp, { saveStates: false });
    const L = s.get("Total lithium [mol]");
    console.log(`Chen2020 ${s.model.name} full CC-CV cycle: relative lithium change ${((L.at(-1)! - L[0]) / L[0]).toExponential(2)} (${s.length} points, ${s.stats.solveTimeMs.toFixed(0)} ms)`);
  }
}
if (which === "all" || which === "mesh") {
  const opts = { saveStates: false, solver: { rtol: 1e-5, maxStep: 20 } };
  for (const mk of [spme, dfn]) {
    const a = simulate(mk(chen), "Discharge at 1C until 2.5 V", opts);
    const b = simulate(mk(chen, { mesh: { xn: 40, xs: 40, xp: 40, rn: 40, rp: 40 } }), "Discharge at 1C until 2.5 V", opts);
    const all = diff(a, b, 0, 2.5), late = diff(a, b, 120, 3.2), tail = diff(a, b, 120, 2.6);
    console.log(`Chen2020 ${a.model.name} 1C default vs 2x mesh: max |dV| ${(all.max * 1000).toFixed(2)} mV (t=${all.at} s); from 120 s to V=3.2 V ${(late.max * 1000).toFixed(2)} mV; to 2.6 V ${(tail.max * 1000).toFixed(2)} mV (t=${tail.at} s)`);
  }
}
if (which === "all" || which === "rates") {
  for (const rate of ["C/50", "1C", "2C"]) {
    const sols = [spm, spme, dfn].map((mk) => simulate(mk(chen), `Discharge at ${rate} until 2.5 V`, { saveStates: false, solver: { maxStep: rate === "C/50" ? 300 : 20 } }));
    const m1 = diff(sols[0], sols[2], 0, 2.6), m2 = diff(sols[1], sols[2], 0, 2.6);
    console.log(`Chen2020 ${rate}: max |V_SPM − V_DFN| ${(m1.max * 1000).toFixed(1)} mV, max |V_SPMe − V_DFN| ${(m2.max * 1000).toFixed(1)} mV (until 2.6 V)`);
  }
}
