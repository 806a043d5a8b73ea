/**
 * Physical constants (CODATA 2018 exact or recommended values), with units in the names.
 * @packageDocumentation
 */

/** Faraday constant [C/mol]. */
export const FARADAY_C_PER_MOL = 96485.33212;
/** Elementary charge [C]. */
export const ELEMENTARY_CHARGE_C = 1.602176634e-19;
/** Boltzmann constant [J/K]. */
export const BOLTZMANN_J_PER_K = 1.380649e-23;
/** Boltzmann constant [eV/K]. */
export const BOLTZMANN_EV_PER_K = 8.617333262e-5;
/** Molar gas constant [J/(mol.K)]. */
export const GAS_CONSTANT_J_PER_MOL_K = 8.314462618;
/** Avogadro constant [1/mol]. */
export const AVOGADRO_PER_MOL = 6.02214076e23;
