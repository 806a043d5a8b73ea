/**
 * Runs a cell model through an experiment and collects named outputs (PyBaMM's `pybamm.Simulation`).
 */
import { CellModel, SurfaceStoichiometryRange, initialStoichiometries } from "./models";
import { Experiment, ExperimentStep, parseStep } from "./experiment";
import { Control, Integrator, SolverOptions, StepEvent } from "./solver";
import { nearestNames } from "./parameters";

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Solver settings (tolerances, step limits). */
  solver?: SolverOptions;
  /** Keep the full state at every point (needed for profiles; default true). */
  saveStates?: boolean;
  /** Initial state (default: the model's initial state from the parameter set). */
  initialState?: Float64Array;
  /**
   * Initial state of charge in [0, 1], set through PyBaMM's electrode state-of-health calculation
   * ({@link initialStoichiometries}); overrides the set's initial concentrations.
   */
  initialSoc?: number;
  /** Stop the experiment at the parameter set's voltage cut-offs (default true). */
  respectCutoffs?: boolean;
}

/** Summary of one cycle. */
export interface CycleSummary {
  /** 1-based cycle number. */
  "Cycle number": number;
  "Discharge capacity [A.h]": number;
  "Charge capacity [A.h]": number;
  "Discharge energy [W.h]": number;
  "Charge energy [W.h]": number;
  "Minimum voltage [V]": number;
  "Maximum voltage [V]": number;
  "Duration [s]": number;
  /** Coulombic efficiency (discharge/charge capacity; NaN-free: 0 when nothing was charged). */
  "Coulombic efficiency": number;
}

/** Solver statistics. */
export interface SolveStats {
  /** Wall-clock time of the solve [ms]. */
  solveTimeMs: number;
  rhsEvaluations: number;
  jacobians: number;
  /** LU factorisations of the iteration matrix. */
  factorizations: number;
  /** Newton iterations (one residual evaluation and one linear solve each). */
  newtonIterations: number;
  /** Accepted and rejected integrator steps. */
  steps: number;
  rejectedSteps: number;
  /** Of the rejected attempts: those whose Newton iteration failed, and those that failed the local-error test. */
  newtonFailures: number;
  errorTestFailures: number;
  /** Accepted points. */
  points: number;
}

/** Result of a simulation: columns keyed by variable names with units. */
export class Solution {
  /** The model that produced it. */
  readonly model: CellModel;
  /** Why the simulation ended ("completed", or the cut-off that stopped it). */
  readonly termination: string;
  /** Per-cycle summary. */
  readonly cycles: CycleSummary[];
  /** Solver statistics. */
  readonly stats: SolveStats;
  /** Per-step end reasons, in order: { cycle, step, description, reason }. */
  readonly stepLog: { cycle: number; step: number; description: string; reason: string }[];
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
   * A variable over time, e.g. `sol.get("Voltage [V]")`. An unknown name throws with the nearest names.
   */
  get(name: string): Float64Array {
    const c = this.columns[name];
    if (!c) throw new Error(`Unknown variable "${name}". Did you mean: ${nearestNames(name, Object.keys(this.columns)).map((s) => `"${s}"`).join(", ")}? All variables: ${Object.keys(this.columns).join(", ")}`);
    return c;
  }

  /** Number of points. */
  get length(): number {
    return this.columns["Time [s]"].length;
  }

  /** All columns (plain typed arrays), for export. */
  toColumns(): Record<string, Float64Array> {
    return { ...this.columns };
  }

  /** Profiles (through-cell / radial) at the stored point nearest to time `t` [s]. Needs `saveStates`. */
  profilesAt(t: number): Record<string, Float64Array> & { "Time [s]": Float64Array } {
    if (!this.states) throw new Error("profilesAt: the simulation was run with saveStates: false; run it again with saveStates: true");
    const time = this.columns["Time [s]"];
    let best = 0;
    for (let i = 1; i < time.length; i++) if (Math.abs(time[i] - t) < Math.abs(time[best] - t)) best = i;
    const p = this.model.profiles(this.states[best], this.columns["Current [A]"][best]);
    return { ...p, "Time [s]": Float64Array.of(time[best]) };
  }

  /** The stored state at point index `i` (needs `saveStates`). */
  state(i: number): Float64Array {
    if (!this.states) throw new Error("state: the simulation was run with saveStates: false");
    if (!(i >= 0 && i < this.states.length)) throw new Error(`state: index ${i} outside 0..${this.states.length - 1}`);
    return this.states[i];
  }

  /** A danfojs DataFrame of the scalar columns (loads danfojs-node on first use). */
  toDataFrame(): unknown {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const dfd = require("danfojs-node") as { DataFrame: new (data: Record<string, number[]>) => unknown };
    const data: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(this.columns)) data[k] = Array.from(v);
    return new dfd.DataFrame(data);
  }
}

/** What {@link simulate} accepts as a protocol. */
export type Protocol = Experiment | string | string[] | { current: number; duration: number };

function toExperiment(p: Protocol): Experiment {
  if (p instanceof Experiment) return p;
  if (typeof p === "string") return new Experiment([p]);
  if (Array.isArray(p)) return new Experiment(p);
  if (typeof p === "object" && p !== null && Number.isFinite(p.current) && p.duration > 0) {
    const step: ExperimentStep = { description: `Constant current ${p.current} A for ${p.duration} s`, kind: "current", value: p.current, duration: p.duration };
    return new Experiment([step]);
  }
  throw new Error(`simulate: protocol must be an Experiment, a step string such as "Discharge at 1C until 2.5 V", a list of steps, or { current: A, duration: s }`);
}

/**
 * Runs `model` through `protocol`.
 *
 * @example
 * const sol = simulate(spm(parameterValues("Chen2020")), "Discharge at 1C until 2.5 V");
 * sol.get("Discharge capacity [A.h]").at(-1); // ≈ 5 A.h
 */
export function simulate(model: CellModel, protocol: Protocol, opts: SimulateOptions = {}): Solution {
  const exp = toExperiment(protocol);
  const params = model.cell.params;
  const capacity = params.number("Nominal cell capacity [A.h]");
  const vMin = params.number("Lower voltage cut-off [V]");
  const vMax = params.number("Upper voltage cut-off [V]");
  const respect = opts.respectCutoffs ?? true;
  const save = opts.saveStates ?? true;
  const integ = new Integrator(model.system);
  const started = performance.now();
  if (opts.initialState && opts.initialSoc !== undefined) throw new Error("simulate: give initialState or initialSoc, not both");
  let y = opts.initialState
    ? Float64Array.from(opts.initialState)
    : opts.initialSoc !== undefined
      ? (() => {
          const soh = initialStoichiometries(params, opts.initialSoc);
          return model.initialState({ x: soh.x, y: soh.y });
        })()
      : model.initialState();
  if (y.length !== model.system.n) throw new Error(`simulate: initialState has ${y.length} entries, the ${model.name} needs ${model.system.n}`);
  let t = 0;
  let I = 0;
  const cols: Record<string, number[]> = {};
  const push = (k: string, v: number): void => {
    (cols[k] ??= []).push(v);
  };
  const states: Float64Array[] = [];
  let q = 0;
  let lastT = 0;
  let lastI = 0;
  let first = true;
  const cycles: CycleSummary[] = [];
  const stepLog: Solution["stepLog"] = [];
  let termination = "completed";
  let points = 0;
  outer: for (let c = 0; c < exp.cycles.length; c++) {
    const sum: CycleSummary = {
      "Cycle number": c + 1,
      "Discharge capacity [A.h]": 0,
      "Charge capacity [A.h]": 0,
      "Discharge energy [W.h]": 0,
      "Charge energy [W.h]": 0,
      "Minimum voltage [V]": Infinity,
      "Maximum voltage [V]": -Infinity,
      "Duration [s]": 0,
      "Coulombic efficiency": 0,
    };
    const cycleStart = t;
    cycles.push(sum);
    for (let s = 0; s < exp.cycles[c].length; s++) {
      const step = exp.cycles[c][s];
      let control: Control;
      if (step.kind === "current") control = { kind: "current", value: step.value };
      else if (step.kind === "c-rate") control = { kind: "current", value: step.value * capacity };
      else if (step.kind === "power") control = { kind: "power", value: step.value };
      else if (step.kind === "voltage") control = { kind: "voltage", value: step.value };
      else control = { kind: "current", value: 0 };
      const events: StepEvent[] = [];
      // Which way the control drives the voltage: a discharge (I > 0 or P > 0) down, a charge up, a rest or a hold
      // nowhere. An event on the driven side that already holds at the start ends the step at once (a discharge
      // that starts below its cut-off); the others count only when crossed (see StepEvent.direction).
      const drive = control.kind === "voltage" || control.value === 0 ? 0 : Math.sign(control.value);
      const falling = drive > 0 ? "falling" : undefined;
      const rising = drive < 0 ? "rising" : undefined;
      if (step.until) {
        if (step.until.quantity === "voltage") events.push({ quantity: "voltage", value: step.until.value, name: step.description, direction: falling ?? rising });
        else events.push({ quantity: "abs current", value: step.until.quantity === "current" ? step.until.value : step.until.value * capacity, name: step.description, direction: "falling" });
      }
      const ownV = step.until?.quantity === "voltage" ? step.until.value : NaN;
      if (respect && control.kind !== "voltage") {
        if (!(ownV <= vMin + 1e-9)) events.push({ quantity: "voltage", value: vMin, name: "Lower voltage cut-off", direction: falling });
        if (!(ownV >= vMax - 1e-9)) events.push({ quantity: "voltage", value: vMax, name: "Upper voltage cut-off", direction: rising });
      }
      // PyBaMM's stoichiometry events, always on: beyond [0, 1] the OCPs and j0 have no meaning (without them a
      // discharge with the cut-offs off ran to x_surf = −0.83 and −1.9e6 V and reported "completed"). They fire a
      // hair inside, at STOICHIOMETRY_MARGIN, where j0 ∝ √c_s and the OCP's barrier term are still finite: at 0
      // exactly the DFN's Newton iteration fails first.
      for (const [name, pick, direction] of STOICHIOMETRY_EVENTS) {
        const threshold = direction === "falling" ? STOICHIOMETRY_MARGIN : 1 - STOICHIOMETRY_MARGIN;
        events.push({ quantity: "state", value: threshold, fn: (yy) => model.surfaceStoichiometryRange(yy)[pick], tolerance: 0.1 * STOICHIOMETRY_MARGIN, name, direction });
      }
      const duration = step.duration ?? 86400;
      const res = integ.integrateStep(t, y, I, control, t + duration, events, opts.solver ?? {}, {
        description: `cycle ${c + 1}, step ${s + 1}: ${step.description}`,
        describeState: (yy, ii) => model.describe(yy, ii),
      });
      for (let k = 0; k < res.points.length; k++) {
        const p = res.points[k];
        if (!first) {
          const dt = p.t - lastT;
          const dq = (0.5 * (p.current + lastI) * dt) / 3600;
          q += dq;
          const vPrev = cols["Voltage [V]"][cols["Voltage [V]"].length - 1];
          const de = (0.5 * (p.current * p.voltage + lastI * vPrev) * dt) / 3600;
          if (dq > 0) sum["Discharge capacity [A.h]"] += dq;
          else sum["Charge capacity [A.h]"] -= dq;
          if (de > 0) sum["Discharge energy [W.h]"] += de;
          else sum["Charge energy [W.h]"] -= de;
        }
        first = false;
        lastT = p.t;
        lastI = p.current;
        push("Time [s]", p.t);
        push("Time [h]", p.t / 3600);
        push("Voltage [V]", p.voltage);
        push("Current [A]", p.current);
        push("C-rate", p.current / capacity);
        push("Power [W]", p.current * p.voltage);
        push("Discharge capacity [A.h]", q);
        push("Cycle number", c + 1);
        push("Step number", s + 1);
        push("Total lithium [mol]", model.lithium(p.y));
        for (const [name, v] of Object.entries(model.scalars(p.y, p.current))) push(name, v);
        if (save) states.push(p.y);
        sum["Minimum voltage [V]"] = Math.min(sum["Minimum voltage [V]"], p.voltage);
        sum["Maximum voltage [V]"] = Math.max(sum["Maximum voltage [V]"], p.voltage);
        points++;
      }
      const end = res.points[res.points.length - 1];
      y = Float64Array.from(end.y);
      t = end.t;
      I = end.current;
      // an event that held at the start ended the step without time passing: say so, the step did nothing
      const atOnce = res.points.length === 1 && res.reason !== "duration";
      stepLog.push({ cycle: c + 1, step: s + 1, description: step.description, reason: atOnce ? `${res.reason} (already reached at the start of the step)` : res.reason });
      sum["Duration [s]"] = t - cycleStart;
      if (res.reason === "Lower voltage cut-off" || res.reason === "Upper voltage cut-off" || res.reason === "max steps" || STOICHIOMETRY_EVENTS.some(([name]) => name === res.reason)) {
        termination = `${res.reason} reached ${atOnce ? "at the start of" : "in"} cycle ${c + 1}, step ${s + 1} ("${step.description}") at t = ${t.toFixed(1)} s${atOnce ? ` (voltage ${end.voltage.toFixed(4)} V under this step's control)` : ""}`;
        break outer;
      }
    }
    sum["Coulombic efficiency"] = sum["Charge capacity [A.h]"] > 0 ? sum["Discharge capacity [A.h]"] / sum["Charge capacity [A.h]"] : 0;
  }
  const columns: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(cols)) columns[k] = Float64Array.from(v);
  for (const [k, v] of Object.entries(columns)) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new Error(`simulate: variable "${k}" is not finite at t = ${columns["Time [s]"][i]} s (value ${v[i]}); state: ${save ? model.describe(states[i], columns["Current [A]"][i]) : "not saved"}`);
  }
  const stats: SolveStats = { solveTimeMs: performance.now() - started, rhsEvaluations: integ.rhsEvaluations, jacobians: integ.jacobians, factorizations: integ.factorizations, newtonIterations: integ.newtonIterations, steps: integ.steps, rejectedSteps: integ.rejectedSteps, newtonFailures: integ.newtonFailures, errorTestFailures: integ.errorTestFailures, points };
  return new Solution(model, columns, save ? states : null, termination, cycles, stats, stepLog);
}

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
