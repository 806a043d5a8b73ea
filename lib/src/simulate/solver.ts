/**
 * Implicit DAE integrator for the cell models: variable-order (1–5), variable-step BDF in fixed-leading-coefficient
 * form on a backward-difference array (the quasi-constant-step scheme of Shampine & Reichelt, as scipy's `BDF`;
 * order 1 after every discontinuity, order and step chosen from the error estimates of orders q − 1, q, q + 1),
 * (modified) Newton iterations on a coloured finite-difference Jacobian bordered by the cell current, dense output
 * from the interpolating polynomial, and events located on the voltage/current by root finding on that polynomial.
 *
 * The applied current I is always one extra unknown with a control equation g(y, I) = 0:
 * current control I − I_set, voltage control V(y, I) − V_set (a CV hold solves for the current that keeps V fixed),
 * power control I·V(y, I) − P_set.
 */
import { intervalIndex } from "./interp";
import { nearestNames } from "./parameters";
import { CondensedLU, Colouring, ColumnIndex, SparsityPattern, bandPattern, colourColumns, colouredJacobian, columnIndex, isolateColumns, withoutGlobalCouplings } from "./sparse";

/** A semi-discretised cell model: M·dy/dt = f(y, I) with M diagonal (1 differential, 0 algebraic). */
export interface DaeSystem {
  /** Number of state variables (the current is extra). */
  readonly n: number;
  /** Lower bandwidth of ∂f/∂y (entries below it are exactly zero). */
  readonly ml: number;
  /** Upper bandwidth of ∂f/∂y (entries above it are exactly zero). */
  readonly mu: number;
  /**
   * Structural nonzeros of ∂f/∂y (a superset is allowed; a missing entry corrupts the coloured finite-difference
   * Jacobian). Without it the full band given by ml/mu is assumed.
   */
  readonly sparsity?: SparsityPattern;
  /** 1 for a differential variable, 0 for an algebraic one. */
  readonly differential: Uint8Array;
  /** Absolute tolerance per variable (in the variable's own unit). */
  readonly atol: Float64Array;
  /**
   * Upper bound per variable (Infinity where there is none), e.g. a particle's maximum concentration: the relative
   * tolerance then applies to the smaller of |y| and the distance to the bound, so a concentration near saturation is
   * resolved relative to its vacancies as one near empty is relative to itself.
   */
  readonly upper?: Float64Array;
  /** Writes f(y, I) into `out` (time derivative for differential rows, residual for algebraic rows). */
  rhs(y: Float64Array, current: number, out: Float64Array): void;
  /** Terminal voltage [V] of a state at current `current` [A]. */
  voltage(y: Float64Array, current: number): number;
  /** Indices of y that {@link DaeSystem.voltage} depends on. */
  readonly voltageDeps: Int32Array;
  /** What unknown `i` is ("electrolyte concentration in cell 5 of 60, x = 92.1 µm"), for error messages. */
  variableName?(i: number): string;
  /**
   * Optional indices of "global" variables (e.g. a lumped cell temperature) that rows anywhere may depend on and
   * whose own rows depend on the whole state. Each is finite-differenced in a colour of its own (perturbed with
   * others it would pollute every column of its colour), and its row and column keep only the diagonal in the
   * iteration matrix. The dropped couplings are weak, so the (modified) Newton iteration still converges in a few
   * iterations to the exact implicit solution — only the iteration matrix is approximate.
   */
  readonly globals?: Int32Array;
}

/** The step-control settings both integrators share, with their defaults in one place. */
function stepSettings(opts: SolverOptions): { rtol: number; atolScale: number; maxStep: number; vtol: number; maxSteps: number; maxDV: number } {
  return {
    rtol: opts.rtol ?? 1e-4,
    atolScale: opts.atolScale ?? 1,
    maxStep: opts.maxStep ?? 600,
    vtol: opts.eventVoltageTolerance ?? 1e-4,
    maxSteps: opts.maxSteps ?? 200000,
    maxDV: opts.maxVoltageStep ?? 0.02,
  };
}

/**
 * Checks every field of a {@link SolverOptions} (called by {@link Integrator.integrateStep} before it starts): a
 * negative or NaN tolerance, a zero step bound or a fractional count used to be taken as given and fail later as
 * "step size fell below 1e-9 s" or "no consistent initial state" — or worse, give a wrong answer that looked fine
 * (rtol −1 passed every error test: 5.9 mV off). Unknown keys are reported with the nearest valid ones.
 * @throws Error naming the option, its value and the valid range
 */
export function checkSolverOptions(opts: SolverOptions): void {
  if (typeof opts !== "object" || opts === null) throw new Error(`SolverOptions must be an object, got ${String(opts)}`);
  const positive = (key: keyof SolverOptions, min: number, max: number, why = ""): void => {
    const v = opts[key];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
      throw new Error(`SolverOptions.${key} must be a finite number in [${min}, ${max}]${why}, got ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
    }
  };
  // below 1e-12 a relative error cannot be resolved in double precision; above 0.1 the error control is meaningless
  positive("rtol", 1e-12, 0.1, " (default 1e-4)");
  positive("atolScale", 1e-12, 1e12, " (it multiplies the model's absolute tolerances; default 1)");
  // the integrator gives up below a 1e-9 s step, so a bound under it could never be met
  positive("maxStep", 1e-9, 1e12, " s (default 600)");
  positive("firstStep", 1e-9, 1e12, " s (default 1e-3)");
  positive("eventVoltageTolerance", 1e-12, 1, " V (default 1e-4)");
  positive("maxVoltageStep", 1e-9, 10, " V (default 0.02)");
  positive("maxInterpolationError", 1e-12, 1, " V (default 5e-4)");
  const count = (key: "maxSteps" | "maxOrder", min: number, max: number, why: string): void => {
    const v = opts[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) throw new Error(`SolverOptions.${key} must be an integer from ${min} to ${max}${why}, got ${String(v)}`);
  };
  count("maxSteps", 1, Number.MAX_SAFE_INTEGER, " (default 200000)");
  count("maxOrder", 1, MAX_ORDER, ` (the highest BDF order; default ${MAX_ORDER})`);
  if (opts.method !== undefined && opts.method !== "bdf" && opts.method !== "bdf2") throw new Error(`SolverOptions.method must be "bdf" or "bdf2", got ${JSON.stringify(opts.method)}`);
  if (opts.outputTimes !== undefined) {
    for (let i = 0; i < opts.outputTimes.length; i++) {
      if (!Number.isFinite(opts.outputTimes[i])) throw new Error(`SolverOptions.outputTimes[${i}] must be a finite time [s], got ${String(opts.outputTimes[i])}`);
    }
  }
  for (const key of Object.keys(opts)) {
    if (!SOLVER_OPTION_KEYS.includes(key)) throw new Error(`Unknown solver option "${key}". Did you mean: ${nearestNames(key, SOLVER_OPTION_KEYS).map((k) => `"${k}"`).join(", ")}?`);
  }
}

/** The fields of {@link SolverOptions}, for the unknown-key check. */
const SOLVER_OPTION_KEYS: readonly string[] = ["rtol", "atolScale", "maxStep", "firstStep", "eventVoltageTolerance", "maxVoltageStep", "maxInterpolationError", "outputTimes", "maxSteps", "method", "maxOrder"];

/**
 * A control target that changes in time (a drive cycle): `value[k]` at time `t[k]` [s, on the experiment's clock],
 * linearly interpolated between the breakpoints and held at the end values outside them. `t` is strictly increasing.
 */
export interface ControlProfile {
  /** Breakpoint times [s], strictly increasing. */
  readonly t: Float64Array;
  /** Target at each breakpoint, in the control's unit (A or W). */
  readonly value: Float64Array;
}

/**
 * How the cell is driven during a step: a constant `value` (A, V, W or Ω), or, for current, power and resistance, a
 * {@link ControlProfile} or a function `fn` of the time [s] (the experiment's clock) that overrides it.
 */
export type Control =
  | { kind: "current"; value: number; profile?: ControlProfile; fn?: (t: number) => number }
  | { kind: "voltage"; value: number }
  | { kind: "power"; value: number; profile?: ControlProfile; fn?: (t: number) => number }
  /** V = I·R with R = `value` [Ω] (> 0 discharges through a load, < 0 charges): PyBaMM's resistance step. */
  | { kind: "resistance"; value: number; profile?: ControlProfile; fn?: (t: number) => number };

/**
 * ∫ of the control's target from ta to tb (ta ≤ tb) [unit·s]: exact for a constant value and for a profile (linear
 * between its rows, held beyond its ends).
 */
export function controlIntegral(control: Control, ta: number, tb: number): number {
  if (control.kind !== "voltage" && control.fn) return functionIntegral(control.fn, ta, tb);
  const p = control.kind === "voltage" ? undefined : control.profile;
  if (!p) return control.value * (tb - ta);
  const tt = p.t;
  const v = p.value;
  const m = tt.length;
  let cum = PROFILE_CUMULATIVE.get(p);
  if (!cum) {
    // ∫ from tt[0] to each row (trapezoids: exact for the linear interpolation)
    cum = new Float64Array(m);
    for (let k = 1; k < m; k++) cum[k] = cum[k - 1] + 0.5 * (v[k] + v[k - 1]) * (tt[k] - tt[k - 1]);
    PROFILE_CUMULATIVE.set(p, cum);
  }
  const c = cum;
  const F = (x: number): number => {
    if (!(x > tt[0])) return (x - tt[0]) * v[0];
    if (!(x < tt[m - 1])) return c[m - 1] + (x - tt[m - 1]) * v[m - 1];
    const lo = intervalIndex(tt, x);
    return c[lo] + 0.5 * (v[lo] + controlTarget(control, x)) * (x - tt[lo]);
  };
  return F(tb) - F(ta);
}

/**
 * ∫ f from a to b by adaptive Gauss–Kronrod (7/15 points), to 1e-12 relative to the integral of |f| or 1e-14 absolute:
 * a smooth f converges on the first level, a kink or jump is bisected down to 2^-30 of the interval.
 */
function functionIntegral(f: (t: number) => number, a: number, b: number): number {
  if (!(b > a)) return 0;
  const xk = [0.991455371120813, 0.949107912342759, 0.864864423359769, 0.741531185599394, 0.586087235467691, 0.405845151377397, 0.207784955007898, 0];
  const wk = [0.022935322010529, 0.063092092629979, 0.104790010322250, 0.140653259715525, 0.169004726639267, 0.190350578064785, 0.204432940075298, 0.209482141084728];
  const wg = [0.129484966168870, 0.279705391489277, 0.381830050505119, 0.417959183673469];
  const gk = (lo: number, hi: number): { k: number; g: number; abs: number } => {
    const c = 0.5 * (lo + hi);
    const r = 0.5 * (hi - lo);
    let k = 0;
    let g = 0;
    let abs = 0;
    for (let i = 0; i < 8; i++) {
      const pts = i === 7 ? [c] : [c - r * xk[i], c + r * xk[i]];
      for (const x of pts) {
        const v = f(x);
        k += wk[i] * v;
        abs += wk[i] * Math.abs(v);
        // the Gauss points are the Kronrod nodes 1, 3, 5 and the centre
        if (i % 2 === 1) g += wg[(i - 1) / 2] * v;
        else if (i === 7) g += wg[3] * v;
      }
    }
    return { k: k * r, g: g * r, abs: abs * r };
  };
  const whole = gk(a, b);
  const tol = Math.max(1e-12 * whole.abs, 1e-14);
  const recurse = (lo: number, hi: number, est: { k: number; g: number }, depth: number): number => {
    if (Math.abs(est.k - est.g) <= tol * ((hi - lo) / (b - a)) || depth >= 30) return est.k;
    const mid = 0.5 * (lo + hi);
    return recurse(lo, mid, gk(lo, mid), depth + 1) + recurse(mid, hi, gk(mid, hi), depth + 1);
  };
  return recurse(a, b, whole, 0);
}

/** Cumulative integrals of the profiles {@link controlIntegral} has seen. */
const PROFILE_CUMULATIVE = new WeakMap<ControlProfile, Float64Array>();

/** The control's target at time t: its constant value, or its profile linearly interpolated (held at the ends). */
export function controlTarget(control: Control, t: number): number {
  if (control.kind !== "voltage" && control.fn) return control.fn(t);
  const p = control.kind === "voltage" ? undefined : control.profile;
  if (!p) return control.value;
  const tt = p.t;
  const m = tt.length;
  if (!(t > tt[0])) return p.value[0];
  if (!(t < tt[m - 1])) return p.value[m - 1];
  const lo = intervalIndex(tt, t);
  const w = (t - tt[lo]) / (tt[lo + 1] - tt[lo]);
  return p.value[lo] + w * (p.value[lo + 1] - p.value[lo]);
}

/** A terminating event: stop when `quantity` crosses `value` (first crossing within the step). */
export interface StepEvent {
  /** Which quantity. `"abs current"` is |I| [A]; `"state"` is {@link StepEvent.fn} of the state. */
  quantity: "voltage" | "abs current" | "state";
  /** Threshold [V], [A] or in the unit of `fn`. */
  value: number;
  /**
   * For `"state"` events: the quantity as a function of the state vector and the current [A] (e.g. the lowest surface
   * stoichiometry, or a named output variable).
   */
  fn?: (y: Float64Array, current: number) => number;
  /** Location tolerance of a `"state"` event, in the unit of `fn` (default 1e-6). */
  tolerance?: number;
  /**
   * `"state"` events whose `fn` depends on the algebraic unknowns or the current (a potential, not a concentration):
   * located on states made consistent, as voltage events are, rather than on the interpolated state.
   */
  consistent?: boolean;
  /** Name reported in the solution ("Lower voltage cut-off", "Discharge at 1C until 2.5 V", ...). */
  name: string;
  /**
   * `"falling"`: the event means quantity ≤ value; `"rising"`: quantity ≥ value. A directional event that already
   * holds at the start of the step ends the step at once (a discharge that starts below its cut-off voltage); without
   * a direction only a crossing counts (a rest that starts a hair below the cut-off the previous step stopped at).
   */
  direction?: "falling" | "rising";
  /**
   * With a direction, `false`: the event does not end the step when it already holds at the start, and only a crossing
   * in its direction counts (the set's lower cut-off in a charge or a rest that starts below it, after a step whose own
   * limit lifted it: the voltage rising back through the cut-off is not the cut-off reached). Default true.
   */
  heldAtStart?: boolean;
}

/**
 * Whether an event's sign change from `s0` to `s` ends the step: any change, except for an event that does not hold at
 * the start ({@link StepEvent.heldAtStart}), whose change against its direction is no event.
 */
function eventFires(ev: StepEvent, s: number, s0: number): boolean {
  if (s === s0) return false;
  if (ev.heldAtStart !== false || ev.direction === undefined) return true;
  return ev.direction === "falling" ? s <= 0 : s >= 0;
}

/**
 * The first event whose sign changed from `signs` at a new accepted point (values from `value`); a change that is no
 * event ({@link eventFires}) updates its sign instead, so a later crossing back in its direction is seen. −1: none.
 */
function firstEvent(events: StepEvent[], signs: number[], value: (ev: StepEvent) => number): number {
  for (let k = 0; k < events.length; k++) {
    const s = Math.sign(value(events[k]));
    if (eventFires(events[k], s, signs[k])) return k;
    signs[k] = s;
  }
  return -1;
}

/** Event function: quantity − threshold (its sign change is the event). */
function evalEvent(ev: StepEvent, V: number, I: number, y: Float64Array): number {
  if (ev.quantity === "voltage") return V - ev.value;
  if (ev.quantity === "abs current") return Math.abs(I) - ev.value;
  return ev.fn!(y, I) - ev.value;
}

/** How closely an event is located (in the unit of its quantity). */
function eventTolerance(ev: StepEvent, vtol: number): number {
  if (ev.quantity === "voltage") return vtol;
  if (ev.quantity === "abs current") return Math.max(1e-6, 1e-4 * Math.abs(ev.value));
  return ev.tolerance ?? 1e-6;
}

/** The first event that holds at the start of a step (exactly at its threshold, or beyond it for a directional one). */
function eventAtStart(events: StepEvent[], V: number, I: number, y: Float64Array): StepEvent | undefined {
  return events.find((ev) => {
    const d = evalEvent(ev, V, I, y);
    if (ev.heldAtStart === false && ev.direction !== undefined) return false;
    return d === 0 || (ev.direction === "falling" && d < 0) || (ev.direction === "rising" && d > 0);
  });
}

/** Solver settings. */
export interface SolverOptions {
  /** Relative tolerance of the local error, in [1e-12, 0.1] (default 1e-4, as PyBaMM). */
  rtol?: number;
  /** Multiplies the model's absolute tolerances, > 0 (default 1). */
  atolScale?: number;
  /** Largest step [s], at least the solver's smallest step of 1e-9 s (default 600). */
  maxStep?: number;
  /** First step after a discontinuity [s], ≥ 1e-9 s (default 1e-3). */
  firstStep?: number;
  /** Events are located until the voltage is within this distance [V], > 0 (default 1e-4, i.e. 0.1 mV). */
  eventVoltageTolerance?: number;
  /**
   * Largest voltage change between stored points [V] (default 0.02): keeps the stored curve dense enough that linear
   * interpolation between points stays within a few mV where the voltage bends. "bdf2" limits the step size; "bdf"
   * adds dense-output points inside long steps instead of shortening them.
   */
  maxVoltageStep?: number;
  /**
   * "bdf" only: largest error [V] of linear interpolation of the voltage between stored points (default 5e-4, i.e.
   * 0.5 mV). Inside a long step the interpolating polynomial is sampled at a quarter, half and three quarters of each
   * interval between stored points, and the interval is halved (storing the midpoint) until the chord is within this
   * distance everywhere sampled, so that a curve drawn or linearly interpolated from the stored points follows the
   * solution through bends and OCP features shorter than a step. "bdf2" stores its steps only.
   */
  maxInterpolationError?: number;
  /**
   * Times [s] at which points are stored (PyBaMM's t_eval). "bdf2" steps to them exactly; "bdf" evaluates the step's
   * interpolating polynomial there (as IDA's output at t_eval). The accepted steps are stored as well.
   */
  outputTimes?: ArrayLike<number>;
  /**
   * Largest number of step attempts in one experiment step, an integer ≥ 1 (default 200000; for a drive cycle at
   * least 4 per row, since no step crosses a row).
   */
  maxSteps?: number;
  /**
   * Integration method: "bdf" (default; variable-order 1–5, variable-step BDF with dense output, as CVODE/IDA and
   * scipy's BDF) or "bdf2" (variable-step BDF2, the first integrator of this library, kept for comparison). On the
   * one-hour 1C discharges "bdf" takes 37 % fewer steps on the DFN (Marquis2019 107 vs 170, Chen2020 118 vs 186; with
   * Chen2020's measured OCP tables 470 vs 714)
   * and is faster there; on the few-millisecond SPM/SPMe runs the two are within noise. See
   * {@link Integrator.integrateStep}.
   */
  method?: "bdf2" | "bdf";
  /** Highest order of the "bdf" method, an integer 1–5 (default 5; 1 is backward Euler throughout). */
  maxOrder?: number;
}

/** Raised when Newton fails even at the smallest step; the message names the step, time and state. */
export class SolverError extends Error {
  /** Time [s] at which the solver gave up. */
  readonly time: number;
  constructor(message: string, time: number) {
    super(message);
    this.name = "SolverError";
    this.time = time;
  }
}

/** One accepted point. */
export interface SolverPoint {
  t: number;
  /** The state; {@link RELEASED_STATE} once {@link Integrator.summarizePoint} has replaced it by `summary`. */
  y: Float64Array;
  current: number;
  voltage: number;
  /** What {@link Integrator.summarizePoint} kept of the released state. */
  summary?: unknown;
}

/** The empty state of a point whose state was released (see {@link Integrator.summarizePoint}). */
export const RELEASED_STATE: Float64Array = new Float64Array(0);

/** Result of {@link integrateStep}. */
export interface StepResult {
  /** Accepted points, starting with the initial state. */
  points: SolverPoint[];
  /** Name of the event that ended the step, or "duration" / "max steps". */
  reason: string;
  /** Number of right-hand-side evaluations. */
  rhsEvaluations: number;
  /** Number of Jacobian evaluations. */
  jacobians: number;
}

/** Context for error messages. */
export interface StepContext {
  /** Human description of the experiment step. */
  description: string;
  /** Describes a state for error messages (e.g. stoichiometries). */
  describeState?: (y: Float64Array, current: number) => string;
}

const SQRT_EPS = Math.sqrt(2.220446049250313e-16);
/**
 * Vacancies are resolved to VACANCY_WEIGHT·rtol (1 % at rtol 1e-4), which keeps j0 (∝ √vacancies) within 0.5 % and
 * the overpotential within about 0.13 mV; above 1 % vacancies |c| is the smaller size and nothing changes (measured:
 * the 1C discharges and 1C CC-CV charges of Chen2020, Marquis2019 and Ecker2015 with SPM, SPMe and DFN take the
 * same number of steps as with |c| alone, within 3 %; with a weight of 1, up to 24 % more).
 */
const VACANCY_WEIGHT = 100;

/**
 * The size the relative tolerance applies to: |y|, or {@link VACANCY_WEIGHT} times the distance to the variable's
 * upper bound when that is smaller (0 beyond it). Near saturation the physics hangs on the vacancies, cmax − c
 * (j0 ∝ √(c·(cmax − c)), the OCP's barrier term): with rtol·|c| alone the error test allowed 3 mol/m³ on a graphite
 * particle 1.3 mol/m³ from full (Chen2020 DFN, 3C charge then "Hold at 4.2 V until C/20"), the trajectory drifted
 * onto a fold of the algebraic equations (a second solution at +24 A), and Newton failed down to a 1e-9 s step.
 */
function magnitude(y: number, upper: number): number {
  const a = Math.abs(y);
  const v = VACANCY_WEIGHT * (upper - y);
  return v < a ? (v > 0 ? v : 0) : a;
}
/** Newton stops when the estimated remaining iteration error is this fraction of the local-error tolerance (tight:
 * iteration errors accumulate over many steps, unlike truncation errors that the step control bounds). */
const NEWTON_TOL = 0.03;

/** Reusable work buffers of one system. */
export class Integrator {
  /** The system it integrates. */
  readonly sys: DaeSystem;
  private readonly n: number;
  private readonly pattern: SparsityPattern;
  private readonly colIndex: ColumnIndex;
  /** Column groups perturbed together in the finite-difference Jacobian. */
  readonly colouring: Colouring;
  private readonly jac: Float64Array; // ∂f/∂y on the pattern (CSR order)
  private readonly lu: CondensedLU; // factorised iteration matrix M/(γh) − ∂f/∂y
  private readonly shift: Float64Array;
  private readonly delta: Float64Array;
  private readonly dfdI: Float64Array;
  private readonly dgdy: Float64Array; // values at voltageDeps (for control kinds that need them)
  private readonly f0: Float64Array;
  private readonly f1: Float64Array;
  private readonly ypert: Float64Array;
  private readonly x1: Float64Array;
  private readonly x2: Float64Array;
  private readonly res: Float64Array;
  /** 1 for the variables listed in {@link DaeSystem.globals}. */
  private readonly isGlobal: Uint8Array;
  /** {@link DaeSystem.upper}, Infinity where the system gives none. */
  private readonly upper: Float64Array;
  private readonly nAlgebraic: number;
  /** Factorisation of the algebraic block (M/ε − ∂f/∂y, ε → 0 on the differential rows) for consistent dense output. */
  private luC: CondensedLU | null = null;
  /** Jacobian count and control kind {@link Integrator.luC} was factorised for. */
  private luCJac = -1;
  private luCControl = "";
  private readonly x2C: Float64Array;
  private readonly fC: Float64Array;
  private schurC = 1;
  private jacFresh = false;
  private haveJac = false;
  /**
   * The time [s] the control equation is solved at (a profile's target depends on it): set to the time of the point
   * being solved for (the end of a step attempt, a dense-output or event point) before each solve.
   */
  private tControl = 0;
  private matGammaH = NaN;
  private matControl = "";
  private dgdI = 1;
  private schurDen = 1;
  /**
   * For a caller that does not keep the states: called once for each stored point of a step after the first
   * {@link keepStatesPerStep} but the last, as soon as the solver no longer needs that point's state, with the state and the current; the point then
   * holds the returned value in `summary` and gives up its state ({@link RELEASED_STATE}). A long drive cycle of the
   * DFN kept ~8 kB per row until its step ended (10 000 rows: 134 MB); with a summary of the outputs it keeps those.
   */
  summarizePoint: ((y: Float64Array, current: number) => unknown) | null = null;
  /**
   * Points of a step that keep their states before {@link summarizePoint} starts (a few MB for the DFN): a step of
   * a few hundred points, the usual, is not summarised at all and runs as fast as without a summary (summarising every
   * point cost the SPM's one-hour discharge 30 % of its 2 ms).
   */
  keepStatesPerStep: number = 512;
  /** Number of right-hand-side evaluations since construction (finite-difference columns included). */
  rhsEvaluations: number = 0;
  /** Number of finite-difference Jacobians computed since construction. */
  jacobians: number = 0;
  /** Number of LU factorisations of the iteration matrix. */
  factorizations: number = 0;
  /** Number of Newton iterations (each one residual evaluation and one linear solve). */
  newtonIterations: number = 0;
  /** Number of accepted steps. */
  steps: number = 0;
  /** Converged steps whose algebraic unknowns moved far from their prediction and were checked with a fresh Jacobian. */
  creepChecks: number = 0;
  /** Number of rejected step attempts (error test or Newton failure). */
  rejectedSteps: number = 0;
  /** Rejected step attempts whose Newton iteration failed (also with a fresh Jacobian). */
  newtonFailures: number = 0;
  /** Rejected step attempts that failed the local-error test ("bdf2": or the voltage-change limit). */
  errorTestFailures: number = 0;
  /** Accepted steps taken at each BDF order (index 1–5; index 0 unused). */
  readonly stepsByOrder: number[] = [0, 0, 0, 0, 0, 0];

  constructor(sys: DaeSystem) {
    this.sys = sys;
    const n = sys.n;
    this.n = n;
    const declared = sys.sparsity ?? bandPattern(n, sys.ml, sys.mu);
    if (declared.n !== n) throw new Error(`DaeSystem.sparsity is for n = ${declared.n}, the system has n = ${n}`);
    const globals = sys.globals ?? new Int32Array(0);
    this.nAlgebraic = sys.differential.reduce((a, d) => a + (d ? 0 : 1), 0);
    this.x2C = new Float64Array(n);
    this.fC = new Float64Array(n);
    this.isGlobal = new Uint8Array(n);
    for (const g of globals) this.isGlobal[g] = 1;
    if (sys.upper !== undefined && sys.upper.length !== n) throw new Error(`DaeSystem.upper has ${sys.upper.length} entries, the system has n = ${n}`);
    this.upper = sys.upper ? Float64Array.from(sys.upper) : new Float64Array(n).fill(Infinity);
    this.pattern = globals.length > 0 ? withoutGlobalCouplings(declared, globals) : declared;
    this.colIndex = columnIndex(this.pattern);
    this.colouring = isolateColumns(colourColumns(this.pattern, this.colIndex), globals);
    this.jac = new Float64Array(this.pattern.cols.length);
    this.lu = new CondensedLU(this.pattern, sys.differential);
    this.shift = new Float64Array(n);
    this.delta = new Float64Array(n);
    this.dfdI = new Float64Array(n);
    this.dgdy = new Float64Array(sys.voltageDeps.length);
    this.f0 = new Float64Array(n);
    this.f1 = new Float64Array(n);
    this.ypert = new Float64Array(n);
    this.x1 = new Float64Array(n);
    this.x2 = new Float64Array(n);
    this.res = new Float64Array(n);
  }

  /**
   * For a failure message: the first unknown whose equation is not finite at (y, I), named by the model, or "" when
   * all are finite (a parameter function that returns NaN showed only as "failed to find a consistent initial state").
   */
  /** The last Newton iterate at which the residual was not finite (cleared by a converged solve), for messages. */
  private nonFiniteIterate: { y: Float64Array; I: number } | null = null;

  private nonFinite(y: Float64Array, I: number): string {
    const f = new Float64Array(this.n);
    this.sys.rhs(y, I, f);
    const bad: number[] = [];
    for (let i = 0; i < this.n; i++) if (!Number.isFinite(f[i]) || !Number.isFinite(y[i])) bad.push(i);
    const V = this.sys.voltage(y, I);
    if (bad.length === 0 && Number.isFinite(V)) return "";
    const name = (i: number): string => this.sys.variableName?.(i) ?? `unknown ${i}`;
    const where = bad.length > 0
      ? `the equation of ${name(bad[0])} is ${f[bad[0]]} there (value ${y[bad[0]]})${bad.length > 1 ? `, and ${bad.length - 1} more` : ""}`
      : `the voltage is ${V} there`;
    return `; ${where}: a parameter function (OCP, diffusivity, conductivity, exchange current) that returns NaN or ±Infinity at this state is the usual cause`;
  }

  private rhs(y: Float64Array, I: number, out: Float64Array): void {
    this.rhsEvaluations++;
    this.sys.rhs(y, I, out);
  }

  /** The control's target at {@link Integrator.tControl}. */
  private target(control: Control): number {
    return control.kind === "voltage" || (!control.profile && !control.fn) ? control.value : controlTarget(control, this.tControl);
  }

  private g(control: Control, y: Float64Array, I: number): number {
    if (control.kind === "current") return I - this.target(control);
    const V = this.sys.voltage(y, I);
    if (control.kind === "voltage") return V - control.value;
    return control.kind === "power" ? I * V - this.target(control) : V - I * this.target(control);
  }

  /**
   * Whether the control equation holds closely enough at (y, I) for a Newton iterate to count as converged. The
   * convergence test measures the size of the updates, which is only a measure of the error while the iteration
   * matrix is close to the true Jacobian. Under power control it need not be: near the end of a high-power discharge
   * ∂(I·V)/∂I = V + I·∂V/∂I changes by orders of magnitude within a step (the kinetic and OCP barrier slopes as a
   * particle surface fills), and with a Schur complement from an earlier state 100 times too large the updates of I
   * were tiny while I·V missed P by 0.76 W (Chen2020 SPM at 50 W: two accepted steps and six stored points 0.07–1.5 %
   * off the set power). So under power control the accepted iterate must also meet |I·V − P| ≤ |V|·(rtol·|I| + 1e-9),
   * the power error that one tolerance unit of the current makes at this voltage; a converging iteration ends far
   * inside it (measured: ≤ 2e-5 relative at rtol 1e-4, SPM/SPMe/DFN, Chen2020 and Marquis2019, 1C to 6C; 1.8e-5 at
   * the end of a Marquis2019 SPM discharge at 2.586 W, 7e-6 or less elsewhere). Current
   * control is exact. Under voltage control the same happens where the kinetics are steep: the Ecker2015 SPM's hold
   * after a 5C charge stored 8 of 65 points up to 0.33 mV off the held 4.2 V, with currents 0.5 % off; so a hold's
   * iterate must also meet |V − V_hold| ≤ 0.1·rtol·V_hold.
   */
  private controlConverged(control: Control, y: Float64Array, I: number, rtol: number): boolean {
    if (control.kind === "current") return true;
    const V = this.sys.voltage(y, I);
    // a hold: V on the held voltage within a tenth of its relative tolerance (4.2e-5 V at 4.2 V and rtol 1e-4)
    if (control.kind === "voltage") return Math.abs(V - control.value) <= 0.1 * rtol * Math.abs(control.value);
    // a resistance: V − I·R within the voltage one tolerance unit of the current makes across R
    if (control.kind === "resistance") {
      const R = this.target(control);
      return Math.abs(V - I * R) <= Math.abs(R) * (rtol * Math.abs(I) + 1e-9);
    }
    return Math.abs(I * V - this.target(control)) <= Math.abs(V) * (rtol * Math.abs(I) + 1e-9);
  }

  /**
   * Finite-difference Jacobian ∂f/∂y on the sparsity pattern, one residual evaluation per colour (columns of one
   * colour share no row, so each row's change is due to exactly one perturbed column), plus ∂f/∂I and the control row.
   */
  private evalJacobian(y: Float64Array, I: number, control: Control): void {
    const { n, sys, colouring, colIndex } = this;
    this.jacobians++;
    const f0 = this.f0;
    const f1 = this.f1;
    const delta = this.delta;
    this.rhs(y, I, f0);
    for (let j = 0; j < n; j++) delta[j] = SQRT_EPS * Math.max(Math.abs(y[j]), sys.atol[j] * 1e3, 1e-8);
    this.rhsEvaluations += colouredJacobian((yy, out) => sys.rhs(yy, I, out), y, f0, delta, colouring, colIndex, this.jac, this.ypert, f1);
    const dI = SQRT_EPS * Math.max(Math.abs(I), 1e-3);
    this.rhs(y, I + dI, f1);
    for (let r = 0; r < n; r++) this.dfdI[r] = (f1[r] - f0[r]) / dI;
    this.evalControlRow(y, I, control);
    this.jacFresh = true;
    this.haveJac = true;
    this.matGammaH = NaN;
  }

  private evalControlRow(y: Float64Array, I: number, control: Control): void {
    const deps = this.sys.voltageDeps;
    this.matControl = control.kind;
    if (control.kind === "current") {
      this.dgdy.fill(0);
      this.dgdI = 1;
      return;
    }
    const g0 = this.g(control, y, I);
    const yp = this.ypert;
    yp.set(y);
    for (let k = 0; k < deps.length; k++) {
      const j = deps[k];
      const d = SQRT_EPS * Math.max(Math.abs(y[j]), this.sys.atol[j] * 1e3, 1e-8);
      yp[j] = y[j] + d;
      this.dgdy[k] = (this.g(control, yp, I) - g0) / d;
      yp[j] = y[j];
    }
    const dI = SQRT_EPS * Math.max(Math.abs(I), 1e-3);
    this.dgdI = (this.g(control, y, I + dI) - g0) / dI;
  }

  /** Builds and factorises M/(γh) − ∂f/∂y and the Schur complement of the current. Returns false if singular. */
  private buildMatrix(gammaH: number): boolean {
    const { n, sys } = this;
    const inv = 1 / gammaH;
    for (let i = 0; i < n; i++) this.shift[i] = sys.differential[i] ? inv : 0;
    this.factorizations++;
    if (!this.lu.factor(this.jac, this.shift)) return false;
    // x2 = A^{-1} B with B = −∂f/∂I
    const x2 = this.x2;
    for (let i = 0; i < n; i++) x2[i] = -this.dfdI[i];
    this.lu.solve(x2);
    let cx2 = 0;
    const deps = sys.voltageDeps;
    if (this.matControl !== "current") for (let k = 0; k < deps.length; k++) cx2 += this.dgdy[k] * x2[deps[k]];
    this.schurDen = this.dgdI - cx2;
    if (!Number.isFinite(this.schurDen) || this.schurDen === 0) return false;
    this.matGammaH = gammaH;
    return true;
  }

  /**
   * Solves one implicit step: y − ψ = γh·f(y, I) on differential rows, f(y, I) = 0 on algebraic rows, g = 0.
   * `y` holds the predictor on entry and the solution on success. Returns false on Newton failure.
   */
  private newton(y: Float64Array, Iref: { I: number }, psi: Float64Array, gammaH: number, control: Control, rtol: number, atolScale: number, full = false, maxIter = 8): boolean {
    const { n, sys } = this;
    const differential = sys.differential;
    const atol = sys.atol;
    const f = this.f0;
    const x1 = this.x1;
    const x2 = this.x2;
    const deps = sys.voltageDeps;
    let prevNorm = Infinity;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.haveJac || (attempt === 1 && !this.jacFresh) || this.matControl !== control.kind) this.evalJacobian(y, Iref.I, control);
      else if (attempt === 1) return false;
      // keep the factorised iteration matrix while γh changes by less than 30 % (modified Newton still converges)
      const stale = !(Math.abs(gammaH / this.matGammaH - 1) < 0.3);
      if (stale && !this.buildMatrix(gammaH)) {
        if (this.jacFresh) return false;
        this.evalJacobian(y, Iref.I, control);
        if (!this.buildMatrix(gammaH)) return false;
      }
      let ok = false;
      prevNorm = Infinity;
      // with a fresh Jacobian an iteration that keeps contracting is let run to 20 iterations: where a drive cycle's
      // current ramps by 10 A within 0.1 s, Newton from the extrapolated potentials contracts at ρ ≈ 0.55
      // (Butler–Volmer's sinh), and stopping at 6 iterations cost rejected attempts (Chen2020 DFN, 20 such pulses:
      // 169 rejected, 106 with this); the 1C benchmarks never get here (their counts are unchanged)
      const maxIt = full ? 40 : this.jacFresh ? Math.max(maxIter, 20) : maxIter;
      for (let it = 0; it < maxIt; it++) {
        if (full && it > 0) {
          this.matGammaH = NaN;
          this.evalJacobian(y, Iref.I, control);
          if (!this.buildMatrix(gammaH)) return false;
        }
        const I = Iref.I;
        this.newtonIterations++;
        this.rhs(y, I, f);
        let finite = true;
        const invGammaH = 1 / gammaH;
        for (let i = 0; i < n; i++) {
          const r = differential[i] ? (y[i] - psi[i]) * invGammaH - f[i] : -f[i];
          if (r - r !== 0) finite = false; // NaN or ±Infinity
          x1[i] = r;
        }
        const gval = this.g(control, y, I);
        if (!finite || !Number.isFinite(gval)) {
          this.nonFiniteIterate = { y: y.slice(), I };
          break;
        }
        this.lu.solve(x1);
        let cx1 = 0;
        if (control.kind !== "current") for (let k = 0; k < deps.length; k++) cx1 += this.dgdy[k] * x1[deps[k]];
        const dIFull = (-gval + cx1) / this.schurDen;
        let norm = 0;
        const upper = this.upper;
        // a consistent start (full Newton) moves the potentials by at most 0.1 V an iteration: Butler–Volmer's sinh
        // overshoots from η = 0 (with a small exchange-current density the first step went to ~50 thermal voltages
        // and came back one per iteration), and the DFN found no start where the SPM's closed form needed 0.56 V
        let damp = 1;
        if (full) {
          let big = 0;
          for (let i = 0; i < n; i++) if (!differential[i]) big = Math.max(big, Math.abs(x1[i] + x2[i] * dIFull));
          if (big > FULL_NEWTON_MAX_POTENTIAL_STEP) damp = FULL_NEWTON_MAX_POTENTIAL_STEP / big;
        }
        const dI = damp * dIFull;
        for (let i = 0; i < n; i++) {
          const d = damp * (-x1[i] - x2[i] * dIFull);
          const yi = y[i] + d;
          y[i] = yi;
          // max of |d|/w: the division (several times the cost of a multiplication, once per unknown and Newton
          // iteration) only where the entry can raise the maximum (w > 0)
          const ad = Math.abs(d);
          const w = rtol * magnitude(yi, upper[i]) + atolScale * atol[i];
          if (ad > norm * w) {
            const e = ad / w;
            if (e > norm) norm = e;
          } else if (ad !== ad) norm = NaN; // a NaN update fails the finiteness test below instead of passing unseen
        }
        Iref.I = I + dI;
        const wI = rtol * Math.abs(Iref.I) + 1e-9;
        norm = Math.max(norm, Math.abs(dI) / wI);
        if (!Number.isFinite(norm)) break;
        // convergence test of SUNDIALS/Hairer–Wanner: with contraction rate ρ the remaining error is ≈ ρ/(1−ρ)·‖Δ‖;
        // accept when that is a third of the local-error tolerance (norms are in tolerance units)
        if (norm < 0.01 || (it > 0 && norm < prevNorm && ((norm / prevNorm) / (1 - norm / prevNorm)) * norm < NEWTON_TOL) || (it === 0 && norm < 0.1 * NEWTON_TOL)) {
          // small updates with the control equation unmet: the iteration matrix is off, not the iterate converged
          // (see controlConverged); a failure here makes the caller retry with a fresh Jacobian
          ok = this.controlConverged(control, y, Iref.I, rtol);
          break;
        }
        if (!full && it > 0 && norm > 0.9 * prevNorm && it >= 2) break; // diverging or too slow
        prevNorm = norm;
      }
      if (ok) {
        this.jacFresh = false;
        this.nonFiniteIterate = null;
        return true;
      }
      if (this.jacFresh) return false;
      // retry once with a fresh Jacobian from the original predictor is not possible (y changed): caller retries
      return false;
    }
    return false;
  }

  /** Appends a point; the one before it is summarised once the step holds {@link keepStatesPerStep} points (see {@link summarizePoint}). */
  private store(points: SolverPoint[], point: SolverPoint): void {
    points.push(point);
    const k = points.length - 2;
    if (this.summarizePoint && k >= this.keepStatesPerStep) {
      const p = points[k];
      p.summary = this.summarizePoint(p.y, p.current);
      p.y = RELEASED_STATE;
    }
  }

  /** Forces a new Jacobian at the next Newton solve. */
  invalidate(): void {
    this.haveJac = false;
  }

  /**
   * Integrates from (t0, y0, I0) under `control` until `tEnd` or the first event, with the method chosen by
   * `opts.method` (default "bdf").
   * @throws SolverError when the step size falls below 1e-9 s
   * @throws Error when an option is invalid (see {@link checkSolverOptions})
   */
  integrateStep(t0: number, y0: Float64Array, I0: number, control: Control, tEnd: number, events: StepEvent[], opts: SolverOptions, ctx: StepContext): StepResult {
    checkSolverOptions(opts);
    const method = opts.method ?? "bdf";
    if (method === "bdf") return this.integrateStepBdf(t0, y0, I0, control, tEnd, events, opts, ctx);
    if (method === "bdf2") return this.integrateStepBdf2(t0, y0, I0, control, tEnd, events, opts, ctx);
    throw new Error(`SolverOptions.method must be "bdf2" or "bdf", got "${String(method)}"`);
  }

  /**
   * The second-order integrator (`method: "bdf2"`): variable-step BDF2 with a Milne predictor–corrector error
   * estimate on the differential variables (max norm), steps clipped to the output times, the voltage-change limit
   * enforced on the step size, and events located by re-solving trial steps (bisection on the step size).
   */
  private integrateStepBdf2(t0: number, y0: Float64Array, I0: number, control: Control, tEnd: number, events: StepEvent[], opts: SolverOptions, ctx: StepContext): StepResult {
    const { n, sys } = this;
    if (control.kind !== "voltage" && (control.profile || control.fn))
      throw new Error(`Step "${ctx.description}": method "bdf2" does not run drive cycles or functions of time (a current or power that changes in time); use the default method "bdf"`);
    const { rtol, atolScale, maxStep, vtol, maxSteps, maxDV } = stepSettings(opts);
    const stops = opts.outputTimes ? Float64Array.from(opts.outputTimes).sort() : null;
    let stopIdx = 0;
    const ev0 = this.rhsEvaluations;
    const jac0 = this.jacobians;
    this.invalidate();
    const points: SolverPoint[] = [];
    // consistent initial point: solve the algebraic equations and the control with a tiny BE step is avoided —
    // instead the first point is reported after the first step; the initial point itself uses the given state.
    const yPrev3 = new Float64Array(n);
    const yPrev2 = new Float64Array(n);
    const yPrev = Float64Array.from(y0);
    const yNew = new Float64Array(n);
    const psi = new Float64Array(n);
    let tPrev = t0;
    let tPrev2 = t0;
    let tPrev3 = t0;
    let hPrev = 0;
    let IPrev = I0;
    let IPrev2 = I0;
    let nHist = 1; // number of history points available (1 = only yPrev)
    let h = Math.min(opts.firstStep ?? 1e-3, tEnd - t0);
    // initial point: make algebraic variables and the current consistent with a very small BE step
    {
      const c = this.consistent(yPrev, control.kind === "current" ? control.value : I0, control, rtol, atolScale);
      if (c === null) {
        throw new SolverError(
          `Solver failed to find a consistent initial state for step "${ctx.description}" at t = ${t0.toFixed(3)} s (${control.kind} control ${control.value}); state: ${ctx.describeState ? ctx.describeState(yPrev, I0) : ""}`,
          t0,
        );
      }
      IPrev = c;
    }
    const V0 = sys.voltage(yPrev, IPrev);
    this.store(points, { t: t0, y: yPrev.slice(), current: IPrev, voltage: V0 });
    const eventSigns = events.map((ev) => Math.sign(evalEvent(ev, V0, IPrev, yPrev)));
    const atStart = eventAtStart(events, V0, IPrev, yPrev);
    if (atStart) return { points, reason: atStart.name, rhsEvaluations: this.rhsEvaluations - ev0, jacobians: this.jacobians - jac0 };
    const pred = new Float64Array(n);
    let reason = "duration";
    let steps = 0;
    const Iref = { I: IPrev };
    let rejectedSinceAccept = false;

    // takes a trial step of size hh from the current history; returns error norm (or Infinity on failure)
    const trial = (hh: number): number => {
      let gammaH: number;
      if (nHist < 2) {
        for (let i = 0; i < n; i++) {
          psi[i] = yPrev[i];
          pred[i] = yPrev[i];
        }
        gammaH = hh;
        Iref.I = control.kind === "current" ? control.value : IPrev;
      } else {
        const w = hh / hPrev;
        const a1 = ((1 + w) * (1 + w)) / (1 + 2 * w);
        const a2 = (w * w) / (1 + 2 * w);
        gammaH = (hh * (1 + w)) / (1 + 2 * w);
        for (let i = 0; i < n; i++) psi[i] = a1 * yPrev[i] - a2 * yPrev2[i];
        if (nHist >= 3) {
          // quadratic (Lagrange) extrapolation through t_{n-2}, t_{n-1}, t_n: an O(h³) predictor, so
          // corrector − predictor estimates the BDF2 local error
          const t0 = tPrev3, t1 = tPrev2, t2 = tPrev, tt = tPrev + hh;
          const l0 = ((tt - t1) * (tt - t2)) / ((t0 - t1) * (t0 - t2));
          const l1 = ((tt - t0) * (tt - t2)) / ((t1 - t0) * (t1 - t2));
          const l2 = ((tt - t0) * (tt - t1)) / ((t2 - t0) * (t2 - t1));
          for (let i = 0; i < n; i++) pred[i] = l0 * yPrev3[i] + l1 * yPrev2[i] + l2 * yPrev[i];
        } else {
          for (let i = 0; i < n; i++) pred[i] = yPrev[i] + w * (yPrev[i] - yPrev2[i]);
        }
        Iref.I = control.kind === "current" ? control.value : IPrev + w * (IPrev - IPrev2);
      }
      yNew.set(pred);
      const I0p = Iref.I;
      if (!this.newton(yNew, Iref, psi, gammaH, control, rtol, atolScale)) {
        // retry with a fresh Jacobian
        this.invalidate();
        yNew.set(pred);
        Iref.I = I0p;
        if (!this.newton(yNew, Iref, psi, gammaH, control, rtol, atolScale)) return Infinity;
      }
      // local error estimate on differential variables (corrector − linear predictor)
      let err = 0;
      if (nHist < 2) {
        // backward Euler: LTE ≈ ½|y1 − y0 − h f(y0)|, approximated by ½|Δy| scaled by how curved the start is;
        // conservative: ½·|Δy| with the first step kept small
        for (let i = 0; i < n; i++) {
          if (!sys.differential[i]) continue;
          const e = (0.5 * Math.abs(yNew[i] - yPrev[i])) / (rtol * Math.abs(yNew[i]) + atolScale * sys.atol[i]);
          if (e > err) err = e;
        }
        err *= 0.1; // first step: the Δy bound above is an overestimate of the h² term for smooth starts
      } else {
        // BDF2 error constant 2/9 against the quadratic predictor's 1: LTE ≈ (2/11)·|corrector − predictor|;
        // with only a linear predictor (second step) the same factor overestimates, which is safe
        const c = 2 / 11;
        for (let i = 0; i < n; i++) {
          if (!sys.differential[i]) continue;
          const e = (c * Math.abs(yNew[i] - pred[i])) / (rtol * Math.abs(yNew[i]) + atolScale * sys.atol[i]);
          if (e > err) err = e;
        }
      }
      return err;
    };

    while (tPrev < tEnd) {
      if (++steps > maxSteps) {
        reason = "max steps";
        break;
      }
      h = Math.min(h, maxStep, tEnd - tPrev);
      if (stops) {
        while (stopIdx < stops.length && stops[stopIdx] <= tPrev + 1e-9) stopIdx++;
        if (stopIdx < stops.length && stops[stopIdx] < tEnd) h = Math.min(h, stops[stopIdx] - tPrev);
      }
      if (tEnd - tPrev - h < 1e-9 * Math.max(1, tEnd)) h = tEnd - tPrev;
      const err = trial(h);
      if (!(err <= 1)) {
        this.rejectedSteps++;
        if (Number.isFinite(err)) this.errorTestFailures++;
        else this.newtonFailures++;
        rejectedSinceAccept = true;
        const factor = Number.isFinite(err) ? Math.max(0.2, 0.9 * Math.pow(err, -1 / 3)) : 0.25;
        h *= factor;
        if (h < 1e-9) {
          throw new SolverError(
            `Solver failed in step "${ctx.description}" at t = ${tPrev.toFixed(6)} s: step size fell below 1e-9 s (${Number.isFinite(err) ? "error test" : "Newton iteration"} failed); ` +
              `current ${IPrev.toPrecision(6)} A, voltage ${sys.voltage(yPrev, IPrev).toFixed(6)} V; state: ${ctx.describeState ? ctx.describeState(yPrev, IPrev) : ""}`,
            tPrev,
          );
        }
        continue;
      }
      let tNew = tPrev + h;
      // (ends on the step's end exactly, as in the variable-order integrator)
      if (Math.abs(tEnd - tNew) <= 1e-9 * Math.max(1, Math.abs(tEnd))) tNew = tEnd;
      let INew = Iref.I;
      let VNew = sys.voltage(yNew, INew);
      const dV = Math.abs(VNew - points[points.length - 1].voltage);
      if (dV > maxDV && nHist >= 2 && h > 1e-6) {
        this.rejectedSteps++;
        this.errorTestFailures++;
        rejectedSinceAccept = true;
        h *= Math.max(0.2, (0.8 * maxDV) / dV);
        continue;
      }
      // events
      let hit = firstEvent(events, eventSigns, (ev) => evalEvent(ev, VNew, INew, yNew));
      // as in the variable-order integrator: when another event has already crossed at the located point, it came
      // first and is located instead, inside the shorter step
      let hiStep = h;
      let switches = 0;
      while (hit >= 0) {
        const ev = events[hit];
        const s0 = eventSigns[hit];
        const Vprev = points[points.length - 1].voltage;
        const Iprev = points[points.length - 1].current;
        let lo = 0;
        let hi = hiStep;
        let flo = evalEvent(ev, Vprev, Iprev, points[points.length - 1].y);
        let fhi = evalEvent(ev, VNew, INew, yNew);
        let side = 0;
        const yHi = Float64Array.from(yNew);
        let IHi = INew;
        let VHi = VNew;
        const tolEv = eventTolerance(ev, vtol);
        for (let it = 0; it < 60 && Math.abs(fhi) > tolEv; it++) {
          // Illinois false position on the step size
          let hm = hi - (fhi * (hi - lo)) / (fhi - flo);
          if (!(hm > lo && hm < hi)) hm = 0.5 * (lo + hi);
          if (hi - lo < 1e-12 * Math.max(1, tPrev)) break;
          const e = trial(hm);
          if (!Number.isFinite(e)) {
            hm = 0.5 * (lo + hi);
            if (!Number.isFinite(trial(hm))) break;
          }
          const Im = Iref.I;
          const Vm = sys.voltage(yNew, Im);
          const fm = evalEvent(ev, Vm, Im, yNew);
          if (Math.sign(fm) === s0) {
            lo = hm;
            flo = fm;
            if (side === -1) fhi *= 0.5;
            side = -1;
          } else {
            hi = hm;
            fhi = fm;
            yHi.set(yNew);
            IHi = Im;
            VHi = Vm;
            if (side === 1) flo *= 0.5;
            side = 1;
          }
        }
        yNew.set(yHi);
        INew = IHi;
        VNew = VHi;
        h = hi;
        tNew = tPrev + hi;
        reason = ev.name;
        const earlier = events.findIndex((e2, k) => k !== hit && eventFires(e2, Math.sign(evalEvent(e2, VNew, INew, yNew)), eventSigns[k]));
        if (earlier < 0 || ++switches > 2 * events.length) break;
        hit = earlier;
        hiStep = hi;
      }
      // accept
      this.steps++;
      yPrev3.set(yPrev2);
      yPrev2.set(yPrev);
      yPrev.set(yNew);
      tPrev3 = tPrev2;
      tPrev2 = tPrev;
      tPrev = tNew;
      hPrev = tPrev - tPrev2;
      IPrev2 = IPrev;
      IPrev = INew;
      nHist = Math.min(nHist + 1, 3);
      this.store(points, { t: tNew, y: Float64Array.from(yNew), current: INew, voltage: VNew });
      if (hit >= 0) break;
      // after a rejection the step that finally passed is not allowed to grow at once (the error estimate just
      // proved unreliable at larger steps; growing again straight away mostly buys another rejection)
      const factor = Math.min(rejectedSinceAccept ? 1 : 2, Math.max(0.2, 0.9 * Math.pow(Math.max(err, 1e-10), -1 / 3)));
      h = hPrev * factor;
      rejectedSinceAccept = false;
      // the voltage-change limit, applied before the step rather than by rejecting it afterwards: the next step's
      // voltage change is predicted from this step's slope (a rejection costs a whole Newton solve)
      const slope = Math.abs(VNew - points[points.length - 2].voltage) / hPrev;
      if (slope > 0 && nHist >= 2) h = Math.min(h, Math.max(0.2 * hPrev, (0.8 * maxDV) / slope));
    }
    return { points, reason, rhsEvaluations: this.rhsEvaluations - ev0, jacobians: this.jacobians - jac0 };
  }

  /**
   * The variable-order integrator (`method: "bdf"`): a variable-order (1–5), variable-step BDF in fixed-leading-coefficient form on a backward-difference array (see {@link BdfHistory}).
   *
   * Every call starts afresh at order 1 (each experiment step begins with a discontinuity of the control). The step
   * is kept constant for q + 1 steps after every change so the differences stay those of an equally spaced grid, and
   * then the step and order are chosen together from the error estimates of orders q − 1, q and q + 1.
   *
   * Points returned: every accepted step, plus dense-output points at the requested output times and wherever linear
   * interpolation between stored points would miss the voltage by more than `maxInterpolationError` or the voltage
   * would change by more than `maxVoltageStep` between them. A dense-output point takes its differential variables
   * from the step's interpolating polynomial and re-solves the algebraic variables and the current there
   * ({@link Integrator.consistentDense}), so every stored point is a consistent DAE state (the control equation holds). An event ends the step at the root of the event function on the interpolating polynomial; that
   * point is then made consistent (algebraic variables and current re-solved at the interpolated differential state).
   */
  private integrateStepBdf(t0: number, y0: Float64Array, I0: number, control: Control, tEnd: number, events: StepEvent[], opts: SolverOptions, ctx: StepContext): StepResult {
    const { n, sys } = this;
    const { rtol, atolScale, maxStep, vtol, maxSteps, maxDV } = stepSettings(opts);
    const maxLin = opts.maxInterpolationError ?? 5e-4;
    const maxOrder = Math.max(1, Math.min(MAX_ORDER, Math.floor(opts.maxOrder ?? MAX_ORDER)));
    const stops = opts.outputTimes ? Float64Array.from(opts.outputTimes).sort() : null;
    let stopIdx = 0;
    const ev0 = this.rhsEvaluations;
    const jac0 = this.jacobians;
    const differential = sys.differential;
    this.invalidate();
    const points: SolverPoint[] = [];
    const describe = (y: Float64Array, I: number): string => (ctx.describeState ? ctx.describeState(y, I) : "");
    const y = Float64Array.from(y0);
    let I = I0;
    // consistent initial point: algebraic variables and the current from a vanishing backward-Euler step
    {
      this.tControl = t0;
      const c = this.consistent(y, control.kind === "current" ? this.target(control) : I0, control, rtol, atolScale);
      if (c === null) {
        throw new SolverError(
          `Solver failed to find a consistent initial state for step "${ctx.description}" at t = ${t0.toFixed(3)} s (${control.kind} control ${this.target(control)}); state: ${describe(y0, I0)}${this.nonFinite(y0, I0)}`,
          t0,
        );
      }
      I = c;
    }
    let t = t0;
    let V = sys.voltage(y, I);
    this.store(points, { t, y: y.slice(), current: I, voltage: V });
    const eventSigns = events.map((ev) => Math.sign(evalEvent(ev, V, I, y)));
    const atStart = eventAtStart(events, V, I, y);
    if (atStart) return { points, reason: atStart.name, rhsEvaluations: this.rhsEvaluations - ev0, jacobians: this.jacobians - jac0 };
    // a step that ends where it starts, to rounding (sums of step durations: 8 × 0.1 s is 0.7999999999999999 s), is
    // done: a first step of 1e-16 s failed as "step size fell below 1e-9 s"
    if (!(tEnd - t0 > 1e-9 * Math.max(1, Math.abs(tEnd)))) return { points, reason: "duration", rhsEvaluations: this.rhsEvaluations - ev0, jacobians: this.jacobians - jac0 };

    let h = Math.min(opts.firstStep ?? 1e-3, maxStep, tEnd - t0);
    // history: D[0] = y_n, D[1] = h·y'_n (exact for the differential rows at the start; 0 for the algebraic rows and
    // the current, whose derivative is unknown — the first step is then a plain backward-Euler step for them)
    const hist = new BdfHistory(n + 1, MAX_ORDER + 3);
    const D = hist.D;
    D[0].set(y);
    D[0][n] = I;
    this.rhs(y, I, this.res);
    for (let i = 0; i < n; i++) D[1][i] = differential[i] ? h * this.res[i] : 0;
    let q = 1;
    let nEqual = 0; // steps taken with the current h and q (the differences are equally spaced after q + 1)
    let consecutiveFailures = 0;
    const yPred = new Float64Array(n + 1);
    const psiNewton = new Float64Array(n);
    const yNew = new Float64Array(n);
    const dNew = new Float64Array(n + 1);
    const yi = new Float64Array(n + 1); // interpolated state (+ current)
    const Iref = { I };
    let reason = "duration";
    let steps = 0;
    let lastStored = V; // voltage of the last stored point (for the voltage-change limit on stored points)
    // drive cycle: its rows' times, the next row's index, and the step length wanted before a row shortened it
    const profT = control.kind !== "voltage" && control.profile ? control.profile.t : null;
    let bp = 0;
    let hNat = h; // drive cycles: the step the step control last chose, before rows cut it
    let coefPrev = 0; // err/h^(q+1) of the last accepted step, and its order (see the hold below)
    let coefOrder = 0;
    let holdAfterFailure = false; // inside the hold that follows a repeated rejection (see the hold below)
    let lastRejectionAt = -Infinity; // accepted-step count (this.steps) at the last rejected attempt
    let rejectionsRepeat = false; // a rejection came within REPEAT_WINDOW accepted steps of the previous one

    /** Changes the step by `factor` (rescaling the differences) and restarts the equal-step count. */
    const rescale = (factor: number): void => {
      hist.rescale(q, factor);
      h *= factor;
      nEqual = 0;
    };
    const fail = (what: string): never => {
      // a parameter function that is NaN only where Newton's iterates went (a band of a conductivity table the
      // electrolyte enters during the step) left the accepted state finite: name the iterate's equation instead
      const atState = this.nonFinite(y, I);
      const it = this.nonFiniteIterate;
      const atIterate = !atState && it ? this.nonFinite(it.y, it.I).replace(/^; /, "; Newton's iterates reached a state where ") : "";
      throw new SolverError(
        `Solver failed in step "${ctx.description}" at t = ${t.toFixed(6)} s: step size fell below 1e-9 s (${what} failed); ` +
          `current ${I.toPrecision(6)} A, voltage ${sys.voltage(y, I).toFixed(6)} V; state: ${describe(y, I)}${atState}${atIterate}`,
        t,
      );
    };
    /**
     * The state at time tt from the step's polynomial made a consistent DAE state: `solve` re-solves the algebraic
     * variables and the current at the interpolated differential state (interpolated, they are not error-tested and
     * miss the control equation by the interpolation error); when it fails the interpolated state is kept.
     */
    const consistentAt = (tt: number, solve: (yy: Float64Array, cur: number) => number | null): { yy: Float64Array; cur: number } => {
      hist.interpolate(q, h, t, tt, yi);
      const yy = yi.slice(0, n);
      this.tControl = tt;
      let cur = control.kind === "current" ? this.target(control) : yi[n];
      const c = solve(yy, cur);
      if (c !== null) cur = c;
      else {
        hist.interpolate(q, h, t, tt, yi);
        yy.set(yi.subarray(0, n));
      }
      return { yy, cur };
    };
    /** Stores the interpolated state at time tt (dense output). */
    const storeInterpolated = (tt: number): void => {
      const { yy, cur } = consistentAt(tt, (y1, c1) => this.consistentDense(y1, c1, control, rtol, atolScale));
      const v = sys.voltage(yy, cur);
      this.store(points, { t: tt, y: yy, current: cur, voltage: v });
      lastStored = v;
    };

    /** Voltage of the interpolated state at time tt (inside the last step). */
    const voltageAt = (tt: number): number => {
      hist.interpolate(q, h, t, tt, yi);
      return sys.voltage(yi.subarray(0, n), control.kind === "current" ? controlTarget(control, tt) : yi[n]);
    };
    /**
     * Stores interpolated points strictly between (ta, va) and (tb, vb) until, on every piece, the chord is within
     * maxLin of the voltage at the piece's midpoint and the voltage changes by at most maxDV (bisection, at most 2^6
     * pieces; one voltage evaluation per piece examined).
     */
    const refine = (ta: number, va: number, tb: number, vb: number, depth: number): void => {
      if (depth >= 6 || tb - ta < 1e-6) return;
      const tm = 0.5 * (ta + tb);
      const vm = voltageAt(tm);
      if (!(Math.abs(vb - va) > maxDV || Math.abs(vm - 0.5 * (va + vb)) > maxLin)) return;
      refine(ta, va, tm, vm, depth + 1);
      storeInterpolated(tm);
      refine(tm, vm, tb, vb, depth + 1);
    };
    const refineTo = (ta: number, va: number, tb: number, vb: number): void => refine(ta, va, tb, vb, 0);

    // a drive cycle takes a step per row at least: a long one must not run into the default limit (250001 rows of
    // 0.01 s stopped at 2000 s of 2500)
    const stepLimit = profT && opts.maxSteps === undefined ? Math.max(maxSteps, 4 * profT.length) : maxSteps;
    while (t < tEnd) {
      if (++steps > stepLimit) {
        reason = "max steps";
        break;
      }
      // never step past the end of the experiment step (the control changes there)
      if (t + h > tEnd || tEnd - t - h < 1e-9 * Math.max(1, tEnd)) rescale((tEnd - t) / h);
      if (profT) {
        // A drive cycle's rows are kinks of the control: a step that spans one integrates the current with a
        // polynomial that has no kink, and the adaptive steps then sample the cycle unevenly (a 60 s sinusoid of
        // ±6 A around 5 A, 1 s rows, Chen2020 SPM: the charge came out 0.47 % short and the voltage 1.9 mV off a
        // converged run). So no step crosses a row: each row is reached in equal steps of about the length the step
        // control last chose (hNat), each at most 10 % longer. Rounding from the last step instead drifted: rows
        // 37 s ± 5 % apart held a DFN at 6.5 s steps (468 steps; 97 without rows). Growth is limited to MAX_FACTOR
        // per step: after a row 0.01 s past the one before, a jump straight back to a 100 s step rescaled the order-5
        // history by 1e4 (its highest difference by 1e20).
        while (bp < profT.length && profT[bp] <= t + 1e-9 * Math.max(1, Math.abs(t))) bp++;
        // (the step's end is handled above, as for any step)
        if (bp < profT.length && profT[bp] < tEnd - 1e-9 * Math.max(1, Math.abs(tEnd))) {
          const room = profT[bp] - t;
          const want = Math.min(hNat, h * MAX_FACTOR);
          const k = want >= room ? 1 : Math.ceil(room / want - 0.1);
          const hRow = room / k;
          if (Math.abs(hRow / h - 1) > 1e-9) rescale(hRow / h);
        }
      }
      if (h < 1e-9) fail("error test or Newton iteration");
      const alpha = GAMMA[q];
      const gammaH = h / alpha;
      // predictor y_pred = Σ_{k≤q} D_k; corrector: y − (y_pred − ψ) = (h/α_q)·f(y) with ψ = Σ_{k=1..q} γ_k D_k / α_q
      hist.predict(q, yPred, psiNewton);
      this.tControl = t + h;
      const IPred = control.kind === "current" ? this.target(control) : yPred[n];
      const it0 = this.newtonIterations;
      yNew.set(yPred.subarray(0, n));
      Iref.I = IPred;
      let converged = this.newton(yNew, Iref, psiNewton, gammaH, control, rtol, atolScale, false, NEWTON_MAX_IT_SOLVE);
      if (!converged) {
        // retry once with a fresh Jacobian
        this.invalidate();
        yNew.set(yPred.subarray(0, n));
        Iref.I = IPred;
        converged = this.newton(yNew, Iref, psiNewton, gammaH, control, rtol, atolScale, false, NEWTON_MAX_IT_SOLVE);
      }
      // Newton can creep: with a Jacobian from a predictor far off in the potentials (extrapolated past a drive-cycle
      // row where the current turned within milliseconds, 0.12 V off), a stiff mode moves by 3e-9 V per iteration
      // while the updates, dominated by the rest, pass the convergence test; the step was accepted 0.11 V off and
      // the solver failed after it (tenth audit: Chen2020 and Marquis2019 DFN drive cycles under 0.35C). So where the
      // algebraic unknowns moved far from their prediction, the iterate is checked with a Jacobian taken at it; a
      // genuine fast change (an electrolyte running out) passes at once, a creep goes on to the solution.
      if (converged && this.nAlgebraic > 0 && this.algebraicDistance(yNew, yPred, rtol, atolScale) > NEWTON_CHECK_DISTANCE) {
        this.invalidate();
        converged = this.newton(yNew, Iref, psiNewton, gammaH, control, rtol, atolScale, false, NEWTON_MAX_IT_SOLVE);
        this.creepChecks++;
      }
      if (!converged) {
        this.rejectedSteps++;
        this.newtonFailures++;
        if (this.steps - lastRejectionAt <= REPEAT_WINDOW) rejectionsRepeat = true;
        lastRejectionAt = this.steps;
        consecutiveFailures++;
        rescale(0.25);
        hNat = h;
        if (h < 1e-9) fail("Newton iteration");
        continue;
      }
      for (let i = 0; i < n; i++) dNew[i] = yNew[i] - yPred[i];
      dNew[n] = Iref.I - yPred[n];
      const err = this.errNorm(dNew, ERROR_CONST[q], yNew, rtol, atolScale);
      if (!(err <= 1)) {
        this.rejectedSteps++;
        this.errorTestFailures++;
        if (this.steps - lastRejectionAt <= REPEAT_WINDOW) rejectionsRepeat = true;
        lastRejectionAt = this.steps;
        consecutiveFailures++;
        // repeated failures at this order: the higher differences are not to be trusted (a kink), drop to order 1
        if (consecutiveFailures >= 3 && q > 1) q = 1;
        rescale(Math.max(MIN_FACTOR, 0.9 * Math.pow(err, -1 / (q + 1))));
        hNat = h;
        if (h < 1e-9) fail("error test");
        continue;
      }
      // accept
      const newtonIts = this.newtonIterations - it0;
      const hadFailure = consecutiveFailures > 0;
      consecutiveFailures = 0;
      this.steps++;
      this.stepsByOrder[q]++;
      const tOld = t;
      t += h;
      // a step meant to end the experiment step ends on it exactly: t + (tEnd − t) can fall one rounding unit short,
      // and the loop then asked for a step below 1e-9 s and failed ("Rest for 8.05 minutes" on the DFN; 96 of the rests
      // of 1.00 … 9.99 s on the Chen2020 SPM)
      if (Math.abs(tEnd - t) <= 1e-9 * Math.max(1, Math.abs(tEnd))) t = tEnd;
      // a step meant to end on a drive cycle's row ends on it exactly (sums of step lengths drift by ~1e-12 s, and a
      // current ramping at 5 A/s was then stored 8e-12 A off the row's value)
      let onRow = false;
      if (profT && bp < profT.length && Math.abs(profT[bp] - t) <= 1e-9 * Math.max(1, Math.abs(t))) {
        t = profT[bp];
        onRow = true;
      }
      nEqual++;
      hist.accept(q, dNew);
      y.set(yNew);
      I = Iref.I;
      V = sys.voltage(y, I);

      // events: first sign change at the new point; the crossing is located on the interpolating polynomial
      let hit = firstEvent(events, eventSigns, (ev) => evalEvent(ev, V, I, y));
      let tStop = t;
      // Several events may change sign within one step (a cut-off and an "until" on a current or a variable): each
      // located crossing is checked against the others, and when another has already crossed there, that one is
      // located instead, inside the shorter interval, so the step ends on the event met first whatever the events'
      // order (a Chen2020 "until 2.53 A" at 1 Ω was reported as the 2.5 V cut-off it met within the same step).
      let hiBound = t;
      let fHiKnown = true;
      let switches = 0;
      const eventAt = (ev: StepEvent, tt: number): number => {
        const exact = (ev.quantity !== "state" || ev.consistent === true) && (control.kind !== "current" || this.nAlgebraic > 0);
        if (exact) {
          const { yy, cur } = consistentAt(tt, (y1, c1) => this.consistentDense(y1, c1, control, rtol, atolScale));
          return evalEvent(ev, sys.voltage(yy, cur), cur, yy);
        }
        hist.interpolate(q, h, t, tt, yi);
        const cur = control.kind === "current" ? controlTarget(control, tt) : yi[n];
        const ys = yi.subarray(0, n);
        return evalEvent(ev, ev.quantity === "state" && !ev.consistent ? NaN : sys.voltage(ys, cur), cur, ys);
      };
      while (hit >= 0) {
        const ev = events[hit];
        const s0 = eventSigns[hit];
        const tolEv = eventTolerance(ev, vtol);
        // the event function at an interpolated point; where the voltage depends on unknowns the polynomial only
        // approximates (the algebraic variables, a current under voltage or power control) the point is made
        // consistent first, so the root is where the stored event point will be (Ecker2015 SPM at 20 W, a 50C
        // collapse: the interpolated current put the stored end 6.7 mV past the cut-off)
        const at = (tt: number): number => eventAt(ev, tt);
        let lo = tOld;
        let hi = hiBound;
        let flo = at(lo);
        let fhi = fHiKnown ? evalEvent(ev, V, I, y) : at(hi);
        let side = 0;
        for (let it = 0; it < 100 && Math.abs(fhi) > 0.1 * tolEv && hi - lo > 1e-12 * Math.max(1, t); it++) {
          // Illinois false position on the interpolant (cheap: no residual evaluation)
          let tm = hi - (fhi * (hi - lo)) / (fhi - flo);
          if (!(tm > lo && tm < hi)) tm = 0.5 * (lo + hi);
          const fm = at(tm);
          if (Math.sign(fm) === s0) {
            lo = tm;
            flo = fm;
            if (side === -1) fhi *= 0.5;
            side = -1;
          } else {
            hi = tm;
            fhi = fm;
            if (side === 1) flo *= 0.5;
            side = 1;
          }
        }
        tStop = hi;
        reason = ev.name;
        // another event already crossed at tStop: it came first
        const earlier = events.findIndex((e2, k) => k !== hit && eventFires(e2, Math.sign(eventAt(e2, tStop)), eventSigns[k]));
        if (earlier < 0 || !(tStop > tOld) || ++switches > 2 * events.length) break;
        hit = earlier;
        hiBound = tStop;
        fHiKnown = false;
      }
      // stored points inside the step, from the interpolating polynomial: the requested output times, and wherever
      // linear interpolation between stored points would miss the voltage by more than maxLin or the voltage would
      // change by more than maxDV between them (filling in is cheaper than shortening the step, which would reset
      // the order selection and cost Newton solves)
      let tS = points[points.length - 1].t;
      let vS = lastStored;
      if (stops) {
        while (stopIdx < stops.length && stops[stopIdx] <= tOld + 1e-9) stopIdx++;
        while (stopIdx < stops.length && stops[stopIdx] < tStop - 1e-9) {
          const ts = stops[stopIdx++];
          const vs = voltageAt(ts);
          refineTo(tS, vS, ts, vs);
          storeInterpolated(ts);
          tS = ts;
          vS = lastStored;
        }
      }
      refineTo(tS, vS, tStop, hit >= 0 ? voltageAt(tStop) : V);
      if (hit >= 0) {
        // the event point made consistent (algebraic rows and the control) at the interpolated differential state
        const { yy, cur } = consistentAt(tStop, (y1, c1) => this.consistent(y1, c1, control, rtol, atolScale));
        this.store(points, { t: tStop, y: yy, current: cur, voltage: sys.voltage(yy, cur) });
        break;
      }
      this.store(points, { t, y: y.slice(), current: I, voltage: V });
      lastStored = V;

      // next step and order (held for q + 1 steps after a change, so the differences stay equally spaced)
      const coef = err / Math.pow(h, q + 1);
      const growth = coefOrder === q && coefPrev > 0 ? coef / coefPrev : 1;
      coefPrev = coef;
      coefOrder = q;
      if (hadFailure && rejectionsRepeat) holdAfterFailure = true;
      if (onRow) {
        // the next row rescales the step anyway, so the step control need not wait for q + 1 equal steps to say what
        // it wants (same order): with rows closer than q + 1 steps it never spoke, and a DFN on rows 37 s ± 30 % apart
        // kept a 9 s step (345 steps, 101 without rows)
        const safetyRow = (0.9 * (2 * NEWTON_MAX_IT + 1)) / (2 * NEWTON_MAX_IT + newtonIts);
        const fRow = safetyRow * Math.pow(Math.max(err, 1e-10), -1 / (q + 1));
        hNat = Math.min(maxStep, h * Math.min(hadFailure ? 1 : MAX_FACTOR, Math.max(MIN_FACTOR, fRow)));
      }
      if (nEqual < q + 1) {
        // The hold keeps h even where the local error grows from one step to the next, and after a rejection that
        // is where it was: the retry passes at err ≈ 0.8 and the next step at the same h fails again, so rejections
        // alternated with acceptances to the end of a constant-power discharge (I = P/V rises as V falls and drives
        // the particles and the electrolyte ever harder: Chen2020 SPM at 15 W, 6 of its 10 rejections in the last
        // 5 % of the time; the current-driven states of an SPM under current control never see this). So in the
        // hold that follows a repeated rejection, the next step's error is predicted from the growth of err/h^(q+1)
        // (∝ the (q + 1)-th derivative) since the previous accepted step at this order, and the step is shortened
        // ahead when that prediction would fail the test. Only once rejections repeat: elsewhere the estimates
        // scatter by factors of 2–10 from step to step without a trend (a CC-CV cycle), and a lone rejection is as
        // often a bump the errors recover from (Marquis2019 DFN at 1C: shortening after its one rejection cost a
        // step and four factorisations while the errors stayed at 0.3), so shortening on them only adds steps.
        if (holdAfterFailure && growth > 1) {
          const predicted = err * Math.min(growth, MAX_ERROR_GROWTH);
          if (predicted > 0.9) {
            rescale(Math.max(0.5, Math.pow(0.7 / predicted, 1 / (q + 1))));
            hNat = h;
          }
        }
        continue;
      }
      holdAfterFailure = false;
      rejectionsRepeat = false;
      const safety = (0.9 * (2 * NEWTON_MAX_IT + 1)) / (2 * NEWTON_MAX_IT + newtonIts);
      const eLow = q > 1 ? this.errNorm(D[q], ERROR_CONST[q - 1], y, rtol, atolScale) : Infinity;
      const eHigh = q < maxOrder ? this.errNorm(D[q + 2], ERROR_CONST[q + 1], y, rtol, atolScale) : Infinity;
      const fLow = q > 1 ? Math.pow(Math.max(eLow, 1e-10), -1 / q) : 0;
      const fSame = Math.pow(Math.max(err, 1e-10), -1 / (q + 1));
      const fHigh = q < maxOrder ? Math.pow(Math.max(eHigh, 1e-10), -1 / (q + 2)) : 0;
      let best = fSame;
      let dq = 0;
      if (fLow > best) {
        best = fLow;
        dq = -1;
      }
      if (fHigh > best) {
        best = fHigh;
        dq = 1;
      }
      q += dq;
      let factor = Math.min(hadFailure ? 1 : MAX_FACTOR, safety * best);
      factor = Math.min(factor, maxStep / h);
      // small changes are not worth restarting the equal-step count for
      if (dq === 0 && factor > 1 && factor < 1.2) {
        hNat = h * factor;
        continue;
      }
      rescale(Math.max(MIN_FACTOR, factor));
      hNat = h;
    }
    return { points, reason, rhsEvaluations: this.rhsEvaluations - ev0, jacobians: this.jacobians - jac0 };
  }

  /**
   * Weighted RMS norm of c·v over the differential variables of the discretised fields, as CVODE/IDA (a max norm
   * reacts to the single worst control volume), combined by max with the weighted error of each "global" variable
   * ({@link DaeSystem.globals}, e.g. the lumped cell temperature). A lumped scalar is not one control volume among
   * hundreds: inside the mean it would be tested √m times more loosely than its tolerance (measured: the lumped
   * temperature of the Chen2020 DFN drifted by 0.02 K at rtol 1e-4, a 0.3 % error in the cell's heat balance); it is
   * moreover tested at {@link GLOBAL_TOL_FACTOR} of its tolerance.
   * The algebraic variables are left out of the error test, as before (IDA's `suppressalg`): in an index-1 DAE they
   * are functions of the differential ones, so their error follows, and the potentials' tight absolute tolerances
   * would otherwise dictate the step.
   */
  /** Largest |a − b| over the algebraic unknowns, in units of their tolerance at `a`. */
  private algebraicDistance(a: Float64Array, b: Float64Array, rtol: number, atolScale: number): number {
    const { n } = this;
    const differential = this.sys.differential;
    const atol = this.sys.atol;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (differential[i]) continue;
      const d = Math.abs(a[i] - b[i]) / (rtol * magnitude(a[i], this.upper[i]) + atolScale * atol[i]);
      if (d > worst) worst = d;
    }
    return worst;
  }

  private errNorm(v: Float64Array, c: number, ref: Float64Array, rtol: number, atolScale: number): number {
    const { n, isGlobal } = this;
    const differential = this.sys.differential;
    const atol = this.sys.atol;
    let s = 0;
    let m = 0;
    let g = 0;
    for (let i = 0; i < n; i++) {
      if (!differential[i] && !ERROR_TEST_ALGEBRAIC) continue;
      const e = (c * v[i]) / (rtol * magnitude(ref[i], this.upper[i]) + atolScale * atol[i]);
      if (isGlobal[i]) g = Math.max(g, Math.abs(e) / GLOBAL_TOL_FACTOR);
      else {
        s += e * e;
        m++;
      }
    }
    return Math.max(m > 0 ? Math.sqrt(s / m) : 0, g);
  }

  /**
   * Makes the algebraic rows and the control equation hold at the differential state of `y` (kept exactly) for a
   * dense-output point: modified Newton on the algebraic block and the current, with a factorisation of
   * M/ε − ∂f/∂y (ε → 0, so the differential unknowns do not move) from the current Jacobian, cached until the next
   * Jacobian — the step's iteration matrix is left alone. Falls back to {@link Integrator.consistent} (fresh Jacobian,
   * full Newton) when that does not converge. Returns the current, or null.
   */
  private consistentDense(y: Float64Array, Iguess: number, control: Control, rtol: number, atolScale: number): number | null {
    const { n, sys } = this;
    if (this.nAlgebraic === 0 && control.kind === "current") return this.target(control);
    const differential = sys.differential;
    const atol = sys.atol;
    const deps = sys.voltageDeps;
    const y0 = Float64Array.from(y);
    const fallback = (): number | null => {
      y.set(y0);
      return this.consistent(y, Iguess, control, rtol, atolScale);
    };
    if (!this.haveJac || this.matControl !== control.kind) return fallback();
    if (this.luCJac !== this.jacobians || this.luCControl !== control.kind) {
      this.luC ??= new CondensedLU(this.pattern, differential);
      const shift = this.shift;
      for (let i = 0; i < n; i++) shift[i] = differential[i] ? 1e9 : 0;
      this.factorizations++;
      if (!this.luC.factor(this.jac, shift)) return fallback();
      const x2 = this.x2C;
      for (let i = 0; i < n; i++) x2[i] = -this.dfdI[i];
      this.luC.solve(x2);
      let cx2 = 0;
      if (control.kind !== "current") for (let k = 0; k < deps.length; k++) cx2 += this.dgdy[k] * x2[deps[k]];
      this.schurC = this.dgdI - cx2;
      if (!Number.isFinite(this.schurC) || this.schurC === 0) return fallback();
      this.luCJac = this.jacobians;
      this.luCControl = control.kind;
    }
    const lu = this.luC!;
    const f = this.fC;
    const x1 = this.x1;
    const x2 = this.x2C;
    let I = Iguess;
    let prevNorm = Infinity;
    for (let it = 0; it < 10; it++) {
      this.newtonIterations++;
      this.rhs(y, I, f);
      for (let i = 0; i < n; i++) x1[i] = differential[i] ? 0 : -f[i];
      const gval = this.g(control, y, I);
      lu.solve(x1);
      let cx1 = 0;
      if (control.kind !== "current") for (let k = 0; k < deps.length; k++) cx1 += this.dgdy[k] * x1[deps[k]];
      const dI = (-gval + cx1) / this.schurC;
      let norm = 0;
      for (let i = 0; i < n; i++) {
        if (differential[i]) continue;
        const d = -x1[i] - x2[i] * dI;
        const yi = y[i] + d;
        y[i] = yi;
        const e = Math.abs(d) / (rtol * magnitude(yi, this.upper[i]) + atolScale * atol[i]);
        if (e > norm) norm = e;
      }
      I += dI;
      norm = Math.max(norm, Math.abs(dI) / (rtol * Math.abs(I) + 1e-9));
      if (!Number.isFinite(norm)) break;
      if (norm < 0.01 || (it > 0 && norm < prevNorm && ((norm / prevNorm) / (1 - norm / prevNorm)) * norm < NEWTON_TOL)) {
        if (this.controlConverged(control, y, I, rtol)) return I;
        break; // small updates with the control equation unmet (see controlConverged): a fresh Jacobian instead
      }
      if (it >= 2 && norm > 0.9 * prevNorm) break;
      prevNorm = norm;
    }
    return fallback();
  }

  /**
   * Makes the algebraic rows and the control equation hold at the given differential state (a backward-Euler step of
   * 1e-9 s, which leaves the differential variables unchanged to rounding). `y` is updated in place; returns the
   * current, or null when Newton fails even with a fresh Jacobian and a full Newton iteration.
   */
  private consistent(y: Float64Array, Iguess: number, control: Control, rtol: number, atolScale: number): number | null {
    const n = this.n;
    const y0 = Float64Array.from(y);
    const Iref = { I: Iguess };
    const hc = 1e-9;
    if (!this.newton(y, Iref, y0, hc, control, rtol, atolScale)) {
      this.invalidate();
      y.set(y0);
      Iref.I = Iguess;
      if (!this.newton(y, Iref, y0, hc, control, rtol, atolScale, true)) {
        y.set(y0);
        const I = this.consistentByContinuation(y, control, rtol, atolScale);
        if (I === null) {
          y.set(y0);
          return null;
        }
        Iref.I = I;
      }
    }
    // keep the differential variables exactly
    for (let i = 0; i < n; i++) if (this.sys.differential[i]) y[i] = y0[i];
    return Iref.I;
  }

  /**
   * Continuation for {@link Integrator.consistent} when Newton from the guess diverges (a large current: Butler–
   * Volmer's sinh overshoots, e.g. Chen2020 DFN at 9C from rest): solves at a fraction λ of the set current or power,
   * starting from λ = 1/4, and raises λ to 1, halving the increment after a failure and doubling it after a success.
   * Not used for voltage control (its start is the previous state, already near the held voltage).
   */
  private consistentByContinuation(y: Float64Array, control: Control, rtol: number, atolScale: number): number | null {
    if (control.kind === "voltage") return null;
    const y0 = Float64Array.from(y);
    const trial = new Float64Array(this.n);
    const hc = 1e-9;
    let lambda = 0;
    let increment = 0.25;
    let I = 0;
    while (lambda < 1) {
      const next = Math.min(1, lambda + increment);
      // a profile's target at the time being solved for, scaled (the stage itself is constant); a resistance is
      // divided, so that the current grows with λ as it does under current and power control
      const stage: Control = { kind: control.kind, value: control.kind === "resistance" ? this.target(control) / next : this.target(control) * next };
      trial.set(y);
      const Iref = { I: control.kind === "current" ? stage.value : lambda > 0 ? (I * next) / lambda : 0 };
      this.invalidate();
      if (this.newton(trial, Iref, y0, hc, stage, rtol, atolScale, true)) {
        y.set(trial);
        I = Iref.I;
        lambda = next;
        increment = Math.min(2 * increment, 0.5);
      } else {
        increment /= 2;
        if (increment < 1 / 512) return null;
      }
    }
    this.invalidate();
    return I;
  }
}

/** Highest BDF order (orders above 5 are not zero-stable). */
const MAX_ORDER = 5;
/** γ_k = Σ_{j=1..k} 1/j: the BDF of order q in backward differences is Σ_{k=1..q} (1/k)∇^k y_{n+1} = h·f. */
const GAMMA = [0, 1, 1.5, 1 + 1 / 2 + 1 / 3, 1 + 1 / 2 + 1 / 3 + 1 / 4, 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5, 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5 + 1 / 6];
/** Local error of order q ≈ (1/(q+1))·(corrector − predictor): the predictor is the order-q extrapolation. */
const ERROR_CONST = [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 7];
const MAX_FACTOR = 10;
/** Newton iterations per attempt before the solve is declared failed and retried with a fresh Jacobian (the BDF2
 * integrator allowed 8; measured on the DFN: 4–5 cost more Jacobians than they save iterations, 6–8 are equal). */
const NEWTON_MAX_IT_SOLVE = 6;
const MIN_FACTOR = 0.2;
/** Largest step-to-step growth of the error coefficient err/h^(q+1) that the step control extrapolates (a noisy
 * estimate must not shorten the step by more than this predicts). */
const MAX_ERROR_GROWTH = 4;
/** Rejections this many accepted steps apart or closer count as repeating (two of the longest holds, 2·(5 + 1)). */
const REPEAT_WINDOW = 2 * (MAX_ORDER + 1);
/** Largest change of an algebraic unknown (a potential [V]) per full-Newton iteration of a consistent start. */
const FULL_NEWTON_MAX_POTENTIAL_STEP = 0.1;
/**
 * Distance [tolerance units] of the algebraic unknowns from their prediction beyond which a converged step is checked
 * with a Jacobian at the iterate (see the creep check in Integrator.integrateStepBdf).
 */
const NEWTON_CHECK_DISTANCE = 30;
/** Newton iterations the step-size safety factor is calibrated on (more iterations: a more cautious next step). */
const NEWTON_MAX_IT = 4;
/**
 * Whether the algebraic variables (the DFN's potentials) enter the local-error test. IDA includes them by default
 * (suppressalg off); here they do not: with them, a Chen2020 DFN at 5C with the positive diffusivity × 0.1 (notebook
 * 2.5.4's Ragone plot) cut its steps below 1e-9 s where the electrolyte ran out (φ_e ~ ln c_e). The predictor's error
 * in them is still watched, by the creep check in Integrator.integrateStepBdf.
 */
const ERROR_TEST_ALGEBRAIC = false;
/**
 * The global variables (a lumped cell temperature) are error-tested at this fraction of their tolerance: they carry
 * a weakly damped balance (the heat: τ = m·c_p/(h·A) ≈ 13 min for Chen2020's 21700 cell), so their local errors add up over
 * hundreds of steps instead of being damped within a few as the diffusive fields' are. Measured on the Chen2020 DFN
 * 1C lumped discharge (rtol 1e-4, maxStep 20): heat balance ∫(Q − h·A·ΔT) dt against m·c_p·ΔT off by 1.0e-3
 * relative at factor 1, 1.9e-4 at 0.1, 2.0e-5 at 0.01 (+28 % steps; isothermal models are unaffected).
 */
const GLOBAL_TOL_FACTOR = 0.01;

/**
 * The history of a BDF integration as backward differences on an equally spaced grid of step h:
 * D_0 = y_n, D_k = ∇^k y_n (k ≤ q), plus D_{q+1}, D_{q+2} (the last corrections, for the error estimates of orders
 * q and q + 1). A step change by a factor r is done by re-sampling the interpolating polynomial on the grid of step
 * r·h, which is the linear map D ← (R(r)·R(1))ᵀ D on D_0…D_q with R(r)_{ij} = Π_{m=1..i} (m − 1 − r·j)/m
 * (R(r) evaluates the Newton backward form at t_n − j·r·h; R(1) is its own inverse).
 */
export class BdfHistory {
  /** D[k], each of length m. */
  readonly D: Float64Array[];
  private readonly m: number;
  private readonly tmp: Float64Array[];

  constructor(m: number, size: number) {
    this.m = m;
    this.D = Array.from({ length: size }, () => new Float64Array(m));
    this.tmp = Array.from({ length: size }, () => new Float64Array(m));
  }

  /** Re-samples D_0…D_q for a step `factor` times the current one. */
  rescale(q: number, factor: number): void {
    if (factor === 1) return;
    const R = rMatrix(q, factor);
    const U = rMatrix(q, 1);
    const RU: number[][] = [];
    for (let i = 0; i <= q; i++) {
      const row: number[] = [];
      for (let j = 0; j <= q; j++) {
        let s = 0;
        for (let k = 0; k <= q; k++) s += R[i][k] * U[k][j];
        row.push(s);
      }
      RU.push(row);
    }
    const { D, tmp, m } = this;
    // D'_j = Σ_k RU[k][j]·D_k (D_0 is unchanged: RU[0][j] = δ_0j... by construction RU[k][0] = δ_k0)
    for (let j = 0; j <= q; j++) {
      const out = tmp[j];
      out.fill(0);
      for (let k = 0; k <= q; k++) {
        const c = RU[k][j];
        if (c === 0) continue;
        const Dk = D[k];
        for (let i = 0; i < m; i++) out[i] += c * Dk[i];
      }
    }
    for (let j = 0; j <= q; j++) D[j].set(tmp[j]);
  }

  /**
   * The predictor y_pred = Σ_{k≤q} D_k (all m entries) and the Newton target ψ = y_pred − Σ_{k=1..q} γ_k D_k / γ_q
   * (first psi.length entries), in one pass. A method of its own so V8 optimises these loops separately from the
   * long integration loop.
   */
  predict(q: number, yPred: Float64Array, psi: Float64Array): void {
    const { D, m } = this;
    const inv = 1 / GAMMA[q];
    const np = psi.length;
    for (let i = 0; i < m; i++) {
      let p = D[0][i];
      let s = 0;
      for (let k = 1; k <= q; k++) {
        const d = D[k][i];
        p += d;
        s += GAMMA[k] * d;
      }
      yPred[i] = p;
      if (i < np) psi[i] = p - s * inv;
    }
  }

  /**
   * Updates the differences after an accepted step of order q whose correction (corrector − predictor) is `d`:
   * D_{q+2} = d − D_{q+1}, D_{q+1} = d, then D_k += D_{k+1} for k = q…0 (so D_0 = y_{n+1}).
   */
  accept(q: number, d: Float64Array): void {
    const { D, m } = this;
    const a = D[q + 2];
    const b = D[q + 1];
    for (let i = 0; i < m; i++) {
      a[i] = d[i] - b[i];
      b[i] = d[i];
    }
    for (let k = q; k >= 0; k--) {
      const Dk = D[k];
      const Dk1 = D[k + 1];
      for (let i = 0; i < m; i++) Dk[i] += Dk1[i];
    }
  }

  /**
   * The interpolating polynomial of order q through y_n, y_{n−1}, … (grid t_n − j·h) at time tt, in Newton
   * backward form: y(tt) = D_0 + Σ_{j=1..q} D_j Π_{m=0..j−1} (tt − t_n + m·h)/((m + 1)·h).
   */
  interpolate(q: number, h: number, tn: number, tt: number, out: Float64Array): void {
    const { D, m } = this;
    out.set(D[0]);
    let p = 1;
    for (let j = 1; j <= q; j++) {
      p *= (tt - tn + (j - 1) * h) / (j * h);
      const Dj = D[j];
      for (let i = 0; i < m; i++) out[i] += p * Dj[i];
    }
  }
}

/** R(r)_{ij} = Π_{m=1..i} (m − 1 − r·j)/m for i, j = 0…q (empty product 1). */
function rMatrix(q: number, r: number): number[][] {
  const R: number[][] = [];
  for (let i = 0; i <= q; i++) {
    const row: number[] = [];
    for (let j = 0; j <= q; j++) {
      let p = 1;
      for (let k = 1; k <= i; k++) p *= (k - 1 - r * j) / k;
      row.push(p);
    }
    R.push(row);
  }
  return R;
}
