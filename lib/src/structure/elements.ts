import { StructureError } from "./errors";

/**
 * All element symbols, index = atomic number − 1. Used to recognise species in CIF labels (`Co3+`, `O1`, `Li_a`).
 */
export const ELEMENT_SYMBOLS: readonly string[] = (
  "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr " +
  "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu " +
  "Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr " +
  "Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og"
).split(" ");

const SYMBOL_SET = new Set(ELEMENT_SYMBOLS);

/** True when `symbol` is a chemical element symbol (case-sensitive: "Co", not "CO"). */
export function isElementSymbol(symbol: string): boolean {
  return SYMBOL_SET.has(symbol);
}

/**
 * Minimal element data the structure area needs: atomic mass [u] and atomic radius [Å] (the empirical radii
 * pymatgen's `Element.atomic_radius` returns, J. C. Slater, J. Chem. Phys. 41, 3199 (1964)), for the elements
 * found in the course's crystal-structure data sets (canonical cathodes/electrolytes, OBELiX, Materials Project
 * Li–Fe–O, CGCNN sample) plus Ni and Ag. Values copied from pymatgen 2022.11 `periodic_table.json` so densities
 * agree with pymatgen to 1e-6 relative.
 *
 * Why a local table: the full periodic table belongs to `battery-mi/descriptors` (`element(symbol)`); this table
 * is the stop-gap until that area lands. Pass `elementData` in options to use another source.
 */
const TABLE: Record<string, readonly [z: number, massU: number, atomicRadiusAngstrom: number]> = {
  H: [1, 1.00794, 0.25], Li: [3, 6.941, 1.45], B: [5, 10.811, 0.85], C: [6, 12.0107, 0.7], N: [7, 14.0067, 0.65],
  O: [8, 15.9994, 0.6], F: [9, 18.9984032, 0.5], Na: [11, 22.98976928, 1.8], Mg: [12, 24.305, 1.5],
  Al: [13, 26.9815386, 1.25], Si: [14, 28.0855, 1.1], P: [15, 30.973762, 1.0], S: [16, 32.065, 1.0],
  Cl: [17, 35.453, 1.0], K: [19, 39.0983, 2.2], Ca: [20, 40.078, 1.8], Sc: [21, 44.955912, 1.6],
  Ti: [22, 47.867, 1.4], V: [23, 50.9415, 1.35], Cr: [24, 51.9961, 1.4], Mn: [25, 54.938045, 1.4],
  Fe: [26, 55.845, 1.4], Co: [27, 58.933195, 1.35], Ni: [28, 58.6934, 1.35], Cu: [29, 63.546, 1.35],
  Zn: [30, 65.409, 1.35], Ga: [31, 69.723, 1.3], Ge: [32, 72.64, 1.25], Se: [34, 78.96, 1.15],
  Br: [35, 79.904, 1.15], Sr: [38, 87.62, 2.0], Y: [39, 88.90585, 1.8], Zr: [40, 91.224, 1.55],
  Nb: [41, 92.90638, 1.45], Mo: [42, 95.94, 1.45], Ag: [47, 107.8682, 1.6], In: [49, 114.818, 1.55],
  Sn: [50, 118.71, 1.45], Sb: [51, 121.76, 1.45], Te: [52, 127.6, 1.4], I: [53, 126.90447, 1.4],
  Cs: [55, 132.9054519, 2.6], Ba: [56, 137.327, 2.15], La: [57, 138.90547, 1.95], Ce: [58, 140.116, 1.85],
  Pr: [59, 140.90765, 1.85], Nd: [60, 144.242, 1.85], Sm: [62, 150.36, 1.85], Gd: [64, 157.25, 1.8],
  Er: [68, 167.259, 1.75], Hf: [72, 178.49, 1.55], Ta: [73, 180.94788, 1.45], W: [74, 183.84, 1.35],
  Pb: [82, 207.2, 1.8], Bi: [83, 208.9804, 1.6],
};

/** Element properties the structure area uses. */
export interface ElementData {
  /** Atomic mass [u]. */
  atomicMass(symbol: string): number;
  /** Atomic radius [Å] (Slater's empirical radii, as pymatgen/matminer use for packing fraction). */
  atomicRadius(symbol: string): number;
}

function lookup(symbol: string): readonly [number, number, number] {
  const row = TABLE[symbol];
  if (!row) {
    const known = Object.keys(TABLE).join(" ");
    throw new StructureError(
      `no atomic mass/radius for element "${symbol}" in the structure area's minimal table (known: ${known}); ` +
        `pass options.elementData to supply one`,
    );
  }
  return row;
}

/** The built-in minimal element table (see the TSDoc of this module for its source and scope). */
export const builtinElementData: ElementData = {
  atomicMass: (s) => lookup(s)[1],
  atomicRadius: (s) => lookup(s)[2],
};
