/**
 * Runs a cell model through an experiment and collects named outputs (PyBaMM's `pybamm.Simulation`).
 */
import { CellModel, SurfaceStoichiometryRange, initialStoichiometries, profileLayout, cellRequiredParameters, STATE_OF_HEALTH_PARAMETERS, SIMULATE_PARAMETERS } from "./models";
import { thermalRequiredParameters } from "./thermal";
import { Experiment, ExperimentError, ExperimentStep, ExperimentTermination, StepUntil, defaultDuration, describeUntil, parseStep, stepConditions } from "./experiment";
import { Control, ControlProfile, Integrator, SolverOptions, StepEvent, StepResult, checkSolverOptions, controlIntegral } from "./solver";
import { FARADAY, nearestNames, requireParameters } from "./parameters";


/**
 * Every parameter name a simulation reads from its set (units in the names): what a set built from scratch must give.
 * Recorded from the models' own reads, so it stays in step with them.
 *
 * @example
 * requiredParameters().length; // the cell models and simulate
 * requiredParameters({ thermal: true, initialSoc: true }); // also the lumped thermal model and initialSoc
 */
export function requiredParameters(options: { thermal?: boolean; initialSoc?: boolean } = {}): string[] {
  const names = new Set<string>([...cellRequiredParameters(), ...SIMULATE_PARAMETERS]);
  if (options.initialSoc) for (const n of STATE_OF_HEALTH_PARAMETERS) names.add(n);
  if (options.thermal) for (const n of thermalRequiredParameters()) names.add(n);
  return [...names].sort();
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Solver settings (tolerances, step limits). */
  solver?: SolverOptions;
  /**
   * Keep the full state at every point (needed for profiles; default true). `false` keeps only the outputs, taken from
   * each state as soon as the solver is done with it: about 8 kB less per point for the default DFN mesh, which a long
   * drive cycle needs (50 000 rows: 178 MB resident against 526 MB).
   */
  saveStates?: boolean;
  /** Initial state (default: the model's initial state from the parameter set). */
  initialState?: Float64Array;
  /**
   * Initial state of charge in [0, 1], or the open-circuit voltage to start from ("3.9 V", as PyBaMM's
   * `initial_soc`), set through PyBaMM's electrode state-of-health calculation ({@link initialStoichiometries});
   * overrides the set's initial concentrations. A voltage is the open-circuit voltage at the temperature the cell
   * starts at: the first step's ("... at 45oC"), else "Initial temperature [K]" (PyBaMM takes the set's even when
   * the first step has its own).
   */
  initialSoc?: number | string;
  /**
   * Keep the parameter set's "Lower/Upper voltage cut-off [V]" as events of every current, C-rate, power and rest step,
   * stopping the experiment when one is reached (default true); and reject a voltage hold outside them before anything
   * runs (the model is not parameterised there: a 5 V hold on Chen2020, whose upper cut-off is 4.2 V, starts the SPM at
   * −7152 A). A step whose own "until" voltage lies beyond a cut-off ("Discharge at 1C until 2.0 V" on a 2.5 V set)
   * runs to its own limit, as in PyBaMM, which keeps the set's limits only as safeguards 1 V beyond them: the
   * safeguard event stays, and the step log notes the lifted cut-off. `false`: no voltage limits but the steps' own
   * (the particle stoichiometry events still end a run that empties or fills an electrode).
   */
  respectCutoffs?: boolean;
  /**
   * Which variables to store at each point: "all" (default) the model's every scalar output besides the simulation's
   * own columns (time, voltage, current, capacity and energy, cycle and step, total lithium, temperature); "basic"
   * only those own columns, for runs that need no more (a fit reads only the voltage at its data times: with the
   * model's ~50 outputs at each of 3000 data points a simulation took 300 ms, with the basic ones a fraction of it).
   */
  outputs?: "all" | "basic";
}

/** Summary of one cycle. */
export interface CycleSummary {
  /** 1-based cycle number. */
  "Cycle number": number;
  /** Charge delivered while discharging (I > 0) in the cycle [A.h]. */
  "Discharge capacity [A.h]": number;
  /** Charge taken while charging (I < 0) in the cycle [A.h], positive. */
  "Charge capacity [A.h]": number;
  /** Energy delivered while I·V > 0 in the cycle [W.h]. */
  "Discharge energy [W.h]": number;
  /** Energy taken while I·V < 0 in the cycle [W.h], positive. */
  "Charge energy [W.h]": number;
  /** Lowest terminal voltage in the cycle [V]. */
  "Minimum voltage [V]": number;
  /** Highest terminal voltage in the cycle [V]. */
  "Maximum voltage [V]": number;
  /** Time from the cycle's start to its last point [s]. */
  "Duration [s]": number;
  /**
   * Coulombic efficiency: the cycle's discharge capacity over its charge capacity, when both are > 0; `null` when the
   * cycle charged or discharged nothing (a discharge-only or charge-only cycle has no efficiency, and 0 or Infinity
   * would read as a measurement). Counted over the steps that ran, also in a cycle cut short by a cut-off. Above 1 when
   * the cycle ends at a lower state of charge than it started (a first cycle from a part-charged cell, a cut-short
   * cycle): it compares charge moved, not a round trip.
   */
  "Coulombic efficiency": number | null;
}

/** One entry of {@link Solution.stepLog}. */
export interface StepLogEntry {
  /** 1-based cycle number. */
  cycle: number;
  /** 1-based step number within the cycle. */
  step: number;
  /** The step's description ("Discharge at 1C until 2.5 V"). */
  description: string;
  /**
   * What ended the step: the step's own description when its "until" condition was met; "duration" when its own
   * "for" duration ran out; "default duration" when a step without a duration ran out of its default
   * ({@link defaultDuration}) before its condition; "Lower voltage cut-off" / "Upper voltage cut-off" for the
   * parameter set's limits (or "... safeguard" for the limit kept 1 V beyond them, see {@link SimulateOptions.respectCutoffs});
   * a particle surface stoichiometry event; "max steps". "(already reached at the start of the step)" is appended
   * when the condition held before any time passed.
   */
  reason: string;
  /** What the reason alone does not say: the value of the limit that ended the step, a default duration, a lifted cut-off. */
  note?: string;
  /** The step's tags ({@link ExperimentStep.tags}), when it has any. */
  tags?: readonly string[];
}

/** Solver statistics. */
export interface SolveStats {
  /** Wall-clock time of the solve [ms]. */
  solveTimeMs: number;
  /** Evaluations of the model's right-hand side f(y, I) (finite-difference Jacobian columns included). */
  rhsEvaluations: number;
  /** Finite-difference Jacobians ∂f/∂y computed. */
  jacobians: number;
  /** LU factorisations of the iteration matrix. */
  factorizations: number;
  /** Newton iterations (one residual evaluation and one linear solve each). */
  newtonIterations: number;
  /** Accepted integrator steps. */
  steps: number;
  /** Rejected step attempts (error test or Newton failure), retried with a smaller step. */
  rejectedSteps: number;
  /** Of the rejected attempts: those whose Newton iteration failed (also with a fresh Jacobian). */
  newtonFailures: number;
  /** Of the rejected attempts: those that failed the local-error test. */
  errorTestFailures: number;
  /** Accepted points. */
  points: number;
}

/**
 * Result of a simulation: columns keyed by variable names with units, PyBaMM's names and signs (a current or power
 * > 0 discharges): "Time [s]" / "[min]" / "[h]", "Voltage [V]" (also as "Terminal voltage [V]"), "Battery voltage
 * [V]" (× the cells in series), "Current [A]", "C-rate", "Power [W]", "Discharge capacity [A.h]" (net ∫I dt),
 * "Throughput capacity [A.h]" (∫|I| dt), "Discharge energy [W.h]" (net ∫I·V dt), "Throughput energy [W.h]",
 * "Cycle number", "Step number", "Total lithium [mol]", "Cell temperature [K]" and "Ambient temperature [K]", and the
 * model's scalars ({@link CellModel.scalars}); profiles through {@link Solution.profilesAt}.
 */
export class Solution {
  /** The model that produced it. */
  readonly model: CellModel;
  /**
   * Why the simulation ended: "completed" when every step ran to its end; otherwise what stopped it, where and when —
   * a voltage cut-off with its value, a stoichiometry event, or the default duration of a step that ran out before its
   * "until" condition was reached.
   */
  readonly termination: string;
  /** Per-cycle summary. */
  readonly cycles: CycleSummary[];
  /** Solver statistics. */
  readonly stats: SolveStats;
  /** Per-step end reasons, in order (see {@link StepLogEntry}). */
  readonly stepLog: StepLogEntry[];
  private readonly columns: Record<string, Float64Array>;
  private readonly states: Float64Array[] | null;

  constructor(
    model: CellModel,
    columns: Record<string, Float64Array>,
    states: Float64Array[] | null,
    termination: string,
    cycles: CycleSummary[],
    stats: SolveStats,
    stepLog: Solution["stepLog"],
  ) {
    this.model = model;
    this.columns = columns;
    this.states = states;
    this.termination = termination;
    this.cycles = cycles;
    this.stats = stats;
    this.stepLog = stepLog;
  }

  /** Names of the available variables. */
  variableNames(): string[] {
    return Object.keys(this.columns);
  }

  /**
   * A variable over time, e.g. `sol.get("Voltage [V]")`. A profile of the model (a value per position, such as
   * "Electrolyte concentration [mol.m-3]") throws, pointing to {@link Solution.profilesAt} and `plotProfiles`; an
   * unknown name throws with the nearest names.
   */
  get(name: string): Float64Array {
    // PyBaMM's former name of "Voltage [V]", which it still answers to
    const c = this.columns[name === "Terminal voltage [V]" ? "Voltage [V]" : name];
    if (!c) throw new Error(this.notAVariable(name));
    return c;
  }

  /** Why `name` is not a variable over time: a profile (where to find it instead) or an unknown name (the nearest ones). */
  private notAVariable(name: string): string {
    const model = this.model.name;
    let profiles: Record<string, Float64Array> = {};
    try {
      // the names are the model's: any state will do (the initial one when none is stored)
      profiles = this.model.profiles(this.states?.[0] ?? this.model.initialState(), this.states ? this.columns["Current [A]"][0] : 0);
    } catch {
      // a model that cannot give its profiles here: the message just names the variables
    }
    const layout = profileLayout(profiles);
    const needStates = this.states ? "" : " (run the simulation with saveStates: true, the default, to keep the states profiles need)";
    if (name in profiles) {
      const axis = layout.coordinate[name];
      const at = (a: string): string => (a === "x [m]" ? `through-cell, on "x [m]"` : `radial, on "${a}"`);
      if (axis) {
        return (
          `"${name}" is a profile of the ${model} (a value per position, ${at(axis)}), not a variable over time: ` +
          `take it at a time t [s] with sol.profilesAt(t)["${name}"], or plot it with plotProfiles(sol, "${name}", times)${needStates}`
        );
      }
      return `"${name}" is ${name.endsWith("[m]") ? "a coordinate of the profiles" : "a profile"} of the ${model} (a value per position), not a variable over time: take it at a time t [s] with sol.profilesAt(t)["${name}"]${needStates}`;
    }
    const names = Object.keys(this.columns);
    const listed = [...layout.throughCell, ...layout.radial];
    // the SPM has no electrolyte and an isothermal model no heat: say so rather than offer look-alike names; a model
    // output that is not a column was left out by outputs: "basic"
    let modelNames: string[] = [];
    try {
      modelNames = Object.keys(this.model.scalars(this.states?.[0] ?? this.model.initialState(), 0));
    } catch {
      // no hint then
    }
    const hint =
      modelNames.includes(name) ? ` (the ${model} computes it, but this simulation stored only the basic columns: run it with outputs: "all", the default)`
        : model === "SPM" && /electrolyte/i.test(name) ? ` (the SPM has no electrolyte: its concentration and potential are in the SPMe and DFN)`
        : this.model.thermal === undefined && /heating|cooling/i.test(name) ? ` (an isothermal model computes no heat: build the model with { thermal: "lumped" })`
          : "";
    return (
      `Unknown variable "${name}"${hint}. Did you mean: ${nearestNames(name, names).map((s) => `"${s}"`).join(", ")}? All variables: ${names.join(", ")}` +
      (listed.length > 0 ? `. Profiles of the ${model} (a value per position, sol.profilesAt(t)[name]): ${listed.join(", ")}` : "")
    );
  }

  /** Number of points. */
  get length(): number {
    return this.columns["Time [s]"].length;
  }

  /** All columns (plain typed arrays), for export. */
  toColumns(): Record<string, Float64Array> {
    return { ...this.columns };
  }

  /**
   * Profiles (through-cell and radial) at time `t` [s], from the stored states linearly interpolated between the two
   * points around `t` (the state and the current; at a stored time, that point's state — at a step boundary, where
   * two points share a time, the end of the earlier step). Needs `saveStates` (the default). The returned
   * "Time [s]" is `t`.
   *
   * @example
   * sol.profilesAt(1800)["Electrolyte concentration [mol.m-3]"];
   * @throws Error for a time that is not a number or lies outside the solution (the message gives its range)
   */
  profilesAt(t: number): Record<string, Float64Array> & { "Time [s]": Float64Array } {
    if (!this.states) throw new Error("profilesAt: the simulation was run with saveStates: false; run it again with saveStates: true");
    const time = this.columns["Time [s]"];
    const current = this.columns["Current [A]"];
    const n = time.length;
    const t0 = time[0];
    const t1 = time[n - 1];
    if (typeof t !== "number" || Number.isNaN(t)) throw new Error(`profilesAt: t must be a time in seconds within the solution, ${t0} to ${t1} s; got ${String(t)}`);
    // a hair of round-off at either end is the end itself (a time computed as a sum of step durations)
    const tol = 1e-9 * Math.max(1, Math.abs(t1));
    if (t < t0 - tol || t > t1 + tol) throw new Error(`profilesAt: t = ${t} s is outside the solution, which runs from ${t0} s to ${t1} s`);
    // first point at or after t (binary search; times are non-decreasing)
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (time[mid] < t - tol) lo = mid + 1;
      else hi = mid;
    }
    let y: Float64Array;
    let I: number;
    // a step run at its own temperature ("... at 0oC") is profiled at it (the isothermal model's cell temperature is
    // the set's ambient again after simulate): at the ambient the SPMe's electrolyte potential came out 53 mV off
    const Tcol = this.model.thermal === undefined ? this.columns["Cell temperature [K]"] : undefined;
    let Tpoint = Tcol ? Tcol[lo] : undefined;
    if (lo === 0 || Math.abs(time[lo] - t) <= tol) {
      y = this.states[lo];
      I = current[lo];
    } else {
      const a = lo - 1;
      const w = (t - time[a]) / (time[lo] - time[a]);
      const ya = this.states[a];
      const yb = this.states[lo];
      y = new Float64Array(ya.length);
      for (let k = 0; k < y.length; k++) y[k] = ya[k] + w * (yb[k] - ya[k]);
      I = current[a] + w * (current[lo] - current[a]);
      if (Tcol) Tpoint = Tcol[a];
    }
    let p: Record<string, Float64Array>;
    if (Tpoint === undefined) p = this.model.profiles(y, I);
    else {
      const cell = this.model.cell;
      const Tkept = cell.T;
      try {
        cell.T = Tpoint;
        p = this.model.profiles(y, I);
      } finally {
        cell.T = Tkept;
      }
    }
    return { ...p, "Time [s]": Float64Array.of(Math.min(t1, Math.max(t0, t))) };
  }

  /** The stored state at point index `i` (needs `saveStates`). */
  state(i: number): Float64Array {
    if (!this.states) throw new Error("state: the simulation was run with saveStates: false");
    if (!(Number.isInteger(i) && i >= 0 && i < this.states.length)) throw new Error(`state: the index must be a whole number in 0..${this.states.length - 1}, got ${String(i)}`);
    return this.states[i];
  }

  /** A danfojs DataFrame of the scalar columns (loads danfojs-node on first use). */
  toDataFrame(): unknown {
    const data: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(this.columns)) data[k] = Array.from(v);
    return dataFrame(data);
  }

  /**
   * A danfojs DataFrame of the per-cycle summary ({@link Solution.cycles}), one row per cycle and one column per
   * {@link CycleSummary} field (PyBaMM's `solution.summary_variables`). A coulombic efficiency that is `null` (nothing
   * charged or discharged in that cycle) stays null: danfojs shows it as missing.
   *
   * @example
   * const summary = sol.cyclesToDataFrame() as DataFrame;
   * summary["Discharge capacity [A.h]"].values; // capacity fade over the cycles
   */
  cyclesToDataFrame(): unknown {
    const names = Object.keys(emptySummary(1)) as (keyof CycleSummary)[];
    const data: Record<string, (number | null)[]> = {};
    for (const k of names) data[k] = this.cycles.map((c) => c[k]);
    return dataFrame(data);
  }
}

/** A danfojs DataFrame from columns (danfojs-node is loaded on first use: it pulls in tfjs). */
function dataFrame(data: Record<string, (number | null)[]>): unknown {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dfd = require("danfojs-node") as { DataFrame: new (data: Record<string, (number | null)[]> | never[], opts?: { columns: string[] }) => unknown };
  // no rows (no cycle ran): an empty frame with the columns (danfojs refuses a dictionary of empty columns)
  const columns = Object.keys(data);
  if (columns.length > 0 && data[columns[0]].length === 0) return new dfd.DataFrame([], { columns });
  return new dfd.DataFrame(data);
}

/** A cycle summary before any point is counted. */
function emptySummary(cycle: number): CycleSummary {
  return {
    "Cycle number": cycle,
    "Discharge capacity [A.h]": 0,
    "Charge capacity [A.h]": 0,
    "Discharge energy [W.h]": 0,
    "Charge energy [W.h]": 0,
    "Minimum voltage [V]": Infinity,
    "Maximum voltage [V]": -Infinity,
    "Duration [s]": 0,
    "Coulombic efficiency": null,
  };
}

/** Coulombic efficiency of a cycle (see {@link CycleSummary}). */
function coulombicEfficiency(sum: CycleSummary): number | null {
  const d = sum["Discharge capacity [A.h]"];
  const c = sum["Charge capacity [A.h]"];
  return d > 0 && c > 0 ? d / c : null;
}

/**
 * What {@link simulate} accepts as a protocol. A list of steps is one cycle and a list of lists one cycle per inner
 * list, as in {@link Experiment} (PyBaMM makes each element of a flat list a cycle of its own).
 */
export type Protocol = Experiment | string | ExperimentStep | (string | ExperimentStep)[] | (string | ExperimentStep)[][] | { current: number; duration: number };

function toExperiment(p: Protocol): Experiment {
  if (p instanceof Experiment) return p;
  if (typeof p === "string") return new Experiment([p]);
  if (Array.isArray(p)) return new Experiment(p);
  if (typeof p === "object" && p !== null && "kind" in p) return new Experiment([p]);
  if (typeof p === "object" && p !== null && Number.isFinite(p.current) && Number.isFinite(p.duration) && p.duration > 0) {
    const step: ExperimentStep =
      p.current === 0
        ? { description: `Rest for ${p.duration} s`, kind: "rest", value: 0, duration: p.duration }
        : { description: `Constant current ${p.current} A for ${p.duration} s`, kind: "current", value: p.current, duration: p.duration };
    return new Experiment([step]);
  }
  throw new Error(`simulate: protocol must be an Experiment, a step string such as "Discharge at 1C until 2.5 V", a step object (step.cRate(1, { until: "2.5 V" })), a list of steps, or { current: A, duration: s }`);
}

/** How far beyond the set's cut-offs the safeguard of a step with its own limit beyond them sits (PyBaMM's 1 V). */
const CUTOFF_SAFEGUARD = 1;
/** Most output-period points in one step (the solver holds them all at once). */
const MAX_PERIOD_POINTS = 2e6;

/** A duration [s] for messages: "100 h", "40 min", "90 s". */
function formatSeconds(s: number): string {
  if (s >= 3600) return `${+(s / 3600).toPrecision(4)} h`;
  if (s >= 60) return `${+(s / 60).toPrecision(4)} min`;
  return `${+s.toPrecision(4)} s`;
}

/** How {@link defaultDuration} chose a step's default duration, for messages. */
function defaultRule(step: ExperimentStep): string {
  if (step.kind === "c-rate") return "2 h / |C-rate|, PyBaMM's rule";
  if (step.kind === "current") return "2 h × nominal capacity / |current|";
  if (step.kind === "power") return "2 h × nominal capacity × upper cut-off / |power|";
  if (step.kind === "resistance") return "2 h × nominal capacity × resistance / lower cut-off";
  if (step.valueFunction) return "one day for a function of time";
  return "one day, PyBaMM's default";
}

/**
 * Runs `model` through `protocol`. Each step runs until its "until" condition, its duration (given, or a default:
 * {@link defaultDuration}), or the parameter set's voltage cut-offs ({@link SimulateOptions.respectCutoffs});
 * {@link Solution.stepLog} says which, and {@link Solution.termination} says why the run ended. Steps "at 25oC" (or an
 * Experiment `temperature`) run an isothermal model at that temperature and add "Cell temperature [K]" and "Ambient
 * temperature [K]" columns; with the lumped thermal model they set the ambient temperature, and the cell's temperature
 * follows through the cooling, starting from the first step's temperature when it has one (PyBaMM sets "Initial
 * temperature [K]" to it: a cell soaked there), else from "Initial temperature [K]". Either way the model is left at
 * the set's ambient afterwards.
 *
 * @example
 * const sol = simulate(spm(parameterValues("Chen2020")), "Discharge at 1C until 2.5 V");
 * sol.get("Discharge capacity [A.h]").at(-1); // ≈ 5 A.h
 * simulate(spm(parameterValues("Chen2020")), step.cRate(1, { until: "2.5 V", period: "1 minute" }));
 * @throws ExperimentError for a voltage hold outside the set's cut-offs (with `respectCutoffs`); SolverError when the
 *   solver fails (naming the step, the time and the state)
 */
export function simulate(model: CellModel, protocol: Protocol, opts: SimulateOptions = {}): Solution {
  const exp = toExperiment(protocol);
  const params = model.cell.params;
  requireParameters(params, [...SIMULATE_PARAMETERS, ...(opts.initialSoc !== undefined ? STATE_OF_HEALTH_PARAMETERS : [])], opts.initialSoc !== undefined ? "simulate with initialSoc" : "simulate");
  const capacity = params.number("Nominal cell capacity [A.h]");
  const vMin = params.number("Lower voltage cut-off [V]");
  const vMax = params.number("Upper voltage cut-off [V]");
  const respect = opts.respectCutoffs ?? true;
  const save = opts.saveStates ?? true;
  if (respect) {
    // a hold outside the window the set is parameterised for: refuse before anything runs (PyBaMM runs it)
    exp.cycles.forEach((cycle, c) =>
      cycle.forEach((step, s) => {
        if (step.kind !== "voltage" || (step.value >= vMin - 1e-9 && step.value <= vMax + 1e-9)) return;
        const side = step.value > vMax ? `above the ${params.setName} set's "Upper voltage cut-off [V]" of ${vMax} V` : `below the ${params.setName} set's "Lower voltage cut-off [V]" of ${vMin} V`;
        throw new ExperimentError(
          `simulate: cycle ${c + 1}, step ${s + 1} ("${step.description}") holds at ${step.value} V, ${side}: the model is not parameterised beyond its cut-offs. ` +
            `Hold within ${vMin}–${vMax} V, or pass respectCutoffs: false to run it anyway.`,
        );
      }),
    );
  }
  // per-step temperatures (PyBaMM's "... at 25oC" and Experiment(temperature=...)): an isothermal model's cell
  // temperature is set for each step, a lumped thermal model's ambient temperature (its cell temperature is a state
  // and follows through the cooling); both are restored when the simulation ends, however it ends
  const ambient = model.cell.T;
  const thermalAmbient = model.ambientTemperature?.();
  const stepTemperatures = exp.cycles.some((cy) => cy.some((st) => st.temperature !== undefined)) || exp.temperature !== undefined;
  if (stepTemperatures && model.thermal !== undefined && (model.setAmbientTemperature === undefined || thermalAmbient === undefined))
    throw new ExperimentError(`simulate: the experiment sets temperatures, and this thermal ${model.name} model cannot change its ambient temperature`);
  try {
    return runExperiment();
  } finally {
    model.cell.T = ambient;
    if (thermalAmbient !== undefined) model.setAmbientTemperature?.(thermalAmbient);
  }
  function runExperiment(): Solution {
  const integ = new Integrator(model.system);
  // without saved states, each point's outputs are taken as soon as the solver is done with its state, which is then
  // let go: a step's points no longer hold their states until the step ends (about 8 kB a point for the DFN)
  const basic = opts.outputs === "basic";
  if (opts.outputs !== undefined && opts.outputs !== "all" && !basic) throw new Error(`simulate: outputs must be "all" or "basic", got ${JSON.stringify(opts.outputs)}`);
  if (!(opts.saveStates ?? true)) integ.summarizePoint = (yy, cur) => packOutputs(model, yy, cur, basic);
  const started = performance.now();
  if (opts.initialState && opts.initialSoc !== undefined) throw new Error("simulate: give initialState or initialSoc, not both");
  // the first step's temperature is the cell's as it starts (see below): an initial SOC given as an open-circuit
  // voltage is that voltage at this temperature ("Rest for 10 minutes at 45oC" from "3.3 V" started at 3.2876 V)
  const firstTemperature = exp.cycles[0][0].temperature ?? exp.temperature;
  const sohParams = typeof opts.initialSoc === "string" && firstTemperature !== undefined ? params.update({ "Initial temperature [K]": firstTemperature }) : params;
  let y = opts.initialState
    ? Float64Array.from(opts.initialState)
    : opts.initialSoc !== undefined
      ? (() => {
          const soh = initialStoichiometries(sohParams, opts.initialSoc);
          return model.initialState({ x: soh.x, y: soh.y });
        })()
      : model.initialState();
  if (y.length !== model.system.n) throw new Error(`simulate: initialState has ${y.length} entries, the ${model.name} needs ${model.system.n}`);
  // a lumped thermal cell starts at the first step's temperature when it has one, as PyBaMM sets "Initial temperature
  // [K]" to it: "Rest for 1 hour at 45oC" started at the set's 25 °C and warmed towards 45 °C
  if (!opts.initialState && model.thermal !== undefined && firstTemperature !== undefined) y[model.thermal.index] = firstTemperature - model.thermal.ambientTemperature;
  if (opts.initialState) {
    // a concentration above its maximum or below 0 was accepted and the run "completed" (eleventh audit)
    const sys = model.system;
    for (let i = 0; i < y.length; i++) {
      // (entries with a maximum are particle concentrations, in [0, c_max]; a thermal state may be negative)
      const cap = sys.upper ? sys.upper[i] : Infinity;
      const bad = !Number.isFinite(y[i]) ? "is not finite" : cap < Infinity && y[i] < 0 ? "is negative (a concentration)" : y[i] > cap ? `is above its maximum ${cap}` : undefined;
      if (bad) throw new Error(`simulate: initialState[${i}] (${sys.variableName ? sys.variableName(i) : `entry ${i}`}) = ${y[i]} ${bad}`);
    }
  }
  checkConditionVariables(model, exp, y, 0);
  let t = 0;
  let I = 0;
  const cols: Record<string, number[]> = {};
  const push = (k: string, v: number): void => {
    (cols[k] ??= []).push(v);
  };
  let scalarNames: string[] | undefined;
  let firstRowSkipped = false;
  let cycleRan = true;
  let scalarColumns: number[][] = [];
  const states: Float64Array[] = [];
  let q = 0;
  // PyBaMM's throughput capacity ∫|I| dt, discharge energy ∫I·V dt (net) and throughput energy ∫|I·V| dt
  let qThroughput = 0;
  let eNet = 0;
  let eThroughput = 0;
  const seriesCells = params.has("Number of cells connected in series to make a battery") ? params.number("Number of cells connected in series to make a battery") : 1;
  let lastT = 0;
  let lastI = 0;
  let lastNegLi = 0;
  let first = true;
  const cycles: CycleSummary[] = [];
  const stepLog: StepLogEntry[] = [];
  let termination = "completed";
  let points = 0;
  // checked here, before the per-step filtering below could drop a NaN output time unseen
  if (opts.solver !== undefined) checkSolverOptions(opts.solver);
  const userTimes = opts.solver?.outputTimes ? Array.from(opts.solver.outputTimes) : [];
  // several time terminations: the earliest
  const timeStop = exp.termination.filter((x) => x.kind === "time").sort((a, b) => a.value - b.value)[0];
  let firstCapacity = NaN;
  let firstCycle = 0;
  // the time termination met at a step boundary (within rounding): the experiment stops there, before the next step
  const timeIsUp = (): boolean => timeStop !== undefined && t >= timeStop.value - 1e-9 * Math.max(1, timeStop.value);
  const timeUpMessage = (): string => `Time termination "${timeStop!.text}" reached at t = ${t.toFixed(1)} s, at the end of ${stepLog.length > 0 ? `cycle ${stepLog[stepLog.length - 1].cycle}, step ${stepLog[stepLog.length - 1].step}` : "the start"} (PyBaMM's Experiment termination)`;
  outer: for (let c = 0; c < exp.cycles.length; c++) {
    if (timeIsUp()) {
      termination = timeUpMessage();
      break;
    }
    const sum = emptySummary(c + 1);
    const cycleStart = t;
    cycles.push(sum);
    // whether any step of the cycle ran (rather than ending at its start)
    cycleRan = false;
    for (let s = 0; s < exp.cycles[c].length; s++) {
      const step = exp.cycles[c][s];
      const where = `cycle ${c + 1}, step ${s + 1} ("${step.description}")`;
      if (timeIsUp()) {
        termination = timeUpMessage();
        break outer;
      }
      if (stepTemperatures) {
        if (thermalAmbient !== undefined) model.setAmbientTemperature!(step.temperature ?? exp.temperature ?? thermalAmbient);
        else model.cell.T = step.temperature ?? exp.temperature ?? ambient;
      }
      let control: Control;
      // a drive cycle: its rows on the experiment's clock, C-rates as currents
      const dc = step.driveCycle;
      const profile = dc ? { t: dc.time.map((x) => x + t), value: step.kind === "c-rate" ? dc.value.map((x) => x * capacity) : Float64Array.from(dc.value) } : undefined;
      // a function of the time from the step's start, on the experiment's clock, C-rates as currents; a value that is
      // not a finite number stops the simulation naming the step and the time (the solver would only see a failure)
      const vf = step.valueFunction;
      const stepStart = t;
      const scale = step.kind === "c-rate" ? capacity : 1;
      const fn = vf
        ? (tt: number): number => {
            const v = vf(tt - stepStart);
            if (typeof v !== "number" || !Number.isFinite(v))
              throw new ExperimentError(`simulate: ${where}: the function of time returned ${String(v)} at ${+(tt - stepStart).toPrecision(6)} s from the step's start; it must return a finite number`);
            return v * scale;
          }
        : undefined;
      // A function's jumps (a square wave) become rows of a profile around it, so that, as for a drive cycle, no solver
      // step spans one and the solver starts afresh across it; the function itself still gives the values. Without
      // them a 5 A / 0 A square wave of 20 s left the particles' lithium 0.72 % off the charge at the default tolerance.
      const fnDuration = vf ? (step.duration ?? defaultDuration(step, { capacity, upperVoltage: vMax, lowerVoltage: vMin })) : 0;
      // (the rows of its jumps are added once the step's end is known, below)
      const varying = profile ? { profile } : fn ? { fn } : {};
      if (step.kind === "current") control = { kind: "current", value: step.value, ...varying };
      else if (step.kind === "c-rate") control = { kind: "current", value: step.value * capacity, ...varying };
      else if (step.kind === "power") control = { kind: "power", value: step.value, ...varying };
      else if (step.kind === "resistance") control = { kind: "resistance", value: step.value };
      else if (step.kind === "voltage") control = { kind: "voltage", value: step.value };
      else control = { kind: "current", value: 0 };
      const events: StepEvent[] = [];
      const notes: string[] = [];
      // Which way the control drives the voltage: a discharge (I > 0 or P > 0) down, a charge up, a rest or a hold
      // nowhere. An event on the driven side that already holds at the start ends the step at once (a discharge
      // that starts below its cut-off); the others count only when crossed (see StepEvent.direction).
      // (a drive cycle drives one way only when all its values have that sign)
      // (a drive cycle drives one way when none of its values go the other, rests allowed)
      // (a function of time: judged on 1001 samples over its duration, or one day)
      const samples = profile ? profile.value : fn ? Float64Array.from({ length: 1001 }, (_, i) => fn(stepStart + (i / 1000) * fnDuration)) : undefined;
      const drive =
        control.kind === "voltage" ? 0
          : samples ? (samples.every((v) => v >= 0) && samples.some((v) => v > 0) ? 1 : samples.every((v) => v <= 0) && samples.some((v) => v < 0) ? -1 : 0)
            : control.value === 0 ? 0 : Math.sign(control.value);
      // A drive cycle may go either way, so its cut-offs face outwards: the lower one ends it on falling below, the
      // upper one on rising above (also at its start). Its own "until" voltage faces the way its net charge drives
      // the cell (the sign of its time average), as a constant step's does: without a direction, a pulse cycle that
      // started below its "until 3.5 V" ended each cycle when the voltage recovered up through 3.5 V after a pulse.
      const falling = drive > 0 || samples ? "falling" : undefined;
      const rising = drive < 0 || samples ? "rising" : undefined;
      // (an average within rounding of 0 is 0: −4e-16 from a cycle of equal charge and discharge is no direction)
      // (a function's mean over its samples: the step's value is its mean over the duration given, or its value at 0)
      const mean = fn && samples ? samples.reduce((a, v, i) => a + (i === 0 || i === samples.length - 1 ? 0.5 : 1) * v, 0) / (samples.length - 1) / scale : step.value;
      const net = samples ? (Math.abs(mean) <= 1e-9 * Math.max(...Array.from(samples, Math.abs)) / (step.kind === "c-rate" ? capacity : 1) ? 0 : Math.sign(mean)) : drive;
      const conditions = stepConditions(step);
      // A step with several voltage conditions that goes both ways (a drive cycle, a function) keeps the voltage in a
      // window: its lowest limit ends it falling, its highest rising (with one direction for both, the net charge's,
      // "until 3.5 V or 4.15 V" on a discharging pulse cycle at 3.93 V ended at once on 4.15 V).
      const volts = conditions.filter((u) => u.quantity === "voltage").map((u) => u.value);
      const windowed = samples !== undefined && drive === 0 && volts.length >= 2;
      const voltageDirection = (v: number): "falling" | "rising" | undefined =>
        windowed && v === Math.min(...volts) ? "falling" : windowed && v === Math.max(...volts) ? "rising" : samples ? (net > 0 ? "falling" : net < 0 ? "rising" : undefined) : falling ?? rising;
      // each condition's event carries its index when there are several, so the log can say which one ended the step
      const conditionName = (k: number): string => (conditions.length > 1 ? `${step.description}${CONDITION_MARK}${k}` : step.description);
      conditions.forEach((u, k) => {
        const name = conditionName(k);
        // a comparison ("< 2.5 V", PyBaMM's operator) faces its own way whatever the step drives, also in a rest
        if (u.quantity === "voltage") events.push({ quantity: "voltage", value: u.value, name, direction: u.direction ?? voltageDirection(u.value) });
        else if (u.quantity === "current" && u.direction !== undefined) {
          // "> -0.5 A": the signed current (> 0 discharges), PyBaMM's CurrentTermination with an operator
          events.push({ quantity: "state", value: u.value, fn: (_yy, cur) => cur, tolerance: 1e-9 * Math.max(1, Math.abs(u.value)), name, direction: u.direction, consistent: true });
        }
        else if (u.quantity === "variable") {
          const variable = u.name;
          // located on consistent states: the variable may depend on the algebraic unknowns and the current
          events.push({ quantity: "state", value: u.value, fn: (yy, cur) => model.scalars(yy, cur)[variable], tolerance: 1e-6 * Math.max(1, Math.abs(u.value)), name, direction: u.direction, consistent: true });
        } else events.push({ quantity: "abs current", value: u.quantity === "current" ? u.value : u.value * capacity, name, direction: "falling" });
      });
      // the step's own voltage limits: the lowest against the lower cut-off, the highest against the upper
      const ownVolts = conditions.filter((u) => u.quantity === "voltage").map((u) => u.value);
      const ownLow = ownVolts.length > 0 ? Math.min(...ownVolts) : NaN;
      const ownHigh = ownVolts.length > 0 ? Math.max(...ownVolts) : NaN;
      if (respect && control.kind !== "voltage") {
        // the set's cut-off, unless the step's own limit lies at or beyond it: then that limit is the step's end, and
        // beyond the window only PyBaMM's safeguard 1 V further out remains (and the log says the cut-off was lifted)
        // (a step that does not drive the voltage down meets the lower cut-off only falling through it, never at its
        // start: a charge or rest that starts below it, after a step whose own limit lifted it, rises back through it;
        // it was reported as "Lower voltage cut-off reached" 1.4 s into the charge, and the upper cut-off likewise)
        if (!(ownLow <= vMin + 1e-9)) events.push({ quantity: "voltage", value: vMin, name: "Lower voltage cut-off", direction: "falling", ...(falling ? {} : { heldAtStart: false }) });
        else if (ownLow < vMin - 1e-9) {
          events.push({ quantity: "voltage", value: vMin - CUTOFF_SAFEGUARD, name: "Lower voltage cut-off safeguard", direction: falling });
          notes.push(`"until ${fmtV(ownLow)} V" lies below the set's "Lower voltage cut-off [V]" of ${vMin} V: that cut-off is lifted for this step (PyBaMM's safeguard at ${vMin - CUTOFF_SAFEGUARD} V stays); the model is not parameterised below it`);
        }
        if (!(ownHigh >= vMax - 1e-9)) events.push({ quantity: "voltage", value: vMax, name: "Upper voltage cut-off", direction: "rising", ...(rising ? {} : { heldAtStart: false }) });
        else if (ownHigh > vMax + 1e-9) {
          events.push({ quantity: "voltage", value: vMax + CUTOFF_SAFEGUARD, name: "Upper voltage cut-off safeguard", direction: rising });
          notes.push(`"until ${fmtV(ownHigh)} V" lies above the set's "Upper voltage cut-off [V]" of ${vMax} V: that cut-off is lifted for this step (PyBaMM's safeguard at ${vMax + CUTOFF_SAFEGUARD} V stays); the model is not parameterised above it`);
        }
      }
      // The solver ends a step on the first event in this list whose sign changed over a solver step, so when one
      // solver step crosses two voltage limits (the 1.5 V safeguard and an own "until 1.0 V" in a steep knee) the one
      // met first must come first: a discharge meets the higher limit first, a charge the lower.
      if (drive !== 0) {
        const isV = (e: StepEvent): boolean => e.quantity === "voltage";
        const volts = events.filter(isV).sort((a, b) => (drive > 0 ? b.value - a.value : a.value - b.value));
        const others = events.filter((e) => !isV(e));
        events.splice(0, events.length, ...volts, ...others);
      }
      // PyBaMM's stoichiometry events, always on: beyond [0, 1] the OCPs and j0 have no meaning (without them a
      // discharge with the cut-offs off ran to x_surf = −0.83 and −1.9e6 V and reported "completed"). They fire a
      // hair inside, at STOICHIOMETRY_MARGIN, where j0 ∝ √c_s and the OCP's barrier term are still finite: at 0
      // exactly the DFN's Newton iteration fails first.
      for (const [name, pick, direction] of STOICHIOMETRY_EVENTS) {
        const threshold = direction === "falling" ? STOICHIOMETRY_MARGIN : 1 - STOICHIOMETRY_MARGIN;
        events.push({ quantity: "state", value: threshold, fn: (yy) => model.surfaceStoichiometryRange(yy)[pick], tolerance: 0.1 * STOICHIOMETRY_MARGIN, name, direction });
      }
      // The SPMe's electrolyte event (CellModel.minElectrolyteConcentration): without it the SPMe ran on to
      // −149 mol/m³ (Chen2020, 3C) and reported the capacity of a state with negative salt as a result.
      const minCe = model.minElectrolyteConcentration;
      if (minCe !== undefined) {
        events.push({ quantity: "state", value: ZERO_ELECTROLYTE_THRESHOLD, fn: (yy) => minCe.call(model, yy), tolerance: 0.1 * ZERO_ELECTROLYTE_THRESHOLD, name: ZERO_ELECTROLYTE_EVENT, direction: "falling" });
      }
      // a drive cycle's own length is not a default: running to its end completes it
      const usesDefault = step.duration === undefined && !dc;
      const duration = step.duration ?? defaultDuration(step, { capacity, upperVoltage: vMax, lowerVoltage: vMin });
      // the experiment's time termination cuts the step running when it comes
      const cutByTime = timeStop !== undefined && t + duration > timeStop.value;
      const tEnd = cutByTime ? timeStop!.value : t + duration;
      // output times: the step's period grid from its start (PyBaMM's period), and the caller's own times in the step
      let outputTimes: number[] | undefined;
      if (step.period !== undefined || userTimes.length > 0 || profile) {
        outputTimes = userTimes.filter((x) => x > t && x < tEnd);
        // a drive cycle stores a point at each of its rows (PyBaMM solves at the drive cycle's times)
        const eps = 1e-9 * Math.max(1, Math.abs(tEnd));
        if (profile) {
          for (const x of profile.t) if (x > t + eps && x < tEnd - eps) outputTimes.push(x);
          outputTimes.sort((a, b) => a - b);
          outputTimes = outputTimes.filter((x, i) => i === 0 || x - outputTimes![i - 1] > eps);
        }
        if (step.period !== undefined) {
          const count = Math.ceil(duration / step.period);
          if (count > MAX_PERIOD_POINTS)
            throw new ExperimentError(
              `simulate: ${where} asks for a point every ${formatSeconds(step.period)} over ${usesDefault ? "its default duration of " : ""}${formatSeconds(duration)}: ` +
                `${count} points, more than the ${MAX_PERIOD_POINTS} allowed; choose a longer period${usesDefault ? " or give the step a duration" : ""}`,
            );
          for (let k = 1; t + k * step.period < tEnd - eps; k++) outputTimes.push(t + k * step.period);
          // a caller's time on the period grid would otherwise be stored twice
          outputTimes.sort((a, b) => a - b);
          outputTimes = outputTimes.filter((x, i) => i === 0 || x - outputTimes![i - 1] > eps);
        }
      }
      const solverOpts: SolverOptions = outputTimes ? { ...(opts.solver ?? {}), outputTimes } : (opts.solver ?? {});
      const stepCtx = { description: `cycle ${c + 1}, step ${s + 1}: ${step.description}`, describeState: (yy: Float64Array, ii: number) => model.describe(yy, ii) };
      // a function's jumps inside the step become rows; one at the step's very end (a whole number of periods) or its
      // start is no jump of this step: the function is held at its value on the step's side of it (the solver's last
      // step evaluated the value past it at tEnd, and a DFN took 200 000 failing steps on it)
      let jumpProfile: ControlProfile | undefined;
      if (fn && control.kind !== "voltage") {
        const found = functionJumps(fn, t, tEnd);
        const inner: number[] = [];
        let lo = t;
        let hi = tEnd;
        for (let k = 0; k < found.length; k += 2) {
          if (found[k] <= t + 2e-6) lo = Math.max(lo, found[k + 1]);
          else if (found[k + 1] >= tEnd - 2e-6) hi = Math.min(hi, found[k]);
          else inner.push(found[k], found[k + 1]);
        }
        if (lo > t || hi < tEnd) control.fn = (tt: number): number => fn(Math.min(hi, Math.max(lo, tt)));
        if (inner.length > 0) {
          const held = control.fn!;
          jumpProfile = { t: Float64Array.from(inner), value: Float64Array.from(inner, (x) => held(x)) };
          control.profile = jumpProfile;
        }
      }
      const rows = profile ?? jumpProfile;
      const res = rows ? integrateDriveCycle(integ, t, y, I, control, rows, tEnd, events, solverOpts, stepCtx) : integ.integrateStep(t, y, I, control, tEnd, events, solverOpts, stepCtx);
      // which of several conditions ended the step: its event's index, and the step's own description as the reason
      let met: StepUntil | undefined;
      if (res.reason.startsWith(`${step.description}${CONDITION_MARK}`)) {
        met = conditions[Number(res.reason.slice(step.description.length + CONDITION_MARK.length))];
        res.reason = step.description;
      }
      const endedAtStart = res.points.length === 1 && res.reason !== "duration";
      for (let k = 0; k < res.points.length; k++) {
        const p = res.points[k];
        // a step that ended at its start stores no row (PyBaMM drops its solution): its one point is the state under
        // the step's control at no time passed, which the cell never held (a rest at 3.2352 V, then a 2C row at the
        // same time and 3.0667 V, then the rest again: a 170 mV spike in every plot); its log entry says what happened.
        // The experiment's very first point is kept for now (without it the solution could be empty) and dropped at
        // the end if other rows follow it.
        if (endedAtStart && points === 0) firstRowSkipped = true;
        if (endedAtStart && points > 0) continue;
        const packed = (p.summary as PackedOutputs | undefined) ?? packOutputs(model, p.y, p.current, basic);
        const negLi = packed.values[0];
        if (!first) {
          const dt = p.t - lastT;
          // the charge the solver passed, from the lithium that left the negative particles (exact to the
          // solver's tolerance, where a trapezoid of the stored currents was 0.02 % off in CV holds); under a
          // current drive cycle, the exact ∫I dt of its rows instead, as a cycler counts it: the particles' lithium
          // carries the solver's error on the whole inventory (rtol 1e-4 of ~10⁴ A·s), which made the charge of
          // 20 pulses 0.12 % off (Chen2020 DFN) and did not shrink with rtol
          // A constant current (a rest: 0) passes exactly I·Δt: the particles' lithium also moved by rounding while the
          // cell rested (1e-14 A.h), and a formation cycle "charge, rest" counted as one that discharged something (a
          // "4 Ah capacity" termination fired on it, an "80% capacity" took it as its reference and never fired, and its
          // coulombic efficiency came out as 8e13)
          const dq = control.kind === "current" ? controlIntegral(control, lastT, p.t) / 3600 : ((lastNegLi - negLi) * FARADAY) / 3600;
          q += dq;
          const vPrev = cols["Voltage [V]"][cols["Voltage [V]"].length - 1];
          // energy: P·Δt is exact under power control, V̄·Δq under voltage control (V constant) and current
          // control (Δq = I·Δt); rests pass no charge
          const de = control.kind === "power" ? (0.5 * (p.current * p.voltage + lastI * vPrev) * dt) / 3600 : 0.5 * (p.voltage + vPrev) * dq;
          if (dq > 0) sum["Discharge capacity [A.h]"] += dq;
          else sum["Charge capacity [A.h]"] -= dq;
          if (de > 0) sum["Discharge energy [W.h]"] += de;
          else sum["Charge energy [W.h]"] -= de;
          qThroughput += Math.abs(dq);
          eNet += de;
          eThroughput += Math.abs(de);
        }
        first = false;
        lastT = p.t;
        lastI = p.current;
        lastNegLi = negLi;
        push("Time [s]", p.t);
        push("Time [min]", p.t / 60);
        push("Time [h]", p.t / 3600);
        push("Voltage [V]", p.voltage);
        // PyBaMM's battery voltage: the cell's times the cells in series (the sets have 1)
        push("Battery voltage [V]", p.voltage * seriesCells);
        push("Current [A]", p.current);
        push("C-rate", p.current / capacity);
        push("Power [W]", p.current * p.voltage);
        push("Discharge capacity [A.h]", q);
        push("Throughput capacity [A.h]", qThroughput);
        push("Discharge energy [W.h]", eNet);
        push("Throughput energy [W.h]", eThroughput);
        push("Cycle number", c + 1);
        push("Step number", s + 1);
        push("Total lithium [mol]", packed.values[1]);
        // an isothermal cell's temperature, which is the ambient (the set's, or a step's), as PyBaMM reports it; the
        // thermal model reports both its own
        if (model.thermal === undefined) {
          push("Cell temperature [K]", model.cell.T);
          push("Ambient temperature [K]", model.cell.T);
        }
        // the model's columns, looked up once per names list rather than by name at every point
        if (packed.names !== scalarNames) {
          scalarNames = packed.names;
          scalarColumns = scalarNames.map((n) => (cols[n] ??= []));
        }
        for (let k = 0; k < scalarColumns.length; k++) scalarColumns[k].push(packed.values[k + 2]);
        if (save) states.push(p.y);
        // a step that ended at its start stores the state under its control at no time passed: the cell never held
        // that voltage ("Discharge at 2C until 3.4 V" skipped at 3.3 V put 3.2507 V into the cycle's minimum, and a
        // "3.26 V" termination fired); PyBaMM drops such a step's solution
        if (!endedAtStart) {
          sum["Minimum voltage [V]"] = Math.min(sum["Minimum voltage [V]"], p.voltage);
          sum["Maximum voltage [V]"] = Math.max(sum["Maximum voltage [V]"], p.voltage);
          cycleRan = true;
        }
        points++;
      }
      const end = res.points[res.points.length - 1];
      y = Float64Array.from(end.y);
      t = end.t;
      I = end.current;
      sum["Duration [s]"] = t - cycleStart;
      // an event that held at the start ended the step without time passing: say so, the step did nothing
      const atOnce = endedAtStart;
      // A state already beyond one of the set's cut-offs on the side the step drives towards stops the experiment,
      // whichever event the solver found first, as PyBaMM calls such an experiment infeasible: "Discharge at 1C until
      // 2.6 V" (or "until 2.5 V") from 2.35 V ended on its own limit, reported "completed", and the next cycles did
      // nothing.
      if (atOnce && respect && res.reason === step.description) {
        const v = end.voltage;
        // (unless the step's own limit lies beyond the cut-off, which it then lifts)
        if (drive > 0 && !(ownLow < vMin - 1e-9) && v < vMin) res.reason = "Lower voltage cut-off";
        else if (drive < 0 && !(ownHigh > vMax + 1e-9) && v > vMax) res.reason = "Upper voltage cut-off";
      }
      const cutoff = res.reason === "Lower voltage cut-off" ? `the ${params.setName} set's "Lower voltage cut-off [V]" is ${vMin} V`
        : res.reason === "Upper voltage cut-off" ? `the ${params.setName} set's "Upper voltage cut-off [V]" is ${vMax} V`
          : res.reason === "Lower voltage cut-off safeguard" ? `${vMin - CUTOFF_SAFEGUARD} V, ${CUTOFF_SAFEGUARD} V below the set's "Lower voltage cut-off [V]" of ${vMin} V`
            : res.reason === "Upper voltage cut-off safeguard" ? `${vMax + CUTOFF_SAFEGUARD} V, ${CUTOFF_SAFEGUARD} V above the set's "Upper voltage cut-off [V]" of ${vMax} V`
              : undefined;
      if (cutoff) notes.unshift(cutoff);
      const timedOut = res.reason === "duration" && usesDefault && !cutByTime;
      if (res.reason === "duration" && cutByTime) {
        notes.unshift(`the experiment's termination "${timeStop!.text}" cut the step at t = ${end.t.toFixed(1)} s`);
        stepLog.push({ cycle: c + 1, step: s + 1, description: step.description, reason: "time termination", note: notes.join("; "), ...(step.tags ? { tags: step.tags } : {}) });
        termination = `Time termination "${timeStop!.text}" reached in ${where} at t = ${end.t.toFixed(1)} s (PyBaMM's Experiment termination)`;
        break outer;
      }
      if (timedOut) {
        notes.unshift(
          `the step gives no duration and its default of ${formatSeconds(duration)} (${defaultRule(step)}) ran out at ${end.voltage.toFixed(4)} V, ${end.current.toPrecision(4)} A` +
            (conditions.length > 0 ? ` before "until ${conditions.map(describeUntil).join(" or ")}" was reached` : ""),
        );
      }
      // several conditions: say which one ended the step
      if (met && res.reason === step.description) notes.unshift(`ended on the condition: until ${describeUntil(met)}`);
      const reason = timedOut ? "default duration" : atOnce ? `${res.reason} (already reached at the start of the step)` : res.reason;
      stepLog.push({ cycle: c + 1, step: s + 1, description: step.description, reason, ...(notes.length > 0 ? { note: notes.join("; ") } : {}), ...(step.tags ? { tags: step.tags } : {}) });
      if (timedOut) {
        // PyBaMM treats this as an infeasible experiment and stops: the next steps would start from a state the
        // experiment did not intend (a discharge "until 2.5 V" that is not at 2.5 V)
        termination =
          `Default duration (${formatSeconds(duration)}, ${defaultRule(step)}) ran out in ${where} at t = ${t.toFixed(1)} s` +
          (conditions.length > 0 ? ` before "until ${conditions.map(describeUntil).join(" or ")}" was reached (voltage ${end.voltage.toFixed(4)} V, current ${end.current.toPrecision(4)} A)` : "") +
          `; the experiment stops there. Give the step a duration of its own ("for <duration> or until ...") to run it longer`;
        break outer;
      }
      if (cutoff || res.reason === "max steps" || STOICHIOMETRY_EVENTS.some(([name]) => name === res.reason) || res.reason === ZERO_ELECTROLYTE_EVENT) {
        termination =
          `${res.reason} reached ${atOnce ? "at the start of" : "in"} cycle ${c + 1}, step ${s + 1} ("${step.description}") at t = ${t.toFixed(1)} s` +
          (atOnce ? ` (voltage ${end.voltage.toFixed(4)} V under this step's control)` : "") +
          (cutoff ? `; ${cutoff}` : "") +
          (res.reason === "max steps" ? `; the solver's limit of step attempts per experiment step ran out: raise solver.maxSteps (now ${opts.solver?.maxSteps ?? "the default"})` : "");
        break outer;
      }
    }
    // a cycle none of whose steps ran: PyBaMM raises "All steps in the cycle ... are infeasible"; here the experiment
    // stops with that message ("Discharge at 1 A until 2 A" alone reported "completed" with one point)
    if (!cycleRan) {
      // (the cycle gets no summary, below: it held none of the voltages its skipped steps would have started at)
      const n = exp.cycles[c].length;
      termination = `${n === 1 ? "The only step" : `All ${n} steps`} of cycle ${c + 1} ended at ${n === 1 ? "its" : "their"} start (${stepLog.slice(-n).map((e) => (e.reason.startsWith(e.description) ? `"${e.description}"` : `"${e.description}": ${e.reason}`)).join("; ")}): the cycle is infeasible from this state, and the experiment stops (PyBaMM raises an error)`;
      break;
    }
    // the experiment's capacity and voltage terminations, checked at the end of each cycle (as PyBaMM does)
    // the reference of a "% capacity" termination: the first cycle that discharged anything (a formation charge or a
    // rest as cycle 1 made it 0, and the termination never fired)
    if (!(firstCapacity > 0) && sum["Discharge capacity [A.h]"] > 0) {
      firstCapacity = sum["Discharge capacity [A.h]"];
      firstCycle = c + 1;
    }
    const stop = cycleTermination(exp.termination, sum, firstCapacity, firstCycle);
    if (stop) {
      termination = stop;
      break;
    }
  }
  // A cycle in which no step ran has no summary: its minimum and maximum voltage were ±Infinity when a cut-off ended
  // its first step at once (an infeasible cycle stops the experiment, so it can only be the last one)
  if (cycles.length > 0 && !cycleRan) cycles.pop();
  // a first step that ended at its start left the experiment's first row, the state under its control that the cell
  // never held; other rows follow, so it goes (as every other skipped step's: fuzzing found a 92 mV median jump there)
  if (firstRowSkipped && points > 1) {
    for (const col of Object.values(cols)) col.shift();
    if (save) states.shift();
    points--;
  }
  // every cycle that ran, also one cut short by a cut-off, gets its efficiency from the steps that ran
  for (const sum of cycles) sum["Coulombic efficiency"] = coulombicEfficiency(sum);
  const columns: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(cols)) columns[k] = Float64Array.from(v);
  for (const [k, v] of Object.entries(columns)) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new Error(`simulate: variable "${k}" is not finite at t = ${columns["Time [s]"][i]} s (value ${v[i]}); state: ${save ? model.describe(states[i], columns["Current [A]"][i]) : "not saved"}; a parameter function (OCP, diffusivity, conductivity, exchange current) that returns NaN or ±Infinity at this state is the usual cause`);
  }
  const stats: SolveStats = { solveTimeMs: performance.now() - started, rhsEvaluations: integ.rhsEvaluations, jacobians: integ.jacobians, factorizations: integ.factorizations, newtonIterations: integ.newtonIterations, steps: integ.steps, rejectedSteps: integ.rejectedSteps, newtonFailures: integ.newtonFailures, errorTestFailures: integ.errorTestFailures, points };
  return new Solution(model, columns, save ? states : null, termination, cycles, stats, stepLog);
  }
}

/**
 * The first of an experiment's capacity and voltage terminations that a finished cycle meets, as a termination
 * message, or undefined. A percentage capacity is of the discharge capacity of the first cycle that discharged.
 */
function cycleTermination(terms: readonly ExperimentTermination[], sum: CycleSummary, firstCapacity: number, firstCycle: number): string | undefined {
  const n = sum["Cycle number"];
  for (const x of terms) {
    if (x.kind === "capacity") {
      const q = sum["Discharge capacity [A.h]"];
      const limit = x.unit === "%" ? (x.value / 100) * firstCapacity : x.value;
      // a cycle that discharged nothing has no capacity to compare (a charge-only or rest-only cycle)
      if (q > 0 && limit > 0 && q <= limit)
        return `Capacity termination "${x.text}" reached at the end of cycle ${n}: it discharged ${q.toFixed(4)} A.h, ${x.unit === "%" ? `${((100 * q) / firstCapacity).toFixed(2)} % of cycle ${firstCycle}'s ${firstCapacity.toFixed(4)} A.h` : `at most ${x.value} A.h`} (PyBaMM's Experiment termination)`;
    } else if (x.kind === "voltage" && sum["Minimum voltage [V]"] <= x.value) {
      return `Voltage termination "${x.text}" reached at the end of cycle ${n}: its lowest voltage was ${sum["Minimum voltage [V]"].toFixed(4)} V (PyBaMM's Experiment termination)`;
    }
  }
  return undefined;
}

/** Sample spacing [s] and most samples of {@link functionJumps}. */
const JUMP_SPACING = 0.05;
const JUMP_SAMPLES = 200000;

/** Joins a step's description and a condition's index in the names of its events (see conditionName in simulate). */
const CONDITION_MARK = "\u0000until#";

/**
 * The jumps of a function of time over [t0, t1]: pairs of times (a, b), b − a ≤ 1 µs, between which it changes by more
 * than its trend allows. The function is sampled every JUMP_SPACING (0.05 s), or at JUMP_SAMPLES (200 000) points
 * over spans longer than 10 000 s. A step between neighbouring samples more than 10 times the smaller of the steps on
 * either side, and over 1e-9 of the largest value, is a candidate (so a pulse one sample wide is found), and bisection
 * narrows it to 1 µs, keeping the half that carries the change (the state crosses those 1 µs at once, as at a drive
 * cycle's jump: 5 A lose 2.5 µA.s of the state's charge). A kink or a smooth rise is not a jump: halving it halves its
 * change, so it fails the ratio on the way down. A pulse between two samples is not seen (a signal that fast belongs
 * in a drive cycle).
 */
function functionJumps(f: (t: number) => number, t0: number, t1: number): number[] {
  const span = t1 - t0;
  if (!(span > 0)) return [];
  const n = Math.min(JUMP_SAMPLES, Math.max(1000, Math.ceil(span / JUMP_SPACING)));
  const dt = span / n;
  const v = new Float64Array(n + 1);
  let top = 0;
  for (let i = 0; i <= n; i++) {
    v[i] = f(t0 + i * dt);
    top = Math.max(top, Math.abs(v[i]));
  }
  const out: number[] = [];
  const floor = 1e-9 * top;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(v[i + 1] - v[i]);
    if (!(d > floor)) continue;
    const before = i > 0 ? Math.abs(v[i] - v[i - 1]) : 0;
    const after = i + 1 < n ? Math.abs(v[i + 2] - v[i + 1]) : 0;
    // against the smaller neighbour: a pulse one sample wide (0, 20, 0) makes both its steps candidates, where the
    // larger neighbour hid them (40 ms pulses of 20 A at 0.05 s sampling were stepped over, and their charge with them)
    if (!(d > 10 * Math.min(before, after))) continue;
    // narrow [a, b] to 1 µs, keeping the half with the larger change; a smooth change loses the ratio on the way
    let a = t0 + i * dt;
    let b = a + dt;
    let fa = v[i];
    let fb = v[i + 1];
    let isJump = true;
    while (b - a > 1e-6) {
      const m = 0.5 * (a + b);
      const fm = f(m);
      const left = Math.abs(fm - fa);
      const right = Math.abs(fb - fm);
      if (Math.max(left, right) < 0.75 * Math.abs(fb - fa)) {
        isJump = false;
        break;
      }
      if (left >= right) {
        b = m;
        fb = fm;
      } else {
        a = m;
        fa = fm;
      }
    }
    // the 1 µs must carry most of the sampled change: near a smooth extremum the halves' changes shrink to rounding
    // noise, which passes the ratio but is no jump
    if (isJump && !(Math.abs(fb - fa) >= 0.5 * d)) isJump = false;
    // (also at the span's ends: the caller holds the function on its side of those)
    if (isJump) out.push(a, b);
  }
  return out;
}

/** A voltage for a message: at most 6 significant digits. */
function fmtV(v: number): string {
  return String(+v.toPrecision(6));
}

/**
 * Checks that `model` computes every variable a step's condition names, before anything runs (a misspelt name in the
 * last cycle would otherwise fail after hours of results): the names of `model.scalars` at the state `y`, current `I`.
 * Fails naming the step, why the name is not one (a quantity with its own condition, a column the simulation counts
 * rather than a function of the state, a profile, an isothermal model's fixed temperature) and the nearest names.
 */
function checkConditionVariables(model: CellModel, exp: Experiment, y: Float64Array, I: number): void {
  let names: string[] | undefined;
  exp.cycles.forEach((cycle, c) =>
    cycle.forEach((step, s) => {
      for (const u of stepConditions(step)) {
        if (u.quantity !== "variable") continue;
        names ??= Object.keys(model.scalars(y, I));
        if (names.includes(u.name)) continue;
        const where = `cycle ${c + 1}, step ${s + 1} ("${step.description}")`;
        const own: Record<string, string> = {
          "Voltage [V]": `write "until 2.5 V"`,
          "Current [A]": `write "until 50 mA" (on |I|)`,
          "C-rate": `write "until C/50" (on |C-rate|)`,
          "Time [s]": `give the step a duration ("for 10 minutes")`,
          "Time [h]": `give the step a duration ("for 10 minutes")`,
        };
        const counted = ["Power [W]", "Discharge capacity [A.h]", "Throughput capacity [A.h]", "Discharge energy [W.h]", "Throughput energy [W.h]", "Battery voltage [V]", "Time [min]", "Cycle number", "Step number", "Total lithium [mol]"];
        let profiles: string[] = [];
        try {
          profiles = Object.keys(model.profiles(y, I));
        } catch {
          // a model that cannot give its profiles here: the message just lacks that hint
        }
        const hint =
          u.name in own ? ` ("${u.name}" has its own condition: ${own[u.name]})`
            : counted.includes(u.name) ? ` ("${u.name}" is a column the simulation keeps, not an output of the model's state, so a step cannot end on it)`
              : profiles.includes(u.name) ? ` ("${u.name}" is a profile, a value per position: a condition needs one number per state, such as a surface or x-averaged variable)`
                : /temperature|heating|cooling/i.test(u.name) && model.thermal === undefined
                  ? ` (an isothermal model's temperature is fixed: build the model with { thermal: "lumped" } for a temperature that changes)`
                  : "";
        throw new ExperimentError(`simulate: ${where} ends on the variable "${u.name}", which the ${model.name} does not compute${hint}. Did you mean: ${nearestNames(u.name, names).map((n) => `"${n}"`).join(", ")}?`);
      }
    }),
  );
}

/** An event's function at a stored point (its sign change is the event). */
function eventValue(ev: StepEvent, p: StepResult["points"][number]): number {
  if (ev.quantity === "voltage") return p.voltage - ev.value;
  if (ev.quantity === "abs current") return Math.abs(p.current) - ev.value;
  return ev.fn!(p.y, p.current) - ev.value;
}

/**
 * The outputs of a point that depend on its state, as numbers: the negative particles' lithium, the total lithium,
 * then the model's scalars in the order of `names` (taken early when states are not kept, see Integrator.summarizePoint).
 */
interface PackedOutputs {
  values: Float64Array;
  names: string[];
}

function packOutputs(model: CellModel, y: Float64Array, current: number, basic = false): PackedOutputs {
  if (basic) {
    // the simulation's own columns; a lumped thermal model's temperatures are among them
    const th = model.thermal;
    const values = new Float64Array(th ? 4 : 2);
    values[0] = model.negativeLithium(y);
    values[1] = model.lithium(y);
    if (th) {
      values[2] = th.ambientTemperature + y[th.index];
      values[3] = model.ambientTemperature?.() ?? th.ambientTemperature;
    }
    return { values, names: th ? THERMAL_BASIC_NAMES : NO_NAMES };
  }
  const scalars = model.scalars(y, current);
  // a model's scalars have the same names at every state (an object literal): listed once per model, not per point
  let names = SCALAR_NAMES.get(model);
  if (names === undefined) {
    names = Object.keys(scalars);
    SCALAR_NAMES.set(model, names);
  }
  const values = new Float64Array(names.length + 2);
  values[0] = model.negativeLithium(y);
  values[1] = model.lithium(y);
  // in key order (the order of names), without a hash lookup per name
  values.set(Object.values(scalars), 2);
  return { values, names };
}

/** The (empty) scalar names of {@link SimulateOptions.outputs} "basic". */
const NO_NAMES: string[] = [];
/** The scalar names of {@link SimulateOptions.outputs} "basic" for a lumped thermal model. */
const THERMAL_BASIC_NAMES: string[] = ["Cell temperature [K]", "Ambient temperature [K]"];

/** The names of each model's scalars, in the order {@link packOutputs} packs them. */
const SCALAR_NAMES = new WeakMap<CellModel, string[]>();

/** Rows closer than this to the row before [s] are a jump of a drive cycle (see {@link integrateDriveCycle})… */
const JUMP_GAP = 1e-3;
/** …when that gap is also under this fraction of the gaps on either side. */
const JUMP_RATIO = 0.01;

/**
 * A drive-cycle step, split at its jumps: rows closer than {@link JUMP_GAP} to the row before (a cycler log's step
 * change, or a pulse written as [t, 0], [t + 1e-6, 10]). Each piece starts afresh, as an experiment step does, with
 * the algebraic variables and the current solved at the jump's far side (full Newton, with continuation for a large
 * current), and the jump itself takes no time for the state (at most 1 ms of the drive cycle's current, which the
 * reported charge, ∫I dt of the rows, still counts). Integrated through, a 10 A jump in 1e-6 s defeated Newton at
 * every step size (Chen2020 DFN: "step size fell below 1e-9 s").
 */
function integrateDriveCycle(
  integ: Integrator,
  t0: number,
  y0: Float64Array,
  I0: number,
  control: Control,
  profile: ControlProfile,
  tEnd: number,
  events: StepEvent[],
  opts: SolverOptions,
  ctx: { description: string; describeState: (y: Float64Array, I: number) => string },
): StepResult {
  const cuts: number[] = []; // rows that start a jump
  const tt = profile.t;
  for (let k = 1; k < tt.length; k++) {
    const gap = tt[k] - tt[k - 1];
    // a jump is a gap under JUMP_GAP and under JUMP_RATIO of its neighbours: rows 0.5 ms apart throughout are a
    // finely sampled cycle, not a run of jumps (split there, nothing was integrated and the state froze)
    const before = k >= 2 ? tt[k - 1] - tt[k - 2] : Infinity;
    const after = k + 1 < tt.length ? tt[k + 1] - tt[k] : Infinity;
    if (gap <= JUMP_GAP && gap < JUMP_RATIO * Math.min(before, after) && tt[k - 1] > t0 && tt[k] < tEnd) cuts.push(k - 1);
  }
  if (cuts.length === 0) return integ.integrateStep(t0, y0, I0, control, tEnd, events, opts, ctx);
  const points: StepResult["points"] = [];
  let rhs = 0;
  let jacobians = 0;
  let t = t0;
  let y = y0;
  let I = I0;
  for (let j = 0; j <= cuts.length; j++) {
    const end = j < cuts.length ? tt[cuts[j]] : tEnd;
    const res = integ.integrateStep(t, y, I, control, end, events, opts, ctx);
    rhs += res.rhsEvaluations;
    jacobians += res.jacobians;
    // an event crossed at the jump itself (its sign changed between the two sides) ends the step on the far side:
    // each piece looks only for crossings inside itself (an "until 3.75 V" jumped over at a 20 A swing was missed)
    if (points.length > 0) {
      const a = points[points.length - 1];
      const b = res.points[0];
      const crossed = events.find((ev) => Math.sign(eventValue(ev, a)) !== Math.sign(eventValue(ev, b)));
      if (crossed) {
        points.push(b);
        return { points, reason: crossed.name, rhsEvaluations: rhs, jacobians };
      }
    }
    // the piece's first point repeats the last one's state (same time, or across a jump)
    points.push(...(points.length > 0 && res.points[0].t === points[points.length - 1].t ? res.points.slice(1) : res.points));
    if (res.reason !== "duration" || j === cuts.length) return { points, reason: res.reason, rhsEvaluations: rhs, jacobians };
    const last = res.points[res.points.length - 1];
    // across the jump: the differential state carries over, the time moves to the jump's far side
    t = tt[cuts[j] + 1];
    y = last.y;
    I = last.current;
  }
  return { points, reason: "duration", rhsEvaluations: rhs, jacobians };
}

/** Name and threshold [mol.m-3] of the electrolyte running out (PyBaMM's event until v22.8: min c_e − 0.002). */
const ZERO_ELECTROLYTE_EVENT = "Zero electrolyte concentration cut-off";
const ZERO_ELECTROLYTE_THRESHOLD = 0.002;
/** Distance from 0 and 1 at which the stoichiometry events fire. */
const STOICHIOMETRY_MARGIN = 1e-6;
/** The particle surface stoichiometry limits that end a simulation (PyBaMM's event names). */
const STOICHIOMETRY_EVENTS: readonly [string, keyof SurfaceStoichiometryRange, "falling" | "rising"][] = [
  ["Minimum negative particle surface stoichiometry", "negativeMin", "falling"],
  ["Maximum negative particle surface stoichiometry", "negativeMax", "rising"],
  ["Minimum positive particle surface stoichiometry", "positiveMin", "falling"],
  ["Maximum positive particle surface stoichiometry", "positiveMax", "rising"],
];

export { parseStep };
