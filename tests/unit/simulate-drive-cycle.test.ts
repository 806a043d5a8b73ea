import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, spm, spme, dfn, simulate, step, Experiment, ExperimentError, controlTarget } from "../../lib/src/simulate";
import type { Solution, CellModel, ExperimentStep } from "../../lib/src/simulate";

const chen = parameterValues("Chen2020");

/**
 * Ten minutes of 1 s rows: "smooth", a 60 s sinusoid of ±6 A around 5 A; "pulses", the same with a 10 s charge pulse
 * every 2 minutes; "square", notebook 2.5.4's pulse cycle (each minute 10 s at 2C, 30 s rest, 10 s at −1C, 10 s rest).
 */
function cycleRows(kind: "smooth" | "pulses" | "square"): number[][] {
  const rows: number[][] = [];
  for (let k = 0; k <= 600; k++) {
    const phase = k % 60;
    const square = (phase < 10 ? 2 : phase < 40 ? 0 : phase < 50 ? -1 : 0) * 5;
    rows.push([k, kind === "square" ? square : 5 + 6 * Math.sin((2 * Math.PI * k) / 60) + (kind === "pulses" && k % 120 < 10 ? -8 : 0)]);
  }
  return rows;
}

/** ∫I dt (or ∫|I| dt) of the rows (trapezoids: exact for the linear interpolation, and for |I| on rows that keep a sign) [A.h]. */
function chargeOf(rows: number[][], abs = false): number {
  let q = 0;
  const f = (v: number): number => (abs ? Math.abs(v) : v);
  for (let k = 1; k < rows.length; k++) q += (0.5 * (f(rows[k][1]) + f(rows[k - 1][1])) * (rows[k][0] - rows[k - 1][0])) / 3600;
  return q;
}

/** Index of the stored point at time tt (the first one, at a step boundary). */
function pointAt(s: Solution, tt: number): number {
  const t = s.get("Time [s]");
  const i = t.findIndex((x) => Math.abs(x - tt) < 1e-9 * Math.max(1, tt));
  assert.ok(i >= 0, `no stored point at t = ${tt} s`);
  return i;
}

test("controlTarget interpolates a profile linearly and holds its end values", () => {
  const c = { kind: "current" as const, value: 0, profile: { t: Float64Array.of(10, 20, 40), value: Float64Array.of(1, 3, -1) } };
  assert.equal(controlTarget(c, 0), 1);
  assert.equal(controlTarget(c, 10), 1);
  assert.equal(controlTarget(c, 15), 2);
  assert.equal(controlTarget(c, 20), 3);
  assert.equal(controlTarget(c, 30), 1);
  assert.equal(controlTarget(c, 40), -1);
  assert.equal(controlTarget(c, 1e9), -1);
  assert.equal(controlTarget({ kind: "current", value: 2.5 }, 123), 2.5);
});

test("a constant drive cycle runs exactly as the constant-current step (SPM, SPMe, DFN)", () => {
  for (const m of [spm(chen), spme(chen), dfn(chen)]) {
    const a = simulate(m, step.current(5, { duration: 1800 }), { saveStates: false });
    const b = simulate(m, step.current([[0, 5], [1800, 5]]), { saveStates: false });
    assert.equal(b.termination, "completed");
    assert.equal(b.stepLog[0].reason, "duration", "running to the end of its rows completes the step");
    assert.equal(b.stats.steps, a.stats.steps, m.name);
    assert.equal(b.get("Voltage [V]").at(-1), a.get("Voltage [V]").at(-1), m.name);
    assert.equal(b.get("Discharge capacity [A.h]").at(-1), a.get("Discharge capacity [A.h]").at(-1), m.name);
  }
});

/**
 * Accuracy on 1 s rows against the same run at rtol 1e-8, at every row's time. Measured (Chen2020, rtol 1e-4):
 * smooth cycle: voltage within 0.027 (SPM) / 0.022 (SPMe) / 0.023 (DFN) mV, charge within 6e-7 / 9e-6 / 2.3e-5
 * relative of ∫I dt; with the charge pulses: 0.089 / 0.104 / 0.215 mV. Charge error over the throughput ∫|I| dt:
 * smooth 5.4e-7 / 9.0e-6 / 2.1e-5, pulses 1.4e-5 / 4.6e-5 / 1.1e-5, square −2.8e-5 / 1.2e-4 / 3.6e-5, about rtol (the
 * charge is the change of the particles' lithium, error-tested at rtol). Before the solver ended its steps on the rows, the
 * SPM's smooth cycle came out 0.47 % short in charge and 1.9 mV off; a BDF restart at order 1 after two Newton
 * failures (tried and dropped) put the DFN's square pulses 1.1e-3 of the throughput off.
 */
test("drive cycles on 1 s rows: the current is the row's at every row, the voltage within 1 mV of a converged run, the charge within 2e-4 of the throughput", () => {
  const models: CellModel[] = [spm(chen), spme(chen), dfn(chen)];
  for (const kind of ["smooth", "pulses", "square"] as const) {
    const rows = cycleRows(kind);
    const q = chargeOf(rows);
    const throughput = chargeOf(rows, true);
    for (const m of models) {
      const s = simulate(m, step.current(rows), { saveStates: false, initialSoc: 0.8 });
      const ref = simulate(m, step.current(rows), { saveStates: false, initialSoc: 0.8, solver: { rtol: 1e-8 } });
      assert.equal(s.termination, "completed");
      const I = s.get("Current [A]");
      const V = s.get("Voltage [V]");
      const Vr = ref.get("Voltage [V]");
      let worst = 0;
      for (const [tt, ii] of rows) {
        const i = pointAt(s, tt);
        assert.ok(Math.abs(I[i] - ii) <= 1e-12 * Math.abs(ii) + 1e-12, `${m.name}: current ${I[i]} at t = ${tt} s, row says ${ii}`);
        worst = Math.max(worst, Math.abs(V[i] - Vr[pointAt(ref, tt)]));
      }
      assert.ok(worst < 1e-3, `${m.name} ${kind}: voltage ${worst * 1000} mV off the rtol 1e-8 run`);
      const qs = s.get("Discharge capacity [A.h]").at(-1)!;
      assert.ok(Math.abs(qs - q) < 2e-4 * throughput, `${m.name} ${kind}: charge ${qs} A.h against ∫I dt = ${q} A.h (throughput ${throughput} A.h)`);
    }
  }
});

test("a power drive cycle holds I·V on the interpolated power at every stored point", () => {
  const rows: number[][] = [];
  for (let k = 0; k <= 300; k += 2) rows.push([k, 15 + 10 * Math.sin((2 * Math.PI * k) / 50)]);
  const s = simulate(spme(chen), step.power(rows), { saveStates: false });
  assert.equal(s.termination, "completed");
  const t = s.get("Time [s]");
  const P = s.get("Power [W]");
  const profile = { kind: "power" as const, value: 0, profile: { t: Float64Array.from(rows, (r) => r[0]), value: Float64Array.from(rows, (r) => r[1]) } };
  for (let i = 0; i < t.length; i++) {
    const target = controlTarget(profile, t[i]);
    assert.ok(Math.abs(P[i] - target) < 1e-5 * target, `P = ${P[i]} W at t = ${t[i]} s, cycle says ${target} W`);
  }
});

test("a C-rate drive cycle restarts at its step's start in every cycle of an experiment; rows keep their points beside the period's", () => {
  const e = new Experiment([step.cRate([[0, 1], [600, 2], [1200, 0.5]], { period: "7 minutes" }), "Rest for 10 minutes"], { cycles: 2 });
  assert.match(e.cycles[0][0].description, /^C-rate drive cycle: 3 rows over 20 minutes, 0\.5 to 2 C \(7 minutes period\)$/);
  assert.ok(Math.abs(e.cycles[0][0].value - 1.375) < 1e-12, "value is the time average");
  const s = simulate(spm(chen), e, { saveStates: false });
  assert.equal(s.termination, "completed");
  const cap = chen.number("Nominal cell capacity [A.h]");
  const I = s.get("Current [A]");
  for (const start of [0, 1800]) {
    assert.equal(I[pointAt(s, start + 600)], 2 * cap);
    // the period's points, between rows
    assert.ok(Math.abs(I[pointAt(s, start + 420)] - 1.7 * cap) < 1e-12 * cap);
    assert.ok(Math.abs(I[pointAt(s, start + 840)] - 1.4 * cap) < 1e-12 * cap);
    assert.equal(I[pointAt(s, start + 1200)], 0.5 * cap);
  }
});

test("a drive cycle's rows may start at any clock time: they are shifted to the step's start", () => {
  const a = simulate(spm(chen), step.current([[0, 5], [100, 8], [200, 2]]), { saveStates: false });
  const b = simulate(spm(chen), step.current({ time: [1000, 1100, 1200], value: [5, 8, 2] }), { saveStates: false });
  assert.deepEqual(Array.from(b.get("Voltage [V]")), Array.from(a.get("Voltage [V]")));
  assert.equal(b.get("Time [s]").at(-1), 200);
});

test("drive cycles end on the set's cut-offs: a discharge at 2.5 V, a charge that starts above 4.2 V at once", () => {
  const s = simulate(dfn(chen), step.current([[0, 10], [3600, 10]]), { saveStates: false });
  assert.match(s.termination, /^Lower voltage cut-off reached in cycle 1, step 1/);
  assert.ok(Math.abs(s.get("Voltage [V]").at(-1)! - 2.5) < 1e-3);
  // charging a full cell first, then discharging: beyond the upper cut-off from the start (not when it comes back)
  const f = simulate(spm(chen), step.current([[0, -5], [10, -5], [11, 5], [100, 5]]), { saveStates: false, initialSoc: 1 });
  assert.equal(f.stepLog[0].reason, "Upper voltage cut-off (already reached at the start of the step)");
  // a mixed cycle inside the window runs to its end
  const m = simulate(spm(chen), step.current([[0, -5], [60, 5], [120, -5]]), { saveStates: false, initialSoc: 0.5 });
  assert.equal(m.termination, "completed");
});

test("a shorter duration cuts the drive cycle; bad drive cycles are errors naming the row", () => {
  const s = simulate(spm(chen), step.current([[0, 5], [100, 5]], { duration: 40 }), { saveStates: false });
  assert.equal(s.get("Time [s]").at(-1), 40);
  const bad: [unknown, RegExp][] = [
    [[[0, 1]], /has 1 row: it needs at least 2/],
    [[[0, 1], [0, 2]], /row 2 of the drive cycle: the time 0 s does not come after row 1's 0 s/],
    [[[0, 1], [1, NaN]], /row 2 of the drive cycle \(t = 1 s\): the value NaN is not a finite number \[A\]/],
    [{ time: [0, 1], value: [1] }, /2 times and 1 values/],
    [[[0, 0], [1, 0]], /0 A throughout, which moves no charge/],
    [[[0, 1, 2], [1, 2, 3]], /row 1 of the drive cycle is \[0,1,2\]: give rows \[time in s, value in A\]/],
  ];
  for (const [input, msg] of bad) assert.throws(() => step.current(input as number[][]), (e: unknown) => e instanceof ExperimentError && msg.test(e.message), String(msg));
  assert.throws(() => step.current([[0, 1], [10, 1]], { duration: 20 }), /duration 20 s, longer than its drive cycle \(10 s\)/);
  assert.throws(() => new Experiment([{ kind: "voltage", value: 4, driveCycle: { time: Float64Array.of(0, 1), value: Float64Array.of(4, 4) } } as unknown as ExperimentStep]), /a drive cycle drives a current, a C-rate or a power/);
  assert.throws(() => simulate(spm(chen), step.current([[0, 1], [10, 1]]), { solver: { method: "bdf2" } }), /method "bdf2" does not run drive cycles/);
});
