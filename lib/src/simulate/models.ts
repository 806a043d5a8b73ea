/**
 * The composed cell models SPM, SPMe and DFN, discretised by finite volumes (conservative, flux-based) into a
 * {@link DaeSystem} for the implicit solver. Equations follow PyBaMM's conventions
 * (datasets-src/pybamm-parameters/conventions.md): I > 0 discharges, symmetric Butler–Volmer
 * j = 2·j0·sinh(F·η/(2RT)), spherical particles with −D ∂c/∂r = j/F at r = R, Bruggeman transport efficiency,
 * concentrated-solution electrolyte (DFN), isothermal at the ambient temperature unless the lumped thermal model
 * (thermal.ts) is switched on.
 */
import { DaeSystem } from "./solver";
import { SparsityPattern, patternFromRows } from "./sparse";
import { ParameterValues, checkParameterValues, requireParameters, requiredNamesOf, optionalNamesOf, checkNearMisses, nearestNames, GAS_CONSTANT as R, FARADAY as F, OcpFunction, ExchangeCurrentFunction, ElectrolyteFunction, ParticleDiffusivityFunction, EntropicChangeFunction } from "./parameters";
import { withLumpedThermal, lumpedThermalProperties } from "./thermal";
import type { HeatSources, ThermalOption, ThermalProperties } from "./thermal";

/** Numbers of finite-volume cells (PyBaMM's defaults: 20 everywhere). */
export interface Mesh {
  /** Cells through the negative electrode. */
  xn: number;
  /** Cells through the separator. */
  xs: number;
  /** Cells through the positive electrode. */
  xp: number;
  /** Radial cells in a negative particle. */
  rn: number;
  /** Radial cells in a positive particle. */
  rp: number;
  /**
   * Grading of the radial cells toward the particle surface: the width ratio of neighbouring cells at 20 cells
   * (other counts use ratio^(20/N), so doubling the cells refines the same mapping). 1 is PyBaMM's uniform mesh.
   */
  particleGrading: number;
}

/**
 * Default mesh: PyBaMM's (conventions §8), uniform particles. The discretisation converges at second order (the
 * change from 2× to 4× finer is a quarter of that from 1× to 2×). Measured, voltage against a mesh twice as fine from
 * 2 minutes into a discharge to 0.1 V above the cut-off (the sixteenth audit's table; SPM, SPMe and DFN alike):
 * - 1C: Chen2020 ≤ 0.64 mV, Marquis2019 ≤ 0.48 mV, **Ecker2015 1.85 mV** (its large, slow negative particles:
 *   13.7 µm, D ≈ 1e-14 m²/s mid-discharge; doubling only `rn` accounts for it); Ecker2015 with
 *   `particleGrading: 0.89` ≤ 0.49 mV, with `rn: 30` 0.76 mV.
 * - 3C / 5C: Marquis2019 ≤ 0.68 / 1.00 mV; Ecker2015 7.0 / 26 mV; Chen2020 ends in electrolyte depletion, where the
 *   through-cell mesh sets the capacity: its DFN at 3C delivers 2.301 A.h at this mesh, 2.328 at 2×, 2.335 at 4×
 *   (1.2 % and 1.4 % more). Compare with `{ xn: 40, xs: 40, xp: 40, rn: 40, rp: 40 }` before trusting a
 *   high-rate capacity to better than a few per cent.
 * - The first seconds: the diffusion layer at the particle surface (0.4 µm at 5 s for Chen2020) is thinner than a
 *   uniform radial cell (0.29 µm): 7.1 mV at t = 5 s; `particleGrading: 0.89` brings every set to ≤ 0.91 mV from
 *   t = 5 s. The grading coarsens the particle interior, which the end of a fast discharge needs: the isothermal
 *   Ecker2015 DFN at 5C delivers 7.358 A.h (×48 layers) graded, 7.384 uniform, 7.403 converged (80 radial cells).
 *   So the uniform mesh stays the default, and the grading is there for pulses, GITT and EIS-like studies and for
 *   sets with slow, large particles such as Ecker2015.
 */
export const DEFAULT_MESH: Readonly<Mesh> = { xn: 20, xs: 20, xp: 20, rn: 20, rp: 20, particleGrading: 1 };

/** Options shared by the model factories. */
export interface ModelOptions {
  /** Mesh (missing fields take {@link DEFAULT_MESH}). */
  mesh?: Partial<Mesh>;
  /**
   * `"isothermal"` (default): the cell stays at the ambient temperature. `"lumped"`: one cell temperature T(t)
   * with m·c_p·dT/dt = Q − h·A·(T − T_amb), as PyBaMM's `thermal: "lumped"` option (see {@link withLumpedThermal}).
   */
  thermal?: ThermalOption;
}

/** The value at xf of the line through (x0, v0) and (x1, v1): a cell-centred field's value at a face. */
function extrapolateToFace(x0: number, v0: number, x1: number, v1: number, xf: number): number {
  return v1 + ((v1 - v0) * (xf - x1)) / (x1 - x0);
}

const BARRIER_A = 205.0568621937484;
const BARRIER_B = 6910.192179565431;
const BARRIER_C = -7.7e-4;

/** The OCP barrier term g(s) of PyBaMM v26.7 (≈ 1 V at s = 0, ≈ 1 mV at s = 0.001). */
function barrier(s: number): number {
  const z = -BARRIER_B * (s - BARRIER_C);
  return z > 30 ? BARRIER_A * z : BARRIER_A * Math.log1p(Math.exp(z));
}

/**
 * Distance from stoichiometry 0 or 1 within which the barrier term adds more than 10 mV to an OCP (≈ 0.00067). An
 * electrode state of health found closer to a bound would be the barrier's, not the material's: an inconsistent set
 * asking for 5 V at 100 % SOC of Chen2020 gave x100 = 0.99993 with 0.6 V of it from the barrier, silently.
 */
export const BARRIER_EDGE = BARRIER_C - Math.log(Math.expm1(0.01 / BARRIER_A)) / BARRIER_B;

/**
 * The open-circuit voltages of a state, PyBaMM's names since v23.5 (#2740): "Surface open-circuit voltage [V]" from
 * the (x-averaged) surface OCPs `Un`, `Up`, and the bulk "Open-circuit voltage [V]" (also "Bulk open-circuit voltage
 * [V]") from the average stoichiometries `xBulk`, `yBulk`, which does not include the particles' concentration
 * overpotential (at the 2.5 V cut-off of a 1C Chen2020 discharge the two differ by 0.3 V). Also the x-averaged
 * surface and bulk quantities under PyBaMM's "X-averaged …" names.
 */
function openCircuitVoltages(c: CellData, Un: number, Up: number, xBulk: number, yBulk: number): Record<string, number> {
  const bulk = cellOcv(c, xBulk, yBulk, c.T);
  return {
    "Surface open-circuit voltage [V]": Up - Un,
    "Open-circuit voltage [V]": bulk,
    "Bulk open-circuit voltage [V]": bulk,
    "X-averaged negative electrode open-circuit potential [V]": Un,
    "X-averaged positive electrode open-circuit potential [V]": Up,
  };
}

/** Scalars that PyBaMM also offers as "X-averaged …" (its plain names are profiles through the cell). */
const X_AVERAGED = [
  "Negative particle surface concentration [mol.m-3]",
  "Positive particle surface concentration [mol.m-3]",
  "Negative particle surface stoichiometry",
  "Positive particle surface stoichiometry",
  "Negative electrode reaction overpotential [V]",
  "Positive electrode reaction overpotential [V]",
] as const;

/** [name, its "X-averaged …" spelling] (built once: the scalars are read at every stored point). */
const X_AVERAGED_PAIRS: readonly (readonly [string, string])[] = X_AVERAGED.map((name) => [name, `X-averaged ${name[0].toLowerCase()}${name.slice(1)}`] as const);

/** Adds the {@link X_AVERAGED} names of `out` under PyBaMM's "X-averaged …" spelling. */
function withXAveragedNames(out: Record<string, number>): Record<string, number> {
  for (const [name, averaged] of X_AVERAGED_PAIRS) out[averaged] = out[name];
  return out;
}

/** The open-circuit voltage U_p(y) − U_n(x) at temperature T, barrier terms included. */
function cellOcv(c: CellData, x: number, y: number, T: number): number {
  return ocpWithBarrier(c.pos.U, y, T) - ocpWithBarrier(c.neg.U, x, T);
}

/** OCP with PyBaMM's clipping and barrier term. */
export function ocpWithBarrier(U: OcpFunction, sto: number, T: number): number {
  const s = Math.min(Math.max(sto, 1e-10), 1 - 1e-10);
  return U(s, T) + barrier(sto) - barrier(1 - sto);
}

/** One electrode's derived constants. */
export interface ElectrodeData {
  /** Thickness [m]. */
  L: number;
  /** Particle radius [m]. */
  Rp: number;
  /** Maximum concentration [mol.m-3]. */
  cmax: number;
  /** Initial concentration [mol.m-3]. */
  c0: number;
  /** Porosity (electrolyte volume fraction) ε, in (0, 1]. */
  eps: number;
  /** Active material volume fraction ε_s, in (0, 1]. */
  epsS: number;
  /** Specific surface area 3ε_s/R [m-1]. */
  a: number;
  /** Electrolyte transport efficiency ε^b (b the Bruggeman coefficient), dimensionless. */
  Be: number;
  /** Effective electronic conductivity σ(1 − ε)^b_s [S.m-1]. */
  sigmaEff: number;
  /** OCP including the entropic term (T − T_ref)·dU/dT (conventions §2). */
  U: OcpFunction;
  /** Entropic change dU/dT(sto) [V.K-1]. */
  dUdT: EntropicChangeFunction;
  /** Particle diffusivity D(sto, T) [m2.s-1]. */
  D: ParticleDiffusivityFunction;
  /** Exchange-current density j0(c_e, c_s,surf, c_s,max, T) [A.m-2]. */
  j0: ExchangeCurrentFunction;
}

/**
 * Derived cell constants shared by the models, read once from a parameter set (whose ranges are checked here, see
 * {@link checkParameterValues}).
 */
export class CellData {
  /** The parameter set the constants were read from. */
  readonly params: ParameterValues;
  /**
   * Temperature [K] at which the model functions are evaluated: the ambient temperature in isothermal models. Not
   * readonly because the lumped thermal model (thermal.ts) sets it from its state before every evaluation, so every
   * Arrhenius factor, F/RT and the entropic OCP term see the cell temperature without a second code path.
   */
  T: number;
  /** Reference temperature of the OCP's entropic term [K]. */
  readonly Tref: number;
  /** Current-collector area [m2]. */
  readonly area: number;
  /** Negative electrode constants. */
  readonly neg: ElectrodeData;
  /** Positive electrode constants. */
  readonly pos: ElectrodeData;
  /** Separator thickness [m]. */
  readonly Ls: number;
  /** Separator porosity, in (0, 1]. */
  readonly epsSep: number;
  /** Separator electrolyte transport efficiency ε^b, dimensionless. */
  readonly BeSep: number;
  /** Initial electrolyte concentration [mol.m-3]. */
  readonly ce0: number;
  /** Cation transference number t+, dimensionless. */
  readonly tplus: number;
  /** Thermodynamic factor 1 + d ln f±/d ln c_e, dimensionless. */
  readonly tdf: number;
  /** Electrolyte diffusivity D_e(c_e [mol.m-3], T [K]) [m2.s-1]. */
  readonly De: ElectrolyteFunction;
  /** Electrolyte conductivity κ(c_e [mol.m-3], T [K]) [S.m-1]. */
  readonly kappa: ElectrolyteFunction;
  /** Contact resistance [Ohm] (0 when the set has none); the terminal voltage loses I·R. */
  readonly contactResistance: number;

  /** @throws ParameterValueError when a value is outside its physical range ({@link checkParameterValues}) */
  constructor(p: ParameterValues) {
    // a set is immutable, so it is checked once however many models are built from it (the checks sample its
    // functions and compare its names: 0.4 ms of a 1.4 ms DFN build)
    if (!checkedSets.has(p)) {
      requireParameters(p, cellRequiredParameters(), "a cell model (SPM, SPMe, DFN)");
      checkNearMisses(p, knownParameterNames());
      checkParameterValues(p);
      checkedSets.add(p);
    }
    this.params = p;
    this.T = p.number("Ambient temperature [K]");
    this.Tref = p.number("Reference temperature [K]");
    const Tref = this.Tref;
    this.area = p.number("Electrode width [m]") * p.number("Electrode height [m]") * p.number("Number of electrodes connected in parallel to make a cell");
    const el = (side: "Negative" | "Positive", domain: "negative" | "positive"): ElectrodeData => {
      const eps = p.number(`${side} electrode porosity`);
      const epsS = p.number(`${side} electrode active material volume fraction`);
      const Rp = p.number(`${side} particle radius [m]`);
      return {
        L: p.number(`${side} electrode thickness [m]`),
        Rp,
        cmax: p.number(`Maximum concentration in ${domain} electrode [mol.m-3]`),
        c0: p.number(`Initial concentration in ${domain} electrode [mol.m-3]`),
        eps,
        epsS,
        a: (3 * epsS) / Rp,
        Be: Math.pow(eps, p.number(`${side} electrode Bruggeman coefficient (electrolyte)`)),
        sigmaEff: p.number(`${side} electrode conductivity [S.m-1]`) * Math.pow(1 - eps, p.number(`${side} electrode Bruggeman coefficient (electrode)`)),
        ...((): { U: OcpFunction; dUdT: EntropicChangeFunction } => {
          const U0 = p.fn<OcpFunction>(`${side} electrode OCP [V]`);
          const entropicName = `${side} electrode OCP entropic change [V.K-1]`;
          const dUdT = p.has(entropicName) ? p.fn<EntropicChangeFunction>(entropicName) : () => 0;
          // a zero entropic change keeps the bare function, so isothermal results stay bit-identical; at T = T_ref
          // the term is exactly 0, so it is skipped there: dU/dT is a sum of ~9 sech² (cosh) terms for Marquis2019,
          // which the isothermal residual would otherwise evaluate in every control volume only to multiply by 0
          const zero = !p.has(entropicName) || p.get(entropicName) === 0;
          return { dUdT, U: zero ? U0 : (sto, T) => (T === Tref ? U0(sto, T) : U0(sto, T) + (T - Tref) * dUdT(sto)) };
        })(),
        D: p.fn<ParticleDiffusivityFunction>(`${side} particle diffusivity [m2.s-1]`),
        j0: p.fn<ExchangeCurrentFunction>(`${side} electrode exchange-current density [A.m-2]`),
      };
    };
    this.neg = el("Negative", "negative");
    this.pos = el("Positive", "positive");
    this.Ls = p.number("Separator thickness [m]");
    this.epsSep = p.number("Separator porosity");
    this.BeSep = Math.pow(this.epsSep, p.number("Separator Bruggeman coefficient (electrolyte)"));
    this.ce0 = p.number("Initial concentration in electrolyte [mol.m-3]");
    this.tplus = p.number("Cation transference number");
    this.tdf = p.number("Thermodynamic factor");
    this.De = p.fn<ElectrolyteFunction>("Electrolyte diffusivity [m2.s-1]");
    this.kappa = p.fn<ElectrolyteFunction>("Electrolyte conductivity [S.m-1]");
    this.contactResistance = p.has("Contact resistance [Ohm]") ? p.number("Contact resistance [Ohm]") : 0;
  }
}

/**
 * Finite-volume mesh of a sphere of radius R with N cells whose widths shrink geometrically toward the surface
 * (`grading` = width ratio of neighbouring cells at N = 20; 1 gives PyBaMM's uniform mesh). Fluxes between cells
 * use the distance between cell centres, so the scheme stays conservative on any spacing.
 */
export class SphereMesh {
  readonly N: number;
  readonly R: number;
  /** Faces r_0 = 0 < … < r_N = R [m]. */
  readonly faces: Float64Array;
  /** Radii of the cell centres (midpoints of the faces) [m]: the nodes of the mesh, PyBaMM's "r_n [m]" / "r_p [m]". */
  readonly centres: Float64Array;
  /** r² at the N − 1 interior faces. */
  readonly faceArea: Float64Array;
  /** Cell volumes / 4π: (r_{i+1/2}³ − r_{i−1/2}³)/3. */
  readonly vol: Float64Array;
  /** r²/(distance between the neighbouring centres) at the interior faces and 1/vol: precomputed because the
   * residual runs ~10⁵ times per solve and divisions cost several multiplications. */
  private readonly faceCoef: Float64Array;
  private readonly invVol: Float64Array;
  /** Weight of the linear extrapolation from the two outer centres to r = R (0.5 on a uniform mesh). */
  private readonly outerWeight: number;
  constructor(N: number, R: number, grading = 1) {
    if (!(Number.isInteger(N) && N >= 3)) throw new Error(`Particle mesh needs an integer number of cells ≥ 3, got ${N}`);
    if (!(grading > 0 && grading <= 1)) throw new Error(`Particle mesh grading must lie in (0, 1], got ${grading}`);
    this.N = N;
    this.R = R;
    const ratio = Math.pow(grading, 20 / N);
    const faces = new Float64Array(N + 1);
    for (let i = 0, h = 1; i < N; i++, h *= ratio) faces[i + 1] = faces[i] + h;
    const scale = R / faces[N];
    for (let i = 1; i < N; i++) faces[i] *= scale;
    faces[N] = R;
    this.faces = faces;
    this.centres = new Float64Array(N);
    for (let i = 0; i < N; i++) this.centres[i] = 0.5 * (faces[i] + faces[i + 1]);
    this.faceArea = new Float64Array(N - 1);
    this.faceCoef = new Float64Array(N - 1);
    this.vol = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const r0 = faces[i];
      const r1 = faces[i + 1];
      this.vol[i] = (r1 * r1 * r1 - r0 * r0 * r0) / 3;
      if (i < N - 1) {
        this.faceArea[i] = r1 * r1;
        this.faceCoef[i] = (r1 * r1) / (this.centres[i + 1] - this.centres[i]);
      }
    }
    this.invVol = this.vol.map((v) => 1 / v);
    this.outerWeight = (R - this.centres[N - 1]) / (this.centres[N - 1] - this.centres[N - 2]);
  }

  /**
   * Writes dc/dt for the particle stored at y[off … off+N−1] (centre first) with interfacial current density
   * j [A.m-2] (> 0: lithium leaves). Conservative: Σ vol·dc/dt = −R²·j/F exactly.
   */
  rhs(y: Float64Array, off: number, out: Float64Array, j: number, D: ParticleDiffusivityFunction, cmax: number, T: number): void {
    const N = this.N;
    const { faceCoef, invVol } = this;
    const invCmax = 0.5 / cmax;
    let fluxIn = 0; // r²·N at the inner face of cell i (outward flux N = −D ∂c/∂r)
    for (let i = 0; i < N; i++) {
      let fluxOut: number;
      if (i < N - 1) {
        const cA = y[off + i];
        const cB = y[off + i + 1];
        const Dface = D((cA + cB) * invCmax, T);
        fluxOut = -faceCoef[i] * Dface * (cB - cA);
      } else {
        fluxOut = (this.R * this.R * j) / F;
      }
      out[off + i] = -(fluxOut - fluxIn) * invVol[i];
      fluxIn = fluxOut;
    }
  }

  /** Surface concentration by linear extrapolation of the two outer cells (as PyBaMM's finite volumes). */
  surface(y: Float64Array, off: number): number {
    const N = this.N;
    return y[off + N - 1] + this.outerWeight * (y[off + N - 1] - y[off + N - 2]);
  }

  /** Volume-averaged concentration. */
  average(y: Float64Array, off: number): number {
    let s = 0;
    for (let i = 0; i < this.N; i++) s += this.vol[i] * y[off + i];
    return (3 * s) / (this.R * this.R * this.R);
  }
}

/** Through-cell mesh: cells of the negative electrode, separator and positive electrode. */
export class CellMesh {
  readonly nx: number;
  readonly nn: number;
  readonly ns: number;
  readonly np: number;
  /** Cell widths [m]. */
  readonly dx: Float64Array;
  /** Cell centres [m]. */
  readonly x: Float64Array;
  /** Domain of each cell: 0 negative, 1 separator, 2 positive. */
  readonly domain: Uint8Array;
  constructor(cell: CellData, mesh: Mesh) {
    for (const k of ["xn", "xs", "xp"] as const) if (!(Number.isInteger(mesh[k]) && mesh[k] >= 2)) throw new Error(`mesh.${k} must be an integer ≥ 2, got ${mesh[k]}`);
    this.nn = mesh.xn;
    this.ns = mesh.xs;
    this.np = mesh.xp;
    this.nx = mesh.xn + mesh.xs + mesh.xp;
    this.dx = new Float64Array(this.nx);
    this.x = new Float64Array(this.nx);
    this.domain = new Uint8Array(this.nx);
    let x0 = 0;
    let k = 0;
    for (const [n, L, d] of [
      [mesh.xn, cell.neg.L, 0],
      [mesh.xs, cell.Ls, 1],
      [mesh.xp, cell.pos.L, 2],
    ] as const) {
      for (let i = 0; i < n; i++, k++) {
        this.dx[k] = L / n;
        this.x[k] = x0 + (i + 0.5) * (L / n);
        this.domain[k] = d;
      }
      x0 += L;
    }
  }
}

/** Names of the composed models. */
export type ModelName = "SPM" | "SPMe" | "DFN";

/** Extremes of the particle surface stoichiometries of a state (dimensionless, surface concentration / maximum). */
export interface SurfaceStoichiometryRange {
  /** Lowest negative particle surface stoichiometry (over all particles of the DFN). */
  negativeMin: number;
  /** Highest negative particle surface stoichiometry. */
  negativeMax: number;
  /** Lowest positive particle surface stoichiometry. */
  positiveMin: number;
  /** Highest positive particle surface stoichiometry. */
  positiveMax: number;
}

/**
 * A discretised cell model ready for the solver, with its named outputs: what {@link spm}, {@link spme} and
 * {@link dfn} return and {@link simulate} runs. The three models report the same scalar variables (names with
 * units, as PyBaMM); in the DFN, the electrode quantities the SPM has once per electrode are x-averages.
 */
export interface CellModel {
  /** "SPM", "SPMe" or "DFN". */
  readonly name: ModelName;
  /** Papers the model implements. */
  readonly citations: readonly string[];
  /** The cell constants the model was built from (parameter set, geometry, electrode and electrolyte data). */
  readonly cell: CellData;
  /** The semi-discretised equations M·dy/dt = f(y, I) and the voltage, as the solver takes them. */
  readonly system: DaeSystem;
  /**
   * Initial state: uniform particles at the parameter set's initial concentrations, or at the given
   * stoichiometries (e.g. from {@link initialStoichiometries}); electrolyte at its initial concentration.
   */
  initialState(stoich?: { x: number; y: number }): Float64Array;
  /** Sets the particle concentrations to uniform stoichiometries x (negative) and y (positive). */
  setStoichiometry(y: Float64Array, xNeg: number, yPos: number): void;
  /**
   * Scalar output variables of a state at current I [A] (units in the names), the same names in every model:
   * particle surface concentrations [mol.m-3] and stoichiometries, average particle stoichiometries (in the DFN
   * x-averages, also under PyBaMM's "X-averaged …" names), the voltage breakdown V = "Surface open-circuit voltage
   * [V]" + η_p − η_n + "Electrolyte potential drop [V]" + "Ohmic solid potential drop [V]" − "Contact overpotential
   * [V]" (I·R_contact) with the electrode open-circuit potentials [V] and reaction overpotentials [V], the bulk
   * "Open-circuit voltage [V]" (from the average stoichiometries, as PyBaMM since v23.5), and "Negative electrode
   * surface potential difference at separator interface [V]" (φ_s − φ_e, the lithium plating indicator).
   */
  scalars(y: Float64Array, current: number): Record<string, number>;
  /**
   * Profile variables of a state: radial ("r_n [m]", "r_p [m]" and the x-averaged particle concentrations
   * [mol.m-3], in every model) and, for the SPMe and DFN, through-cell ones on "x [m]" (electrolyte concentration
   * and potential; the DFN adds electrode potential, particle surface concentration and interfacial current density).
   * {@link profileLayout} says which coordinate each lies on.
   */
  profiles(y: Float64Array, current: number): Record<string, Float64Array>;
  /** Total cyclable lithium (particles + electrolyte) [mol]. */
  lithium(y: Float64Array): number;
  /**
   * Lithium in the negative electrode's particles [mol]. Every ampere leaves them as a reaction flux, so
   * F·(change)/3600 is the charge passed [A.h] as the solver integrated it (BDF keeps this linear invariant):
   * the simulation takes its "Discharge capacity [A.h]" from it rather than from a quadrature of the stored
   * currents, which was 0.02 % off whenever the current varied within a step (a CV hold, a power step).
   */
  negativeLithium(y: Float64Array): number;
  /**
   * Lowest and highest particle surface stoichiometry of each electrode (over all particles of the DFN). The
   * simulation stops when one leaves [0, 1] (PyBaMM's stoichiometry events): beyond, the model has no meaning.
   */
  surfaceStoichiometryRange(y: Float64Array): SurfaceStoichiometryRange;
  /**
   * Lowest electrolyte concentration over the cell [mol.m-3], present on the SPMe only: the simulation stops when
   * it falls to the "Zero electrolyte concentration cut-off". The SPMe's electrolyte is driven by a uniform
   * reaction, so when the salt runs out it goes on to negative concentrations (−149 mol/m³ in a Chen2020 3C
   * discharge), where the model means nothing. The DFN has no such event, as in PyBaMM since v22.8 (PR #2207):
   * there the reaction moves away from the depleted region and c_e stays ≥ 0.
   */
  readonly minElectrolyteConcentration?: (y: Float64Array) => number;
  /** Short description of a state for error messages. */
  describe(y: Float64Array, current: number): string;
  /**
   * Heat sources of a state over the electrochemical layer (A_cc × through-cell thickness) [W]; the lumped
   * thermal model integrates them. Provided by the SPM, SPMe and DFN.
   */
  heatSources?(y: Float64Array, current: number): HeatSources;
  /** Thermal constants when the model carries a lumped temperature (undefined when isothermal). */
  readonly thermal?: ThermalProperties;
  /**
   * Lumped thermal model only: sets the ambient temperature [K] the cell is cooled towards (an experiment step's
   * temperature). The cell temperature is a state and stays continuous; only the cooling changes.
   */
  setAmbientTemperature?(T: number): void;
  /** Lumped thermal model only: the ambient temperature [K] the cell is cooled towards now. */
  ambientTemperature?(): number;
}

/** A coordinate of the profiles of {@link CellModel.profiles}: through the cell ("x [m]") or a particle's radius. */
export type ProfileCoordinate = "x [m]" | "r_n [m]" | "r_p [m]";

/**
 * The radial profile variables of {@link CellModel.profiles} and the particle radius each lies on (cell centres from
 * the particle's centre to its surface). Every other profile variable, but the coordinates themselves, lies on
 * "x [m]", through the cell.
 */
const RADIAL_PROFILES: Readonly<Partial<Record<string, "r_n [m]" | "r_p [m]">>> = {
  "Negative particle concentration [mol.m-3]": "r_n [m]",
  "X-averaged negative particle concentration [mol.m-3]": "r_n [m]",
  "Positive particle concentration [mol.m-3]": "r_p [m]",
  "X-averaged positive particle concentration [mol.m-3]": "r_p [m]",
};

/** Entries of a profile record that are not profile variables: the coordinates and `Solution.profilesAt`'s time. */
const PROFILE_AXES: readonly string[] = ["x [m]", "r_n [m]", "r_p [m]", "Time [s]"];

/** The profile variables of a state sorted by the coordinate each lies on (see {@link profileLayout}). */
export interface ProfileLayout {
  /** The coordinate of each variable that lies on one (radial or through-cell), with one value per position. */
  readonly coordinate: Readonly<Record<string, ProfileCoordinate>>;
  /** Radial variables (on "r_n [m]" or "r_p [m]"), in the order of the profiles. */
  readonly radial: readonly string[];
  /** Through-cell variables (on "x [m]"), in the order of the profiles. */
  readonly throughCell: readonly string[];
  /** Variables whose length matches no coordinate they could lie on, with what does not match. */
  readonly unplaced: Readonly<Record<string, string>>;
}

/**
 * Sorts the profile variables of `profiles` (what {@link CellModel.profiles} or `Solution.profilesAt` return)
 * by coordinate: the particle concentrations named in RADIAL_PROFILES lie on their particle's radius ("r_n [m]",
 * "r_p [m]"), every other variable on "x [m]", each only when its length is that coordinate's (a length alone cannot
 * tell them apart: the default mesh has 20 radial cells, and a coarse one as few through-cell cells).
 */
export function profileLayout(profiles: Readonly<Record<string, ArrayLike<number>>>): ProfileLayout {
  const coordinate: Record<string, ProfileCoordinate> = {};
  const radial: string[] = [];
  const throughCell: string[] = [];
  const unplaced: Record<string, string> = {};
  for (const [name, values] of Object.entries(profiles)) {
    if (PROFILE_AXES.includes(name)) continue;
    const axis: ProfileCoordinate = RADIAL_PROFILES[name] ?? "x [m]";
    const at = profiles[axis];
    if (!at) unplaced[name] = `it would lie on "${axis}", which the profiles do not have`;
    else if (at.length !== values.length) unplaced[name] = `its ${values.length} values do not match the ${at.length} positions of "${axis}"`;
    else {
      coordinate[name] = axis;
      (axis === "x [m]" ? throughCell : radial).push(name);
    }
  }
  return { coordinate, radial, throughCell, unplaced };
}

/** Throws on keys of `given` that `valid` lacks (a misspelt option would otherwise be ignored), suggesting the nearest. */
function checkOptionKeys(what: string, given: object, valid: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (!valid.includes(key)) {
      throw new Error(`Unknown ${what} "${key}". Did you mean: ${nearestNames(key, valid).map((n) => `"${n}"`).join(", ")}? Valid: ${valid.join(", ")}`);
    }
  }
}

/** Checks the options of spm/spme/dfn before anything is built. */
function checkModelOptions(opts: ModelOptions): void {
  if (opts === null || typeof opts !== "object") throw new Error(`Model options must be an object, got ${String(opts)}`);
  checkOptionKeys("model option", opts, ["mesh", "thermal"]);
  if (opts.mesh !== undefined && (opts.mesh === null || typeof opts.mesh !== "object")) throw new Error(`Model option mesh must be an object such as { xn: 40 } (missing fields take DEFAULT_MESH), got ${String(opts.mesh)}`);
  if (opts.mesh !== undefined) checkOptionKeys("mesh field", opts.mesh, Object.keys(DEFAULT_MESH));
}

function fullMesh(m?: Partial<Mesh>): Mesh {
  if (m !== undefined) checkOptionKeys("mesh field", m, Object.keys(DEFAULT_MESH));
  const mesh = { ...DEFAULT_MESH, ...(m ?? {}) };
  for (const [k, v] of Object.entries(mesh)) {
    if (k === "particleGrading") {
      if (!(typeof v === "number" && v > 0 && v <= 1)) throw new Error(`mesh.particleGrading must be a number in (0, 1] (1: uniform), got ${v}`);
      // the outermost cell over the innermost, grading^(20(N−1)/N): below 1e-3 the solver fails on the step size
      // (0.3 at 20 cells gives 1e-10)
      for (const k of ["rn", "rp"] as const) {
        const N = (m?.[k] ?? DEFAULT_MESH[k]) as number;
        const ratio = Math.pow(v, (20 * (N - 1)) / N);
        if (Number.isInteger(N) && N >= 3 && ratio < 1e-3)
          throw new Error(`mesh.particleGrading ${v} makes the outermost of ${N} radial cells (mesh.${k}) ${ratio.toExponential(1)} of the innermost's width, below the 1e-3 the solver can step with: use a grading of at least ${+Math.pow(1e-3, N / (20 * (N - 1))).toPrecision(3)} (0.89 resolves the first seconds)`);
      }
    } else {
      // a particle needs 3 cells (the surface value extrapolates from the outer two, the centre has no flux)
      const least = k === "rn" || k === "rp" ? 3 : 2;
      if (!(Number.isInteger(v) && v >= least)) throw new Error(`mesh.${k} must be an integer ≥ ${least}, got ${v}`);
    }
  }
  return mesh;
}

const TWO_RT_F = (T: number): number => (2 * R * T) / F;

/** Overpotential from Butler–Volmer inverted for a known interfacial current density. */
function etaFromJ(j: number, j0: number, T: number): number {
  return TWO_RT_F(T) * Math.asinh(j / (2 * Math.max(j0, 1e-300)));
}

/** Electrolyte flux and x-averaged potential drop helpers for SPMe/DFN. */
class Electrolyte {
  readonly cell: CellData;
  readonly mesh: CellMesh;
  readonly Be: Float64Array;
  readonly eps: Float64Array;
  constructor(cell: CellData, mesh: CellMesh) {
    this.cell = cell;
    this.mesh = mesh;
    const nx = mesh.nx;
    this.Be = new Float64Array(nx);
    this.eps = new Float64Array(nx);
    for (let k = 0; k < nx; k++) {
      const d = mesh.domain[k];
      this.Be[k] = d === 0 ? cell.neg.Be : d === 1 ? cell.BeSep : cell.pos.Be;
      this.eps[k] = d === 0 ? cell.neg.eps : d === 1 ? cell.epsSep : cell.pos.eps;
    }
  }
  /**
   * Diffusive fluxes −B·D_e·∂c/∂x at interior faces (harmonic mean), written to flux[0..nx−2]; c_e of control volume
   * k is y[at[k]] (an index array rather than an accessor closure, which allocated on every residual call).
   */
  fluxes(y: Float64Array, at: Int32Array, flux: Float64Array): void {
    const { mesh, cell } = this;
    const T = cell.T;
    let prevC = y[at[0]];
    let prevRes = (0.5 * mesh.dx[0]) / (this.Be[0] * cell.De(prevC, T));
    for (let k = 0; k < mesh.nx - 1; k++) {
      const c = y[at[k + 1]];
      const res = (0.5 * mesh.dx[k + 1]) / (this.Be[k + 1] * cell.De(c, T));
      flux[k] = -(c - prevC) / (prevRes + res);
      prevC = c;
      prevRes = res;
    }
  }
  /** Effective conductance at interior faces κ_face/distance (harmonic), written to out[0..nx−2]; c_e at y[at[k]]. */
  conductances(y: Float64Array, at: Int32Array, out: Float64Array): void {
    const { mesh, cell } = this;
    const T = cell.T;
    let prevRes = (0.5 * mesh.dx[0]) / (this.Be[0] * cell.kappa(y[at[0]], T));
    for (let k = 0; k < mesh.nx - 1; k++) {
      const res = (0.5 * mesh.dx[k + 1]) / (this.Be[k + 1] * cell.kappa(y[at[k + 1]], T));
      out[k] = 1 / (prevRes + res);
      prevRes = res;
    }
  }
}

const SPM_CITATIONS = [
  "S. G. Marquis, V. Sulzer, R. Timms, C. P. Please, S. J. Chapman, J. Electrochem. Soc. 166 (2019) A3693-A3706 (SPM and SPMe)",
  "V. Sulzer, S. G. Marquis, R. Timms, M. Robinson, S. J. Chapman, J. Open Res. Softw. 9 (2021) 14 (PyBaMM)",
];

/** Common SPM/SPMe state: [negative particle (rn), positive particle (rp), (SPMe: electrolyte nx)]. */
class SingleParticleModel implements CellModel {
  readonly name: ModelName;
  readonly citations: readonly string[];
  readonly cell: CellData;
  readonly system: DaeSystem;
  readonly pn: SphereMesh;
  readonly pp: SphereMesh;
  readonly mesh: CellMesh;
  readonly withElectrolyte: boolean;
  private readonly elec: Electrolyte;
  private readonly flux: Float64Array;
  private readonly cond: Float64Array;
  private readonly phiE: Float64Array;
  readonly offE: number;
  /** State index of c_e in each control volume (SPMe). */
  private readonly ceIndex: Int32Array;
  /** Lowest c_e over the cell [mol.m-3]; only the SPMe has an electrolyte state. */
  readonly minElectrolyteConcentration?: (y: Float64Array) => number;

  constructor(params: ParameterValues, withElectrolyte: boolean, opts: ModelOptions) {
    const m = fullMesh(opts.mesh);
    this.name = withElectrolyte ? "SPMe" : "SPM";
    this.citations = SPM_CITATIONS;
    this.withElectrolyte = withElectrolyte;
    const cell = new CellData(params);
    this.cell = cell;
    this.pn = new SphereMesh(m.rn, cell.neg.Rp, m.particleGrading);
    this.pp = new SphereMesh(m.rp, cell.pos.Rp, m.particleGrading);
    this.mesh = new CellMesh(cell, m);
    this.elec = new Electrolyte(cell, this.mesh);
    this.flux = new Float64Array(this.mesh.nx);
    this.cond = new Float64Array(this.mesh.nx);
    this.phiE = new Float64Array(this.mesh.nx);
    this.offE = m.rn + m.rp;
    this.ceIndex = Int32Array.from({ length: this.mesh.nx }, (_, k) => this.offE + k);
    if (withElectrolyte) {
      this.minElectrolyteConcentration = (y) => {
        let m = Infinity;
        for (let k = 0; k < this.ceIndex.length; k++) if (y[this.ceIndex[k]] < m) m = y[this.ceIndex[k]];
        return m;
      };
    }
    const n = this.offE + (withElectrolyte ? this.mesh.nx : 0);
    const differential = new Uint8Array(n).fill(1);
    const atol = new Float64Array(n);
    // particle concentrations are bounded by the maximum concentration (error weights near saturation: DaeSystem.upper)
    const upper = new Float64Array(n).fill(Infinity);
    for (let i = 0; i < m.rn; i++) {
      atol[i] = 1e-6 * cell.neg.cmax;
      upper[i] = cell.neg.cmax;
    }
    for (let i = 0; i < m.rp; i++) {
      atol[m.rn + i] = 1e-6 * cell.pos.cmax;
      upper[m.rn + i] = cell.pos.cmax;
    }
    for (let i = this.offE; i < n; i++) atol[i] = 1e-6 * cell.ce0;
    const deps: number[] = [m.rn - 2, m.rn - 1, m.rn + m.rp - 2, m.rn + m.rp - 1];
    if (withElectrolyte) for (let k = 0; k < this.mesh.nx; k++) deps.push(this.offE + k);
    this.system = {
      n,
      ml: 1,
      mu: 1,
      differential,
      atol,
      upper,
      voltageDeps: Int32Array.from(deps),
      rhs: (y, I, out) => this.rhs(y, I, out),
      voltage: (y, I) => this.voltage(y, I),
      variableName: (i) => this.variableName(i),
    };
  }

  /** Interfacial current densities (uniform) in the negative and positive electrode [A.m-2]. */
  jn(I: number): number {
    return I / (this.cell.area * this.cell.neg.a * this.cell.neg.L);
  }
  jp(I: number): number {
    return -I / (this.cell.area * this.cell.pos.a * this.cell.pos.L);
  }

  rhs(y: Float64Array, I: number, out: Float64Array): void {
    const c = this.cell;
    this.pn.rhs(y, 0, out, this.jn(I), c.neg.D, c.neg.cmax, c.T);
    this.pp.rhs(y, this.pn.N, out, this.jp(I), c.pos.D, c.pos.cmax, c.T);
    if (!this.withElectrolyte) return;
    const { mesh } = this;
    const off = this.offE;
    const flux = this.flux;
    this.elec.fluxes(y, this.ceIndex, flux);
    const i = I / c.area;
    const srcN = ((1 - c.tplus) * i) / (c.neg.L * F);
    const srcP = (-(1 - c.tplus) * i) / (c.pos.L * F);
    for (let k = 0; k < mesh.nx; k++) {
      const fin = k > 0 ? flux[k - 1] : 0;
      const fout = k < mesh.nx - 1 ? flux[k] : 0;
      const d = mesh.domain[k];
      const src = d === 0 ? srcN : d === 2 ? srcP : 0;
      out[off + k] = (-(fout - fin) / mesh.dx[k] + src) / this.elec.eps[k];
    }
  }

  /** x-averages of c_e over the negative and positive electrodes. */
  private ceAverages(y: Float64Array): [number, number] {
    if (!this.withElectrolyte) return [this.cell.ce0, this.cell.ce0];
    const { mesh } = this;
    let sn = 0;
    let sp = 0;
    for (let k = 0; k < mesh.nx; k++) {
      const d = mesh.domain[k];
      if (d === 0) sn += y[this.offE + k] * mesh.dx[k];
      else if (d === 2) sp += y[this.offE + k] * mesh.dx[k];
    }
    return [sn / this.cell.neg.L, sp / this.cell.pos.L];
  }

  /** Electrolyte potential profile for uniform reaction (SPMe), φ_e(first cell) = 0; returns Δφ_e = ⟨φ_e⟩_p − ⟨φ_e⟩_n. */
  private electrolytePotential(y: Float64Array, I: number): number {
    const { mesh, cell } = this;
    const off = this.offE;
    const phi = this.phiE;
    this.elec.conductances(y, this.ceIndex, this.cond);
    const i = I / cell.area;
    const Ln = cell.neg.L;
    const xp0 = cell.neg.L + cell.Ls;
    const diffusionCoef = 2 * (1 - cell.tplus) * cell.tdf * (R * cell.T) / F;
    phi[0] = 0;
    let xf = mesh.dx[0];
    for (let k = 0; k < mesh.nx - 1; k++) {
      const ie = xf <= Ln * (1 + 1e-12) ? (i * xf) / Ln : xf >= xp0 * (1 - 1e-12) ? (i * (xp0 + cell.pos.L - xf)) / cell.pos.L : i;
      // the floor only guards Newton's trial states: it lies below the zero-electrolyte event's 0.002 mol/m³
      phi[k + 1] = phi[k] - ie / this.cond[k] + diffusionCoef * (Math.log(Math.max(y[off + k + 1], 1e-3)) - Math.log(Math.max(y[off + k], 1e-3)));
      xf += mesh.dx[k + 1];
    }
    let an = 0;
    let ap = 0;
    for (let k = 0; k < mesh.nx; k++) {
      if (mesh.domain[k] === 0) an += phi[k] * mesh.dx[k];
      else if (mesh.domain[k] === 2) ap += phi[k] * mesh.dx[k];
    }
    return ap / cell.pos.L - an / cell.neg.L;
  }

  private parts(y: Float64Array, I: number) {
    const c = this.cell;
    const T = c.T;
    const csn = this.pn.surface(y, 0);
    const csp = this.pp.surface(y, this.pn.N);
    const [cen, cep] = this.ceAverages(y);
    const Un = ocpWithBarrier(c.neg.U, csn / c.neg.cmax, T);
    const Up = ocpWithBarrier(c.pos.U, csp / c.pos.cmax, T);
    const j0n = c.neg.j0(cen, csn, c.neg.cmax, T);
    const j0p = c.pos.j0(cep, csp, c.pos.cmax, T);
    const etaN = etaFromJ(this.jn(I), j0n, T);
    const etaP = etaFromJ(this.jp(I), j0p, T);
    const dPhiE = this.withElectrolyte ? this.electrolytePotential(y, I) : 0;
    const i = I / c.area;
    const dPhiS = this.withElectrolyte ? -(i / 3) * (c.pos.L / c.pos.sigmaEff + c.neg.L / c.neg.sigmaEff) : 0;
    return { csn, csp, Un, Up, etaN, etaP, dPhiE, dPhiS, j0n, j0p };
  }

  voltage(y: Float64Array, I: number): number {
    const p = this.parts(y, I);
    return p.Up - p.Un + p.etaP - p.etaN + p.dPhiE + p.dPhiS - I * this.cell.contactResistance;
  }

  /**
   * Heat sources [W] from the same terms as the voltage: with a uniform reaction, ∫a·j·η dV = I·(η_n − η_p), the
   * ohmic terms are the current times the potential drops, and ∫a·j·T·dU/dT dV = I·T·(dU_n/dT − dU_p/dT).
   */
  heatSources(y: Float64Array, I: number): HeatSources {
    const p = this.parts(y, I);
    const c = this.cell;
    const clip = (s: number): number => Math.min(Math.max(s, 1e-10), 1 - 1e-10);
    return {
      ohmicElectrolyte: -I * p.dPhiE,
      ohmicSolid: -I * p.dPhiS,
      reaction: I * (p.etaN - p.etaP),
      reversible: I * c.T * (c.neg.dUdT(clip(p.csn / c.neg.cmax)) - c.pos.dUdT(clip(p.csp / c.pos.cmax))),
      openCircuitPower: I * (p.Up - p.Un),
    };
  }

  initialState(stoich?: { x: number; y: number }): Float64Array {
    const y = new Float64Array(this.system.n);
    this.setStoichiometry(y, stoich?.x ?? this.cell.neg.c0 / this.cell.neg.cmax, stoich?.y ?? this.cell.pos.c0 / this.cell.pos.cmax);
    for (let k = this.offE; k < y.length; k++) y[k] = this.cell.ce0;
    return y;
  }

  setStoichiometry(y: Float64Array, xNeg: number, yPos: number): void {
    for (let i = 0; i < this.pn.N; i++) y[i] = xNeg * this.cell.neg.cmax;
    for (let i = 0; i < this.pp.N; i++) y[this.pn.N + i] = yPos * this.cell.pos.cmax;
  }

  surfaceStoichiometryRange(y: Float64Array): SurfaceStoichiometryRange {
    const x = this.pn.surface(y, 0) / this.cell.neg.cmax;
    const z = this.pp.surface(y, this.pn.N) / this.cell.pos.cmax;
    return { negativeMin: x, negativeMax: x, positiveMin: z, positiveMax: z };
  }

  scalars(y: Float64Array, I: number): Record<string, number> {
    const p = this.parts(y, I);
    const c = this.cell;
    return withXAveragedNames({
      "Negative particle surface concentration [mol.m-3]": p.csn,
      "Positive particle surface concentration [mol.m-3]": p.csp,
      "Negative particle surface stoichiometry": p.csn / c.neg.cmax,
      "Positive particle surface stoichiometry": p.csp / c.pos.cmax,
      "Average negative particle stoichiometry": this.pn.average(y, 0) / c.neg.cmax,
      "Average positive particle stoichiometry": this.pp.average(y, this.pn.N) / c.pos.cmax,
      "Negative electrode open-circuit potential [V]": p.Un,
      "Positive electrode open-circuit potential [V]": p.Up,
      "Negative electrode reaction overpotential [V]": p.etaN,
      "Positive electrode reaction overpotential [V]": p.etaP,
      "Electrolyte potential drop [V]": p.dPhiE,
      "Ohmic solid potential drop [V]": p.dPhiS,
      // I·R_contact, PyBaMM's sign: V = surface OCV + η_p − η_n + Δφ_e + Δφ_s − this
      "Contact overpotential [V]": I * c.contactResistance,
      ...openCircuitVoltages(c, p.Un, p.Up, this.pn.average(y, 0) / c.neg.cmax, this.pp.average(y, this.pn.N) / c.pos.cmax),
      "Negative electrode surface potential difference at separator interface [V]": this.separatorInterfacePotential(p, I),
    });
  }

  /**
   * φ_s − φ_e at the negative electrode/separator interface x = L_n: U_n + η_n plus, in the SPMe, how far φ_s and
   * φ_e there lie from their electrode averages. φ_e comes from the profile {@link SingleParticleModel.parts} has
   * just reconstructed, extrapolated linearly from the last two negative cells to the interface (as the DFN's value);
   * φ_s from the uniform reaction, i_s = i·(1 − x/L_n), exactly.
   */
  private separatorInterfacePotential(p: { Un: number; etaN: number }, I: number): number {
    if (!this.withElectrolyte) return p.Un + p.etaN;
    const { mesh, cell } = this;
    const Ln = cell.neg.L;
    const i = I / cell.area;
    const k = mesh.nn - 1;
    let phiEAvg = 0;
    for (let q = 0; q < mesh.nn; q++) phiEAvg += this.phiE[q] * mesh.dx[q];
    phiEAvg /= Ln;
    // φ_s(x) − its average, at x = L_n: −i/σ·(L_n − L_n/2) + i·L_n/(3σ)
    const phiSDev = (-i * Ln) / (6 * cell.neg.sigmaEff);
    const phiEAtInterface = extrapolateToFace(mesh.x[k - 1], this.phiE[k - 1], mesh.x[k], this.phiE[k], Ln);
    return p.Un + p.etaN + phiSDev - (phiEAtInterface - phiEAvg);
  }

  /** What unknown i is, for error messages. */
  private variableName(i: number): string {
    const { rn, rp } = { rn: this.pn.N, rp: this.pp.N };
    if (i < rn) return `negative particle concentration, shell ${i + 1} of ${rn} from the centre`;
    if (i < rn + rp) return `positive particle concentration, shell ${i - rn + 1} of ${rp} from the centre`;
    const k = i - this.offE;
    return `electrolyte concentration in cell ${k + 1} of ${this.mesh.nx} (x = ${(this.mesh.x[k] * 1e6).toFixed(1)} µm)`;
  }

  profiles(y: Float64Array, I: number): Record<string, Float64Array> {
    const cn = y.slice(0, this.pn.N);
    const cp = y.slice(this.pn.N, this.pn.N + this.pp.N);
    const out: Record<string, Float64Array> = {
      "Negative particle concentration [mol.m-3]": cn,
      "Positive particle concentration [mol.m-3]": cp,
      "r_n [m]": Float64Array.from(this.pn.centres),
      "r_p [m]": Float64Array.from(this.pp.centres),
      // the single particle is the x-averaged one; the DFN reports its x-average under these names
      "X-averaged negative particle concentration [mol.m-3]": cn.slice(),
      "X-averaged positive particle concentration [mol.m-3]": cp.slice(),
    };
    if (this.withElectrolyte) {
      out["x [m]"] = Float64Array.from(this.mesh.x);
      out["Electrolyte concentration [mol.m-3]"] = y.slice(this.offE, this.offE + this.mesh.nx);
      this.electrolytePotential(y, I);
      // reference φ_e as PyBaMM and the DFN do, to φ_s = 0 at the negative current collector: ⟨φ_e⟩_n = ⟨φ_s⟩_n − U_n − η_n,
      // where the uniform reaction makes ⟨φ_s⟩_n = −i·L_n/(3σ_n,eff) (it was taken as 0: 0.006 mV off for Chen2020 at 1C)
      const p = this.parts(y, I);
      let an = 0;
      for (let k = 0; k < this.mesh.nx; k++) if (this.mesh.domain[k] === 0) an += this.phiE[k] * this.mesh.dx[k];
      const solidN = -((I / this.cell.area) * this.cell.neg.L) / (3 * this.cell.neg.sigmaEff);
      const shift = solidN - (p.Un + p.etaN) - an / this.cell.neg.L;
      out["Electrolyte potential [V]"] = this.phiE.map((v) => v + shift);
    }
    return out;
  }

  negativeLithium(y: Float64Array): number {
    const c = this.cell;
    return c.neg.epsS * c.neg.L * c.area * this.pn.average(y, 0);
  }

  lithium(y: Float64Array): number {
    const c = this.cell;
    let li = c.neg.epsS * c.neg.L * c.area * this.pn.average(y, 0) + c.pos.epsS * c.pos.L * c.area * this.pp.average(y, this.pn.N);
    if (this.withElectrolyte) for (let k = 0; k < this.mesh.nx; k++) li += this.elec.eps[k] * this.mesh.dx[k] * c.area * y[this.offE + k];
    else li += c.ce0 * c.area * (c.neg.eps * c.neg.L + c.epsSep * c.Ls + c.pos.eps * c.pos.L);
    return li;
  }

  describe(y: Float64Array, I: number): string {
    const s = this.scalars(y, I);
    return `x_surf = ${s["Negative particle surface stoichiometry"].toFixed(5)}, y_surf = ${s["Positive particle surface stoichiometry"].toFixed(5)}, x_avg = ${s["Average negative particle stoichiometry"].toFixed(5)}, y_avg = ${s["Average positive particle stoichiometry"].toFixed(5)}`;
  }
}

/**
 * Single Particle Model (Marquis et al. 2019): one representative particle per electrode, uniform reaction,
 * no electrolyte or ohmic losses.
 *
 * @example
 * const model = spm(parameterValues("Chen2020"), { mesh: { rn: 30, rp: 30 } });
 */
export function spm(params: ParameterValues, opts: ModelOptions = {}): CellModel {
  checkModelOptions(opts);
  return withThermalOption(new SingleParticleModel(params, false, opts), opts);
}

/**
 * Single Particle Model with electrolyte (Marquis et al. 2019, composite form): SPM plus through-cell electrolyte
 * diffusion with uniform reaction, electrolyte concentration and ohmic overpotentials, solid ohmic drop.
 */
export function spme(params: ParameterValues, opts: ModelOptions = {}): CellModel {
  checkModelOptions(opts);
  return withThermalOption(new SingleParticleModel(params, true, opts), opts);
}

// ---------------------------------------------------------------------------------------------------------------
// DFN

/**
 * Doyle–Fuller–Newman model. Per through-cell control volume: a particle (electrodes), c_e, φ_e and (electrodes)
 * φ_s; state ordered cell by cell so the Jacobian is banded with bandwidth = largest block size.
 */
class DfnModel implements CellModel {
  readonly name: ModelName = "DFN";
  readonly citations = [
    "M. Doyle, T. F. Fuller, J. Newman, J. Electrochem. Soc. 140 (1993) 1526-1533",
    "T. F. Fuller, M. Doyle, J. Newman, J. Electrochem. Soc. 141 (1994) 1-10",
    "V. Sulzer, S. G. Marquis, R. Timms, M. Robinson, S. J. Chapman, J. Open Res. Softw. 9 (2021) 14 (PyBaMM)",
  ];
  readonly cell: CellData;
  readonly system: DaeSystem;
  readonly mesh: CellMesh;
  readonly pn: SphereMesh;
  readonly pp: SphereMesh;
  /** Offsets of each cell's block; particle at off, then c_e, φ_e, (φ_s). */
  readonly offCs: Int32Array;
  readonly offCe: Int32Array;
  private readonly elec: Electrolyte;
  private readonly flux: Float64Array;
  private readonly cond: Float64Array;
  private readonly j: Float64Array;
  /** Scale of the algebraic charge residuals (1C current density / L_n) [A.m-3]. */
  private readonly chargeScale: number;

  constructor(params: ParameterValues, opts: ModelOptions) {
    const m = fullMesh(opts.mesh);
    const cell = new CellData(params);
    this.cell = cell;
    this.mesh = new CellMesh(cell, m);
    this.pn = new SphereMesh(m.rn, cell.neg.Rp, m.particleGrading);
    this.pp = new SphereMesh(m.rp, cell.pos.Rp, m.particleGrading);
    this.elec = new Electrolyte(cell, this.mesh);
    const nx = this.mesh.nx;
    this.offCs = new Int32Array(nx);
    this.offCe = new Int32Array(nx);
    this.flux = new Float64Array(nx);
    this.cond = new Float64Array(nx);
    this.j = new Float64Array(nx);
    const nominal = params.has("Nominal cell capacity [A.h]") ? params.number("Nominal cell capacity [A.h]") : 1;
    this.chargeScale = Math.max(nominal / cell.area / cell.neg.L, 1e-6);
    let off = 0;
    let maxBlock = 0;
    const differential: number[] = [];
    const atol: number[] = [];
    const upper: number[] = [];
    for (let k = 0; k < nx; k++) {
      const d = this.mesh.domain[k];
      this.offCs[k] = off;
      const nr = d === 0 ? m.rn : d === 2 ? m.rp : 0;
      const cmax = d === 0 ? cell.neg.cmax : cell.pos.cmax;
      for (let i = 0; i < nr; i++) {
        differential.push(1);
        atol.push(1e-6 * cmax);
        upper.push(cmax);
      }
      this.offCe[k] = off + nr;
      differential.push(1, 0);
      atol.push(1e-6 * cell.ce0, 1e-6);
      upper.push(Infinity, Infinity);
      if (d !== 1) {
        differential.push(0);
        atol.push(1e-6);
        upper.push(Infinity);
      }
      const block = nr + (d === 1 ? 2 : 3);
      maxBlock = Math.max(maxBlock, block);
      off += block;
    }
    const n = off;
    const last = n - 1; // φ_s of the last positive cell
    this.system = {
      n,
      // φ_e of cell k depends on c_e of cell k−1, one block plus one entry away
      ml: maxBlock + 1,
      mu: maxBlock + 1,
      differential: Uint8Array.from(differential),
      atol: Float64Array.from(atol),
      upper: Float64Array.from(upper),
      voltageDeps: Int32Array.from([last]),
      sparsity: this.sparsity(n),
      rhs: (y, I, out) => this.rhs(y, I, out),
      voltage: (y, I) => this.voltage(y, I),
      variableName: (i) => this.variableName(i),
    };
  }

  /**
   * Structural nonzeros of ∂f/∂y, read off {@link DfnModel.rhs}: particle rows couple to their radial neighbours and
   * the surface row also to j_k, i.e. to the two outer particle cells, c_e, φ_e and φ_s of the control volume; c_e,
   * φ_e and φ_s rows couple to the electrolyte/solid unknowns of the neighbouring control volumes and to j_k.
   * (tests/unit/simulate-sparse.test.ts checks it against a dense finite-difference Jacobian.)
   */
  private sparsity(n: number): SparsityPattern {
    const { mesh, offCs, offCe } = this;
    const nx = mesh.nx;
    const rows: number[][] = Array.from({ length: n }, () => []);
    /** Unknowns that j_k depends on (empty in the separator). */
    const reactionDeps = (k: number): number[] => {
      if (mesh.domain[k] === 1) return [];
      const N = this.sphere(k).N;
      return [offCs[k] + N - 2, offCs[k] + N - 1, offCe[k], offCe[k] + 1, offCe[k] + 2];
    };
    /** c_e, φ_e and (electrodes) φ_s of control volume k. */
    const cellVars = (k: number): number[] => (mesh.domain[k] === 1 ? [offCe[k], offCe[k] + 1] : [offCe[k], offCe[k] + 1, offCe[k] + 2]);
    for (let k = 0; k < nx; k++) {
      const jk = reactionDeps(k);
      if (mesh.domain[k] !== 1) {
        const N = this.sphere(k).N;
        for (let i = 0; i < N; i++) {
          const r = offCs[k] + i;
          if (i > 0) rows[r].push(r - 1);
          if (i < N - 1) rows[r].push(r + 1);
        }
        rows[offCs[k] + N - 1].push(...jk);
      }
      const near: number[] = [...jk];
      for (let q = Math.max(0, k - 1); q <= Math.min(nx - 1, k + 1); q++) near.push(...cellVars(q));
      for (const r of cellVars(k)) rows[r].push(...near);
    }
    return patternFromRows(n, rows);
  }

  private electrode(k: number): ElectrodeData {
    return this.mesh.domain[k] === 0 ? this.cell.neg : this.cell.pos;
  }
  private sphere(k: number): SphereMesh {
    return this.mesh.domain[k] === 0 ? this.pn : this.pp;
  }

  /** Interfacial current densities j_k [A.m-2] (0 in the separator). */
  private reactions(y: Float64Array, j: Float64Array): void {
    const { mesh, cell } = this;
    const T = cell.T;
    const c2 = F / (2 * R * T);
    for (let k = 0; k < mesh.nx; k++) {
      if (mesh.domain[k] === 1) {
        j[k] = 0;
        continue;
      }
      const e = this.electrode(k);
      const cs = this.sphere(k).surface(y, this.offCs[k]);
      const ce = y[this.offCe[k]];
      const eta = y[this.offCe[k] + 2] - y[this.offCe[k] + 1] - ocpWithBarrier(e.U, cs / e.cmax, T);
      j[k] = 2 * e.j0(ce, cs, e.cmax, T) * Math.sinh(c2 * eta);
    }
  }

  rhs(y: Float64Array, I: number, out: Float64Array): void {
    const { mesh, cell, j, flux, cond } = this;
    const nx = mesh.nx;
    const T = cell.T;
    const i = I / cell.area;
    this.reactions(y, j);
    const offCe = this.offCe;
    this.elec.fluxes(y, offCe, flux);
    this.elec.conductances(y, offCe, cond);
    const diffusionCoef = 2 * (1 - cell.tplus) * cell.tdf * (R * T) / F;
    let ieIn = 0;
    let fin = 0;
    let isIn = 0;
    // log c_e of the current cell, carried to the next face (one logarithm per cell instead of two per face)
    let logA = Math.log(Math.max(y[offCe[0]], 1e-2));
    for (let k = 0; k < nx; k++) {
      const d = mesh.domain[k];
      const dx = mesh.dx[k];
      const oe = offCe[k];
      const a = d === 0 ? cell.neg.a : d === 2 ? cell.pos.a : 0;
      const e = d === 0 ? cell.neg : cell.pos;
      if (d !== 1) (d === 0 ? this.pn : this.pp).rhs(y, this.offCs[k], out, j[k], e.D, e.cmax, T);
      // electrolyte mass
      const fout = k < nx - 1 ? flux[k] : 0;
      out[oe] = (-(fout - fin) / dx + ((1 - cell.tplus) * a * j[k]) / F) / this.elec.eps[k];
      fin = fout;
      // electrolyte charge: ∂i_e/∂x = a j
      let ieOut = 0;
      if (k < nx - 1) {
        const logB = Math.log(Math.max(y[offCe[k + 1]], 1e-2));
        ieOut = -cond[k] * (y[offCe[k + 1] + 1] - y[oe + 1]) + cond[k] * diffusionCoef * (logB - logA);
        logA = logB;
      }
      out[oe + 1] = ((ieOut - ieIn) / dx - a * j[k]) / this.chargeScale;
      ieIn = ieOut;
      // solid charge: ∂i_s/∂x = −a j
      if (d !== 1) {
        let isOut: number;
        if (d === 0) {
          if (k === 0) isIn = (-e.sigmaEff * (y[oe + 2] - 0)) / (0.5 * dx);
          isOut = k + 1 < nx && mesh.domain[k + 1] === 0 ? (-e.sigmaEff * (y[offCe[k + 1] + 2] - y[oe + 2])) / dx : 0;
        } else {
          if (mesh.domain[k - 1] !== 2) isIn = 0;
          isOut = k === nx - 1 ? i : (-e.sigmaEff * (y[offCe[k + 1] + 2] - y[oe + 2])) / dx;
        }
        out[oe + 2] = ((isOut - isIn) / dx + a * j[k]) / this.chargeScale;
        isIn = isOut;
      }
    }
  }

  /**
   * Heat sources [W], summed over the control volumes and faces of the same discretisation as the residual:
   * −i_e·∇φ_e and −i_s·∇φ_s on every face (including the half cells at the current collectors, whose drops enter
   * the voltage), a·j·η and a·j·T·dU/dT in every electrode cell. Because charge is conserved face by face, the
   * irreversible total equals the open-circuit power −∫a·j·U dV minus I·V (summation by parts): exactly at an exact
   * solution of the algebraic equations, to their solver tolerance otherwise (measured 5e-5 relative or better).
   */
  heatSources(y: Float64Array, I: number): HeatSources {
    const { mesh, cell, cond } = this;
    const nx = mesh.nx;
    const T = cell.T;
    const A = cell.area;
    const i = I / A;
    const offCe = this.offCe;
    this.elec.conductances(y, offCe, cond);
    const diffusionCoef = 2 * (1 - cell.tplus) * cell.tdf * (R * T) / F;
    const c2 = F / (2 * R * T);
    let qe = 0;
    let qs = 0;
    let qr = 0;
    let qrev = 0;
    let ocp = 0;
    for (let k = 0; k < nx; k++) {
      const oe = offCe[k];
      const d = mesh.domain[k];
      const dx = mesh.dx[k];
      if (k < nx - 1) {
        const ob = offCe[k + 1];
        const dphi = y[ob + 1] - y[oe + 1];
        const ie = -cond[k] * dphi + cond[k] * diffusionCoef * (Math.log(Math.max(y[ob], 1e-2)) - Math.log(Math.max(y[oe], 1e-2)));
        qe -= ie * dphi;
      }
      if (d === 1) continue;
      const e = this.electrode(k);
      const cs = this.sphere(k).surface(y, this.offCs[k]);
      const sto = cs / e.cmax;
      const U = ocpWithBarrier(e.U, sto, T);
      const eta = y[oe + 2] - y[oe + 1] - U;
      const j = 2 * e.j0(y[oe], cs, e.cmax, T) * Math.sinh(c2 * eta);
      qr += e.a * j * eta * dx;
      qrev += e.a * j * T * e.dUdT(Math.min(Math.max(sto, 1e-10), 1 - 1e-10)) * dx;
      ocp -= e.a * j * U * dx;
      if (k + 1 < nx && mesh.domain[k + 1] === d) {
        const dphi = y[offCe[k + 1] + 2] - y[oe + 2];
        qs += (e.sigmaEff * dphi * dphi) / dx;
      }
      if (k === 0) qs += (e.sigmaEff * y[oe + 2] * y[oe + 2]) / (0.5 * dx);
      if (k === nx - 1) qs += (i * i * 0.5 * dx) / e.sigmaEff;
    }
    return { ohmicElectrolyte: qe * A, ohmicSolid: qs * A, reaction: qr * A, reversible: qrev * A, openCircuitPower: ocp * A };
  }

  voltage(y: Float64Array, I: number): number {
    const nx = this.mesh.nx;
    const i = I / this.cell.area;
    const phiLast = y[this.offCe[nx - 1] + 2];
    return phiLast - (i * 0.5 * this.mesh.dx[nx - 1]) / this.cell.pos.sigmaEff - I * this.cell.contactResistance;
  }

  /** What unknown i is, for error messages. */
  private variableName(i: number): string {
    const { mesh, offCs, offCe } = this;
    let k = mesh.nx - 1;
    while (k > 0 && offCs[k] > i) k--;
    const cell = `cell ${k + 1} of ${mesh.nx} (${["negative electrode", "separator", "positive electrode"][mesh.domain[k]]}, x = ${(mesh.x[k] * 1e6).toFixed(1)} µm)`;
    if (i < offCe[k]) {
      const nr = offCe[k] - offCs[k];
      return `${mesh.domain[k] === 0 ? "negative" : "positive"} particle concentration in ${cell}, shell ${i - offCs[k] + 1} of ${nr} from the centre`;
    }
    return `${["electrolyte concentration", "electrolyte potential", "electrode potential"][i - offCe[k]]} in ${cell}`;
  }

  initialState(stoich?: { x: number; y: number }): Float64Array {
    const y = new Float64Array(this.system.n);
    const c = this.cell;
    const x0 = stoich?.x ?? c.neg.c0 / c.neg.cmax;
    const y0 = stoich?.y ?? c.pos.c0 / c.pos.cmax;
    this.setStoichiometry(y, x0, y0);
    const Un = ocpWithBarrier(c.neg.U, x0, c.T);
    const Up = ocpWithBarrier(c.pos.U, y0, c.T);
    for (let k = 0; k < this.mesh.nx; k++) {
      const oe = this.offCe[k];
      y[oe] = c.ce0;
      y[oe + 1] = -Un;
      if (this.mesh.domain[k] === 0) y[oe + 2] = 0;
      else if (this.mesh.domain[k] === 2) y[oe + 2] = Up - Un;
    }
    return y;
  }

  setStoichiometry(y: Float64Array, xNeg: number, yPos: number): void {
    for (let k = 0; k < this.mesh.nx; k++) {
      const d = this.mesh.domain[k];
      if (d === 1) continue;
      const v = d === 0 ? xNeg * this.cell.neg.cmax : yPos * this.cell.pos.cmax;
      const N = this.sphere(k).N;
      for (let i = 0; i < N; i++) y[this.offCs[k] + i] = v;
    }
  }

  surfaceStoichiometryRange(y: Float64Array): SurfaceStoichiometryRange {
    const r = { negativeMin: Infinity, negativeMax: -Infinity, positiveMin: Infinity, positiveMax: -Infinity };
    for (let k = 0; k < this.mesh.nx; k++) {
      const dom = this.mesh.domain[k];
      if (dom === 1) continue;
      const v = this.sphere(k).surface(y, this.offCs[k]) / (dom === 0 ? this.cell.neg.cmax : this.cell.pos.cmax);
      if (dom === 0) {
        if (v < r.negativeMin) r.negativeMin = v;
        if (v > r.negativeMax) r.negativeMax = v;
      } else {
        if (v < r.positiveMin) r.positiveMin = v;
        if (v > r.positiveMax) r.positiveMax = v;
      }
    }
    return r;
  }

  /**
   * x-averages over each electrode ([negative, positive]) of the surface and bulk particle stoichiometries, the OCP,
   * the reaction overpotential η = φ_s − φ_e − U, φ_e and φ_s (PyBaMM's "X-averaged …" variables), from which the
   * DFN reports the same voltage breakdown as the SPM/SPMe. One pass: this runs at every stored point, and the
   * OCPs (one per control volume, with the barrier term) are most of its cost.
   */
  private xAverages(y: Float64Array): { surf: number[]; bulk: number[]; U: number[]; eta: number[]; phiE: number[]; phiS: number[] } {
    const { mesh, cell } = this;
    const T = cell.T;
    const surf = [0, 0];
    const bulk = [0, 0];
    const U = [0, 0];
    const eta = [0, 0];
    const phiE = [0, 0];
    const phiS = [0, 0];
    const L = [0, 0];
    for (let k = 0; k < mesh.nx; k++) {
      const d = mesh.domain[k];
      if (d === 1) continue;
      const s = d === 0 ? 0 : 1;
      const e = this.electrode(k);
      const sphere = this.sphere(k);
      const oe = this.offCe[k];
      const dx = mesh.dx[k];
      const sto = sphere.surface(y, this.offCs[k]) / e.cmax;
      const u = ocpWithBarrier(e.U, sto, T);
      surf[s] += sto * dx;
      bulk[s] += (sphere.average(y, this.offCs[k]) / e.cmax) * dx;
      U[s] += u * dx;
      eta[s] += (y[oe + 2] - y[oe + 1] - u) * dx;
      phiE[s] += y[oe + 1] * dx;
      phiS[s] += y[oe + 2] * dx;
      L[s] += dx;
    }
    for (const a of [surf, bulk, U, eta, phiE, phiS]) for (let s = 0; s < 2; s++) a[s] /= L[s];
    return { surf, bulk, U, eta, phiE, phiS };
  }

  /** φ_s − φ_e at x = L_n, linearly extrapolated from the last two negative cells. */
  private negativeInterfacePotential(y: Float64Array): number {
    const { mesh, offCe } = this;
    const k = mesh.nn - 1;
    const v = (q: number): number => y[offCe[q] + 2] - y[offCe[q] + 1];
    return extrapolateToFace(mesh.x[k - 1], v(k - 1), mesh.x[k], v(k), this.cell.neg.L);
  }

  scalars(y: Float64Array, I: number): Record<string, number> {
    const c = this.cell;
    const av = this.xAverages(y);
    // terminal voltage before the contact resistance, i.e. φ_s at the positive current collector
    const phiSpos = this.voltage(y, I) + I * c.contactResistance;
    // the breakdown closes exactly: V = (U_p − U_n) + (η_p − η_n) + Δφ_e + Δφ_s − I·R_contact, with every term an
    // x-average as in PyBaMM's DFN and the same names and signs as the SPM/SPMe (where the reaction is uniform and
    // the x-average is the value itself)
    return withXAveragedNames({
      "Negative particle surface concentration [mol.m-3]": av.surf[0] * c.neg.cmax,
      "Positive particle surface concentration [mol.m-3]": av.surf[1] * c.pos.cmax,
      "Negative particle surface stoichiometry": av.surf[0],
      "Positive particle surface stoichiometry": av.surf[1],
      "Average negative particle stoichiometry": av.bulk[0],
      "Average positive particle stoichiometry": av.bulk[1],
      "Negative electrode open-circuit potential [V]": av.U[0],
      "Positive electrode open-circuit potential [V]": av.U[1],
      "Negative electrode reaction overpotential [V]": av.eta[0],
      "Positive electrode reaction overpotential [V]": av.eta[1],
      "Electrolyte potential drop [V]": av.phiE[1] - av.phiE[0],
      // solid-phase drops from the current collectors to the electrode averages (φ_s = 0 at the negative one)
      "Ohmic solid potential drop [V]": phiSpos - av.phiS[1] + av.phiS[0],
      "Contact overpotential [V]": I * c.contactResistance,
      ...openCircuitVoltages(c, av.U[0], av.U[1], av.bulk[0], av.bulk[1]),
      // φ_s − φ_e at the negative electrode/separator interface (below 0 V: lithium plating is favoured), a boundary
      // value: extrapolated linearly from the last two negative cells to x = L_n, as PyBaMM's boundary_value. The
      // cell centre's value sits half a cell inside and converges only to first order: the lowest value of a 0.7C
      // charge from empty (Chen2020) read +1.82 / +0.35 / −0.41 / −0.79 mV at 10 / 20 / 40 / 80 cells, where the
      // interface value reads −0.90 / −1.11 / −1.16 / −1.18 mV
      "Negative electrode surface potential difference at separator interface [V]": this.negativeInterfacePotential(y),
    });
  }

  profiles(y: Float64Array, _I: number): Record<string, Float64Array> {
    const nx = this.mesh.nx;
    const ce = new Float64Array(nx);
    const phie = new Float64Array(nx);
    const phis = new Float64Array(nx).fill(NaN);
    const csurf = new Float64Array(nx).fill(NaN);
    const j = new Float64Array(nx);
    this.reactions(y, j);
    for (let k = 0; k < nx; k++) {
      ce[k] = y[this.offCe[k]];
      phie[k] = y[this.offCe[k] + 1];
      if (this.mesh.domain[k] !== 1) {
        phis[k] = y[this.offCe[k] + 2];
        csurf[k] = this.sphere(k).surface(y, this.offCs[k]);
      }
    }
    return {
      "x [m]": Float64Array.from(this.mesh.x),
      "Electrolyte concentration [mol.m-3]": ce,
      "Electrolyte potential [V]": phie,
      "Electrode potential [V]": phis,
      "Particle surface concentration [mol.m-3]": csurf,
      "Interfacial current density [A.m-2]": j,
      "r_n [m]": Float64Array.from(this.pn.centres),
      "r_p [m]": Float64Array.from(this.pp.centres),
      "X-averaged negative particle concentration [mol.m-3]": this.xAveragedParticle(y, 0),
      "X-averaged positive particle concentration [mol.m-3]": this.xAveragedParticle(y, 2),
    };
  }

  /** Radial concentration profile averaged over the electrode's control volumes (weighted by their widths). */
  private xAveragedParticle(y: Float64Array, dom: 0 | 2): Float64Array {
    const N = (dom === 0 ? this.pn : this.pp).N;
    const out = new Float64Array(N);
    let L = 0;
    for (let k = 0; k < this.mesh.nx; k++) {
      if (this.mesh.domain[k] !== dom) continue;
      const dx = this.mesh.dx[k];
      for (let i = 0; i < N; i++) out[i] += y[this.offCs[k] + i] * dx;
      L += dx;
    }
    return out.map((v) => v / L);
  }

  negativeLithium(y: Float64Array): number {
    let li = 0;
    for (let k = 0; k < this.mesh.nx; k++) {
      if (this.mesh.domain[k] === 0) li += this.electrode(k).epsS * this.mesh.dx[k] * this.sphere(k).average(y, this.offCs[k]);
    }
    return li * this.cell.area;
  }

  lithium(y: Float64Array): number {
    const c = this.cell;
    let li = 0;
    for (let k = 0; k < this.mesh.nx; k++) {
      const d = this.mesh.domain[k];
      const dx = this.mesh.dx[k];
      li += this.elec.eps[k] * dx * y[this.offCe[k]];
      if (d !== 1) li += this.electrode(k).epsS * dx * this.sphere(k).average(y, this.offCs[k]);
    }
    return li * c.area;
  }

  describe(y: Float64Array, I: number): string {
    const s = this.scalars(y, I);
    let cmin = Infinity;
    for (let k = 0; k < this.mesh.nx; k++) cmin = Math.min(cmin, y[this.offCe[k]]);
    // the extremes too: a failure starts at one particle (one pressed against full, 0.99994, while the average read 0.818)
    const r = this.surfaceStoichiometryRange(y);
    const f = (v: number): string => v.toFixed(5);
    return (
      `x_surf(avg) = ${f(s["Negative particle surface stoichiometry"])} (range ${f(r.negativeMin)}–${f(r.negativeMax)}), ` +
      `y_surf(avg) = ${f(s["Positive particle surface stoichiometry"])} (range ${f(r.positiveMin)}–${f(r.positiveMax)}), min c_e = ${cmin.toFixed(2)} mol.m-3`
    );
  }
}

/**
 * Doyle–Fuller–Newman model (pseudo-two-dimensional): electrolyte transport with concentrated-solution theory,
 * solid and electrolyte potentials, Butler–Volmer in each control volume, a particle per control volume.
 *
 * @example
 * const model = dfn(parameterValues("Chen2020"));
 */
export function dfn(params: ParameterValues, opts: ModelOptions = {}): CellModel {
  checkModelOptions(opts);
  return withThermalOption(new DfnModel(params, opts), opts);
}

/** Applies {@link ModelOptions.thermal} to an isothermal model. */
function withThermalOption(model: CellModel, opts: ModelOptions): CellModel {
  const th = opts.thermal ?? "isothermal";
  if (th === "isothermal") return model;
  if (th === "lumped") return withLumpedThermal(model);
  throw new Error(`Unknown thermal option "${th as string}". Valid options: "isothermal", "lumped"`);
}

/** A model by name. */
export function createModel(name: ModelName, params: ParameterValues, opts: ModelOptions = {}): CellModel {
  switch (name) {
    case "SPM":
      return spm(params, opts);
    case "SPMe":
      return spme(params, opts);
    case "DFN":
      return dfn(params, opts);
    default:
      throw new Error(`Unknown model "${name as string}". Valid models: SPM, SPMe, DFN`);
  }
}

/** Result of {@link initialStoichiometries}: stoichiometries are dimensionless (concentration / maximum). */
export interface ElectrodeSoh {
  /** Negative electrode stoichiometry at 100 % SOC. */
  x100: number;
  /** Positive electrode stoichiometry at 100 % SOC. */
  y100: number;
  /** Negative electrode stoichiometry at 0 % SOC. */
  x0: number;
  /** Positive electrode stoichiometry at 0 % SOC. */
  y0: number;
  /** Negative electrode capacity [A.h] (all of its sites, stoichiometry 0 to 1). */
  Qn: number;
  /** Positive electrode capacity [A.h]. */
  Qp: number;
  /** Cyclable lithium in both electrodes [A.h]. */
  QLi: number;
  /** Capacity between the two voltage limits [A.h]. */
  Q: number;
  /** Negative electrode stoichiometry at the requested SOC. */
  x: number;
  /** Positive electrode stoichiometry at the requested SOC. */
  y: number;
}

/** The names every cell model reads from its parameter set (recorded from the models' own reads, see requiredNamesOf). */
export function cellRequiredParameters(): string[] {
  return requiredNamesOf("cell", buildCell);
}

/** Parameter sets that passed the checks of the {@link CellData} constructor. */
const checkedSets = new WeakSet<ParameterValues>();

const buildCell = (q: ParameterValues): void => void new CellData(q);

/** Every name the models, the thermal model and simulate read, required or optional (for the typo check). */
function knownParameterNames(): string[] {
  const thermal = (q: ParameterValues): void => void lumpedThermalProperties(q);
  return [
    ...requiredNamesOf("cell", buildCell), ...optionalNamesOf("cell", buildCell), ...requiredNamesOf("lumped thermal", thermal), ...optionalNamesOf("lumped thermal", thermal),
    ...STATE_OF_HEALTH_PARAMETERS, ...SIMULATE_PARAMETERS, "Current function [A]",
  ];
}

/** The names {@link simulate} reads besides the model's (C-rates, the cut-offs). */
export const SIMULATE_PARAMETERS = ["Nominal cell capacity [A.h]", "Lower voltage cut-off [V]", "Upper voltage cut-off [V]"] as const;

/** The names {@link initialStoichiometries} reads besides the cell's. */
export const STATE_OF_HEALTH_PARAMETERS = ["Open-circuit voltage at 0% SOC [V]", "Open-circuit voltage at 100% SOC [V]", "Reference temperature [K]", "Initial temperature [K]"] as const;

/** A number to 4 significant digits for messages. */
function fmt4(v: number): string {
  return String(+v.toPrecision(4));
}

/**
 * The stoichiometry range an electrode's OCP is defined on: its data for a tabulated OCP (a pchip Interpolant1D given
 * as the parameter), and never closer to 0 or 1 than {@link BARRIER_EDGE} (PyBaMM searches from 1e-6, where the
 * barrier term alone makes up the voltage); with a note on the data range for messages ("" when not tabulated).
 */
function stoichiometryRange(params: ParameterValues, name: string): [number, number, string] {
  const U = params.has(name) ? params.get(name) : undefined;
  const xs = typeof U === "function" ? (U as { x?: unknown }).x : undefined;
  if (!(xs instanceof Float64Array) || xs.length < 2) return [BARRIER_EDGE, 1 - BARRIER_EDGE, ""];
  const a = Math.max(BARRIER_EDGE, xs[0]);
  const b = Math.min(1 - BARRIER_EDGE, xs[xs.length - 1]);
  return [a, b, a > BARRIER_EDGE || b < 1 - BARRIER_EDGE ? `"${name}" is a table over stoichiometries ${+xs[0].toPrecision(6)}–${+xs[xs.length - 1].toPrecision(6)}, and is not extrapolated here` : ""];
}

function bisect(f: (v: number) => number, lo: number, hi: number, what: string, within = "", target?: number): number {
  // a NaN fails every comparison: it made the search run to its lower bound and return that, silently
  const at = (v: number): number => {
    const r = f(v);
    if (Number.isNaN(r)) throw new Error(`initialStoichiometries: the open-circuit voltage is NaN at ${v} while solving ${what}: an OCP function returns NaN there`);
    return r;
  };
  let flo = at(lo);
  const fhi = at(hi);
  if (flo * fhi > 0) {
    // name the voltage that cannot be reached and the range that can (the set's OCPs and lithium inventory)
    const span = target !== undefined ? `: the open-circuit voltage only spans ${fmt4(Math.min(flo, fhi) + target)}–${fmt4(Math.max(flo, fhi) + target)} V for x in [${fmt4(lo)}, ${fmt4(hi)}] (stoichiometries within ${fmt4(BARRIER_EDGE)} of 0 or 1, where the OCP is the barrier term, are not searched)` : ` in [${lo}, ${hi}] (f = ${flo}, ${fhi})`;
    throw new Error(`initialStoichiometries: ${what} has no solution${span}${within ? `; ${within}` : ""}`);
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = 0.5 * (lo + hi);
    const fm = at(mid);
    if (fm * flo > 0) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * PyBaMM's electrode state-of-health calculation (Mohtat 2019; conventions §6): the stoichiometries at 100 % and
 * 0 % SOC from the set's voltage limits ("Open-circuit voltage at 0%/100% SOC [V]") and its cyclable lithium, and
 * the stoichiometries at `soc`: a number in [0, 1], or an open-circuit voltage as PyBaMM writes it ("3.9 V"), for
 * which the SOC with that OCV is found.
 *
 * @example
 * const soh = initialStoichiometries(parameterValues("Marquis2019"), 1);
 * soh.x100; // 0.9493
 * simulate(spm(p), "Discharge at 1C until 3.105 V", { initialSoc: 1 });
 * simulate(spm(p), "Discharge at 1C until 3.105 V", { initialSoc: "3.9 V" });
 */
export function initialStoichiometries(params: ParameterValues, soc: number | string): ElectrodeSoh {
  if (typeof soc === "string") return initialStoichiometriesAtVoltage(params, soc);
  // null, false, true and [0.5] ran at 0 %, 0 %, 100 % and 50 % (coerced)
  if (typeof soc !== "number") throw new Error(`initialStoichiometries: soc must be a number in [0, 1] or a voltage such as "3.9 V", got ${Array.isArray(soc) ? "an array" : `${typeof soc} ${String(soc)}`}`);
  if (!(soc >= 0 && soc <= 1)) throw new Error(`initialStoichiometries: soc must be in [0, 1] or a voltage such as "3.9 V", got ${soc}`);
  const c = new CellData(params);
  const T = params.number("Reference temperature [K]");
  const vMax = params.number("Open-circuit voltage at 100% SOC [V]");
  const vMin = params.number("Open-circuit voltage at 0% SOC [V]");
  const k = (F * c.area) / 3600;
  const Qn = c.neg.epsS * c.neg.L * c.neg.cmax * k;
  const Qp = c.pos.epsS * c.pos.L * c.pos.cmax * k;
  const QLi = (c.neg.epsS * c.neg.L * c.neg.c0 + c.pos.epsS * c.pos.L * c.pos.c0) * k;
  const ocv = (x: number, y: number) => cellOcv(c, x, y, T);
  // stoichiometries within the data of a tabulated OCP (pchip), as PyBaMM bounds them (conventions §6): a graphite
  // table over 0.1–0.8 was extrapolated to x0 = 0.00015 and 3 % more capacity; and outside the barrier's edges
  const [xlo, xhi, xWhy] = stoichiometryRange(params, "Negative electrode OCP [V]");
  const [ylo, yhi, yWhy] = stoichiometryRange(params, "Positive electrode OCP [V]");
  const within = `${xWhy}${xWhy && yWhy ? "; " : ""}${yWhy}`;
  const yOf = (x: number) => (QLi - x * Qn) / Qp;
  const xLo = Math.max(xlo, (QLi - yhi * Qp) / Qn);
  const xHi = Math.min(xhi, (QLi - ylo * Qp) / Qn);
  if (!(xLo < xHi)) throw new Error(`initialStoichiometries: cyclable lithium ${QLi.toFixed(5)} A.h is outside what the electrodes (${Qn.toFixed(5)}, ${Qp.toFixed(5)} A.h) can hold${within ? ` (${within})` : ""}`);
  const x100 = bisect((x) => ocv(x, yOf(x)) - vMax, xLo, xHi, `"Open-circuit voltage at 100% SOC [V]" = ${vMax} V (U_p − U_n along the lithium-conserving line, negative stoichiometry x)`, within, vMax);
  const y100 = yOf(x100);
  const y0Of = (x0: number) => y100 + (Qn * (x100 - x0)) / Qp;
  const x0Lo = Math.max(xlo, x100 - ((yhi - y100) * Qp) / Qn);
  const x0 = bisect((x) => ocv(x, y0Of(x)) - vMin, x0Lo, x100, `"Open-circuit voltage at 0% SOC [V]" = ${vMin} V (U_p − U_n below 100 % SOC, negative stoichiometry x)`, within, vMin);
  const y0 = y0Of(x0);
  return { x100, y100, x0, y0, Qn, Qp, QLi, Q: Qn * (x100 - x0), x: x0 + soc * (x100 - x0), y: y0 - soc * (y0 - y100) };
}

/**
 * A copy of `params` whose initial particle concentrations are those of `soc` (a number in [0, 1], or an
 * open-circuit voltage such as "3.9 V"), from {@link initialStoichiometries}: PyBaMM's
 * `ParameterValues.set_initial_state`. The set's other values (the electrolyte, the temperatures) are kept.
 *
 * @example
 * const half = withInitialState(parameterValues("Chen2020"), 0.5);
 * simulate(spm(half), "Discharge at 1C until 2.5 V"); // as simulate(spm(p), ..., { initialSoc: 0.5 })
 */
export function withInitialState(params: ParameterValues, soc: number | string): ParameterValues {
  const soh = initialStoichiometries(params, soc);
  return params.update({
    "Initial concentration in negative electrode [mol.m-3]": soh.x * params.number("Maximum concentration in negative electrode [mol.m-3]"),
    "Initial concentration in positive electrode [mol.m-3]": soh.y * params.number("Maximum concentration in positive electrode [mol.m-3]"),
  });
}

/** The state of health at the SOC whose open-circuit voltage is `text` ("3.9 V"; PyBaMM's initial_soc="3.9 V"). */
function initialStoichiometriesAtVoltage(params: ParameterValues, text: string): ElectrodeSoh {
  const m = /^\s*(-?\d+(?:\.\d*)?(?:e-?\d+)?)\s*V\s*$/i.exec(text);
  if (!m) throw new Error(`initialStoichiometries: "${text}" is neither an SOC in [0, 1] nor a voltage such as "3.9 V"`);
  const v = Number(m[1]);
  const vMax = params.number("Open-circuit voltage at 100% SOC [V]");
  const vMin = params.number("Open-circuit voltage at 0% SOC [V]");
  if (!(v >= vMin && v <= vMax)) throw new Error(`initialStoichiometries: an open-circuit voltage of ${v} V lies outside the set's ${vMin}–${vMax} V (its 0 % and 100 % SOC)`);
  // the voltage is the cell's open-circuit voltage at its initial temperature (PyBaMM, conventions §6), entropic term
  // included: at the reference temperature a Marquis2019 cell at 45 °C given "3.3 V" started at 3.2876 V
  const T = params.number("Initial temperature [K]");
  const c = new CellData(params);
  const ends = initialStoichiometries(params, 0);
  // the stoichiometries move linearly with the SOC between the two ends computed once above
  const xAt = (soc: number): number => ends.x0 + soc * (ends.x100 - ends.x0);
  const yAt = (soc: number): number => ends.y0 - soc * (ends.y0 - ends.y100);
  const ocvAt = (soc: number): number => cellOcv(c, xAt(soc), yAt(soc), T);
  // The OCV rises monotonically with the SOC between the two ends. At the reference temperature they sit at vMin and
  // vMax exactly; at another initial temperature the entropic term moves them (Marquis2019 at 0 °C: 3.105 V is below
  // SOC 0, where "3.11 V" found no bracket), so the ends at T bound the search and the message names them.
  const lo = ocvAt(0);
  const hi = ocvAt(1);
  const Tref = params.number("Reference temperature [K]");
  let soc: number;
  if (T === Tref && v === vMin) soc = 0;
  else if (T === Tref && v === vMax) soc = 1;
  else if (Math.abs(v - lo) <= 1e-12) soc = 0;
  else if (Math.abs(v - hi) <= 1e-12) soc = 1;
  else if (!(v > lo && v < hi))
    throw new Error(
      `initialStoichiometries: an open-circuit voltage of ${v} V is not reached between 0 % and 100 % SOC at the initial temperature ${T} K, ` +
        `where the OCV spans ${fmt4(lo)}–${fmt4(hi)} V (the set's ${vMin}–${vMax} V hold at its reference temperature ${Tref} K; the entropic term moves them)`,
    );
  else soc = bisect((s) => ocvAt(s) - v, 0, 1, `U_p − U_n = ${v} V at ${T} K`);
  return { ...ends, x: xAt(soc), y: yAt(soc) };
}
