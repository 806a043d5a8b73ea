/** Shape of the generated element tables (see elements.generated.ts and scripts/gen-elements.mjs). */
export interface RawElement {
  Z: number;
  symbol: string;
  name: string;
  /** Atomic mass [u]. */
  mass: number;
  /** Pauling electronegativity (null for e.g. He, Ne, Ar). */
  X: number | null;
  mendeleev: number | null;
  common: number[];
  icsd: number[];
  all: number[];
  atomicRadius: number | null;
  atomicRadiusCalc: number | null;
  vdw: number | null;
  metallicRadius: number | null;
  electronic: string | null;
  /** oxidation state → coordination → spin ("" | "HS" | "LS") → [crystal radius, ionic radius] in Å. */
  shannon: Record<string, Record<string, Record<string, [number, number]>>>;
}

/** Whole generated data set. */
export interface RawElementData {
  elements: RawElement[];
  /** Magpie scalar tables, index = Z − 1, null = missing (matminer: NaN). */
  magpie: Record<string, (number | null)[]>;
  /** Magpie list-valued tables (OxidationStates, IonizationEnergies), index = Z − 1. */
  magpieLists: Record<string, (number[] | null)[]>;
  /** ICSD occurrence counts: symbol → oxidation state → count. */
  occurrence: Record<string, Record<string, number>>;
}
