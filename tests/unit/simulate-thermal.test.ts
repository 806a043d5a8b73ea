import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, spm, spme, dfn, simulate, lumpedThermalProperties, CellData, marquis2019GraphiteEntropicChange, Experiment, initialStoichiometries } from "../../lib/src/simulate";
import type { Solution } from "../../lib/src/simulate";

/** ∫(Total heating + contact heating − Total cooling) dt by the trapezoid rule over the stored points [J]. */
function netHeat(sol: Solution): number {
  const t = sol.get("Time [s]");
  const Q = sol.get("Total heating [W]");
  const Qc = sol.get("Lumped contact resistance heating [W]");
  const C = sol.get("Total cooling [W]");
  let E = 0;
  for (let i = 1; i < t.length; i++) E += 0.5 * (Q[i] + Q[i - 1] + Qc[i] + Qc[i - 1] - C[i] - C[i - 1]) * (t[i] - t[i - 1]);
  return E;
}

test("lumped thermal constants: ρc_p,eff matches the values derived in datasets-src (Ecker2015 2.76200e6, Marquis2019 1.81151e6 J.m-3.K-1)", () => {
  const e = lumpedThermalProperties(parameterValues("Ecker2015"));
  assert.ok(Math.abs(e.rhoCpEff / 2.762e6 - 1) < 1e-5, `${e.rhoCpEff}`);
  assert.ok(Math.abs(e.coolingCoefficient - 10 * 0.0172) < 1e-12);
  const m = lumpedThermalProperties(parameterValues("Marquis2019"));
  assert.ok(Math.abs(m.rhoCpEff / 1.81151e6 - 1) < 1e-5, `${m.rhoCpEff}`);
  // Chen2020 (our sum over the five layers with the CRC copper/aluminium collector values)
  const c = lumpedThermalProperties(parameterValues("Chen2020"));
  const expected = (8960 * 385 * 12e-6 + 1657 * 700 * 85.2e-6 + 397 * 700 * 12e-6 + 3262 * 700 * 75.6e-6 + 2700 * 897 * 16e-6) / 200.8e-6;
  assert.ok(Math.abs(c.rhoCpEff / expected - 1) < 1e-12);
});

test("the default stays isothermal: no temperature state, no heat outputs, the cell temperature is the ambient (as PyBaMM reports it); an unknown thermal option is rejected", () => {
  const p = parameterValues("Chen2020");
  const iso = dfn(p);
  const th = dfn(p, { thermal: "lumped" });
  assert.equal(iso.thermal, undefined);
  assert.equal(th.system.n, iso.system.n + 1);
  assert.equal(th.thermal?.index, iso.system.n);
  const sol = simulate(spm(p), { current: 5, duration: 60 }, { saveStates: false });
  assert.ok(sol.get("Cell temperature [K]").every((T) => T === 298.15));
  assert.ok(!sol.variableNames().includes("Total heating [W]"));
  assert.throws(() => sol.get("Total heating [W]"), /an isothermal model computes no heat: build the model with \{ thermal: "lumped" \}/);
  assert.throws(() => spme(p, { thermal: "full" as never }), /Unknown thermal option "full"/);
});

test("the entropic term enters the OCP as (T − T_ref)·dU/dT (Marquis2019 defines dU/dT; a zero entropic change leaves the OCP function untouched)", () => {
  const c = new CellData(parameterValues("Marquis2019"));
  for (const x of [0.1, 0.5, 0.8]) {
    const d = c.neg.U(x, 308.15) - c.neg.U(x, 298.15);
    assert.ok(Math.abs(d - 10 * marquis2019GraphiteEntropicChange(x)) < 1e-12);
  }
  const chen = new CellData(parameterValues("Chen2020"));
  assert.equal(chen.neg.U, parameterValues("Chen2020").get("Negative electrode OCP [V]"));
});

test("energy balance: ∫(heat generation − cooling) dt equals m·c_p·ΔT to solver tolerance (Chen2020 1C, SPMe and DFN)", (t) => {
  const p = parameterValues("Chen2020");
  const out: string[] = [];
  for (const [model, solver] of [
    [spme(p, { thermal: "lumped" }), { rtol: 1e-6, maxStep: 5 }],
    [dfn(p, { thermal: "lumped" }), { maxStep: 20 }],
  ] as const) {
    const sol = simulate(model, "Discharge at 1C until 2.5 V", { saveStates: false, solver });
    const T = sol.get("Volume-averaged cell temperature [K]");
    const stored = model.thermal!.heatCapacity * (T[T.length - 1] - T[0]);
    const rel = (netHeat(sol) - stored) / stored;
    out.push(`${model.name}: ΔT = ${(T[T.length - 1] - T[0]).toFixed(3)} K, m·c_p·ΔT = ${stored.toFixed(2)} J, relative imbalance ${rel.toExponential(2)}`);
    assert.ok(Math.abs(rel) < 1e-4, `${model.name}: relative imbalance ${rel}`);
  }
  t.diagnostic(out.join("; "));
});

test("with h → ∞ the lumped model reduces to the isothermal one (Chen2020 DFN 1C: voltages within 0.01 mV, T − T_amb below 0.01 K)", () => {
  const p = parameterValues("Chen2020");
  const times = Array.from({ length: 35 }, (_, k) => 100 * (k + 1));
  // Both runs at a tight tolerance: the claim is about the models, so compare converged solutions (at rtol 1e-4 two
  // valid step sequences differ by the method's global error, ~20 µV, and the thermal run's 0.2 mK start-up
  // transient changes its first step sizes).
  const solver = { outputTimes: times, rtol: 1e-6 };
  const th = simulate(dfn(p.update({ "Total heat transfer coefficient [W.m-2.K-1]": 1e6 }), { thermal: "lumped" }), "Discharge at 1C until 2.5 V", { saveStates: false, solver });
  const iso = simulate(dfn(p), "Discharge at 1C until 2.5 V", { saveStates: false, solver });
  const [t1, V1, t2, V2] = [th.get("Time [s]"), th.get("Voltage [V]"), iso.get("Time [s]"), iso.get("Voltage [V]")];
  let compared = 0;
  for (const tt of times) {
    const a = t1.indexOf(tt);
    const b = t2.indexOf(tt);
    if (a < 0 || b < 0) continue;
    assert.ok(Math.abs(V1[a] - V2[b]) < 1e-5, `t = ${tt}: ${V1[a]} vs ${V2[b]}`);
    compared++;
  }
  assert.ok(compared >= 30);
  for (const T of th.get("Cell temperature [K]")) assert.ok(T - 298.15 < 0.01 && T - 298.15 > -1e-9);
});

test("a 1C discharge of the Chen2020 cell warms it by a plausible amount, and the warmer cell has lower overpotentials than the isothermal one", (t) => {
  const p = parameterValues("Chen2020");
  const th = simulate(dfn(p, { thermal: "lumped" }), "Discharge at 1C until 2.5 V", { saveStates: false });
  const iso = simulate(dfn(p), "Discharge at 1C until 2.5 V", { saveStates: false });
  const T = th.get("Volume-averaged cell temperature [K]");
  const rise = T[T.length - 1] - T[0];
  const Q = th.get("Total heating [W]");
  const qth = th.get("Discharge capacity [A.h]");
  const qiso = iso.get("Discharge capacity [A.h]");
  t.diagnostic(
    `Chen2020 DFN 1C, h = 10 W.m-2.K-1: T ${T[0].toFixed(2)} → ${T[T.length - 1].toFixed(2)} K (ΔT = ${rise.toFixed(2)} K), total heating ${Q[1].toFixed(3)} → ${Q[Q.length - 1].toFixed(3)} W; capacity ${qth[qth.length - 1].toFixed(4)} A.h (isothermal ${qiso[qiso.length - 1].toFixed(4)})`,
  );
  // 1C in a 21700 cell with natural convection: several kelvin, well short of tens of kelvin
  assert.ok(rise > 5 && rise < 25, `ΔT = ${rise}`);
  for (let i = 1; i < T.length; i++) assert.ok(T[i] >= T[i - 1] - 1e-9, "temperature rises monotonically during the discharge");
  // Chen2020's j0 has activation energies: the warm cell discharges a little further before the cut-off
  assert.ok(qth[qth.length - 1] > qiso[qiso.length - 1]);
  const Vth = th.get("Voltage [V]");
  const tth = th.get("Time [s]");
  const tiso = iso.get("Time [s]");
  const Viso = iso.get("Voltage [V]");
  const at = (tt: Float64Array, V: Float64Array, x: number): number => {
    let k = 1;
    while (k < tt.length - 1 && tt[k] < x) k++;
    return V[k - 1] + ((x - tt[k - 1]) / (tt[k] - tt[k - 1])) * (V[k] - V[k - 1]);
  };
  assert.ok(at(tth, Vth, 3000) > at(tiso, Viso, 3000));
});

test("heat sources: reaction and solid ohmic heating never negative, and the irreversible total equals the open-circuit power minus I·V (energy conservation of the sources)", () => {
  for (const set of ["Chen2020", "Marquis2019"]) {
    const p = parameterValues(set);
    const vmin = set === "Chen2020" ? 3.2 : 3.5;
    for (const model of [spm(p, { thermal: "lumped" }), spme(p, { thermal: "lumped" }), dfn(p, { thermal: "lumped" })]) {
      const sol = simulate(model, [`Discharge at 1C until ${vmin} V`, "Rest for 10 minutes", "Charge at 1C until 4.1 V", "Hold at 4.1 V until C/20"], { solver: { rtol: 1e-6, maxStep: 60 } });
      const I = sol.get("Current [A]");
      const V = sol.get("Voltage [V]");
      let maxIrr = 0;
      let maxErr = 0;
      for (let i = 0; i < sol.length; i++) {
        const q = model.heatSources!(sol.state(i), I[i]);
        assert.ok(q.reaction >= 0 && q.ohmicSolid >= 0 && q.ohmicElectrolyte >= -1e-9, `${set} ${model.name} at point ${i}: ${JSON.stringify(q)}`);
        const irr = q.reaction + q.ohmicSolid + q.ohmicElectrolyte;
        maxIrr = Math.max(maxIrr, irr);
        maxErr = Math.max(maxErr, Math.abs(irr - (q.openCircuitPower - I[i] * V[i])));
      }
      // exact for SPM/SPMe by construction; for the DFN up to the Newton tolerance of the algebraic charge balances
      assert.ok(maxErr < 1e-3 * maxIrr, `${set} ${model.name}: |Q_irr − (P_ocp − I·V)| = ${maxErr} W, max Q_irr = ${maxIrr} W`);
      const rev = sol.get("Reversible heating [W]");
      if (set === "Chen2020") for (const r of rev) assert.ok(r === 0);
      else assert.ok(Math.max(...rev) > 0 && Math.min(...rev) < 0, "Marquis2019's entropic heat changes sign between discharge and charge");
    }
  }
});

test("Ecker2015 with the lumped model: the single layer (both faces cooled, τ = m·c_p/(h·A) ≈ 24 s) barely warms at 1C and 5C", (t) => {
  const p = parameterValues("Ecker2015");
  const out: string[] = [];
  for (const crate of [1, 5]) {
    const sol = simulate(spme(p, { thermal: "lumped" }), { current: crate * 0.15625, duration: crate === 1 ? 3600 : 700 }, { saveStates: false });
    const T = sol.get("Cell temperature [K]");
    const rise = Math.max(...T) - T[0];
    out.push(`${crate}C: max ΔT = ${rise.toFixed(3)} K`);
    assert.ok(rise > 0 && rise < 2, `${crate}C ΔT ${rise}`);
  }
  t.diagnostic(out.join("; "));
});

test("the heat entering the balance is the simulated layer's heat in watts, not its density times the cell volume (PyBaMM #3611: Chen2020's cell volume is 1.17 × the layer's, and Total heating was 17 % above I·(OCV − V))", (t) => {
  const p = parameterValues("Chen2020").update({ "Contact resistance [Ohm]": 0.01 });
  const model = spme(p, { thermal: "lumped" });
  const sol = simulate(model, "Discharge at 1C for 20 minutes", { solver: { rtol: 1e-6 } });
  const I = sol.get("Current [A]");
  const V = sol.get("Voltage [V]");
  const total = sol.get("Total heating [W]");
  const contact = sol.get("Lumped contact resistance heating [W]");
  const perVolume = sol.get("Volume-averaged total heating [W.m-3]");
  let worst = 0;
  for (let i = 1; i < sol.length; i++) {
    const q = model.heatSources!(sol.state(i), I[i]);
    // Chen2020 has no entropic term: the total is the open-circuit power minus the power delivered before the
    // contact resistance, whose I²R is reported apart
    const vBeforeContact = V[i] + I[i] * 0.01;
    worst = Math.max(worst, Math.abs(total[i] - (q.openCircuitPower - I[i] * vBeforeContact)) / total[i]);
    assert.ok(Math.abs(contact[i] - I[i] * I[i] * 0.01) < 1e-12);
    assert.ok(Math.abs(perVolume[i] * model.thermal!.cellVolume - total[i]) < 1e-12 * total[i]);
  }
  t.diagnostic(`|Total heating − (P_ocv − I·V)| / Total heating ≤ ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-9, `${worst}`);
  // the temperature equation uses both: m·c_p·dT/dt = total + contact − cooling
  const T = sol.get("Cell temperature [K]");
  const stored = model.thermal!.heatCapacity * (T[T.length - 1] - T[0]);
  assert.ok(Math.abs(netHeat(sol) / stored - 1) < 1e-3, `${netHeat(sol)} J vs m·c_p·ΔT ${stored} J`);
});

test("fourteenth audit: a lumped cell starts at its first step's temperature, as PyBaMM sets 'Initial temperature [K]' for an experiment; an initial SOC given as a voltage is the OCV at the initial temperature", () => {
  const chen = parameterValues("Chen2020");
  const model = spme(chen, { thermal: "lumped" });
  // "Rest for 1 hour at 45oC" started at 25 °C and warmed towards 45 °C (to 317.92 K)
  const rest = simulate(model, "Rest for 1 hour at 45oC", { saveStates: false });
  for (const T of rest.get("Cell temperature [K]")) assert.ok(Math.abs(T - 318.15) < 1e-9, `${T}`);
  // a 0 °C discharge equals one of a set whose initial temperature is 0 °C
  const cold = simulate(model, "Discharge at 1C until 2.5 V at 0oC", { saveStates: false });
  const soaked = simulate(spme(chen.update({ "Initial temperature [K]": 273.15 }), { thermal: "lumped" }), "Discharge at 1C until 2.5 V at 0oC", { saveStates: false });
  assert.equal(cold.get("Cell temperature [K]")[0], 273.15);
  assert.ok(Math.abs(cold.get("Voltage [V]").at(-1)! - soaked.get("Voltage [V]").at(-1)!) < 1e-9 && Math.abs(cold.get("Time [s]").at(-1)! - soaked.get("Time [s]").at(-1)!) < 1e-6);
  // an experiment-wide temperature counts as the first step's; a given initial state keeps its own temperature
  const warm = simulate(model, new Experiment(["Rest for 1 minute"], { temperature: "45oC" }), { saveStates: false });
  assert.equal(warm.get("Cell temperature [K]")[0], 318.15);
  // Marquis2019 at 45 °C: "3.3 V" is the open-circuit voltage at 318.15 K, entropic term included (3.2876 V before)
  const m = parameterValues("Marquis2019").update({ "Initial temperature [K]": 318.15, "Ambient temperature [K]": 318.15 });
  const soh = initialStoichiometries(m, "3.3 V");
  const cell = new CellData(m);
  const ocv = cell.pos.U(soh.y, 318.15) - cell.neg.U(soh.x, 318.15);
  assert.ok(Math.abs(ocv - 3.3) < 1e-6, `${ocv}`);
});

test("twenty-first audit: an initial SOC given as a voltage is the OCV at the temperature the cell starts at (the first step's), and at another initial temperature the reachable range is named", () => {
  const m = parameterValues("Marquis2019");
  for (const model of [spm(m), spm(m, { thermal: "lumped" })]) {
    const s = simulate(model, "Rest for 10 minutes at 45oC", { initialSoc: "3.3 V", saveStates: false });
    assert.ok(Math.abs(s.get("Voltage [V]")[0] - 3.3) < 1e-6, `${s.get("Voltage [V]")[0]}`);
  }
  // at 0 °C the entropic term lifts the OCV at 0 % SOC to 3.128 V: 3.11 V is out of reach, and said so
  const cold = m.update({ "Initial temperature [K]": 273.15, "Ambient temperature [K]": 273.15 });
  assert.throws(() => initialStoichiometries(cold, "3.11 V"), /not reached between 0 % and 100 % SOC at the initial temperature 273\.15 K, where the OCV spans 3\.12\d*–4\.\d+ V/);
  const ok = initialStoichiometries(cold, "3.5 V");
  const cell = new CellData(cold);
  assert.ok(Math.abs(cell.pos.U(ok.y, 273.15) - cell.neg.U(ok.x, 273.15) - 3.5) < 1e-6);
});
