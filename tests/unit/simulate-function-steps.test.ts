import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, spm, spme, dfn, simulate, step, Experiment, ExperimentError, defaultDuration, controlIntegral } from "../../lib/src/simulate";

/** Steps whose current, C-rate or power is a function of time (PyBaMM's step with a function of t). */
const f = (t: number): number => 5 + 4 * Math.sin((2 * Math.PI * t) / 60);

test("a current that is a function of time: the current equals it at every point, the charge is its exact integral, and the voltage matches a drive cycle of 0.1 s rows", () => {
  const p = parameterValues("Chen2020");
  const s0 = step.current(f, { duration: 600 });
  assert.equal(s0.description, "Current function of time for 10 minutes");
  assert.ok(Math.abs(s0.value - 5) < 1e-9, `mean ${s0.value}`);
  const rows = Array.from({ length: 6001 }, (_, i) => [i * 0.1, f(i * 0.1)]);
  for (const [name, make, tolMv] of [["SPM", spm, 1], ["SPMe", spme, 0.5], ["DFN", dfn, 0.5]] as const) {
    const s = simulate(make(p), s0, { saveStates: false });
    const t = s.get("Time [s]");
    const I = s.get("Current [A]");
    const V = s.get("Voltage [V]");
    for (let i = 0; i < t.length; i++) assert.equal(I[i], f(t[i]));
    // ∫ (5 + 4 sin(2πt/60)) dt over ten whole periods = 3000 A.s
    assert.ok(Math.abs(s.get("Discharge capacity [A.h]").at(-1)! - 3000 / 3600) < 1e-12, `${name} charge`);
    assert.ok(t.length > 100, `${name}: ${t.length} points follow twenty half-waves`);
    const d = simulate(make(p), step.current(rows), { saveStates: false, solver: { rtol: 1e-7 } });
    const td = d.get("Time [s]");
    const Vd = d.get("Voltage [V]");
    let dv = 0;
    let k = 0;
    for (let i = 0; i < t.length; i++) {
      while (k < td.length - 2 && td[k + 1] <= t[i]) k++;
      const w = Math.min(1, (t[i] - td[k]) / (td[k + 1] - td[k]));
      dv = Math.max(dv, Math.abs(Vd[k] + w * (Vd[k + 1] - Vd[k]) - V[i]));
    }
    assert.ok(dv * 1000 < tolMv, `${name}: ${dv * 1000} mV from the 0.1 s drive cycle`);
  }
});

test("functions of C-rate and power, conditions and cycles; the integral of a function with a kink is exact; bad functions fail naming the time", () => {
  const p = parameterValues("Chen2020");
  // a constant function of C-rate is the constant step
  const c = simulate(spm(p), step.cRate(() => 1, { until: "3.5 V" }), { saveStates: false });
  const k = simulate(spm(p), "Discharge at 1C until 3.5 V", { saveStates: false });
  assert.equal(c.stepLog[0].reason, "C-rate function of time until 3.5 V");
  assert.ok(Math.abs(c.get("Discharge capacity [A.h]").at(-1)! - k.get("Discharge capacity [A.h]").at(-1)!) < 1e-3);
  // a power ramp: I·V follows it
  const ramp = (t: number): number => 5 + (10 * t) / 600;
  const pw = simulate(spme(p), new Experiment([step.power(ramp, { duration: 600 }), "Rest for 1 minute"], { cycles: 2 }), { saveStates: false });
  const t = pw.get("Time [s]");
  const P = pw.get("Power [W]");
  const st = pw.get("Step number");
  const cy = pw.get("Cycle number");
  for (let i = 0; i < t.length; i++) if (st[i] === 1) assert.ok(Math.abs(P[i] - ramp(t[i] - (cy[i] - 1) * 660)) < 1e-3 * P[i], `point ${i}: ${P[i]} W`);
  assert.equal(pw.cycles.length, 2);
  // a kink (|sin|): the integral is still exact, by adaptive quadrature
  const kink = (x: number): number => 3 * Math.abs(Math.sin((Math.PI * x) / 100));
  const ctl = { kind: "current" as const, value: 0, fn: kink };
  // two half-waves of 200/π each and a quarter wave of 100/π, times 3
  assert.ok(Math.abs(controlIntegral(ctl, 0, 250) - (3 * 500) / Math.PI) < 1e-9, `${controlIntegral(ctl, 0, 250)}`);
  // checks
  assert.throws(() => step.current(() => NaN, { duration: 60 }), (e: unknown) => e instanceof ExperimentError && /returns NaN at t = 0 s/.test(e.message));
  assert.throws(() => step.current((x) => (x > 100 ? Infinity : 1), { duration: 600 }), /returns Infinity at t = 100\.2 s: it must return a finite number \[A\] over the step's duration/);
  assert.throws(() => new Experiment([{ kind: "voltage", value: 4, valueFunction: () => 4, duration: 10 } as never]), /a function drives a current, a C-rate or a power/);
  assert.throws(() => simulate(spm(p), step.current(f, { duration: 60 }), { solver: { method: "bdf2" } }), /does not run drive cycles or functions of time/);
  // without a duration the constructor checks only t = 0: a NaN later stops the simulation naming the step and the time
  // (here the first of the 1001 samples over its default day that judge the step's direction, at 86400 × 4/1000 s)
  const later = (x: number): number => (x > 300 ? NaN : 1);
  assert.throws(() => simulate(spm(p), step.current(later, { until: "2.5 V" }), { saveStates: false }), /cycle 1, step 1 \("Current function of time until 2\.5 V"\): the function of time returned NaN at 345\.6 s from the step's start/);
  assert.equal(defaultDuration(step.current(f, { until: "3 V" }), { capacity: 5, upperVoltage: 4.2 }), 86400);
});

test("sixth audit: a function step without a duration takes its direction from its samples, two voltage conditions on a two-way step are a window, a square wave's jumps are rows (state and charge agree)", () => {
  const p = parameterValues("Chen2020");
  // −2 A for 10 s, then 5 A until 3 V: the same end with and without a duration (it ended at once, "completed")
  const g = (x: number): number => (x < 10 ? -2 : 5);
  const a = simulate(spm(p), step.current(g, { until: "3.0 V" }), { initialSoc: 0.8, saveStates: false });
  const b = simulate(spm(p), step.current(g, { until: "3.0 V", duration: 7200 }), { initialSoc: 0.8, saveStates: false });
  assert.ok(a.get("Time [s]").at(-1)! > 2600 && Math.abs(a.get("Time [s]").at(-1)! - b.get("Time [s]").at(-1)!) < 1, `${a.get("Time [s]").at(-1)} vs ${b.get("Time [s]").at(-1)}`);
  assert.ok(Math.abs(a.get("Voltage [V]").at(-1)! - 3) < 1e-3);
  // a window: 6 A / −3 A pulses from 80 % SOC (3.93 V) stay within 3.5–4.15 V for the hour (it ended at once on 4.15 V)
  const pulse = (x: number): number => (x % 60 < 30 ? 6 : -3);
  const rows = Array.from({ length: 3601 }, (_, i) => [i, pulse(i)]);
  for (const s of [step.current(pulse, { duration: 3600, until: ["3.5 V", "4.15 V"] }), step.current(rows, { until: ["3.5 V", "4.15 V"] })]) {
    const r = simulate(spm(p), s, { initialSoc: 0.8, saveStates: false });
    assert.equal(r.stepLog[0].reason, "duration", s.description);
    assert.ok(r.get("Time [s]").at(-1)! === 3600);
  }
  // a 5 A / 0 A square wave of 20 s: the particles' lithium and the reported charge agree (they were 0.72 % apart)
  const F = 96485.33212;
  const sq = (x: number): number => (Math.floor(x / 10) % 2 === 0 ? 5 : 0);
  const m = spm(p);
  const s = simulate(m, step.current(sq, { duration: 3595 }), { initialSoc: 0.9 });
  const inState = ((m.negativeLithium(s.state(0)) - m.negativeLithium(s.state(s.length - 1))) * F) / 3600;
  assert.ok(Math.abs(s.get("Discharge capacity [A.h]").at(-1)! - 2.5) < 1e-9);
  assert.ok(Math.abs(inState - 2.5) < 1e-5 * 2.5, `state ${inState} A.h`);
  const fine = simulate(spm(p), step.current(sq, { duration: 3595 }), { initialSoc: 0.9, saveStates: false, solver: { rtol: 1e-8 } });
  assert.ok(Math.abs(s.get("Voltage [V]").at(-1)! - fine.get("Voltage [V]").at(-1)!) < 2e-4, `${s.get("Voltage [V]").at(-1)} vs ${fine.get("Voltage [V]").at(-1)}`);
});

test("seventh audit: a jump at the step's very end is held off (a DFN took 200 000 failing steps), a 1 s square wave is found at 0.05 s sampling, a one-way step's two voltages are not a window", () => {
  const p = parameterValues("Chen2020");
  const pulse = (x: number): number => (x % 60 < 30 ? 6 : -3);
  const end = simulate(dfn(p), step.current(pulse, { duration: 120 }), { initialSoc: 0.8, saveStates: false, solver: { maxSteps: 2000 } });
  assert.match(end.termination, /^completed/);
  assert.equal(end.stats.newtonFailures, 0);
  assert.equal(end.get("Current [A]").at(-1), -3, "the value on the step's side of its end");
  // 1 s on, 1 s off for 100 s: every jump is a row, so state and charge agree
  const F = 96485.33212;
  const fast = (x: number): number => (Math.floor(x) % 2 === 0 ? 5 : 0);
  const m = spm(p);
  const s = simulate(m, step.current(fast, { duration: 99.5 }), { initialSoc: 0.9 });
  const inState = ((m.negativeLithium(s.state(0)) - m.negativeLithium(s.state(s.length - 1))) * F) / 3600;
  assert.ok(Math.abs(inState / s.get("Discharge capacity [A.h]").at(-1)! - 1) < 1e-5, `state ${inState}`);
  // a one-way function with two voltage limits ends on the first one met, as the constant step does
  const oneWay = simulate(spm(p), step.current(() => 5, { until: ["3.0 V", "3.5 V"] }), { saveStates: false });
  const constant = simulate(spm(p), "Discharge at 5 A until 3.0 V or 3.5 V", { saveStates: false });
  assert.ok(Math.abs(oneWay.get("Time [s]").at(-1)! - constant.get("Time [s]").at(-1)!) < 1 && constant.get("Time [s]").at(-1)! > 2000);
  // a start already past the cut-off names the cut-off only
  const past = simulate(spm(p), "Discharge at 1C until 2.6 V or 10 mA", { initialSoc: 0, saveStates: false });
  assert.doesNotMatch(past.stepLog[0].note ?? "", /ended on the condition/);
});

test("a pulse only one sample wide is a jump too: 40 ms pulses of 20 A each second were stepped over with their charge (0.000889 instead of 0.1336 A.h over 600 s); now the charge is exact and the particles agree with it", () => {
  const p = parameterValues("Chen2020");
  const F = 96485.33212;
  const pulse = (x: number): number => (x % 1 < 0.04 ? 20 : 0);
  const exact = (20 * 0.04 * 601) / 3600; // pulses start at 0, 1, …, 600 s
  for (const make of [spm, dfn]) {
    const m = make(p);
    const s = simulate(m, step.current(pulse, { duration: 600.5 }), { initialSoc: 0.7 });
    const q = s.get("Discharge capacity [A.h]").at(-1)!;
    assert.ok(Math.abs(q / exact - 1) < 1e-9, `${make.name}: ${q} A.h reported, ${exact} passed`);
    const inState = ((m.negativeLithium(s.state(0)) - m.negativeLithium(s.state(s.length - 1))) * F) / 3600;
    assert.ok(Math.abs(inState / exact - 1) < 1e-4, `${make.name}: the particles lost ${inState} A.h`);
    // every pulse's rise and fall is a row: the current is 20 A at 1 µs after each rise and 0 A just after each fall
    const t = s.get("Time [s]");
    const I = s.get("Current [A]");
    for (const k of [0, 17, 600]) {
      const rise = t.findIndex((x) => x > k && x < k + 0.02);
      assert.ok(rise >= 0 && I[rise] === 20, `${make.name}: no point on the pulse at ${k} s`);
    }
  }
  // a smooth function with ~200 extrema gains no jump rows (a jump is stored as two points 1 µs apart): near an
  // extremum the steps beside the smaller neighbour are candidates, and bisection turns them down
  const sine = simulate(spm(p), step.current((x) => 5 + 4 * Math.sin(x), { duration: 600 }), { initialSoc: 0.7, saveStates: false });
  const ts = sine.get("Time [s]");
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i] - ts[i - 1] > 1e-5, `points ${ts[i - 1]} and ${ts[i]} s: a jump row in a sine`);
  const pulses = simulate(spm(p), step.current(pulse, { duration: 10.5 }), { initialSoc: 0.7, saveStates: false }).get("Time [s]");
  let pairs = 0;
  for (let i = 1; i < pulses.length; i++) if (pulses[i] - pulses[i - 1] <= 1e-5) pairs++;
  assert.equal(pairs, 21, "11 pulses, two jumps each but the rise at the step's start");
});
