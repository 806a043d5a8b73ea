/**
 * Experiments in PyBaMM's language: `"Discharge at 1C until 2.5 V"`, `"Charge at 0.5C until 4.2 V"`,
 * `"Hold at 4.2 V until 50 mA"`, `"Rest for 1 hour"`, `"Discharge at 10 W for 10 minutes"`, with an optional output
 * period `"Discharge at 1C until 2.5 V (1 minute period)"`; currents in A/mA, C-rates (`1C`, `0.5C`, `C/2`), powers in
 * W/mW/kW; the same steps as typed constructors ({@link step}`.current(5, { until: "2.5 V" })`, as PyBaMM's
 * `pybamm.step.current`); a list of steps repeated for N cycles.
 */

import { nearestNames } from "./parameters";

/** What a step controls. */
export type StepKind = "current" | "c-rate" | "power" | "voltage" | "rest";

/** A step's termination condition: a voltage [V], an absolute current [A] or an absolute C-rate. */
export type StepUntil = { quantity: "voltage"; value: number } | { quantity: "current"; value: number } | { quantity: "c-rate"; value: number };

/** One parsed experiment step. Signs follow PyBaMM: discharge current/power > 0. */
export interface ExperimentStep {
  /** The text the step was parsed from (or a generated description in the same language). */
  readonly description: string;
  /** What is controlled. */
  readonly kind: StepKind;
  /** Signed value: A for "current", C-rate for "c-rate", W for "power", V for "voltage", 0 for "rest". */
  readonly value: number;
  /**
   * Maximum duration [s] ("for 10 minutes"). Without it the step runs until its {@link ExperimentStep.until} condition
   * or a default duration ({@link defaultDuration}), whichever comes first; a step that reaches its default duration
   * first stops the experiment and says so (PyBaMM: "infeasible").
   */
  readonly duration?: number;
  /** Termination condition ("until 2.5 V", "until 50 mA", "until C/50"). */
  readonly until?: StepUntil;
  /**
   * Output period [s] ("(1 minute period)", PyBaMM's `period`): the solution holds a point every `period` seconds from
   * the start of the step, besides the solver's own steps and the step's end. Unset: the solver's steps only.
   */
  readonly period?: number;
}

const EXAMPLES =
  `"Discharge at 1C until 2.5 V", "Charge at 0.5C until 4.2 V", "Hold at 4.2 V until 50 mA", "Rest for 1 hour", ` +
  `"Discharge at 10 W for 10 minutes", "Charge at 1 A for 30 minutes or until 4.1 V", "Discharge at C/20 until 3 V", ` +
  `"Discharge at 1C until 2.5 V (1 minute period)"`;

/** Thrown for a step string the parser does not understand or whose values are impossible; lists valid examples. */
export class ExperimentSyntaxError extends Error {
  /** The step text. */
  readonly step: string;
  /** What is wrong with it. */
  readonly why: string;
  /**
   * @param step the step text
   * @param why what is wrong with it
   * @param where its place in an experiment ("step 2 of cycle 1"), when known
   */
  constructor(step: string, why: string, where?: string) {
    super(`Cannot parse experiment step "${step}"${where ? ` (${where})` : ""}: ${why}. Valid examples: ${EXAMPLES}.`);
    this.name = "ExperimentSyntaxError";
    this.step = step;
    this.why = why;
  }
}

/**
 * Thrown for an experiment that cannot run as given: a step object with an impossible value (a NaN current, a
 * negative duration), a list that mixes steps with lists of steps, an empty cycle, a bad option. The message names
 * the step (its index, and its description when it has one) and what would be valid.
 */
export class ExperimentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExperimentError";
  }
}

/** A number as the parser reads it; the sign is allowed here so that a negative value gets its own message. */
const NUM = String.raw`([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)`;

/** Seconds per duration unit (PyBaMM's units, plus days). */
function secondsPer(unit: string): number {
  const u = unit.toLowerCase();
  return u.startsWith("s") ? 1 : u.startsWith("m") ? 60 : u.startsWith("d") ? 86400 : 3600;
}

/** Parses "10 minutes", "1 hour", "30 s" into seconds (> 0); `fail` reports what is wrong. */
function parseDurationText(text: string, fail: (why: string) => never, what = "duration"): number {
  const m = new RegExp(String.raw`^${NUM}\s*(s|sec|secs|second|seconds|min|mins|minute|minutes|h|hr|hrs|hour|hours|day|days)$`, "i").exec(text.trim());
  if (!m) fail(`"${text.trim()}" is not a ${what} (use e.g. "10 minutes", "1 hour", "30 s")`);
  const v = Number(m![1]) * secondsPer(m![2]);
  if (!(v > 0 && Number.isFinite(v))) fail(`the ${what} "${text.trim()}" must be positive: a step of no time does nothing`);
  return v;
}

/** A duration given as seconds or as text ("1 hour"), checked to be positive and finite. */
function toSeconds(d: number | string, fail: (why: string) => never, what = "duration"): number {
  if (typeof d === "string") return parseDurationText(d, fail, what);
  if (!(typeof d === "number" && Number.isFinite(d) && d > 0)) fail(`the ${what} must be a positive number of seconds or a text such as "10 minutes", got ${String(d)}`);
  return d;
}

/** Parses "1C", "0.5 C", "C/2", "2 A", "50 mA", "10 W", "4.2 V" into a unit and a finite value (any sign). */
function parseQuantity(text: string, fail: (why: string) => never): { unit: "A" | "C" | "W" | "V"; value: number } {
  const t = text.trim();
  let m = new RegExp(String.raw`^C\s*/\s*${NUM}$`, "i").exec(t);
  if (m) {
    const d = Number(m[1]);
    if (!(d > 0)) fail(`"${t}" is not a C-rate: the divisor must be positive ("C/2" is half the nominal current)`);
    return { unit: "C", value: 1 / d };
  }
  m = new RegExp(String.raw`^${NUM}\s*(mA|A|C|mW|W|kW|mV|V)$`).exec(t);
  if (!m) fail(`"${t}" is not a current (A, mA), C-rate (1C, C/2), power (W, mW, kW) or voltage (V, mV)`);
  const v = Number(m![1]);
  if (!Number.isFinite(v)) fail(`"${t}" is not a finite number`);
  switch (m![2]) {
    case "mA":
      return { unit: "A", value: v / 1000 };
    case "A":
      return { unit: "A", value: v };
    case "C":
      return { unit: "C", value: v };
    case "mW":
      return { unit: "W", value: v / 1000 };
    case "W":
      return { unit: "W", value: v };
    case "kW":
      return { unit: "W", value: v * 1000 };
    case "mV":
      return { unit: "V", value: v / 1000 };
    default:
      return { unit: "V", value: v };
  }
}

/** Parses a termination condition ("2.5 V", "50 mA", "C/50") into a {@link StepUntil} with a positive value. */
function parseUntil(text: string, fail: (why: string) => never): StepUntil {
  const q = parseQuantity(text, fail);
  if (q.unit === "W") fail(`a step can end on a voltage or a current, not a power ("${text.trim()}")`);
  if (!(q.value > 0)) fail(`the condition "until ${text.trim()}" must be positive (a current condition is on |I|, a voltage is > 0 V)`);
  return q.unit === "V" ? { quantity: "voltage", value: q.value } : q.unit === "A" ? { quantity: "current", value: q.value } : { quantity: "c-rate", value: q.value };
}

/** Splits a trailing "(1 minute period)" off a step text. */
function splitPeriod(s: string, fail: (why: string) => never): { body: string; period?: number } {
  const open = s.lastIndexOf("(");
  if (open < 0) return { body: s };
  const m = /^\(\s*(.+?)\s+period\s*\)$/i.exec(s.slice(open).trim());
  if (!m) fail(`"${s.slice(open)}" is not an output period: write it last, as "(1 minute period)" or "(10 s period)"`);
  return { body: s.slice(0, open).trim(), period: parseDurationText(m![1], fail, "period") };
}

/**
 * Parses one step in PyBaMM's experiment language. Values must be positive (the verb gives the sign), finite and
 * non-zero; durations and periods positive.
 *
 * @example
 * parseStep("Discharge at 1C until 2.5 V"); // { kind: "c-rate", value: 1, until: { quantity: "voltage", value: 2.5 } }
 * parseStep("Hold at 4.2 V until 50 mA");  // { kind: "voltage", value: 4.2, until: { quantity: "current", value: 0.05 } }
 * parseStep("Discharge at 1 A for 10 hours or until 3.3 V (1 minute period)").period; // 60
 * @throws ExperimentSyntaxError naming the step and what is wrong, with valid examples
 */
export function parseStep(step: string): ExperimentStep {
  if (typeof step !== "string") throw new ExperimentSyntaxError(String(step), `a step is a string such as "Rest for 1 hour" or a step object (step.current(...), step.rest(...))`);
  const fail = (why: string): never => {
    throw new ExperimentSyntaxError(step, why);
  };
  const s = step.trim().replace(/\s+/g, " ");
  // two PyBaMM forms this simulator does not implement: say so, rather than fail on the word that follows them
  if (/\sat\s+-?[\d.]+\s*(°C|oC|degC|K)\b/i.test(s)) {
    fail(`a per-step temperature ("... at 25oC") is not supported: the temperature comes from the parameter set ("Ambient temperature [K]", "Initial temperature [K]"); update those instead`);
  }
  if (/^(discharge|charge|hold)\s+at\s+[\d.]+\s*(ohm|Ω)/i.test(s)) {
    fail(`resistance-controlled steps ("Discharge at 2 Ohm ...") are not supported: use a current, C-rate, power or voltage`);
  }
  const split = splitPeriod(s, fail);
  let body = split.body;
  let until: StepUntil | undefined;
  let duration: number | undefined;
  const untilIdx = body.search(/\s(or\s)?until\s/i);
  if (untilIdx >= 0) {
    const u = body.slice(untilIdx).replace(/^\s(or\s)?until\s/i, "");
    body = body.slice(0, untilIdx);
    until = parseUntil(u, fail);
  }
  const forIdx = body.search(/\sfor\s/i);
  if (forIdx >= 0) {
    duration = parseDurationText(body.slice(forIdx + 5), fail);
    body = body.slice(0, forIdx);
  }
  const make = (fields: Omit<ExperimentStep, "description" | "period">): ExperimentStep => ({ description: s, ...fields, ...(split.period !== undefined ? { period: split.period } : {}) });
  if (/^rest$/i.test(body)) {
    if (duration === undefined && until === undefined) fail(`a rest needs a duration ("Rest for 1 hour")`);
    return make({ kind: "rest", value: 0, duration, until });
  }
  const m = /^(discharge|charge|hold) at (.+)$/i.exec(body);
  if (!m) fail(`a step starts with "Discharge at", "Charge at", "Hold at" or "Rest for"`);
  const verb = m![1].toLowerCase();
  const q = parseQuantity(m![2], fail);
  if (duration === undefined && until === undefined) fail(`the step needs "for <duration>" or "until <voltage|current>"`);
  if (q.value < 0) fail(`the value "${m![2].trim()}" must be positive: the verb gives the sign ("Charge at 1 A" charges, "Discharge at 1 A" discharges)`);
  if (verb === "hold") {
    if (q.unit !== "V") fail(`"Hold at" takes a voltage (e.g. "Hold at 4.2 V until 50 mA")`);
  }
  if (q.unit === "V") {
    // PyBaMM also accepts "Charge at 4.2 V": a voltage-controlled step
    if (!(q.value > 0)) fail(`a voltage of ${m![2].trim()} cannot be held: give the cell voltage to hold, e.g. "Hold at 4.2 V until 50 mA"`);
    return make({ kind: "voltage", value: q.value, duration, until });
  }
  if (q.value === 0) fail(`"${m![1]} at ${m![2].trim()}" moves no charge: for no current write a rest ("Rest for 1 hour")`);
  const sign = verb === "discharge" ? 1 : -1;
  const kind = q.unit === "A" ? "current" : q.unit === "C" ? "c-rate" : "power";
  return make({ kind, value: sign * q.value, duration, until });
}

/** A number for a generated description: at most 6 significant digits, no trailing zeros. */
function fmt(v: number): string {
  return String(+v.toPrecision(6));
}

/** A duration [s] in the step language ("2 hours", "10 minutes", "90 seconds"). */
function formatDuration(s: number): string {
  const unit = (n: number, one: string): string => `${fmt(n)} ${one}${n === 1 ? "" : "s"}`;
  if (s % 3600 === 0) return unit(s / 3600, "hour");
  if (s % 60 === 0) return unit(s / 60, "minute");
  return unit(s, "second");
}

/** A termination condition in the step language ("2.5 V", "50 mA", "C/50"). */
export function describeUntil(u: StepUntil): string {
  if (u.quantity === "voltage") return `${fmt(u.value)} V`;
  if (u.quantity === "current") return u.value < 1 ? `${fmt(u.value * 1000)} mA` : `${fmt(u.value)} A`;
  const inv = 1 / u.value;
  return Math.abs(inv - Math.round(inv)) < 1e-9 * inv && inv > 1 ? `C/${Math.round(inv)}` : `${fmt(u.value)}C`;
}

/** The step in PyBaMM's language (what {@link parseStep} reads back into the same step). */
function describeStep(kind: StepKind, value: number, duration: number | undefined, until: StepUntil | undefined, period: number | undefined): string {
  const verb = value > 0 ? "Discharge" : "Charge";
  const head =
    kind === "rest"
      ? "Rest"
      : kind === "voltage"
        ? `Hold at ${fmt(value)} V`
        : kind === "current"
          ? `${verb} at ${describeUntil({ quantity: "current", value: Math.abs(value) })}`
          : kind === "c-rate"
            ? `${verb} at ${describeUntil({ quantity: "c-rate", value: Math.abs(value) })}`
            : `${verb} at ${fmt(Math.abs(value))} W`;
  const parts = [head];
  if (duration !== undefined) parts.push(`for ${formatDuration(duration)}`);
  if (until !== undefined) parts.push(`${duration !== undefined ? "or " : ""}until ${describeUntil(until)}`);
  if (period !== undefined) parts.push(`(${formatDuration(period)} period)`);
  return parts.join(" ");
}

const KINDS: readonly StepKind[] = ["current", "c-rate", "power", "voltage", "rest"];
const UNITS: Record<StepKind, string> = { current: "A", "c-rate": "C", power: "W", voltage: "V", rest: "" };

/**
 * Checks a step object field by field (what {@link parseStep} guarantees for strings) and returns it with a generated
 * description when it has none. `where` names it in the messages ("Experiment: step 2 of cycle 1", "step.current(NaN)").
 */
function checkStep(raw: unknown, where: string): ExperimentStep {
  const label = (): string => {
    const d = typeof raw === "object" && raw !== null ? (raw as { description?: unknown }).description : undefined;
    return typeof d === "string" && d !== "" ? `${where} ("${d}")` : where;
  };
  const fail = (why: string): never => {
    throw new ExperimentError(`${label()} ${why}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    fail(`is ${Array.isArray(raw) ? "an array" : String(raw)}: a step is a string such as "Rest for 1 hour" or a step object (step.current(5, { until: "2.5 V" }))`);
  const s = raw as Partial<Record<keyof ExperimentStep, unknown>>;
  if (!KINDS.includes(s.kind as StepKind)) fail(`has kind ${JSON.stringify(s.kind)}; valid kinds: ${KINDS.map((k) => `"${k}"`).join(", ")}`);
  const kind = s.kind as StepKind;
  const value = s.value;
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`has value ${String(value)}: the ${kind} must be a finite number${UNITS[kind] ? ` [${UNITS[kind]}]` : ""}`);
  const v = value as number;
  if (kind === "rest" && v !== 0) fail(`is a rest with value ${v}: a rest has value 0 (for a current use kind "current")`);
  if (kind === "voltage" && !(v > 0)) fail(`holds at ${v} V: the voltage to hold must be positive`);
  if ((kind === "current" || kind === "c-rate" || kind === "power") && v === 0) fail(`has ${kind} 0, which moves no charge: use a rest (step.rest(...)) for no current`);
  if (s.duration !== undefined && !(typeof s.duration === "number" && Number.isFinite(s.duration) && s.duration > 0)) fail(`has duration ${String(s.duration)}: a duration is a positive number of seconds`);
  if (s.period !== undefined && !(typeof s.period === "number" && Number.isFinite(s.period) && s.period > 0)) fail(`has period ${String(s.period)}: a period is a positive number of seconds`);
  let until: StepUntil | undefined;
  if (s.until !== undefined) {
    const u = s.until as { quantity?: unknown; value?: unknown };
    if (typeof u !== "object" || u === null || !["voltage", "current", "c-rate"].includes(u.quantity as string))
      fail(`has until ${JSON.stringify(s.until)}: give { quantity: "voltage" | "current" | "c-rate", value }`);
    if (!(typeof u.value === "number" && Number.isFinite(u.value) && u.value > 0)) fail(`has until ${u.quantity} ${String(u.value)}: the condition's value must be a positive finite number (a current condition is on |I|)`);
    until = u as StepUntil;
  }
  if (s.duration === undefined && until === undefined) fail(`has neither a duration nor an until condition: it needs one ("for 1 hour" or "until 2.5 V")`);
  if (s.description !== undefined && typeof s.description !== "string") fail(`has a description that is not a string`);
  const duration = s.duration as number | undefined;
  const period = s.period as number | undefined;
  const description = typeof s.description === "string" && s.description !== "" ? s.description : describeStep(kind, v, duration, until, period);
  return { description, kind, value: v, ...(duration !== undefined ? { duration } : {}), ...(until ? { until } : {}), ...(period !== undefined ? { period } : {}) };
}

/** Options of the {@link step} constructors (PyBaMM's `duration`, `termination` and `period` keywords). */
export interface StepOptions {
  /** Maximum duration: seconds, or text such as "1 hour". Without it, see {@link ExperimentStep.duration}. */
  duration?: number | string;
  /** Termination condition: text such as "2.5 V", "50 mA", "C/50", or a {@link StepUntil}. */
  until?: string | StepUntil;
  /** Output period: seconds, or text such as "1 minute" (see {@link ExperimentStep.period}). */
  period?: number | string;
  /** Description shown in the step log (default: the step in PyBaMM's language, e.g. "Discharge at 5 A until 2.5 V"). */
  description?: string;
}

/** Builds a step from a constructor call; `call` names the call in messages. */
function makeStep(kind: StepKind, value: number, opts: StepOptions, call: string): ExperimentStep {
  const fail = (why: string): never => {
    throw new ExperimentError(`${call}: ${why}`);
  };
  if (typeof opts !== "object" || opts === null) fail(`the options must be an object such as { until: "2.5 V" }, got ${String(opts)}`);
  const known = ["duration", "until", "period", "description"];
  for (const k of Object.keys(opts)) if (!known.includes(k)) fail(`unknown option "${k}". Did you mean: ${nearestNames(k, known, 1).map((n) => `"${n}"`).join(", ")}? Options: ${known.join(", ")}`);
  const duration = opts.duration === undefined ? undefined : toSeconds(opts.duration, fail);
  const period = opts.period === undefined ? undefined : toSeconds(opts.period, fail, "period");
  const until = opts.until === undefined ? undefined : typeof opts.until === "string" ? parseUntil(opts.until, fail) : opts.until;
  return checkStep({ kind, value, duration, until, period, description: opts.description }, call);
}

/**
 * Typed step constructors, as PyBaMM's `pybamm.step.current / c_rate / power / voltage / rest`. Values are signed as in
 * PyBaMM: a positive current, C-rate or power discharges, a negative one charges. Each returns an
 * {@link ExperimentStep} whose description is the same step in the string language.
 *
 * @example
 * new Experiment([
 *   step.cRate(1, { until: "2.5 V", period: "1 minute" }),   // "Discharge at 1C until 2.5 V (1 minute period)"
 *   step.rest("1 hour"),
 *   step.current(-2.5, { until: "4.2 V" }),                    // "Charge at 2.5 A until 4.2 V"
 *   step.voltage(4.2, { until: "C/50" }),
 *   step.power(10, { duration: 600 }),                         // "Discharge at 10 W for 10 minutes"
 * ]);
 * @throws ExperimentError for a non-finite or zero value, a non-positive duration or period, an unreadable condition
 */
export const step = {
  /** A constant current [A] (> 0 discharges, < 0 charges). */
  current(value: number, opts: StepOptions = {}): ExperimentStep {
    return makeStep("current", value, opts, `step.current(${value})`);
  },
  /** A constant C-rate (multiple of the nominal capacity per hour; > 0 discharges, < 0 charges). */
  cRate(value: number, opts: StepOptions = {}): ExperimentStep {
    return makeStep("c-rate", value, opts, `step.cRate(${value})`);
  },
  /** A constant power [W] (> 0 discharges, < 0 charges). */
  power(value: number, opts: StepOptions = {}): ExperimentStep {
    return makeStep("power", value, opts, `step.power(${value})`);
  },
  /** A constant voltage [V] (a CV hold). */
  voltage(value: number, opts: StepOptions = {}): ExperimentStep {
    return makeStep("voltage", value, opts, `step.voltage(${value})`);
  },
  /** No current, for a duration (seconds or text) or with options (`{ until: "3 V" }`). */
  rest(duration?: number | string | StepOptions, opts: StepOptions = {}): ExperimentStep {
    const o = typeof duration === "object" && duration !== null ? duration : { ...opts, ...(duration !== undefined ? { duration } : {}) };
    return makeStep("rest", 0, o, `step.rest(${typeof duration === "string" ? JSON.stringify(duration) : typeof duration === "number" ? duration : ""})`);
  },
};

/** A cell's data the default step durations depend on. */
export interface CellRatings {
  /** Nominal capacity [A.h] ("Nominal cell capacity [A.h]"). */
  capacity: number;
  /** Upper voltage cut-off [V]: bounds the energy a power step can move (capacity × upper voltage). */
  upperVoltage: number;
}

/**
 * The duration [s] of a step that gives none. PyBaMM's rule for C-rates: twice the time the rate takes to move the
 * nominal capacity (2 h / |C|; C/50 → 100 h). PyBaMM gives currents and powers one day whatever their size, which
 * cuts a slow step short (C/50 needs 50 h); here they get the same rule through their C-rate equivalent: a current
 * I → 2 · capacity / |I| hours, a power P → 2 · capacity · upper cut-off / |P| hours (the most energy the cell can
 * hold, so a power step is never cut short by this). Rests and holds, whose end cannot be predicted from a rate: one
 * day (PyBaMM's default).
 */
export function defaultDuration(s: ExperimentStep, cell: CellRatings): number {
  const twoHours = 2 * 3600;
  if (s.kind === "c-rate") return twoHours / Math.abs(s.value);
  if (s.kind === "current") return (twoHours * cell.capacity) / Math.abs(s.value);
  if (s.kind === "power") return (twoHours * cell.capacity * cell.upperVoltage) / Math.abs(s.value);
  return 86400;
}

/** Options of {@link Experiment}. */
export interface ExperimentOptions {
  /** Repeat the whole list of steps this many times (default 1). */
  cycles?: number;
  /**
   * Output period for every step that has none of its own: seconds, or text such as "1 minute" (PyBaMM's
   * `Experiment(period=...)`). Default: none (the solver's own steps only).
   */
  period?: number | string;
}

/** One step as given to {@link Experiment}: a string in the step language or a step object ({@link step}). */
export type StepInput = string | ExperimentStep;

/**
 * A sequence of cycles, each a list of steps (PyBaMM's `pybamm.Experiment`).
 *
 * @example
 * const exp = new Experiment(["Discharge at 1C until 2.5 V", "Rest for 1 hour", "Charge at 0.5C until 4.2 V", "Hold at 4.2 V until 50 mA"], { cycles: 3 });
 * exp.cycles.length; // 3
 * new Experiment([step.cRate(1, { until: "2.5 V" }), step.rest("10 minutes")], { period: "30 s" });
 * @throws ExperimentSyntaxError for an unreadable step string, ExperimentError for an invalid step object or list,
 *   each naming the step's place ("step 2 of cycle 1")
 */
export class Experiment {
  /** Steps of each cycle. */
  readonly cycles: ExperimentStep[][];
  /** The default output period [s] (from {@link ExperimentOptions.period}), if any. */
  readonly period?: number;

  /**
   * @param steps a flat list (one cycle) or a list of cycles (arrays); strings are parsed with {@link parseStep}, step
   *   objects are checked field by field
   * @param opts repetition and default output period
   */
  constructor(steps: readonly StepInput[] | readonly (readonly StepInput[])[], opts: ExperimentOptions = {}) {
    const reps = opts.cycles ?? 1;
    if (!(Number.isInteger(reps) && reps >= 1)) throw new ExperimentError(`Experiment: cycles must be a positive integer, got ${reps}`);
    const period = opts.period === undefined ? undefined : toSeconds(opts.period, (why) => { throw new ExperimentError(`Experiment: option period: ${why}`); }, "period");
    if (!Array.isArray(steps) || steps.length === 0) throw new ExperimentError('Experiment: give at least one step, e.g. new Experiment(["Discharge at 1C until 2.5 V"])');
    const arrays = steps.filter((s) => Array.isArray(s)).length;
    if (arrays > 0 && arrays < steps.length) {
      const first = steps.findIndex((s) => Array.isArray(s) !== Array.isArray(steps[0]));
      throw new ExperimentError(
        `Experiment: the list mixes steps and lists of steps (element ${first + 1} is ${Array.isArray(steps[first]) ? "a list" : "a step"}, element 1 is ${Array.isArray(steps[0]) ? "a list" : "a step"}). ` +
          `Give either a flat list of steps (one cycle), e.g. ["Rest for 1 minute", "Rest for 1 hour"], or a list of cycles, e.g. [["Rest for 1 minute"], ["Rest for 1 hour"]]`,
      );
    }
    const nested = arrays > 0;
    const cycles = (nested ? steps : [steps]) as readonly (readonly StepInput[])[];
    const parsed = cycles.map((c, ci) => {
      if (c.length === 0) throw new ExperimentError(`Experiment: cycle ${ci + 1} has no steps; give at least one, e.g. ["Discharge at 1C until 2.5 V"]`);
      return c.map((s, si) => {
        const where = nested ? `step ${si + 1} of cycle ${ci + 1}` : `step ${si + 1}`;
        let st: ExperimentStep;
        if (typeof s === "string") {
          try {
            st = parseStep(s);
          } catch (e) {
            if (e instanceof ExperimentSyntaxError) throw new ExperimentSyntaxError(e.step, e.why, where);
            throw e;
          }
        } else st = checkStep(s, `Experiment: ${where}`);
        return period !== undefined && st.period === undefined ? { ...st, period } : st;
      });
    });
    this.cycles = [];
    for (let r = 0; r < reps; r++) for (const c of parsed) this.cycles.push(c);
    if (period !== undefined) this.period = period;
  }
}
