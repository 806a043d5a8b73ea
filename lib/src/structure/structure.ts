import { Composition } from "../descriptors/composition";
import { builtinElementData, type ElementData } from "./elements";
import { StructureError } from "./errors";
import { Lattice } from "./lattice";

/** g/cm^3 per (u/Å^3): 1 u = 1.66053906660e-24 g, 1 Å^3 = 1e-24 cm^3 (CODATA 2018, as pymatgen/scipy). */
export const AMU_PER_A3_TO_G_PER_CM3 = 1.6605390666;

/** One species on a site: element, occupancy (0 < occ ≤ 1 for a physical site) and oxidation state if known. */
export interface SpeciesOccupancy {
  /** Element symbol ("Co"). */
  element: string;
  /** Fraction of the site occupied by this species. */
  occupancy: number;
  /** Formal oxidation state (from `_atom_type_oxidation_number` or a label like `Co3+`), when the source gives one. */
  oxidationState?: number;
}

/** A site of a structure: its species (more than one, or total occupancy < 1, for a disordered site) and label. */
export interface Site {
  /** Species with occupancies (sum ≤ 1 for a physical site). */
  species: SpeciesOccupancy[];
  /** Label from the source (`Co1`), or the element symbol. */
  label: string;
}

/** Options of the {@link Structure} constructor. */
export interface StructureOptions {
  /** Space-group symbol as given by the source (not determined from the positions). */
  spaceGroupSymbol?: string;
  /** International Tables number as given by the source. */
  spaceGroupNumber?: number;
  /** Name (CIF data-block name). */
  name?: string;
  /** Non-fatal remarks collected while building (e.g. total occupancy above 1 after merging). */
  warnings?: string[];
}

/**
 * A periodic crystal structure: a {@link Lattice}, fractional and Cartesian coordinates on Float64Arrays
 * (3 numbers per site) and the site species with occupancies and oxidation states.
 *
 * @example
 * ```ts
 * const s = readCif("LiCoO2.cif")[0];
 * s.lattice.a; s.numSites; s.density(); s.formula(); // "Li3 Co3 O6"
 * ```
 */
export class Structure {
  /** The lattice. */
  readonly lattice: Lattice;
  /** Fractional coordinates, site i at [3i, 3i+3). */
  readonly frac: Float64Array;
  /** Cartesian coordinates [Å], site i at [3i, 3i+3). */
  readonly cart: Float64Array;
  /** Sites (species, occupancies, labels), same order as the coordinates. */
  readonly sites: readonly Site[];
  /** Space-group symbol as given in the source, or undefined. */
  readonly spaceGroupSymbol: string | undefined;
  /** Space-group number as given in the source, or undefined. */
  readonly spaceGroupNumber: number | undefined;
  /** Name of the structure (CIF data block), or "". */
  readonly name: string;
  /** Non-fatal remarks from building/reading. */
  readonly warnings: readonly string[];

  /** Builds a structure from a lattice, fractional coordinates (3 per site) and sites. */
  constructor(lattice: Lattice, frac: ArrayLike<number>, sites: readonly Site[], options: StructureOptions = {}) {
    if (frac.length !== sites.length * 3) {
      throw new StructureError(`need 3 fractional coordinates per site: ${sites.length} sites but ${frac.length} numbers`);
    }
    this.lattice = lattice;
    this.frac = Float64Array.from(frac);
    for (let i = 0; i < this.frac.length; i++) {
      if (!Number.isFinite(this.frac[i]!)) throw new StructureError(`fractional coordinate ${i % 3} of site ${Math.floor(i / 3)} is not finite`);
    }
    sites.forEach((s, i) => {
      if (s.species.length === 0) throw new StructureError(`site ${i} (${s.label}) has no species`);
      for (const sp of s.species) {
        if (!(sp.occupancy > 0) || !Number.isFinite(sp.occupancy)) throw new StructureError(`site ${i} (${s.label}): occupancy of ${sp.element} must be > 0, got ${sp.occupancy}`);
      }
    });
    this.sites = sites;
    const n = sites.length;
    this.cart = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) lattice.fracToCart(this.frac[3 * i]!, this.frac[3 * i + 1]!, this.frac[3 * i + 2]!, this.cart, 3 * i);
    this.spaceGroupSymbol = options.spaceGroupSymbol;
    this.spaceGroupNumber = options.spaceGroupNumber;
    this.name = options.name ?? "";
    this.warnings = options.warnings ?? [];
  }

  /** Number of sites (a disordered site counts once). */
  get numSites(): number {
    return this.sites.length;
  }

  /** Cell volume [Å^3]. */
  get volume(): number {
    return this.lattice.volume;
  }

  /** True when every site holds one species with occupancy 1 (within 1e-8). */
  get isOrdered(): boolean {
    return this.sites.every((s) => s.species.length === 1 && Math.abs(s.species[0]!.occupancy - 1) < 1e-8);
  }

  /** The majority species' element of site i (highest occupancy; first in the list on ties). */
  majorElement(i: number): string {
    const sp = this.sites[i]!.species;
    let best = sp[0]!;
    for (const s of sp) if (s.occupancy > best.occupancy) best = s;
    return best.element;
  }

  /** Occupancy of `element` on site i (0 when absent). */
  occupancyOf(i: number, element: string): number {
    let o = 0;
    for (const s of this.sites[i]!.species) if (s.element === element) o += s.occupancy;
    return o;
  }

  /** Composition of the cell: element → sum of occupancies, in order of first appearance. */
  composition(): Map<string, number> {
    const m = new Map<string, number>();
    for (const s of this.sites) for (const sp of s.species) m.set(sp.element, (m.get(sp.element) ?? 0) + sp.occupancy);
    return m;
  }

  /** Total number of atoms in the cell (sum of all occupancies). */
  get numAtoms(): number {
    let n = 0;
    for (const s of this.sites) for (const sp of s.species) n += sp.occupancy;
    return n;
  }

  /** Cell formula with amounts, e.g. "Li3 Co3 O6" (amounts rounded to 4 decimals, 1 written out). */
  formula(): string {
    return [...this.composition()].map(([e, n]) => `${e}${fmtAmount(n)}`).join(" ");
  }

  /**
   * Reduced formula of the cell with pymatgen's conventions (`Structure.composition.reduced_formula`), computed
   * by battery-mi/descriptors' {@link Composition} so that a structure and a parsed formula agree: elements
   * ordered by electronegativity, amounts divided by their greatest common divisor, a trailing polyanion in
   * brackets ("LiFePO4", "Li6PS5Cl", "Li3Fe2(PO4)3"). A disordered cell whose amounts are not integers keeps
   * them unreduced, as pymatgen does ("Li35.76La24Zr16O96").
   */
  reducedFormula(): string {
    return new Composition([...this.composition()]).reducedFormula;
  }

  /** Mass of the cell [u] (occupancy-weighted). */
  mass(elementData: ElementData = builtinElementData): number {
    let m = 0;
    for (const s of this.sites) for (const sp of s.species) m += sp.occupancy * elementData.atomicMass(sp.element);
    return m;
  }

  /** Density [g/cm^3] = occupancy-weighted cell mass / volume (as pymatgen's `Structure.density`). */
  density(elementData: ElementData = builtinElementData): number {
    return (this.mass(elementData) / this.lattice.volume) * AMU_PER_A3_TO_G_PER_CM3;
  }

  /** Distance [Å] between sites i and j under the minimum-image convention searched over neighbouring images (±1 in each axis, plus the widths check). */
  distance(i: number, j: number): number {
    const f = this.frac, m = this.lattice.matrix;
    let dx = f[3 * j]! - f[3 * i]!, dy = f[3 * j + 1]! - f[3 * i + 1]!, dz = f[3 * j + 2]! - f[3 * i + 2]!;
    dx -= Math.round(dx); dy -= Math.round(dy); dz -= Math.round(dz);
    let best = Infinity;
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let c = -1; c <= 1; c++) {
      const x = dx + a, y = dy + b, z = dz + c;
      const cx = x * m[0]! + y * m[3]! + z * m[6]!, cy = x * m[1]! + y * m[4]! + z * m[7]!, cz = x * m[2]! + y * m[5]! + z * m[8]!;
      const d = cx * cx + cy * cy + cz * cz;
      if (d < best) best = d;
    }
    return Math.sqrt(best);
  }

  /** A na × nb × nc supercell (sites ordered cell by cell, site index fastest). */
  supercell(na: number, nb: number, nc: number): Structure {
    for (const [k, v] of [["na", na], ["nb", nb], ["nc", nc]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new StructureError(`supercell multiplier ${k} must be a positive integer, got ${v}`);
    }
    const m = this.lattice.matrix;
    const lat = new Lattice([m[0]! * na, m[1]! * na, m[2]! * na, m[3]! * nb, m[4]! * nb, m[5]! * nb, m[6]! * nc, m[7]! * nc, m[8]! * nc]);
    const n = this.numSites, total = n * na * nb * nc;
    const frac = new Float64Array(3 * total);
    const sites: Site[] = [];
    let k = 0;
    for (let a = 0; a < na; a++) for (let b = 0; b < nb; b++) for (let c = 0; c < nc; c++) {
      for (let i = 0; i < n; i++) {
        frac[3 * k] = (this.frac[3 * i]! + a) / na;
        frac[3 * k + 1] = (this.frac[3 * i + 1]! + b) / nb;
        frac[3 * k + 2] = (this.frac[3 * i + 2]! + c) / nc;
        sites.push(this.sites[i]!);
        k++;
      }
    }
    const opts: StructureOptions = { name: `${this.name} ${na}x${nb}x${nc}`, warnings: [...this.warnings] };
    return new Structure(lat, frac, sites, opts);
  }
}

function fmtAmount(n: number): string {
  if (Math.abs(n - 1) < 1e-9) return "1";
  const r = Math.round(n * 1e4) / 1e4;
  return String(r);
}
