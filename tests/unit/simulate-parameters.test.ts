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
