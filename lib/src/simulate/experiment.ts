/**
 * Experiments in PyBaMM's language: `"Discharge at 1C until 2.5 V"`, `"Charge at 0.5C until 4.2 V"`,
 * `"Hold at 4.2 V until 50 mA"`, `"Rest for 1 hour"`, `"Discharge at 10 W for 10 minutes"`; currents in A/mA,
 * C-rates (`1C`, `0.5C`, `C/2`), powers in W/mW; a list of steps repeated for N cycles.
 */

/** One parsed experiment step. Signs follow PyBaMM: discharge current/power > 0. */
export interface ExperimentStep {
  /** The text the step was parsed from (or a generated description). */
  readonly description: string;
  /** What is controlled. */
  readonly kind: "current" | "c-rate" | "power" | "voltage" | "rest";
  /** Signed value: A for "current", C-rate for "c-rate", W for "power", V for "voltage", 0 for "rest". */
  readonly value: number;
  /** Maximum duration [s], if given ("for 10 minutes"). */
  readonly duration?: number;
  /** Termination condition ("until 2.5 V", "until 50 mA", "until C/50"). */
  readonly until?: { quantity: "voltage"; value: number } | { quantity: "current"; value: number } | { quantity: "c-rate"; value: number };
}

/** Thrown for a step the parser does not understand; lists valid examples. */
export class ExperimentSyntaxError extends Error {
  constructor(step: string, why: string) {
    super(
      `Cannot parse experiment step "${step}": ${why}. Valid examples: "Discharge at 1C until 2.5 V", "Charge at 0.5C until 4.2 V", ` +
        `"Hold at 4.2 V until 50 mA", "Rest for 1 hour", "Discharge at 10 W for 10 minutes", "Charge at 1 A for 30 minutes or until 4.1 V", "Discharge at C/20 until 3 V".`,
    );
    this.name = "ExperimentSyntaxError";
  }
}

const NUM = String.raw`([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)`;

function parseDuration(text: string, step: string): number {
  const m = new RegExp(String.raw`^${NUM}\s*(s|sec|secs|second|seconds|min|mins|minute|minutes|h|hr|hrs|hour|hours|day|days)$`, "i").exec(text.trim());
  if (!m) throw new ExperimentSyntaxError(step, `"${text}" is not a duration (use e.g. "10 minutes", "1 hour", "30 s")`);
  const v = Number(m[1]);
  const u = m[2].toLowerCase();
  const mult = u.startsWith("s") ? 1 : u.startsWith("m") ? 60 : u.startsWith("d") ? 86400 : 3600;
  return v * mult;
}

/** Parses "1C", "0.5 C", "C/2", "2 A", "50 mA", "10 W", "4.2 V" into a unit and value. */
function parseQuantity(text: string, step: string): { unit: "A" | "C" | "W" | "V"; value: number } {
  const t = text.trim();
  let m = /^C\s*\/\s*([0-9]*\.?[0-9]+)$/i.exec(t);
  if (m) return { unit: "C", value: 1 / Number(m[1]) };
  m = new RegExp(String.raw`^${NUM}\s*(mA|A|C|mW|W|kW|mV|V)$`).exec(t);
  if (!m) throw new ExperimentSyntaxError(step, `"${t}" is not a current (A, mA), C-rate (1C, C/2), power (W, mW) or voltage (V, mV)`);
  const v = Number(m[1]);
  switch (m[2]) {
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

/**
 * Parses one step in PyBaMM's experiment language.
 *
 * @example
 * parseStep("Discharge at 1C until 2.5 V"); // { kind: "c-rate", value: 1, until: { quantity: "voltage", value: 2.5 } }
 * parseStep("Hold at 4.2 V until 50 mA");  // { kind: "voltage", value: 4.2, until: { quantity: "current", value: 0.05 } }
 */
export function parseStep(step: string): ExperimentStep {
  const s = step.trim().replace(/\s+/g, " ");
  let body = s;
  let until: ExperimentStep["until"];
  let duration: number | undefined;
  const untilIdx = body.search(/\s(or\s)?until\s/i);
  if (untilIdx >= 0) {
    const u = body.slice(untilIdx).replace(/^\s(or\s)?until\s/i, "");
    body = body.slice(0, untilIdx);
    const q = parseQuantity(u, step);
    if (q.unit === "V") until = { quantity: "voltage", value: q.value };
    else if (q.unit === "A") until = { quantity: "current", value: Math.abs(q.value) };
    else if (q.unit === "C") until = { quantity: "c-rate", value: Math.abs(q.value) };
    else throw new ExperimentSyntaxError(step, `a step can end on a voltage or a current, not a power ("${u}")`);
  }
  const forIdx = body.search(/\sfor\s/i);
  if (forIdx >= 0) {
    duration = parseDuration(body.slice(forIdx + 5), step);
    body = body.slice(0, forIdx);
  }
  let m = /^rest$/i.exec(body);
  if (m) {
    if (duration === undefined && until === undefined) throw new ExperimentSyntaxError(step, `a rest needs a duration ("Rest for 1 hour")`);
    return { description: s, kind: "rest", value: 0, duration, until };
  }
  m = /^(discharge|charge|hold) at (.+)$/i.exec(body);
  if (!m) throw new ExperimentSyntaxError(step, `a step starts with "Discharge at", "Charge at", "Hold at" or "Rest for"`);
  const verb = m[1].toLowerCase();
  const q = parseQuantity(m[2], step);
  if (duration === undefined && until === undefined) throw new ExperimentSyntaxError(step, `the step needs "for <duration>" or "until <voltage|current>"`);
  if (!(q.value >= 0)) throw new ExperimentSyntaxError(step, "the value must be positive (the verb gives the sign)");
  if (verb === "hold") {
    if (q.unit !== "V") throw new ExperimentSyntaxError(step, `"Hold at" takes a voltage (e.g. "Hold at 4.2 V until 50 mA")`);
    return { description: s, kind: "voltage", value: q.value, duration, until };
  }
  const sign = verb === "discharge" ? 1 : -1;
  if (q.unit === "V") {
    // PyBaMM also accepts "Charge at 4.2 V": a voltage-controlled step
    return { description: s, kind: "voltage", value: q.value, duration, until };
  }
  const kind = q.unit === "A" ? "current" : q.unit === "C" ? "c-rate" : "power";
  return { description: s, kind, value: sign * q.value, duration, until };
}

/** Options of {@link Experiment}. */
export interface ExperimentOptions {
  /** Repeat the whole list of steps this many times (default 1). */
  cycles?: number;
}

/**
 * A sequence of cycles, each a list of steps (PyBaMM's `pybamm.Experiment`).
 *
 * @example
 * const exp = new Experiment(["Discharge at 1C until 2.5 V", "Rest for 1 hour", "Charge at 0.5C until 4.2 V", "Hold at 4.2 V until 50 mA"], { cycles: 3 });
 * exp.cycles.length; // 3
 */
export class Experiment {
  /** Steps of each cycle. */
  readonly cycles: ExperimentStep[][];

  /**
   * @param steps a flat list (one cycle) or a list of cycles (arrays); strings are parsed with {@link parseStep}
   * @param opts repetition
   */
  constructor(steps: (string | ExperimentStep)[] | (string | ExperimentStep)[][], opts: ExperimentOptions = {}) {
    const reps = opts.cycles ?? 1;
    if (!(Number.isInteger(reps) && reps >= 1)) throw new Error(`Experiment: cycles must be a positive integer, got ${reps}`);
    if (!Array.isArray(steps) || steps.length === 0) throw new Error("Experiment: give at least one step, e.g. new Experiment([\"Discharge at 1C until 2.5 V\"])");
    const nested = Array.isArray(steps[0]);
    const cycles: (string | ExperimentStep)[][] = nested ? (steps as (string | ExperimentStep)[][]) : [steps as (string | ExperimentStep)[]];
    const parsed = cycles.map((c) => c.map((s) => (typeof s === "string" ? parseStep(s) : s)));
    this.cycles = [];
    for (let r = 0; r < reps; r++) for (const c of parsed) this.cycles.push(c);
  }
}
