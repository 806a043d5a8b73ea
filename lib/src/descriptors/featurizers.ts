/**
 * Composition featurizers with matminer's contract: stateless `featurize(comp): number[]`,
 * `featureLabels()` of the same length, `citations()`, `implementors()`, presets via `fromPreset`.
 * Values agree with matminer 0.9's ElementProperty / Stoichiometry / ValenceOrbital / OxidationStates /
 * IonProperty on the same data (cross-checked in tests/unit/descriptors-featurizers.test.ts), except that
 * a missing table value raises {@link FeaturizationError} instead of yielding NaN.
 */
import type { DataFrame } from "danfojs-node";
import { Composition, parseFormula } from "./composition";
import { element, elements, MAGPIE_PROPERTIES } from "./elements";
import { DescriptorError, FeaturizationError, OxidationStateError } from "./errors";
import { guessOxidationStates } from "./oxidation";

/** The featurizer contract shared by every composition featurizer here (matminer's BaseFeaturizer). */
export interface CompositionFeaturizer {
  /** Features of one composition (a formula string is parsed first). Throws rather than returning NaN. */
  featurize(comp: Composition | string): number[];
  /** Names of the features, same length and order as `featurize`'s result. */
  featureLabels(): string[];
  /** BibTeX entries of the papers this featurizer implements. */
  citations(): string[];
  /** People who wrote the reference implementation (matminer) this one follows. */
  implementors(): string[];
}

const WARD_2016 =
  "@article{ward_agrawal_choudary_wolverton_2016, title={A general-purpose machine learning framework for " +
  "predicting properties of inorganic materials}, volume={2}, DOI={10.1038/npjcompumats.2017.28}, number={1}, " +
  "journal={npj Computational Materials}, author={Ward, Logan and Agrawal, Ankit and Choudhary, Alok and " +
  "Wolverton, Christopher}, year={2016}}";
const DEML_2016 =
  "@article{deml_ohayre_wolverton_stevanovic_2016, title={Predicting density functional theory total energies " +
  "and enthalpies of formation of metal-nonmetal compounds by linear regression}, volume={47}, " +
  "DOI={10.1002/chin.201644254}, number={44}, journal={ChemInform}, author={Deml, Ann M. and Ohayre, Ryan and " +
  "Wolverton, Chris and Stevanovic, Vladan}, year={2016}}";
const MATMINER_2018 =
  "@article{ward_matminer_2018, title={Matminer: An open source toolkit for materials data mining}, " +
  "volume={152}, DOI={10.1016/j.commatsci.2018.05.018}, journal={Computational Materials Science}, " +
  "author={Ward, Logan and Dunn, Alexander and Faghaninia, Alireza and others}, year={2018}, pages={60--69}}";

function toComposition(comp: Composition | string): Composition {
  return typeof comp === "string" ? parseFormula(comp) : comp;
}

/** Statistics available to {@link ElementProperty} (matminer's PropertyStats names). */
export type PropertyStat = "minimum" | "maximum" | "range" | "mean" | "avg_dev" | "mode" | "std_dev";
const STATS: readonly PropertyStat[] = ["minimum", "maximum", "range", "mean", "avg_dev", "mode", "std_dev"];

/**
 * matminer PropertyStats on values `v` with weights `w` (the element amounts):
 * minimum/maximum/range ignore the weights; mean = Σwv/Σw; avg_dev = Σw|v−mean|/Σw;
 * mode = the smallest value among the entries whose weight is (numpy-isclose to) the largest;
 * std_dev = sqrt(β Σw(v−mean)²) with β = Σw/((Σw)² − Σw²), 0 for a single entry.
 */
export function propertyStat(stat: PropertyStat, v: ArrayLike<number>, w: ArrayLike<number>, n = v.length): number {
  switch (stat) {
    case "minimum": {
      let m = Infinity;
      for (let i = 0; i < n; i++) if (v[i]! < m) m = v[i]!;
      return m;
    }
    case "maximum": {
      let m = -Infinity;
      for (let i = 0; i < n; i++) if (v[i]! > m) m = v[i]!;
      return m;
    }
    case "range":
      return propertyStat("maximum", v, w, n) - propertyStat("minimum", v, w, n);
    case "mean": {
      let s = 0;
      let sw = 0;
      for (let i = 0; i < n; i++) {
        s += v[i]! * w[i]!;
        sw += w[i]!;
      }
      return s / sw;
    }
    case "avg_dev": {
      const mean = propertyStat("mean", v, w, n);
      let s = 0;
      let sw = 0;
      for (let i = 0; i < n; i++) {
        s += Math.abs(v[i]! - mean) * w[i]!;
        sw += w[i]!;
      }
      return s / sw;
    }
    case "mode": {
      let wmax = -Infinity;
      for (let i = 0; i < n; i++) if (w[i]! > wmax) wmax = w[i]!;
      let best = Infinity;
      for (let i = 0; i < n; i++) {
        if (Math.abs(w[i]! - wmax) <= 1e-8 + 1e-5 * Math.abs(wmax) && v[i]! < best) best = v[i]!;
      }
      return best;
    }
    case "std_dev": {
      if (n === 1) return 0;
      const mean = propertyStat("mean", v, w, n);
      let sw = 0;
      let sw2 = 0;
      let d = 0;
      for (let i = 0; i < n; i++) {
        sw += w[i]!;
        sw2 += w[i]! * w[i]!;
        d += (v[i]! - mean) ** 2 * w[i]!;
      }
      return Math.sqrt((sw / (sw * sw - sw2)) * d);
    }
    default:
      throw new DescriptorError(`Unknown statistic "${String(stat)}"; valid: ${STATS.join(", ")}.`);
  }
}

/** Magpie preset: the 22 properties of Ward et al. (2016) as in matminer's `ElementProperty.from_preset("magpie")`. */
export const MAGPIE_PRESET_FEATURES: readonly string[] = Object.freeze([
  "Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
  "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence", "NsUnfilled",
  "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled", "GSvolume_pa", "GSbandgap", "GSmagmom",
  "SpaceGroupNumber",
]);
/** The six statistics of the magpie preset. */
export const MAGPIE_PRESET_STATS: readonly PropertyStat[] = Object.freeze(["minimum", "maximum", "range", "mean", "avg_dev", "mode"]);

/** Options of {@link ElementProperty}. */
export interface ElementPropertyOptions {
  /** Magpie property names (see {@link MAGPIE_PROPERTIES}); default the magpie preset's 22. */
  features?: readonly string[];
  /** Statistics per property; default the magpie preset's six. */
  stats?: readonly PropertyStat[];
  /**
   * Replace a missing table value by the mean of that property over all elements that have one
   * (matminer's `impute_nan=True`). Default false: a missing value raises {@link FeaturizationError}
   * naming the element and property (matminer would return NaN).
   */
  imputeNan?: boolean;
}

const NZ = 118;

/**
 * Statistics of elemental properties weighted by composition (matminer `ElementProperty`, Magpie data).
 *
 * @example
 * ```ts
 * const ep = ElementProperty.fromPreset("magpie");
 * const x = ep.featurize("Fe2O3");
 * x[ep.featureLabels().indexOf("MagpieData mean Number")]; // 15.2
 * ```
 */
export class ElementProperty implements CompositionFeaturizer {
  /** Options as given (with defaults filled in). */
  readonly features: readonly string[];
  readonly stats: readonly PropertyStat[];
  readonly imputeNan: boolean;
  /** property-major table: value of feature f for element Z at [f * 118 + Z − 1]; NaN = missing. */
  private readonly table: Float64Array;

  constructor(options: ElementPropertyOptions = {}) {
    this.features = Object.freeze([...(options.features ?? MAGPIE_PRESET_FEATURES)]);
    this.stats = Object.freeze([...(options.stats ?? MAGPIE_PRESET_STATS)]);
    this.imputeNan = options.imputeNan ?? false;
    for (const f of this.features) {
      if (!MAGPIE_PROPERTIES.includes(f)) {
        throw new DescriptorError(`Unknown Magpie property "${f}"${nearest(f, MAGPIE_PROPERTIES)}. Valid: ${MAGPIE_PROPERTIES.join(", ")}.`);
      }
    }
    for (const s of this.stats) {
      if (!STATS.includes(s)) throw new DescriptorError(`Unknown statistic "${s}"${nearest(s, STATS)}. Valid: ${STATS.join(", ")}.`);
    }
    const els = elements();
    this.table = new Float64Array(this.features.length * NZ);
    this.features.forEach((f, fi) => {
      let sum = 0;
      let cnt = 0;
      for (const e of els) {
        const v = e.magpie[f];
        if (v !== null && v !== undefined) {
          sum += v;
          cnt++;
        }
      }
      const fill = this.imputeNan ? sum / cnt : NaN;
      for (const e of els) {
        const v = e.magpie[f];
        this.table[fi * NZ + e.Z - 1] = v === null || v === undefined ? fill : v;
      }
    });
  }

  /**
   * A preset: "magpie" (22 Magpie properties × minimum, maximum, range, mean, avg_dev, mode = 132 features).
   */
  static fromPreset(name: "magpie", options: Pick<ElementPropertyOptions, "imputeNan"> = {}): ElementProperty {
    if (name !== "magpie") {
      throw new DescriptorError(`Unknown ElementProperty preset "${String(name)}"; valid: "magpie".`);
    }
    return new ElementProperty({ ...options, features: MAGPIE_PRESET_FEATURES, stats: MAGPIE_PRESET_STATS });
  }

  featureLabels(): string[] {
    const out: string[] = [];
    for (const f of this.features) for (const s of this.stats) out.push(`MagpieData ${s} ${f}`);
    return out;
  }

  featurize(comp: Composition | string): number[] {
    const out = new Float64Array(this.features.length * this.stats.length);
    this.featurizeInto(toComposition(comp), out, 0);
    return Array.from(out);
  }

  /** Writes the features into `out` from `offset` (the typed-array path of {@link featurizeMany}). */
  featurizeInto(comp: Composition, out: Float64Array, offset: number): void {
    const pairs = comp.amounts();
    const n = pairs.length;
    const zs = new Int32Array(n);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      zs[i] = element(pairs[i]![0]).Z;
      w[i] = pairs[i]![1];
    }
    const v = new Float64Array(n);
    let k = offset;
    for (let fi = 0; fi < this.features.length; fi++) {
      const base = fi * NZ;
      for (let i = 0; i < n; i++) {
        const x = this.table[base + zs[i]! - 1]!;
        if (Number.isNaN(x)) {
          throw new FeaturizationError(
            `MagpieData has no ${this.features[fi]} for ${pairs[i]![0]} (Z = ${zs[i]}); matminer would give NaN. ` +
              `Use ElementProperty.fromPreset("magpie", { imputeNan: true }) to impute the table mean.`,
          );
        }
        v[i] = x;
      }
      for (const s of this.stats) out[k++] = propertyStat(s, v, w, n);
    }
  }

  citations(): string[] {
    return [WARD_2016];
  }
  implementors(): string[] {
    return ["Jiming Chen", "Logan Ward", "Anubhav Jain", "Alex Dunn (matminer)", "battery-mi port"];
  }
}

/** Options of {@link Stoichiometry}. */
export interface StoichiometryOptions {
  /** p of the p-norms of the atomic fractions; p = 0 counts elements. Default [0, 2, 3, 5, 7, 10]. */
  pList?: readonly number[];
  /** Prepend the number of atoms per formula unit. Default false. */
  numAtoms?: boolean;
}

/** p-norms of the atomic fractions (matminer `Stoichiometry`; Ward et al. 2016). Labels "0-norm", "2-norm", … */
export class Stoichiometry implements CompositionFeaturizer {
  readonly pList: readonly number[];
  readonly numAtoms: boolean;
  constructor(options: StoichiometryOptions = {}) {
    this.pList = Object.freeze([...(options.pList ?? [0, 2, 3, 5, 7, 10])]);
    this.numAtoms = options.numAtoms ?? false;
    for (const p of this.pList) if (!(p >= 0) || !Number.isInteger(p)) throw new DescriptorError(`p-norm order must be an integer ≥ 0, got ${p}.`);
  }
  featurize(comp: Composition | string): number[] {
    const c = toComposition(comp);
    const amts = c.amounts().map(([, a]) => a);
    const n = c.numAtoms;
    const out: number[] = this.numAtoms ? [n] : [];
    for (const p of this.pList) {
      if (p === 0) out.push(amts.length);
      else {
        let s = 0;
        for (const a of amts) s += (a / n) ** p;
        out.push(s ** (1 / p));
      }
    }
    return out;
  }
  featureLabels(): string[] {
    return [...(this.numAtoms ? ["num atoms"] : []), ...this.pList.map((p) => `${p}-norm`)];
  }
  citations(): string[] {
    return [WARD_2016];
  }
  implementors(): string[] {
    return ["Jiming Chen", "Logan Ward (matminer)", "battery-mi port"];
  }
}

/** Options of {@link ValenceOrbital}. */
export interface ValenceOrbitalOptions {
  /** Orbitals, default ["s", "p", "d", "f"]. */
  orbitals?: readonly ("s" | "p" | "d" | "f")[];
  /** "avg" = composition-weighted mean number of valence electrons in the orbital; "frac" = that / mean total valence. Default both. */
  props?: readonly ("avg" | "frac")[];
}

/** Valence-shell electron counts (matminer `ValenceOrbital`, Magpie NsValence … NValence). */
export class ValenceOrbital implements CompositionFeaturizer {
  readonly orbitals: readonly ("s" | "p" | "d" | "f")[];
  readonly props: readonly ("avg" | "frac")[];
  constructor(options: ValenceOrbitalOptions = {}) {
    this.orbitals = Object.freeze([...(options.orbitals ?? ["s", "p", "d", "f"])]);
    this.props = Object.freeze([...(options.props ?? ["avg", "frac"])]);
  }
  featurize(comp: Composition | string): number[] {
    const c = toComposition(comp);
    const pairs = c.amounts();
    const w = pairs.map(([, a]) => a);
    const val = (prop: string) => pairs.map(([s]) => magpieOrThrow(s, prop));
    const avg = this.orbitals.map((o) => propertyStat("mean", val(`N${o}Valence`), w));
    const total = propertyStat("mean", val("NValence"), w);
    const out: number[] = [];
    for (const p of this.props) out.push(...(p === "avg" ? avg : avg.map((a) => a / total)));
    return out;
  }
  featureLabels(): string[] {
    const out: string[] = [];
    for (const p of this.props) for (const o of this.orbitals) out.push(`${p} ${o} valence electrons`);
    return out;
  }
  citations(): string[] {
    return [WARD_2016, DEML_2016];
  }
  implementors(): string[] {
    return ["Jiming Chen", "Logan Ward (matminer)", "battery-mi port"];
  }
}

function magpieOrThrow(sym: string, prop: string): number {
  const v = element(sym).magpie[prop];
  if (v === null || v === undefined) throw new FeaturizationError(`MagpieData has no ${prop} for ${sym}; matminer would give NaN.`);
  return v;
}

/** Options of {@link OxidationStates}. */
export interface OxidationStatesOptions {
  /** Statistics of the per-element oxidation states weighted by amount; default minimum, maximum, range, std_dev (matminer "deml"). */
  stats?: readonly PropertyStat[];
}

/**
 * Statistics of the oxidation states of the most probable charge-balanced guess
 * ({@link Composition.oxiStateGuesses}; matminer `OxidationStates` after `add_charges_from_oxi_state_guesses`).
 * A composition without any charge-balanced guess raises {@link FeaturizationError}
 * (matminer would silently use 0 for every element).
 */
export class OxidationStates implements CompositionFeaturizer {
  readonly stats: readonly PropertyStat[];
  constructor(options: OxidationStatesOptions = {}) {
    this.stats = Object.freeze([...(options.stats ?? ["minimum", "maximum", "range", "std_dev"])]);
  }
  static fromPreset(name: "deml"): OxidationStates {
    if (name !== "deml") throw new DescriptorError(`Unknown OxidationStates preset "${String(name)}"; valid: "deml".`);
    return new OxidationStates();
  }
  featurize(comp: Composition | string): number[] {
    const c = toComposition(comp);
    let guesses;
    try {
      guesses = c.oxiStateGuesses();
    } catch (e) {
      if (e instanceof OxidationStateError) throw new FeaturizationError(e.message);
      throw e;
    }
    const g = guesses[0];
    if (!g) throw new FeaturizationError(`No charge-balanced oxidation states for ${c.source ?? c.formula}.`);
    const pairs = c.amounts();
    const v = pairs.map(([s]) => g.states[s]!);
    const w = pairs.map(([, a]) => a);
    return this.stats.map((s) => propertyStat(s, v, w));
  }
  featureLabels(): string[] {
    return this.stats.map((s) => `${s} oxidation state`);
  }
  citations(): string[] {
    return [DEML_2016];
  }
  implementors(): string[] {
    return ["Logan Ward (matminer)", "battery-mi port"];
  }
}

/**
 * Ionic character (matminer `IonProperty`, pymatgen data): "compound possible" (1 if a charge-neutral
 * assignment from the elements' common oxidation states exists, else 0), "max ionic char" and
 * "avg ionic char" with Pauling's ionic character 1 − exp(−(χA − χB)²/4) over element pairs.
 */
export class IonProperty implements CompositionFeaturizer {
  featurize(comp: Composition | string): number[] {
    const c = toComposition(comp);
    const pairs = c.amounts();
    if (pairs.length < 2) return [1, 0, 0];
    const chi = pairs.map(([s]) => {
      const x = element(s).electronegativity;
      if (x === null) throw new FeaturizationError(`${s} has no Pauling electronegativity, so its ionic character is undefined.`);
      return x;
    });
    const override: Record<string, number[]> = {};
    for (const [s] of pairs) override[s] = [...element(s).commonOxidationStates];
    let possible: boolean;
    try {
      possible = guessOxidationStates(pairs, { oxiStatesOverride: override }).length > 0;
    } catch (e) {
      if (e instanceof OxidationStateError) throw new FeaturizationError(e.message);
      throw e;
    }
    let total = 0;
    for (const [, a] of pairs) total += a;
    const frac = pairs.map(([, a]) => a / total);
    let maxChar = -Infinity;
    let avg = 0;
    for (let i = 0; i < pairs.length; i++) {
      for (let j = i + 1; j < pairs.length; j++) {
        const ic = 1 - Math.exp(-0.25 * (chi[i]! - chi[j]!) ** 2);
        if (ic > maxChar) maxChar = ic;
        avg += frac[i]! * frac[j]! * ic;
      }
    }
    return [possible ? 1 : 0, maxChar, avg];
  }
  featureLabels(): string[] {
    return ["compound possible", "max ionic char", "avg ionic char"];
  }
  citations(): string[] {
    return [WARD_2016];
  }
  implementors(): string[] {
    return ["Jiming Chen", "Logan Ward (matminer)", "battery-mi port"];
  }
}

function nearest(name: string, valid: readonly string[]): string {
  let best = "";
  let bd = Infinity;
  for (const v of valid) {
    const d = lev(name.toLowerCase(), v.toLowerCase());
    if (d < bd) {
      bd = d;
      best = v;
    }
  }
  return bd <= Math.max(2, name.length / 3) ? ` (did you mean "${best}"?)` : "";
}
function lev(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** A row that could not be featurized. */
export interface FeaturizationFailure {
  /** Row index in the input (0-based position; for a DataFrame, its position, and `index` its label). */
  row: number;
  /** DataFrame index label of the row, when featurizing a DataFrame. */
  index?: string | number;
  /** The formula text (or its string form). */
  formula: string;
  /** Why it failed (the error message). */
  reason: string;
  /** The error class name (FormulaError, FeaturizationError, …). */
  error: string;
}

/** Options of {@link featurizeMany} and {@link featurizeDataFrame}. */
export interface FeaturizeOptions {
  /**
   * What happens to rows that fail: "drop" (default) leaves them out of the result, "flag" keeps them
   * with NaN features *and* marks them (featurizeMany: listed in `failures`; DataFrame: the
   * `failureColumn` holds the reason). Either way every failure is reported in `failures`.
   */
  onFailure?: "drop" | "flag";
  /** DataFrame only: name of the column holding the failure reason ("" when fine). Default "featurize_error". Only added with onFailure "flag". */
  failureColumn?: string;
}

/** Result of {@link featurizeMany}. */
export interface FeatureMatrix {
  /** Row-major nRows × nCols features. */
  X: Float64Array;
  nRows: number;
  nCols: number;
  /** Column labels, featurizers concatenated in order. */
  labels: string[];
  /** Input position of each output row (drops remove rows). */
  rowIndex: Int32Array;
  /** Every input row that could not be featurized. */
  failures: FeaturizationFailure[];
}

function concatLabels(featurizers: readonly CompositionFeaturizer[]): string[] {
  const labels = featurizers.flatMap((f) => f.featureLabels());
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) throw new DescriptorError(`Two featurizers produce the same label "${l}"; use each featurizer once.`);
    seen.add(l);
  }
  return labels;
}

/**
 * Featurizes many formulas into one row-major Float64Array (the fast path; the Magpie featurizer writes
 * straight into the array). Failing rows are reported, never silently NaN.
 *
 * @param formulas formula strings or Compositions
 * @param featurizers default `[ElementProperty.fromPreset("magpie")]`
 * @example
 * ```ts
 * const { X, nRows, nCols, labels, failures } = featurizeMany(["LiCoO2", "LiFePO4", "Xx2O"]);
 * // nRows 2, nCols 132, failures[0] = { row: 2, formula: "Xx2O", reason: "Invalid formula …", … }
 * ```
 */
export function featurizeMany(
  formulas: readonly (string | Composition)[],
  featurizers: readonly CompositionFeaturizer[] = [ElementProperty.fromPreset("magpie")],
  options: FeaturizeOptions = {},
): FeatureMatrix {
  const mode = options.onFailure ?? "drop";
  if (mode !== "drop" && mode !== "flag") throw new DescriptorError(`onFailure must be "drop" or "flag", got "${String(mode)}".`);
  const labels = concatLabels(featurizers);
  const widths = featurizers.map((f) => f.featureLabels().length);
  const nCols = labels.length;
  let X = new Float64Array(formulas.length * nCols);
  const rowIndex: number[] = [];
  const failures: FeaturizationFailure[] = [];
  let r = 0;
  formulas.forEach((f, i) => {
    const off = r * nCols;
    try {
      const comp = toComposition(f);
      let o = off;
      featurizers.forEach((fz, k) => {
        if (fz instanceof ElementProperty) fz.featurizeInto(comp, X, o);
        else {
          const v = fz.featurize(comp);
          if (v.length !== widths[k]) throw new FeaturizationError(`featurizer ${k} returned ${v.length} values for ${widths[k]} labels`);
          X.set(v, o);
        }
        o += widths[k]!;
      });
      rowIndex.push(i);
      r++;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      failures.push({ row: i, formula: typeof f === "string" ? f : f.source ?? f.toString(), reason: err.message, error: err.name });
      if (mode === "flag") {
        X.fill(NaN, off, off + nCols);
        rowIndex.push(i);
        r++;
      }
    }
  });
  if (r !== formulas.length) X = X.slice(0, r * nCols);
  return { X, nRows: r, nCols, labels, rowIndex: Int32Array.from(rowIndex), failures };
}

/** Result of {@link featurizeDataFrame}. */
export interface FeaturizedDataFrame {
  /** A new DataFrame: the input columns (failed rows dropped or flagged) plus one column per feature. */
  df: DataFrame;
  /** Every row that could not be featurized, with its position, index label, formula and reason. */
  failures: FeaturizationFailure[];
  /** The feature column names added. */
  labels: string[];
}

/** A short description of a value for argument errors: `a string ("formula")`, `an array of 2 items`, `null`. */
function describeArg(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)})`;
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? "" : "s"}`;
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "no constructor"})`;
  return `${typeof v} ${String(v)}`;
}

const isFeaturizer = (v: unknown): v is CompositionFeaturizer =>
  typeof v === "object" && v !== null && typeof (v as CompositionFeaturizer).featurize === "function" && typeof (v as CompositionFeaturizer).featureLabels === "function";

/**
 * featurizeDataFrame's arguments are positional and easy to swap (matminer's is `featurizer.featurize_dataframe(df, col_id)`);
 * without this check a swapped call fails deep inside with "df.columns is not iterable".
 */
function checkDataFrameArgs(df: unknown, column: unknown, featurizers: unknown): void {
  const usage = "featurizeDataFrame(df: DataFrame, column: string, featurizers?: CompositionFeaturizer[], options?)";
  const isFrame = typeof df === "object" && df !== null && typeof (df as DataFrame).column === "function" &&
    typeof (df as { columns?: unknown }).columns === "object" && Symbol.iterator in Object((df as { columns?: unknown }).columns);
  if (!isFrame) {
    const hint = typeof df === "string" ? ` It looks like the column name came first: call featurizeDataFrame(df, ${JSON.stringify(df)}, featurizers).` : "";
    throw new DescriptorError(`${usage}: the 1st argument must be a danfojs DataFrame, got ${describeArg(df)}.${hint}`);
  }
  if (typeof column !== "string") {
    const hint = Array.isArray(column) || isFeaturizer(column) ? " It looks like the featurizers came before the column name: call featurizeDataFrame(df, \"formula\", featurizers)." : "";
    throw new DescriptorError(`${usage}: the 2nd argument must be the name of the formula column (a string), got ${describeArg(column)}.${hint}`);
  }
  if (!Array.isArray(featurizers)) {
    const hint = isFeaturizer(featurizers) ? " Wrap a single featurizer in an array: [featurizer]." : "";
    throw new DescriptorError(`${usage}: the 3rd argument must be an array of featurizers, got ${describeArg(featurizers)}.${hint}`);
  }
  featurizers.forEach((f, i) => {
    if (!isFeaturizer(f)) throw new DescriptorError(`${usage}: featurizers[${i}] is ${describeArg(f)}, not a featurizer (an object with featurize() and featureLabels(), e.g. new Stoichiometry()).`);
  });
}

/**
 * Adds feature columns to a danfojs-node DataFrame, computed from the formulas in `column`
 * (matminer's `featurize_dataframe`). Rows that fail are dropped or flagged (`options.onFailure`) and
 * always reported in `failures` — they never become silent NaN.
 *
 * @example
 * ```ts
 * import * as dfd from "danfojs-node";
 * const df = new dfd.DataFrame({ formula: ["LiCoO2", "NCM811", "Li-1"], voltage: [3.9, 3.8, 0] });
 * const { df: out, failures } = featurizeDataFrame(df, "formula", [ElementProperty.fromPreset("magpie")]);
 * // out has 2 rows and 2 + 132 columns; failures[0].row === 2
 * ```
 * @throws DescriptorError for arguments of the wrong type or order (naming the expected signature), an unknown
 *   column (with the nearest name) or a feature label that is already a column
 */
export function featurizeDataFrame(
  df: DataFrame,
  column: string,
  featurizers: readonly CompositionFeaturizer[] = [ElementProperty.fromPreset("magpie")],
  options: FeaturizeOptions = {},
): FeaturizedDataFrame {
  checkDataFrameArgs(df, column, featurizers);
  const columns: string[] = [...df.columns];
  if (!columns.includes(column)) {
    throw new DescriptorError(`The DataFrame has no column "${column}"${nearest(column, columns)}; columns: ${columns.join(", ")}.`);
  }
  const mode = options.onFailure ?? "drop";
  const failCol = options.failureColumn ?? "featurize_error";
  const labels = concatLabels(featurizers);
  for (const l of [...labels, ...(mode === "flag" ? [failCol] : [])]) {
    if (columns.includes(l)) throw new DescriptorError(`The DataFrame already has a column "${l}"; featurize a copy without it.`);
  }
  const raw = df.column(column).values as unknown[];
  const formulas = raw.map((v) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v)));
  const m = featurizeMany(formulas, featurizers, options);
  const idx = df.index as (string | number)[];
  for (const f of m.failures) f.index = idx[f.row]!;
  const data: Record<string, unknown[]> = {};
  const keep = Array.from(m.rowIndex);
  for (const c of columns) {
    const vals = df.column(c).values as unknown[];
    data[c] = keep.map((i) => vals[i]);
  }
  for (let j = 0; j < m.nCols; j++) {
    const col = new Array<number>(m.nRows);
    for (let i = 0; i < m.nRows; i++) col[i] = m.X[i * m.nCols + j]!;
    data[labels[j]!] = col;
  }
  if (mode === "flag") {
    const reason = new Map(m.failures.map((f) => [f.row, f.reason]));
    data[failCol] = keep.map((i) => reason.get(i) ?? "");
  }
  const Ctor = df.constructor as new (data: Record<string, unknown[]>, opts: { index: (string | number)[]; columns: string[] }) => DataFrame;
  const out = new Ctor(data, { index: keep.map((i) => idx[i]!), columns: Object.keys(data) });
  return { df: out, failures: m.failures, labels };
}

/** matminer-style citations of a list of featurizers, de-duplicated (for printing in a notebook). */
export function citationsOf(featurizers: readonly CompositionFeaturizer[]): string[] {
  return [...new Set([MATMINER_2018, ...featurizers.flatMap((f) => f.citations())])];
}
