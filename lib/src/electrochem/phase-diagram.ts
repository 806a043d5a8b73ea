/**
 * Compositional phase diagrams: formation energies, the convex hull, energy above hull and decomposition.
 */
import { ElectrochemError } from "./errors";
import { solveLp } from "./lp";

/** An amount of each element, e.g. `{ Li: 1, Co: 1, O: 2 }`. */
export type ElementAmounts = Readonly<Record<string, number>>;

/** A computed entry: a composition and its total energy (already corrected, if corrections apply). */
export interface PhaseEntry {
  /** Identifier shown in decompositions and errors (e.g. an MP material id). */
  id?: string;
  /** Element amounts of the cell or formula unit the energy refers to. */
  composition: ElementAmounts;
  /** Total energy of that composition [eV]. */
  energy: number;
}

/** One product of a decomposition: the entry and its share of the atoms (fractions sum to 1). */
export interface DecompositionPart<E extends PhaseEntry = PhaseEntry> {
  entry: E;
  atomFraction: number;
}

function atomsOf(comp: ElementAmounts): number {
  let n = 0;
  for (const v of Object.values(comp)) n += v;
  return n;
}

function label(e: PhaseEntry, index: number): string {
  const formula = Object.entries(e.composition)
    .map(([el, v]) => `${el}${v === 1 ? "" : v}`)
    .join("");
  return e.id ? `${e.id} (${formula})` : `entry #${index} (${formula})`;
}

/** Energy per atom of an entry [eV/atom]. */
export function energyPerAtom(entry: PhaseEntry): number {
  return entry.energy / atomsOf(entry.composition);
}

/**
 * A phase diagram built from computed entries, in any number of elements.
 *
 * The hull energy at a composition x is the minimum of Σλᵢ·Eᵢ (per-atom energies) over non-negative
 * weights λ that reproduce x; this linear programme is solved exactly (see `lp.ts`), so energies above
 * hull agree with pymatgen's Qhull-based `PhaseDiagram` to rounding error. Elemental references are the
 * lowest-energy entry of each element, as in pymatgen.
 *
 * @example
 * ```ts
 * const pd = new PhaseDiagram(entries);
 * pd.eAboveHull(entries[5]);                 // eV/atom
 * pd.decomposition({ Li: 1, Fe: 1, O: 2 }); // [{ entry, atomFraction }, ...]
 * ```
 */
export class PhaseDiagram<E extends PhaseEntry = PhaseEntry> {
  /** Elements of the diagram, sorted. */
  readonly elements: readonly string[];
  /** All entries, as given. */
  readonly entries: readonly E[];
  /** Lowest-energy entry of each element. */
  readonly elementalReferences: Readonly<Record<string, E>>;
  // Per entry: fractional composition over `elements` (row-major) and energy per atom.
  private readonly fractions: Float64Array;
  private readonly perAtom: Float64Array;
  private readonly elementMask: Uint32Array;
  private stable?: E[];

  constructor(entries: readonly E[], options: { elements?: readonly string[] } = {}) {
    if (entries.length === 0) throw new ElectrochemError("PhaseDiagram needs at least one entry");
    const found = new Set<string>();
    entries.forEach((e, i) => {
      if (!Number.isFinite(e.energy)) throw new ElectrochemError(`PhaseDiagram: ${label(e, i)} has a non-finite energy (${e.energy})`);
      const amounts = Object.entries(e.composition);
      if (amounts.length === 0) throw new ElectrochemError(`PhaseDiagram: ${label(e, i)} has an empty composition`);
      for (const [el, v] of amounts) {
        if (!Number.isFinite(v) || v < 0) throw new ElectrochemError(`PhaseDiagram: ${label(e, i)} has amount ${v} of ${el}`);
        if (v > 0) found.add(el);
      }
      if (!(atomsOf(e.composition) > 0)) throw new ElectrochemError(`PhaseDiagram: ${label(e, i)} has no atoms`);
    });
    const elements = options.elements ? [...options.elements] : [...found].sort();
    if (elements.length > 32) throw new ElectrochemError(`PhaseDiagram supports up to 32 elements, got ${elements.length}`);
    for (const el of found) {
      if (!elements.includes(el)) throw new ElectrochemError(`PhaseDiagram: entries contain ${el}, which is not among elements [${elements.join(", ")}]`);
    }
    this.elements = elements;
    this.entries = entries;
    const d = elements.length;
    this.fractions = new Float64Array(entries.length * d);
    this.perAtom = new Float64Array(entries.length);
    this.elementMask = new Uint32Array(entries.length);
    const refs: Record<string, E> = {};
    entries.forEach((e, i) => {
      const n = atomsOf(e.composition);
      let mask = 0;
      let nonzero = 0;
      elements.forEach((el, k) => {
        const v = (e.composition[el] ?? 0) / n;
        this.fractions[i * d + k] = v;
        if (v > 0) {
          mask |= 1 << k;
          nonzero++;
        }
      });
      this.elementMask[i] = mask >>> 0;
      this.perAtom[i] = e.energy / n;
      if (nonzero === 1) {
        const el = elements[31 - Math.clz32(mask)];
        const cur = refs[el];
        if (!cur || this.perAtom[i] < energyPerAtom(cur)) refs[el] = e;
      }
    });
    const missing = elements.filter((el) => !refs[el]);
    if (missing.length > 0) {
      throw new ElectrochemError(`PhaseDiagram: no elemental entry for ${missing.join(", ")}; add the pure element(s) so formation energies are defined`);
    }
    this.elementalReferences = refs;
  }

  private fractionVector(comp: ElementAmounts, what: string): { x: Float64Array; mask: number } {
    const n = atomsOf(comp);
    if (!(n > 0)) throw new ElectrochemError(`${what}: composition has no atoms`);
    const x = new Float64Array(this.elements.length);
    let mask = 0;
    for (const [el, v] of Object.entries(comp)) {
      if (!Number.isFinite(v) || v < 0) throw new ElectrochemError(`${what}: amount of ${el} is ${v}`);
      if (v === 0) continue;
      const k = this.elements.indexOf(el);
      if (k < 0) throw new ElectrochemError(`${what}: ${el} is not an element of this phase diagram (${this.elements.join("-")})`);
      x[k] = v / n;
      mask |= 1 << k;
    }
    return { x, mask: mask >>> 0 };
  }

  /** Formation energy per atom of an entry (or composition + total energy) relative to the elemental references [eV/atom]. */
  formationEnergyPerAtom(entry: PhaseEntry): number {
    const { x } = this.fractionVector(entry.composition, "formationEnergyPerAtom");
    let ref = 0;
    this.elements.forEach((el, k) => {
      if (x[k] > 0) ref += x[k] * energyPerAtom(this.elementalReferences[el]);
    });
    return energyPerAtom(entry) - ref;
  }

  /** Solves the hull LP at a composition; returns the per-atom hull energy and the decomposition. */
  private solveHull(comp: ElementAmounts, what: string): { energy: number; parts: DecompositionPart<E>[] } {
    const { x, mask } = this.fractionVector(comp, what);
    // Only entries whose elements lie inside the target's chemical system can take part.
    const cols: number[] = [];
    for (let i = 0; i < this.entries.length; i++) if ((this.elementMask[i] & ~mask) === 0) cols.push(i);
    const rows: number[] = [];
    for (let k = 0; k < this.elements.length; k++) if (mask & (1 << k)) rows.push(k);
    const m = rows.length;
    const n = cols.length;
    const d = this.elements.length;
    const A = new Float64Array(m * n);
    const c = new Float64Array(n);
    const b = new Float64Array(m);
    rows.forEach((k, r) => {
      b[r] = x[k];
      cols.forEach((i, j) => (A[r * n + j] = this.fractions[i * d + k]));
    });
    cols.forEach((i, j) => (c[j] = this.perAtom[i]));
    const sol = solveLp(A, m, n, b, c);
    if (!sol.feasible) throw new ElectrochemError(`${what}: composition cannot be made from the entries (is an elemental entry missing?)`);
    const parts: DecompositionPart<E>[] = [];
    cols.forEach((i, j) => {
      if (sol.x[j] > 1e-12) parts.push({ entry: this.entries[i], atomFraction: sol.x[j] });
    });
    parts.sort((p, q) => q.atomFraction - p.atomFraction);
    return { energy: sol.objective, parts };
  }

  /** Energy of the convex hull at a composition [eV/atom]. */
  hullEnergyPerAtom(composition: ElementAmounts): number {
    return this.solveHull(composition, "hullEnergyPerAtom").energy;
  }

  /** The stable phases a composition decomposes into, with atom fractions (largest first). */
  decomposition(composition: ElementAmounts): DecompositionPart<E>[] {
    return this.solveHull(composition, "decomposition").parts;
  }

  /** Energy above the hull of an entry [eV/atom]; 0 for stable entries (never negative beyond rounding). */
  eAboveHull(entry: PhaseEntry): number {
    const e = energyPerAtom(entry) - this.hullEnergyPerAtom(entry.composition);
    return e < 0 && e > -1e-9 ? 0 : e;
  }

  /** Entries on the hull (energy above hull ≤ `tolerance` eV/atom), one per composition (the lowest). */
  stableEntries(tolerance = 1e-8): E[] {
    if (!this.stable || tolerance !== 1e-8) {
      const seen = new Map<string, E>();
      this.entries.forEach((e) => {
        if (this.eAboveHull(e) > tolerance) return;
        const key = Array.from(this.fractionVector(e.composition, "stableEntries").x, (v) => v.toFixed(10)).join(",");
        const cur = seen.get(key);
        if (!cur || energyPerAtom(e) < energyPerAtom(cur)) seen.set(key, e);
      });
      const list = [...seen.values()];
      if (tolerance !== 1e-8) return list;
      this.stable = list;
    }
    return this.stable;
  }
}

/** A pymatgen `ComputedEntry`/`ComputedStructureEntry` as serialised by `as_dict()` (fields we read). */
export interface PymatgenEntryDict {
  energy: number;
  correction?: number;
  composition: Record<string, number>;
  entry_id?: string | null;
  energy_adjustments?: { value: number }[];
}

/**
 * Reads pymatgen-serialised entries (a JSON list of `ComputedEntry` dicts) into {@link PhaseEntry}s with
 * corrected energies (`energy + correction`, as pymatgen's `entry.energy` returns).
 */
export function entriesFromPymatgen(list: readonly PymatgenEntryDict[]): PhaseEntry[] {
  if (!Array.isArray(list)) throw new ElectrochemError("entriesFromPymatgen: expected a JSON list of entry dicts");
  return list.map((d, i) => {
    if (typeof d !== "object" || d === null || typeof d.energy !== "number" || typeof d.composition !== "object") {
      throw new ElectrochemError(`entriesFromPymatgen: item ${i} is not a ComputedEntry dict (needs energy and composition)`);
    }
    let correction = typeof d.correction === "number" ? d.correction : 0;
    const adjustments: { value: number }[] | undefined = d.energy_adjustments;
    if (typeof d.correction !== "number" && adjustments) {
      correction = adjustments.reduce((sum: number, a: { value: number }) => sum + a.value, 0);
    }
    return { id: d.entry_id ?? undefined, composition: { ...d.composition }, energy: d.energy + correction };
  });
}
