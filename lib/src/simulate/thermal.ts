/**
 * Optional lumped thermal model (PyBaMM's `thermal: "lumped"` option; conventions §7 in
 * datasets-src/pybamm-parameters): one cell temperature T(t),
 *
 *   m·c_p·dT/dt = Q + I²·R_contact − h·A_cool·(T − T_amb),   m·c_p = ρc_p,eff·V_cell,
 *
 * with ρc_p,eff the thickness-weighted average of ρ·c_p over both current collectors, both electrodes and the
 * separator, V_cell = `Cell volume [m3]`, and Q [W] the heat generated in the simulated electrode pairs: the sources
 * (irreversible: ohmic in electrolyte and solid, reaction a·j·η; reversible: a·j·T·dU/dT) integrated through the
 * layer and over its area (width × height × electrodes in parallel). This is PyBaMM's balance since v24.1
 * (PyBaMM #3611/#3707): before, it took the layer's heat per unit volume times the whole cell volume, which for a
 * wound cell whose volume holds more than the modelled layer (Chen2020: 1.17×) overstated the heat by that ratio
 * (a 1C discharge warmed the cell by 15.9 K instead of 13.9 K). PyBaMM's x-average also counts the current
 * collectors' ohmic heat i²·(L_cn/σ_cn + L_cp/σ_cp) per unit area, about 1e-10 W for Chen2020 at 1C: left out here.
 *
 * The temperature enters the electrochemistry through the parameter functions (Arrhenius factors of the
 * diffusivities, exchange-current densities and electrolyte properties that each set defines), F/RT in the kinetics
 * and electrolyte, and the OCP's entropic term (T − T_ref)·dU/dT. The wrapped model evaluates all of them at
 * {@link CellData.T}, which this wrapper sets from its state before every evaluation.
 *
 * Written from the equations, not from PyBaMM's code.
 */
import type { CellModel, CellData, SurfaceStoichiometryRange } from "./models";
import type { DaeSystem } from "./solver";
import { patternFromRows, type SparsityPattern } from "./sparse";
import { requireParameters, requiredNamesOf } from "./parameters";
import type { ParameterValues } from "./parameters";

/** Thermal option of the model factories: `"isothermal"` (default) or `"lumped"`. */
export type ThermalOption = "isothermal" | "lumped";

/** Heat sources of a state, integrated over the electrochemical layer (A_cc × through-cell thickness) [W]. */
export interface HeatSources {
  /** Ohmic heating in the electrolyte, ∫ −i_e·∇φ_e dV [W] (includes the diffusion-potential part of i_e). */
  ohmicElectrolyte: number;
  /** Ohmic heating in the electrode solid, ∫ −i_s·∇φ_s dV = ∫ σ_eff·|∇φ_s|² dV [W]. */
  ohmicSolid: number;
  /** Irreversible reaction heating ∫ a·j·η dV [W] (≥ 0: j and η always have the same sign). */
  reaction: number;
  /** Reversible (entropic) heating ∫ a·j·T·dU/dT dV [W]. */
  reversible: number;
  /**
   * Open-circuit power −∫ a·j·U dV [W]: what the reactions would deliver without losses. The irreversible heat
   * equals this minus I·V (before the contact resistance) — an energy-conservation check of the sources.
   */
  openCircuitPower: number;
}

/** Constants of the lumped thermal model. */
export interface ThermalProperties {
  /** Effective volumetric heat capacity ρc_p,eff [J.m-3.K-1] (thickness-weighted, collectors included). */
  readonly rhoCpEff: number;
  /** `Cell volume [m3]`. */
  readonly cellVolume: number;
  /** Heat capacity m·c_p = ρc_p,eff·V_cell [J.K-1]. */
  readonly heatCapacity: number;
  /** h_total·A_cool [W.K-1]. */
  readonly coolingCoefficient: number;
  /** Ambient temperature [K]. */
  readonly ambientTemperature: number;
  /** Initial temperature [K]. */
  readonly initialTemperature: number;
  /** Index of the temperature state (stored as T − T_amb [K]) in the state vector. */
  readonly index: number;
}

/** The names the lumped thermal model reads from a parameter set (recorded from its own reads, see requiredNamesOf). */
export function thermalRequiredParameters(): string[] {
  return requiredNamesOf("lumped thermal", (q) => lumpedThermalProperties(q));
}

/**
 * The lumped thermal constants of a parameter set (without the state index): ρc_p,eff over
 * negative collector, negative electrode, separator, positive electrode and positive collector, m·c_p, h·A.
 *
 * @example
 * const th = lumpedThermalProperties(parameterValues("Chen2020"));
 * th.rhoCpEff; // 1.7676e6 J.m-3.K-1
 */
export function lumpedThermalProperties(p: ParameterValues): Omit<ThermalProperties, "index"> {
  requireParameters(p, thermalRequiredParameters(), 'the lumped thermal model ({ thermal: "lumped" })');
  const layers: [string, string][] = [
    ["Negative current collector thickness [m]", "Negative current collector"],
    ["Negative electrode thickness [m]", "Negative electrode"],
    ["Separator thickness [m]", "Separator"],
    ["Positive electrode thickness [m]", "Positive electrode"],
    ["Positive current collector thickness [m]", "Positive current collector"],
  ];
  let L = 0;
  let rhoCpL = 0;
  for (const [thickness, name] of layers) {
    const l = p.number(thickness);
    L += l;
    rhoCpL += p.number(`${name} density [kg.m-3]`) * p.number(`${name} specific heat capacity [J.kg-1.K-1]`) * l;
  }
  const rhoCpEff = rhoCpL / L;
  const cellVolume = p.number("Cell volume [m3]");
  return {
    rhoCpEff,
    cellVolume,
    heatCapacity: rhoCpEff * cellVolume,
    coolingCoefficient: p.number("Total heat transfer coefficient [W.m-2.K-1]") * p.number("Cell cooling surface area [m2]"),
    ambientTemperature: p.number("Ambient temperature [K]"),
    initialTemperature: p.number("Initial temperature [K]"),
  };
}

const THERMAL_CITATIONS = [
  "R. Timms, S. G. Marquis, V. Sulzer, C. P. Please, S. J. Chapman, SIAM J. Appl. Math. 81 (2021) 765-788 (lumped thermal model)",
  "S. G. Marquis, R. Timms, V. Sulzer, C. P. Please, S. J. Chapman, J. Electrochem. Soc. 167 (2020) 140513",
];

/** A cell model plus the lumped temperature as its last (differential) state variable. */

/** A pattern with one more variable that couples only to itself (the temperature; see DaeSystem.globals). */
function appendDiagonal(p: SparsityPattern): SparsityPattern {
  const rows: number[][] = [];
  for (let r = 0; r < p.n; r++) rows.push(Array.from(p.cols.subarray(p.rowPtr[r], p.rowPtr[r + 1])));
  rows.push([p.n]);
  return patternFromRows(p.n + 1, rows);
}

class LumpedThermalModel implements CellModel {
  readonly base: CellModel;
  readonly cell: CellData;
  readonly system: DaeSystem;
  readonly thermal: ThermalProperties;
  readonly citations: readonly string[];
  private readonly heat: (y: Float64Array, I: number) => HeatSources;
  /** Writes the temperature of a state into the shared {@link CellData.T} before any evaluation of the base model. */
  private readonly setT: (y: Float64Array) => void;
  /** The base model's lowest electrolyte concentration (the temperature does not enter it). */
  readonly minElectrolyteConcentration?: (y: Float64Array) => number;
  /**
   * The ambient temperature the cell is cooled towards [K]: the set's "Ambient temperature [K]" until an experiment
   * step sets another ({@link setAmbientTemperature}). The state stays T − (the set's ambient), so a change of the
   * ambient moves no state: the cell's temperature is continuous and only the cooling term changes.
   */
  private ambient: number;

  constructor(base: CellModel) {
    if (!base.heatSources) throw new Error(`The ${base.name} model does not provide heat sources, so it cannot carry a lumped temperature`);
    if (base.thermal) throw new Error(`The ${base.name} model already carries a lumped temperature`);
    this.base = base;
    this.cell = base.cell;
    this.citations = [...base.citations, ...THERMAL_CITATIONS];
    const minCe = base.minElectrolyteConcentration?.bind(base);
    if (minCe !== undefined) this.minElectrolyteConcentration = minCe;
    const heat = base.heatSources.bind(base);
    this.heat = heat;
    const bs = base.system;
    const iT = bs.n;
    this.thermal = { ...lumpedThermalProperties(base.cell.params), index: iT };
    const th = this.thermal;
    const Tamb = th.ambientTemperature;
    this.ambient = Tamb;
    const Rc = base.cell.contactResistance;
    const differential = new Uint8Array(bs.n + 1);
    differential.set(bs.differential);
    differential[iT] = 1;
    const atol = new Float64Array(bs.n + 1);
    atol.set(bs.atol);
    // the state is T − T_amb, so the relative tolerance acts on the temperature rise, not on ~300 K
    atol[iT] = 1e-3;
    const upper = new Float64Array(bs.n + 1).fill(Infinity);
    if (bs.upper) upper.set(bs.upper);
    const voltageDeps = new Int32Array(bs.voltageDeps.length + 1);
    voltageDeps.set(bs.voltageDeps);
    voltageDeps[bs.voltageDeps.length] = iT;
    const setT = (y: Float64Array): void => {
      this.cell.T = Tamb + y[iT];
    };
    this.system = {
      n: bs.n + 1,
      ml: bs.ml,
      mu: bs.mu,
      differential,
      atol,
      upper,
      voltageDeps,
      // the base model's structure plus the temperature's diagonal (its couplings are handled as a global)
      ...(bs.sparsity ? { sparsity: appendDiagonal(bs.sparsity) } : {}),
      // the temperature couples to every row and every row to it: see DaeSystem.globals
      globals: Int32Array.of(iT),
      rhs: (y, I, out) => {
        setT(y);
        bs.rhs(y, I, out);
        const q = heat(y, I);
        const Q = q.ohmicElectrolyte + q.ohmicSolid + q.reaction + q.reversible + I * I * Rc;
        // cooling towards the current ambient: T − T_amb = y − (T_amb − the set's ambient)
        out[iT] = (Q - th.coolingCoefficient * (y[iT] - (this.ambient - Tamb))) / th.heatCapacity;
      },
      voltage: (y, I) => {
        setT(y);
        return bs.voltage(y, I);
      },
      variableName: (i) => (i === iT ? "cell temperature rise over ambient" : bs.variableName ? bs.variableName(i) : `unknown ${i}`),
    };
    this.setT = setT;
  }

  get name(): CellModel["name"] {
    return this.base.name;
  }

  setAmbientTemperature(T: number): void {
    if (!(Number.isFinite(T) && T > 0)) throw new Error(`setAmbientTemperature: ${T} K is not a temperature`);
    this.ambient = T;
  }

  ambientTemperature(): number {
    return this.ambient;
  }

  initialState(stoich?: { x: number; y: number }): Float64Array {
    const th = this.thermal;
    // the base model's initial potentials are OCP guesses at the current cell temperature
    this.cell.T = th.initialTemperature;
    const y0 = this.base.initialState(stoich);
    const y = new Float64Array(this.system.n);
    y.set(y0);
    y[th.index] = th.initialTemperature - th.ambientTemperature;
    return y;
  }

  setStoichiometry(y: Float64Array, xNeg: number, yPos: number): void {
    this.base.setStoichiometry(y, xNeg, yPos);
  }

  heatSources(y: Float64Array, I: number): HeatSources {
    this.setT(y);
    return this.heat(y, I);
  }

  scalars(y: Float64Array, I: number): Record<string, number> {
    this.setT(y);
    const th = this.thermal;
    const T = this.cell.T;
    const out = this.base.scalars(y, I);
    const q = this.heat(y, I);
    // PyBaMM's names and meanings: the electrochemical heat of the simulated electrode pairs [W], its density over
    // the whole cell volume [W.m-3] and per unit electrode-pair area [W.m-2]; the contact resistance's heat apart
    const contact = I * I * this.cell.contactResistance;
    const ohmic = q.ohmicElectrolyte + q.ohmicSolid;
    const total = ohmic + q.reaction + q.reversible;
    out["Cell temperature [K]"] = T;
    out["X-averaged cell temperature [K]"] = T;
    out["Volume-averaged cell temperature [K]"] = T;
    out["Volume-averaged cell temperature [C]"] = T - 273.15;
    out["Ohmic heating [W]"] = ohmic;
    out["Electrolyte ohmic heating [W]"] = q.ohmicElectrolyte;
    out["Solid ohmic heating [W]"] = q.ohmicSolid;
    out["Irreversible electrochemical heating [W]"] = q.reaction;
    out["Reversible heating [W]"] = q.reversible;
    out["Total heating [W]"] = total;
    out["Volume-averaged total heating [W.m-3]"] = total / th.cellVolume;
    out["Total heating per unit electrode-pair area [W.m-2]"] = total / this.cell.area;
    out["Lumped contact resistance heating [W]"] = contact;
    out["Lumped contact resistance heating [W.m-3]"] = contact / th.cellVolume;
    // heat leaving through the surface (> 0 when the cell is warmer than its surroundings; PyBaMM's "Surface total
    // cooling [W]" is its negative)
    out["Total cooling [W]"] = th.coolingCoefficient * (T - this.ambient);
    out["Ambient temperature [K]"] = this.ambient;
    return out;
  }

  profiles(y: Float64Array, I: number): Record<string, Float64Array> {
    this.setT(y);
    return this.base.profiles(y, I);
  }

  lithium(y: Float64Array): number {
    return this.base.lithium(y);
  }

  negativeLithium(y: Float64Array): number {
    return this.base.negativeLithium(y);
  }

  surfaceStoichiometryRange(y: Float64Array): SurfaceStoichiometryRange {
    return this.base.surfaceStoichiometryRange(y);
  }

  describe(y: Float64Array, I: number): string {
    this.setT(y);
    return `${this.base.describe(y, I)}, T = ${this.cell.T.toFixed(3)} K`;
  }
}

/**
 * Adds PyBaMM's lumped thermal model to an isothermal SPM, SPMe or DFN: the state gains T − T_amb as its last
 * entry, starting from `Initial temperature [K]`, cooled through `Total heat transfer coefficient [W.m-2.K-1]` ×
 * `Cell cooling surface area [m2]` towards `Ambient temperature [K]`. Usually reached through the factories'
 * option `{ thermal: "lumped" }`. An experiment's step temperatures ("... at 0oC") set the ambient temperature for
 * their steps, as in PyBaMM; the cell's temperature follows it through the cooling, from the first step's temperature
 * when it has one (PyBaMM's "Initial temperature [K]" for an experiment), else from `Initial temperature [K]`.
 *
 * Outputs (besides the base model's), named as PyBaMM's: "Cell temperature [K]", "X-averaged cell temperature [K]",
 * "Volume-averaged cell temperature [K]", "Ambient temperature [K]", the electrochemical heat of the simulated
 * electrode pairs "Ohmic heating [W]" (= "Electrolyte ohmic heating [W]" + "Solid ohmic heating [W]"),
 * "Irreversible electrochemical heating [W]", "Reversible heating [W]" and their sum "Total heating [W]" (also per
 * cell volume, "Volume-averaged total heating [W.m-3]", and per electrode-pair area), the contact resistance's
 * "Lumped contact resistance heating [W]" (not part of the total, as in PyBaMM), and "Total cooling [W]" (heat
 * leaving through the surface).
 *
 * @example
 * const model = dfn(parameterValues("Chen2020"), { thermal: "lumped" });
 * const sol = simulate(model, "Discharge at 1C until 2.5 V");
 * sol.get("Volume-averaged cell temperature [K]");
 */
export function withLumpedThermal(model: CellModel): CellModel {
  return new LumpedThermalModel(model);
}
