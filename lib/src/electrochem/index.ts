/**
 * `battery-mi/electrochem` — electrochemical and thermodynamic descriptors (chapter §2.1.4):
 * theoretical capacity, voltage from energies or ΔG, energy density, formation energy, convex hull and
 * energy above hull, Arrhenius fits of ionic conductivity and the Nernst–Einstein relation.
 * @packageDocumentation
 */
export * from "./constants";
export { ElectrochemError } from "./errors";
export {
  theoreticalCapacityMahPerG,
  volumetricCapacityMahPerCm3,
  specificEnergyWhPerKg,
  energyDensityWhPerL,
  voltageFromGibbsV,
  averageVoltageV,
  volumeChangePercent,
} from "./electrochemistry";
export type { AverageVoltageOptions } from "./electrochemistry";
export { PhaseDiagram, energyPerAtom, entriesFromPymatgen } from "./phase-diagram";
export type { PhaseEntry, ElementAmounts, DecompositionPart, PymatgenEntryDict } from "./phase-diagram";
export {
  arrheniusFit,
  conductivityFromDiffusivitySPerCm,
  diffusivityFromConductivityCm2PerS,
  carrierDensityPerCm3,
} from "./transport";
export type { ArrheniusFit, ArrheniusOptions, NernstEinsteinOptions } from "./transport";
export { studentTQuantile, studentTCdf } from "./stats";
export { solveLp } from "./lp";
export type { LpSolution } from "./lp";
