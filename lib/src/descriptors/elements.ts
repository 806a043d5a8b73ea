/**
 * The periodic table: pymatgen's element data (masses, Pauling electronegativity, Shannon radii, oxidation
 * states, Mendeleev number) plus every Magpie elemental property used by matminer.
 * Data are shipped in elements.generated.ts (sources and licences in its header).
 */
import { RAW_ELEMENT_DATA } from "./elements.generated";
import type { RawElement } from "./element-types";
import { MissingElementDataError, UnknownElementError } from "./errors";

/** Names of the Magpie scalar tables (one number per element; matminer's MagpieData property names). */
export const MAGPIE_PROPERTIES: readonly string[] = Object.freeze(Object.keys(RAW_ELEMENT_DATA.magpie).sort());

/** Spin state selector for Shannon radii: high spin or low spin (`"HS"`/`"LS"` are accepted too). */
export type Spin = "high" | "low" | "HS" | "LS";

/** Options of {@link Element.ionicRadius} / {@link Element.crystalRadius}. */
export interface ShannonRadiusOptions {
  /**
   * Spin state, required only where Shannon lists both a high-spin and a low-spin radius for this
   * oxidation state and coordination (e.g. Co3+ VI). Ignored where only one entry exists.
   */
  spin?: Spin;
}

/** One Shannon radius entry. */
export interface ShannonRadius {
  oxidationState: number;
  /** Coordination as a roman numeral, e.g. "VI", "IV", "IVSQ". */
  coordination: string;
  /** "" when the entry has no spin label, else "HS" or "LS". */
  spin: "" | "HS" | "LS";
  /** Shannon crystal radius [Å]. */
  crystalRadiusA: number;
  /** Shannon ionic radius [Å]. */
  ionicRadiusA: number;
}

const TRANSITION_Z = new Set<number>([
  ...range(21, 30), ...range(39, 48), 57, ...range(72, 80), 89, ...range(104, 112),
]);
const POST_TRANSITION = new Set(["Al", "Ga", "In", "Tl", "Sn", "Pb", "Bi"]);
const ALKALI_Z = new Set([3, 11, 19, 37, 55, 87]);
const ALKALINE_Z = new Set([4, 12, 20, 38, 56, 88]);

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

/**
 * A chemical element. Obtain one with {@link element}; instances are shared and immutable.
 *
 * @example
 * ```ts
 * const co = element("Co");
 * co.atomicMass;                              // 58.933195
 * co.ionicRadius(3, "VI", { spin: "low" });   // 0.545 (Å)
 * co.magpie.Electronegativity;                // 1.88
 * ```
 */
export class Element {
  /** Atomic number. */
  readonly Z: number;
  /** Symbol, e.g. "Co". */
  readonly symbol: string;
  /** English name, e.g. "Cobalt". */
  readonly name: string;
  /** Standard atomic mass [u] (= molar mass in g/mol), pymatgen's value. */
  readonly atomicMass: number;
  /** Pauling electronegativity, null where undefined (noble gases He, Ne, Ar). */
  readonly electronegativity: number | null;
  /** Pettifor's Mendeleev number as in pymatgen's table (Magpie's own is `magpie.MendeleevNumber`). */
  readonly mendeleevNumber: number | null;
  /** Common oxidation states (pymatgen). */
  readonly commonOxidationStates: readonly number[];
  /** Oxidation states observed in the ICSD (pymatgen), used for oxidation-state guessing. */
  readonly icsdOxidationStates: readonly number[];
  /** All known oxidation states (pymatgen). */
  readonly oxidationStates: readonly number[];
  /** Empirical atomic radius [Å], null if unknown. */
  readonly atomicRadiusA: number | null;
  /** Calculated atomic radius [Å], null if unknown. */
  readonly atomicRadiusCalculatedA: number | null;
  /** Van der Waals radius [Å], null if unknown. */
  readonly vanDerWaalsRadiusA: number | null;
  /** Metallic radius [Å], null if unknown. */
  readonly metallicRadiusA: number | null;
  /** Electronic structure, e.g. "[Ar].3d7.4s2". */
  readonly electronicStructure: string | null;
  /** Periodic-table row (lanthanoids 6, actinoids 7; pymatgen's rule). */
  readonly row: number;
  /** Periodic-table group 1–18 (lanthanoids and actinoids 3; pymatgen's rule). */
  readonly group: number;
  /** Block "s" | "p" | "d" | "f" (pymatgen's rule: Lu and Lr are d). */
  readonly block: "s" | "p" | "d" | "f";
  /**
   * Every Magpie scalar property (matminer's MagpieData names, e.g. `Number`, `MendeleevNumber`,
   * `GSvolume_pa`, `NValence`), null where the Magpie table has no value. Units: see
   * magpie_elementdata/README.txt (e.g. CovalentRadius pm, MeltingT K, GSvolume_pa Å³/atom).
   */
  readonly magpie: Readonly<Record<string, number | null>>;
  /** Magpie's list of oxidation states (null if missing). */
  readonly magpieOxidationStates: readonly number[] | null;
  /** Magpie's list of ionization energies [eV] (null if missing). */
  readonly magpieIonizationEnergies: readonly number[] | null;
  private readonly shannon: RawElement["shannon"];

  /** @internal use {@link element}. */
  constructor(raw: RawElement) {
    this.Z = raw.Z;
    this.symbol = raw.symbol;
    this.name = raw.name;
    this.atomicMass = raw.mass;
    this.electronegativity = raw.X;
    this.mendeleevNumber = raw.mendeleev;
    this.commonOxidationStates = Object.freeze([...raw.common]);
    this.icsdOxidationStates = Object.freeze([...raw.icsd]);
    this.oxidationStates = Object.freeze([...raw.all]);
    this.atomicRadiusA = raw.atomicRadius;
    this.atomicRadiusCalculatedA = raw.atomicRadiusCalc;
    this.vanDerWaalsRadiusA = raw.vdw;
    this.metallicRadiusA = raw.metallicRadius;
    this.electronicStructure = raw.electronic;
    this.shannon = raw.shannon;
    this.row = rowOf(raw.Z);
    this.group = groupOf(raw.Z);
    this.block = blockOf(raw.Z, this.group);
    const i = raw.Z - 1;
    const mag: Record<string, number | null> = {};
    for (const p of MAGPIE_PROPERTIES) mag[p] = RAW_ELEMENT_DATA.magpie[p]![i] ?? null;
    this.magpie = Object.freeze(mag);
    const ox = RAW_ELEMENT_DATA.magpieLists["OxidationStates"]?.[i] ?? null;
    const ie = RAW_ELEMENT_DATA.magpieLists["IonizationEnergies"]?.[i] ?? null;
    this.magpieOxidationStates = ox ? Object.freeze([...ox]) : null;
    this.magpieIonizationEnergies = ie ? Object.freeze([...ie]) : null;
    Object.freeze(this);
  }

  /** True for transition metals (pymatgen's definition: groups 3–12 incl. La and Ac). */
  get isTransitionMetal(): boolean {
    return TRANSITION_Z.has(this.Z);
  }
  /** True for Li, Na, K, Rb, Cs, Fr. */
  get isAlkali(): boolean {
    return ALKALI_Z.has(this.Z);
  }
  /** True for Be, Mg, Ca, Sr, Ba, Ra. */
  get isAlkalineEarth(): boolean {
    return ALKALINE_Z.has(this.Z);
  }
  /** True for La–Lu (57–71). */
  get isLanthanoid(): boolean {
    return this.Z > 56 && this.Z < 72;
  }
  /** True for Ac–Lr (89–103). */
  get isActinoid(): boolean {
    return this.Z > 88 && this.Z < 104;
  }
  /** True for metals (pymatgen: alkali, alkaline earth, post-transition, transition, lanthanoid, actinoid). */
  get isMetal(): boolean {
    return (
      this.isAlkali || this.isAlkalineEarth || POST_TRANSITION.has(this.symbol) || this.isTransitionMetal ||
      this.isLanthanoid || this.isActinoid
    );
  }

  /**
   * A Magpie property value; throws {@link MissingElementDataError} when the Magpie table has none
   * (matminer would silently give NaN).
   */
  magpieValue(property: string): number {
    if (!(property in this.magpie)) {
      throw new MissingElementDataError(
        `Unknown Magpie property "${property}"${suggestionText(property, MAGPIE_PROPERTIES)}. Valid: ${MAGPIE_PROPERTIES.join(", ")}.`,
      );
    }
    const v = this.magpie[property];
    if (v === null || v === undefined) {
      throw new MissingElementDataError(`The Magpie table "${property}" has no value for ${this.symbol} (Z = ${this.Z}).`);
    }
    return v;
  }

  /** All Shannon radius entries of this element (empty when Shannon lists none). */
  shannonRadii(): ShannonRadius[] {
    const out: ShannonRadius[] = [];
    for (const [ox, byCn] of Object.entries(this.shannon)) {
      for (const [cn, bySpin] of Object.entries(byCn)) {
        for (const [spin, r] of Object.entries(bySpin)) {
          out.push({
            oxidationState: Number(ox),
            coordination: cn,
            spin: spin as "" | "HS" | "LS",
            crystalRadiusA: r[0],
            ionicRadiusA: r[1],
          });
        }
      }
    }
    return out;
  }

  /**
   * Shannon (1976) ionic radius [Å] for an oxidation state and coordination.
   *
   * @param oxidationState e.g. 3 for Co3+
   * @param coordination roman numeral as in Shannon's table ("IV", "VI", "VIII", "IVSQ", …); a number 6 is
   *   accepted and converted to "VI"
   * @param options `spin` where Shannon distinguishes high and low spin
   * @throws MissingElementDataError listing the available entries when there is none for the request
   * @example element("Li").ionicRadius(1, "VI") // 0.76
   */
  ionicRadius(oxidationState: number, coordination: string | number, options: ShannonRadiusOptions = {}): number {
    return this.shannonEntry(oxidationState, coordination, options)[1];
  }

  /** Shannon crystal radius [Å] (ionic radius + 0.14 Å); arguments as {@link Element.ionicRadius}. */
  crystalRadius(oxidationState: number, coordination: string | number, options: ShannonRadiusOptions = {}): number {
    return this.shannonEntry(oxidationState, coordination, options)[0];
  }

  private shannonEntry(ox: number, cnIn: string | number, options: ShannonRadiusOptions): [number, number] {
    const cn = typeof cnIn === "number" ? toRoman(cnIn) : cnIn.trim().toUpperCase();
    const byCn = this.shannon[String(ox)];
    const available = () =>
      this.shannonRadii()
        .map((r) => `${signed(r.oxidationState)} ${r.coordination}${r.spin ? " " + r.spin : ""}`)
        .join(", ") || "none";
    if (!byCn) {
      throw new MissingElementDataError(
        `No Shannon radius for ${this.symbol}${signed(ox)}; available for ${this.symbol}: ${available()}.`,
      );
    }
    const bySpin = byCn[cn];
    if (!bySpin) {
      throw new MissingElementDataError(
        `No Shannon radius for ${this.symbol}${signed(ox)} in coordination ${cn}; available coordinations: ${Object.keys(byCn).join(", ")}.`,
      );
    }
    const keys = Object.keys(bySpin);
    if (options.spin !== undefined) {
      const want = options.spin === "high" || options.spin === "HS" ? "HS" : options.spin === "low" || options.spin === "LS" ? "LS" : null;
      if (want === null) throw new MissingElementDataError(`spin must be "high" or "low" (or "HS"/"LS"), got "${String(options.spin)}".`);
      if (bySpin[want]) return bySpin[want]!;
      if (keys.length === 1) return bySpin[keys[0]!]!; // only one entry: spin does not apply
      throw new MissingElementDataError(`No ${want} radius for ${this.symbol}${signed(ox)} ${cn}; available: ${keys.join(", ")}.`);
    }
    if (keys.length === 1) return bySpin[keys[0]!]!;
    throw new MissingElementDataError(
      `${this.symbol}${signed(ox)} in ${cn} has ${keys.map((k) => `${k} (${bySpin[k]![1]} Å)`).join(" and ")} radii; pass { spin: "high" } or { spin: "low" }.`,
    );
  }

  /** "Co" — lets an Element be used in template strings. */
  toString(): string {
    return this.symbol;
  }
}

function signed(ox: number): string {
  return ox >= 0 ? `${ox}+` : `${-ox}-`;
}

function toRoman(n: number): string {
  const r: Record<number, string> = { 1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X", 11: "XI", 12: "XII", 14: "XIV" };
  const s = r[n];
  if (!s) throw new MissingElementDataError(`Coordination number ${n} is not in Shannon's table (valid: 1–12, 14).`);
  return s;
}

const ROW_SIZES = [2, 8, 8, 18, 18, 32, 32];
function rowOf(z: number): number {
  if (z >= 57 && z <= 71) return 6;
  if (z >= 89 && z <= 103) return 7;
  let total = 0;
  for (let i = 0; i < ROW_SIZES.length; i++) {
    total += ROW_SIZES[i]!;
    if (total >= z) return i + 1;
  }
  return 8;
}
function groupOf(z: number): number {
  if (z === 1) return 1;
  if (z === 2) return 18;
  if (z >= 3 && z <= 18) {
    const m = (z - 2) % 8;
    if (m === 0) return 18;
    if (m <= 2) return m;
    return 10 + m;
  }
  if (z >= 19 && z <= 54) {
    const m = (z - 18) % 18;
    return m === 0 ? 18 : m;
  }
  if ((z >= 57 && z <= 71) || (z >= 89 && z <= 103)) return 3;
  const m = (z - 54) % 32;
  if (m === 0) return 18;
  if (m >= 18) return m - 14;
  return m;
}
function blockOf(z: number, group: number): "s" | "p" | "d" | "f" {
  const lan = z > 56 && z < 72;
  const act = z > 88 && z < 104;
  if ((lan || act) && z !== 71 && z !== 103) return "f";
  if (lan || act) return "d";
  if (group === 1 || group === 2) return "s";
  if (group >= 13 && group <= 18) return "p";
  return "d";
}

const ALL: Element[] = RAW_ELEMENT_DATA.elements.map((r) => new Element(r));
const BY_SYMBOL = new Map<string, Element>(ALL.map((e) => [e.symbol, e]));

/** Levenshtein distance (small strings only). */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n]!;
}

function suggestionText(name: string, valid: readonly string[]): string {
  const best = valid
    .map((v) => [v, editDistance(name.toLowerCase(), v.toLowerCase())] as const)
    .sort((a, b) => a[1] - b[1])
    .slice(0, 3)
    .filter((x) => x[1] <= Math.max(2, Math.floor(name.length / 3)));
  return best.length ? ` (did you mean ${best.map((b) => `"${b[0]}"`).join(" or ")}?)` : "";
}

/**
 * The nearest valid element symbols for a misspelt one: case-insensitive match first ("CO" → "Co"),
 * then element names ("cobalt" → "Co"), then symbols one edit away.
 */
export function suggestElements(symbol: string, max = 3): string[] {
  const s = symbol.trim();
  const lower = s.toLowerCase();
  const out: string[] = [];
  const push = (x: string) => {
    if (!out.includes(x) && out.length < max) out.push(x);
  };
  for (const e of ALL) if (e.symbol.toLowerCase() === lower) push(e.symbol);
  for (const e of ALL) if (e.name.toLowerCase() === lower) push(e.symbol);
  const scored = ALL.map((e) => ({ s: e.symbol, d: editDistance(lower, e.symbol.toLowerCase()), z: e.Z }))
    .filter((x) => x.d <= 1)
    .sort((a, b) => a.d - b.d || a.z - b.z);
  for (const x of scored) push(x.s);
  if (out.length === 0) {
    for (const e of ALL) if (e.name.toLowerCase().startsWith(lower.slice(0, 3)) && lower.length >= 3) push(e.symbol);
  }
  return out;
}

/**
 * Looks up an element by symbol (case-sensitive, "Co") or atomic number (27).
 *
 * @throws UnknownElementError suggesting the nearest valid symbols
 * @example
 * ```ts
 * element("Li").ionicRadius(1, "VI");   // 0.76 Å
 * element(27).symbol;                   // "Co"
 * ```
 */
export function element(symbolOrZ: string | number): Element {
  if (typeof symbolOrZ === "number") {
    const e = Number.isInteger(symbolOrZ) ? ALL[symbolOrZ - 1] : undefined;
    if (!e) throw new UnknownElementError(String(symbolOrZ), []);
    return e;
  }
  const e = BY_SYMBOL.get(symbolOrZ);
  if (!e) throw new UnknownElementError(symbolOrZ, suggestElements(symbolOrZ));
  return e;
}

/** True if `symbol` is a valid element symbol (case-sensitive). */
export function isElementSymbol(symbol: string): boolean {
  return BY_SYMBOL.has(symbol);
}

/** All 118 elements in order of atomic number. */
export function elements(): readonly Element[] {
  return ALL;
}

/**
 * ICSD occurrence count of an oxidation state (pymatgen's icsd_bv.yaml prior; 0 when never seen).
 * Used to rank oxidation-state guesses.
 */
export function icsdOccurrence(symbol: string, oxidationState: number): number {
  return RAW_ELEMENT_DATA.occurrence[symbol]?.[String(oxidationState)] ?? 0;
}
