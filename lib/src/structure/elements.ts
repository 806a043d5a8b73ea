import { element, isElementSymbol as isSymbol } from "../descriptors/elements";
import { StructureError } from "./errors";

/** True when `symbol` is a chemical element symbol (case-sensitive: "Co", not "CO"). */
export function isElementSymbol(symbol: string): boolean {
  return isSymbol(symbol);
}

/** Element properties the structure area uses (pluggable, so a notebook can try other radii). */
export interface ElementData {
  /** Atomic mass [u]. */
  atomicMass(symbol: string): number;
  /** Atomic radius [Å] (Slater's empirical radii, as pymatgen/matminer use for the packing fraction). */
  atomicRadius(symbol: string): number;
}

/**
 * The default element data: `battery-mi/descriptors`' `element(symbol)` — pymatgen's atomic masses and empirical
 * atomic radii (J. C. Slater, J. Chem. Phys. 41, 3199 (1964)), so densities and packing fractions agree with
 * pymatgen/matminer.
 */
export const builtinElementData: ElementData = {
  atomicMass: (s) => element(s).atomicMass,
  atomicRadius: (s) => {
    const r = element(s).atomicRadiusA;
    if (r === null) throw new StructureError(`no atomic radius for element ${s}; pass options.elementData with one`);
    return r;
  },
};
