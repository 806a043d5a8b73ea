import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStep, Experiment, ExperimentSyntaxError } from "../../lib/src/simulate";

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
      (e: unknown) => e instanceof ExperimentSyntaxError && e.message.includes(bad) && e.message.includes('"Discharge at 1C until 2.5 V"'),
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
