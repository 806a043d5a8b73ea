/**
 * Parameter sets named AuthorYear (`Chen2020`, `Marquis2019`, `Ecker2015`), looked up by PyBaMM's names with
 * units in the name. The numbers are facts from the papers and PyBaMM's parameter files as recorded in
 * datasets-src/pybamm-parameters (PyBaMM commit 7c9f5bd8, BSD-3-Clause); no PyBaMM code was copied.
 */
import { pchip } from "./interp";
import type { Interpolant1D } from "./interp";
import { graphiteLGM50OcpChen2020, nmcLGM50OcpChen2020, graphiteOcpEcker2015, ncoOcpEcker2015 } from "./data/tables";

/** Molar gas constant R [J.mol-1.K-1] (CODATA 2018, as PyBaMM). */
export const GAS_CONSTANT: number = 8.314462618;
/** Faraday constant F [C.mol-1] (CODATA 2018, as PyBaMM). */
export const FARADAY: number = 96485.33212;

/** Open-circuit potential U(sto, T) [V] of a stoichiometry (surface concentration / maximum) and temperature [K]. */
export type OcpFunction = (sto: number, T: number) => number;
/** Particle diffusivity D(sto, T) [m2.s-1]. */
export type ParticleDiffusivityFunction = (sto: number, T: number) => number;
/** Exchange-current density j0(c_e [mol.m-3], c_s,surf [mol.m-3], c_s,max [mol.m-3], T [K]) [A.m-2]. */
export type ExchangeCurrentFunction = (ce: number, cs: number, csMax: number, T: number) => number;
/** Electrolyte property f(c_e [mol.m-3], T [K]) (diffusivity [m2.s-1] or conductivity [S.m-1]). */
export type ElectrolyteFunction = (ce: number, T: number) => number;

/**
 * OCP entropic change dU/dT(sto) [V.K-1], a function of stoichiometry only (PyBaMM since PR #4427); the OCP at
 * temperature T is U_ref(sto) + (T − T_ref)·dU/dT(sto) and the reversible heat is a·j·T·dU/dT.
 */
export type EntropicChangeFunction = (sto: number) => number;

/** A parameter value: a number, or one of the typed functions. */
export type ParameterValue = number | OcpFunction | ExchangeCurrentFunction | ElectrolyteFunction | EntropicChangeFunction;

/** Names of the parameter sets shipped with the library. */
export type ParameterSetName = "Chen2020" | "Marquis2019" | "Ecker2015";

/** Levenshtein edit distance (case-insensitive), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const prev = new Array<number>(b.length + 1);
  const cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j];
  }
  return prev[b.length];
}

/** The `count` names nearest to `name` by edit distance. */
export function nearestNames(name: string, candidates: Iterable<string>, count: number = 3): string[] {
  return [...candidates]
    .map((c) => ({ c, d: editDistance(name, c) }))
    .sort((p, q) => p.d - q.d || p.c.localeCompare(q.c))
    .slice(0, count)
    .map((p) => p.c);
}

/** Raised when a parameter name is not in a set; the message lists the nearest valid names. */
export class UnknownParameterError extends Error {
  /** Nearest valid names, best first. */
  readonly suggestions: string[];
  constructor(name: string, setName: string, suggestions: string[], why?: string) {
    super(
      why
        ? `Parameter "${name}" in parameter set ${setName} ${why}. Did you mean: ${suggestions.map((s) => `"${s}"`).join(", ")}?`
        : suggestions.length > 0
          ? `Unknown parameter "${name}" in parameter set ${setName}. Did you mean: ${suggestions.map((s) => `"${s}"`).join(", ")}?`
          : `Unknown parameter "${name}" in parameter set ${setName}, which has no parameters`,
    );
    this.name = "UnknownParameterError";
    this.suggestions = suggestions;
  }
}

/**
 * A set of parameter values keyed by PyBaMM's names (units in the name, e.g.
 * `"Negative particle diffusivity [m2.s-1]"`). Immutable: {@link ParameterValues.update} returns a copy.
 *
 * @example
 * const p = parameterValues("Chen2020");
 * p.number("Nominal cell capacity [A.h]"); // 5
 * const D = p.fn<ParticleDiffusivityFunction>("Negative particle diffusivity [m2.s-1]");
 * p.update({ "Current function [A]": 2.5 });
 */
export class ParameterValues {
  /** Name of the set (e.g. "Chen2020", or "Chen2020 (modified)" after update). */
  readonly setName: string;
  /** Papers the values come from. */
  readonly citations: readonly string[];
  private readonly values: ReadonlyMap<string, ParameterValue>;

  /**
   * @param setName - name reported in messages (e.g. "Chen2020")
   * @param values - values keyed by PyBaMM's names; each a finite number or one of the typed functions
   * @param citations - papers the values come from
   * @throws Error when a value is not a finite number or a function (a string, `undefined`, `null`, NaN …)
   */
  constructor(setName: string, values: ParameterInput, citations: readonly string[] = []) {
    this.setName = setName;
    const entries = inputEntries(values, `new ParameterValues("${setName}", values)`);
    // a copy of another set keeps its citations
    const cited = [...citations, ...(values instanceof ParameterValues ? values.citations.filter((c) => !citations.includes(c)) : [])];
    const m = new Map<string, ParameterValue>();
    for (const [k, v] of entries) {
      // a PyBaMM dictionary carries its citations and chemistry among the values
      if (k === "citations" && Array.isArray(v) && v.every((c) => typeof c === "string")) {
        cited.push(...(v as string[]).filter((c) => !cited.includes(c)));
        continue;
      }
      if (k === "chemistry" && (v as unknown) === "lithium_ion") continue;
      const problem = valueTypeProblem(v);
      if (problem) {
        const hint = k === "citations" ? " (citations go in the third argument, or as a list of strings)" : k === "chemistry" ? ` (only "lithium_ion" sets are modelled)` : "";
        throw new Error(`Parameter "${k}" in ${setName} ${problem}${hint}`);
      }
      m.set(k, v);
    }
    this.values = m;
    this.citations = Object.freeze(cited);
    // immutable at run time too (readonly holds only at compile time; a subclass adds its own fields first)
    if (new.target === ParameterValues) Object.freeze(this);
  }

  /** All parameter names, sorted. */
  names(): string[] {
    return [...this.values.keys()].sort();
  }

  /** True if the set defines `name`. */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The value of `name` (number or function); unknown names throw {@link UnknownParameterError}. */
  get(name: string): ParameterValue {
    const v = this.values.get(name);
    if (v === undefined) throw new UnknownParameterError(name, this.setName, nearestNames(name, this.values.keys()));
    return v;
  }

  /** A numeric parameter; throws if it is a function. */
  number(name: string): number {
    const v = this.get(name);
    if (typeof v !== "number") throw new Error(`Parameter "${name}" in ${this.setName} is a function, not a number`);
    return v;
  }

  /** A function-valued parameter, or a number lifted to a constant function. */
  fn<F extends (...args: number[]) => number>(name: string): F {
    const v = this.get(name);
    // no rest parameter: `(...args) => v` allocates an arguments array on every call where V8 cannot inline it
    // (the particle residual calls D once per face, ~10⁶ times per DFN solve)
    if (typeof v === "number") return (() => v) as unknown as F;
    return v as F;
  }

  /**
   * A copy with some values replaced. Names must already exist unless `allowNew` is true
   * (so a typo fails with suggestions instead of being silently ignored). Each new value must be a finite number or
   * a function; parameters cannot be removed. Physical ranges are checked when a model is built from the set
   * ({@link checkParameterValues}), so that related values (a maximum and an initial concentration) can be changed
   * in separate calls.
   */
  update(changes: ParameterInput, allowNew: boolean = false): ParameterValues {
    const next: Record<string, ParameterValue> = {};
    for (const [k, v] of this.values) next[k] = v;
    for (const [k, v] of inputEntries(changes, `update() of ${this.setName}`)) {
      if (!allowNew && !this.values.has(k))
        throw new UnknownParameterError(k, this.setName, nearestNames(k, this.values.keys()), "is not in the set (a misspelling? to add a parameter the set lacks, call update(changes, true), as PyBaMM's check_already_exists=False)");
      const problem = valueTypeProblem(v);
      if (problem) {
        const keep = v === undefined ? "; to keep the current value leave the name out of the changes (parameters cannot be removed)" : "";
        throw new Error(`update(): the new value of "${k}" in ${this.setName} ${problem}${keep}`);
      }
      next[k] = v;
    }
    const name = this.setName.endsWith("(modified)") ? this.setName : `${this.setName} (modified)`;
    return new ParameterValues(name, next, this.citations);
  }

  /** Plain object copy of all values. */
  toObject(): Record<string, ParameterValue> {
    return Object.fromEntries(this.values);
  }

  /**
   * The parameters whose names contain every word of `term` (case aside), with the unit read from the name and the
   * value ("function" or "table" for a function-valued one), as PyBaMM's `search`.
   *
   * @example
   * parameterValues("Chen2020").search("negative diffusivity");
   * // [{ name: "Negative particle diffusivity [m2.s-1]", unit: "m2.s-1", value: 3.3e-14 }]
   */
  search(term: string): { name: string; unit: string; value: number | "function" | "table" }[] {
    if (typeof term !== "string") throw new TypeError(`search: give a text to look for in the names, e.g. "diffusivity", got ${String(term)}`);
    const words = term.toLowerCase().split(/\s+/).filter((w) => w !== "");
    return this.names()
      .filter((n) => words.every((w) => n.toLowerCase().includes(w)))
      .map((n) => ({ name: n, unit: /\[([^\]]*)\]$/.exec(n)?.[1] ?? "", value: describeValue(this.values.get(n)!) }));
  }

  /**
   * What differs from `other`: names only here, names only there, and names whose values differ (functions compare by
   * identity; tables by their knots), as PyBaMM's `diff`.
   */
  diff(other: ParameterValues): { added: string[]; removed: string[]; changed: { name: string; from: number | "function" | "table"; to: number | "function" | "table" }[] } {
    const added = this.names().filter((n) => !other.has(n));
    const removed = other.names().filter((n) => !this.has(n));
    const changed = this.names()
      .filter((n) => other.has(n) && !sameValue(this.values.get(n)!, other.get(n)))
      .map((n) => ({ name: n, from: describeValue(other.get(n)), to: describeValue(this.values.get(n)!) }));
    return { added, removed, changed };
  }

  /** One line per parameter, "name = value", sorted by name, under the set's name and citations. */
  toString(): string {
    const lines = this.names().map((n) => `  ${n} = ${String(describeValue(this.values.get(n)!))}`);
    return [`ParameterValues ${this.setName} (${lines.length} parameters)`, ...this.citations.map((c) => `  cite: ${c}`), ...lines].join("\n");
  }

  /**
   * A JSON-ready copy: numbers, tabulated functions (a {@link pchip} given as the parameter) as their knots, and
   * the names of the other functions, which JSON cannot hold (JSON.stringify(set) lists them instead of dropping them
   * unseen). {@link ParameterValues.fromJSON} rebuilds the set, given those functions.
   */
  toJSON(): ParameterSetJSON {
    const numbers: Record<string, number> = {};
    const tables: Record<string, { x: number[]; y: number[] }> = {};
    const functions: string[] = [];
    for (const n of this.names()) {
      const v = this.values.get(n)!;
      if (typeof v === "number") numbers[n] = v;
      else if (isTable(v)) tables[n] = { x: Array.from(v.x), y: Array.from(v.y) };
      else functions.push(n);
    }
    return { setName: this.setName, citations: [...this.citations], numbers, tables, functions };
  }

  /**
   * Rebuilds a set written by {@link ParameterValues.toJSON}: numbers and tables from the JSON, each listed function
   * from `functions` (e.g. the shipped set's own: `parameterValues("Chen2020").toObject()`).
   *
   * @throws Error naming the functions the JSON lists and `functions` lacks
   */
  static fromJSON(json: ParameterSetJSON, functions: Record<string, ParameterValue> = {}): ParameterValues {
    if (typeof json !== "object" || json === null || typeof json.numbers !== "object" || json.numbers === null || typeof json.setName !== "string" || (json.functions !== undefined && !Array.isArray(json.functions)) || (json.citations !== undefined && !Array.isArray(json.citations)))
      throw new Error("ParameterValues.fromJSON: give the object toJSON() wrote ({ setName: a text, citations: a list, numbers: an object, tables, functions: a list of names })");
    const values: Record<string, ParameterValue> = { ...json.numbers };
    for (const [n, t] of Object.entries(json.tables ?? {})) values[n] = pchip(t.x, t.y);
    const missing = (json.functions ?? []).filter((n) => typeof functions[n] !== "function");
    if (missing.length > 0) throw new Error(`ParameterValues.fromJSON: ${json.setName} has ${missing.length} function-valued parameter${missing.length === 1 ? "" : "s"} JSON cannot hold; give ${missing.length === 1 ? "it" : "them"} in functions: ${missing.map((n) => `"${n}"`).join(", ")}`);
    for (const n of json.functions ?? []) values[n] = functions[n];
    return new ParameterValues(json.setName, values, json.citations ?? []);
  }
}

/** What {@link ParameterValues.toJSON} writes. */
export interface ParameterSetJSON {
  /** The set's name. */
  setName: string;
  /** Papers the values come from. */
  citations: string[];
  /** Numeric parameters. */
  numbers: Record<string, number>;
  /** Tabulated functions: their pchip knots. */
  tables: Record<string, { x: number[]; y: number[] }>;
  /** Names of the other function-valued parameters (not serialisable). */
  functions: string[];
}

/** Values as the constructor and {@link ParameterValues.update} take them: an object, a Map, or another set. */
export type ParameterInput = Readonly<Record<string, ParameterValue>> | ReadonlyMap<string, ParameterValue> | ParameterValues;

/** The entries of a {@link ParameterInput}; anything else (null, an array, a number) is a TypeError naming `where`. */
function inputEntries(values: unknown, where: string): [string, ParameterValue][] {
  if (values instanceof ParameterValues) return Object.entries(values.toObject());
  if (values instanceof Map) return [...(values as Map<string, ParameterValue>).entries()];
  if (typeof values !== "object" || values === null || Array.isArray(values))
    throw new TypeError(`${where}: the values must be an object of { name: value }, a Map or a ParameterValues, got ${values === null ? "null" : Array.isArray(values) ? "an array" : typeof values}`);
  return Object.entries(values as Record<string, ParameterValue>);
}

/** A tabulated function (a {@link pchip} interpolant) rather than a formula. */
function isTable(v: ParameterValue): v is Interpolant1D & ParameterValue {
  const t = v as unknown as { x?: unknown; y?: unknown };
  return typeof v === "function" && t.x instanceof Float64Array && t.y instanceof Float64Array;
}

/** A value as {@link ParameterValues.search} shows it. */
function describeValue(v: ParameterValue): number | "function" | "table" {
  return typeof v === "number" ? v : isTable(v) ? "table" : "function";
}

/** Equal values: numbers by value, tables by knots, other functions by identity. */
function sameValue(a: ParameterValue, b: ParameterValue): boolean {
  if (typeof a === "number" || typeof b === "number") return a === b;
  if (isTable(a) && isTable(b)) return a.x.length === b.x.length && a.x.every((v, i) => v === b.x[i]) && a.y.every((v, i) => v === b.y[i]);
  return a === b;
}

/**
 * A parameter set that records the names read from it with get/number/fn without a has() test first (the names a
 * model cannot do without), for {@link requiredNamesOf}.
 */
class RecordingParameterValues extends ParameterValues {
  readonly read = new Set<string>();
  private readonly tested = new Set<string>();
  override has(name: string): boolean {
    this.tested.add(name);
    return super.has(name);
  }
  override get(name: string): ParameterValue {
    if (!this.tested.has(name)) this.read.add(name);
    return super.get(name);
  }
  testedNames(): Set<string> {
    return this.tested;
  }
}

const requiredCache = new Map<string, { required: string[]; optional: string[] }>();
let recordingRequired = false;

/** The names `build` reads (required: without testing for them; optional: after has()), recorded once on Chen2020. */
function namesRead(key: string, build: (p: ParameterValues) => void): { required: string[]; optional: string[] } {
  let names = requiredCache.get(key);
  // (a build that asks for its own list while it is being recorded gets none: it is the one recorded)
  if (!names && recordingRequired) return { required: [], optional: [] };
  if (!names) {
    const chen = parameterValues("Chen2020");
    const rec = new RecordingParameterValues(chen.setName, chen.toObject(), chen.citations);
    const was = recordingRequired;
    recordingRequired = true;
    try {
      build(rec);
    } finally {
      recordingRequired = was;
    }
    names = { required: [...rec.read].sort(), optional: [...rec.testedNames()].filter((n) => !rec.read.has(n)).sort() };
    requiredCache.set(key, names);
  }
  return names;
}

/**
 * The names `build` reads from a parameter set without testing for them, recorded once on Chen2020 (which has every
 * name the models read) and cached under `key`; while recording, nested checks are skipped.
 */
export function requiredNamesOf(key: string, build: (p: ParameterValues) => void): string[] {
  return namesRead(key, build).required;
}

/** The names `build` reads only when a set has them (a contact resistance), recorded as {@link requiredNamesOf}. */
export function optionalNamesOf(key: string, build: (p: ParameterValues) => void): string[] {
  return namesRead(key, build).optional;
}

/**
 * A name of `p` that nothing reads but that is within two edits (any case) of a name that is read (whether `p` has that one too or not)
 * is a typo: "Contact Resistance [Ohm]" left the contact resistance at its default 0 Ω, silently.
 *
 * @throws UnknownParameterError naming the misspelt name and the one meant
 */
export function checkNearMisses(p: ParameterValues, known: readonly string[]): void {
  if (recordingRequired) return;
  const knownSet = new Set(known);
  for (const n of p.names()) {
    if (knownSet.has(n)) continue;
    const meant = known.find((k) => Math.abs(k.length - n.length) <= 2 && editDistance(k, n) <= 2);
    if (!meant) continue;
    // (also when the set has the right name too: every shipped set has "Contact resistance [Ohm]" = 0, so an added
    // "Contact Resistance [Ohm]" = 0.05 was ignored silently)
    if (p.has(meant)) throw new UnknownParameterError(n, p.setName, [meant], `is not a name the models read; it is within two edits of "${meant}", which they read and which the set also has, so this value would be ignored: a misspelling`);
    throw new UnknownParameterError(n, p.setName, [meant], `is not a name the models read, and the set lacks "${meant}", which they read when it is given: a misspelling leaves that parameter at its default`);
  }
}

/** Raised when a set lacks parameters a model needs; the message lists all of them, with Chen2020's values as examples. */
export class MissingParametersError extends Error {
  /** The missing names. */
  readonly missing: string[];
  constructor(setName: string, what: string, missing: string[]) {
    const chen = parameterValues("Chen2020");
    const example = (n: string): string => {
      const v = chen.get(n);
      return typeof v === "number" ? `Chen2020: ${v}` : "Chen2020: a function";
    };
    super(
      `Parameter set ${setName} lacks ${missing.length === 1 ? "a parameter" : `${missing.length} parameters`} that ${what} needs (units in the names; requiredParameters() lists them all):\n` +
        missing.map((n) => `  - "${n}" (${example(n)})`).join("\n"),
    );
    this.name = "MissingParametersError";
    this.missing = missing;
  }
}

/**
 * Throws {@link MissingParametersError} listing every name of `required` that `p` lacks (they were reported one at a
 * time, as "Unknown parameter", and an empty set as "Did you mean: ?").
 */
export function requireParameters(p: ParameterValues, required: readonly string[], what: string): void {
  if (recordingRequired) return;
  const missing = required.filter((n) => !p.has(n));
  if (missing.length > 0) throw new MissingParametersError(p.setName, what, missing);
}

/** Why a value cannot be a parameter value (undefined if it can): parameters are finite numbers or functions. */
function valueTypeProblem(v: unknown): string | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? undefined : `is not a finite number (${v})`;
  if (typeof v === "function") return undefined;
  if (typeof v === "string") {
    const x = Number(v);
    return v.trim() !== "" && Number.isFinite(x) ? `is the string ${JSON.stringify(v)}; give the number ${x} instead` : `is the string ${JSON.stringify(v)}; give a number or a function`;
  }
  return `is ${v === null ? "null" : v === undefined ? "undefined" : `a ${typeof v}`}; give a finite number or a function`;
}

/** Raised by {@link checkParameterValues}; the message lists every value outside its physical range. */
export class ParameterValueError extends Error {
  /** One line per problem, each naming the parameter, its value and the valid range. */
  readonly problems: string[];
  constructor(setName: string, problems: string[]) {
    super(`Parameter set ${setName} has ${problems.length === 1 ? "a value" : `${problems.length} values`} the models cannot use (outside its physical range, or a function of the wrong form):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ParameterValueError";
    this.problems = problems;
  }
}

/**
 * Physical ranges by PyBaMM naming convention (units in the name), first match wins, for numeric values; functions
 * are sampled by {@link FUNCTION_RULES}.
 */
const RANGE_RULES: readonly { match: RegExp; check: (v: number) => string | undefined }[] = [
  {
    match: /temperature \[K\]$/,
    check: (v) =>
      v >= 200 && v <= 400
        ? undefined
        : `must be a plausible cell temperature in kelvin, 200–400 K${v > -100 && v < 100 ? ` (${v} looks like °C: ${v} °C is ${(v + 273.15).toFixed(2)} K)` : ""}`,
  },
  // a unit slip is orders of magnitude: particles are microns, layers tens of microns (5 for 5e-6 m "completed" a run)
  { match: /particle radius \[m\]$/, check: (v) => (v > 0 && v <= 1e-3 ? undefined : v > 0 ? "must be at most 1e-3 m (1 mm): particles are microns; is it in µm? (5.86e-6 m is 5.86 µm)" : "must be > 0 (a length)") },
  { match: /thickness \[m\]$/, check: (v) => (v > 0 && v <= 1e-2 ? undefined : v > 0 ? "must be at most 1e-2 m (1 cm): cell layers are microns thick; is it in µm? (8.52e-5 m is 85.2 µm)" : "must be > 0 (a length)") },
  { match: /(height|width) \[m\]$|area \[m2\]$|volume \[m3\]$/, check: (v) => (v > 0 ? undefined : "must be > 0 (a length, area or volume)") },
  { match: /porosity$|volume fraction$/, check: (v) => (v > 0 && v <= 1 ? undefined : "must be a volume fraction in (0, 1]") },
  { match: /conductivity \[S\.m-1\]$|conductivity \[W\.m-1\.K-1\]$|diffusivity \[m2\.s-1\]$/, check: (v) => (v > 0 ? undefined : "must be > 0 (a conductivity or diffusivity)") },
  { match: /exchange-current density \[A\.m-2\]$/, check: (v) => (v > 0 ? undefined : "must be > 0 A.m-2 (a constant exchange-current density; 0 stops the reaction, a negative one reverses it)") },
  { match: /^Contact resistance \[Ohm\]$/, check: (v) => (v >= 0 ? undefined : "must be ≥ 0 Ohm (a negative resistance adds voltage)") },
  // a salt concentration in mol/L (1 for 1 M) ran and stopped at 0.07 s on "Zero electrolyte concentration cut-off"
  {
    match: /concentration in electrolyte \[mol\.m-3\]$/,
    check: (v) => (v >= 10 && v <= 1e4 ? undefined : v > 0 && v < 10 ? `must be in mol.m-3 (10–10000 for a liquid electrolyte): is it in mol/L? (${v} mol/L is ${v * 1000} mol.m-3)` : "must be a salt concentration of 10–10000 mol.m-3"),
  },
  { match: /concentration in .* \[mol\.m-3\]$/, check: (v) => (v > 0 ? undefined : "must be > 0 mol.m-3") },
  { match: /density \[kg\.m-3\]$|specific heat capacity \[J\.kg-1\.K-1\]$|double-layer capacity \[F\.m-2\]$/, check: (v) => (v > 0 ? undefined : "must be > 0") },
  { match: /heat transfer coefficient \[W\.m-2\.K-1\]$/, check: (v) => (v >= 0 ? undefined : "must be ≥ 0 (0 is adiabatic)") },
  { match: /Bruggeman coefficient/, check: (v) => (v >= 0 ? undefined : "must be ≥ 0") },
  // the kinetics are symmetric Butler–Volmer (PyBaMM's default form): another α would be carried but not used
  {
    match: /charge transfer coefficient$/,
    check: (v) => (v === 0.5 ? undefined : "must be 0.5: the models use symmetric Butler–Volmer kinetics (PyBaMM's default); asymmetric kinetics are not implemented, so another value would have no effect"),
  },
  { match: /^Cation transference number$/, check: (v) => (v < 1 ? undefined : "must be < 1 (1 − t+ scales the salt flux)") },
  { match: /^Thermodynamic factor$/, check: (v) => (v > 0 ? undefined : "must be > 0") },
  { match: /^Nominal cell capacity \[A\.h\]$/, check: (v) => (v > 0 ? undefined : "must be > 0 A.h (C-rates are relative to it)") },
  { match: /^Number of /, check: (v) => (Number.isInteger(v) && v >= 1 ? undefined : "must be an integer ≥ 1") },
];

/**
 * Checks the values of a parameter set against their physical ranges, read from PyBaMM's naming convention (and
 * samples its functions: OCPs finite, diffusivities, conductivities and exchange-current densities > 0, over
 * stoichiometries 0.01–0.99 and electrolyte concentrations 0.5–1.5 × the initial one): lengths, radii, areas and
 * volumes > 0, particle radii ≤ 1 mm and layer thicknesses ≤ 1 cm (a length in µm); porosities and volume fractions in
 * (0, 1] (and their sum in an electrode ≤ 1); conductivities, diffusivities and constant exchange-current densities
 * > 0; contact resistance ≥ 0; concentrations > 0 and initial particle concentrations below the maximum;
 * temperatures within 200–400 K (a value below 100 is reported as probably °C); lower voltage limits below upper
 * ones; the nominal capacity within 30 times of what the electrodes hold (a unit, or a geometry changed without its
 * rating). The models call it when they are built (so values that only
 * make sense together can be changed in separate {@link ParameterValues.update} calls). Every shipped set passes.
 *
 * @throws ParameterValueError listing every value outside its range, with the range (and every function that returns
 * NaN or a wrong sign where it is sampled, with the first such point)
 * @example
 * checkParameterValues(parameterValues("Chen2020").update({ "Ambient temperature [K]": 25 }));
 * // ParameterValueError: "Ambient temperature [K]" = 25 must be a plausible cell temperature in kelvin, 200–400 K (25 looks like °C: 25 °C is 298.15 K)
 */
export function checkParameterValues(p: ParameterValues): void {
  // (while the names a model needs are recorded, its reads alone count: this check reads every name)
  if (recordingRequired) return;
  const problems: string[] = [];
  const num = (name: string): number | undefined => {
    if (!p.has(name)) return undefined;
    const v = p.get(name);
    return typeof v === "number" ? v : undefined;
  };
  for (const name of p.names()) {
    const v = num(name);
    if (v === undefined) continue;
    const rule = RANGE_RULES.find((r) => r.match.test(name));
    const problem = rule?.check(v);
    if (problem) problems.push(`"${name}" = ${v} ${problem}`);
  }
  for (const [side, domain] of [["Negative", "negative"], ["Positive", "positive"]] as const) {
    const c0 = num(`Initial concentration in ${domain} electrode [mol.m-3]`);
    const cmax = num(`Maximum concentration in ${domain} electrode [mol.m-3]`);
    if (c0 !== undefined && cmax !== undefined && c0 > 0 && cmax > 0 && !(c0 < cmax)) {
      problems.push(`"Initial concentration in ${domain} electrode [mol.m-3]" = ${c0} must be below "Maximum concentration in ${domain} electrode [mol.m-3]" = ${cmax} (an initial stoichiometry of ${(c0 / cmax).toFixed(4)} is outside (0, 1))`);
    }
    const eps = num(`${side} electrode porosity`);
    const epsS = num(`${side} electrode active material volume fraction`);
    if (eps !== undefined && epsS !== undefined && eps + epsS > 1 + 1e-9) {
      problems.push(`"${side} electrode porosity" + "${side} electrode active material volume fraction" = ${eps} + ${epsS} = ${eps + epsS} must be ≤ 1 (they are fractions of the same volume)`);
    }
  }
  // the electrodes' capacity against the nominal one: orders of magnitude apart is a unit (a width in cm, a maximum
  // concentration in mol/L) or a geometry changed without its rating, which sets what "1C" means
  const nominal = num("Nominal cell capacity [A.h]");
  const L = num("Electrode width [m]");
  const H = num("Electrode height [m]");
  const parallel = num("Number of electrodes connected in parallel to make a cell") ?? 1;
  if (nominal !== undefined && nominal > 0 && L !== undefined && H !== undefined && L > 0 && H > 0) {
    const hold = (domain: string): number | undefined => {
      const t = num(`${domain[0].toUpperCase()}${domain.slice(1)} electrode thickness [m]`);
      const f = num(`${domain[0].toUpperCase()}${domain.slice(1)} electrode active material volume fraction`);
      const c = num(`Maximum concentration in ${domain} electrode [mol.m-3]`);
      return t !== undefined && f !== undefined && c !== undefined && t > 0 && f > 0 && c > 0 ? (t * f * c * FARADAY * L * H * parallel) / 3600 : undefined;
    };
    const qn = hold("negative");
    const qp = hold("positive");
    if (qn !== undefined && qp !== undefined) {
      const q = Math.min(qn, qp);
      const ratio = q / nominal;
      if (ratio > 30 || ratio < 1 / 30) {
        problems.push(
          `"Nominal cell capacity [A.h]" = ${nominal} is ${ratio > 1 ? `${ratio.toFixed(0)} times less than` : `${(1 / ratio).toFixed(0)} times more than`} the ${q.toPrecision(4)} A.h the electrodes can hold ` +
            `(thickness × active fraction × maximum concentration × F × width × height${parallel !== 1 ? " × electrodes in parallel" : ""}, the smaller electrode): a unit (a length in cm or µm, a concentration in mol/L) or a geometry changed without the rating, which sets what 1C means`,
        );
      }
    }
  }
  for (const [lo, hi] of [["Lower voltage cut-off [V]", "Upper voltage cut-off [V]"], ["Open-circuit voltage at 0% SOC [V]", "Open-circuit voltage at 100% SOC [V]"]]) {
    const a = num(lo);
    const b = num(hi);
    if (a !== undefined && b !== undefined && !(a < b)) problems.push(`"${lo}" = ${a} must be below "${hi}" = ${b}`);
  }
  problems.push(...functionProblems(p, num));
  if (problems.length > 0) throw new ParameterValueError(p.setName, problems);
}

/** The arguments each kind of function-valued parameter is called with (PyBaMM's signatures). */
const FUNCTION_SIGNATURES: readonly { match: RegExp; args: readonly string[] }[] = [
  { match: /electrode OCP \[V\]$/, args: ["sto", "T"] },
  { match: /particle diffusivity \[m2\.s-1\]$/, args: ["sto", "T"] },
  { match: /OCP entropic change \[V\.K-1\]$/, args: ["sto"] },
  { match: /exchange-current density \[A\.m-2\]$/, args: ["c_e", "c_s", "c_max", "T"] },
  { match: /^Electrolyte (conductivity \[S\.m-1\]|diffusivity \[m2\.s-1\])$/, args: ["c_e", "T"] },
];

/** The parameter names of a function as written (from its source), or undefined when they cannot be read. */
function parameterNamesOf(f: (...a: number[]) => number): string[] | undefined {
  const src = Function.prototype.toString.call(f);
  const m = /^\s*(?:async\s+)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(src) ?? /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  if (!m) return undefined;
  return m[1].split(",").map((a) => a.replace(/=.*$/s, "").trim()).filter((a) => a !== "");
}

/**
 * Why a function cannot be the parameter whose arguments are `args`: more arguments than it is called with, or an
 * argument named as a temperature where another quantity arrives; undefined when it fits.
 */
function signatureProblem(f: (...a: number[]) => number, args: readonly string[]): string | undefined {
  const want = `(${args.join(", ")})`;
  const names = parameterNamesOf(f);
  // (more arguments than it is called with is no error by itself: an optional trailing one has no value, as in JS)
  const tAt = args.indexOf("T");
  // (a capital T, or a word for it: a table's own "t" or "x" is not a temperature)
  const misplaced = names?.findIndex((n, i) => i !== tAt && (/^T(_K|_ref)?$/.test(n) || /^(temp|temperature)$/i.test(n)));
  if (names && misplaced !== undefined && misplaced >= 0) {
    return `is written (${names.join(", ")}), but it is called with ${want}: its argument "${names[misplaced]}" receives ${args[misplaced] ?? "nothing"}${tAt >= 0 ? `, and the temperature comes as argument ${tAt + 1}` : " (it is not called with a temperature)"}`;
  }
  return undefined;
}

/** Stoichiometries at which function-valued electrode parameters are sampled: 0.01, 0.02, …, 0.99. */
const SAMPLE_STO = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
/** Electrolyte concentrations, as fractions of the initial one, at which electrolyte functions are sampled. */
const SAMPLE_CE = [0.5, 0.75, 1, 1.25, 1.5];

/**
 * The function-valued parameters a model calls, sampled where every discharge goes (an OCP or a diffusivity that is
 * NaN near one end of a measured table, a conductivity with the wrong sign): a user function that returned NaN or a
 * wrong sign there gave a silent nonsense result (a negative diffusivity: 0.008 A.h, "completed") or an error far from
 * its cause (initialStoichiometries returned x = 1e-6 and Q = 8e-14 for an OCP that was NaN below 0.05).
 */
function functionProblems(p: ParameterValues, num: (name: string) => number | undefined): string[] {
  const out: string[] = [];
  const T = num("Reference temperature [K]") ?? num("Ambient temperature [K]") ?? 298.15;
  const ce0 = num("Initial concentration in electrolyte [mol.m-3]") ?? 1000;
  const fn = (name: string): ((...a: number[]) => number) | undefined => {
    if (!p.has(name)) return undefined;
    const v = p.get(name);
    return typeof v === "function" ? (v as (...a: number[]) => number) : undefined;
  };
  /** The first sample that fails `ok`, as a problem line; `at` describes the sample. */
  const sample = (name: string, args: number[][], at: (a: number[]) => string, ok: (v: number) => boolean, need: string): void => {
    const f = fn(name);
    if (!f) return;
    for (const a of args) {
      let v: number;
      try {
        v = f(...a);
      } catch (e) {
        out.push(`"${name}" throws at ${at(a)}: ${(e as Error).message}`);
        return;
      }
      if (!(typeof v === "number" && ok(v))) {
        // a string "0.1" printed as 0.1 read as a number that failed the check
        out.push(`"${name}" returns ${typeof v === "number" ? String(v) : `a ${typeof v} (${JSON.stringify(v)})`} at ${at(a)}: ${need}`);
        return;
      }
    }
  };
  const finite = (v: number): boolean => Number.isFinite(v);
  const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
  // arguments first: a j0 written (c_e, T) received c_s (~2e4 mol.m-3) as its temperature and ran, 0.1 V off
  for (const name of p.names()) {
    const f = fn(name);
    const sig = f && FUNCTION_SIGNATURES.find((s) => s.match.test(name));
    if (!f || !sig) continue;
    const problem = signatureProblem(f, sig.args);
    if (problem) out.push(`"${name}" ${problem}`);
  }
  for (const side of ["Negative", "Positive"] as const) {
    const cmax = num(`Maximum concentration in ${side.toLowerCase()} electrode [mol.m-3]`);
    const stoAt = (a: number[]): string => `stoichiometry ${a[0]}, ${a[1]} K`;
    sample(`${side} electrode OCP [V]`, SAMPLE_STO.map((x) => [x, T]), stoAt, finite, "an open-circuit potential must be a finite number of volts over 0.01–0.99 (a measured table should cover the range, or be extended)");
    sample(`${side} particle diffusivity [m2.s-1]`, SAMPLE_STO.map((x) => [x, T]), stoAt, positive, "a diffusivity must be > 0 and finite");
    sample(`${side} electrode OCP entropic change [V.K-1]`, SAMPLE_STO.map((x) => [x]), (a) => `stoichiometry ${a[0]}`, finite, "must be finite");
    if (cmax !== undefined && cmax > 0) {
      sample(`${side} electrode exchange-current density [A.m-2]`, SAMPLE_STO.filter((_, i) => i % 7 === 3).map((x) => [ce0, x * cmax, cmax, T]),
        (a) => `c_e = ${a[0]} mol.m-3, c_s = ${+a[1].toPrecision(6)} mol.m-3 (stoichiometry ${+(a[1] / a[2]).toFixed(2)}), ${a[3]} K`, positive, "an exchange-current density must be > 0 and finite");
    }
  }
  for (const name of ["Electrolyte conductivity [S.m-1]", "Electrolyte diffusivity [m2.s-1]"]) {
    sample(name, SAMPLE_CE.map((f) => [f * ce0, T]), (a) => `c_e = ${a[0]} mol.m-3, ${a[1]} K`, positive, "must be > 0 and finite");
  }
  return out;
}

/**
 * The Arrhenius factor exp[(E/R)(1/T_ref − 1/T)] as a function of T that remembers its last temperature: the
 * residual evaluates each property function at one temperature for every face or control volume (hundreds of calls
 * per residual, all at the same T, isothermal or lumped), so one exp per temperature change replaces one per call.
 * The cache is keyed on T itself, so it can never be stale; the value is the same expression, bit for bit.
 */
function arrheniusFactor(E: number, Tref: number): (T: number) => number {
  const k = E / GAS_CONSTANT;
  let lastT = NaN;
  let last = NaN;
  return (T) => {
    if (T !== lastT) {
      last = Math.exp(k * (1 / Tref - 1 / T));
      lastT = T;
    }
    return last;
  };
}

/**
 * Electrolyte concentration [mol.m-3] below which j0's factor c_e^0.5 is replaced by a smooth quadratic through 0.
 * √c_e has an infinite slope at 0: once a region of an electrode runs out of salt (Chen2020 DFN above ~2.5C: the
 * positive electrode near the current collector) Newton cannot converge there and the step size collapses to
 * milliseconds (Chen2020 DFN at 3C: 1149 of 3400 step attempts rejected, 3.6 s). Below 1e-4 of any initial
 * concentration the reaction is starved either way; the voltage moves by 0.04 mV (3C, rtol 1e-7), and 13 of 148
 * step attempts are rejected (default rtol).
 */
export const EXCHANGE_CURRENT_CE_SMOOTHING: number = 0.1;

/**
 * c^0.5 for c ≥ ε; below, the cubic Hermite √ε·u²·(5 − 3u)/2 (u = c/ε), which matches √c's value and slope at ε and
 * leaves 0 with zero slope; 0 for c ≤ 0. Continuous slope at both joins matters: a depleted region sits at c_e ≈ 0,
 * and a slope jump there (a quadratic join had one) again made Newton fail for some tolerances (623 of 2180 attempts).
 */
function smoothSqrt(c: number, eps: number): number {
  if (c >= eps) return Math.sqrt(c);
  if (c <= 0) return 0;
  const u = c / eps;
  return Math.sqrt(eps) * u * u * (2.5 - 1.5 * u);
}

/**
 * j0 = m_ref · exp[(E_r/R)(1/T_ref − 1/T)] · c_e^0.5 · c_s^0.5 · (c_max − c_s)^0.5 (all three sets use this form),
 * with c_e^0.5 smoothed below {@link EXCHANGE_CURRENT_CE_SMOOTHING}.
 */
export function exchangeCurrentDensity(mRef: number, Er: number, Tref: number): ExchangeCurrentFunction {
  const arrhenius = arrheniusFactor(Er, Tref);
  return (ce, cs, csMax, T) =>
    mRef * arrhenius(T) * smoothSqrt(ce, EXCHANGE_CURRENT_CE_SMOOTHING) * Math.sqrt(Math.max(cs, 0)) * Math.sqrt(Math.max(csMax - cs, 0));
}

/** The sets' Arrhenius factors (one cached instance per activation energy, shared by every model of the set). */
const ARR_MARQUIS_DE = arrheniusFactor(37040, 298.15);
const ARR_MARQUIS_KAPPA = arrheniusFactor(34700, 298.15);
const ARR_MARQUIS_DN = arrheniusFactor(42770, 298.15);
const ARR_MARQUIS_DP = arrheniusFactor(18550, 298.15);
const ARR_ECKER_KAPPA = arrheniusFactor(17100, 296);
const ARR_ECKER_DN = arrheniusFactor(30300, 296);
const ARR_ECKER_DP = arrheniusFactor(80600, 296.15);

// ---------------------------------------------------------------------------------------------------------------
// Chen2020 (LG M50 21700; graphite–SiOx | NMC811)

/** Chen2020 graphite–SiOx OCP, analytic fit used by PyBaMM since v21.08 [V]. */
export const chen2020GraphiteOcpFit: OcpFunction = (x) =>
  1.9793 * Math.exp(-39.3631 * x) + 0.2482 - 0.0909 * Math.tanh(29.8538 * (x - 0.1234)) - 0.04478 * Math.tanh(14.9159 * (x - 0.2769)) - 0.0205 * Math.tanh(30.4444 * (x - 0.6103));
/** Chen2020 NMC811 OCP, analytic fit used by PyBaMM since v21.08 [V]. */
export const chen2020NmcOcpFit: OcpFunction = (y) =>
  -0.809 * y + 4.4875 - 0.0428 * Math.tanh(18.5138 * (y - 0.5542)) - 17.7326 * Math.tanh(15.789 * (y - 0.3117)) + 17.5842 * Math.tanh(15.9308 * (y - 0.312));

const chenGraphiteTable = pchip(graphiteLGM50OcpChen2020.x, graphiteLGM50OcpChen2020.y);
const chenNmcTable = pchip(nmcLGM50OcpChen2020.x, nmcLGM50OcpChen2020.y);
/** Chen2020 graphite–SiOx OCP from the measured table (PCHIP) [V]. */
export const chen2020GraphiteOcpTable: OcpFunction = (x) => chenGraphiteTable(x);
/** Chen2020 NMC811 OCP from the measured table (PCHIP; linear extrapolation below y = 0.2488) [V]. */
export const chen2020NmcOcpTable: OcpFunction = (y) => chenNmcTable(y);

/** Nyman 2008 electrolyte conductivity (LiPF6 in EC:EMC 3:7) [S.m-1]. */
export const nyman2008Conductivity: ElectrolyteFunction = (ce) => {
  const c = Math.max(ce, 10) / 1000;
  // c·√c rather than c^1.5: Math.pow is several times slower, and this runs for every face of every residual
  return 0.1297 * c * c * c - 2.51 * c * Math.sqrt(c) + 3.329 * c;
};
/** Nyman 2008 electrolyte diffusivity [m2.s-1]. */
export const nyman2008Diffusivity: ElectrolyteFunction = (ce) => {
  const c = Math.max(ce, 10) / 1000;
  return 8.794e-11 * c * c - 3.972e-10 * c + 4.862e-10;
};

/** Options of {@link parameterValues}. */
export interface ParameterSetOptions {
  /**
   * Chen2020 only: `"fit"` (default) uses the analytic OCP fits PyBaMM has used since v21.08; `"table"`
   * interpolates the measured OCP tables with PCHIP (PyBaMM ≤ v0.4). The table's interpolant is only once
   * continuously differentiable: its curvature jumps at each of the hundreds of nodes, and every jump the surface
   * stoichiometry crosses costs the integrator rejected or short steps (DFN 1C discharge: 470 steps with the table,
   * 118 with the fits; capacity 4.924 vs 4.938 A.h).
   */
  chen2020Ocp?: "table" | "fit";
}

const commonCell = {
  "Number of electrodes connected in parallel to make a cell": 1,
  "Number of cells connected in series to make a battery": 1,
  "Contact resistance [Ohm]": 0,
};

function chen2020(opts: ParameterSetOptions): ParameterValues {
  if (opts.chen2020Ocp !== undefined && opts.chen2020Ocp !== "fit" && opts.chen2020Ocp !== "table") {
    throw new Error(`parameterValues("Chen2020"): chen2020Ocp must be "fit" or "table", got ${JSON.stringify(opts.chen2020Ocp)}`);
  }
  const fit = opts.chen2020Ocp !== "table";
  return new ParameterValues(
    "Chen2020",
    {
      ...commonCell,
      "Nominal cell capacity [A.h]": 5.0,
      "Current function [A]": 5.0,
      "Lower voltage cut-off [V]": 2.5,
      "Upper voltage cut-off [V]": 4.2,
      "Open-circuit voltage at 0% SOC [V]": 2.5,
      "Open-circuit voltage at 100% SOC [V]": 4.2,
      "Negative electrode thickness [m]": 85.2e-6,
      "Separator thickness [m]": 12e-6,
      "Positive electrode thickness [m]": 75.6e-6,
      "Negative current collector thickness [m]": 12e-6,
      "Positive current collector thickness [m]": 16e-6,
      "Electrode height [m]": 0.065,
      "Electrode width [m]": 1.58,
      "Cell cooling surface area [m2]": 0.00531,
      "Cell volume [m3]": 2.42e-5,
      "Negative current collector conductivity [S.m-1]": 5.8411e7,
      "Positive current collector conductivity [S.m-1]": 3.6914e7,
      // current-collector thermal properties (CRC Handbook copper/aluminium; Chen2020-functions.md)
      "Negative current collector density [kg.m-3]": 8960,
      "Positive current collector density [kg.m-3]": 2700,
      "Negative current collector specific heat capacity [J.kg-1.K-1]": 385,
      "Positive current collector specific heat capacity [J.kg-1.K-1]": 897,
      "Negative current collector thermal conductivity [W.m-1.K-1]": 401,
      "Positive current collector thermal conductivity [W.m-1.K-1]": 237,
      "Reference temperature [K]": 298.15,
      "Ambient temperature [K]": 298.15,
      "Initial temperature [K]": 298.15,
      "Total heat transfer coefficient [W.m-2.K-1]": 10,
      "Negative particle radius [m]": 5.86e-6,
      "Negative particle diffusivity [m2.s-1]": 3.3e-14,
      "Maximum concentration in negative electrode [mol.m-3]": 33133,
      "Initial concentration in negative electrode [mol.m-3]": 29866,
      "Negative electrode porosity": 0.25,
      "Negative electrode active material volume fraction": 0.75,
      "Negative electrode conductivity [S.m-1]": 215,
      "Negative electrode Bruggeman coefficient (electrolyte)": 1.5,
      "Negative electrode Bruggeman coefficient (electrode)": 0,
      "Negative electrode charge transfer coefficient": 0.5,
      "Negative electrode double-layer capacity [F.m-2]": 0.2,
      "Negative electrode exchange-current density [A.m-2]": exchangeCurrentDensity(6.48e-7, 35000, 298.15),
      "Negative electrode OCP [V]": fit ? chen2020GraphiteOcpFit : chen2020GraphiteOcpTable,
      "Negative electrode OCP entropic change [V.K-1]": 0,
      "Negative electrode density [kg.m-3]": 1657,
      "Negative electrode specific heat capacity [J.kg-1.K-1]": 700,
      "Negative electrode thermal conductivity [W.m-1.K-1]": 1.7,
      "Positive particle radius [m]": 5.22e-6,
      "Positive particle diffusivity [m2.s-1]": 4e-15,
      "Maximum concentration in positive electrode [mol.m-3]": 63104,
      "Initial concentration in positive electrode [mol.m-3]": 17038,
      "Positive electrode porosity": 0.335,
      "Positive electrode active material volume fraction": 0.665,
      "Positive electrode conductivity [S.m-1]": 0.18,
      "Positive electrode Bruggeman coefficient (electrolyte)": 1.5,
      "Positive electrode Bruggeman coefficient (electrode)": 0,
      "Positive electrode charge transfer coefficient": 0.5,
      "Positive electrode double-layer capacity [F.m-2]": 0.2,
      "Positive electrode exchange-current density [A.m-2]": exchangeCurrentDensity(3.42e-6, 17800, 298.15),
      "Positive electrode OCP [V]": fit ? chen2020NmcOcpFit : chen2020NmcOcpTable,
      "Positive electrode OCP entropic change [V.K-1]": 0,
      "Positive electrode density [kg.m-3]": 3262,
      "Positive electrode specific heat capacity [J.kg-1.K-1]": 700,
      "Positive electrode thermal conductivity [W.m-1.K-1]": 2.1,
      "Separator porosity": 0.47,
      "Separator Bruggeman coefficient (electrolyte)": 1.5,
      "Separator density [kg.m-3]": 397,
      "Separator specific heat capacity [J.kg-1.K-1]": 700,
      "Separator thermal conductivity [W.m-1.K-1]": 0.16,
      "Initial concentration in electrolyte [mol.m-3]": 1000,
      "Cation transference number": 0.2594,
      "Thermodynamic factor": 1.0,
      "Electrolyte diffusivity [m2.s-1]": nyman2008Diffusivity,
      "Electrolyte conductivity [S.m-1]": nyman2008Conductivity,
    },
    [
      "C.-H. Chen, F. Brosa Planella, K. O'Regan, D. Gastol, W. D. Widanage, E. Kendrick, J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050",
      "A. Nyman, M. Behm, G. Lindbergh, Electrochim. Acta 53 (2008) 6356-6365, doi:10.1016/j.electacta.2008.04.023",
    ],
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Marquis2019 (Kokam SLPB78205130H; graphite MCMB 2528 | LiCoO2) — PyBaMM's default set

/** Marquis2019 graphite (MCMB 2528) OCP, Dualfoil fit [V]. */
export const marquis2019GraphiteOcp: OcpFunction = (x) =>
  0.194 +
  1.5 * Math.exp(-120.0 * x) +
  0.0351 * Math.tanh((x - 0.286) / 0.083) -
  0.0045 * Math.tanh((x - 0.849) / 0.119) -
  0.035 * Math.tanh((x - 0.9233) / 0.05) -
  0.0147 * Math.tanh((x - 0.5) / 0.034) -
  0.102 * Math.tanh((x - 0.194) / 0.142) -
  0.022 * Math.tanh((x - 0.9) / 0.0164) -
  0.011 * Math.tanh((x - 0.124) / 0.0226) +
  0.0155 * Math.tanh((x - 0.105) / 0.029);

/** Marquis2019 LiCoO2 OCP, Dualfoil fit (stretch s = 1.062·y) [V]. */
export const marquis2019LiCoO2Ocp: OcpFunction = (y) => {
  const s = 1.062 * y;
  return (
    2.16216 +
    0.07645 * Math.tanh(30.834 - 54.4806 * s) +
    2.1581 * Math.tanh(52.294 - 50.294 * s) -
    0.14169 * Math.tanh(11.0923 - 19.8543 * s) +
    0.2051 * Math.tanh(1.4684 - 5.4888 * s) +
    0.2531 * Math.tanh((-s + 0.56478) / 0.1316) -
    0.02167 * Math.tanh((s - 0.525) / 0.006)
  );
};

/** Capiglia 1999 / Dualfoil electrolyte diffusivity used by Marquis2019 [m2.s-1]. */
export const marquis2019ElectrolyteDiffusivity: ElectrolyteFunction = (ce, T) => 5.34e-10 * Math.exp((-0.65 * Math.max(ce, 10)) / 1000) * ARR_MARQUIS_DE(T);
/** Capiglia 1999 / Dualfoil electrolyte conductivity used by Marquis2019 [S.m-1]. */
export const marquis2019ElectrolyteConductivity: ElectrolyteFunction = (ce, T) => {
  const c = Math.max(ce, 10) / 1000;
  return (0.0911 + 1.9101 * c - 1.052 * c * c + 0.1554 * c * c * c) * ARR_MARQUIS_KAPPA(T);
};

const sech2 = (z: number): number => {
  const c = Math.cosh(z);
  return 1 / (c * c);
};
const MARQUIS_CN = 24983.2619938437;
const MARQUIS_CP = 51217.9257309275;

/**
 * Marquis2019 graphite entropic change dU/dT(x) [V.K-1] (Moura's FastDFN fit, rewritten by PyBaMM as a function of
 * stoichiometry but keeping the division by c_n,max of the concentration-based original: Marquis2019.md).
 */
export const marquis2019GraphiteEntropicChange: EntropicChangeFunction = (x) => {
  const c = MARQUIS_CN;
  return (
    -1.5 * (120.0 / c) * Math.exp(-120 * x) +
    (0.0351 / (0.083 * c)) * sech2((x - 0.286) / 0.083) -
    (0.0045 / (0.119 * c)) * sech2((x - 0.849) / 0.119) -
    (0.035 / (0.05 * c)) * sech2((x - 0.9233) / 0.05) -
    (0.0147 / (0.034 * c)) * sech2((x - 0.5) / 0.034) -
    (0.102 / (0.142 * c)) * sech2((x - 0.194) / 0.142) -
    (0.022 / (0.0164 * c)) * sech2((x - 0.9) / 0.0164) -
    (0.011 / (0.0226 * c)) * sech2((x - 0.124) / 0.0226) +
    (0.0155 / (0.029 * c)) * sech2((x - 0.105) / 0.029)
  );
};

/** Marquis2019 LiCoO2 entropic change dU/dT(y) [V.K-1] (FastDFN fit, stretch s = 1.062·y as the OCP). */
export const marquis2019LiCoO2EntropicChange: EntropicChangeFunction = (y) => {
  const s = 1.062 * y;
  const c = MARQUIS_CP;
  return (
    0.07645 * (-54.4806 / c) * sech2(30.834 - 54.4806 * s) +
    2.1581 * (-50.294 / c) * sech2(52.294 - 50.294 * s) +
    // 19.854 here against 19.8543 inside sech², as in the source
    0.14169 * (19.854 / c) * sech2(11.0923 - 19.8543 * s) -
    0.2051 * (5.4888 / c) * sech2(1.4684 - 5.4888 * s) -
    (0.2531 / 0.1316 / c) * sech2((-s + 0.56478) / 0.1316) -
    (0.02167 / 0.006 / c) * sech2((s - 0.525) / 0.006)
  );
};

function marquis2019(): ParameterValues {
  return new ParameterValues(
    "Marquis2019",
    {
      ...commonCell,
      "Nominal cell capacity [A.h]": 0.680616,
      "Current function [A]": 0.680616,
      "Lower voltage cut-off [V]": 3.105,
      "Upper voltage cut-off [V]": 4.1,
      "Open-circuit voltage at 0% SOC [V]": 3.105,
      "Open-circuit voltage at 100% SOC [V]": 4.1,
      "Negative current collector thickness [m]": 2.5e-5,
      "Negative electrode thickness [m]": 1.0e-4,
      "Separator thickness [m]": 2.5e-5,
      "Positive electrode thickness [m]": 1.0e-4,
      "Positive current collector thickness [m]": 2.5e-5,
      "Electrode height [m]": 0.137,
      "Electrode width [m]": 0.207,
      "Cell cooling surface area [m2]": 0.0569,
      "Cell volume [m3]": 7.8e-6,
      "Negative current collector conductivity [S.m-1]": 5.96e7,
      "Positive current collector conductivity [S.m-1]": 3.55e7,
      "Negative current collector density [kg.m-3]": 8954,
      "Positive current collector density [kg.m-3]": 2707,
      "Negative current collector specific heat capacity [J.kg-1.K-1]": 385,
      "Positive current collector specific heat capacity [J.kg-1.K-1]": 897,
      "Negative current collector thermal conductivity [W.m-1.K-1]": 401,
      "Positive current collector thermal conductivity [W.m-1.K-1]": 237,
      "Reference temperature [K]": 298.15,
      "Ambient temperature [K]": 298.15,
      "Initial temperature [K]": 298.15,
      "Total heat transfer coefficient [W.m-2.K-1]": 10,
      "Negative electrode conductivity [S.m-1]": 100,
      "Maximum concentration in negative electrode [mol.m-3]": 24983.2619938437,
      "Negative particle diffusivity [m2.s-1]": ((_x: number, T: number) => 3.9e-14 * ARR_MARQUIS_DN(T)) as ParticleDiffusivityFunction,
      "Negative electrode OCP [V]": marquis2019GraphiteOcp,
      "Negative electrode porosity": 0.3,
      "Negative electrode active material volume fraction": 0.6,
      "Negative particle radius [m]": 1.0e-5,
      "Negative electrode Bruggeman coefficient (electrolyte)": 1.5,
      "Negative electrode Bruggeman coefficient (electrode)": 1.5,
      "Negative electrode charge transfer coefficient": 0.5,
      "Negative electrode double-layer capacity [F.m-2]": 0.2,
      "Negative electrode exchange-current density [A.m-2]": exchangeCurrentDensity(2.0e-5, 37480, 298.15),
      "Negative electrode density [kg.m-3]": 1657,
      "Negative electrode specific heat capacity [J.kg-1.K-1]": 700,
      "Negative electrode thermal conductivity [W.m-1.K-1]": 1.7,
      "Initial concentration in negative electrode [mol.m-3]": 19986.609595075,
      "Positive electrode conductivity [S.m-1]": 10,
      "Maximum concentration in positive electrode [mol.m-3]": 51217.9257309275,
      "Positive particle diffusivity [m2.s-1]": ((_y: number, T: number) => 1.0e-13 * ARR_MARQUIS_DP(T)) as ParticleDiffusivityFunction,
      "Positive electrode OCP [V]": marquis2019LiCoO2Ocp,
      "Positive electrode porosity": 0.3,
      "Positive electrode active material volume fraction": 0.5,
      "Positive particle radius [m]": 1.0e-5,
      "Positive electrode Bruggeman coefficient (electrolyte)": 1.5,
      "Positive electrode Bruggeman coefficient (electrode)": 1.5,
      "Positive electrode charge transfer coefficient": 0.5,
      "Positive electrode double-layer capacity [F.m-2]": 0.2,
      "Positive electrode exchange-current density [A.m-2]": exchangeCurrentDensity(6.0e-7, 39570, 298.15),
      "Positive electrode density [kg.m-3]": 3262,
      "Positive electrode specific heat capacity [J.kg-1.K-1]": 700,
      "Positive electrode thermal conductivity [W.m-1.K-1]": 2.1,
      "Initial concentration in positive electrode [mol.m-3]": 30730.7554385565,
      "Separator porosity": 1.0,
      "Separator Bruggeman coefficient (electrolyte)": 1.5,
      "Separator density [kg.m-3]": 397,
      "Separator specific heat capacity [J.kg-1.K-1]": 700,
      "Separator thermal conductivity [W.m-1.K-1]": 0.16,
      "Initial concentration in electrolyte [mol.m-3]": 1000,
      "Cation transference number": 0.4,
      "Thermodynamic factor": 1.0,
      "Electrolyte diffusivity [m2.s-1]": marquis2019ElectrolyteDiffusivity,
      "Electrolyte conductivity [S.m-1]": marquis2019ElectrolyteConductivity,
      "Negative electrode OCP entropic change [V.K-1]": marquis2019GraphiteEntropicChange,
      "Positive electrode OCP entropic change [V.K-1]": marquis2019LiCoO2EntropicChange,
    },
    [
      "S. G. Marquis, V. Sulzer, R. Timms, C. P. Please, S. J. Chapman, J. Electrochem. Soc. 166 (2019) A3693-A3706, doi:10.1149/2.0341915jes",
      "C. Capiglia et al., J. Power Sources 81 (1999) 859-862",
    ],
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Ecker2015 (one layer of the Kokam SLPB 75106100 7.5 A.h cell; graphite | NCO)

/** Ecker2015 graphite OCP, analytic fit PyBaMM simulates with [V]. */
export const ecker2015GraphiteOcp: OcpFunction = (x) => {
  const a = 0.716502, b = 369.028, c = 0.12193, d = 35.6478, e = 0.0530947, g = 0.0169644, h = 27.1365, i = 0.312832, j = 0.0199313;
  const k = 28.5697, m = 0.614221, n = 0.931153, o = 36.328, p = 1.10743, q = 0.140031, r = 0.0189193, s = 21.1967, t = 0.196176;
  return a * Math.exp(-b * x) + c * Math.exp(-d * (x - e)) - r * Math.tanh(s * (x - t)) - g * Math.tanh(h * (x - i)) - j * Math.tanh(k * (x - m)) - n * Math.exp(o * (x - p)) + q;
};
/** Ecker2015 NCO OCP, analytic fit PyBaMM simulates with [V]. */
export const ecker2015NcoOcp: OcpFunction = (y) => {
  const a = -2.35211, c = 0.0747061, d = 31.886, e = 0.0219921, g = 0.640243, h = 5.48623, i = 0.439245, j = 3.82383, k = 4.12167;
  const m = 0.176187, n = 0.0542123, o = 18.2919, p = 0.762272, q = 4.23285, r = -6.34984, s = 2.66395, t = 0.174352;
  return a * y - c * Math.tanh(d * (y - e)) - r * Math.tanh(s * (y - t)) - g * Math.tanh(h * (y - i)) - j * Math.tanh(k * (y - m)) - n * Math.tanh(o * (y - p)) + q;
};
const eckerGraphiteTable = pchip(graphiteOcpEcker2015.x, graphiteOcpEcker2015.y);
const eckerNcoTable = pchip(ncoOcpEcker2015.x, ncoOcpEcker2015.y);
/** Ecker2015 measured graphite OCP table (PCHIP) [V]; PyBaMM attaches it only as "Measured ..." (not simulated). */
export const ecker2015GraphiteOcpMeasured: OcpFunction = (x) => eckerGraphiteTable(x);
/** Ecker2015 measured NCO OCP table (PCHIP) [V]. */
export const ecker2015NcoOcpMeasured: OcpFunction = (y) => eckerNcoTable(y);

/** Ecker2015 electrolyte conductivity (reference 296 K, E = 17.1 kJ/mol, with the 296/T prefactor) [S.m-1]. */
export const ecker2015ElectrolyteConductivity: ElectrolyteFunction = (ce, T) => {
  const c = Math.max(ce, 10) / 1000;
  return (0.2667 * c * c * c - 1.2983 * c * c + 1.7919 * c + 0.1726) * (296 / T) * ARR_ECKER_KAPPA(T);
};
/** Ecker2015 electrolyte diffusivity from the conductivity (Nernst–Einstein, R·T·κ/(F²·c_e)) [m2.s-1]. */
export const ecker2015ElectrolyteDiffusivity: ElectrolyteFunction = (ce, T) => {
  const c = Math.max(ce, 10);
  return (GAS_CONSTANT * T * ecker2015ElectrolyteConductivity(c, T)) / (FARADAY * FARADAY * c);
};

function ecker2015(): ParameterValues {
  return new ParameterValues(
    "Ecker2015",
    {
      ...commonCell,
      "Negative current collector thickness [m]": 1.4e-5,
      "Negative electrode thickness [m]": 7.4e-5,
      "Separator thickness [m]": 2.0e-5,
      "Positive electrode thickness [m]": 5.4e-5,
      "Positive current collector thickness [m]": 1.5e-5,
      "Electrode height [m]": 0.101,
      "Electrode width [m]": 0.085,
      "Cell cooling surface area [m2]": 0.0172,
      "Cell volume [m3]": 1.52e-6,
      "Negative current collector conductivity [S.m-1]": 5.8411e7,
      "Positive current collector conductivity [S.m-1]": 3.6914e7,
      // Zhao 2018 (5 A.h Kokam power pouch cell), as in PyBaMM's Ecker2015 set
      "Negative current collector density [kg.m-3]": 8933,
      "Positive current collector density [kg.m-3]": 2702,
      "Negative current collector specific heat capacity [J.kg-1.K-1]": 385,
      "Positive current collector specific heat capacity [J.kg-1.K-1]": 903,
      "Negative current collector thermal conductivity [W.m-1.K-1]": 398,
      "Positive current collector thermal conductivity [W.m-1.K-1]": 238,
      "Nominal cell capacity [A.h]": 0.15625,
      "Current function [A]": 0.15652,
      "Reference temperature [K]": 296.15,
      "Ambient temperature [K]": 298.15,
      "Initial temperature [K]": 298.15,
      "Total heat transfer coefficient [W.m-2.K-1]": 10,
      "Lower voltage cut-off [V]": 2.5,
      "Upper voltage cut-off [V]": 4.2,
      "Open-circuit voltage at 0% SOC [V]": 2.5,
      "Open-circuit voltage at 100% SOC [V]": 4.2,
      "Negative electrode conductivity [S.m-1]": 14,
      "Maximum concentration in negative electrode [mol.m-3]": 31920,
      "Negative particle diffusivity [m2.s-1]": ((x: number, T: number) => (8.4e-13 * Math.exp(-11.3 * x) + 8.2e-15) * ARR_ECKER_DN(T)) as ParticleDiffusivityFunction,
      "Negative electrode OCP [V]": ecker2015GraphiteOcp,
      "Negative electrode porosity": 0.329,
      "Negative electrode active material volume fraction": 0.372403,
      "Negative particle radius [m]": 1.37e-5,
      "Negative electrode Bruggeman coefficient (electrolyte)": 1.6372789338386007,
      "Negative electrode Bruggeman coefficient (electrode)": 0,
      "Negative electrode exchange-current density [A.m-2]": exchangeCurrentDensity(1.070987e-5, 53400, 296.15),
      "Negative electrode density [kg.m-3]": 1555,
      "Negative electrode specific heat capacity [J.kg-1.K-1]": 1437,
      "Negative electrode thermal conductivity [W.m-1.K-1]": 1.58,
      "Negative electrode OCP entropic change [V.K-1]": 0,
      "Initial concentration in negative electrode [mol.m-3]": 26120.05,
      "Positive electrode conductivity [S.m-1]": 68.1,
      "Maximum concentration in positive electrode [mol.m-3]": 48580,
      "Positive particle diffusivity [m2.s-1]": ((y: number, T: number) => (3.7e-13 - 3.4e-13 * Math.exp(-12 * (y - 0.62) * (y - 0.62))) * ARR_ECKER_DP(T)) as ParticleDiffusivityFunction,
      "Positive electrode OCP [V]": ecker2015NcoOcp,
      "Positive electrode porosity": 0.296,
      "Positive electrode active material volume fraction": 0.40832,
      "Positive particle radius [m]": 6.5e-6,
      "Positive electrode Bruggeman coefficient (electrolyte)": 1.5442267190786427,
      "Positive electrode Bruggeman coefficient (electrode)": 0,
      "Positive electrode exchange-current density [A.m-2]": exchangeCurrentDensity(2.904208e-6, 43600, 296.15),
      "Positive electrode density [kg.m-3]": 2895,
      "Positive electrode specific heat capacity [J.kg-1.K-1]": 1270,
      "Positive electrode thermal conductivity [W.m-1.K-1]": 1.04,
      "Positive electrode OCP entropic change [V.K-1]": 0,
      "Initial concentration in positive electrode [mol.m-3]": 12630.8,
      "Separator porosity": 0.508,
      "Separator Bruggeman coefficient (electrolyte)": 1.9804586773134945,
      "Separator density [kg.m-3]": 1017,
      "Separator specific heat capacity [J.kg-1.K-1]": 1978,
      "Separator thermal conductivity [W.m-1.K-1]": 0.34,
      "Initial concentration in electrolyte [mol.m-3]": 1000,
      "Cation transference number": 0.26,
      "Thermodynamic factor": 1.0,
      "Electrolyte diffusivity [m2.s-1]": ecker2015ElectrolyteDiffusivity,
      "Electrolyte conductivity [S.m-1]": ecker2015ElectrolyteConductivity,
    },
    [
      "M. Ecker, T. K. D. Tran, P. Dechent, S. Käbitz, A. Warnecke, D. U. Sauer, J. Electrochem. Soc. 162 (2015) A1836-A1848, doi:10.1149/2.0551509jes",
      "M. Ecker, S. Käbitz, I. Laresgoiti, D. U. Sauer, J. Electrochem. Soc. 162 (2015) A1849-A1857, doi:10.1149/2.0541509jes",
      "G. Richardson, I. Korotkin, R. Ranom, M. Castle, J. M. Foster, Electrochim. Acta 339 (2020) 135862, doi:10.1016/j.electacta.2020.135862",
    ],
  );
}

/** Names of the shipped parameter sets. */
export const PARAMETER_SETS: readonly ParameterSetName[] = ["Chen2020", "Marquis2019", "Ecker2015"];

/** The shipped sets made so far, by name and option (see {@link parameterValues}). */
const SHIPPED = new Map<string, ParameterValues>();

/**
 * A shipped parameter set by name (PyBaMM's `pybamm.ParameterValues("Chen2020")`).
 * An unknown name throws with the nearest valid names.
 *
 * Some entries are carried as in PyBaMM's files but have no effect on these models, as with PyBaMM's default
 * options: the double-layer capacities (no "surface form" option), and "Number of cells connected in series to make a
 * battery" (used only for "Battery voltage [V]"; every other output is per cell). The charge transfer coefficients must stay 0.5 (symmetric Butler–Volmer).
 *
 * @example
 * const p = parameterValues("Marquis2019");
 * p.number("Current function [A]"); // 0.680616
 */
export function parameterValues(name: ParameterSetName | string, opts: ParameterSetOptions = {}): ParameterValues {
  // an option that does not exist, or one another set has, was ignored silently ({ ocp: "table" } gave the fits)
  for (const [k, v] of Object.entries(opts ?? {})) {
    if (v === undefined) continue; // an optional option passed through as undefined
    if (k !== "chen2020Ocp") throw new Error(`parameterValues("${name}"): unknown option "${k}"; the options are: chen2020Ocp (Chen2020 only: "fit" or "table")`);
    if (name !== "Chen2020") throw new Error(`parameterValues("${name}"): the option chen2020Ocp applies to Chen2020 only`);
  }
  // one instance per set and option (sets are immutable): the same functions every call, so two copies of a set
  // compare equal (diff listed the exchange-current densities, closures built afresh, as changed)
  const key = `${name}|${opts?.chen2020Ocp ?? ""}`;
  const cached = SHIPPED.get(key);
  if (cached) return cached;
  let made: ParameterValues;
  switch (name) {
    case "Chen2020":
      made = chen2020(opts);
      break;
    case "Marquis2019":
      made = marquis2019();
      break;
    case "Ecker2015":
      made = ecker2015();
      break;
    default:
      throw new Error(`Unknown parameter set "${name}". Valid sets: ${PARAMETER_SETS.join(", ")}. Did you mean "${nearestNames(name, PARAMETER_SETS, 1)[0]}"?`);
  }
  SHIPPED.set(key, made);
  return made;
}
