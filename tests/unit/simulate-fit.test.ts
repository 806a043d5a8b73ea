import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, spm, simulate, fitParameters, studentTQuantile } from "../../lib/src/simulate";

test("Student-t quantiles match tables (t_0.975 with 10 dof = 2.228, 30 dof = 2.042)", () => {
  assert.ok(Math.abs(studentTQuantile(0.95, 10) - 2.228) < 2e-3);
  assert.ok(Math.abs(studentTQuantile(0.95, 30) - 2.042) < 1e-3);
  assert.ok(Math.abs(studentTQuantile(0.95, 1e6) - 1.96) < 1e-3);
});

test("Levenberg–Marquardt recovers a diffusivity and a contact resistance from a noisy synthetic 1C curve, with 95 % intervals covering the truth", () => {
  const base = parameterValues("Chen2020");
  const truth = { "Negative particle diffusivity [m2.s-1]": 8e-15, "Contact resistance [Ohm]": 0.02 };
  const ref = simulate(spm(base.update(truth)), { current: 5, duration: 3000 }, { saveStates: false, respectCutoffs: false, solver: { maxStep: 20 } });
  const time: number[] = [];
  const voltage: number[] = [];
  let seed = 42;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const tt = ref.get("Time [s]"), VV = ref.get("Voltage [V]");
  for (let x = 30; x <= 3000; x += 60) {
    let k = 1;
    while (k < tt.length - 1 && tt[k] < x) k++;
    const w = (x - tt[k - 1]) / (tt[k] - tt[k - 1]);
    const noise = 0.002 * Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd()); // N(0, 2 mV)
    time.push(x);
    voltage.push(VV[k - 1] + w * (VV[k] - VV[k - 1]) + noise);
  }
  const fit = fitParameters({
    params: base,
    model: (p) => spm(p),
    names: Object.keys(truth),
    initial: [3.3e-14, 0.005],
    time,
    voltage,
    current: 5,
    simulate: { solver: { maxStep: 20 } },
  });
  const t = Object.values(truth);
  for (let i = 0; i < 2; i++) {
    assert.ok(fit.lower[i] < t[i] && t[i] < fit.upper[i], `${Object.keys(truth)[i]}: ${fit.values[i]} [${fit.lower[i]}, ${fit.upper[i]}] should contain ${t[i]}`);
    assert.ok(Math.abs(fit.values[i] / t[i] - 1) < 0.2, `${fit.values[i]} vs ${t[i]}`);
  }
  assert.ok(fit.rmse < 0.003 && fit.rmse > 0.001, `rmse ${fit.rmse} should be near the 2 mV noise`);
  assert.ok(fit.converged, "LM should converge on a well-posed two-parameter problem");
  assert.ok(fit.iterations >= 1 && fit.iterations <= 30, `iterations ${fit.iterations}`);
  assert.throws(() => fitParameters({ params: base, model: (p) => spm(p), names: ["Contact resistance [ohm]"], time, voltage, current: 5 }), /Did you mean/);
});
