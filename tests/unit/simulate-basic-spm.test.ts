import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, basicSpm, spm, simulate, initialStoichiometries } from "../../lib/src/simulate";

/** Chen2020 with its particles at the stoichiometries of `soc`. */
function chenAt(soc: number) {
  const p = parameterValues("Chen2020");
  const soh = initialStoichiometries(p, soc);
  return p.update({
    "Initial concentration in negative electrode [mol.m-3]": soh.x * p.number("Maximum concentration in negative electrode [mol.m-3]"),
    "Initial concentration in positive electrode [mol.m-3]": soh.y * p.number("Maximum concentration in positive electrode [mol.m-3]"),
  });
}

test("the teaching BasicSPM charges: a negative current runs up to the upper cut-off (before: it stopped after one 10-s step at the lower one) and matches the composed SPM's charge", () => {
  const p = chenAt(0.3);
  const out = basicSpm(p, { current: -5, dt: 2 });
  const V = out["Voltage [V]"];
  assert.ok(out["Time [s]"].length > 100, `only ${out["Time [s]"].length} points`);
  assert.ok(V[V.length - 1] >= 4.2 && V[V.length - 2] < 4.2, `stops where it first reaches 4.2 V: ${V[V.length - 2]}, ${V[V.length - 1]}`);
  const composed = simulate(spm(p), "Charge at 5 A until 4.2 V", { solver: { maxStep: 10 } });
  const qBasic = out["Discharge capacity [A.h]"].at(-1)!;
  const qComposed = composed.get("Discharge capacity [A.h]").at(-1)!;
  assert.ok(qBasic < 0 && Math.abs(qBasic / qComposed - 1) < 0.005, `charged ${qBasic} A.h vs the composed SPM's ${qComposed} A.h`);
  // a rest has no cut-off: it runs to maxTime
  assert.equal(basicSpm(p, { current: 0, maxTime: 100 })["Time [s]"].at(-1), 100);
});

test("BasicSPM rejects a zero time step, too few cells and a start beyond the cut-off with what would be valid (before: 'use a smaller dt' for all of them)", () => {
  const p = parameterValues("Chen2020");
  assert.throws(() => basicSpm(p, { dt: 0 }), /dt must be a time step > 0 s, got 0/);
  assert.throws(() => basicSpm(p, { dt: NaN }), /dt must be a time step > 0 s, got NaN/);
  assert.throws(() => basicSpm(p, { cells: 1 }), /cells must be an integer ≥ 2 .* got 1/);
  assert.throws(() => basicSpm(p, { cells: 2.5 }), /cells must be an integer ≥ 2/);
  assert.throws(() => basicSpm(p, { maxTime: -1 }), /maxTime must be > 0 s/);
  assert.throws(() => basicSpm(p, { current: NaN }), /current must be a finite number/);
  // the set starts full: charging it at 1C is already above 4.2 V at t = 0
  assert.throws(() => basicSpm(p, { current: -5 }), /at t = 0 the voltage under -5 A is already 4\.29\d+ V, at or above the cut-off 4\.2 V, so the charge would stop at once/);
  assert.throws(() => basicSpm(p.update({ "Contact resistance [Ohm]": -1 })), /"Contact resistance \[Ohm\]" = -1 must be ≥ 0/);
  assert.equal(basicSpm(p, { cells: 2 })["Voltage [V]"].length > 100, true, "two cells are enough for the surface extrapolation");
});

test("fourteenth audit: basicSpm runs at the initial temperature with the OCPs' entropic term, as PyBaMM's BasicSPM and the composed SPM (Marquis2019 at 273.15 / 318.15 K: equal starting voltages)", () => {
  for (const T of [273.15, 318.15]) {
    const p = parameterValues("Marquis2019").update({ "Ambient temperature [K]": T, "Initial temperature [K]": T });
    const b = basicSpm(p, { dt: 1 });
    const s = simulate(spm(p), "Discharge at 1C until 3.105 V", { saveStates: false });
    // both start from uniform particles: the same OCPs and overpotentials (0.3–0.5 mV apart without the entropic term)
    assert.ok(Math.abs(b["Voltage [V]"][0] - s.get("Voltage [V]")[0]) < 1e-9, `${T} K: ${b["Voltage [V]"][0]} vs ${s.get("Voltage [V]")[0]}`);
  }
});
