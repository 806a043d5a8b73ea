/**
 * Chemical compositions: a parser for real battery formulas and a `Composition` with pymatgen's
 * conventions (molar mass, fractions, reduced formula, chemical system, oxidation-state guesses) plus
 * battery descriptors of the chapter (Li/M ratio, transition-metal ratio, dopants).
 */
import { element, isElementSymbol, suggestElements } from "./elements";
import { FormulaError } from "./errors";
import { guessOxidationStates, type OxidationGuessOptions, type OxidationStateGuess } from "./oxidation";

/**
 * Industry shorthands understood by {@link parseFormula} (matched on the whole trimmed input,
 * case-insensitively). NCMxyz / NMCxyz with three digits are expanded generally: Ni:Co:Mn = x:y:z
 * normalised to one transition-metal site (NCM622 → LiNi0.6Co0.2Mn0.2O2, NCM111 → thirds).
 */
export const SHORTHANDS: Readonly<Record<string, string>> = Object.freeze({
  NCA: "LiNi0.8Co0.15Al0.05O2",
  LCO: "LiCoO2",
  LFP: "LiFePO4",
  LMO: "LiMn2O4",
  LNMO: "LiNi0.5Mn1.5O4",
  LTO: "Li4Ti5O12",
  LMFP: "LiMn0.5Fe0.5PO4",
});

const HYDRATE_SEPARATORS = new Set(["·", "•", "⋅", "∙", "*", "."]);

interface Item {
  symbol: string;
  amount: number;
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  private fail(pos: number, reason: string, expected: string): never {
    throw new FormulaError(this.src, pos + 1, reason, expected);
  }
  /**
   * An explicit zero (Li0O, (…)0, ·0H2O) is an error rather than a dropped element (pymatgen drops it): in a
   * battery formula a zero is almost always a typo for a small amount (Li0.5 → Li0), so silence would hide it.
   * A zero followed by a sign is left to the sign's error, which fits ranges such as Materials Project's Li0-1CoO2.
   */
  private rejectZero(value: number, pos: number, reason: string, expected: string): void {
    if (value !== 0 || this.peek() === "-" || this.peek() === "+") return;
    this.fail(pos, `${reason} (a zero amount is almost always a typo)`, expected);
  }
  private peek(): string | undefined {
    return this.src[this.pos];
  }
  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  /** formula := unit (SEP coefficient? unit)* */
  parse(): Item[] {
    this.skipSpace();
    if (this.pos >= this.src.length) this.fail(0, "the formula is empty", "a formula such as LiCoO2");
    const first = this.peek()!;
    if (/[0-9.]/.test(first)) {
      this.fail(this.pos, `a formula cannot start with a number ("${first}")`, "an element symbol (e.g. Li) or an opening bracket");
    }
    let items = this.unit(null);
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.src.length) break;
      const c = this.peek()!;
      if (HYDRATE_SEPARATORS.has(c)) {
        const sepPos = this.pos;
        this.pos++;
        this.skipSpace();
        let coeff = 1;
        if (this.peek() !== undefined && /[0-9]/.test(this.peek()!)) {
          const at = this.pos;
          coeff = this.number();
          this.rejectZero(coeff, at, `the coefficient 0 of the part after "${c}"`, `a positive coefficient (e.g. ${c}5H2O), or no "${c}" part`);
        }
        this.skipSpace();
        if (this.pos >= this.src.length) {
          this.fail(
            this.pos,
            `the formula ends after the separator "${c}" at column ${sepPos + 1}${coeff !== 1 ? ` and the coefficient ${coeff}` : ""}`,
            `a formula unit after "${c}", as in Na2SO4·10H2O (a decimal number has only one ".")`,
          );
        }
        const part = this.unit(null);
        items = items.concat(part.map((it) => ({ symbol: it.symbol, amount: it.amount * coeff })));
        continue;
      }
      this.unexpected(c);
    }
    return items;
  }

  private unexpected(c: string): never {
    if (c === "-" || c === "+") {
      this.fail(this.pos, `signed amounts and charges are not allowed ("${c}")`, "a positive amount such as 2 or 0.5 after an element symbol");
    }
    if (c === ")" || c === "]") this.fail(this.pos, `"${c}" has no matching opening bracket`, "an element symbol, a bracket group or the end of the formula");
    this.fail(this.pos, `unexpected character "${c}"`, "an element symbol (e.g. Li), a bracket group ( … ) or [ … ], an amount, or a hydrate separator (·, *, .)");
  }

  /** unit := item+ ; stops at a separator, closing bracket or end. */
  private unit(close: { ch: string; open: number } | null): Item[] {
    const out: Item[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === undefined) {
        if (close) {
          this.fail(
            this.pos,
            `the bracket "${close.ch === ")" ? "(" : "["}" opened at column ${close.open + 1} is never closed`,
            out.length ? `"${close.ch}"` : `an element symbol and then "${close.ch}"`,
          );
        }
        break;
      }
      if (c === ")" || c === "]") {
        if (!close) this.unexpected(c);
        if (c !== close.ch) this.fail(this.pos, `"${c}" does not match the "${close.ch === ")" ? "(" : "["}" opened at column ${close.open + 1}`, `"${close.ch}"`);
        if (out.length === 0) this.fail(this.pos, "empty bracket group", "at least one element symbol inside the brackets");
        break;
      }
      if (HYDRATE_SEPARATORS.has(c) && !close) break;
      if (c === "(" || c === "[") {
        const open = this.pos;
        this.pos++;
        const inner = this.unit({ ch: c === "(" ? ")" : "]", open });
        this.pos++; // closing bracket
        const at = this.pos;
        const f = this.optionalNumber();
        this.rejectZero(f, at, `the multiplier 0 of the bracket group opened at column ${open + 1}`, "a positive multiplier, or no bracket group");
        // pymatgen expands a group to one entry per element (amounts summed, then multiplied).
        const merged = new Map<string, number>();
        for (const it of inner) merged.set(it.symbol, (merged.get(it.symbol) ?? 0) + it.amount * f);
        for (const [symbol, amount] of merged) out.push({ symbol, amount });
        continue;
      }
      if (/[A-Z]/.test(c)) {
        const start = this.pos;
        this.pos++;
        while (this.pos < this.src.length && /[a-z]/.test(this.src[this.pos]!)) this.pos++;
        const sym = this.src.slice(start, this.pos);
        if (!isElementSymbol(sym)) {
          // "Co" written as "CO" parses as C + O, so only unknown lower-case runs end up here.
          const sug = suggestElements(sym);
          this.fail(start, `unknown element symbol "${sym}"`, sug.length ? `an element symbol such as ${sug.map((s) => `"${s}"`).join(" or ")}` : "an element symbol (H … Og)");
        }
        const at = this.pos;
        const amount = this.optionalNumber();
        this.rejectZero(amount, at, `amount 0 for ${sym}`, `a positive amount (e.g. ${sym}0.05), or no ${sym} at all`);
        out.push({ symbol: sym, amount });
        continue;
      }
      if (/[a-z]/.test(c)) {
        const sug = suggestElements(this.src.slice(this.pos, this.pos + 2).replace(/[^a-z]/g, ""));
        this.fail(this.pos, `element symbols start with a capital letter, found "${c}"`, sug.length ? `e.g. "${sug[0]}"` : "an element symbol such as Li");
      }
      if (/[0-9.]/.test(c)) {
        this.fail(this.pos, `an amount "${c}" without an element or bracket group before it`, "an element symbol or bracket group before each amount");
      }
      if (HYDRATE_SEPARATORS.has(c)) {
        this.fail(this.pos, `hydrate separator "${c}" inside a bracket group`, `the closing "${close!.ch}" first`);
      }
      this.unexpected(c);
    }
    return out;
  }

  private optionalNumber(): number {
    const c = this.peek();
    if (c === undefined) return 1;
    if (/[0-9]/.test(c)) return this.number();
    if (c === "." && /[0-9]/.test(this.src[this.pos + 1] ?? "") && !this.isHydrateDot(this.pos)) return this.number();
    if (c === "-" || c === "+") this.unexpected(c);
    return 1;
  }

  /** A "." followed by an optional integer and H2O/D2O (Na2SO4.10H2O) is a hydrate separator, not a decimal point. */
  private isHydrateDot(pos: number): boolean {
    return /^\.\s*\d*\s*[([]?\s*[HD]2O/.test(this.src.slice(pos));
  }

  private number(): number {
    const start = this.pos;
    while (this.pos < this.src.length && /[0-9]/.test(this.src[this.pos]!)) this.pos++;
    if (this.peek() === "." && !this.isHydrateDot(this.pos)) {
      if (!/[0-9]/.test(this.src[this.pos + 1] ?? "")) {
        // "2." followed by a letter is a separator ("CuSO4.5H2O" is handled above); a bare trailing dot is an error
        if (this.pos + 1 >= this.src.length) this.fail(this.pos, `the amount "${this.src.slice(start, this.pos + 1)}" ends with a decimal point`, "digits after the decimal point (e.g. 0.5)");
        return Number(this.src.slice(start, this.pos));
      }
      this.pos++;
      while (this.pos < this.src.length && /[0-9]/.test(this.src[this.pos]!)) this.pos++;
      if (this.peek() === "." && /[0-9]/.test(this.src[this.pos + 1] ?? "") && !this.isHydrateDot(this.pos)) {
        // e.g. "O3.5.1": the second dot starts a hydrate part that consists only of a number.
        const rest = this.src.slice(this.pos + 1);
        if (/^[0-9]+\s*$/.test(rest)) {
          this.fail(this.pos, `a second decimal point in the amount "${this.src.slice(start)}"`, "one decimal point per amount (e.g. 3.5), or a hydrate separator followed by a formula unit (e.g. ·5H2O)");
        }
      }
    }
    const v = Number(this.src.slice(start, this.pos));
    return v;
  }
}

/**
 * Parses a chemical formula into a {@link Composition}.
 *
 * Accepted: element symbols with integer or decimal amounts (`LiNi0.8Co0.1Mn0.1O2`), nested ( ) and [ ]
 * groups with multipliers (`Li10Ge(PS6)2`, `(Li0.5La0.5)TiO3`), hydrates / adducts joined by `·`, `•`,
 * `*` or `.` with an optional integer coefficient (`Na2SO4·10H2O`, `CuSO4.5H2O`; a `.` counts as a
 * separator when a letter or an `nH2O` follows, otherwise it is a decimal point), whitespace between
 * tokens, and the shorthands NCMxyz / NMCxyz (any three digits), NCA, LCO, LFP, LMO, LNMO, LTO, LMFP
 * (see {@link SHORTHANDS}).
 *
 * An explicit amount 0 is an error at its column: `parseFormula("Li0O")` throws "amount 0 for Li" at column 3
 * (likewise a bracket multiplier or hydrate coefficient of 0). pymatgen's `Composition("Li0O")` silently drops
 * the element and gives O; here a zero is treated as the typo it almost always is (Li0.5 written Li0).
 *
 * @throws FormulaError with the 1-based column, the reason and what would have been valid there
 * @example
 * ```ts
 * parseFormula("NCM622").transitionMetalRatio(); // { Ni: 0.6, Co: 0.2, Mn: 0.2 }
 * parseFormula("Li10Ge(PS6)2").reducedFormula;   // "Li10Ge(PS6)2"
 * ```
 */
export function parseFormula(formula: string): Composition {
  if (typeof formula !== "string") {
    throw new FormulaError(String(formula), 1, `expected a string, got ${formula === null ? "null" : typeof formula}`, "a formula string such as LiCoO2");
  }
  const expanded = expandShorthand(formula);
  const items = new Parser(expanded ?? formula).parse();
  const amounts = new Map<string, number>();
  for (const it of items) amounts.set(it.symbol, (amounts.get(it.symbol) ?? 0) + it.amount);
  return new Composition([...amounts], { source: formula, ...(expanded ? { expandedFrom: expanded } : {}) });
}

/** The formula a shorthand stands for (NCM811 → LiNi0.8Co0.1Mn0.1O2), or null if `text` is no shorthand. */
export function expandShorthand(text: string): string | null {
  const t = text.trim().toUpperCase();
  const fixed = SHORTHANDS[t];
  if (fixed) return fixed;
  const m = /^(?:NCM|NMC)(\d)(\d)(\d)$/.exec(t);
  if (!m) return null;
  const isNmc = t.startsWith("NMC");
  // NMC532 means Ni:Mn:Co = 5:3:2 by the usual industrial convention; NCM523 means Ni:Co:Mn = 5:2:3.
  const ni = Number(m[1]);
  const co = Number(isNmc ? m[3] : m[2]);
  const mn = Number(isNmc ? m[2] : m[3]);
  const total = ni + co + mn;
  if (total === 0) return null;
  const part = (sym: string, x: number) => (x === 0 ? "" : sym + String(x / total));
  return `Li${part("Ni", ni)}${part("Co", co)}${part("Mn", mn)}O2`;
}

/** Options of {@link Composition.dopants}. */
export interface DopantOptions {
  /**
   * An element is a dopant when its share of its sublattice (see {@link Composition.dopants}) is at most
   * this fraction. Default 0.05 (5 %): LiCo0.96Mg0.04O2 → Mg (4 % of the Co site), NCA's Al0.05 (5 %) → Al,
   * NCM811's Co0.1 (10 %) → none.
   */
  threshold?: number;
  /** Elements never reported as dopants even when below the threshold (e.g. ["F"] for a surface coating). Default none. */
  exclude?: readonly string[];
  /** The working ion, never a dopant (its amount follows the state of charge, not the synthesis). Default "Li". */
  ion?: string;
}

/** One dopant found by {@link Composition.dopants}. */
export interface Dopant {
  symbol: string;
  /** Amount per formula unit as written. */
  amount: number;
  /** The sublattice the dopant was compared with: the host cations, or the anions (F in an oxyfluoride). */
  sublattice: "cation" | "anion";
  /** amount / Σ amounts of the elements on the same sublattice — the quantity compared with the threshold. */
  fractionOfSublattice: number;
  /** Share of the dopant among all metal (non-alkali) cations: amount / Σ amounts of non-alkali metals. */
  fractionOfHostMetals: number;
}

/**
 * Elements counted on the anion sublattice by {@link Composition.dopants}: the group 15–17 non-metals. P, S,
 * N, As also when they are the centres of polyanions (PO4, SO4, NO3): a cation dopant substitutes a metal,
 * so the metal sites are its reference, and LiFe0.95Mg0.05PO4 gives Mg 5 % of the Fe site rather than 2.5 %
 * of Fe + P.
 */
const ANION_SUBLATTICE: ReadonlySet<string> = new Set(["N", "P", "As", "O", "S", "Se", "Te", "F", "Cl", "Br", "I"]);

/** Options of {@link Composition.ionToMetalRatio}. */
export interface IonRatioOptions {
  /** The working ion. Default "Li". */
  ion?: string;
}

/** Extra information kept by a parsed Composition. */
export interface CompositionSource {
  /** The text that was parsed. */
  source?: string;
  /** The formula a shorthand expanded to (NCM622 → LiNi0.6Co0.2Mn0.2O2). */
  expandedFrom?: string;
}

const AMOUNT_TOLERANCE = 1e-8;

/** Python's repr(float) (shortest round-trip, exponent below 1e-4 / from 1e16). */
function pyRepr(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const ax = Math.abs(x);
  if (ax !== 0 && (ax < 1e-4 || ax >= 1e16)) {
    const [mant, exp] = x.toExponential().split("e");
    const e = Number(exp);
    return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return String(x);
}

/** pymatgen `formula_double_format`. */
function formulaDoubleFormat(x: number, ignoreOnes = true): string {
  if (ignoreOnes && x === 1) return "";
  if (Math.abs(x - Math.trunc(x)) < 1e-8) return String(Math.trunc(x));
  return pyRepr(Number(x.toFixed(8)));
}

function xKey(sym: string): number {
  const x = element(sym).electronegativity;
  return x === null ? Infinity : x;
}

function gcdInt(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** pymatgen `reduce_formula` for integer amounts. */
function reduceFormula(symAmt: ReadonlyArray<readonly [string, number]>): [string, number] {
  const map = new Map(symAmt);
  let syms = [...map.keys()].sort((a, b) => xKey(a) - xKey(b) || (a < b ? -1 : a > b ? 1 : 0));
  syms = syms.filter((s) => Math.abs(map.get(s)!) > AMOUNT_TOLERANCE);
  let factor = 1;
  const vals = [...map.values()];
  if (vals.every((v) => Math.trunc(v) === v)) factor = vals.reduce((g, v) => gcdInt(g, v), 0);
  const poly: string[] = [];
  if (syms.length >= 3 && xKey(syms[syms.length - 1]!) - xKey(syms[syms.length - 2]!) < 1.65) {
    const pair: [string, number][] = [syms.length - 2, syms.length - 1].map((i) => [syms[i]!, map.get(syms[i]!)! / factor]);
    const [pf, pfac] = reduceFormula(pair);
    if (pfac !== 1) poly.push(`(${pf})${pfac}`);
  }
  if (poly.length) syms = syms.slice(0, syms.length - 2);
  let out = "";
  for (const s of syms) out += s + formulaDoubleFormat((map.get(s)! * 1.0) / factor);
  return [out + poly.join(""), factor];
}

const SPECIAL_FORMULAS: Record<string, string> = {
  LiO: "Li2O2", NaO: "Na2O2", KO: "K2O2", HO: "H2O2", CsO: "Cs2O2", RbO: "Rb2O2",
  O: "O2", N: "N2", F: "F2", Cl: "Cl2", H: "H2",
};

/**
 * An immutable chemical composition: element amounts in the order they appear in the formula.
 * Conventions follow pymatgen's `Composition` (2022.11) so results can be cross-checked.
 *
 * @example
 * ```ts
 * const c = parseFormula("LiFePO4");
 * c.molarMass;          // 157.757… g/mol
 * c.chemicalSystem;     // "Fe-Li-O-P"
 * c.oxiStateGuesses()[0].states; // { Li: 1, Fe: 2, P: 5, O: -2 }
 * ```
 */
export class Composition {
  /** The text this composition was parsed from, if any. */
  readonly source: string | undefined;
  /** The formula a shorthand expanded to, if the source was a shorthand. */
  readonly expandedFrom: string | undefined;
  private readonly entries: ReadonlyArray<readonly [string, number]>;
  private readonly index: ReadonlyMap<string, number>;
  private guessCache: OxidationStateGuess[] | undefined;

  /**
   * @param amounts element → amount, as pairs (order kept) or a record; symbols are validated
   * @param info where the composition came from
   */
  constructor(
    amounts: ReadonlyArray<readonly [string, number]> | Iterable<readonly [string, number]> | Readonly<Record<string, number>>,
    info: CompositionSource = {},
  ) {
    const pairs: [string, number][] = Symbol.iterator in Object(amounts)
      ? [...(amounts as Iterable<readonly [string, number]>)].map(([s, a]) => [s, a])
      : Object.entries(amounts as Record<string, number>);
    const merged = new Map<string, number>();
    for (const [s, a] of pairs) {
      element(s); // throws UnknownElementError with suggestions
      if (!Number.isFinite(a) || a < 0) {
        throw new FormulaError(info.source ?? s, 1, `the amount of ${s} is ${a}`, "a finite, non-negative amount");
      }
      merged.set(s, (merged.get(s) ?? 0) + a);
    }
    this.entries = Object.freeze([...merged].filter(([, a]) => a > 0).map(([s, a]) => Object.freeze([s, a] as const)));
    if (this.entries.length === 0) {
      throw new FormulaError(info.source ?? "", 1, "the composition has no element with a positive amount", "at least one element");
    }
    this.index = new Map(this.entries.map(([s, a]) => [s, a]));
    this.source = info.source;
    this.expandedFrom = info.expandedFrom;
  }

  /** Parses a formula; same as {@link parseFormula}. */
  static parse(formula: string): Composition {
    return parseFormula(formula);
  }

  /** Element symbols in order of first appearance. */
  get elements(): string[] {
    return this.entries.map(([s]) => s);
  }

  /** [symbol, amount] pairs in order of first appearance. */
  amounts(): [string, number][] {
    return this.entries.map(([s, a]) => [s, a]);
  }

  /** Amount of an element per formula unit as written (0 if absent). */
  amount(symbol: string): number {
    element(symbol);
    return this.index.get(symbol) ?? 0;
  }

  /** Total number of atoms per formula unit as written. */
  get numAtoms(): number {
    let n = 0;
    for (const [, a] of this.entries) n += Math.abs(a);
    return n;
  }

  /** Molar mass [g/mol] of the formula unit as written (pymatgen `weight`). */
  get molarMass(): number {
    let w = 0;
    for (const [s, a] of this.entries) w += a * element(s).atomicMass;
    return w;
  }

  /** Atomic (mole) fraction of each element, summing to 1. */
  atomicFractions(): Record<string, number> {
    const n = this.numAtoms;
    const out: Record<string, number> = {};
    for (const [s, a] of this.entries) out[s] = Math.abs(a) / n;
    return out;
  }

  /** Weight (mass) fraction of each element, summing to 1. */
  weightFractions(): Record<string, number> {
    const w = this.molarMass;
    const out: Record<string, number> = {};
    for (const [s, a] of this.entries) out[s] = (element(s).atomicMass * Math.abs(a)) / w;
    return out;
  }

  /** True when every amount is an integer (within 1e-8). */
  get isInteger(): boolean {
    return this.entries.every(([, a]) => Math.abs(a - Math.round(a)) < AMOUNT_TOLERANCE);
  }

  /**
   * pymatgen's `formula`: elements sorted by electronegativity with explicit amounts, joined by spaces
   * ("Li1 Co1 O2").
   */
  get formula(): string {
    const syms = this.entries.map(([s]) => s).sort((a, b) => xKey(a) - xKey(b));
    return syms.map((s) => s + formulaDoubleFormat(this.index.get(s)!, false)).join(" ");
  }

  /**
   * Reduced formula with pymatgen's conventions: elements ordered by electronegativity, amounts divided
   * by their greatest common divisor, a trailing polyanion written in brackets (`Li3Fe2(PO4)3`),
   * peroxides/diatomics as Li2O2, O2 …; non-integer compositions keep their amounts (`Li1Ni0.8Co0.1Mn0.1O2`
   * — pymatgen writes the 1 in that case).
   */
  get reducedFormula(): string {
    return this.reducedFormulaAndFactor()[0];
  }

  /** [reduced formula, factor] (pymatgen `get_reduced_formula_and_factor`). */
  reducedFormulaAndFactor(): [string, number] {
    if (!this.isInteger) return [this.formula.replace(/ /g, ""), 1];
    const ints = this.entries.map(([s, a]) => [s, Math.round(a)] as const);
    let [f, factor] = reduceFormula(ints);
    if (f in SPECIAL_FORMULAS) {
      f = SPECIAL_FORMULAS[f]!;
      factor /= 2;
    }
    return [f, factor];
  }

  /** The composition divided by the reduction factor (Li4Fe4P4O16 → LiFePO4). */
  reducedComposition(): Composition {
    const [, factor] = this.reducedFormulaAndFactor();
    return new Composition(this.entries.map(([s, a]) => [s, a / factor] as const), { source: this.source ?? this.formula });
  }

  /** Elements sorted alphabetically and joined by "-" ("Co-Li-O"), as Materials Project keys it. */
  get chemicalSystem(): string {
    return [...this.elements].sort().join("-");
  }

  /**
   * Charge-balanced oxidation-state assignments, most probable first (pymatgen's `oxi_state_guesses`
   * scoring; non-integer amounts are scaled to the smallest integer formula first — see oxidation.ts).
   * Empty when none exists. The default-option result is cached.
   *
   * The ICSD prior knows nothing about structure: for fractional layered oxides it can pick chemically odd
   * answers (pymatgen gives NCM811 → Mn7+, Ni2.5+ too). Constrain the states you know, e.g.
   * `oxiStateGuesses({ oxiStatesOverride: { Co: [3], Mn: [4] } })` → Ni 2.875.
   *
   * @throws OxidationStateError when the site combinations exceed `maxCombinations` (e.g. amounts with
   *   four decimals make thousands of sites)
   */
  oxiStateGuesses(options?: OxidationGuessOptions): OxidationStateGuess[] {
    if (options === undefined) {
      this.guessCache ??= guessOxidationStates(this.entries);
      return this.guessCache.map((g) => ({ states: { ...g.states }, score: g.score }));
    }
    return guessOxidationStates(this.entries, options);
  }

  /** Transition metals present (pymatgen's definition), in formula order. */
  transitionMetals(): string[] {
    return this.elements.filter((s) => element(s).isTransitionMetal);
  }

  /**
   * Working-ion to metal ratio, e.g. Li/M: amount of the ion divided by the summed amounts of all
   * metals other than alkali metals (transition, post-transition, alkaline-earth, lanthanoid metals).
   * Li1.2Mn0.54Ni0.13Co0.13O2 → 1.2 / 0.8 = 1.5; LiCoO2 → 1.
   *
   * @throws RangeError when the composition has no such metal (the ratio is undefined)
   */
  ionToMetalRatio(options: IonRatioOptions = {}): number {
    const ion = options.ion ?? "Li";
    element(ion);
    let m = 0;
    for (const [s, a] of this.entries) {
      const e = element(s);
      if (s !== ion && e.isMetal && !e.isAlkali) m += a;
    }
    if (m === 0) throw new RangeError(`${this.source ?? this.formula} contains no non-alkali metal, so ${ion}/M is undefined.`);
    return this.amount(ion) / m;
  }

  /**
   * Share of each transition metal among all transition metals (summing to 1):
   * NCM622 → { Ni: 0.6, Co: 0.2, Mn: 0.2 }. Empty object when there is none.
   */
  transitionMetalRatio(): Record<string, number> {
    const tms = this.entries.filter(([s]) => element(s).isTransitionMetal);
    let total = 0;
    for (const [, a] of tms) total += a;
    const out: Record<string, number> = {};
    for (const [s, a] of tms) out[s] = a / total;
    return out;
  }

  /**
   * Minor elements (dopants), independent of how the formula is scaled (LiCo0.96Mg0.04O2,
   * Li2Co1.92Mg0.08O4 and Li50Co49MgO100 all give Mg).
   *
   * Rule: the elements other than the working ion are split into two sublattices — anions (the group 15–17
   * non-metals N, P, As, O, S, Se, Te, F, Cl, Br, I, polyanion centres included) and host cations
   * (everything else: metals, B, C, Si, H). An element is a dopant when its amount is at most `threshold`
   * (default 5 %) of the summed amounts on its sublattice. The working ion (`ion`, default Li) is never a
   * dopant and is not in the sum, because its amount follows the state of charge.
   *
   * Why 5 %, inclusive: dopant levels in cathode and solid-electrolyte papers are typically 0.5–5 % of a
   * site, while NCM811's Co and Mn (10 % each) are host constituents. NCA (LiNi0.8Co0.15Al0.05O2) reports Al —
   * 5 % of the transition-metal site, the stabilising minority the literature calls Al doping. Al-doped
   * LLZO Li6.25Al0.25La3Zr2O12 reports Al (0.25 / 5.25 = 4.8 %); LiFePO4, Li7La3Zr2O12 and Li6PS5Cl report
   * nothing. The rule uses no oxidation-state guess, which would depend on the amounts' denominators.
   *
   * @throws RangeError when `threshold` is not in (0, 1)
   * @example
   * ```ts
   * parseFormula("Li2Co1.92Mg0.08O4").dopants(); // [{ symbol: "Mg", amount: 0.08, sublattice: "cation", fractionOfSublattice: 0.04, … }]
   * parseFormula("NCM811").dopants();            // []
   * ```
   */
  dopants(options: DopantOptions = {}): Dopant[] {
    const threshold = options.threshold ?? 0.05;
    if (!(threshold > 0 && threshold < 1)) throw new RangeError(`dopants: threshold is a fraction of the sublattice and must be in (0, 1), got ${threshold}`);
    const ion = options.ion ?? "Li";
    element(ion);
    const exclude = new Set(options.exclude ?? []);
    const sublattice = (s: string): "cation" | "anion" => (ANION_SUBLATTICE.has(s) ? "anion" : "cation");
    const total = { cation: 0, anion: 0 };
    let hostMetals = 0;
    for (const [s, a] of this.entries) {
      if (s === ion) continue;
      total[sublattice(s)] += a;
      const e = element(s);
      if (e.isMetal && !e.isAlkali) hostMetals += a;
    }
    const out: Dopant[] = [];
    for (const [s, a] of this.entries) {
      if (s === ion || exclude.has(s)) continue;
      const site = sublattice(s);
      const share = a / total[site];
      // The tolerance keeps exactly-5 % cases (NCA: 0.05 / (0.8 + 0.15 + 0.05)) on the inclusive side despite rounding.
      if (share <= threshold * (1 + 1e-9)) {
        out.push({ symbol: s, amount: a, sublattice: site, fractionOfSublattice: share, fractionOfHostMetals: hostMetals > 0 ? a / hostMetals : 0 });
      }
    }
    return out;
  }

  /** Compact formula as written order, e.g. "LiNi0.8Co0.1Mn0.1O2". */
  toString(): string {
    return this.entries.map(([s, a]) => s + (a === 1 ? "" : String(a))).join("");
  }
}
