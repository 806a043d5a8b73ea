/**
 * Parameter estimation: fit chosen parameters of a cell model to a measured voltage curve by nonlinear least
 * squares (Levenberg–Marquardt with Marquardt's diagonal scaling), with asymptotic confidence intervals from the
 * Jacobian at the optimum. Positive parameters are fitted in log space, so intervals are multiplicative. The
 * intervals hold only for independent, identically distributed errors about a correct model; the residual
 * diagnostics in {@link FitResult} (lag-1 autocorrelation, Durbin–Watson) show when that fails.
 */
import { studentTQuantile } from "../electrochem/stats";
import { ParameterValues } from "./parameters";
import { CellModel } from "./models";
import { simulate, Protocol, SimulateOptions } from "./simulation";

/** Options of {@link fitParameters}. */
export interface FitOptions {
  /** Base parameter set. */
  params: ParameterValues;
  /** Builds the model from parameter values (e.g. `(p) => spm(p)`). */
  model: (p: ParameterValues) => CellModel;
  /** Names of the parameters to fit (PyBaMM names, units in the name; each must exist in `params`, each once). */
  names: string[];
  /**
   * Starting values, one per name in the same order, in the parameters' own units (default: the current numeric
   * values in `params`; required for a parameter that is a function in the set).
   */
  initial?: number[];
  /**
   * Fit in log space, one flag per name (default: true for every parameter with a positive start). A log-scale
   * parameter stays positive and its interval is multiplicative; its start must be > 0.
   */
  logScale?: boolean[];
  /**
   * Measured times [s]: finite, ≥ 0 (the simulation starts at t = 0) and strictly increasing. The simulation must
   * reach the last one: data beyond where it stops (a stoichiometry event, the protocol's own cut-off) is an error,
   * not compared with the last simulated voltage.
   */
  time: ArrayLike<number>;
  /** Measured voltages [V], finite, one per time. */
  voltage: ArrayLike<number>;
  /** Protocol to simulate (default: constant current `current` for the data's duration). */
  protocol?: Protocol;
  /** Constant current [A] (> 0 discharges) when no protocol is given. */
  current?: number;
  /** Simulation options (solver tolerances). The parameter set's voltage cut-offs are ignored while fitting. */
  simulate?: SimulateOptions;
  /** Maximum LM iterations, an integer ≥ 1 (default 30). */
  maxIterations?: number;
  /** Confidence level of the intervals, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
  /**
   * Typical size of each parameter in its own units (finite, > 0), one per name, used only for parameters fitted on
   * a linear scale: the finite-difference step is `1e-4 × max(|value|, 1e-3 × typical)` and a step counts as
   * negligible below `1e-6 ×` the same size. The steps are relative to the parameter's own value; the typical size
   * only sets their floor when the value passes near 0. Default: |start value|, or 1 for a parameter that starts at 0
   * (give it here when 1 is not a sensible size, e.g. 1e-14 for a diffusivity in m2.s-1).
   */
  typicalValues?: number[];
}

/**
 * Result of {@link fitParameters}.
 *
 * The confidence intervals are asymptotic, s²(JᵀJ)⁻¹ with s² the residual variance: they assume that the residuals
 * are independent, identically distributed measurement errors about a model that is right. Residuals that run in long
 * stretches of one sign (a model missing an effect, an OCP a few mV off, a digitised curve) violate that: the
 * intervals are then far too narrow, and they measure how precisely the model's misfit is pinned down rather than how
 * well the parameters are known. Check {@link FitResult.durbinWatson} and
 * {@link FitResult.residualAutocorrelation} (and plot `residuals`) before quoting an interval.
 */
export interface FitResult {
  /** Fitted values, in the order of `names`, in the parameters' own units. */
  values: number[];
  /**
   * Lower confidence bounds at the requested level, in the order of `names` (multiplicative for log-scale fits).
   * Valid only for independent errors: see {@link FitResult.durbinWatson}.
   */
  lower: number[];
  /**
   * Upper confidence bounds at the requested level, in the order of `names` (same caveat as `lower`). A parameter
   * that went where the voltage no longer depends on it (a contact resistance towards 0, a conductivity towards ∞)
   * gets the half-line the data allow: [0, value] (−∞ on a linear scale) or [value, ∞); see `undetermined`.
   */
  upper: number[];
  /** Root-mean-square residual [V]. */
  rmse: number;
  /** Number of LM iterations (damped Gauss–Newton steps attempted), at most `maxIterations`. */
  iterations: number;
  /**
   * True when LM stopped on a negligible cost change or step, or when no step lowers the cost further after at least
   * one accepted step (a minimum to working precision). False when it ran out of iterations, or when no step from
   * the start lowered the cost although the linearised model predicted a decrease (the finite-difference
   * derivatives disagree with the simulated voltage: a non-smooth model, solver noise, a badly sized step); then
   * `values` are the start values, not a fit. {@link FitResult.message} says which.
   */
  converged: boolean;
  /** Why LM stopped, in words (the criterion met and its figures), for `converged` true or false alike. */
  message: string;
  /** Number of model simulations (residual evaluations, finite-difference columns included). */
  evaluations: number;
  /** Parameter values with the fit applied. */
  params: ParameterValues;
  /** Residuals (simulated − measured) [V] at the optimum, one per data point. */
  residuals: Float64Array;
  /**
   * Lag-1 autocorrelation of the residuals between consecutive data points, Σ(rᵢ − r̄)(rᵢ₋₁ − r̄) / Σ(rᵢ − r̄)²:
   * near 0 (within about ±2/√n) for independent errors; well above 0 means the residuals run in stretches of one
   * sign, a systematic misfit, and intervals that are too narrow. As a rough guide (errors following a first-order
   * autoregression with this coefficient ρ) the effective number of points is n(1 − ρ)/(1 + ρ), so the intervals
   * are too narrow by about √((1 + ρ)/(1 − ρ)): 2.4× at ρ = 0.7.
   */
  residualAutocorrelation: number;
  /**
   * Durbin–Watson statistic of the residuals, Σ(rᵢ − rᵢ₋₁)² / Σrᵢ², about 2(1 − ρ) with ρ the lag-1
   * autocorrelation when the residuals average about 0 (an offset left in them lowers it further): near 2 (within about ±4/√n) for independent errors; well below 2 (below 1, say) means a
   * systematic misfit — the model misses something the data show — and confidence intervals that are too narrow,
   * whatever the RMSE. Above 2 means residuals alternating in sign (rare; e.g. noise from a digitiser).
   */
  durbinWatson: number;
  /**
   * Trial simulations that failed (threw) during the fit, and the last failure's message with the values tried. A
   * failed trial only rejects its step; a fit whose last iteration met failures ends at the edge of where the model
   * runs, not at a minimum, and is reported with `converged` false.
   */
  failedTrials: number;
  /** The last failed trial: its values and error message (undefined when none failed). */
  lastFailure?: string;
  /**
   * Names of the parameters the data hardly determine: a log-scale interval spanning more than a factor of 10, a
   * linear one wider than ±100 % of the larger of the value and its typical size, or one the data only bound (it went
   * where the voltage no longer depends on it, below 1 µV RMS). Their values are not to be quoted (the message says
   * which and why).
   */
  undetermined: string[];
}

/** Solves a small dense symmetric positive-definite system by Cholesky (throws if not SPD). */
function choleskySolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = A.map((r) => r.slice());
  for (let j = 0; j < n; j++) {
    let d = L[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    if (!(d > 0)) throw new Error("fitParameters: normal matrix is not positive definite (parameters not identifiable from this data)");
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = L[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  const y = b.slice();
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) y[i] -= L[i][k] * y[k];
    y[i] /= L[i][i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) y[i] -= L[k][i] * y[k];
    y[i] /= L[i][i];
  }
  return y;
}

/** Inverse of a small SPD matrix (columns by Cholesky solves). */
function inverse(A: number[][]): number[][] {
  const n = A.length;
  const cols = Array.from({ length: n }, (_, j) => choleskySolve(A, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))));
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => cols[j][i]));
}

/** JᵀJ of Jacobian columns. */
function normalMatrix(J: Float64Array[]): number[][] {
  return J.map((a) => J.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
}

/**
 * Correlation above which {@link fitParameters} calls parameters not identifiable: between two parameters, the cosine
 * of the angle between their Jacobian columns; for three or more, the multiple correlation of one column with all the
 * others. At 0.9999 the variance of the parameter is inflated 5000-fold (1 / (1 − r²)) over a fit of it alone, and
 * JᵀJ is singular to the precision of the finite differences.
 */
const IDENTIFIABILITY_LIMIT = 0.9999;

/**
 * Checks that the data tell the fitted parameters apart (see {@link IDENTIFIABILITY_LIMIT}); if not, throws an error
 * naming the most correlated pair with its correlation (or, with no such pair, the parameter that is a combination of
 * the others), the combination the data determine to first order, and the values reached.
 */
function checkIdentifiable(JtJ: number[][], names: string[], logs: boolean[], values: number[], where: string): void {
  const p = names.length;
  if (p < 2) return;
  const C = JtJ.map((row, a) => row.map((v, b) => v / Math.sqrt(JtJ[a][a] * JtJ[b][b])));
  let a = 0, b = 1;
  for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) if (Math.abs(C[i][j]) > Math.abs(C[a][b])) [a, b] = [i, j];
  const r = C[a][b];
  // variance inflation factors: diag(C⁻¹) = 1 / (1 − R²) with R the multiple correlation of a column with the others
  let vif: number[] | undefined;
  try {
    const inv = inverse(C);
    vif = inv.map((row, i) => row[i]);
  } catch {
    vif = undefined; // singular
  }
  const limitVif = 1 / (1 - IDENTIFIABILITY_LIMIT ** 2);
  if (Math.abs(r) <= IDENTIFIABILITY_LIMIT && vif !== undefined && vif.every((v) => v > 0 && v < limitVif)) return;
  const at = names.map((n, i) => `${n} = ${values[i].toPrecision(6)}`).join(", ");
  const advice = `Fix one of them at a known value (remove it from names) and fit the rest. Values reached: ${at}`;
  if (Math.abs(r) > IDENTIFIABILITY_LIMIT || vif === undefined || p === 2) {
    // ∂V/∂θa = k ∂V/∂θb: the voltage moves with θa + θb / k only
    const k = JtJ[a][b] / JtJ[b][b];
    const combination =
      logs[a] && logs[b]
        ? `to first order "${names[a]}" × ("${names[b]}")^${(1 / k).toPrecision(3)}`
        : !logs[a] && !logs[b]
          ? `to first order "${names[a]}" + ${(1 / k).toPrecision(3)} × "${names[b]}"`
          : "a combination of them";
    const more = Math.abs(r) > IDENTIFIABILITY_LIMIT ? "" : ` (JᵀJ is singular: a combination of more than these two, of ${names.map((n) => `"${n}"`).join(", ")}, is not determined)`;
    throw new Error(
      `fitParameters: "${names[a]}" and "${names[b]}" cannot both be fitted from this data: their effects on the voltage are ` +
        `correlated with r = ${r.toFixed(6)} (Jacobian columns ${where}), so only ${combination} is determined${more}. ${advice}`,
    );
  }
  let j = 0;
  vif.forEach((v, i) => (v > vif![j] || !(v > 0) ? (j = i) : 0));
  const R = vif[j] > 0 ? Math.sqrt(1 - 1 / vif[j]) : 1;
  const others = names.filter((_, i) => i !== j).map((n) => `"${n}"`).join(", ");
  throw new Error(
    `fitParameters: "${names[j]}" cannot be fitted together with ${others} from this data: its effect on the voltage is a ` +
      `combination of theirs (multiple correlation r = ${R.toFixed(6)}, Jacobian columns ${where}; the most correlated pair is ` +
      `"${names[a]}" and "${names[b]}", r = ${r.toFixed(6)}), so only a combination of these parameters is determined. ${advice}`,
  );
}

/**
 * The factor of a two-sided `confidence` interval of Student's t with `dof` degrees of freedom: the quantile at
 * (1 + confidence)/2 (12.706 for 95 % and 1 degree of freedom, 2.228 for 10). Exact (the CDF's inverse, to 1e-12):
 * the Cornish–Fisher expansion used before was 24 % low at 1 degree of freedom and 12 % at 99 % with 2, which made
 * the intervals of a fit to a few points that much too narrow.
 */
export function twoSidedTQuantile(confidence: number, dof: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new Error(`twoSidedTQuantile: the confidence must be in (0, 1), got ${confidence}`);
  // beyond 1e7 degrees of freedom t is the normal distribution to 1e-7 (the CDF's incomplete beta fails there:
  // Infinity gave −1.0, 1e15 gave 1.75)
  return studentTQuantile(0.5 + confidence / 2, Math.min(dof, 1e7));
}

/**
 * Checks {@link FitOptions} before any simulation runs, so that a wrong input fails with what is wrong and where
 * instead of surfacing later as a TypeError, a lookup error naming a valid parameter, a singular normal matrix (a NaN
 * in the data) or a converged fit to data in the wrong order. Returns the start values and log-scale flags.
 */
function checkFitInputs(opts: FitOptions): { start: number[]; logs: boolean[]; typical: number[] } {
  const { params, names } = opts;
  if (!Array.isArray(names) || names.length === 0) throw new Error("fitParameters: give at least one parameter name in names");
  const firstAt = new Map<string, number>();
  names.forEach((n, i) => {
    if (typeof n !== "string") throw new Error(`fitParameters: names[${i}] must be a parameter name (a string), got ${String(n)}`);
    const j = firstAt.get(n);
    if (j !== undefined) throw new Error(`fitParameters: names lists "${n}" twice (names[${j}] and names[${i}]); fit each parameter once`);
    firstAt.set(n, i);
    params.get(n); // an unknown name throws with the nearest valid names
  });
  const p = names.length;
  const m = opts.time.length;
  if (m !== opts.voltage.length) throw new Error(`fitParameters: time has ${m} points but voltage has ${opts.voltage.length}; give one voltage per time`);
  if (m <= p) throw new Error(`fitParameters: need more data points (${m}) than parameters (${p})`);
  for (let i = 0; i < m; i++) {
    const t = opts.time[i];
    const v = opts.voltage[i];
    if (typeof t !== "number") throw new Error(`fitParameters: time[${i}] is a ${typeof t} (${JSON.stringify(t)}), not a number; convert the times to numbers of seconds (e.g. Float64Array.from(column, Number))`);
    if (typeof v !== "number") throw new Error(`fitParameters: voltage[${i}] is a ${typeof v} (${JSON.stringify(v)}), not a number; convert the voltages to numbers`);
    if (!Number.isFinite(t)) throw new Error(`fitParameters: time[${i}] is ${t}; every time must be a finite number of seconds`);
    if (!Number.isFinite(v)) throw new Error(`fitParameters: voltage[${i}] (at t = ${t} s) is ${v}; remove the point from time and voltage, or fill it in`);
    if (i === 0 && t < 0) throw new Error(`fitParameters: time[0] = ${t} s is before the simulation starts (t = 0); shift the data or drop the points at negative time`);
    if (i > 0 && !(t > opts.time[i - 1])) throw new Error(`fitParameters: time must be strictly increasing, but time[${i}] = ${t} s follows time[${i - 1}] = ${opts.time[i - 1]} s (sort the data, or drop repeated times)`);
  }
  if (opts.initial !== undefined && opts.initial.length !== p) {
    throw new Error(`fitParameters: initial has ${opts.initial.length} values but names has ${p}; give one starting value per name, in the same order`);
  }
  const start = names.map((n, i) => {
    if (opts.initial !== undefined) {
      const v = opts.initial[i];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`fitParameters: initial[${i}] ("${n}") must be a finite number, got ${String(v)}`);
      return v;
    }
    const v = params.get(n);
    if (typeof v !== "number") throw new Error(`fitParameters: "${n}" is a function in ${params.setName}; give a starting value in initial[${i}]`);
    return v;
  });
  if (opts.logScale !== undefined && opts.logScale.length !== p) {
    throw new Error(`fitParameters: logScale has ${opts.logScale.length} flags but names has ${p}; give one flag per name, in the same order`);
  }
  const logs = opts.logScale ?? start.map((v) => v > 0);
  logs.forEach((l, i) => {
    if (l && !(start[i] > 0)) throw new Error(`fitParameters: "${names[i]}" starts at ${start[i]}, but a log-scale fit needs a positive start; give a positive initial[${i}] or set logScale[${i}] = false`);
  });
  if (opts.typicalValues !== undefined && opts.typicalValues.length !== p) {
    throw new Error(`fitParameters: typicalValues has ${opts.typicalValues.length} values but names has ${p}; give one typical size per name, in the same order`);
  }
  const typical = names.map((n, i) => {
    const v = opts.typicalValues?.[i];
    if (v === undefined) return start[i] !== 0 ? Math.abs(start[i]) : 1;
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`fitParameters: typicalValues[${i}] ("${n}") must be a finite number > 0, got ${String(v)}`);
    return v;
  });
  const c = opts.confidence;
  if (c !== undefined && !(c > 0 && c < 1)) throw new Error(`fitParameters: confidence must be strictly between 0 and 1 (e.g. 0.95 for 95 % intervals), got ${c}`);
  const it = opts.maxIterations;
  if (it !== undefined && !(Number.isInteger(it) && it >= 1)) throw new Error(`fitParameters: maxIterations must be an integer ≥ 1, got ${it}`);
  if (opts.current !== undefined && !Number.isFinite(opts.current)) throw new Error(`fitParameters: current must be a finite number of amperes, got ${opts.current}`);
  if (opts.current !== undefined && opts.protocol !== undefined) throw new Error("fitParameters: give a protocol or a constant current, not both (the current would be ignored)");
  return { start, logs, typical };
}

/**
 * Fits parameters to a voltage curve by Levenberg–Marquardt.
 *
 * The confidence intervals assume independent, identically distributed errors about a correct model. Fits of a
 * model to a measured curve rarely give that: check `durbinWatson` (near 2 for independent errors, well below 2
 * for a systematic misfit, whose intervals are too narrow) and `residualAutocorrelation` in the result.
 *
 * @throws when the data cannot tell the parameters apart: at any Jacobian (the first one included, so before the
 * fit has run), two parameters whose columns are correlated with |r| > 0.9999 (electrode height and width: only the
 * area counts), or one whose column is a combination of the others' to the same precision. The error names them with
 * the correlation, the combination the data determine and the values reached.
 *
 * @example
 * const fit = fitParameters({
 *   params: parameterValues("Chen2020"), model: (p) => spm(p),
 *   names: ["Negative particle diffusivity [m2.s-1]", "Contact resistance [Ohm]"], initial: [3e-14, 0.01],
 *   time, voltage, current: 5,
 * });
 * fit.values; fit.lower; fit.upper;
 */
export function fitParameters(opts: FitOptions): FitResult {
  const { params, names } = opts;
  const { start, logs, typical } = checkFitInputs(opts);
  const m = opts.time.length;
  const p = names.length;
  const tEnd = opts.time[m - 1];
  const protocol: Protocol = opts.protocol ?? (() => {
    if (opts.current === undefined) throw new Error("fitParameters: give a protocol or a constant current");
    return { current: opts.current, duration: tEnd };
  })();
  const toValue = (th: number[]) => th.map((v, i) => (logs[i] ? Math.exp(v) : v));
  const describe = (vals: number[]): string => names.map((n, i) => `${n} = ${vals[i].toPrecision(6)}`).join(", ");
  // the simulation stores a point at every data time (with the caller's own output times): residuals between stored
  // points interpolated linearly carried up to the solver's interpolation tolerance (0.5 mV), which biased a fit to
  // exact synthetic data (an SPM diffusivity 3.3156e-14 ± 0.001e-14 against the true 3.3e-14)
  const userSimulate = opts.simulate ?? {};
  const outputTimes = Array.from(new Set([...Array.from(opts.time), ...Array.from(userSimulate.solver?.outputTimes ?? [])])).sort((a, b) => a - b);
  // (only the voltage is read: the model's other outputs are not computed at every data point)
  const simulateOptions: SimulateOptions = { ...userSimulate, solver: { ...(userSimulate.solver ?? {}), outputTimes }, saveStates: false, respectCutoffs: false, outputs: "basic" };
  let evaluations = 0;
  const residuals = (th: number[], phase: string): Float64Array => {
    evaluations++;
    const vals = toValue(th);
    const changes: Record<string, number> = {};
    names.forEach((n, i) => (changes[n] = vals[i]));
    let sol: ReturnType<typeof simulate>;
    try {
      sol = simulate(opts.model(params.update(changes)), protocol, simulateOptions);
    } catch (e) {
      // which fit step, which values: "model crashed" alone did not say it came from the fit at all
      throw new Error(`fitParameters: the simulation of ${phase} failed with ${describe(vals)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const t = sol.get("Time [s]");
    const V = sol.get("Voltage [V]");
    // Data after the simulation's end would be compared with its last voltage (the interpolation weight clamps
    // to 1): the fit then "converges" onto a flat line. Such a simulation is an error, not a residual; inside the LM
    // loop it only rejects the trial step (the catch there), so a trial that stops short cannot win.
    const tSim = t[t.length - 1];
    if (tEnd > tSim + 1e-9 * Math.max(1, tSim)) {
      let first = m - 1;
      while (first > 0 && opts.time[first - 1] > tSim + 1e-9 * Math.max(1, tSim)) first--;
      const at = names.map((n, i) => `${n} = ${vals[i].toPrecision(4)}`).join(", ");
      const span = m - first === 1 ? `t = ${tEnd} s` : `t = ${opts.time[first]} … ${tEnd} s`;
      throw new Error(
        `fitParameters: ${m - first} of ${m} data points (${span}) ${m - first === 1 ? "lies" : "lie"} beyond the end of the simulation, ` +
          `which stopped at t = ${tSim.toFixed(1)} s (${sol.termination}) with ${at}. Drop those points (keep t ≤ ${tSim.toFixed(1)} s), ` +
          "or change the protocol or the initial state so that the simulation covers the data",
      );
    }
    const r = new Float64Array(m);
    let k = 1;
    for (let i = 0; i < m; i++) {
      const x = opts.time[i];
      while (k < t.length - 1 && t[k] < x) k++;
      // two points at one time (a first step that ended at once, at t = 0): the later one, the step that runs from
      // there (0/0 gave a NaN residual, reported as parameters that cannot be identified)
      const span = t[k] - t[k - 1];
      const w = span > 0 ? Math.min(1, Math.max(0, (x - t[k - 1]) / span)) : 1;
      r[i] = V[k - 1] + w * (V[k] - V[k - 1]) - opts.voltage[i];
      if (!Number.isFinite(r[i])) throw new Error(`fitParameters: the residual at t = ${x} s (data point ${i + 1}) is ${r[i]}: the simulated voltage there is ${V[k - 1]} … ${V[k]} V at t = ${t[k - 1]} … ${t[k]} s`);
    }
    return r;
  };
  const ssr = (r: Float64Array) => r.reduce((s, v) => s + v * v, 0);
  // the size a step in theta is measured against: 1 in log space (a relative change), the parameter's own size on a
  // linear scale. An absolute floor (the old max(|θ|, 1e-3)) made the difference step of a diffusivity of 1e-14
  // m2.s-1 7 orders of magnitude larger than the value: the fit stayed at its start and called that converged.
  const size = (th: number[], j: number) => (logs[j] ? 1 : Math.max(Math.abs(th[j]), 1e-3 * typical[j]));
  const jacobian = (th: number[], r0: Float64Array): Float64Array[] =>
    th.map((_, j) => {
      let h = logs[j] ? 1e-3 : 1e-4 * size(th, j);
      const tp = th.slice();
      tp[j] += h;
      const phase = `the finite-difference derivative for "${names[j]}"`;
      let r1: Float64Array;
      try {
        r1 = residuals(tp, phase);
      } catch (forward) {
        // a value at the edge of its valid range (a volume fraction of 1, a contact resistance of 0 fitted on a linear
        // scale pushed the other way) is differenced backwards instead
        h = -h;
        tp[j] = th[j] + h;
        try {
          r1 = residuals(tp, phase);
        } catch {
          throw forward;
        }
      }
      return r1.map((v, i) => (v - r0[i]) / h);
    });
  /** RMS change of the voltage [V] for an e-fold change of a log-scale parameter, or a change of its typical size. */
  const effect = (col: Float64Array, j: number): number => Math.sqrt(col.reduce((a, v) => a + v * v, 0) / m) * (logs[j] ? 1 : typical[j]);
  /** Below this effect [V] the solver cannot resolve a parameter: 1 µV RMS. */
  const NEGLIGIBLE = 1e-6;
  /**
   * At the start, a parameter the voltage does not (or hardly) depend on cannot be fitted at all: an error naming it.
   * During the fit, a parameter that goes where the voltage no longer depends on it (a contact resistance towards 0,
   * a conductivity towards ∞: one ran off to 4.85e30 S/m and ended in an unnamed singular matrix) is at a bound the
   * data set: the indices of such parameters, which stop the fit.
   */
  const negligibleAtStart = (J: Float64Array[], th: number[]): void => {
    J.forEach((col, j) => {
      if (col.every((v) => v === 0))
        throw new Error(`fitParameters: the simulated voltage does not change with "${names[j]}" (the model does not use it under these conditions), so it cannot be fitted from voltage data; remove it from names`);
      const e = effect(col, j);
      if (e < NEGLIGIBLE)
        throw new Error(
          `fitParameters: the simulated voltage hardly depends on "${names[j]}" at the start (${(e * 1e6).toPrecision(2)} µV RMS for ${logs[j] ? "an e-fold change" : "a change of its typical size"}, at ${describe(toValue(th))}): ` +
            "the data cannot determine it; fix it at a known value (remove it from names), or start it where it matters",
        );
    });
  };
  const theta0 = start.map((v, i) => (logs[i] ? Math.log(v) : v));
  let theta = theta0.slice();
  let r = residuals(theta, "the start values");
  let cost = ssr(r);
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;
  let message = "";
  let accepted = 0;
  const maxIt = opts.maxIterations ?? 30;
  let failedTrials = 0;
  let lastFailure: string | undefined;
  let failuresThisIteration = 0;
  let J = jacobian(theta, r);
  // a parameter the simulated voltage does not depend on (e.g. a thermal property in an isothermal model) makes JᵀJ
  // singular; name it rather than report a non-positive-definite matrix
  negligibleAtStart(J, theta);
  /** Parameters that went where the voltage no longer depends on them, with the direction they went. */
  const bounded = new Map<number, "down" | "up">();
  // parameters of which only a combination matters (electrode height and width: only the area) give (nearly)
  // dependent columns; found at every Jacobian instead of as a singular JᵀJ after the whole fit
  checkIdentifiable(normalMatrix(J), names, logs, toValue(theta), "at the start");
  while (iterations < maxIt && !converged) {
    iterations++;
    const JtJ = normalMatrix(J);
    const Jtr = J.map((col) => col.reduce((s, v, i) => s + v * r[i], 0));
    let improved = false;
    failuresThisIteration = 0;
    for (let tries = 0; tries < 10; tries++) {
      const A = JtJ.map((row, a) => row.map((v, b) => (a === b ? v * (1 + lambda) + 1e-12 : v)));
      let delta: number[];
      try {
        delta = choleskySolve(A, Jtr.map((v) => -v));
      } catch {
        lambda *= 10;
        continue;
      }
      // at most a factor of 100 per step for a log-scale parameter (the whole step scaled, keeping its direction): a
      // weakly determined one otherwise jumped by 26 orders of magnitude in one step
      const stretch = Math.max(1, ...delta.map((d, i) => (logs[i] ? Math.abs(d) / Math.log(100) : 0)));
      if (stretch > 1) delta = delta.map((d) => d / stretch);
      const trial = theta.map((v, i) => v + delta[i]);
      let rt: Float64Array;
      try {
        rt = residuals(trial, "a trial step");
      } catch (e) {
        // a trial the model cannot run only rejects the step; counted and reported (a fit pushed against a region
        // where the model throws "converged" there, silently)
        failedTrials++;
        failuresThisIteration++;
        lastFailure = e instanceof Error ? e.message : String(e);
        lambda *= 10;
        continue;
      }
      const ct = ssr(rt);
      if (ct < cost) {
        const rel = (cost - ct) / cost;
        theta = trial;
        r = rt;
        cost = ct;
        lambda = Math.max(lambda / 10, 1e-9);
        improved = true;
        accepted++;
        if (rel < 1e-8) {
          converged = true;
          message = `relative cost change ${rel.toExponential(1)} < 1e-8`;
        } else if (delta.every((d, i) => Math.abs(d) < 1e-6 * size(theta, i))) {
          converged = true;
          message = "step below 1e-6 of every parameter's size";
        }
        break;
      }
      lambda *= 10;
    }
    if (!improved) {
      // after an accepted step, no step lowering the cost even with heavy damping means theta is a (local) minimum to
      // working precision. From the start it can also mean that the derivatives are wrong: it is a minimum only if the
      // linearised model predicts no decrease either (the share of the residual in the span of J's columns,
      // rᵀJ(JᵀJ)⁻¹Jᵀr / rᵀr, is the relative decrease an undamped Gauss–Newton step would give).
      if (accepted > 0) {
        converged = true;
        message = `no step lowered the cost further (${accepted} step${accepted === 1 ? "" : "s"} accepted): a minimum to working precision`;
      } else {
        let predicted = Infinity;
        try {
          const d = choleskySolve(JtJ.map((row, a) => row.map((v, b) => (a === b ? v * (1 + 1e-12) : v))), Jtr);
          predicted = cost > 0 ? d.reduce((s, v, i) => s + v * Jtr[i], 0) / cost : 0;
        } catch {
          // a singular JᵀJ: the prediction is unknown, so the start is not shown to be a minimum
        }
        if (cost === 0 || predicted < 1e-8) {
          converged = true;
          message = `the start is a minimum: no step lowers the cost and a Gauss–Newton step predicts a relative decrease of only ${cost === 0 ? 0 : predicted.toExponential(1)}`;
        } else {
          message =
            `no step from the start lowered the cost (RMSE ${(Math.sqrt(cost / m) * 1000).toPrecision(3)} mV), although the linearised model predicts a ` +
            `${Number.isFinite(predicted) ? `${(100 * Math.min(predicted, 1)).toPrecision(3)} %` : "non-zero"} decrease: the finite-difference derivatives disagree with the simulated voltage ` +
            "(a model not smooth in these parameters, solver noise — tighten simulate.solver.rtol —, or a parameter whose size is far from typicalValues); the values returned are the start values";
        }
      }
      break;
    }
    // the covariance below needs the Jacobian at the final theta, so it is refreshed after every accepted step
    J = jacobian(theta, r);
    const after = `after ${iterations} iteration${iterations === 1 ? "" : "s"}`;
    J.forEach((col, j) => {
      if (effect(col, j) < NEGLIGIBLE) bounded.set(j, theta[j] < theta0[j] ? "down" : "up");
    });
    if (bounded.size > 0) {
      // the cost no longer depends on them: the fit is done, and the data set only a bound on each
      converged = true;
      const vals = toValue(theta);
      message = [...bounded].map(([j, dir]) => `"${names[j]}" went ${dir === "down" ? "down" : "up"} to ${vals[j].toPrecision(4)}, where the voltage no longer depends on it (below 1 µV RMS ${logs[j] ? "per e-fold change" : "per typical size"}): the data only say it is ${dir === "down" ? "at most" : "at least"} about that`).join("; ");
      break;
    }
    checkIdentifiable(normalMatrix(J), names, logs, toValue(theta), after);
  }
  if (!message) message = `iteration limit (${maxIt}) reached`;
  if (failuresThisIteration > 0 && converged && bounded.size === 0) {
    // Failed trials shrink the steps (the damping grows), so "converged" may only mean "stuck at the edge of where the
    // model runs". It is a minimum within the noise if the decrease a Gauss–Newton step from here predicts is below
    // 4 residual variances (two standard errors; a contact resistance whose best value is 0, the model refusing
    // negative ones: 7e-5 of the cost); otherwise the data want values the model cannot run (a resistance held at
    // 0.015 Ω where they want 0.02: nearly all of it).
    const JtJ = normalMatrix(J);
    const Jtr = J.map((col) => col.reduce((a, v, i) => a + v * r[i], 0));
    let decrease = Infinity;
    try {
      const d = choleskySolve(JtJ.map((row, a) => row.map((v, b) => (a === b ? v * (1 + 1e-12) : v))), Jtr);
      decrease = d.reduce((a, v, i) => a + v * Jtr[i], 0);
    } catch {
      // singular: not shown to be a minimum
    }
    const predicted = cost > 0 ? decrease / cost : 0;
    if (!(decrease <= (4 * cost) / (m - p))) {
      converged = false;
      message =
        `stopped at the edge of where the model runs, not at a minimum (a Gauss–Newton step would lower the cost by ${Number.isFinite(predicted) ? `${(100 * Math.min(predicted, 1)).toPrecision(2)} %` : "an unknown amount"}): ` +
        `${failuresThisIteration} trial step${failuresThisIteration === 1 ? "" : "s"} of the last iteration could not be simulated (last: ${lastFailure}); ${message}`;
    }
  }
  // asymptotic covariance s²(JᵀJ)⁻¹ in the fitted coordinates, of the parameters the data still determine (one that
  // went to a bound gets the half-line the data allow)
  const active = names.map((_, i) => i).filter((i) => !bounded.has(i));
  const Ja = active.map((i) => J[i]);
  const s2 = cost / (m - p);
  let inv: number[][] = [];
  if (active.length > 0) {
    try {
      inv = inverse(normalMatrix(Ja));
    } catch {
      throw new Error(`fitParameters: the parameters are not determined at the end of the fit (JᵀJ is singular at ${describe(toValue(theta))}): fix some of them at known values and fit the rest`);
    }
  }
  const tq = twoSidedTQuantile(opts.confidence ?? 0.95, m - p);
  const values = toValue(theta);
  const halfWidth = (i: number): number => tq * Math.sqrt(inv[active.indexOf(i)][active.indexOf(i)] * s2);
  const lower = theta.map((v, i) => {
    if (bounded.has(i)) return bounded.get(i) === "down" ? (logs[i] ? 0 : -Infinity) : values[i];
    const lo = v - halfWidth(i);
    return logs[i] ? Math.exp(lo) : lo;
  });
  const upper = theta.map((v, i) => {
    if (bounded.has(i)) return bounded.get(i) === "down" ? values[i] : Infinity;
    const hi = v + halfWidth(i);
    return logs[i] ? Math.exp(hi) : hi;
  });
  const changes: Record<string, number> = {};
  names.forEach((n, i) => (changes[n] = values[i]));
  const mean = r.reduce((s, v) => s + v, 0) / m;
  let lagged = 0, centred = 0, differenced = 0;
  for (let i = 0; i < m; i++) {
    centred += (r[i] - mean) ** 2;
    if (i > 0) {
      lagged += (r[i] - mean) * (r[i - 1] - mean);
      differenced += (r[i] - r[i - 1]) ** 2;
    }
  }
  // a perfect fit (all residuals 0) has no autocorrelation to speak of: 0 and 2, the values of white noise
  const residualAutocorrelation = centred > 0 ? lagged / centred : 0;
  const durbinWatson = cost > 0 ? differenced / cost : 2;
  // intervals so wide the data say little: named, and said in the message
  // (log scale: more than a factor of 10; linear: wider than ±100 % of the value or of its typical size)
  const wide = (i: number): boolean => bounded.has(i) || (logs[i] ? upper[i] / lower[i] > 10 : upper[i] - lower[i] > 2 * Math.max(Math.abs(values[i]), typical[i]));
  const undetermined = names.filter((_, i) => wide(i));
  const why = (i: number): string => (bounded.has(i) ? "a bound only" : logs[i] ? "interval over a factor of 10" : "interval wider than ±100 % of its size");
  if (undetermined.length > 0)
    message += `; the data hardly determine ${names.map((n, i) => (wide(i) ? `"${n}" (${why(i)})` : "")).filter((x) => x !== "").join(", ")}: do not quote ${undetermined.length === 1 ? "its value" : "their values"}`;
  if (failedTrials > 0 && !message.includes("could not be simulated")) message += `; ${failedTrials} trial simulation${failedTrials === 1 ? "" : "s"} failed on the way (last: ${lastFailure})`;
  return {
    values, lower, upper, rmse: Math.sqrt(cost / m), iterations, converged, message, evaluations, params: params.update(changes), residuals: r,
    residualAutocorrelation, durbinWatson, failedTrials, ...(lastFailure !== undefined ? { lastFailure } : {}), undetermined,
  };
}
