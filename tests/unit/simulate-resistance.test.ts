import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, parseStep, simulate, spm, spme, dfn, step, Experiment, ExperimentSyntaxError, ExperimentError, defaultDuration } from "../../lib/src/simulate";

/**
 * Resistance-controlled steps (PyBaMM's "Discharge at 2 Ohm ..." and pybamm.step.resistance): the cell drives a load,
 * V = I·R, so the current falls with the voltage.
 */
test("resistance steps parse in PyBaMM's forms (Ohm, mOhm, Ω), describe themselves back, and refuse what a load cannot do", () => {
  const a = parseStep("Discharge at 2 Ohm until 3 V");
  assert.equal(a.kind, "resistance");
  assert.equal(a.value, 2);
  assert.deepEqual(a.until, { quantity: "voltage", value: 3 });
  assert.equal(parseStep("Discharge at 500 mOhm for 10 minutes").value, 0.5);
  assert.equal(parseStep("Discharge at 1.5 Ω for 1 hour or until 2.8 V at 10oC").value, 1.5);
  assert.equal(step.resistance(0.5, { until: "3 V" }).description, "Discharge at 500 mOhm until 3 V");
  assert.equal(step.resistance(2, { duration: 600 }).description, "Discharge at 2 Ohm for 10 minutes");
  assert.deepEqual(parseStep(step.resistance(0.25, { until: "3 V" }).description), { ...step.resistance(0.25, { until: "3 V" }), duration: undefined });
  assert.throws(() => parseStep("Charge at 1 Ohm until 4.2 V"), (e: unknown) => e instanceof ExperimentSyntaxError && /cannot charge through a resistor/.test(e.message));
  assert.throws(() => parseStep("Hold at 1 Ohm for 1 hour"), /"Hold at" takes a voltage/);
  assert.throws(() => parseStep("Discharge at 1C until 2 Ohm"), /not a resistance/);
  assert.throws(() => step.resistance(0, { until: "3 V" }), (e: unknown) => e instanceof ExperimentError && /a load is a positive resistance \(0 would be a short circuit/.test(e.message));
  assert.throws(() => step.resistance(-1, { until: "3 V" }), /a load is a positive resistance/);
  assert.throws(() => new Experiment([{ kind: "resistance", value: 1, driveCycle: { time: [0, 1], value: [1, 2] } } as never]), /a drive cycle drives a current, a C-rate or a power/);
  // the default duration: twice the time the smallest current (lower cut-off / R) takes to move the nominal capacity
  assert.equal(defaultDuration(parseStep("Discharge at 1 Ohm until 2.5 V"), { capacity: 5, upperVoltage: 4.2, lowerVoltage: 2.5 }), (2 * 3600 * 5 * 1) / 2.5);
  assert.equal(defaultDuration(parseStep("Discharge at 1 Ohm until 2.5 V"), { capacity: 5, upperVoltage: 4.2 }), 86400);
});

test("a 1 Ohm discharge of the Chen2020 cell meets V = I·R at every point in the SPM, SPMe and DFN, and replaying its currents as a drive cycle gives its voltages back", () => {
  const p = parameterValues("Chen2020");
  const q: number[] = [];
  for (const [name, make] of [["SPM", spm], ["SPMe", spme], ["DFN", dfn]] as const) {
    const s = simulate(make(p), "Discharge at 1 Ohm until 2.5 V", { saveStates: false });
    const V = s.get("Voltage [V]");
    const I = s.get("Current [A]");
    let worst = 0;
    for (let i = 0; i < V.length; i++) worst = Math.max(worst, Math.abs(V[i] - I[i] * 1) / V[i]);
    assert.ok(worst < 1e-5, `${name}: |V − I·R|/V up to ${worst}`);
    // the current falls with the voltage: about 4.05 A at the start (4.17 V over 1 Ω and the cell's own ~30 mΩ), 2.5 A at the end
    // (the end is the 2.5 V event, located within 0.1 mV: 1e-4 A at 1 Ω; measured within 1.5e-6 A)
    assert.ok(I[0] > 4.0 && I[0] < 4.1 && Math.abs(I[I.length - 1] - 2.5) < 1e-5, `${name}: ${I[0]} → ${I[I.length - 1]} A`);
    for (let i = 1; i < I.length; i++) assert.ok(I[i] <= I[i - 1] + 1e-9, `${name}: the current rose at point ${i}`);
    assert.match(s.termination, /^completed/);
    q.push(s.get("Discharge capacity [A.h]").at(-1)!);
    // at a tight tolerance, the same currents as a current drive cycle reproduce the voltages
    const fine = simulate(make(p), "Discharge at 1 Ohm until 2.5 V", { saveStates: false, solver: { rtol: 1e-6 } });
    const tf = fine.get("Time [s]");
    const If = fine.get("Current [A]");
    const Vf = fine.get("Voltage [V]");
    const replay = simulate(make(p), step.current(Array.from(tf, (x, i) => [x, If[i]])), { saveStates: false, solver: { rtol: 1e-6 } });
    const tr = replay.get("Time [s]");
    const Vr = replay.get("Voltage [V]");
    let dv = 0;
    let k = 0;
    for (let i = 0; i < tr.length; i++) {
      while (k < tf.length && tf[k] < tr[i]) k++;
      if (k < tf.length && tf[k] === tr[i]) dv = Math.max(dv, Math.abs(Vr[i] - Vf[k]));
    }
    assert.ok(dv < 3e-4, `${name}: the replayed currents give voltages ${dv * 1000} mV off`);
  }
  // a bit over the 1C capacity (4.94 A.h in the DFN): the current is 0.5–0.8C
  for (const x of q) assert.ok(x > 4.95 && x < 5.05, `capacities ${q}`);
});

test("resistance steps in a cycling experiment and with the lumped thermal model", () => {
  const p = parameterValues("Chen2020");
  const e = new Experiment(["Discharge at 1 Ohm for 30 minutes", "Rest for 5 minutes", "Charge at C/2 until 4.1 V", "Hold at 4.1 V until C/20"], { cycles: 2 });
  const s = simulate(spme(p, { thermal: "lumped" }), e, { saveStates: false });
  assert.match(s.termination, /^completed/);
  assert.equal(s.cycles.length, 2);
  const st = s.get("Step number");
  const V = s.get("Voltage [V]");
  const I = s.get("Current [A]");
  for (let i = 0; i < V.length; i++) if (st[i] === 1 && I[i] !== 0) assert.ok(Math.abs(V[i] - 1 * I[i]) < 1e-4 * V[i], `point ${i}: V ${V[i]} I ${I[i]}`);
  const T = s.get("Cell temperature [K]");
  assert.ok(Math.max(...T) > T[0], "the load warms the cell");
});

test("an until met in the same solver step as a cut-off ends the step on itself, whatever the events' order (audit: \"until 2.53 A\" at 1 Ω was reported as the 2.5 V cut-off), with both integrators", () => {
  const p = parameterValues("Chen2020");
  for (const method of ["bdf", "bdf2"] as const) {
    const s = simulate(spm(p), new Experiment(["Discharge at 1 Ohm until 2.53 A", "Rest for 10 minutes"]), { saveStates: false, solver: { method } });
    assert.deepEqual(s.stepLog.map((e) => e.reason), ["Discharge at 1 Ohm until 2.53 A", "duration"], method);
    const I = s.get("Current [A]");
    const st = s.get("Step number");
    const k = st.lastIndexOf(1);
    assert.ok(Math.abs(I[k] - 2.53) < 1e-3 * 2.53, `${method}: ends at ${I[k]} A`);
    // a variable condition crossed together with the upper cut-off in a 2C charge
    const x = "Negative particle surface stoichiometry";
    const c = simulate(spm(p), new Experiment([`Charge at 2C until "${x}" above 0.6`, "Rest for 1 minute"]), { initialSoc: 0.1, saveStates: false, solver: { method } });
    assert.equal(c.stepLog[0].reason, `Charge at 2C until "${x}" above 0.6`, method);
    const xs = c.get(x);
    assert.ok(Math.abs(xs[c.get("Step number").lastIndexOf(1)] - 0.6) < 1e-5, `${method}: ${xs[c.get("Step number").lastIndexOf(1)]}`);
    assert.ok(c.get("Voltage [V]").every((v) => v <= 4.2 + 1e-4));
  }
});
