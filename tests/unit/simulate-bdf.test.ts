import { test } from "node:test";
import assert from "node:assert/strict";
import { Integrator } from "../../lib/src/simulate";
import type { Control, DaeSystem, SolverOptions } from "../../lib/src/simulate";

/**
 * Unit tests of the variable-order BDF integrator on small problems with known solutions. The "voltage" of these
 * systems is a chosen function of the state so the event and control machinery can be exercised too.
 */

interface Problem {
  n: number;
  differential: number[];
  atol: number;
  rhs: (y: Float64Array, I: number, out: Float64Array) => void;
  voltage?: (y: Float64Array, I: number) => number;
  voltageDeps?: number[];
}

function system(p: Problem): DaeSystem {
  return {
    n: p.n,
    ml: p.n - 1,
    mu: p.n - 1,
    differential: Uint8Array.from(p.differential),
    atol: new Float64Array(p.n).fill(p.atol),
    rhs: p.rhs,
    voltage: p.voltage ?? ((y) => y[0]),
    voltageDeps: Int32Array.from(p.voltageDeps ?? [0]),
  };
}

const ctx = { description: "test" };
const zeroCurrent: Control = { kind: "current", value: 0 };

function run(sys: DaeSystem, y0: number[], tEnd: number, opts: SolverOptions, control: Control = zeroCurrent, events = [] as Parameters<Integrator["integrateStep"]>[5]) {
  const integ = new Integrator(sys);
  const res = integ.integrateStep(0, Float64Array.from(y0), control.kind === "current" ? control.value : 0, control, tEnd, events, { method: "bdf", ...opts }, ctx);
  return { integ, res, last: res.points[res.points.length - 1] };
}

const decay = system({ n: 1, differential: [1], atol: 1e-14, rhs: (y, _I, out) => void (out[0] = -y[0]) });

test("y' = −y: the global error follows the tolerance, and at a fixed order q the error falls like (steps)^−q", (t) => {
  const lines: string[] = [];
  // tolerance proportionality with the free order: 100× tighter tolerance → error at least 10× smaller (measured 24×);
  // the relative global error over a solution decaying by e^−10 is the sum of ~N local relative errors
  const errAt = (rtol: number, maxOrder?: number) => {
    const { integ, last } = run(decay, [1], 10, { rtol, maxOrder, maxStep: 1e9 });
    return { err: Math.abs(last.y[0] - Math.exp(-10)) / Math.exp(-10), steps: integ.steps };
  };
  const a = errAt(1e-5);
  const b = errAt(1e-7);
  lines.push(`free order: rtol 1e-5 → rel. error ${a.err.toExponential(2)} (${a.steps} steps), 1e-7 → ${b.err.toExponential(2)} (${b.steps} steps)`);
  assert.ok(a.err < 1e-3 && b.err < 1e-5, "global error within a few tens of tolerances");
  assert.ok(a.err / b.err > 10, `error ratio ${a.err / b.err}`);
  // empirical order from error against step count between tolerances 16^k apart
  for (const q of [1, 2, 3, 4]) {
    const lo = errAt(1e-5, q);
    const hi = errAt(1e-5 / 256, q);
    const order = Math.log(lo.err / hi.err) / Math.log(hi.steps / lo.steps);
    lines.push(`maxOrder ${q}: ${lo.steps} → ${hi.steps} steps, error ${lo.err.toExponential(2)} → ${hi.err.toExponential(2)}, empirical order ${order.toFixed(2)}`);
    assert.ok(order > q - 0.5 && order < q + 1.2, `maxOrder ${q}: empirical order ${order}`);
  }
  t.diagnostic(lines.join("; "));
});

test("a stiff problem (Robertson's chemical kinetics, stiffness ratio ~1e11) to t = 40 within the requested tolerance, in a few hundred steps", (t) => {
  const rob = system({
    n: 3,
    differential: [1, 1, 1],
    atol: 1e-10,
    rhs: (y, _I, out) => {
      out[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
      out[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
      out[2] = 3e7 * y[1] * y[1];
    },
  });
  const { integ, last } = run(rob, [1, 0, 0], 40, { rtol: 1e-6, maxStep: 1e9, firstStep: 1e-6 });
  // reference (Hairer & Wanner, tight-tolerance solution)
  const ref = [0.7158270687, 9.185534764e-6, 0.2841637457];
  const rel = ref.map((r, i) => Math.abs(last.y[i] - r) / r);
  t.diagnostic(`${integ.steps} steps (${integ.rejectedSteps} rejected), ${integ.newtonIterations} Newton iterations, ${integ.jacobians} Jacobians; relative errors ${rel.map((e) => e.toExponential(1)).join(", ")}; steps by order ${integ.stepsByOrder.slice(1).join("/")}`);
  for (let i = 0; i < 3; i++) assert.ok(rel[i] < 2e-4, `y${i + 1}: relative error ${rel[i]}`);
  assert.ok(Math.abs(last.y[0] + last.y[1] + last.y[2] - 1) < 1e-9, "the linear invariant y1 + y2 + y3 = 1 is kept (BDF preserves linear invariants)");
  assert.ok(integ.steps < 400, `${integ.steps} steps (an explicit method would need ~1e7)`);
});

test("Prothero–Robinson y' = −1e4·(y − cos t) − sin t: the stiff transient is stepped over and y follows cos t to the tolerance", () => {
  // time enters through the state: a second (clock) variable τ' = 1
  const pr2 = system({
    n: 2,
    differential: [1, 1],
    atol: 1e-10,
    rhs: (y, _I, out) => {
      out[0] = -1e4 * (y[0] - Math.cos(y[1])) - Math.sin(y[1]);
      out[1] = 1;
    },
  });
  const { integ, last } = run(pr2, [2, 0], 10, { rtol: 1e-6, maxStep: 1e9 });
  assert.ok(Math.abs(last.y[0] - Math.cos(10)) < 1e-5, `y(10) = ${last.y[0]}, cos 10 = ${Math.cos(10)}`);
  assert.ok(integ.steps < 300, `${integ.steps} steps`);
});

test("index-1 DAE: an algebraic variable and a voltage hold (the current solves the control equation) follow the exact solution", (t) => {
  // y0' = −I (a capacitor discharged by the current), y1 = y0² (algebraic), V = y0 − 0.1·I; holding V = 0.5 from
  // y0 = 1 gives I = 10·(y0 − 0.5), so y0 = 0.5 + 0.5·e^(−10t)
  const sys = system({
    n: 2,
    differential: [1, 0],
    atol: 1e-10,
    rhs: (y, I, out) => {
      out[0] = -I;
      out[1] = y[1] - y[0] * y[0];
    },
    voltage: (y, I) => y[0] - 0.1 * I,
  });
  const { integ, res } = run(sys, [1, 0.3], 2, { rtol: 1e-7, maxStep: 1e9, outputTimes: [0.05, 0.1, 0.25, 0.5, 1.5] }, { kind: "voltage", value: 0.5 });
  let worst = 0;
  for (const p of res.points) {
    const y0 = 0.5 + 0.5 * Math.exp(-10 * p.t);
    worst = Math.max(worst, Math.abs(p.y[0] - y0), Math.abs(p.y[1] - y0 * y0), Math.abs(p.current - 10 * (y0 - 0.5)) / 10);
  }
  t.diagnostic(`${integ.steps} steps, ${res.points.length} points, max error ${worst.toExponential(2)}; steps by order ${integ.stepsByOrder.slice(1).join("/")}`);
  assert.ok(Math.abs(res.points[0].y[1] - 1) < 1e-6, "the inconsistent algebraic start (0.3) is made consistent (1)");
  assert.ok(worst < 2e-6, `max error ${worst}`);
  for (const x of [0.05, 0.1, 0.25, 0.5, 1.5]) assert.ok(res.points.some((p) => Math.abs(p.t - x) < 1e-12), `a point at the output time ${x}`);
});

test("order selection climbs to order ≥ 3 on a smooth problem (harmonic oscillator) and most steps are taken there", (t) => {
  const osc = system({
    n: 2,
    differential: [1, 1],
    atol: 1e-12,
    rhs: (y, _I, out) => {
      out[0] = y[1];
      out[1] = -y[0];
    },
  });
  const { integ, last } = run(osc, [1, 0], 20, { rtol: 1e-8, maxStep: 1e9 });
  const high = integ.stepsByOrder[3] + integ.stepsByOrder[4] + integ.stepsByOrder[5];
  t.diagnostic(`steps by order 1–5: ${integ.stepsByOrder.slice(1).join("/")}; error ${Math.abs(last.y[0] - Math.cos(20)).toExponential(2)}`);
  assert.ok(high > 0.5 * integ.steps, `only ${high} of ${integ.steps} steps at order ≥ 3`);
  assert.ok(Math.abs(last.y[0] - Math.cos(20)) < 1e-5);
});

test("events are located on the interpolating polynomial to the voltage tolerance even when the steps are long and high-order", (t) => {
  // V = 2 + cos t crosses 1.5 at t = 2π/3 and 2.9 at t = 2π − acos(0.9)
  const osc = system({
    n: 2,
    differential: [1, 1],
    atol: 1e-10,
    rhs: (y, _I, out) => {
      out[0] = y[1];
      out[1] = -y[0];
    },
    voltage: (y) => 2 + y[0],
  });
  const cases = [
    { value: 1.5, tStar: (2 * Math.PI) / 3, y0: [1, 0] },
    { value: 2.9, tStar: 2 * Math.PI - Math.acos(0.9), y0: [1, 0] },
  ];
  for (const c of cases) {
    // start past the first crossing of 2.9 (at acos(0.9)) for the second case
    const integ = new Integrator(osc);
    const t0 = c.value === 2.9 ? 1 : 0;
    const y0 = Float64Array.of(Math.cos(t0), -Math.sin(t0));
    const res = integ.integrateStep(t0, y0, 0, zeroCurrent, 20, [{ quantity: "voltage", value: c.value, name: "cut-off" }], { method: "bdf", rtol: 1e-6, maxStep: 1e9 }, ctx);
    const last = res.points[res.points.length - 1];
    t.diagnostic(`V = ${c.value}: stopped at t = ${last.t.toFixed(6)} (exact ${c.tStar.toFixed(6)}), V = ${last.voltage.toFixed(6)}, ${integ.steps} steps, last order used ≥ 2: ${integ.stepsByOrder.slice(2).some((k) => k > 0)}`);
    assert.equal(res.reason, "cut-off");
    assert.ok(Math.abs(last.voltage - c.value) < 1e-4, `V at the event ${last.voltage}`);
    assert.ok(Math.abs(last.t - c.tStar) < 1e-4, `event time ${last.t} vs ${c.tStar}`);
    assert.ok(integ.stepsByOrder.slice(2).some((k) => k > 0), "higher orders were used");
  }
});

test("dense output at requested times agrees with the exact solution to the tolerance without shortening the steps", () => {
  const osc = system({
    n: 2,
    differential: [1, 1],
    atol: 1e-12,
    rhs: (y, _I, out) => {
      out[0] = y[1];
      out[1] = -y[0];
    },
  });
  const times = Array.from({ length: 200 }, (_, k) => 0.1 * (k + 1));
  const { integ, res } = run(osc, [1, 0], 20, { rtol: 1e-8, maxStep: 1e9, outputTimes: times });
  const free = run(osc, [1, 0], 20, { rtol: 1e-8, maxStep: 1e9 }).integ;
  for (const x of times.slice(0, -1)) {
    const p = res.points.find((pp) => Math.abs(pp.t - x) < 1e-12);
    assert.ok(p, `point at ${x}`);
    assert.ok(Math.abs(p.y[0] - Math.cos(x)) < 1e-6, `y(${x}) = ${p.y[0]} vs ${Math.cos(x)}`);
  }
  assert.equal(integ.steps, free.steps, "output times do not change the steps");
});
