import { test } from "node:test";
import assert from "node:assert/strict";
import {
  pchip,
  parameterValues,
  UnknownParameterError,
  chen2020GraphiteOcpTable,
  chen2020NmcOcpTable,
  chen2020GraphiteOcpFit,
  chen2020NmcOcpFit,
  marquis2019GraphiteOcp,
  marquis2019LiCoO2Ocp,
  ecker2015GraphiteOcp,
  ecker2015NcoOcp,
  BandedMatrix,
  ecker1C,
  ecker5C,
  initialStoichiometries,
  ParameterValues,
  ParameterValueError,
  withInitialState,
  spm,
  simulate,
  basicSpm,
  twoSidedTQuantile,
} from "../../lib/src/simulate";
import type { ElectrolyteFunction, ExchangeCurrentFunction } from "../../lib/src/simulate";

const close = (a: number, b: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b} (rel tol ${rel})`);

test("PCHIP reproduces scipy.interpolate.PchipInterpolator on the Chen2020 OCP tables to 1e-12", () => {
  // golden values: scipy 1.10 PchipInterpolator on the same csv rows
  const g: [number, number][] = [[0.01, 1.5829238794927099], [0.1, 0.40519312925224066], [0.2345, 0.20903866041423294], [0.5, 0.13235989695724415], [0.77, 0.092706478718913], [0.9, 0.08568822718989612]];
  for (const [x, v] of g) close(chen2020GraphiteOcpTable(x, 298.15), v, 1e-12, `graphite U(${x})`);
  const p: [number, number][] = [[0.27, 4.271452497708502], [0.4, 4.103961771226723], [0.55, 3.89858388408945], [0.8, 3.6497499071638533], [0.95, 3.5465093974671507]];
  for (const [y, v] of p) close(chen2020NmcOcpTable(y, 298.15), v, 1e-12, `NMC U(${y})`);
});

test("PCHIP keeps monotone data monotone and rejects repeated abscissae", () => {
  const f = pchip([0, 0.1, 0.5, 0.51, 1], [0, 0.9, 1, 1, 3]);
  let prev = -Infinity;
  for (let x = 0; x <= 1; x += 0.001) {
    const v = f(x);
    assert.ok(v >= prev - 1e-15, `not monotone at ${x}`);
    prev = v;
  }
  assert.throws(() => pchip([0, 1, 1], [0, 1, 2]), /strictly increasing/);
  // a decreasing table is reported on the caller's indices (they were the reversed copy's: x[2] = 0.6, x[3] = 0.5)
  assert.throws(() => pchip([1, 0.8, 0.5, 0.6, 0.2, 0], [0, 1, 2, 3, 4, 5]), /strictly decreasing \(the table runs from high to low\); x\[2\] = 0\.5, x\[3\] = 0\.6/);
  assert.throws(() => pchip([1, 0.8, 0.5, 0], [0, NaN, 2, 3]), /point 1 is not finite \(x\[1\] = 0\.8, y\[1\] = NaN\)/);
  assert.equal(pchip([1, 0.5, 0], [2, 1, 0])(0.25), pchip([0, 0.5, 1], [0, 1, 2])(0.25));
  assert.throws(() => pchip([0, 1], [0, NaN]), /not finite/);
});

test("open-circuit voltages at the initial states match the values derived in datasets-src", () => {
  // pybamm-parameters/*.md: U_p(y0) − U_n(x0) "computed by us"
  close(marquis2019LiCoO2Ocp(0.6, 298.15) - marquis2019GraphiteOcp(0.8, 298.15), 3.8518, 1e-4, "Marquis2019 OCV");
  close(ecker2015NcoOcp(0.26, 298.15) - ecker2015GraphiteOcp(26120.05 / 31920, 298.15), 4.15307, 1e-5, "Ecker2015 OCV");
  close(chen2020NmcOcpFit(17038 / 63104, 298.15) - chen2020GraphiteOcpFit(29866 / 33133, 298.15), 4.18094, 1e-5, "Chen2020 OCV (fits)");
});

test("electrolyte and kinetic functions match the derived checks in datasets-src", () => {
  const m = parameterValues("Marquis2019");
  close(m.fn<ElectrolyteFunction>("Electrolyte diffusivity [m2.s-1]")(1000, 298.15), 2.78772e-10, 1e-5, "Marquis D_e");
  close(m.fn<ElectrolyteFunction>("Electrolyte conductivity [S.m-1]")(1000, 308.15), 1.73974, 1e-5, "Marquis κ_e(308 K)");
  const j0n = m.fn<ExchangeCurrentFunction>("Negative electrode exchange-current density [A.m-2]");
  close(j0n(1000, 0.5 * 24983.2619938437, 24983.2619938437, 298.15), 7.9004, 1e-5, "Marquis j0_n");
  const e = parameterValues("Ecker2015");
  close(e.fn<ElectrolyteFunction>("Electrolyte conductivity [S.m-1]")(1000, 298.15), 0.97376, 1e-5, "Ecker κ_e");
  close(e.fn<ElectrolyteFunction>("Electrolyte diffusivity [m2.s-1]")(1000, 298.15), 2.59298e-10, 1e-5, "Ecker D_e");
  const j0p = e.fn<ExchangeCurrentFunction>("Positive electrode exchange-current density [A.m-2]");
  close(j0p(1000, 0.5 * 48580, 48580, 298.15), 2.51212, 1e-5, "Ecker j0_p");
  const c = parameterValues("Chen2020");
  close(c.fn<ElectrolyteFunction>("Electrolyte conductivity [S.m-1]")(1000, 298.15), 0.9487, 1e-4, "Chen κ_e");
  close(c.fn<ElectrolyteFunction>("Electrolyte diffusivity [m2.s-1]")(2000, 298.15), 4.356e-11, 1e-4, "Chen D_e(2000)");
  close(c.fn<ExchangeCurrentFunction>("Negative electrode exchange-current density [A.m-2]")(1000, 0.5 * 33133, 33133, 298.15), 0.339473, 1e-5, "Chen j0_n");
});

test("parameters are looked up by PyBaMM's names with units, and an unknown name suggests the nearest", () => {
  const p = parameterValues("Chen2020");
  assert.equal(p.number("Nominal cell capacity [A.h]"), 5);
  assert.equal(p.number("Negative particle diffusivity [m2.s-1]"), 3.3e-14);
  assert.throws(
    () => p.get("Negative particle diffusivity [m2/s]"),
    (e: unknown) => e instanceof UnknownParameterError && e.suggestions[0] === "Negative particle diffusivity [m2.s-1]" && /Did you mean/.test(e.message),
  );
  assert.throws(() => p.update({ "Nominal cell capacity [Ah]": 4 }), /Nominal cell capacity \[A\.h\]/);
  const q = p.update({ "Current function [A]": 2.5 });
  assert.equal(q.number("Current function [A]"), 2.5);
  assert.equal(p.number("Current function [A]"), 5, "update must not mutate the original");
  assert.throws(() => parameterValues("Chen2021"), /Did you mean "Chen2020"/);
  assert.ok(p.citations.some((c) => c.includes("10.1149/1945-7111/ab9050")));
});

test("the Ecker validation curves and OCP tables ship inside the library with their source", () => {
  assert.equal(ecker1C.x.length, 31);
  assert.equal(ecker5C.x.length, 33);
  assert.ok(Math.abs(ecker1C.x[ecker1C.x.length - 1] - 7.75) < 0.01);
  assert.match(ecker1C.source, /Ecker_1C\.csv$/);
  assert.equal(ecker1C.sha256.length, 64);
});

test("banded LU with partial pivoting solves like a dense solve, including when pivoting is needed", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const n = 40, ml = 3, mu = 2;
  const A = new BandedMatrix(n, ml, mu);
  const dense = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++)
    for (let j = Math.max(0, i - ml); j <= Math.min(n - 1, i + mu); j++) {
      const v = i === j ? 1e-3 * rnd() : rnd(); // tiny diagonal forces row interchanges
      A.add(i, j, v);
      dense[i][j] = v;
    }
  const x = Float64Array.from({ length: n }, () => rnd());
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += dense[i][j] * x[j];
  assert.equal(A.factor(), -1);
  A.solve(b);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(b[i] - x[i]) < 1e-9, `x[${i}] = ${b[i]} vs ${x[i]}`);
  assert.throws(() => A.add(0, 5, 1), /outside the band/);
});

test("PyBaMM's electrode state-of-health calculation reproduces the stoichiometry windows derived in datasets-src for all three sets", () => {
  const cases: [string, object, number[]][] = [
    ["Marquis2019", {}, [0.949321, 0.512596, 0.183223, 0.961025, 0.87284]],
    ["Chen2020", { chen2020Ocp: "fit" }, [0.910618, 0.263845, 0.026346, 0.853975, 5.1532]],
    ["Ecker2015", {}, [0.848423, 0.23526, 0.00355, 0.929081, 0.171001]],
  ];
  for (const [name, opts, want] of cases) {
    const s = initialStoichiometries(parameterValues(name, opts), 0.5);
    const got = [s.x100, s.y100, s.x0, s.y0, s.Q];
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 2e-6 * Math.max(1, want[i] * 10), `${name}[${i}]: ${g} vs ${want[i]}`));
    assert.ok(Math.abs(s.x - (s.x0 + s.x100) / 2) < 1e-12);
  }
  assert.throws(() => initialStoichiometries(parameterValues("Chen2020"), 1.5), /soc must be in \[0, 1\]/);
});

test("eighteenth audit: adapting a set as in PyBaMM — search, diff, toString, JSON round trip with the functions named, update from a set or a Map, withInitialState; bad arguments and misspellings are refused", () => {
  const chen = parameterValues("Chen2020");
  assert.deepEqual(chen.search("negative particle diffusivity"), [{ name: "Negative particle diffusivity [m2.s-1]", unit: "m2.s-1", value: 3.3e-14 }]);
  assert.equal(chen.search("electrode OCP [V]").length, 2);
  assert.equal(chen.search("negative electrode OCP [V]")[0].value, "function");
  // diff, as PyBaMM's
  const mine = chen.update({ "Negative particle radius [m]": 6e-6, "Contact resistance [Ohm]": 0.01 });
  assert.deepEqual(mine.diff(chen), {
    added: [],
    removed: [],
    changed: [
      { name: "Contact resistance [Ohm]", from: 0, to: 0.01 },
      { name: "Negative particle radius [m]", from: 5.86e-6, to: 6e-6 },
    ],
  });
  assert.match(String(chen), /^ParameterValues Chen2020 \(\d+ parameters\)\n  cite: .*\n[\s\S]*  Negative particle diffusivity \[m2\.s-1\] = 3\.3e-14\n/);
  // JSON: numbers and tables travel, other functions are named (they were dropped unseen)
  // OCPs given as tables (pchip), the other functions as formulas
  const xs = Array.from({ length: 41 }, (_, i) => 0.005 + (0.99 * i) / 40);
  const ocp = (name: string) => pchip(xs, xs.map((x) => (chen.get(name) as (v: number, T: number) => number)(x, 298.15)));
  const tables = chen.update({ "Negative electrode OCP [V]": ocp("Negative electrode OCP [V]"), "Positive electrode OCP [V]": ocp("Positive electrode OCP [V]") });
  const json = JSON.parse(JSON.stringify(tables));
  assert.deepEqual(json.functions.sort(), ["Electrolyte conductivity [S.m-1]", "Electrolyte diffusivity [m2.s-1]", "Negative electrode exchange-current density [A.m-2]", "Positive electrode exchange-current density [A.m-2]"]);
  assert.ok("Negative electrode OCP [V]" in json.tables && json.numbers["Nominal cell capacity [A.h]"] === 5);
  assert.throws(() => ParameterValues.fromJSON(json), /has 4 function-valued parameters JSON cannot hold; give them in functions: "Electrolyte conductivity/);
  const back = ParameterValues.fromJSON(json, tables.toObject());
  assert.deepEqual(back.diff(tables), { added: [], removed: [], changed: [] });
  assert.deepEqual(back.citations, tables.citations);
  const a = simulate(spm(tables), "Discharge at 1C for 10 minutes", { saveStates: false }).get("Voltage [V]");
  const b = simulate(spm(back), "Discharge at 1C for 10 minutes", { saveStates: false }).get("Voltage [V]");
  assert.deepEqual(a, b);
  // update takes a set or a Map (as PyBaMM's update takes ParameterValues); anything else is a TypeError
  assert.equal(chen.update(mine).number("Contact resistance [Ohm]"), 0.01);
  assert.equal(chen.update(new Map([["Contact resistance [Ohm]", 0.02]])).number("Contact resistance [Ohm]"), 0.02);
  assert.equal(new ParameterValues("copy", chen).number("Nominal cell capacity [A.h]"), 5);
  assert.throws(() => chen.update(null as never), /update\(\) of Chen2020: the values must be an object .* got null/);
  assert.throws(() => chen.update([1, 2] as never), /got an array/);
  assert.throws(() => chen.update({ "Contact resistence [Ohm]": 0.01 }), /is not in the set \(a misspelling\? to add a parameter the set lacks, call update\(changes, true\)/);
  // a misspelt name next to the right one is refused when a model is built (it was ignored, the set having the right one)
  assert.throws(() => spm(chen.update({ "Contact Resistance [Ohm]": 0.05 }, true)), /"Contact Resistance \[Ohm\]" .* is not a name the models read; it is within two edits of "Contact resistance \[Ohm\]", which they read and which the set also has/);
  // functions of the wrong form are named
  const j0 = "Negative electrode exchange-current density [A.m-2]";
  assert.throws(() => spm(chen.update({ [j0]: ((c_e: number, T: number) => 2.5e-6 * Math.sqrt(c_e) * T) as never })), (e: unknown) => e instanceof ParameterValueError && /is written \(c_e, T\), but it is called with \(c_e, c_s, c_max, T\): its argument "T" receives c_s/.test(e.message));
  assert.throws(() => spm(chen.update({ "Negative electrode OCP [V]": ((_x: number) => "0.1") as never })), /returns a string \("0\.1"\)/);
  assert.throws(() => spm(chen.update({ "Initial concentration in electrolyte [mol.m-3]": 1 })), /is it in mol\/L\? \(1 mol\/L is 1000 mol\.m-3\)/);
  // immutable at run time; citations frozen
  assert.throws(() => (chen.citations as string[]).push("x"), TypeError);
  assert.throws(() => ((chen as unknown as { setName: string }).setName = "x"), TypeError);
  // options are checked
  assert.throws(() => parameterValues("Chen2020", { ocp: "table" } as never), /unknown option "ocp"/);
  assert.throws(() => parameterValues("Marquis2019", { chen2020Ocp: "table" }), /applies to Chen2020 only/);
  // a PyBaMM dictionary's citations and chemistry entries
  const dict = new ParameterValues("from PyBaMM", { ...chen.toObject(), citations: ["Someone2024"] as never, chemistry: "lithium_ion" as never });
  assert.deepEqual(dict.citations, ["Someone2024"]);
  assert.ok(!dict.has("chemistry"));
  // PyBaMM's set_initial_state
  const half = withInitialState(chen, 0.5);
  const soh = initialStoichiometries(chen, 0.5);
  assert.ok(Math.abs(half.number("Initial concentration in negative electrode [mol.m-3]") / chen.number("Maximum concentration in negative electrode [mol.m-3]") - soh.x) < 1e-12);
  const v1 = simulate(spm(half), "Discharge at 1C for 10 minutes", { saveStates: false }).get("Voltage [V]");
  const v2 = simulate(spm(chen), "Discharge at 1C for 10 minutes", { saveStates: false, initialSoc: 0.5 }).get("Voltage [V]");
  assert.ok(Math.abs(v1.at(-1)! - v2.at(-1)!) < 1e-9);
});

test("twenty-first audit: an undefined option passes, a copy keeps its citations, an optional trailing argument is no error", () => {
  assert.equal(parameterValues("Marquis2019", { chen2020Ocp: undefined }).setName, "Marquis2019");
  const chen = parameterValues("Chen2020");
  assert.deepEqual(new ParameterValues("copy", chen).citations, chen.citations);
  const ocp = chen.get("Negative electrode OCP [V]") as (x: number, T: number) => number;
  const withOptional = (sto: number, T: number, _extra?: number) => ocp(sto, T);
  spm(chen.update({ "Negative electrode OCP [V]": withOptional as never }));
});

test("twenty-fourth audit: two copies of a shipped set are equal (one instance per set), odd inputs are named, particle gradings the solver cannot step with are refused, basicSpm stops at maxTime, t quantiles at huge degrees of freedom", () => {
  assert.deepEqual(parameterValues("Chen2020").diff(parameterValues("Chen2020")), { added: [], removed: [], changed: [] });
  assert.equal(parameterValues("Marquis2019"), parameterValues("Marquis2019"));
  const chen = parameterValues("Chen2020");
  const back = ParameterValues.fromJSON(JSON.parse(JSON.stringify(chen)), chen.toObject());
  assert.deepEqual(back.diff(chen), { added: [], removed: [], changed: [] });
  assert.throws(() => chen.search(undefined as never), /search: give a text to look for/);
  assert.throws(() => ParameterValues.fromJSON({ numbers: {} } as never), /fromJSON: give the object toJSON\(\) wrote/);
  assert.throws(() => ParameterValues.fromJSON({ setName: "x", numbers: {}, functions: "abc" } as never), /fromJSON: give the object/);
  assert.throws(() => spm(chen, { mesh: null } as never), /Model option mesh must be an object/);
  assert.throws(() => spm(chen, { mesh: { particleGrading: 0.3 } }), /mesh\.particleGrading 0\.3 makes the outermost of 20 radial cells \(mesh\.rn\) 1\.\de-10 of the innermost's width.* use a grading of at least 0\.695/);
  spm(chen, { mesh: { particleGrading: 0.89 } });
  for (const bad of [null, false, true, [0.5]]) assert.throws(() => initialStoichiometries(chen, bad as never), /soc must be a number in \[0, 1\] or a voltage/);
  const short = basicSpm(chen, { current: 5, dt: 1000, maxTime: 10 });
  assert.deepEqual(Array.from(short["Time [s]"]), [0, 10]);
  assert.ok(Math.abs(twoSidedTQuantile(0.95, Infinity) - 1.959964) < 1e-5 && Math.abs(twoSidedTQuantile(0.95, 1e15) - 1.959964) < 1e-5);
});
