/**
 * Experiments in PyBaMM's language: `"Discharge at 1C until 2.5 V"`, `"Charge at 0.5C until 4.2 V"`,
 * `"Hold at 4.2 V until 50 mA"`, `"Rest for 1 hour"`, `"Discharge at 10 W for 10 minutes"`, `"Discharge at 2 Ohm
 * until 3 V"` (a resistive load, V = I·R), conditions on any output variable (`until "Cell temperature [K]" above
 * 318.15`) and several conditions, the first met ending the step (`"Charge at 1C until 4.1 V or C/3"`), with an optional output
 * period `"Discharge at 1C until 2.5 V (1 minute period)"`; currents in A/mA, C-rates (`1C`, `0.5C`, `C/2`), powers in
 * W/mW/kW; the same steps as typed constructors ({@link step}`.current(5, { until: "2.5 V" })`, as PyBaMM's
 * `pybamm.step.current`); drive cycles, a current, C-rate or power that follows rows of (time, value) linearly
 * interpolated (`step.current([[0, 5], [60, -2], …])`, PyBaMM's step with a two-column array); a list of steps
 * repeated for N cycles. PyBaMM's comparison conditions (`"until < 2.5 V"`, `"until > -0.5 A"` on the signed
 * current), durations in s/min/m/h, temperatures `"at 25oC"` and step `tags` are read as PyBaMM reads them.
 *
 * Where this language differs from PyBaMM's, on purpose: a negative value ("Discharge at -1 A") is refused, where
 * PyBaMM silently turns it into a charge; a plain voltage condition on a rest ("Rest for 1 hour or until 3.2 V") ends
 * the rest when the voltage crosses it, where PyBaMM creates no event for it and rests the full hour (write
 * "until > 3.2 V" for a condition both read alike); a flat list of steps is one cycle, where PyBaMM makes each
 * element a cycle; "Run US06 (A)" (dropped from PyBaMM) and tags written in the string ("... [tag]", read by older
 * PyBaMM) fail naming the constructor to use instead.
 */

import { nearestNames } from "./parameters";

/** What a step controls. */
export type StepKind = "current" | "c-rate" | "power" | "resistance" | "voltage" | "rest";

/**
 * A step's termination condition: a voltage [V], an absolute current [A], an absolute C-rate, or a named scalar output
 * of the model (any of `Solution.get`'s columns the model computes, e.g. "Cell temperature [K]" or the plating
 * indicator "Negative electrode surface potential difference at separator interface [V]") falling to or below
 * (`"falling"`) or rising to or above (`"rising"`) a value (PyBaMM's `CustomTermination`).
 */
export type StepUntil =
  | { quantity: "voltage"; value: number; direction?: "falling" | "rising" }
  | { quantity: "current"; value: number; direction?: "falling" | "rising" }
  | { quantity: "c-rate"; value: number }
  | { quantity: "variable"; name: string; value: number; direction: "falling" | "rising" };

/** A condition on a named output variable as the {@link step} constructors take it: `{ variable, below }` or `{ variable, above }`. */
export type VariableUntil = { variable: string; below: number } | { variable: string; above: number };

/**
 * A drive cycle: the value of a current [A], C-rate or power [W] at times [s] from the step's start, linearly
 * interpolated between the rows (PyBaMM's step with a two-column array). `time[0]` is 0 and times increase strictly.
 */
export interface DriveCycle {
  /** Times from the step's start [s]: 0 first, strictly increasing. */
  readonly time: Float64Array;
  /** The step's quantity at each time (signs as PyBaMM: > 0 discharges). */
  readonly value: Float64Array;
}

/** A drive cycle as given to the {@link step} constructors: PyBaMM's two-column rows `[[t, value], …]` or columns. */
export type DriveCycleInput = readonly (readonly number[])[] | { readonly time: ArrayLike<number>; readonly value: ArrayLike<number> };

/** One parsed experiment step. Signs follow PyBaMM: discharge current/power > 0. */
export interface ExperimentStep {
  /** The text the step was parsed from (or a generated description in the same language). */
  readonly description: string;
  /** What is controlled. */
  readonly kind: StepKind;
  /**
   * Signed value: A for "current", C-rate for "c-rate", W for "power", Ω for "resistance" (the load the cell drives,
   * V = I·R), V for "voltage", 0 for "rest". For a step with
   * a {@link ExperimentStep.driveCycle}, its time average (information only: the drive cycle drives the step).
   */
  readonly value: number;
  /**
   * A value that changes in time ("current", "c-rate" and "power" steps): it replaces the constant
   * {@link ExperimentStep.value}; the step lasts as long as the drive cycle unless its {@link ExperimentStep.duration}
   * is shorter, and stores a point at every row's time (rows closer than 1e-9 of the clock time to the one before
   * share its point). No solver step crosses a row. A row within 1 ms of the row before, and closer to it than 1 % of
   * the spacing on either side, is a jump (a cycler's step change): the state crosses it at once and the solver
   * starts afresh on its far side, as at a new step; rows 0.5 ms apart throughout are a finely sampled cycle. Under current or C-rate control "Discharge capacity [A.h]" is ∫I dt of the rows, exact.
   * Memory: with `saveStates: false` a point keeps only its outputs (a 50 000-row DFN cycle peaked at 178 MB of
   * resident memory, 526 MB when every point kept its ~8 kB state until the step ended); with saved states (the
   * default) every point keeps its state.
   */
  readonly driveCycle?: DriveCycle;
  /**
   * A value that is a function of the time [s] from the step's start ("current", "c-rate" and "power" steps; PyBaMM's
   * step with a function of t): it replaces the constant {@link ExperimentStep.value}, which holds its mean over the
   * step's duration. The solver's error control follows it between its own steps, at a tolerance relative to the
   * cell's lithium: a value that changes within a second is followed loosely (7.5 s of 0.054·exp(−t/1.1 s) A on the
   * Marquis2019 SPM reached the particles 40 % short of its 0.06 A·s, 1e-5 of the inventory, inside rtol 1e-4, while
   * "Discharge capacity [A.h]" holds the exact integral): give `solver.maxStep` below its time scale, or a tighter
   * `rtol`, where that detail matters. A function has no rows to stop at,
   * so its jumps are looked for by sampling it every 0.05 s (200 000 samples at most): each becomes a row, as in a
   * drive cycle, and the solver starts afresh across it. A pulse that a sample lands in is found however short; one
   * that falls between two samples (shorter than 0.05 s) is not seen, neither by this search nor by the charge's
   * integral, and two jumps in every sample interval (a square wave of 10 Hz or faster) are not resolved: give such a
   * signal as a drive cycle. Without a duration it runs one day at most.
   */
  readonly valueFunction?: (t: number) => number;
  /**
   * Maximum duration [s] ("for 10 minutes"). Without it the step runs until its {@link ExperimentStep.until} condition
   * or a default duration ({@link defaultDuration}), whichever comes first; a step that reaches its default duration
   * first stops the experiment and says so (PyBaMM: "infeasible").
   */
  readonly duration?: number;
  /** Termination condition ("until 2.5 V", "until 50 mA", "until C/50", `until "Cell temperature [K]" above 318.15`). */
  readonly until?: StepUntil;
  /**
   * Further conditions, any of which also ends the step: "until 4.2 V or 50 mA" has {@link ExperimentStep.until}
   * 4.2 V and `orUntil` [50 mA] (PyBaMM's step `termination` list). Only with `until`.
   */
  readonly orUntil?: readonly StepUntil[];
  /**
   * The step's temperature [K] ("... at 25oC", PyBaMM's per-step temperature): an isothermal model runs the step
   * at it; the lumped thermal model takes it as the step's ambient temperature, towards which the cell's temperature
   * (a state, continuous across steps) relaxes through the cooling, as PyBaMM does; the first step's temperature is
   * also the cell's initial temperature (PyBaMM: a cell soaked there). Unset: the experiment's
   * {@link ExperimentOptions.temperature} or the set's "Ambient temperature [K]".
   */
  readonly temperature?: number;
  /**
   * Output period [s] ("(1 minute period)", PyBaMM's `period`): the solution holds a point every `period` seconds from
   * the start of the step, besides the solver's own steps and the step's end. Unset: the solver's steps only.
   */
  readonly period?: number;
  /** Labels of the step (PyBaMM's `tags`), given with the {@link step} constructors; found with {@link Experiment.searchTag} and in the step log. */
  readonly tags?: readonly string[];
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

/** Seconds per duration unit (PyBaMM's units, "m" for minutes among them, plus days). */
function secondsPer(unit: string): number {
  const u = unit.toLowerCase();
  return u.startsWith("s") ? 1 : u.startsWith("m") ? 60 : u.startsWith("d") ? 86400 : 3600;
}

/** A duration's text: a number and a unit ("10 minutes", "1 hour", "30 s", "5 m"). */
const DURATION = new RegExp(String.raw`^${NUM}\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|day|days)$`, "i");

/** Parses "10 minutes", "1 hour", "30 s" into seconds (> 0); `fail` reports what is wrong. */
function parseDurationText(text: string, fail: (why: string) => never, what = "duration"): number {
  const m = DURATION.exec(text.trim());
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
function parseQuantity(text: string, fail: (why: string) => never): { unit: "A" | "C" | "W" | "V" | "Ohm"; value: number } {
  const t = text.trim();
  let m = new RegExp(String.raw`^C\s*/\s*${NUM}$`, "i").exec(t);
  if (m) {
    const d = Number(m[1]);
    if (!(d > 0)) fail(`"${t}" is not a C-rate: the divisor must be positive ("C/2" is half the nominal current)`);
    return { unit: "C", value: 1 / d };
  }
  m = new RegExp(String.raw`^${NUM}\s*(mA|A|C|mW|W|kW|mV|V|mOhm|Ohm|mΩ|Ω)$`).exec(t);
  if (!m) fail(`"${t}" is not a current (A, mA), C-rate (1C, C/2), power (W, mW, kW), resistance (Ohm, mOhm) or voltage (V, mV)`);
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
    case "mOhm":
    case "mΩ":
      return { unit: "Ohm", value: v / 1000 };
    case "Ohm":
    case "Ω":
      return { unit: "Ohm", value: v };
    default:
      return { unit: "V", value: v };
  }
}

/** Parses a temperature ("25oC", "25 °C", "25degC", "298.15 K") into kelvin, checked to lie within 200–400 K. */
function parseTemperature(text: string, fail: (why: string) => never): number {
  const m = new RegExp(String.raw`^${NUM}\s*(°C|oC|degC|K)$`, "i").exec(text.trim());
  if (!m) return fail(`"${text.trim()}" is not a temperature (use e.g. "25oC", "25 °C" or "298.15 K")`);
  const v = Number(m[1]) + (m[2].toUpperCase() === "K" ? 0 : 273.15);
  if (!(v >= 200 && v <= 400)) fail(`the temperature "${text.trim()}" is ${v.toFixed(2)} K, outside the 200–400 K the models are parameterised for`);
  return v;
}

/** A temperature given as kelvin or as text ("25oC"). */
function toKelvin(x: number | string, fail: (why: string) => never): number {
  if (typeof x === "string") return parseTemperature(x, fail);
  if (!(typeof x === "number" && x >= 200 && x <= 400)) fail(`the temperature must be in kelvin within 200–400 K or a text such as "25oC", got ${String(x)}${typeof x === "number" && x > -100 && x < 100 ? ` (${x} looks like °C: write "${x}oC")` : ""}`);
  return x;
}

/**
 * Parses a termination condition ("2.5 V", "50 mA", "C/50", or a variable: `"Cell temperature [K]" above 318.15`) into a
 * {@link StepUntil}; voltages and currents are positive.
 */
function parseUntil(text: string, fail: (why: string) => never): StepUntil {
  // PyBaMM's comparison form (v25.1): "< 2.5 V" / "> 4.2 V" end the step when the voltage falls below / rises above
  // the value whichever way the step drives (also in a rest, where a plain voltage condition gives PyBaMM no event);
  // "< 1 A" / "> -2 A" compare the signed current (> 0 discharges)
  const op = /^([<>])\s*(.+)$/.exec(text.trim());
  if (op) {
    const q = parseQuantity(op[2], fail);
    const direction = op[1] === "<" ? "falling" : "rising";
    if (q.unit === "V") {
      if (!(q.value > 0)) fail(`the condition "until ${text.trim()}" must be a positive voltage`);
      return { quantity: "voltage", value: q.value, direction };
    }
    if (q.unit === "A") return { quantity: "current", value: q.value, direction };
    if (q.unit === "C" && op[1] === "<" && q.value > 0) return { quantity: "c-rate", value: q.value };
    return fail(
      q.unit === "C"
        ? `"until ${text.trim()}": a C-rate condition ends the step when |I| falls to it ("until C/50", or "< C/50"); PyBaMM reads "> C/50" the same way, so give a current ("> -2 A") to compare the signed current`
        : `a step can end on a voltage or a current, not a ${q.unit === "W" ? "power" : "resistance"} ("${text.trim()}")`,
    );
  }
  const v = new RegExp(String.raw`^"([^"]+)"\s+(below|above)\s+(-?[\d.]+(?:e[-+]?\d+)?)$`, "i").exec(text.trim());
  if (v) return variableUntil(v[1], v[2].toLowerCase() === "below" ? "falling" : "rising", Number(v[3]), fail);
  if (/^"/.test(text.trim())) fail(`"until ${text.trim()}": a condition on a variable reads until "<variable name>" below <value> (or above <value>)`);
  const q = parseQuantity(text, fail);
  if (q.unit === "W" || q.unit === "Ohm") fail(`a step can end on a voltage or a current, not a ${q.unit === "W" ? "power" : "resistance"} ("${text.trim()}")`);
  if (!(q.value > 0)) fail(`the condition "until ${text.trim()}" must be positive (a current condition is on |I|, a voltage is > 0 V)`);
  return q.unit === "V" ? { quantity: "voltage", value: q.value } : q.unit === "A" ? { quantity: "current", value: q.value } : { quantity: "c-rate", value: q.value };
}

/** A checked condition on a named output variable. */
function variableUntil(name: unknown, direction: "falling" | "rising", value: unknown, fail: (why: string) => never): StepUntil {
  if (typeof name !== "string" || name.trim() === "") fail(`a condition on a variable needs the variable's name, as Solution.get takes it (e.g. "Cell temperature [K]")`);
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`the condition on "${String(name)}" needs a finite value, got ${String(value)}`);
  return { quantity: "variable", name: (name as string).trim(), value: value as number, direction };
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
  // quoted variable names are set aside while the step is read, so that a "(", " for ", " until ", " or " or
  // " at 25oC" inside a name is not taken for the step's own words; they come back in the condition and in messages
  const names: string[] = [];
  const unmask = (text: string): string => text.replace(/"#(\d+)"/g, (_, k: string) => `"${names[Number(k)]}"`);
  const fail = (why: string): never => {
    throw new ExperimentSyntaxError(step, unmask(why));
  };
  const described = step.trim().replace(/\s+/g, " ");
  // a trailing "[tag]" (older PyBaMM read tags from the string)
  const tagged = /\s\[([^\]"]*)\]$/.exec(described);
  if (tagged && !/"[^"]*\[[^\]"]*\]"$/.test(described))
    fail(`a trailing "[${tagged[1]}]" is not read as tags from a step string: give tags as a step object's option, e.g. step.cRate(1, { until: "2.5 V", tags: ["${tagged[1].split(",")[0].trim() || "cycling"}"] })`);
  if (/^run\s/i.test(described))
    fail(`"Run <drive cycle> ..." is PyBaMM's old drive-cycle syntax (removed there too): give the rows to a step constructor, e.g. step.current([[0, 5], [30, 5], [31, -3], [60, -3]]) or step.power(rows), times in seconds from the step's start`);
  const s = described.replace(/"([^"]*)"/g, (_, name: string) => `"#${names.push(name) - 1}"`);
  // a temperature may stand anywhere, as in PyBaMM ("... until 3.3 V at 25oC (1 minute period)", "Discharge at 1C at
  // 25oC until 2.5 V", "... (1 minute period) at 25oC"); one at most
  let temperature: number | undefined;
  const temperatureAt = /\sat\s+(-?[\d.]+\s*(°C|oC|degC|K))(?=\s|$|\()/gi;
  const found = [...s.matchAll(temperatureAt)];
  if (found.length > 1) fail(`it gives ${found.length} temperatures (${found.map((f) => f[1]).join(", ")}): give one`);
  let text = s;
  if (found.length === 1) {
    temperature = parseTemperature(found[0][1], fail);
    text = (s.slice(0, found[0].index) + s.slice(found[0].index! + found[0][0].length)).replace(/\s+/g, " ").trim();
  }
  const split = splitPeriod(text, fail);
  let body = split.body;
  let until: StepUntil | undefined;
  let duration: number | undefined;
  let orUntil: StepUntil[] | undefined;
  const untilIdx = body.search(/\s(or\s)?until\s/i);
  if (untilIdx >= 0) {
    const u = body.slice(untilIdx).replace(/^\s(or\s)?until\s/i, "");
    body = body.slice(0, untilIdx);
    untilDuration(u, body, text.slice(split.body.length).trim(), fail);
    const conditions = splitConditions(u).map((c) => parseUntil(unmask(c), fail));
    until = conditions[0];
    if (conditions.length > 1) orUntil = conditions.slice(1);
  }
  const forIdx = body.search(/\sfor\s/i);
  if (forIdx >= 0) {
    duration = parseDurationText(body.slice(forIdx + 5), fail);
    body = body.slice(0, forIdx);
  }
  const make = (fields: Omit<ExperimentStep, "description" | "period" | "temperature" | "orUntil">): ExperimentStep => ({
    description: described,
    ...fields,
    ...(orUntil ? { orUntil } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(split.period !== undefined ? { period: split.period } : {}),
  });
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
  if (q.unit === "Ohm" && verb === "charge")
    fail(`a cell cannot charge through a resistor: "Discharge at ${m![2].trim()}" connects it to a load (for a charge, give a current, C-rate, power or voltage)`);
  if (q.unit === "V") {
    // PyBaMM also accepts "Charge at 4.2 V": a voltage-controlled step
    if (!(q.value > 0)) fail(`a voltage of ${m![2].trim()} cannot be held: give the cell voltage to hold, e.g. "Hold at 4.2 V until 50 mA"`);
    return make({ kind: "voltage", value: q.value, duration, until });
  }
  if (q.value === 0) fail(`"${m![1]} at ${m![2].trim()}" moves no charge: for no current write a rest ("Rest for 1 hour")`);
  const sign = verb === "discharge" ? 1 : -1;
  const kind = q.unit === "A" ? "current" : q.unit === "C" ? "c-rate" : q.unit === "Ohm" ? "resistance" : "power";
  return make({ kind, value: sign * q.value, duration, until });
}

/**
 * Fails on a duration given after "until" ("Hold at 4.2 V until 1 hour", "Charge at 1C until 4.2 V or until 1 hour"),
 * which {@link parseUntil} would call "not a current", with the step in PyBaMM's form: the duration after "for", then
 * "or until" the condition. `conditions` is the text after the first "until", `head` the step before it, `period` a
 * trailing "(1 minute period)" or "".
 */
function untilDuration(conditions: string, head: string, period: string, fail: (why: string) => never): void {
  const parts = splitConditions(conditions);
  const durations = parts.filter((p) => DURATION.test(p));
  if (durations.length === 0) return;
  const others = parts.filter((p) => !DURATION.test(p));
  const given = `${durations.map((d) => `"${d}"`).join(" and ")} after "until" ${durations.length > 1 ? "are durations" : "is a duration"}, but "until" takes a voltage or a current ("until 4.2 V", "until 50 mA", "until C/50")`;
  const forIdx = head.search(/\sfor\s/i);
  if (forIdx >= 0 || durations.length > 1) {
    fail(`${given}: a step has one duration, after "for", and its conditions after "or until" (PyBaMM's form, e.g. "Charge at 1C for 1 hour or until 4.2 V")`);
  }
  const suggestion = [head.trim(), `for ${durations[0]}`, ...(others.length > 0 ? [`or until ${others.join(" or ")}`] : []), ...(period ? [period] : [])].join(" ");
  fail(`${given}: a duration goes after "for", as in PyBaMM; write "${suggestion}"`);
}

/**
 * Splits the text after "until" into its conditions at " or " (and " or until "), but not inside a quoted variable
 * name: `4.2 V or "Cell temperature [K]" above 318.15` → ["4.2 V", `"Cell temperature [K]" above 318.15`].
 */
function splitConditions(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  const sep = /^\s+or\s+(?:until\s+)?/i;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (!quoted && /\s/.test(text[i])) {
      const m = sep.exec(text.slice(i));
      if (m) {
        parts.push(text.slice(start, i).trim());
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** All conditions of a step, any of which ends it: {@link ExperimentStep.until} and then {@link ExperimentStep.orUntil}. */
export function stepConditions(s: ExperimentStep): readonly StepUntil[] {
  return s.until === undefined ? [] : [s.until, ...(s.orUntil ?? [])];
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

/** A termination condition in the step language ("2.5 V", "50 mA", "C/50", `"Cell temperature [K]" above 318.15`). */
export function describeUntil(u: StepUntil): string {
  if (u.quantity === "variable") return `"${u.name}" ${u.direction === "falling" ? "below" : "above"} ${String(u.value)}`;
  const op = u.quantity === "voltage" || u.quantity === "current" ? (u.direction === "falling" ? "< " : u.direction === "rising" ? "> " : "") : "";
  if (u.quantity === "voltage") return `${op}${fmt(u.value)} V`;
  if (u.quantity === "current") return Math.abs(u.value) < 1 && u.value !== 0 ? `${op}${fmt(u.value * 1000)} mA` : `${op}${fmt(u.value)} A`;
  const inv = 1 / u.value;
  return Math.abs(inv - Math.round(inv)) < 1e-9 * inv && inv > 1 ? `C/${Math.round(inv)}` : `${fmt(u.value)}C`;
}

/** The parts of a step's description after its value: "for …", "or until … or …", "at …oC", "(… period)". */
function describeLimits(duration: number | undefined, until: readonly StepUntil[], period: number | undefined, temperature?: number): string[] {
  const parts: string[] = [];
  if (duration !== undefined) parts.push(`for ${formatDuration(duration)}`);
  if (until.length > 0) parts.push(`${duration !== undefined ? "or " : ""}until ${until.map(describeUntil).join(" or ")}`);
  if (temperature !== undefined) parts.push(`at ${fmt(+(temperature - 273.15).toFixed(6))}oC`);
  if (period !== undefined) parts.push(`(${formatDuration(period)} period)`);
  return parts;
}

/** The step in PyBaMM's language (what {@link parseStep} reads back into the same step). */
function describeStep(kind: StepKind, value: number, duration: number | undefined, until: readonly StepUntil[], period: number | undefined, temperature?: number): string {
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
            : kind === "resistance"
              ? `${verb} at ${Math.abs(value) < 1 ? `${fmt(Math.abs(value) * 1000)} mOhm` : `${fmt(Math.abs(value))} Ohm`}`
              : `${verb} at ${fmt(Math.abs(value))} W`;
  return [head, ...describeLimits(duration, until, period, temperature)].join(" ");
}

const KINDS: readonly StepKind[] = ["current", "c-rate", "power", "resistance", "voltage", "rest"];
const UNITS: Record<StepKind, string> = { current: "A", "c-rate": "C", power: "W", resistance: "Ohm", voltage: "V", rest: "" };
/** The kinds a drive cycle can drive. */
const DRIVE_KINDS: readonly StepKind[] = ["current", "c-rate", "power"];

/**
 * Reads a drive cycle (rows `[t, value]` or columns `{ time, value }`), checks every row, and returns it as typed
 * arrays with the times shifted so that the first row is at 0 (a cycler's log starts at any clock time).
 * `fail` names the step in the message.
 */
function toDriveCycle(input: unknown, unit: string, fail: (why: string) => never): DriveCycle {
  let time: ArrayLike<number>;
  let value: ArrayLike<number>;
  const isList = (a: unknown): a is ArrayLike<unknown> => Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView));
  if (Array.isArray(input)) {
    input.forEach((row: unknown, i) => {
      if (!isList(row) || row.length !== 2) fail(`row ${i + 1} of the drive cycle is ${JSON.stringify(row)}: give rows [time in s, value in ${unit}]`);
    });
    time = input.map((r: ArrayLike<number>) => r[0]);
    value = input.map((r: ArrayLike<number>) => r[1]);
  } else if (typeof input === "object" && input !== null && isList((input as { time?: unknown }).time) && isList((input as { value?: unknown }).value)) {
    time = (input as { time: ArrayLike<number> }).time;
    value = (input as { value: ArrayLike<number> }).value;
    if (time.length !== value.length) fail(`the drive cycle has ${time.length} times and ${value.length} values: give one value per time`);
  } else {
    return fail(`the drive cycle must be rows [[t, value], …] or columns { time: [...], value: [...] } (times in s, values in ${unit}), got ${String(input)}`);
  }
  const m = time.length;
  if (m < 2) fail(`the drive cycle has ${m} row${m === 1 ? "" : "s"}: it needs at least 2 (a constant value is a plain step)`);
  for (let i = 0; i < m; i++) {
    if (typeof time[i] !== "number" || !Number.isFinite(time[i])) fail(`row ${i + 1} of the drive cycle: the time ${String(time[i])} is not a finite number of seconds`);
    if (typeof value[i] !== "number" || !Number.isFinite(value[i])) fail(`row ${i + 1} of the drive cycle (t = ${time[i]} s): the value ${String(value[i])} is not a finite number [${unit}]`);
    if (i > 0 && !(time[i] > time[i - 1]))
      fail(`row ${i + 1} of the drive cycle: the time ${time[i]} s does not come after row ${i}'s ${time[i - 1]} s; times must increase strictly (for a jump in the value, end the step there and start another)`);
  }
  const t0 = time[0];
  const out: DriveCycle = { time: Float64Array.from(time, (x) => x - t0), value: Float64Array.from(value) };
  if (out.value.every((v) => v === 0)) fail(`the drive cycle is 0 ${unit} throughout, which moves no charge: use a rest (step.rest(...))`);
  return out;
}

/**
 * Mean of a function of time over [0, duration] (1001 samples; its value at 0 without a duration); fails naming the
 * first sample time at which it is not a finite number.
 */
function functionMean(f: ValueFunction, duration: unknown, unit: string, fail: (why: string) => never): number {
  if (!(typeof duration === "number" && duration > 0 && Number.isFinite(duration))) return f(0);
  let sum = 0;
  const n = 1000;
  for (let i = 0; i <= n; i++) {
    const t = (i / n) * duration;
    const v = f(t);
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`has a function of time that returns ${String(v)} at t = ${+t.toPrecision(6)} s: it must return a finite number [${unit}] over the step's duration`);
    sum += (i === 0 || i === n ? 0.5 : 1) * v;
  }
  return sum / n;
}

/** A function-of-time step described for the step log ("Current function of time for 10 minutes or until 3 V"). */
function describeFunctionStep(kind: StepKind, duration: number | undefined, until: readonly StepUntil[], period: number | undefined, temperature?: number): string {
  const what = kind === "current" ? "Current" : kind === "c-rate" ? "C-rate" : "Power";
  return [`${what} function of time`, ...describeLimits(duration, until, period, temperature)].join(" ");
}

/** Time average of a drive cycle's value (trapezoids). */
function driveCycleMean(d: DriveCycle): number {
  let s = 0;
  for (let i = 1; i < d.time.length; i++) s += 0.5 * (d.value[i] + d.value[i - 1]) * (d.time[i] - d.time[i - 1]);
  return s / d.time[d.time.length - 1];
}

/** A drive-cycle step described for the step log ("Current drive cycle: 601 rows over 10 minutes, -5 to 10 A"). */
function describeDriveCycle(kind: StepKind, d: DriveCycle, duration: number | undefined, until: readonly StepUntil[], period: number | undefined, temperature?: number): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d.value) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const what = kind === "current" ? "Current" : kind === "c-rate" ? "C-rate" : "Power";
  return [`${what} drive cycle: ${d.time.length} rows over ${formatDuration(d.time[d.time.length - 1])}, ${fmt(lo)} to ${fmt(hi)} ${UNITS[kind]}`, ...describeLimits(duration, until, period, temperature)].join(" ");
}

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
  let driveCycle: DriveCycle | undefined;
  if (s.driveCycle !== undefined) {
    if (!DRIVE_KINDS.includes(kind)) fail(`is a ${kind} step with a drive cycle: a drive cycle drives a current, a C-rate or a power`);
    driveCycle = toDriveCycle(s.driveCycle, UNITS[kind], fail);
  }
  let valueFunction: ValueFunction | undefined;
  if (s.valueFunction !== undefined) {
    if (typeof s.valueFunction !== "function") fail(`has valueFunction ${String(s.valueFunction)}: give a function of the time [s] from the step's start`);
    if (!DRIVE_KINDS.includes(kind)) fail(`is a ${kind} step with a function of time: a function drives a current, a C-rate or a power`);
    if (driveCycle) fail(`has both a drive cycle and a function of time: give one`);
    valueFunction = s.valueFunction as ValueFunction;
    const v0 = valueFunction(0);
    if (typeof v0 !== "number" || !Number.isFinite(v0)) fail(`has a function of time that returns ${String(v0)} at t = 0 s: it must return a finite number [${UNITS[kind]}]`);
  }
  // a drive cycle's or a function's value is its time average, recomputed here (it only informs)
  const value = driveCycle ? driveCycleMean(driveCycle) : valueFunction ? functionMean(valueFunction, s.duration, UNITS[kind], fail) : s.value;
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`has value ${String(value)}: the ${kind} must be a finite number${UNITS[kind] ? ` [${UNITS[kind]}]` : ""}`);
  const v = value as number;
  if (kind === "rest" && v !== 0) fail(`is a rest with value ${v}: a rest has value 0 (for a current use kind "current")`);
  if (kind === "voltage" && !(v > 0)) fail(`holds at ${v} V: the voltage to hold must be positive`);
  if ((kind === "current" || kind === "c-rate" || kind === "power") && v === 0 && !driveCycle && !valueFunction) fail(`has ${kind} 0, which moves no charge: use a rest (step.rest(...)) for no current`);
  if (kind === "resistance" && !(v > 0)) fail(`has resistance ${v} Ω: a load is a positive resistance (0 would be a short circuit, and a cell cannot charge through a resistor)`);
  if (s.duration !== undefined && !(typeof s.duration === "number" && Number.isFinite(s.duration) && s.duration > 0)) fail(`has duration ${String(s.duration)}: a duration is a positive number of seconds`);
  if (s.period !== undefined && !(typeof s.period === "number" && Number.isFinite(s.period) && s.period > 0)) fail(`has period ${String(s.period)}: a period is a positive number of seconds`);
  const checkUntil = (raw: unknown): StepUntil => {
    const u = raw as { quantity?: unknown; value?: unknown; name?: unknown; direction?: unknown };
    if (typeof u !== "object" || u === null || !["voltage", "current", "c-rate", "variable"].includes(u.quantity as string))
      fail(`has until ${JSON.stringify(raw)}: give { quantity: "voltage" | "current" | "c-rate", value } or { quantity: "variable", name, value, direction: "falling" | "rising" }`);
    if (u.quantity === "variable") {
      if (u.direction !== "falling" && u.direction !== "rising") fail(`has until on "${String(u.name)}" with direction ${JSON.stringify(u.direction)}: give "falling" (ends at or below the value) or "rising"`);
      return variableUntil(u.name, u.direction as "falling" | "rising", u.value, fail);
    }
    if (u.direction !== undefined && (u.quantity === "c-rate" || (u.direction !== "falling" && u.direction !== "rising")))
      fail(`has until ${u.quantity} with direction ${JSON.stringify(u.direction)}: a voltage or a current condition may have direction "falling" (< value) or "rising" (> value)`);
    // a current with a direction compares the signed current (> 0 discharges), so any finite value
    const signed = u.quantity === "current" && u.direction !== undefined;
    if (!(typeof u.value === "number" && Number.isFinite(u.value) && (signed || u.value > 0))) fail(`has until ${u.quantity} ${String(u.value)}: the condition's value must be a positive finite number (a current condition is on |I|)`);
    return u as StepUntil;
  };
  const until = s.until === undefined ? undefined : checkUntil(s.until);
  let orUntil: StepUntil[] | undefined;
  if (s.orUntil !== undefined) {
    if (!Array.isArray(s.orUntil)) fail(`has orUntil ${JSON.stringify(s.orUntil)}: give a list of conditions`);
    if (until === undefined) fail(`has orUntil but no until: the first condition goes in until`);
    orUntil = (s.orUntil as unknown[]).map(checkUntil);
    if (orUntil.length === 0) orUntil = undefined;
  }
  if (s.duration === undefined && until === undefined && !driveCycle && !valueFunction) fail(`has neither a duration nor an until condition: it needs one ("for 1 hour" or "until 2.5 V")`);
  if (driveCycle && typeof s.duration === "number") {
    const span = driveCycle.time[driveCycle.time.length - 1];
    if (s.duration > span * (1 + 1e-12)) fail(`has duration ${s.duration} s, longer than its drive cycle (${span} s): shorten the duration, or add rows to the drive cycle`);
  }
  if (s.description !== undefined && typeof s.description !== "string") fail(`has a description that is not a string`);
  if (s.temperature !== undefined && !(typeof s.temperature === "number" && s.temperature >= 200 && s.temperature <= 400))
    fail(`has temperature ${String(s.temperature)}: a temperature is in kelvin, within 200–400 K`);
  if (s.tags !== undefined && !(Array.isArray(s.tags) && s.tags.every((x) => typeof x === "string" && x.trim() !== "")))
    fail(`has tags ${JSON.stringify(s.tags)}: tags are a list of non-empty strings, e.g. ["cycling"]`);
  const tags = s.tags === undefined ? undefined : Object.freeze((s.tags as string[]).map((x) => x.trim()));
  const duration = s.duration as number | undefined;
  const period = s.period as number | undefined;
  const temperature = s.temperature as number | undefined;
  const description =
    typeof s.description === "string" && s.description !== ""
      ? s.description
      : driveCycle
        ? describeDriveCycle(kind, driveCycle, duration, until ? [until, ...(orUntil ?? [])] : [], period, temperature)
        : valueFunction
          ? describeFunctionStep(kind, duration, until ? [until, ...(orUntil ?? [])] : [], period, temperature)
        : describeStep(kind, v, duration, until ? [until, ...(orUntil ?? [])] : [], period, temperature);
  return {
    description,
    kind,
    value: v,
    ...(driveCycle ? { driveCycle } : {}),
    ...(valueFunction ? { valueFunction } : {}),
    ...(duration !== undefined ? { duration } : {}),
    ...(until ? { until } : {}),
    ...(orUntil ? { orUntil } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(period !== undefined ? { period } : {}),
    ...(tags !== undefined && tags.length > 0 ? { tags } : {}),
  };
}

/** One termination condition as the {@link step} constructors take it. */
export type UntilInput = string | StepUntil | VariableUntil;

/** Options of the {@link step} constructors (PyBaMM's `duration`, `termination` and `period` keywords). */
export interface StepOptions {
  /** Maximum duration: seconds, or text such as "1 hour". Without it, see {@link ExperimentStep.duration}. */
  duration?: number | string;
  /**
   * Termination condition: text such as "2.5 V", "50 mA", "C/50", a condition on a named output variable
   * (`{ variable: "Cell temperature [K]", above: 318.15 }`, or the text `"Cell temperature [K]" above 318.15`), or a
   * {@link StepUntil}; or a list of these, any of which ends the step (PyBaMM's `termination` list:
   * `until: ["4.2 V", { variable: "Cell temperature [K]", above: 318.15 }]`).
   */
  until?: UntilInput | readonly UntilInput[];
  /** Output period: seconds, or text such as "1 minute" (see {@link ExperimentStep.period}). */
  period?: number | string;
  /** Description shown in the step log (default: the step in PyBaMM's language, e.g. "Discharge at 5 A until 2.5 V"). */
  description?: string;
  /** The cell's temperature during the step: kelvin, or text such as "25oC" (see {@link ExperimentStep.temperature}). */
  temperature?: number | string;
  /** Labels of the step, as PyBaMM's `tags` (see {@link ExperimentStep.tags}). */
  tags?: string | readonly string[];
}

/** A value that changes in time, as the {@link step} constructors take it: a function of the time [s] from the step's start. */
export type ValueFunction = (t: number) => number;

/** Builds a step from a constructor call; `call` names the call in messages. */
function makeStep(kind: StepKind, value: number | DriveCycleInput | ValueFunction, opts: StepOptions, call: string): ExperimentStep {
  const fail = (why: string): never => {
    throw new ExperimentError(`${call}: ${why}`);
  };
  if (typeof opts !== "object" || opts === null) fail(`the options must be an object such as { until: "2.5 V" }, got ${String(opts)}`);
  const known = ["duration", "until", "period", "description", "temperature", "tags"];
  for (const k of Object.keys(opts)) if (!known.includes(k)) fail(`unknown option "${k}". Did you mean: ${nearestNames(k, known, 1).map((n) => `"${n}"`).join(", ")}? Options: ${known.join(", ")}`);
  const duration = opts.duration === undefined ? undefined : toSeconds(opts.duration, fail);
  const period = opts.period === undefined ? undefined : toSeconds(opts.period, fail, "period");
  const given: readonly UntilInput[] = opts.until === undefined ? [] : Array.isArray(opts.until) ? (opts.until as readonly UntilInput[]) : [opts.until as UntilInput];
  if (Array.isArray(opts.until) && given.length === 0) fail(`until is an empty list: give at least one condition, or leave until out`);
  const conditions = given.map((u) => {
    if (typeof u === "string" && DURATION.test(u.trim())) fail(`until "${u.trim()}" is a duration, but "until" takes a voltage or a current: give it as { duration: "${u.trim()}" }`);
    return typeof u === "string" ? parseUntil(u, fail) : toStepUntil(u, fail);
  });
  const until = conditions[0];
  const orUntil = conditions.length > 1 ? conditions.slice(1) : undefined;
  const temperature = opts.temperature === undefined ? undefined : toKelvin(opts.temperature, fail);
  const tags = opts.tags === undefined ? undefined : typeof opts.tags === "string" ? [opts.tags] : opts.tags;
  const common = { duration, until, orUntil, period, temperature, description: opts.description, ...(tags !== undefined ? { tags } : {}) };
  if (typeof value === "function") return checkStep({ kind, value: 0, valueFunction: value, ...common }, call);
  if (typeof value === "object" && value !== null) {
    const driveCycle = toDriveCycle(value, UNITS[kind], fail);
    return checkStep({ kind, value: 0, driveCycle, ...common }, call);
  }
  return checkStep({ kind, value, ...common }, call);
}

/** A constructor's object condition: `{ variable, below | above }` becomes a variable {@link StepUntil}; a StepUntil passes (checked later). */
function toStepUntil(u: StepUntil | VariableUntil, fail: (why: string) => never): StepUntil {
  if (typeof u !== "object" || u === null) return fail(`until must be a text such as "2.5 V" or an object, got ${String(u)}`);
  if ("variable" in u) {
    const below = "below" in u;
    const above = "above" in u;
    if (below === above) fail(`the condition on "${String(u.variable)}" needs exactly one of below or above`);
    return variableUntil(u.variable, below ? "falling" : "rising", below ? (u as { below: number }).below : (u as { above: number }).above, fail);
  }
  return u;
}

/** How a constructor call names its value in messages: the number, the drive cycle's size, or "function of t". */
function argLabel(value: number | DriveCycleInput | ValueFunction): string {
  if (typeof value === "function") return "function of t";
  if (typeof value !== "object" || value === null) return String(value);
  const rows = Array.isArray(value) ? value.length : (value as { time?: ArrayLike<number> }).time?.length;
  return `drive cycle of ${rows ?? "?"} rows`;
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
 *   step.current([[0, 5], [30, 5], [31, -3], [60, -3]]),       // a drive cycle: 5 A for 30 s, then −3 A (1 s ramp)
 * ]);
 * @throws ExperimentError for a non-finite or zero value, a non-positive duration or period, an unreadable condition
 */
export const step = {
  /**
   * A constant current [A] (> 0 discharges, < 0 charges), a drive cycle of currents: rows `[[t, I], …]` or
   * columns `{ time, value }` (seconds, amperes), linearly interpolated, lasting as long as its rows unless
   * `duration` is shorter (see {@link ExperimentStep.driveCycle}), or a function of the time from the step's start,
   * `(t) => 5 + Math.sin(t / 10)` (see {@link ExperimentStep.valueFunction}).
   */
  current(value: number | DriveCycleInput | ValueFunction, opts: StepOptions = {}): ExperimentStep {
    return makeStep("current", value, opts, `step.current(${argLabel(value)})`);
  },
  /** A constant C-rate (multiple of the nominal capacity per hour; > 0 discharges, < 0 charges), a drive cycle of C-rates or a function of time (as {@link step}.current). */
  cRate(value: number | DriveCycleInput | ValueFunction, opts: StepOptions = {}): ExperimentStep {
    return makeStep("c-rate", value, opts, `step.cRate(${argLabel(value)})`);
  },
  /** A constant power [W] (> 0 discharges, < 0 charges), a drive cycle of powers or a function of time (as {@link step}.current). */
  power(value: number | DriveCycleInput | ValueFunction, opts: StepOptions = {}): ExperimentStep {
    return makeStep("power", value, opts, `step.power(${argLabel(value)})`);
  },
  /**
   * A resistive load [Ω] (> 0): the cell discharges through it, V = I·R, its current falling with its voltage
   * (PyBaMM's `pybamm.step.resistance`).
   */
  resistance(value: number, opts: StepOptions = {}): ExperimentStep {
    return makeStep("resistance", value, opts, `step.resistance(${value})`);
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
  /**
   * Lower voltage cut-off [V]: bounds a resistive load's smallest current (lower voltage / R). Without it a resistance
   * step gets one day.
   */
  lowerVoltage?: number;
}

/**
 * The duration [s] of a step that gives none. PyBaMM's rule for C-rates: twice the time the rate takes to move the
 * nominal capacity (2 h / |C|; C/50 → 100 h). PyBaMM gives currents and powers one day whatever their size, which
 * cuts a slow step short (C/50 needs 50 h); here they get the same rule through their C-rate equivalent: a current
 * I → 2 · capacity / |I| hours, a power P → 2 · capacity · upper cut-off / |P| hours (the most energy the cell can
 * hold, so a power step is never cut short by this), a resistance R → 2 · capacity · R / lower cut-off hours (its
 * smallest current). Rests and holds, whose end cannot be predicted from a rate: one day (PyBaMM's default). A drive
 * cycle: its own length. A function of time: one day.
 */
export function defaultDuration(s: ExperimentStep, cell: CellRatings): number {
  if (s.driveCycle) return s.driveCycle.time[s.driveCycle.time.length - 1];
  if (s.valueFunction) return 86400;
  const twoHours = 2 * 3600;
  if (s.kind === "c-rate") return twoHours / Math.abs(s.value);
  if (s.kind === "current") return (twoHours * cell.capacity) / Math.abs(s.value);
  if (s.kind === "power") return (twoHours * cell.capacity * cell.upperVoltage) / Math.abs(s.value);
  if (s.kind === "resistance" && cell.lowerVoltage !== undefined && cell.lowerVoltage > 0) return (twoHours * cell.capacity * Math.abs(s.value)) / cell.lowerVoltage;
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
  /**
   * Conditions that stop the whole experiment (PyBaMM's `Experiment(termination=...)`), one text or a list:
   * `"80% capacity"` or `"4 A.h capacity"` (checked at the end of each cycle against the cycle's discharge capacity:
   * a percentage is of the first cycle that discharged anything), `"3 V"` (checked at the end of each cycle against its lowest voltage), or a
   * duration such as `"10 hours"` (the experiment's clock: the step running then is cut there). See
   * {@link ExperimentTermination}.
   */
  termination?: string | readonly string[];
  /**
   * The cell's temperature for every step that gives none of its own: kelvin, or text such as "25oC" (PyBaMM's
   * `Experiment(temperature=...)`). Default: the set's "Ambient temperature [K]". With the lumped thermal model it is
   * the steps' ambient temperature (see {@link ExperimentStep.temperature}).
   */
  temperature?: number | string;
}

/**
 * A parsed experiment-wide stopping condition (see {@link ExperimentOptions.termination}). The capacity is the cycle's
 * discharge capacity, as a cycler measures it, where PyBaMM uses its electrode state-of-health capacity: these models
 * do not age, so that one would never change.
 */
export type ExperimentTermination =
  | { readonly kind: "capacity"; readonly value: number; readonly unit: "%" | "A.h"; readonly text: string }
  | { readonly kind: "voltage"; readonly value: number; readonly text: string }
  | { readonly kind: "time"; readonly value: number; readonly text: string };

/** Parses one experiment termination ("80% capacity", "4 A.h capacity", "3 V", "10 hours"). */
function parseTermination(text: unknown): ExperimentTermination {
  const fail = (why: string): never => {
    throw new ExperimentError(`Experiment: termination ${JSON.stringify(text)}: ${why}. Valid forms: "80% capacity", "4 A.h capacity", "3 V", "10 hours"`);
  };
  if (typeof text !== "string") return fail("a termination is a text");
  const t = text.trim().replace(/\s+/g, " ");
  let m = new RegExp(String.raw`^${NUM}\s*%\s*capacity$`, "i").exec(t);
  if (m) {
    const v = Number(m[1]);
    if (!(v > 0 && v <= 100)) fail("a capacity percentage is in (0, 100]");
    return { kind: "capacity", value: v, unit: "%", text: t };
  }
  m = new RegExp(String.raw`^${NUM}\s*(mA\.?h|A\.?h)\s*capacity$`, "i").exec(t);
  if (m) {
    const v = Number(m[1]) / (m[2].toLowerCase().startsWith("m") ? 1000 : 1);
    if (!(v > 0 && Number.isFinite(v))) fail("a capacity is positive");
    return { kind: "capacity", value: v, unit: "A.h", text: t };
  }
  m = new RegExp(String.raw`^${NUM}\s*(mV|V)$`).exec(t);
  if (m) {
    const v = Number(m[1]) / (m[2] === "mV" ? 1000 : 1);
    if (!(v > 0 && Number.isFinite(v))) fail("a voltage is positive");
    return { kind: "voltage", value: v, text: t };
  }
  if (/capacity/i.test(t)) fail('a capacity is a percentage of the first cycle\'s ("80% capacity") or in A.h ("4 A.h capacity")');
  return { kind: "time", value: parseDurationText(t, fail, "termination"), text: t };
}

/** One step as given to {@link Experiment}: a string in the step language or a step object ({@link step}). */
export type StepInput = string | ExperimentStep;

/**
 * A sequence of cycles, each a list of steps (PyBaMM's `pybamm.Experiment`).
 *
 * Cycles are grouped differently from PyBaMM. Here a flat list of steps is ONE cycle (repeated `cycles` times), and a
 * list of lists gives one cycle per inner list. In PyBaMM each element of a flat list is a cycle of its own, and a
 * tuple groups steps into one cycle: `pybamm.Experiment(["Discharge at 1C until 2.5 V", "Rest for 1 hour"])` has two
 * cycles of one step each, where `new Experiment(["Discharge at 1C until 2.5 V", "Rest for 1 hour"])` has one cycle of
 * two steps. The steps run the same either way; what differs is the cycle numbering ("Cycle number", "Step number",
 * {@link Solution.cycles}, {@link Solution.stepLog}). To get PyBaMM's cycles, write its list as a list of lists: each
 * string of PyBaMM's list becomes a one-step list (`[["Discharge at 1C until 2.5 V"], ["Rest for 1 hour"]]`), and
 * each tuple becomes a list (PyBaMM's `[("Discharge at 1C until 2.5 V", "Rest for 1 hour")] * 3` is
 * `new Experiment([["Discharge at 1C until 2.5 V", "Rest for 1 hour"]], { cycles: 3 })`).
 *
 * @example
 * const exp = new Experiment(["Discharge at 1C until 2.5 V", "Rest for 1 hour", "Charge at 0.5C until 4.2 V", "Hold at 4.2 V until 50 mA"], { cycles: 3 });
 * exp.cycles.length; // 3: the flat list is one cycle of four steps, repeated
 * new Experiment([["Discharge at 1C until 2.5 V"], ["Rest for 1 hour"]]).cycles.length; // 2, as PyBaMM's flat list of these two steps
 * new Experiment([step.cRate(1, { until: "2.5 V" }), step.rest("10 minutes")], { period: "30 s" });
 * @throws ExperimentSyntaxError for an unreadable step string, ExperimentError for an invalid step object or list,
 *   each naming the step's place ("step 2 of cycle 1")
 */
export class Experiment {
  /** Steps of each cycle. */
  readonly cycles: ExperimentStep[][];
  /** The default output period [s] (from {@link ExperimentOptions.period}), if any. */
  readonly period?: number;
  /** Experiment-wide stopping conditions (from {@link ExperimentOptions.termination}), in the order given. */
  readonly termination: readonly ExperimentTermination[];
  /** The temperature [K] of the steps that give none (from {@link ExperimentOptions.temperature}), if any. */
  readonly temperature?: number;

  /**
   * @param steps a flat list (ONE cycle, where PyBaMM makes each element a cycle) or a list of cycles (arrays, as
   *   PyBaMM's tuples); strings are parsed with {@link parseStep}, step objects are checked field by field
   * @param opts repetition, default output period and experiment-wide terminations
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
    const terms = opts.termination === undefined ? [] : typeof opts.termination === "string" ? [opts.termination] : Array.isArray(opts.termination) ? opts.termination : [opts.termination as unknown];
    this.termination = terms.map(parseTermination);
    if (opts.temperature !== undefined) this.temperature = toKelvin(opts.temperature, (why) => { throw new ExperimentError(`Experiment: option temperature: ${why}`); });
  }

  /**
   * The 0-based indices of the cycles with a step tagged `tag` (PyBaMM's `Experiment.search_tag`).
   *
   * @example
   * const exp = new Experiment([[step.cRate(1, { until: "2.5 V", tags: ["rpt"] })], ["Rest for 1 hour"]], { cycles: 2 });
   * exp.searchTag("rpt"); // [0, 2]
   */
  searchTag(tag: string): number[] {
    const found: number[] = [];
    this.cycles.forEach((c, i) => {
      if (c.some((st) => st.tags?.includes(tag))) found.push(i);
    });
    return found;
  }
}
