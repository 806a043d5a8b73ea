import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, spm, simulate } from "../../lib/src/simulate";
import type { SolverOptions } from "../../lib/src/simulate";

const run = (solver: SolverOptions) => simulate(spm(parameterValues("Chen2020")), "Discharge at 1C for 10 minutes", { solver, saveStates: false });

test("every numeric solver option is checked up front, and the error names the option, the value and the valid range (before: rtol −1 ran and was 5.9 mV off, rtol 0 was accepted, rtol NaN failed as 'no consistent initial state', maxStep 0 as 'step size fell below 1e-9 s')", () => {
  const cases: [SolverOptions, RegExp][] = [
    [{ rtol: -1 }, /SolverOptions\.rtol must be a finite number in \[1e-12, 0\.1\].*got -1/],
    [{ rtol: 0 }, /SolverOptions\.rtol .* got 0$/],
    [{ rtol: NaN }, /SolverOptions\.rtol .* got NaN/],
    [{ rtol: 2 }, /SolverOptions\.rtol/],
    [{ atolScale: 0 }, /SolverOptions\.atolScale .* got 0/],
    [{ maxStep: 0 }, /SolverOptions\.maxStep must be a finite number in \[1e-9, .* s .* got 0/],
    [{ maxStep: Infinity }, /SolverOptions\.maxStep .* got Infinity/],
    [{ firstStep: -1e-3 }, /SolverOptions\.firstStep .* got -0\.001/],
    [{ eventVoltageTolerance: 0 }, /SolverOptions\.eventVoltageTolerance/],
    [{ maxVoltageStep: -0.02 }, /SolverOptions\.maxVoltageStep/],
    [{ maxInterpolationError: NaN }, /SolverOptions\.maxInterpolationError/],
    [{ maxSteps: 0 }, /SolverOptions\.maxSteps must be an integer from 1/],
    [{ maxSteps: 2.5 }, /SolverOptions\.maxSteps must be an integer/],
    [{ maxOrder: 9 }, /SolverOptions\.maxOrder must be an integer from 1 to 5 .* got 9/],
    [{ maxOrder: 0 }, /SolverOptions\.maxOrder/],
    [{ outputTimes: [100, NaN] }, /SolverOptions\.outputTimes\[1\] must be a finite time/],
    [{ method: "rk4" } as unknown as SolverOptions, /SolverOptions\.method must be "bdf" or "bdf2", got "rk4"/],
    [{ rtoll: 1e-6 } as unknown as SolverOptions, /Unknown solver option "rtoll"\. Did you mean: "rtol"/],
  ];
  for (const [opts, message] of cases) assert.throws(() => run(opts), message, JSON.stringify(opts));
});

test("valid solver options at the edges of their ranges still run", () => {
  for (const opts of [{ rtol: 1e-10 }, { rtol: 0.1 }, { maxStep: 1e9 }, { maxOrder: 1 }, { method: "bdf2" as const }, { maxSteps: 200000, firstStep: 1e-6 }]) {
    assert.equal(run(opts).termination, "completed", JSON.stringify(opts));
  }
});
