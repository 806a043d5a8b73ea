/**
 * Electrochemical descriptors of §2.1.4: theoretical capacity, voltage, energy density.
 */
import { FARADAY_C_PER_MOL } from "./constants";
import { ElectrochemError, requireFinite } from "./errors";
import type { ElementAmounts, PhaseEntry } from "./phase-diagram";
import { energyPerAtom } from "./phase-diagram";

/**
 * Theoretical gravimetric capacity C = nF / (3.6 M) [mAh/g].
 * @param molarMassGPerMol - molar mass M of the formula unit that stores n electrons [g/mol]
 * @param electrons - electrons (= Li⁺ for a monovalent ion) exchanged per formula unit
 * @example theoreticalCapacityMahPerG(97.87, 1) // LiCoO2 → 273.8 mAh/g
 */
export function theoreticalCapacityMahPerG(molarMassGPerMol: number, electrons: number): number {
  requireFinite(molarMassGPerMol, "molar mass [g/mol]", { positive: true });
  requireFinite(electrons, "electrons per formula unit", { positive: true });
  return (electrons * FARADAY_C_PER_MOL) / (3.6 * molarMassGPerMol);
}

/** Theoretical volumetric capacity [mAh/cm³] = gravimetric capacity × density. */
export function volumetricCapacityMahPerCm3(capacityMahPerG: number, densityGPerCm3: number): number {
  requireFinite(capacityMahPerG, "capacity [mAh/g]", { nonNegative: true });
  requireFinite(densityGPerCm3, "density [g/cm3]", { positive: true });
  return capacityMahPerG * densityGPerCm3;
}

/** Specific energy [Wh/kg] = capacity [mAh/g] × average voltage [V]. */
export function specificEnergyWhPerKg(capacityMahPerG: number, averageVoltageV: number): number {
  requireFinite(capacityMahPerG, "capacity [mAh/g]", { nonNegative: true });
  requireFinite(averageVoltageV, "average voltage [V]");
  return capacityMahPerG * averageVoltageV;
}

/** Energy density [Wh/L] = volumetric capacity [mAh/cm³] × average voltage [V]. */
export function energyDensityWhPerL(volumetricCapacity: number, averageVoltageV: number): number {
  requireFinite(volumetricCapacity, "volumetric capacity [mAh/cm3]", { nonNegative: true });
  requireFinite(averageVoltageV, "average voltage [V]");
  return volumetricCapacity * averageVoltageV;
}

/**
 * Cell voltage from a reaction Gibbs energy, V = −ΔG / (nF).
 * @param deltaGJPerMol - reaction Gibbs energy per mole of reaction [J/mol]
 * @param electrons - electrons transferred per reaction
 */
export function voltageFromGibbsV(deltaGJPerMol: number, electrons: number): number {
  requireFinite(deltaGJPerMol, "ΔG [J/mol]");
  requireFinite(electrons, "electrons", { positive: true });
  return -deltaGJPerMol / (electrons * FARADAY_C_PER_MOL);
}

/** Options of {@link averageVoltageV}. */
export interface AverageVoltageOptions {
  /** The (de)lithiated pair: `charged` holds less of the working ion than `discharged`. */
  charged: PhaseEntry;
  discharged: PhaseEntry;
  /** Entry of the working-ion metal (e.g. bcc Li), or its energy per atom [eV/atom]. */
  workingIon: PhaseEntry | number;
  /** Working ion symbol. Default "Li". */
  ion?: string;
  /** Charge of the working ion (1 for Li⁺/Na⁺/K⁺, 2 for Mg²⁺/Ca²⁺/Zn²⁺). Default 1. */
  ionCharge?: number;
}

function ratioOfHosts(charged: ElementAmounts, discharged: ElementAmounts, ion: string): number {
  const hostEls = new Set([...Object.keys(charged), ...Object.keys(discharged)].filter((el) => el !== ion));
  let ratio: number | undefined;
  for (const el of hostEls) {
    const a = charged[el] ?? 0;
    const b = discharged[el] ?? 0;
    if (!(a > 0 && b > 0)) {
      throw new ElectrochemError(`averageVoltage: host element ${el} is in only one of the two phases; charged and discharged must share one framework`);
    }
    const r = b / a;
    if (ratio === undefined) ratio = r;
    else if (Math.abs(r - ratio) > 1e-6 * ratio) {
      throw new ElectrochemError(`averageVoltage: frameworks differ (ratio of ${el} is ${r.toFixed(4)}, expected ${ratio.toFixed(4)})`);
    }
  }
  if (ratio === undefined) throw new ElectrochemError("averageVoltage: no host elements besides the working ion");
  return ratio;
}

/**
 * Average intercalation voltage between two phases of one host from DFT total energies:
 * V = −[E(discharged) − E(charged) − Δx·μ_ion] / (z·Δx), per formula unit of the host (eV → V).
 * The two entries may refer to different numbers of formula units; the host framework is matched.
 *
 * @example
 * ```ts
 * averageVoltageV({
 *   charged: { composition: { Co: 1, O: 2 }, energy: -17.05526 - 1.874 },
 *   discharged: { composition: { Li: 1, Co: 1, O: 2 }, energy: -22.28028 - 1.874 },
 *   workingIon: { composition: { Li: 1 }, energy: -1.90753 },
 * }); // ≈ 3.32 V
 * ```
 */
export function averageVoltageV(options: AverageVoltageOptions): number {
  const ion = options.ion ?? "Li";
  const z = requireFinite(options.ionCharge ?? 1, "ionCharge", { positive: true });
  const { charged, discharged } = options;
  requireFinite(charged.energy, "charged.energy [eV]");
  requireFinite(discharged.energy, "discharged.energy [eV]");
  let mu: number;
  if (typeof options.workingIon === "number") mu = requireFinite(options.workingIon, "working-ion energy per atom [eV]");
  else {
    const comp = options.workingIon.composition;
    const els = Object.keys(comp).filter((el) => comp[el] > 0);
    if (els.length !== 1 || els[0] !== ion) throw new ElectrochemError(`averageVoltage: workingIon entry must be pure ${ion}, got ${els.join("")}`);
    mu = energyPerAtom(options.workingIon);
  }
  const r = ratioOfHosts(charged.composition, discharged.composition, ion);
  const eDis = discharged.energy / r;
  const dx = (discharged.composition[ion] ?? 0) / r - (charged.composition[ion] ?? 0);
  if (!(dx > 1e-9)) {
    throw new ElectrochemError(`averageVoltage: discharged phase must hold more ${ion} per host than the charged one (Δx = ${dx})`);
  }
  return -(eDis - charged.energy - dx * mu) / (z * dx);
}

/**
 * Relative volume change on charging, the chapter's ΔV = (V_charged − V_discharged) / V_discharged × 100 [%].
 * Volumes must refer to the same amount of host (e.g. per formula unit or per host atom).
 */
export function volumeChangePercent(volumeCharged: number, volumeDischarged: number): number {
  requireFinite(volumeCharged, "charged volume", { positive: true });
  requireFinite(volumeDischarged, "discharged volume", { positive: true });
  return ((volumeCharged - volumeDischarged) / volumeDischarged) * 100;
}
