import { test } from "node:test";
import assert from "node:assert/strict";
import { BARRIER_EDGE } from "../../lib/src/simulate/models";
import { parameterValues, spm, spme, dfn, simulate, checkParameterValues, ParameterValueError, initialStoichiometries, ParameterValues, MissingParametersError, requiredParameters, UnknownParameterError, pchip } from "../../lib/src/simulate";

test("every shipped parameter set, with each of its options, passes the range checks and builds SPM, SPMe and DFN (isothermal and lumped)", () => {
  const sets: [string, object][] = [
    ["Chen2020", {}],
    ["Chen2020", { chen2020Ocp: "table" }],
    ["Marquis2019", {}],
    ["Ecker2015", {}],
  ];
  for (const [name, opts] of sets) {
    const p = parameterValues(name, opts);
    checkParameterValues(p);
    for (const make of [spm, spme, dfn]) for (const thermal of ["isothermal", "lumped"] as const) make(p, { thermal });
    initialStoichiometries(p, 0.5);
  }
});

test("a value outside its physical range fails when the model is built, naming the parameter, the value and the range (before: −1 Ω ran to 8.87 V 'completed', c0 above c_max gave 292555 V, a negative thickness 5.34 V, 25 K 'completed')", () => {
  const chen = parameterValues("Chen2020");
  const cases: [Record<string, number>, RegExp][] = [
    [{ "Contact resistance [Ohm]": -1 }, /"Contact resistance \[Ohm\]" = -1 must be ≥ 0 Ohm/],
    [{ "Initial concentration in negative electrode [mol.m-3]": 40000 }, /"Initial concentration in negative electrode \[mol\.m-3\]" = 40000 must be below "Maximum concentration in negative electrode \[mol\.m-3\]" = 33133/],
    [{ "Negative electrode thickness [m]": -8.52e-5 }, /"Negative electrode thickness \[m\]" = -0\.0000852 must be > 0/],
    [{ "Ambient temperature [K]": 25 }, /"Ambient temperature \[K\]" = 25 must be a plausible cell temperature in kelvin, 200–400 K \(25 looks like °C: 25 °C is 298\.15 K\)/],
    [{ "Ambient temperature [K]": 600 }, /200–400 K$/m],
    [{ "Separator porosity": -0.5 }, /"Separator porosity" = -0\.5 must be a volume fraction in \(0, 1\]/],
    [{ "Negative electrode porosity": 0.3 }, /"Negative electrode porosity" \+ "Negative electrode active material volume fraction" = 0\.3 \+ 0\.75 = 1\.05 must be ≤ 1/],
    [{ "Negative particle diffusivity [m2.s-1]": 0 }, /"Negative particle diffusivity \[m2\.s-1\]" = 0 must be > 0/],
    [{ "Positive particle radius [m]": 0 }, /"Positive particle radius \[m\]" = 0 must be > 0/],
    [{ "Positive electrode conductivity [S.m-1]": -0.18 }, /"Positive electrode conductivity \[S\.m-1\]" = -0\.18 must be > 0/],
    [{ "Initial concentration in electrolyte [mol.m-3]": 0 }, /"Initial concentration in electrolyte \[mol\.m-3\]" = 0 must be a salt concentration of 10–10000 mol\.m-3/],
    [{ "Nominal cell capacity [A.h]": 0 }, /"Nominal cell capacity \[A\.h\]" = 0 must be > 0 A\.h/],
    [{ "Lower voltage cut-off [V]": 4.3 }, /"Lower voltage cut-off \[V\]" = 4\.3 must be below "Upper voltage cut-off \[V\]" = 4\.2/],
  ];
  for (const [change, message] of cases) {
    const p = chen.update(change);
    assert.throws(() => simulate(spm(p), "Discharge at 1C for 10 minutes"), (e: unknown) => e instanceof ParameterValueError && message.test(e.message), JSON.stringify(change));
    assert.throws(() => dfn(p), ParameterValueError);
  }
  // all problems at once, one line each
  try {
    checkParameterValues(chen.update({ "Contact resistance [Ohm]": -1, "Ambient temperature [K]": 25 }));
    assert.fail("should throw");
  } catch (e) {
    assert.ok(e instanceof ParameterValueError);
    assert.equal(e.problems.length, 2);
  }
});

test("update() rejects undefined, null and strings with a clear message instead of deleting the parameter or failing later as 'is a function'", () => {
  const chen = parameterValues("Chen2020");
  const R = "Contact resistance [Ohm]";
  assert.throws(() => chen.update({ [R]: undefined as unknown as number }), /the new value of "Contact resistance \[Ohm\]" in Chen2020 is undefined;.*leave the name out of the changes/);
  assert.throws(() => chen.update({ [R]: "0.01" as unknown as number }), /is the string "0\.01"; give the number 0\.01 instead/);
  assert.throws(() => chen.update({ [R]: null as unknown as number }), /is null; give a finite number or a function/);
  assert.throws(() => chen.update({ [R]: NaN }), /is not a finite number \(NaN\)/);
  assert.throws(() => new ParameterValues("mine", { [R]: "x" as unknown as number }), /Parameter "Contact resistance \[Ohm\]" in mine is the string "x"/);
  // values that only make sense together may be changed one call at a time: ranges are checked when a model is built
  const lower = chen.update({ "Maximum concentration in negative electrode [mol.m-3]": 25000 });
  assert.throws(() => spm(lower), /must be below "Maximum concentration in negative electrode/);
  spm(lower.update({ "Initial concentration in negative electrode [mol.m-3]": 20000 }));
});

test("eleventh audit: function-valued parameters are sampled when a model is built (a negative or zero diffusivity, a NaN OCP near one end, a negative conductivity gave nonsense 'completed' runs or errors far from their cause), and a constant exchange-current density must be > 0", () => {
  const chen = parameterValues("Chen2020");
  const Un = chen.get("Negative electrode OCP [V]") as (x: number, T: number) => number;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ "Negative particle diffusivity [m2.s-1]": (x: number) => -3.3e-14 * (1 + x) }, /"Negative particle diffusivity \[m2\.s-1\]" returns -3\.3\d*e-14 at stoichiometry 0\.01, 298\.15 K: a diffusivity must be > 0/],
    [{ "Positive particle diffusivity [m2.s-1]": () => 0 }, /"Positive particle diffusivity \[m2\.s-1\]" returns 0 at stoichiometry 0\.01/],
    [{ "Negative electrode OCP [V]": (x: number, T: number) => (x < 0.05 ? NaN : Un(x, T)) }, /"Negative electrode OCP \[V\]" returns NaN at stoichiometry 0\.01, 298\.15 K: an open-circuit potential must be a finite number/],
    [{ "Electrolyte conductivity [S.m-1]": (c: number) => -c / 1000 }, /"Electrolyte conductivity \[S\.m-1\]" returns -0\.5 at c_e = 500 mol\.m-3/],
    [{ "Positive electrode exchange-current density [A.m-2]": () => NaN }, /"Positive electrode exchange-current density \[A\.m-2\]" returns NaN at c_e = 1000 mol\.m-3, c_s = .* \(stoichiometry 0\.04\)/],
    [{ "Negative electrode OCP [V]": () => { throw new Error("outside the table"); } }, /"Negative electrode OCP \[V\]" throws at stoichiometry 0\.01, 298\.15 K: outside the table/],
    [{ "Negative electrode exchange-current density [A.m-2]": 0 }, /"Negative electrode exchange-current density \[A\.m-2\]" = 0 must be > 0 A\.m-2/],
    [{ "Positive electrode exchange-current density [A.m-2]": -1 }, /= -1 must be > 0 A\.m-2/],
  ];
  for (const [change, message] of cases) {
    const p = chen.update(change as never);
    assert.throws(() => checkParameterValues(p), (e: unknown) => e instanceof ParameterValueError && message.test(e.message), JSON.stringify(Object.keys(change)));
    for (const make of [spm, dfn]) assert.throws(() => make(p), ParameterValueError);
  }
  // a positive constant exchange-current density is fine, and every shipped set passes
  checkParameterValues(chen.update({ "Negative electrode exchange-current density [A.m-2]": 2 }));
  for (const set of ["Chen2020", "Marquis2019", "Ecker2015"] as const) checkParameterValues(parameterValues(set));
  // an OCP that is NaN only below the sampled range still fails the state-of-health search by name (it returned
  // x = 1e-6 and Q = 8e-14 silently)
  const nanNearZero = chen.update({ "Negative electrode OCP [V]": (x: number, T: number) => (x < 0.005 ? NaN : Un(x, T)) } as never);
  assert.throws(() => initialStoichiometries(nanNearZero, 1), /initialStoichiometries: the open-circuit voltage is NaN at .* an OCP function returns NaN there/);
});

test("eleventh audit: an initialState is checked (a concentration above its maximum was accepted and the run 'completed')", () => {
  const chen = parameterValues("Chen2020");
  const model = spm(chen);
  const y = model.initialState();
  const over = y.slice();
  over[0] = 40000;
  assert.throws(() => simulate(model, "Rest for 1 minute", { initialState: over }), /simulate: initialState\[0\] \(.*\) = 40000 is above its maximum 33133/);
  const nan = y.slice();
  nan[3] = NaN;
  assert.throws(() => simulate(model, "Rest for 1 minute", { initialState: nan }), /initialState\[3\] .* is not finite/);
  const negative = y.slice();
  negative[1] = -1;
  assert.throws(() => simulate(model, "Rest for 1 minute", { initialState: negative }), /initialState\[1\] .* is negative/);
  // a lumped-thermal state below the set's ambient (a cell soaked cold) is a valid start
  const warm = simulate(spm(chen, { thermal: "lumped" }), "Rest for 1 minute at 0oC", { initialSoc: 0.5 });
  simulate(spm(chen, { thermal: "lumped" }), "Rest for 1 minute", { initialState: warm.state(warm.length - 1) });
});

test("eleventh audit: a set built from scratch learns every missing name at once (they came one at a time as 'Unknown parameter', an empty set as 'Did you mean: ?'), and requiredParameters() lists exactly what a simulation reads", () => {
  const chen = parameterValues("Chen2020");
  assert.throws(() => spm(new ParameterValues("empty", {})), (e: unknown) => e instanceof MissingParametersError && e.missing.length === 37 && /lacks 37 parameters that a cell model \(SPM, SPMe, DFN\) needs/.test(e.message) && /"Negative particle radius \[m\]" \(Chen2020: 0\.00000586\)/.test(e.message));
  const partial = chen.toObject();
  delete partial["Negative particle radius [m]"];
  delete partial["Positive electrode OCP [V]"];
  assert.throws(() => dfn(new ParameterValues("mine", partial)), (e: unknown) => e instanceof MissingParametersError && e.missing.join() === "Negative particle radius [m],Positive electrode OCP [V]" && /"Positive electrode OCP \[V\]" \(Chen2020: a function\)/.test(e.message));
  const noCutoff = chen.toObject();
  delete noCutoff["Upper voltage cut-off [V]"];
  assert.throws(() => simulate(spm(new ParameterValues("mine", noCutoff)), "Rest for 1 s"), /lacks a parameter that simulate needs[^]*"Upper voltage cut-off \[V\]"/);
  // the list is sufficient: a set of only these names (Chen2020's values) runs every model, with initialSoc and the thermal model
  const only = (names: string[]): ParameterValues => new ParameterValues("minimal", Object.fromEntries(names.map((n) => [n, chen.get(n)])));
  const plain = requiredParameters();
  assert.ok(plain.includes("Negative particle diffusivity [m2.s-1]") && !plain.includes("Contact resistance [Ohm]"), "optional names are not required");
  for (const make of [spm, spme, dfn]) {
    const a = simulate(make(only(plain)), "Discharge at 1C for 10 minutes");
    const b = simulate(make(chen), "Discharge at 1C for 10 minutes");
    assert.equal(a.get("Voltage [V]").at(-1), b.get("Voltage [V]").at(-1));
  }
  simulate(spm(only(requiredParameters({ initialSoc: true }))), "Discharge at 1C for 1 minute", { initialSoc: 0.5 });
  assert.throws(() => simulate(spm(only(plain)), "Discharge at 1C for 1 minute", { initialSoc: 0.5 }), /simulate with initialSoc needs/);
  const thermal = requiredParameters({ thermal: true });
  assert.ok(thermal.length > plain.length && thermal.includes("Total heat transfer coefficient [W.m-2.K-1]"));
  simulate(dfn(only(thermal), { thermal: "lumped" }), "Discharge at 1C for 1 minute");
  assert.throws(() => dfn(only(plain), { thermal: "lumped" }), /lumped thermal model \(\{ thermal: "lumped" \}\) needs/);
});

test("eleventh audit: a misspelt optional name is caught ('Contact Resistance [Ohm]' left the contact resistance at 0 Ω silently); the shipped sets, with all their extra names, pass", () => {
  const o = parameterValues("Chen2020").toObject();
  delete o["Contact resistance [Ohm]"];
  o["Contact Resistance [Ohm]"] = 0.02;
  assert.throws(() => spm(new ParameterValues("mine", o)), (e: unknown) => e instanceof UnknownParameterError && /"Contact Resistance \[Ohm\]" .* is not a name the models read, and the set lacks "Contact resistance \[Ohm\]"/.test(e.message));
  for (const set of ["Chen2020", "Marquis2019", "Ecker2015"] as const) {
    spm(parameterValues(set));
    dfn(parameterValues(set), { thermal: "lumped" });
  }
  // a name far from every read name is the user's own, and is kept
  spm(parameterValues("Chen2020").update({ "My cell's serial number": 12345 }, true));
  assert.throws(() => new ParameterValues("empty", {}).get("Negative particle radius [m]"), /Unknown parameter "Negative particle radius \[m\]" in parameter set empty, which has no parameters/);
});

test("eleventh audit: the state-of-health search keeps a tabulated OCP within its data, as PyBaMM does (a graphite table over 0.1–0.8 was extrapolated to x0 = 0.00015 and 3 % more capacity)", () => {
  const chen = parameterValues("Chen2020");
  const Un = chen.get("Negative electrode OCP [V]") as (x: number, T: number) => number;
  const table = (a: number, b: number) => {
    const xs = Array.from({ length: 50 }, (_, i) => a + ((b - a) * i) / 49);
    return pchip(xs, xs.map((x) => Un(x, 298.15)));
  };
  const fit = initialStoichiometries(chen, 1);
  const covering = initialStoichiometries(chen.update({ "Negative electrode OCP [V]": table(0.02, 0.95) as never }), 1);
  assert.ok(covering.x0 >= 0.02 && Math.abs(covering.Q / fit.Q - 1) < 2e-3, `x0 ${covering.x0}, Q ${covering.Q} vs ${fit.Q}`);
  const short = chen.update({ "Negative electrode OCP [V]": table(0.1, 0.8) as never });
  assert.throws(() => initialStoichiometries(short, 1), /"Open-circuit voltage at 100% SOC \[V\]" = 4\.2 V .* has no solution: the open-circuit voltage only spans [\d.]+–[\d.]+ V for x in \[0\.1, 0\.8\] \(.*\); "Negative electrode OCP \[V\]" is a table over stoichiometries 0\.1–0\.8, and is not extrapolated here/);
  // a voltage window the OCPs cannot reach names the setting and the reachable range
  assert.throws(() => initialStoichiometries(chen.update({ "Open-circuit voltage at 100% SOC [V]": 6 }), 1), /"Open-circuit voltage at 100% SOC \[V\]" = 6 V .* has no solution: the open-circuit voltage only spans 1\.249–4\.378 V for x in \[0\.0006668, 0\.9993\] \(stoichiometries within 0\.0006668 of 0 or 1, where the OCP is the barrier term, are not searched\)/);
  // a voltage the OCPs reach only through the barrier term (4.4 V gave x100 = 0.99950 with 32 mV of the barrier, 5 V
  // gave 0.99993 with 0.6 V) is not reachable; 4.3 V is (x100 = 0.9585)
  for (const v of [4.4, 5]) assert.throws(() => initialStoichiometries(chen.update({ "Open-circuit voltage at 100% SOC [V]": v }), 1), /only spans 1\.249–4\.378 V/);
  assert.ok(Math.abs(initialStoichiometries(chen.update({ "Open-circuit voltage at 100% SOC [V]": 4.3 }), 1).x100 - 0.95849) < 1e-4);
  assert.ok(Math.abs(BARRIER_EDGE - 0.00066677) < 1e-7, `edge ${BARRIER_EDGE}`);
  assert.throws(() => simulate(spm(short), "Rest for 1 s", { initialSoc: 1 }), /is a table over stoichiometries 0\.1–0\.8/);
});

test("eleventh audit: unit slips are caught (a particle radius of 5.86 m and a maximum concentration in mol/L ran 'completed'; a width in cm held 4.14 V for 2 h)", () => {
  const chen = parameterValues("Chen2020");
  const cases: [Record<string, number>, RegExp][] = [
    [{ "Negative particle radius [m]": 5.86 }, /"Negative particle radius \[m\]" = 5\.86 must be at most 1e-3 m \(1 mm\): particles are microns; is it in µm\?/],
    [{ "Positive electrode thickness [m]": 75.6 }, /"Positive electrode thickness \[m\]" = 75\.6 must be at most 1e-2 m/],
    [{ "Electrode width [m]": 158 }, /"Nominal cell capacity \[A\.h\]" = 5 is 117 times less than the 582\.8 A\.h the electrodes can hold/],
    [{ "Maximum concentration in positive electrode [mol.m-3]": 63.104, "Initial concentration in positive electrode [mol.m-3]": 17.038 }, /"Nominal cell capacity \[A\.h\]" = 5 is \d+ times more than the .* A\.h the electrodes can hold/],
    // a coin cell cut from the LG M50's electrodes, its rating left at 5 A.h
    [{ "Electrode width [m]": 0.0158, "Electrode height [m]": 0.0065 }, /is 858 times more than the 0\.005828 A\.h .*a geometry changed without the rating, which sets what 1C means/],
  ];
  for (const [change, message] of cases) assert.throws(() => spm(chen.update(change)), (e: unknown) => e instanceof ParameterValueError && message.test(e.message), JSON.stringify(change));
  // a loading doubled without a new rating is a valid experiment (2.3 times the rating), as is the coin cell rated for itself
  spm(chen.update({ "Negative electrode thickness [m]": 2 * 85.2e-6, "Positive electrode thickness [m]": 2 * 75.6e-6 }));
  spm(chen.update({ "Electrode width [m]": 0.0158, "Electrode height [m]": 0.0065, "Nominal cell capacity [A.h]": 0.005 }));
});
