import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, spm, spme, dfn, simulate, Experiment, ExperimentError, step, plotProfiles, Solution } from "../../lib/src/simulate";
import type { CellModel, SolveStats } from "../../lib/src/simulate";

const chen = parameterValues("Chen2020");
const coarseDfn = { xn: 8, xs: 5, xp: 8, rn: 8, rp: 8 };

test("a step without a duration that runs out of its default before its \"until\" says so in the step log and the termination, and stops the experiment", () => {
  // before: every such step stopped after 24 h and the solution said "completed" (C/50: 2.40 of 5.1 A.h, at 3.77 V).
  // A cell whose nominal capacity is set to 1 A.h but holds ~5: 1 A is "1C" by the rating, so the default is 2 h.
  const mislabelled = chen.update({ "Nominal cell capacity [A.h]": 1 });
  const sol = simulate(spm(mislabelled), new Experiment(["Discharge at 1 A until 2.5 V", "Rest for 1 hour"]), { saveStates: false });
  const t = sol.get("Time [s]");
  assert.equal(t[t.length - 1], 7200);
  assert.equal(sol.stepLog.length, 1, "the rest after it does not run");
  assert.equal(sol.stepLog[0].reason, "default duration");
  assert.match(sol.stepLog[0].note ?? "", /no duration and its default of 2 h \(2 h × nominal capacity \/ \|current\|\) ran out at 3\.\d{4} V, 1\.000 A before "until 2\.5 V" was reached/);
  assert.match(sol.termination, /^Default duration \(2 h, 2 h × nominal capacity \/ \|current\|\) ran out in cycle 1, step 1 \("Discharge at 1 A until 2\.5 V"\) at t = 7200\.0 s before "until 2\.5 V" was reached \(voltage 3\.\d{4} V/);
  assert.notEqual(sol.termination, "completed");
  // a rest keeps PyBaMM's day
  const rest = simulate(spm(chen), ["Discharge at 1C for 30 minutes", "Rest until 4 V"], { saveStates: false });
  assert.equal(rest.stepLog[1].reason, "default duration");
  assert.match(rest.termination, /^Default duration \(24 h, one day, PyBaMM's default\) ran out in cycle 1, step 2 \("Rest until 4 V"\) at t = 88200\.0 s/);
  // an explicit duration that runs out is an ordinary end
  const timed = simulate(spm(chen), "Discharge at 1C for 10 minutes or until 2.5 V", { saveStates: false });
  assert.deepEqual([timed.stepLog[0].reason, timed.termination], ["duration", "completed"]);
  // slow steps now reach their end: C/50 by current (0.1 A on 5 A.h) gets 100 h and ends at 2.5 V after ~51 h
  const slow = simulate(spm(chen), step.current(0.1, { until: "2.5 V" }), { saveStates: false });
  const V = slow.get("Voltage [V]");
  assert.deepEqual([slow.stepLog[0].reason, slow.termination], ["Discharge at 100 mA until 2.5 V", "completed"]);
  assert.ok(Math.abs(V[V.length - 1] - 2.5) < 1e-3 && slow.get("Discharge capacity [A.h]")[V.length - 1] > 5.05);
});

test("an output period puts a point every period from the start of each step, besides the solver's steps and the step ends", () => {
  const sol = simulate(spm(chen), "Discharge at 1C until 2.5 V (1 minute period)", { saveStates: false });
  const t = sol.get("Time [s]");
  const end = t[t.length - 1];
  const onGrid = Array.from(t).filter((x) => x > 0 && Math.abs(x / 60 - Math.round(x / 60)) < 1e-9);
  assert.equal(onGrid.length, Math.floor(end / 60), `${onGrid.length} points on the minute grid over ${end} s`);
  assert.ok(Math.abs(sol.get("Voltage [V]")[t.length - 1] - 2.5) < 1e-4, "the event point ends the step");
  const plain = simulate(spm(chen), "Discharge at 1C until 2.5 V", { saveStates: false });
  assert.ok(sol.length > plain.length, `${sol.length} points with the period, ${plain.length} without`);
  const tp = plain.get("Time [s]");
  assert.ok(Math.abs(tp[tp.length - 1] - end) < 1e-6, "the output times do not move the event");
  // the Experiment's period for every step without its own, counted from each step's start (600 s here)
  const exp = simulate(spm(chen), new Experiment(["Discharge at 1C for 10 minutes", "Rest for 5 minutes (10 s period)"], { period: "2 minutes" }), { saveStates: false });
  const te = Array.from(exp.get("Time [s]"));
  for (const x of [120, 240, 360, 480, 600, 610, 620, 890, 900]) assert.ok(te.some((y) => Math.abs(y - x) < 1e-9), `a point at ${x} s`);
  assert.equal(te.filter((y) => y > 600 && y < 900 && Math.abs(y / 10 - Math.round(y / 10)) < 1e-9).length, 29);
  // the caller's own output times are still honoured
  const own = simulate(spm(chen), "Discharge at 1C for 10 minutes (5 minutes period)", { saveStates: false, solver: { outputTimes: [123.5] } });
  assert.ok(Array.from(own.get("Time [s]")).some((y) => y === 123.5));
});

test("voltage limits: a hold outside the set's cut-offs is refused before it runs; an own limit beyond them runs with a note and PyBaMM's 1 V safeguard; the termination names the limit", () => {
  // before: "Hold at 5 V for 10 minutes" ran (the SPM started at −7152 A) and "until 2.0 V" ran past 2.5 V without a word
  assert.throws(
    () => simulate(spm(chen), ["Rest for 1 minute", "Hold at 5 V for 10 minutes"]),
    (e: unknown) =>
      e instanceof ExperimentError &&
      e.message.startsWith('simulate: cycle 1, step 2 ("Hold at 5 V for 10 minutes") holds at 5 V, above the Chen2020 set\'s "Upper voltage cut-off [V]" of 4.2 V') &&
      /respectCutoffs: false/.test(e.message),
  );
  assert.throws(() => simulate(spm(chen), "Hold at 2 V for 1 minute"), /below the Chen2020 set's "Lower voltage cut-off \[V\]" of 2\.5 V/);
  assert.ok(simulate(spm(chen), "Hold at 5 V for 1 minute", { respectCutoffs: false, saveStates: false }).get("Current [A]")[0] < -1000, "allowed when asked for");
  // an own limit beyond the window: the step runs to it, the log says the set's cut-off was lifted
  const deep = simulate(spm(chen), "Discharge at 1C until 2.0 V", { saveStates: false });
  const V = deep.get("Voltage [V]");
  assert.ok(Math.abs(V[V.length - 1] - 2.0) < 1e-3);
  assert.equal(deep.stepLog[0].reason, "Discharge at 1C until 2.0 V");
  assert.match(deep.stepLog[0].note ?? "", /"until 2 V" lies below the set's "Lower voltage cut-off \[V\]" of 2\.5 V: that cut-off is lifted for this step \(PyBaMM's safeguard at 1\.5 V stays\)/);
  const high = simulate(spm(chen), "Charge at 1C until 4.3 V", { saveStates: false, initialSoc: 0.5 });
  assert.match(high.stepLog[0].note ?? "", /above the set's "Upper voltage cut-off \[V\]" of 4\.2 V/);
  // beyond the safeguard too: the safeguard ends it (listed first, as a falling voltage meets it first)
  const tooDeep = simulate(spm(chen), "Discharge at 1C until 1.0 V", { saveStates: false });
  const Vd = tooDeep.get("Voltage [V]");
  assert.ok(Math.abs(Vd[Vd.length - 1] - 1.5) < 1e-3, `ends at ${Vd[Vd.length - 1]} V`);
  assert.equal(tooDeep.stepLog[0].reason, "Lower voltage cut-off safeguard");
  assert.match(tooDeep.termination, /^Lower voltage cut-off safeguard reached in cycle 1, step 1 .*; 1\.5 V, 1 V below the set's "Lower voltage cut-off \[V\]" of 2\.5 V$/);
  // a step without an own limit ends at the set's cut-off, and the termination gives its value
  const plain = simulate(spm(chen), ["Discharge at 1C for 2 hours", "Rest for 1 hour"], { saveStates: false });
  assert.equal(plain.stepLog[0].reason, "Lower voltage cut-off");
  assert.match(plain.stepLog[0].note ?? "", /^the Chen2020 set's "Lower voltage cut-off \[V\]" is 2\.5 V$/);
  assert.match(plain.termination, /^Lower voltage cut-off reached in cycle 1, step 1 \("Discharge at 1C for 2 hours"\) at t = 3\d{3}\.\d s; the Chen2020 set's "Lower voltage cut-off \[V\]" is 2\.5 V$/);
});

test("profilesAt(t) interpolates the stored states at t itself (C/10 DFN: asking 10000 s gave the point at 10095 s), and rejects NaN and times outside the solution", () => {
  const sol = simulate(dfn(chen, { mesh: coarseDfn }), "Discharge at C/10 until 2.5 V");
  const exact = simulate(dfn(chen, { mesh: coarseDfn }), "Discharge at C/10 for 10000 s");
  const t = sol.get("Time [s]");
  let i = 0;
  while (t[i] < 10000) i++;
  assert.ok(t[i - 1] < 9990 && t[i] > 10010, `10000 s lies between stored points (${t[i - 1]}, ${t[i]})`);
  const p = sol.profilesAt(10000);
  assert.equal(p["Time [s]"][0], 10000);
  const nearest = sol.profilesAt(10000 - t[i - 1] < t[i] - 10000 ? t[i - 1] : t[i]);
  const ref = exact.profilesAt(10000);
  for (const name of ["Electrolyte concentration [mol.m-3]", "Particle surface concentration [mol.m-3]", "Electrode potential [V]"]) {
    let eInterp = 0;
    let eNearest = 0;
    for (let k = 0; k < ref[name].length; k++) {
      if (!Number.isFinite(ref[name][k])) continue;
      eInterp = Math.max(eInterp, Math.abs(p[name][k] - ref[name][k]));
      eNearest = Math.max(eNearest, Math.abs(nearest[name][k] - ref[name][k]));
    }
    // measured: c_e 0.029 vs 0.72 mol/m3, c_s,surf 4.9 vs 115 mol/m3, φ_s 0.02 vs 2.8 mV
    assert.ok(eInterp < eNearest / 10, `${name}: interpolated ${eInterp}, nearest point ${eNearest}`);
  }
  // at a stored time, that point exactly
  assert.deepEqual(sol.profilesAt(t[i])["Electrolyte concentration [mol.m-3]"], sol.profilesAt(t[i] * (1 + 1e-13))["Electrolyte concentration [mol.m-3]"]);
  const end = t[t.length - 1];
  for (const bad of [NaN, 1e9, -100, Infinity]) {
    assert.throws(() => sol.profilesAt(bad), (e: unknown) => e instanceof Error && e.message.includes(String(bad)) && e.message.includes(`${end} s`), String(bad));
  }
  assert.equal(sol.profilesAt(end)["Time [s]"][0], end);
  // the figure's legend gives the asked time
  const fig = plotProfiles(sol, "Electrolyte concentration [mol.m-3]", [10000, 30000]);
  assert.deepEqual(fig.data.map((d) => (d as { name?: string }).name), ["t = 10000 s", "t = 30000 s"]);
});

test("the cycle summary's coulombic efficiency is discharge/charge when both are > 0 (also for a cycle cut short by a cut-off), null otherwise; the summary exports as a DataFrame", () => {
  // before: a cycle cut short by the cut-off kept the initial 0 (it charged 0.833 A.h and discharged 3.27 A.h)
  const cut = simulate(spm(chen), new Experiment(["Charge at 1C for 10 minutes", "Discharge at 1C for 3 hours"]), { saveStates: false, initialSoc: 0.5 });
  assert.match(cut.termination, /^Lower voltage cut-off reached in cycle 1, step 2/);
  const c = cut.cycles[0];
  assert.ok(Math.abs(c["Charge capacity [A.h]"] - 5 / 6) < 1e-6, `${c["Charge capacity [A.h]"]}`);
  assert.ok(c["Discharge capacity [A.h]"] > 3.2, `${c["Discharge capacity [A.h]"]}`);
  assert.equal(c["Coulombic efficiency"], c["Discharge capacity [A.h]"] / c["Charge capacity [A.h]"]);
  // a discharge-only cycle has no efficiency: null, not 0 or Infinity
  const only = simulate(spm(chen), "Discharge at 1C for 10 minutes", { saveStates: false });
  assert.equal(only.cycles[0]["Coulombic efficiency"], null);
  // full CC-CV cycles: just below 1 once the cycle returns to its start
  const exp = new Experiment(["Discharge at 1C until 2.5 V", "Rest for 10 minutes", "Charge at C/2 until 4.2 V", "Hold at 4.2 V until C/50"], { cycles: 2 });
  const cyc = simulate(spme(chen), exp, { saveStates: false });
  const ce = cyc.cycles.map((s) => s["Coulombic efficiency"]);
  assert.ok(ce.every((x) => x !== null && x > 0.99 && x <= 1.0001), `${ce}`);
  const df = cyc.cyclesToDataFrame() as { shape: number[]; columns: string[]; column(name: string): { values: (number | null)[] } };
  assert.deepEqual(df.shape, [2, 9]);
  assert.deepEqual(df.columns, Object.keys(cyc.cycles[0]));
  assert.deepEqual(df.column("Cycle number").values, [1, 2]);
  assert.ok(Math.abs((df.column("Discharge capacity [A.h]").values[1] as number) - cyc.cycles[1]["Discharge capacity [A.h]"]) < 1e-4);
  const dfOnly = only.cyclesToDataFrame() as { column(name: string): { values: (number | null)[] } };
  assert.deepEqual(dfOnly.column("Coulombic efficiency").values, [null]);
});

test("discharge capacity is the charge the solver passed (from the negative particles' lithium): a steady CC-CV cycle has coulombic efficiency 1 to 1e-7 (the trapezoid of stored currents gave 0.99978) and a 15 W discharge matches a tight-tolerance run to 2e-5", () => {
  const chen = parameterValues("Chen2020");
  const exp = new Experiment(["Discharge at 1C until 2.5 V", "Rest for 10 minutes", "Charge at 1C until 4.2 V", "Hold at 4.2 V until C/50"], { cycles: 3 });
  for (const make of [spm, spme]) {
    const sol = simulate(make(chen), exp, { saveStates: false });
    for (const c of sol.cycles.slice(1)) assert.ok(Math.abs((c["Coulombic efficiency"] ?? 0) - 1) < 1e-7, `${make.name}: ${c["Coulombic efficiency"]}`);
    // energy efficiency below 1 (overpotentials), and the same in the steady cycles
    const e = sol.cycles.map((c) => c["Discharge energy [W.h]"] / c["Charge energy [W.h]"]);
    assert.ok(e[1] < 0.95 && Math.abs(e[2] - e[1]) < 1e-6, `${make.name}: energy efficiencies ${e}`);
  }
  const last = (s: ReturnType<typeof simulate>) => s.get("Discharge capacity [A.h]")[s.length - 1];
  const loose = last(simulate(spm(chen), "Discharge at 15 W until 2.5 V", { saveStates: false }));
  const tight = last(simulate(spm(chen), "Discharge at 15 W until 2.5 V", { saveStates: false, solver: { rtol: 1e-8 } }));
  assert.ok(Math.abs(loose / tight - 1) < 2e-5, `15 W: ${loose} vs ${tight} A.h`);
  // and it still equals ∫I dt for a constant current
  const cc = simulate(spme(chen), "Discharge at 2 A for 30 minutes", { saveStates: false });
  assert.ok(Math.abs(last(cc) - 1) < 1e-9, `2 A for 30 min: ${last(cc)} A.h`);
});

test("an output time on the period grid is stored once", () => {
  const sol = simulate(spm(parameterValues("Chen2020")), "Discharge at 1C for 3 minutes (1 minute period)", { saveStates: false, solver: { outputTimes: [60, 90] } });
  const t = Array.from(sol.get("Time [s]"));
  assert.equal(t.filter((x) => Math.abs(x - 60) < 1e-6).length, 1, `times ${t}`);
  assert.ok(t.some((x) => Math.abs(x - 90) < 1e-6) && t.some((x) => Math.abs(x - 120) < 1e-6));
  for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1], `times increase: ${t}`);
});

test("initialSoc also takes an open-circuit voltage as PyBaMM does (\"3.9 V\"): the cell starts at rest at that voltage; outside the set's 0–100 % window or unreadable, it says so", () => {
  for (const [set, volts] of [["Chen2020", ["2.5 V", "3.7V", "3.9 V", "4.2 V"]], ["Marquis2019", ["3.6 V"]]] as const) {
    const p = parameterValues(set);
    for (const v of volts) {
      const sol = simulate(dfn(p, { mesh: { xn: 5, xs: 3, xp: 5, rn: 5, rp: 5 } }), { current: 0, duration: 1 }, { initialSoc: v });
      assert.ok(Math.abs(sol.get("Voltage [V]")[0] - parseFloat(v)) < 1e-6, `${set} ${v}: ${sol.get("Voltage [V]")[0]}`);
    }
  }
  // an SOC between the voltages' SOCs gives a voltage between them
  const p = parameterValues("Chen2020");
  const mid = simulate(spm(p), { current: 0, duration: 1 }, { initialSoc: 0.5 }).get("Voltage [V]")[0];
  assert.ok(mid > 3.5 && mid < 4.0);
  assert.throws(() => simulate(spm(p), { current: 0, duration: 1 }, { initialSoc: "5 V" }), /5 V lies outside the set's 2.5–4.2 V/);
  assert.throws(() => simulate(spm(p), { current: 0, duration: 1 }, { initialSoc: "half" }), /"half" is neither an SOC in \[0, 1\] nor a voltage/);
});

test("plotProfiles plots radial profiles against r [µm] (the x-averaged DFN particle was drawn against the first x positions, labelled x [µm]) and through-cell ones against x", () => {
  const sol = simulate(dfn(chen, { mesh: coarseDfn }), "Discharge at 1C for 10 minutes");
  const p = sol.profilesAt(300);
  for (const [name, r, side] of [
    ["X-averaged negative particle concentration [mol.m-3]", "r_n [m]", "negative"],
    ["X-averaged positive particle concentration [mol.m-3]", "r_p [m]", "positive"],
  ] as const) {
    const fig = plotProfiles(sol, name, [0, 300]);
    const trace = fig.data[1] as { x: number[]; y: number[] };
    assert.deepEqual(trace.x, Array.from(p[r], (v) => v * 1e6), `${name} against ${r} in µm`);
    assert.deepEqual(trace.y, Array.from(p[name]));
    const xTitle = JSON.stringify(fig.layout.xaxis?.title);
    assert.match(xTitle, new RegExp(`r \\[µm\\], ${side} particle`));
    assert.doesNotMatch(xTitle, /x \[µm\]/);
  }
  const ce = plotProfiles(sol, "Electrolyte concentration [mol.m-3]", [300]);
  assert.deepEqual((ce.data[0] as { x: number[] }).x, Array.from(p["x [m]"], (v) => v * 1e6));
  assert.match(JSON.stringify(ce.layout.xaxis?.title), /x \[µm\]/);
});

test("plotProfiles' errors list only names it accepts, split into radial and through-cell (the SPM's said it had no through-cell profile of its own radial one); the SPM's particle concentration plots against r", () => {
  const a = simulate(spm(chen), "Discharge at 1C for 10 minutes");
  const fig = plotProfiles(a, "Negative particle concentration [mol.m-3]", [0, 300]);
  assert.deepEqual((fig.data[0] as { x: number[] }).x, Array.from(a.profilesAt(0)["r_n [m]"], (v) => v * 1e6));
  const b = simulate(dfn(chen, { mesh: coarseDfn }), "Discharge at 1C for 10 minutes");
  for (const [sol, bad] of [
    [a, "Electrolyte concentration [mol.m-3]"],
    [b, "Electrolyte concentration"],
    [b, "Negative particle concentration [mol.m-3]"],
    [b, "r_n [m]"],
  ] as const) {
    let message = "";
    assert.throws(() => plotProfiles(sol, bad, [0]), (e: unknown) => e instanceof Error && ((message = e.message), true));
    assert.match(message, /radial profiles \(plotted against r \[µm\]\)/, message);
    assert.match(message, sol === a ? /The SPM has no through-cell profiles/ : /Through-cell profiles \(plotted against x \[µm\]\)/, message);
    const listed = [...message.matchAll(/"([^"]+)"/g)].map((m) => m[1]).filter((n) => n !== bad);
    assert.ok(listed.length >= 2, message);
    for (const name of listed) assert.doesNotThrow(() => plotProfiles(sol, name, [0]), `${name}, listed in: ${message}`);
  }
  assert.match(String((() => { try { plotProfiles(b, "Electrolyte concentration", [0]); } catch (e) { return (e as Error).message; } })()), /Did you mean: "Electrolyte concentration \[mol\.m-3\]"\?/);
  assert.throws(() => plotProfiles(b, "Voltage [V]", [0]), /"Voltage \[V\]" is a variable over time, not a profile: plot it with plotVoltage/);
});

test("plotProfiles rejects a profile whose length matches no coordinate it could lie on", () => {
  const model = {
    name: "SPM",
    profiles: () => ({
      "x [m]": Float64Array.of(1e-6, 2e-6, 3e-6),
      "r_n [m]": Float64Array.of(1e-7, 2e-7),
      "Electrolyte concentration [mol.m-3]": Float64Array.of(1, 2, 3),
      "Negative particle concentration [mol.m-3]": Float64Array.of(1, 2, 3),
      "Odd [1]": Float64Array.of(1, 2, 3, 4),
    }),
  } as unknown as CellModel;
  const sol = new Solution(model, { "Time [s]": Float64Array.of(0), "Current [A]": Float64Array.of(0) }, [new Float64Array(1)], "completed", [], {} as SolveStats, []);
  assert.throws(() => plotProfiles(sol, "Odd [1]", [0]), /"Odd \[1\]" cannot be plotted: its 4 values do not match the 3 positions of "x \[m\]"/);
  assert.throws(() => plotProfiles(sol, "Negative particle concentration [mol.m-3]", [0]), /its 3 values do not match the 2 positions of "r_n \[m\]"/);
  assert.throws(() => plotProfiles(sol, "Odd [1]", [0]), (e: unknown) => e instanceof Error && !/radial profiles \(plotted against r \[µm\]\): "/.test(e.message) && /no radial profiles/.test(e.message));
  assert.equal((plotProfiles(sol, "Electrolyte concentration [mol.m-3]", [0]).data[0] as { x: number[] }).x.length, 3);
});

test("get() of a profile says it is one (a value per position) and where to find it, rather than \"Unknown variable\" with unrelated names", () => {
  const sol = simulate(dfn(chen, { mesh: coarseDfn }), "Discharge at 1C for 1 minute");
  const name = "Electrolyte concentration [mol.m-3]";
  assert.throws(
    () => sol.get(name),
    (e: unknown) =>
      e instanceof Error &&
      !/Unknown variable|Did you mean/.test(e.message) &&
      e.message.includes(`"${name}" is a profile of the DFN (a value per position, through-cell, on "x [m]"), not a variable over time`) &&
      e.message.includes(`sol.profilesAt(t)["${name}"]`) &&
      e.message.includes(`plotProfiles(sol, "${name}", times)`),
  );
  assert.throws(() => sol.get("X-averaged negative particle concentration [mol.m-3]"), /is a profile of the DFN \(a value per position, radial, on "r_n \[m\]"\)/);
  assert.throws(() => sol.get("x [m]"), /"x \[m\]" is a coordinate of the profiles of the DFN/);
  // without stored states the names still come from the model, with how to keep the states
  const bare = simulate(spme(chen, { thermal: "lumped" }), "Discharge at 1C for 1 minute", { saveStates: false });
  assert.throws(() => bare.get(name), /is a profile of the SPMe .*plotProfiles\(sol, .*saveStates: true/);
  // an unknown name still gets the nearest variables, and learns the profiles
  assert.throws(() => sol.get("Negative particle concentration [mol.m-3]"), /^Error: Unknown variable .*Did you mean: .*Profiles of the DFN \(a value per position, sol\.profilesAt\(t\)\[name\]\): .*X-averaged negative particle concentration \[mol\.m-3\]/);
  // the SPM has no electrolyte profile: unknown there
  assert.throws(() => simulate(spm(chen), "Rest for 1 minute").get(name), /^Error: Unknown variable "Electrolyte concentration \[mol\.m-3\]"/);
});

test("eighth audit: after a step whose own limit lifted a cut-off, a charge or rest that starts beyond it runs (it stopped with 'Lower voltage cut-off reached' as the voltage rose back through 2.5 V); a falling crossing still ends it", () => {
  const marquis = parameterValues("Marquis2019");
  for (const make of [spm, dfn]) {
    for (const solver of [{}, { method: "bdf2" as const }]) {
      const charge = simulate(make(chen), ["Discharge at 1C until 2.0 V", "Charge at 1C until 4.1 V"], { saveStates: false, solver });
      const V = charge.get("Voltage [V]");
      const i2 = charge.get("Step number").indexOf(2);
      assert.ok(V[i2] < 2.5, `${make.name}: the charge starts at ${V[i2]} V`);
      assert.equal(charge.stepLog[1].reason, "Charge at 1C until 4.1 V", `${make.name} ${JSON.stringify(solver)}`);
      assert.ok(Math.abs(V.at(-1)! - 4.1) < 1e-3);
      assert.equal(charge.termination, "completed");
      const rest = simulate(make(chen), ["Discharge at 1C until 2.0 V", "Rest for 1 hour"], { saveStates: false, solver });
      assert.equal(rest.stepLog[1].reason, "duration");
      assert.ok(rest.get("Voltage [V]").at(-1)! > 2.5);
      // the upper cut-off likewise: a rest after a 2C charge to 4.3 V (Marquis2019's upper cut-off is 4.1 V) starts at
      // 4.12 V and relaxes down through 4.1 V (it stopped there with "Upper voltage cut-off")
      const down = simulate(make(marquis), ["Charge at 2C until 4.3 V", "Rest for 1 hour"], { initialSoc: 0.3, saveStates: false, solver });
      assert.equal(down.stepLog[1].reason, "duration", JSON.stringify(down.stepLog));
      assert.ok(down.get("Voltage [V]").at(-1)! < 4.1);
    }
  }
  // Marquis2019 (cut-off 3.105 V): a rest after a discharge to 2.5 V rose through 3.105 V and stopped the experiment
  const m = simulate(spm(marquis), ["Discharge at 2C until 2.5 V", "Rest for 30 minutes", "Discharge at 0.5C for 5 minutes"], { saveStates: false });
  assert.deepEqual(m.stepLog.map((l) => l.reason), ["Discharge at 2C until 2.5 V", "duration", "Lower voltage cut-off"]);
  // (the last discharge starts above the cut-off after the rest and falls through it: that is the cut-off reached)
  assert.ok(Math.abs(m.get("Voltage [V]").at(-1)! - 3.105) < 1e-3);
});

test("eighth audit: Solution.state takes a whole index in range only (state(1.5) returned undefined, state(\"2\") a state)", () => {
  const s = simulate(spm(chen), "Discharge at 1C for 10 minutes");
  assert.equal(s.state(1).length, s.state(0).length);
  for (const bad of [1.5, -1, NaN, s.length, "2" as unknown as number]) assert.throws(() => s.state(bad), /state: the index must be a whole number in 0\.\.\d+, got/);
});
