import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStep, Experiment, ExperimentSyntaxError, ExperimentError, step, stepConditions, defaultDuration, parameterValues, spm, spme, dfn, simulate } from "../../lib/src/simulate";
import type { ExperimentStep } from "../../lib/src/simulate";
import { readFileSync } from "node:fs";
import { join } from "node:path";

test("PyBaMM's step language parses currents, C-rates, powers, holds and rests with their terminations", () => {
  assert.deepEqual(parseStep("Discharge at 1C until 2.5 V"), { description: "Discharge at 1C until 2.5 V", kind: "c-rate", value: 1, duration: undefined, until: { quantity: "voltage", value: 2.5 } });
  const c = parseStep("Charge at 0.5C until 4.2 V");
  assert.equal(c.kind, "c-rate");
  assert.equal(c.value, -0.5, "charging is a negative current");
  const h = parseStep("Hold at 4.2 V until 50 mA");
  assert.equal(h.kind, "voltage");
  assert.equal(h.value, 4.2);
  assert.deepEqual(h.until, { quantity: "current", value: 0.05 });
  const r = parseStep("Rest for 1 hour");
  assert.equal(r.kind, "rest");
  assert.equal(r.duration, 3600);
  const w = parseStep("Discharge at 10 W for 10 minutes");
  assert.equal(w.kind, "power");
  assert.equal(w.value, 10);
  assert.equal(w.duration, 600);
  const a = parseStep("Charge at 1.5 A for 30 minutes or until 4.1 V");
  assert.equal(a.kind, "current");
  assert.equal(a.value, -1.5);
  assert.equal(a.duration, 1800);
  assert.deepEqual(a.until, { quantity: "voltage", value: 4.1 });
  assert.equal(parseStep("Discharge at C/20 until 3 V").value, 0.05);
  assert.deepEqual(parseStep("Hold at 4.2 V until C/50").until, { quantity: "c-rate", value: 0.02 });
  assert.equal(parseStep("Discharge at 500 mA for 90 s").value, 0.5);
});

test("an unparseable step fails with valid examples", () => {
  for (const bad of ["Dischrge at 1C until 2.5 V", "Discharge at 1 parsec until 2.5 V", "Discharge at 1C", "Rest", "Hold at 1 A until 4.2 V", "Discharge at 1C for 10 fortnights"]) {
    assert.throws(
      () => parseStep(bad),
      (e: unknown) => e instanceof ExperimentSyntaxError && e.message.includes(bad) && e.message.includes('"Discharge at 1C until 2.5 V"') && e.message.includes("(1 minute period)"),
      bad,
    );
  }
});

test("a list of steps repeats for N cycles, and a list of lists gives one cycle per inner list", () => {
  const e = new Experiment(["Discharge at 1C until 2.5 V", "Charge at 1C until 4.2 V"], { cycles: 3 });
  assert.equal(e.cycles.length, 3);
  assert.equal(e.cycles[2][1].value, -1);
  const f = new Experiment([["Discharge at 1C until 2.5 V"], ["Rest for 10 minutes", "Charge at 1 A until 4.2 V"]], { cycles: 2 });
  assert.equal(f.cycles.length, 4);
  assert.equal(f.cycles[3].length, 2);
  assert.throws(() => new Experiment([], {}), /at least one step/);
  assert.throws(() => new Experiment(["Rest for 1 hour"], { cycles: 0 }), /positive integer/);
});

test("PyBaMM's output period: \"(1 minute period)\" at the end of a step, and the Experiment's period option for every step without one", () => {
  // before: "Discharge at 1C until 2.5 V (1 minute period)" threw ("2.5 V (1 minute period)" is not a current ...)
  const a = parseStep("Discharge at 1C until 2.5 V (1 minute period)");
  assert.deepEqual({ kind: a.kind, value: a.value, until: a.until, period: a.period }, { kind: "c-rate", value: 1, until: { quantity: "voltage", value: 2.5 }, period: 60 });
  const b = parseStep("Discharge at 1 A for 10 hours or until 3.3 V (1 second period)");
  assert.deepEqual([b.duration, b.until?.value, b.period], [36000, 3.3, 1]);
  assert.equal(parseStep("Rest for 1 hour (10 minutes period)").period, 600);
  assert.equal(parseStep("Rest for 1 hour").period, undefined);
  for (const bad of ["Discharge at 1C until 2.5 V (0 s period)", "Discharge at 1C until 2.5 V (fast)", "Rest for 1 hour (1 fortnight period)"]) {
    assert.throws(() => parseStep(bad), (e: unknown) => e instanceof ExperimentSyntaxError && e.message.includes(bad) && /period/.test(e.why), bad);
  }
  const e = new Experiment(["Discharge at 1C until 2.5 V", "Rest for 10 minutes (10 s period)", step.cRate(-1, { until: "4.2 V" })], { period: "2 minutes" });
  assert.deepEqual(e.cycles[0].map((s) => s.period), [120, 10, 120], "the step's own period wins");
  assert.equal(e.period, 120);
  assert.equal(new Experiment(["Rest for 1 hour"], { period: 30 }).cycles[0][0].period, 30);
  assert.throws(() => new Experiment(["Rest for 1 hour"], { period: 0 }), (err: unknown) => err instanceof ExperimentError && /period/.test(err.message));
});

test("impossible values are rejected naming the step and the problem: C/0, until C/0, 0C, zero or negative durations, negative values, a 0 V hold", () => {
  // before: C/0 parsed as Infinity, "Discharge at 0C until 2.5 V" ran a day and said "completed", "for 0 minutes" was kept
  const cases: [string, RegExp][] = [
    ["Discharge at C/0 until 2.5 V", /"C\/0" is not a C-rate/],
    ["Hold at 4.2 V until C/0", /"C\/0" is not a C-rate/],
    ["Discharge at 0C until 2.5 V", /moves no charge.*Rest for/],
    ["Charge at 0 A for 1 hour", /moves no charge/],
    ["Discharge at 1C for 0 minutes", /duration "0 minutes" must be positive/],
    ["Rest for 0 s", /duration "0 s" must be positive/],
    ["Rest for -5 s", /must be positive/],
    ["Discharge at -1 A until 2.5 V", /"-1 A" must be positive: the verb gives the sign/],
    ["Charge at -0.5C until 4.2 V", /must be positive: the verb gives the sign/],
    ["Discharge at 1C until -1 V", /"until -1 V" must be positive/],
    ["Hold at 4.2 V until 0 mA", /"until 0 mA" must be positive/],
    ["Hold at 0 V until 1 mA", /0 V cannot be held/],
    ["Discharge at C/-2 until 2.5 V", /divisor must be positive/],
  ];
  for (const [bad, why] of cases) {
    assert.throws(() => parseStep(bad), (e: unknown) => e instanceof ExperimentSyntaxError && e.message.startsWith(`Cannot parse experiment step "${bad}"`) && why.test(e.why), bad);
  }
  // inside an experiment the message also says where the step is
  assert.throws(
    () => new Experiment([["Rest for 1 minute"], ["Rest for 1 hour", "Discharge at C/0 until 2 V"]]),
    (e: unknown) => e instanceof ExperimentSyntaxError && e.message.startsWith('Cannot parse experiment step "Discharge at C/0 until 2 V" (step 2 of cycle 2): "C/0" is not a C-rate'),
  );
});

test("typed constructors step.current / cRate / power / voltage / rest build the same steps as the strings, and reject what the parser rejects", () => {
  const same: [ExperimentStep, string][] = [
    [step.current(5, { until: "2.5 V" }), "Discharge at 5 A until 2.5 V"],
    [step.current(-0.05, { duration: "30 minutes", until: { quantity: "voltage", value: 4.1 } }), "Charge at 50 mA for 30 minutes or until 4.1 V"],
    [step.cRate(-0.5, { until: "4.2 V", period: 60 }), "Charge at C/2 until 4.2 V (1 minute period)"],
    [step.cRate(1 / 3, { until: "2.5 V" }), "Discharge at C/3 until 2.5 V"],
    [step.voltage(4.2, { until: "C/50" }), "Hold at 4.2 V until C/50"],
    [step.voltage(4.1, { until: "50 mA" }), "Hold at 4.1 V until 50 mA"],
    [step.power(10, { duration: 600 }), "Discharge at 10 W for 10 minutes"],
    [step.power(-2, { until: "4.1 V" }), "Charge at 2 W until 4.1 V"],
    [step.rest("1 hour"), "Rest for 1 hour"],
    [step.rest(90), "Rest for 90 seconds"],
    [step.rest({ until: "3 V" }), "Rest until 3 V"],
  ];
  for (const [made, text] of same) {
    assert.equal(made.description, text);
    const parsed = parseStep(text);
    assert.equal(made.kind, parsed.kind, text);
    assert.ok(Math.abs(made.value - parsed.value) < 1e-12 * Math.max(1, Math.abs(parsed.value)), text);
    assert.equal(made.duration, parsed.duration, text);
    assert.equal(made.period, parsed.period, text);
    assert.equal(made.until?.quantity, parsed.until?.quantity, text);
    assert.ok(Math.abs((made.until?.value ?? 0) - (parsed.until?.value ?? 0)) < 1e-9, text);
  }
  assert.equal(step.current(5, { until: "2.5 V", description: "my discharge" }).description, "my discharge");
  const bad: [() => unknown, RegExp][] = [
    [() => step.current(NaN, { until: "2.5 V" }), /^step\.current\(NaN\) has value NaN: the current must be a finite number \[A\]/],
    [() => step.cRate(Infinity, { until: "2.5 V" }), /^step\.cRate\(Infinity\) has value Infinity/],
    [() => step.current(0, { until: "2.5 V" }), /moves no charge: use a rest/],
    [() => step.voltage(-4.2, { duration: 60 }), /voltage to hold must be positive/],
    [() => step.current(1), /neither a duration nor an until condition/],
    [() => step.current(1, { until: "2.5 parsec" }), /"2\.5 parsec" is not a current/],
    [() => step.current(1, { until: "5 W" }), /not a power/],
    [() => step.current(1, { duration: -3 }), /duration must be a positive number of seconds/],
    [() => step.current(1, { duration: "0 s" }), /must be positive/],
    [() => step.current(1, { until: "2.5 V", period: 0 }), /period must be a positive number/],
    [() => step.current(1, { duraton: 3 } as never), /unknown option "duraton"\. Did you mean: "duration"\?/],
    [() => step.rest(), /neither a duration nor an until condition/],
  ];
  for (const [f, why] of bad) assert.throws(f, (e: unknown) => e instanceof ExperimentError && why.test(e.message), String(why));
  const e = new Experiment([step.cRate(1, { until: "2.5 V" }), step.rest("10 minutes"), "Charge at 1C until 4.2 V"]);
  assert.deepEqual(e.cycles[0].map((s) => s.kind), ["c-rate", "rest", "c-rate"]);
});

test("step objects and lists given to Experiment are checked: errors name the step's place and what is wrong", () => {
  const cases: [unknown, RegExp][] = [
    // before: failed late in the solver with "failed to find a consistent initial state"
    [[{ kind: "current", value: NaN, description: "x" }], /^Experiment: step 1 \("x"\) has value NaN: the current must be a finite number \[A\]/],
    // before: the inner array was run as a step (a 24-hour rest)
    [["Rest for 1 minute", ["Rest for 1 hour"]], /^Experiment: the list mixes steps and lists of steps \(element 2 is a list, element 1 is a step\)/],
    // before: failed after running nothing with 'Unknown variable "Voltage [V]". Did you mean: ?'
    [[[]], /^Experiment: cycle 1 has no steps/],
    [[["Rest for 1 minute"], []], /^Experiment: cycle 2 has no steps/],
    [["Rest for 1 minute", { kind: "amps", value: 1, duration: 60 }], /^Experiment: step 2 has kind "amps"; valid kinds: "current", "c-rate"/],
    [["Rest for 1 minute", { kind: "rest", value: 1, duration: 60 }], /^Experiment: step 2 is a rest with value 1/],
    [[{ kind: "c-rate", value: 1 }], /^Experiment: step 1 has neither a duration nor an until condition/],
    [[{ kind: "c-rate", value: 1, duration: -60 }], /^Experiment: step 1 has duration -60: a duration is a positive number of seconds/],
    [[{ kind: "c-rate", value: 1, until: { quantity: "voltage", value: NaN } }], /^Experiment: step 1 has until voltage NaN/],
    [[{ kind: "c-rate", value: 1, until: { quantity: "power", value: 2 } }], /^Experiment: step 1 has until \{"quantity":"power","value":2\}/],
    [[["Rest for 1 minute"], [{ kind: "voltage", value: 0, duration: 60 }]], /^Experiment: step 1 of cycle 2 holds at 0 V/],
    [[null], /^Experiment: step 1 is null/],
  ];
  for (const [steps, why] of cases) {
    assert.throws(() => new Experiment(steps as never), (e: unknown) => e instanceof ExperimentError && why.test(e.message), String(why));
  }
  // a valid object without a description gets one in the step language
  const ok = new Experiment([{ kind: "current", value: 5, until: { quantity: "voltage", value: 2.5 } } as ExperimentStep]);
  assert.equal(ok.cycles[0][0].description, "Discharge at 5 A until 2.5 V");
});

test("default durations: PyBaMM's 2 h/|C| for C-rates (C/50 → 100 h, not the day that cut C/50 short), the C-rate equivalent for currents and powers, one day for rests and holds", () => {
  const cell = { capacity: 5, upperVoltage: 4.2 };
  assert.equal(defaultDuration(parseStep("Discharge at C/50 until 2.5 V"), cell), 100 * 3600);
  assert.equal(defaultDuration(parseStep("Charge at 2C until 4.2 V"), cell), 3600);
  assert.equal(defaultDuration(parseStep("Discharge at 100 mA until 2.5 V"), cell), 100 * 3600, "0.1 A on 5 A.h is C/50");
  assert.equal(defaultDuration(parseStep("Charge at 5 A until 4.2 V"), cell), 2 * 3600);
  assert.equal(defaultDuration(parseStep("Discharge at 1 W until 2.5 V"), cell), 2 * 5 * 4.2 * 3600, "the most energy the cell holds, twice");
  assert.equal(defaultDuration(parseStep("Hold at 4.2 V until C/50"), cell), 86400);
  assert.equal(defaultDuration(parseStep("Rest until 3 V"), cell), 86400);
});

test("resistance steps are read as resistances, and kW and C-rates are not mistaken for them (more in simulate-resistance.test.ts)", () => {
  assert.equal(parseStep("Discharge at 2 Ohm for 1 hour").kind, "resistance");
  assert.equal(parseStep("Discharge at 1 kW for 1 minute").kind, "power");
  assert.equal(parseStep("Discharge at 1C until 2.5 V").kind, "c-rate");
});

test("a duration after \"until\" (\"Hold at 4.2 V until 1 hour\", said \"1 hour\" is not a current) gets the step in PyBaMM's form, with the duration after \"for\"", () => {
  const why = (text: string): string => {
    try {
      parseStep(text);
    } catch (e) {
      assert.ok(e instanceof ExperimentSyntaxError, text);
      return e.why;
    }
    return assert.fail(`${text} parsed`);
  };
  for (const [text, pybamm] of [
    ["Hold at 4.2 V until 1 hour", "Hold at 4.2 V for 1 hour"],
    ["Charge at 1C until 4.2 V or until 1 hour", "Charge at 1C for 1 hour or until 4.2 V"],
    ["Discharge at 1C until 90 minutes or until 2.5 V (1 minute period)", "Discharge at 1C for 90 minutes or until 2.5 V (1 minute period)"],
    ["Rest until 10 minutes", "Rest for 10 minutes"],
  ]) {
    const w = why(text);
    assert.ok(w.includes(`after "until" is a duration, but "until" takes a voltage or a current`), w);
    assert.ok(w.includes(`a duration goes after "for", as in PyBaMM; write "${pybamm}"`), w);
    assert.doesNotMatch(w, /is not a current/);
    assert.doesNotThrow(() => parseStep(pybamm), pybamm);
  }
  // a second duration, or two of them: the form to use, without a rewrite that would not parse
  assert.match(why("Discharge at 1C for 2 hours or until 1 hour"), /"1 hour" after "until" is a duration.*a step has one duration, after "for", and its conditions after "or until"/);
  assert.match(why("Discharge at 1C until 1 hour or until 2 hours"), /"1 hour" and "2 hours" after "until" are durations/);
  // the message keeps the step's place in an experiment; conditions still parse
  assert.throws(() => new Experiment(["Rest for 1 minute", "Hold at 4.2 V until 1 hour"]), /"Hold at 4\.2 V until 1 hour" \(step 2\): .*write "Hold at 4\.2 V for 1 hour"/);
  assert.throws(() => step.voltage(4.2, { until: "1 hour" }), /step\.voltage\(4\.2\): until "1 hour" is a duration, .*give it as \{ duration: "1 hour" \}/);
  assert.deepEqual(parseStep("Hold at 4.2 V until 50 mA").until, { quantity: "current", value: 0.05 });
});

test("Experiment's doc says a flat list is one cycle here but one cycle per element in PyBaMM, and how to write PyBaMM's form; the behaviour it describes holds", () => {
  const source = readFileSync(join(__dirname, "../../lib/src/simulate/experiment.ts"), "utf8");
  const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export class Experiment\b/.exec(source)?.[1] ?? "";
  assert.match(doc, /a flat list of steps is ONE cycle/);
  assert.match(doc, /In PyBaMM each element of a flat list is a cycle of its own, and a\s+\*\s+tuple groups steps into one cycle/);
  assert.match(doc, /write its list as a list of lists/);
  // what the doc says
  const a = "Discharge at 1C until 2.5 V";
  const b = "Rest for 1 hour";
  assert.equal(new Experiment([a, b]).cycles.length, 1);
  assert.deepEqual(new Experiment([[a], [b]]).cycles.map((c) => c.map((s) => s.description)), [[a], [b]]);
  assert.deepEqual(new Experiment([[a, b]], { cycles: 3 }).cycles, new Experiment(Array.from({ length: 3 }, () => [a, b])).cycles);
});

test("experiment-wide terminations (PyBaMM's Experiment(termination=...)): time cuts the running step, capacity and voltage end a cycle", () => {
  const p = parameterValues("Chen2020");
  const e = new Experiment(["Rest for 1 minute"], { termination: ["80% capacity", "4 A.h capacity", "3.1 V", "2 hours", " 250 mA.h capacity "] });
  assert.deepEqual(
    e.termination.map((x) => [x.kind, x.value]),
    [["capacity", 80], ["capacity", 4], ["voltage", 3.1], ["time", 7200], ["capacity", 0.25]],
  );
  for (const [bad, msg] of [["80 capacity", /a capacity is a percentage of the first cycle's/], ["120% capacity", /in \(0, 100\]/], ["-3 V", /a voltage is positive/], ["tomorrow", /"tomorrow" is not a termination/]] as const)
    assert.throws(() => new Experiment(["Rest for 1 hour"], { termination: bad }), (err: unknown) => err instanceof ExperimentError && msg.test(err.message) && /Valid forms: "80% capacity"/.test(err.message), bad);
  // time: the step running at 3 h is cut there and the experiment stops
  const cccv = ["Discharge at 1C until 2.5 V", "Rest for 10 minutes", "Charge at 1C until 4.2 V", "Hold at 4.2 V until C/20"];
  const timed = simulate(spm(p), new Experiment(cccv, { cycles: 10, termination: "3 hours" }), { saveStates: false });
  assert.match(timed.termination, /^Time termination "3 hours" reached in cycle 2, step 1/);
  assert.equal(timed.get("Time [s]").at(-1), 10800);
  assert.equal(timed.stepLog.at(-1)!.reason, "time termination");
  // capacity: a 2C charge without a hold leaves the next discharge at 61 % of the first
  const fading = simulate(spm(p), new Experiment(["Discharge at 2C until 2.5 V", "Charge at 2C until 4.2 V"], { cycles: 20, termination: "80% capacity" }), { saveStates: false });
  assert.match(fading.termination, /^Capacity termination "80% capacity" reached at the end of cycle 2: it discharged 2\.\d+ A\.h, 6\d\.\d+ % of cycle 1's 4\.8\d+ A\.h/);
  assert.equal(fading.cycles.length, 2);
  // voltage: the lowest voltage of a cycle
  const sagging = simulate(spm(p), new Experiment(["Discharge at 1C for 10 minutes", "Rest for 5 minutes"], { cycles: 20, termination: "3.5 V" }), { saveStates: false });
  assert.match(sagging.termination, /^Voltage termination "3\.5 V" reached at the end of cycle \d+: its lowest voltage was 3\.4\d+ V/);
  assert.ok(sagging.cycles.at(-1)!["Minimum voltage [V]"] <= 3.5 && sagging.cycles.at(-2)!["Minimum voltage [V]"] > 3.5);
});

test("per-step temperatures (PyBaMM's '... at 25oC' and Experiment(temperature=...)) run an isothermal model at them and restore the set's ambient afterwards", () => {
  const p = parameterValues("Chen2020");
  const parsed = parseStep("Discharge at 1C until 2.5 V at 0oC (1 minute period)");
  assert.equal(parsed.temperature, 273.15);
  assert.equal(parsed.period, 60);
  assert.deepEqual(parsed.until, { quantity: "voltage", value: 2.5 });
  assert.equal(parseStep("Charge at 1C until 4.2 V at 298 K").temperature, 298);
  assert.equal(parseStep("Rest for 1 hour at 45 °C").temperature, 318.15);
  assert.equal(step.cRate(1, { until: "2.5 V", temperature: "45oC" }).description, "Discharge at 1C until 2.5 V at 45oC");
  assert.throws(() => parseStep("Discharge at 1C until 2.5 V at 500oC"), /773\.15 K, outside the 200–400 K/);
  assert.throws(() => step.rest(60, { temperature: 25 }), /25 looks like °C: write "25oC"/);
  const m = spm(p);
  const cold = simulate(m, "Discharge at 1C until 2.5 V at 0oC", { saveStates: false });
  assert.equal(m.cell.T, 298.15, "the model's temperature is restored");
  const warm = simulate(m, "Discharge at 1C until 2.5 V", { saveStates: false });
  assert.ok(cold.get("Discharge capacity [A.h]").at(-1)! < warm.get("Discharge capacity [A.h]").at(-1)!, "a cold cell delivers less");
  assert.ok(cold.get("Voltage [V]")[1] < warm.get("Voltage [V]")[1] - 0.005, "and polarises more");
  assert.deepEqual([...new Set(cold.get("Cell temperature [K]"))], [273.15]);
  // the experiment's temperature for steps without their own
  const e = new Experiment(["Discharge at 1C for 10 minutes", "Rest for 10 minutes at 45oC"], { temperature: "10oC" });
  const s = simulate(m, e, { saveStates: false });
  const T = s.get("Cell temperature [K]");
  const st = s.get("Step number");
  for (let i = 0; i < T.length; i++) assert.equal(T[i], st[i] === 1 ? 283.15 : 318.15);
});

test("per-step temperatures with the lumped thermal model set the ambient temperature (PyBaMM's behaviour): a resting cell relaxes to it as T_amb + ΔT·exp(−t/τ), continuously across steps, and the set's ambient is restored", () => {
  const p = parameterValues("Chen2020");
  const m = spme(p, { thermal: "lumped" });
  const out = Float64Array.from({ length: 31 }, (_, i) => i * 360);
  // (a first step at the set's ambient: the first step's own temperature would also be the cell's initial one)
  const s = simulate(m, new Experiment(["Rest for 1 s", "Rest for 2 hours at 0oC", "Rest for 1 hour at 40oC"]), { saveStates: false, solver: { outputTimes: out } });
  assert.equal(m.ambientTemperature!(), 298.15, "the set's ambient is restored");
  const t = s.get("Time [s]");
  const T = s.get("Cell temperature [K]");
  const amb = s.get("Ambient temperature [K]");
  const st = s.get("Step number");
  // at rest from a uniform state no heat is generated: Newton cooling from the initial 298.15 K with τ = m·c_p/(h·A)
  const tau = m.thermal!.heatCapacity / m.thermal!.coolingCoefficient;
  let worst = 0;
  for (let i = 0; i < t.length; i++) {
    assert.equal(amb[i], st[i] === 1 ? 298.15 : st[i] === 2 ? 273.15 : 313.15);
    if (st[i] === 2) worst = Math.max(worst, Math.abs(T[i] - (273.15 + 25 * Math.exp(-(t[i] - 1) / tau))));
  }
  assert.ok(worst < 1e-3, `rest at 0oC: ${worst} K from the exponential`);
  // continuous at the step change, then warming towards 40oC
  const k = st.indexOf(3);
  assert.ok(Math.abs(T[k] - T[k - 1]) < 1e-3 && T[k - 1] < 273.2, `${T[k - 1]} → ${T[k]}`);
  const end = T.length - 1;
  assert.ok(Math.abs(T[end] - (313.15 - (313.15 - T[k]) * Math.exp(-(t[end] - t[k]) / tau))) < 0.05, `after an hour at 40oC: ${T[end]} K`);
  // a cell soaked at 0oC ("Initial temperature [K]" 273.15) warms as it discharges: more capacity than an isothermal 0oC cell,
  // less than one at 25oC; without step temperatures the same model runs at the set's ambient again
  const soaked = spme(p.update({ "Initial temperature [K]": 273.15 }), { thermal: "lumped" });
  const q = (sol: ReturnType<typeof simulate>): number => sol.get("Discharge capacity [A.h]").at(-1)!;
  const lumped0 = simulate(soaked, "Discharge at 1C until 2.5 V at 0oC", { saveStates: false });
  const iso0 = simulate(spme(p), "Discharge at 1C until 2.5 V at 0oC", { saveStates: false });
  const iso25 = simulate(spme(p), "Discharge at 1C until 2.5 V", { saveStates: false });
  assert.ok(q(iso0) < q(lumped0) && q(lumped0) < q(iso25), `${q(iso0)} < ${q(lumped0)} < ${q(iso25)} A.h`);
  const Tl = lumped0.get("Cell temperature [K]");
  assert.ok(Tl[0] === 273.15 && Math.max(...Tl) > 275, `the soaked cell warms to ${Math.max(...Tl)} K`);
  assert.deepEqual([...new Set(lumped0.get("Ambient temperature [K]"))], [273.15]);
  const again = simulate(m, "Rest for 10 minutes", { saveStates: false });
  assert.deepEqual([...new Set(again.get("Ambient temperature [K]"))], [298.15]);
});

test("terminations at the edges: the time on a step boundary stops before the next step, rounding does not crash, the earliest time counts, a formation cycle is not the capacity reference, a temperature may stand anywhere once", () => {
  const p = parameterValues("Chen2020");
  const boundary = simulate(spm(p), new Experiment(["Discharge at 1C for 30 minutes", "Hold at 3.9 V for 30 minutes"], { cycles: 3, termination: "30 minutes" }), { saveStates: false });
  assert.match(boundary.termination, /^Time termination "30 minutes" reached at t = 1800\.0 s, at the end of cycle 1, step 1/);
  assert.equal(boundary.stepLog.length, 1, "the hold never ran");
  assert.ok(boundary.get("Step number").every((v) => v === 1));
  const cyclesEnd = simulate(spm(p), new Experiment(["Discharge at 0.5C for 30 minutes"], { cycles: 3, termination: "1 hour" }), { saveStates: false });
  assert.equal(cyclesEnd.cycles.length, 2, "no empty third cycle");
  // 8 × 0.1 s is 0.7999999999999999 s: the last 1e-16 s is not a step (it failed as "step size fell below 1e-9 s")
  const rounding = simulate(spm(p), new Experiment(["Discharge at 0.1C for 0.1 s"], { cycles: 10, termination: "0.8 s" }), { saveStates: false });
  assert.match(rounding.termination, /^Time termination "0\.8 s"/);
  const two = simulate(spm(p), new Experiment(["Rest for 1 hour"], { cycles: 12, termination: ["10 hours", "5 hours"] }), { saveStates: false });
  assert.match(two.termination, /^Time termination "5 hours" reached at t = 18000\.0 s/);
  // a formation charge as cycle 1: the reference is the first cycle that discharged
  const formation = new Experiment(
    [["Charge at 1C until 4.2 V"], ["Discharge at 2C until 3.3 V", "Charge at 2C until 4.2 V"], ["Discharge at 2C until 3.3 V", "Charge at 2C until 4.2 V"], ["Discharge at 2C until 3.3 V", "Charge at 2C until 4.2 V"]],
    { termination: "99.9% capacity" },
  );
  assert.match(simulate(spm(p), formation, { saveStates: false, initialSoc: 0.5 }).termination, /^Capacity termination "99\.9% capacity" reached at the end of cycle 3: .* % of cycle 2's/);
  assert.equal(parseStep("Discharge at 1C at 25oC until 2.5 V").temperature, 298.15);
  const late = parseStep("Discharge at 1C until 2.5 V (1 minute period) at 25oC");
  assert.equal(late.temperature, 298.15);
  assert.equal(late.period, 60);
  assert.throws(() => parseStep("Discharge at 1C at 25oC until 2.5 V at 30oC"), /it gives 2 temperatures \(25oC, 30oC\): give one/);
});

test("profiles of a step run at its own temperature are computed at that temperature", () => {
  const p = parameterValues("Chen2020");
  const atStep = simulate(spme(p), "Discharge at 1C for 10 minutes at 0oC").profilesAt(300)["Electrolyte potential [V]"];
  const atAmbient = simulate(spme(p.update({ "Ambient temperature [K]": 273.15 })), "Discharge at 1C for 10 minutes").profilesAt(300)["Electrolyte potential [V]"];
  // before: computed at the set's 298.15 K, up to 53 mV off
  for (let i = 0; i < atStep.length; i++) assert.ok(Math.abs(atStep[i] - atAmbient[i]) < 1e-12);
});

test("a step can end on a named output variable (PyBaMM's CustomTermination): the plating indicator falling to 0 V, the lumped cell temperature rising to a limit; unknown names fail with the nearest", () => {
  const p = parameterValues("Chen2020");
  const PL = "Negative electrode surface potential difference at separator interface [V]";
  assert.deepEqual(parseStep(`Charge at 2C until "${PL}" below 0`).until, { quantity: "variable", name: PL, value: 0, direction: "falling" });
  assert.deepEqual(parseStep(`Discharge at 1C for 1 hour or until "Cell temperature [K]" above 3.1815e2 (1 minute period)`).until, { quantity: "variable", name: "Cell temperature [K]", value: 318.15, direction: "rising" });
  const built = step.cRate(-2, { until: { variable: PL, below: 0 } });
  assert.equal(built.description, `Charge at 2C until "${PL}" below 0`);
  assert.deepEqual(parseStep(built.description).until, built.until);
  assert.throws(() => parseStep(`Charge at 2C until "${PL}" under 0`), /a condition on a variable reads until "<variable name>" below <value>/);
  assert.throws(() => step.cRate(1, { until: { variable: "Cell temperature [K]", below: 280, above: 320 } as never }), /needs exactly one of below or above/);
  assert.throws(() => step.cRate(1, { until: { variable: "Cell temperature [K]", above: NaN } }), /needs a finite value, got NaN/);
  assert.throws(() => new Experiment([{ kind: "c-rate", value: 1, until: { quantity: "variable", name: "X", value: 1 } } as never]), /direction undefined: give "falling"/);
  // a two-stage fast charge that leaves 2C when the negative electrode's potential at the separator reaches 0 V (plating)
  const charge = new Experiment([step.cRate(-2, { until: { variable: PL, below: 0 } }), "Charge at C/2 until 4.2 V"]);
  const s = simulate(dfn(p), charge, { initialSoc: 0.1, saveStates: false });
  assert.match(s.termination, /^completed/);
  assert.equal(s.stepLog[0].reason, `Charge at 2C until "${PL}" below 0`);
  const v = s.get(PL);
  const st = s.get("Step number");
  const k = st.lastIndexOf(1);
  assert.ok(Math.abs(v[k]) < 1e-6, `the step ends at ${v[k]} V`);
  for (let i = 0; i < k; i++) assert.ok(v[i] > 0, `point ${i} at ${v[i]} V`);
  assert.ok(s.get("Time [s]")[k] > 60 && s.get("Time [s]")[k] < 300, `2C for ${s.get("Time [s]")[k]} s from 10 % SOC`);
  // the lumped model's temperature
  const hot = simulate(spme(p, { thermal: "lumped" }), step.cRate(2, { until: { variable: "Cell temperature [K]", above: 303.15 } }), { saveStates: false });
  assert.match(hot.termination, /^completed/);
  assert.ok(Math.abs(hot.get("Cell temperature [K]").at(-1)! - 303.15) < 1e-5);
  // names the model does not compute
  assert.throws(() => simulate(spm(p), `Discharge at 1C until "Cell temperature [K]" above 300`), /which the SPM does not compute \(an isothermal model's temperature is fixed: build the model with \{ thermal: "lumped" \}/);
  assert.throws(() => simulate(spm(p), `Discharge at 1C until "Voltage [V]" below 3`), /"Voltage \[V\]" has its own condition: write "until 2\.5 V"/);
  assert.throws(() => simulate(spm(p), `Discharge at 1C until "Negative particle surface stoichiometri" below 0.1`), /Did you mean: "Negative particle surface stoichiometry"/);
  assert.throws(() => simulate(spm(p), `Discharge at 1C until "Power [W]" below 3`), /"Power \[W\]" is a column the simulation keeps, not an output of the model's state/);
  assert.throws(() => simulate(spm(p), `Discharge at 1C until "Time [h]" above 1`), /"Time \[h\]" has its own condition: give the step a duration/);
  assert.throws(() => simulate(dfn(p), `Discharge at 1C until "Electrolyte concentration [mol.m-3]" below 500`), /is a profile, a value per position/);
  // checked before anything runs (audit: a misspelt name in cycle 2 failed after cycle 1 had run)
  const late = new Experiment([["Discharge at 1C for 1 minute"], [`Rest for 1 minute or until "Cell temprature [K]" above 300`]]);
  const watched = spm(p, { thermal: "lumped" });
  let evaluations = 0;
  const rhs = watched.system.rhs;
  (watched.system as { rhs: typeof rhs }).rhs = (yy, cur, out) => {
    evaluations++;
    rhs(yy, cur, out);
  };
  assert.throws(() => simulate(watched, late, { saveStates: false }), /cycle 2, step 1 .* ends on the variable "Cell temprature \[K\]", which the SPM does not compute\. Did you mean: "Cell temperature \[K\]"/);
  assert.equal(evaluations, 0, "nothing ran");
});

test("a step with several conditions ends on the first met (PyBaMM's termination list): \"until 4.1 V or 50 mA\" in the step language, a list in the constructors; the log says which one", () => {
  const p = parameterValues("Chen2020");
  const parsed = parseStep(`Charge at 1C until 4.1 V or "Cell temperature [K]" above 300 or until C/3 (1 minute period)`);
  assert.deepEqual(parsed.until, { quantity: "voltage", value: 4.1 });
  assert.deepEqual(parsed.orUntil, [{ quantity: "variable", name: "Cell temperature [K]", value: 300, direction: "rising" }, { quantity: "c-rate", value: 1 / 3 }]);
  assert.equal(parsed.period, 60);
  // a quoted name with " or " in it is one condition
  assert.deepEqual(parseStep(`Discharge at 1C until "a or b" below 1 or 3 V`).until, { quantity: "variable", name: "a or b", value: 1, direction: "falling" });
  // nor does a "(", " for ", " until " or " at 25oC" inside a name stand for the step's own words (a "(" was read as
  // the start of an output period: 'Discharge at 1C until "Foo (x) [V]" below 3' failed as "not an output period")
  for (const name of ["Foo (x) [V]", "Foo (1 minute period) [V]", "hold for a while [V]", "x until y", "rise at 25oC [K]"]) {
    const st = parseStep(`Discharge at 1C until "${name}" below 3 or 2.5 V (10 s period)`);
    assert.deepEqual(st.until, { quantity: "variable", name, value: 3, direction: "falling" });
    assert.deepEqual(st.orUntil, [{ quantity: "voltage", value: 2.5 }]);
    assert.equal(st.period, 10);
    assert.equal(st.temperature, undefined);
    assert.equal(st.description, `Discharge at 1C until "${name}" below 3 or 2.5 V (10 s period)`);
  }
  assert.equal(parseStep(`Discharge at 1C until "Foo (x) [V]" below 3 at 25oC`).temperature, 298.15);
  // and a message about a condition quotes the name as written
  assert.throws(() => parseStep(`Discharge at 1C until "Foo (x) [V]" under 3`), /"Foo \(x\) \[V\]" under 3/);
  const built = step.cRate(-1, { until: ["4.1 V", { variable: "Cell temperature [K]", above: 308 }] });
  assert.equal(built.description, `Charge at 1C until 4.1 V or "Cell temperature [K]" above 308`);
  assert.deepEqual(parseStep(built.description).orUntil, built.orUntil);
  assert.deepEqual(stepConditions(built).map((u) => u.quantity), ["voltage", "variable"]);
  assert.throws(() => step.cRate(1, { until: [] }), /until is an empty list/);
  assert.throws(() => step.cRate(1, { until: ["3 V", "1 hour"] }), /until "1 hour" is a duration/);
  assert.throws(() => new Experiment([{ kind: "c-rate", value: 1, orUntil: [{ quantity: "voltage", value: 3 }] } as never]), /has orUntil but no until/);
  assert.throws(() => parseStep("Charge at 1C until 4.1 V or 1 hour or 2 hours"), /a step has one duration/);
  assert.throws(() => parseStep("Charge at 1C until 4.1 V or 1 hour"), /write "Charge at 1C for 1 hour or until 4\.1 V"/);
  // the lumped Chen2020 SPMe charging at 1C from 20 % SOC warms to 308 K before it reaches 4.1 V (at 309.9 K)
  const m = spme(p, { thermal: "lumped" });
  const hot = simulate(m, new Experiment([built]), { initialSoc: 0.2, saveStates: false });
  assert.equal(hot.stepLog[0].reason, built.description);
  assert.equal(hot.stepLog[0].note, `ended on the condition: until "Cell temperature [K]" above 308`);
  assert.ok(Math.abs(hot.get("Cell temperature [K]").at(-1)! - 308) < 1e-5 && hot.get("Voltage [V]").at(-1)! < 4.05);
  // with a higher temperature limit the voltage comes first
  const volt = simulate(m, step.cRate(-1, { until: ["4.1 V", { variable: "Cell temperature [K]", above: 330 }] }), { initialSoc: 0.2, saveStates: false });
  assert.equal(volt.stepLog[0].note, "ended on the condition: until 4.1 V");
  assert.ok(Math.abs(volt.get("Voltage [V]").at(-1)! - 4.1) < 1e-3);
  // two voltages: the one met first; a limit beyond the set's cut-off lifts it, as a single one does
  const two = simulate(spm(p), "Discharge at 1C until 2.0 V or 3.4 V", { saveStates: false });
  assert.ok(Math.abs(two.get("Voltage [V]").at(-1)! - 3.4) < 1e-3);
  assert.match(two.stepLog[0].note!, /^ended on the condition: until 3\.4 V; "until 2 V" lies below the set's "Lower voltage cut-off \[V\]" of 2\.5 V: that cut-off is lifted/);
});

test("sixth audit: the log names the condition that actually ended a step, also one met at the start, and a variable that depends on the potentials is located to its tolerance", () => {
  const p = parameterValues("Chen2020");
  const atStart = simulate(spm(p), "Discharge at 1 A until 3.0 V or 2 A", { saveStates: false });
  assert.match(atStart.stepLog[0].reason, /already reached at the start of the step/);
  assert.equal(atStart.stepLog[0].note, "ended on the condition: until 2 A");
  const PL = "Negative electrode surface potential difference at separator interface [V]";
  for (const make of [spme, dfn]) {
    for (const control of ["Charge at 3C", "Charge at 20 W"]) {
      const s = simulate(make(p), `${control} until "${PL}" below 0.02`, { initialSoc: 0.2, saveStates: false });
      assert.ok(Math.abs(s.get(PL).at(-1)! - 0.02) < 1e-6, `${control}: ${s.get(PL).at(-1)}`);
    }
  }
});

test("thirteenth audit: a rest passes no charge, so formation cycles (charge, rest) neither end nor anchor capacity terminations, and coulombic efficiencies of one-way cycles are null", () => {
  const model = spm(parameterValues("Chen2020"));
  const cycles = [["Charge at 0.2C for 10 minutes", "Rest for 1 hour"], ["Discharge at 1C until 3 V"], ["Charge at 1C until 4.1 V", "Hold at 4.1 V until C/20"]];
  // the rest's 1e-14 A.h of rounding made cycle 1 one that "discharged 0.0000 A.h" (the 4 A.h termination fired at
  // once) and the reference of the 80 % termination (which then never fired)
  const absolute = simulate(model, new Experiment(cycles, { cycles: 3, termination: "4 Ah capacity" }), { initialSoc: 0.5 });
  assert.match(absolute.termination, /reached at the end of cycle 2: it discharged 2\.3120 A\.h/);
  const relative = simulate(model, new Experiment([cycles[0], ["Discharge at 1C until 3 V"], ["Charge at 1C for 30 minutes"], ["Discharge at 1C until 3 V"]], { termination: "80% capacity" }), { initialSoc: 0.8 });
  assert.match(relative.termination, /reached at the end of cycle 4: it discharged 2\.500\d A\.h, 64\.8\d % of cycle 2's 3\.857\d A\.h/);
  const oneWay = simulate(model, [["Discharge at 1C for 10 minutes", "Rest for 1 hour"], ["Rest for 1 hour"], ["Charge at 0.2C for 10 minutes", "Rest for 1 hour"]]);
  assert.deepEqual(oneWay.cycles.map((c) => [c["Charge capacity [A.h]"] === 0, c["Discharge capacity [A.h]"] === 0, c["Coulombic efficiency"]]), [[true, false, null], [true, true, null], [false, true, null]]);
  // a constant current passes exactly I·Δt
  assert.ok(Math.abs(oneWay.cycles[0]["Discharge capacity [A.h]"] - 5 / 6) < 1e-12);
});

test("thirteenth audit: a step that ends at its start does not enter its cycle's voltage range, and a cycle none of whose steps ran stops the experiment (PyBaMM: infeasible)", () => {
  const model = spm(parameterValues("Chen2020"));
  // "Discharge at 2C until 3.4 V" from 3.3 V is skipped; its state under 2C (3.2507 V, never held) was the minimum
  const sol = simulate(model, new Experiment([["Discharge at 1C until 3.3 V", "Discharge at 2C until 3.4 V", "Rest for 10 minutes"]], { termination: "3.26 V" }));
  assert.equal(sol.termination, "completed");
  assert.ok(Math.abs(sol.cycles[0]["Minimum voltage [V]"] - 3.3) < 1e-6, `${sol.cycles[0]["Minimum voltage [V]"]}`);
  assert.match(sol.stepLog[1].reason, /already reached at the start of the step/);
  // and it stores no row (fifteenth audit: its 2C state at no time passed drew a 170 mV spike in the plots)
  assert.ok(!sol.get("Current [A]").some((i) => Math.abs(i - 10) < 1e-9), "no row of the skipped 2C step");
  assert.ok(!sol.get("Step number").includes(2));
  const alone = simulate(model, "Discharge at 1 A until 2 A");
  assert.equal(alone.termination, `The only step of cycle 1 ended at its start ("Discharge at 1 A until 2 A"): the cycle is infeasible from this state, and the experiment stops (PyBaMM raises an error)`);
  const later = simulate(model, [["Discharge at 1C until 3.3 V"], ["Discharge at 2C until 3.4 V", "Discharge at 3C until 3.4 V"], ["Rest for 1 minute"]]);
  assert.match(later.termination, /^All 2 steps of cycle 2 ended at their start \("Discharge at 2C until 3\.4 V"; "Discharge at 3C until 3\.4 V"\)/);
  // the infeasible cycle has no summary (it held none of the voltages its skipped steps would have started at)
  assert.equal(later.cycles.length, 1);
  // a skipped first step leaves no row either when later steps run (twenty-second audit: a 2C row at 3.614 V before
  // the rest's 3.751 V at t = 0)
  const firstSkipped = simulate(model, ["Discharge at 2C until 3.9 V", "Rest for 10 minutes"], { initialSoc: 0.5 });
  assert.equal(firstSkipped.get("Step number")[0], 2);
  assert.ok(!firstSkipped.get("Current [A]").some((i) => i !== 0));
  assert.equal(firstSkipped.length, firstSkipped.get("Time [s]").length);
  assert.equal(firstSkipped.state(0).length, model.system.n);
  // alone, it keeps its one row (the solution is not empty)
  assert.equal(alone.length, 1);
});

test("thirteenth audit: PyBaMM's comparison conditions (\"< 2.5 V\", \"> -0.5 A\"), the minute unit \"m\", tags, and a hint for the old \"Run\" syntax", () => {
  assert.deepEqual(parseStep("Discharge at 1C until < 2.5 V").until, { quantity: "voltage", value: 2.5, direction: "falling" });
  const built = step.cRate(-1, { until: "> 4.2 V" });
  assert.deepEqual(built.until, { quantity: "voltage", value: 4.2, direction: "rising" });
  assert.equal(built.description, "Charge at 1C until > 4.2 V");
  assert.deepEqual(parseStep("Hold at 4.1 V until > -500 mA").until, { quantity: "current", value: -0.5, direction: "rising" });
  assert.equal(step.voltage(4.1, { until: { quantity: "current", value: -0.5, direction: "rising" } }).description, "Hold at 4.1 V until > -500 mA");
  assert.deepEqual(parseStep("Hold at 4.1 V until < C/50").until, { quantity: "c-rate", value: 0.02 });
  assert.throws(() => parseStep("Hold at 4.1 V until > C/50"), /PyBaMM reads "> C\/50" the same way/);
  assert.throws(() => parseStep("Discharge at 1C until < 10 W"), /not a power/);
  const p = parameterValues("Chen2020");
  const model = spm(p);
  // the comparison form ends where the plain one does
  const plain = simulate(model, "Discharge at 1C until 3.5 V", { saveStates: false });
  const compared = simulate(model, "Discharge at 1C until < 3.5 V", { saveStates: false });
  assert.ok(Math.abs(plain.get("Time [s]").at(-1)! - compared.get("Time [s]").at(-1)!) < 1, `${plain.get("Time [s]").at(-1)} vs ${compared.get("Time [s]").at(-1)}`);
  assert.ok(Math.abs(compared.get("Voltage [V]").at(-1)! - 3.5) < 1e-3);
  const taper = (until: string) => simulate(model, [`Charge at 1C until 4.1 V`, `Hold at 4.1 V until ${until}`], { initialSoc: 0.3, saveStates: false });
  const a = taper("500 mA");
  const b = taper("> -500 mA");
  assert.ok(Math.abs(a.get("Time [s]").at(-1)! - b.get("Time [s]").at(-1)!) < 1 && Math.abs(b.get("Current [A]").at(-1)! + 0.5) < 1e-3);
  // a rest that ends on the voltage recovering through 3.2 V
  const rest = simulate(model, [["Discharge at 1C until 3 V"], ["Rest for 1 hour or until > 3.2 V"]], { saveStates: false });
  const restTime = rest.get("Time [s]").at(-1)! - plain.get("Time [s]").at(-1)!;
  assert.equal(rest.stepLog[1].reason, "Rest for 1 hour or until > 3.2 V");
  assert.ok(Math.abs(rest.get("Voltage [V]").at(-1)! - 3.2) < 1e-3 && restTime < 3600);
  // "m" is minutes, as in PyBaMM's steps and terminations
  assert.equal(parseStep("Rest for 10 m").duration, 600);
  assert.equal(parseStep("Discharge at 1C until 2.5 V (1 m period)").period, 60);
  assert.deepEqual(new Experiment(["Rest for 1 hour"], { termination: "10 m" }).termination, [{ kind: "time", value: 600, text: "10 m" }]);
  // tags, as PyBaMM's step keyword; Experiment.searchTag as its search_tag (0-based cycles)
  const exp = new Experiment([[step.cRate(1, { until: "3 V", tags: ["rpt", "slow"] })], [step.rest("1 minute", { tags: "relax" })], ["Charge at 1C until 4.1 V"]], { cycles: 2 });
  assert.deepEqual(exp.searchTag("rpt"), [0, 3]);
  assert.deepEqual(exp.searchTag("relax"), [1, 4]);
  assert.deepEqual(exp.searchTag("none"), []);
  const tagged = simulate(model, exp.cycles.slice(0, 2).map((c) => [...c]), { saveStates: false });
  assert.deepEqual(tagged.stepLog.map((e) => e.tags), [["rpt", "slow"], ["relax"]]);
  assert.throws(() => step.cRate(1, { until: "3 V", tags: [""] as never }), /tags are a list of non-empty strings/);
  assert.throws(() => parseStep("Discharge at 1C until 2.5 V [cycling]"), /give tags as a step object's option, e.g\. step\.cRate\(1, \{ until: "2\.5 V", tags: \["cycling"\] \}\)/);
  // PyBaMM's removed drive-cycle syntax points to the constructors
  assert.throws(() => parseStep("Run US06 (A) for 5 minutes"), /old drive-cycle syntax .* step\.current\(\[\[0, 5\]/);
});

test("twenty-fourth audit: edge cases — a cycle whose first step a cut-off stops at once has no summary (it had ±Infinity voltages), an empty cycle list is an empty DataFrame, basic outputs keep a lumped model's temperature and say why a model output is missing", () => {
  const p = parameterValues("Chen2020");
  const s = simulate(spm(p), new Experiment([["Discharge at 1C until 2.5 V"], ["Discharge at 1C until 2.5 V"]]));
  assert.match(s.termination, /^Lower voltage cut-off reached at the start of cycle 2/);
  assert.equal(s.cycles.length, 1);
  for (const c of s.cycles) assert.ok(Number.isFinite(c["Minimum voltage [V]"]) && Number.isFinite(c["Maximum voltage [V]"]));
  const none = simulate(spm(p), "Discharge at 1C until 2.5 V", { initialSoc: 0 });
  assert.equal(none.cycles.length, 0);
  const df = none.cyclesToDataFrame() as { shape: number[]; columns: string[] };
  assert.equal(df.shape[0], 0);
  assert.ok(df.columns.includes("Discharge capacity [A.h]"));
  const th = simulate(spm(p, { thermal: "lumped" }), "Discharge at 1C for 10 minutes at 35oC", { outputs: "basic", saveStates: false });
  assert.equal(th.get("Cell temperature [K]")[0], 308.15);
  assert.ok(th.get("Ambient temperature [K]").every((T) => T === 308.15));
  assert.throws(() => th.get("X-averaged negative particle surface concentration [mol.m-3]"), /the SPM computes it, but this simulation stored only the basic columns: run it with outputs: "all"/);
});
