/**
 * The teaching twin of the composed models (docs/DESIGN.md §4.5, like PyBaMM's `BasicSPM`): the Single Particle Model
 * for a constant-current discharge in one readable file. No banded Jacobians, no adaptive steps, no events
 * machinery: two spheres, a finite-volume diffusion equation in each, backward Euler with a tridiagonal solve,
 * and Butler–Volmer turned inside out to give the voltage.
 *
 * The composed {@link spm} in models.ts solves the same equations with the adaptive BDF solver; a unit test
 * checks the two agree.
 */
import { ParameterValues, checkParameterValues, FARADAY as F, GAS_CONSTANT as R, OcpFunction, ExchangeCurrentFunction, ParticleDiffusivityFunction, EntropicChangeFunction } from "./parameters";

/** Options of {@link basicSpm}. */
export interface BasicSpmOptions {
  /** Applied current [A] (> 0 discharges, < 0 charges, 0 rests). Default: the set's "Current function [A]". */
  current?: number;
  /** Radial cells per particle, an integer ≥ 2 (the surface value is extrapolated from the outer two; default 20). */
  cells?: number;
  /** Time step [s], > 0 (default 10). */
  dt?: number;
  /**
   * Stop when the voltage reaches this value [V]: falling to it on discharge, rising to it on charge (default: the
   * set's lower cut-off on discharge, its upper cut-off on charge; a rest runs to `maxTime`).
   */
  cutoff?: number;
  /** Longest simulated time [s], > 0 (default 3 hours: 3·3600). */
  maxTime?: number;
}

/** Output of {@link basicSpm}: columns with units in the names, one entry per time step (t = 0 first). */
export interface BasicSpmResult {
  /** Time [s]. */
  "Time [s]": Float64Array;
  /** Terminal voltage [V]. */
  "Voltage [V]": Float64Array;
  /** Charge passed since t = 0 [A.h] (negative while charging, as PyBaMM). */
  "Discharge capacity [A.h]": Float64Array;
  /** Surface concentration of the negative particle over its maximum. */
  "Negative particle surface stoichiometry": Float64Array;
  /** Surface concentration of the positive particle over its maximum. */
  "Positive particle surface stoichiometry": Float64Array;
}

/**
 * Solves the SPM for a constant current (a discharge, a charge or a rest) with backward Euler steps of fixed size,
 * until the voltage reaches the cut-off or `maxTime` passes.
 *
 * The equations (PyBaMM's conventions, I > 0 on discharge):
 *   ∂c/∂t = (1/r²) ∂/∂r (r² D ∂c/∂r),  ∂c/∂r = 0 at r = 0,  −D ∂c/∂r = j/F at r = R,
 *   j_n = I/(A a_n L_n),  j_p = −I/(A a_p L_p),  a = 3 ε_s / R,
 *   V = U_p(c_p,surf) − U_n(c_n,surf) + (2RT/F)·[asinh(j_p/2j0_p) − asinh(j_n/2j0_n)],
 * at the cell's "Initial temperature [K]" throughout (isothermal, as PyBaMM's BasicSPM), with each OCP's entropic
 * term U(c, T_ref) + (T − T_ref)·dU/dT where the set gives "... OCP entropic change [V.K-1]".
 *
 * @example
 * const out = basicSpm(parameterValues("Chen2020"));
 * out["Discharge capacity [A.h]"].at(-1); // ≈ 4.96 A.h at 1C
 * // charging needs room to charge: start from 30 % SOC, stop at the upper cut-off (4.2 V)
 * const p = parameterValues("Chen2020");
 * const soh = initialStoichiometries(p, 0.3);
 * const empty = p.update({
 *   "Initial concentration in negative electrode [mol.m-3]": soh.x * p.number("Maximum concentration in negative electrode [mol.m-3]"),
 *   "Initial concentration in positive electrode [mol.m-3]": soh.y * p.number("Maximum concentration in positive electrode [mol.m-3]"),
 * });
 * basicSpm(empty, { current: -5 })["Discharge capacity [A.h]"].at(-1); // ≈ −2.56 A.h
 * @throws Error for a non-finite current, dt ≤ 0, fewer than 2 cells, a start already beyond the cut-off, or a
 * particle that empties or fills before the cut-off
 */
export function basicSpm(params: ParameterValues, opts: BasicSpmOptions = {}): BasicSpmResult {
  const I = opts.current ?? params.number("Current function [A]");
  const N = opts.cells ?? 20;
  const dt = opts.dt ?? 10;
  const tMax = opts.maxTime ?? 3 * 3600;
  // check the inputs first: dt = 0 or a single cell would otherwise only show up later as a non-finite voltage
  if (!Number.isFinite(I)) throw new Error(`basicSpm: current must be a finite number of amperes, got ${I}`);
  if (!(Number.isInteger(N) && N >= 2)) throw new Error(`basicSpm: cells must be an integer ≥ 2 (the surface concentration is extrapolated from the two outer cells), got ${N}`);
  if (!(Number.isFinite(dt) && dt > 0)) throw new Error(`basicSpm: dt must be a time step > 0 s, got ${dt}`);
  if (!(Number.isFinite(tMax) && tMax > 0)) throw new Error(`basicSpm: maxTime must be > 0 s, got ${tMax}`);
  checkParameterValues(params); // the same range checks as the composed models
  // a discharge runs down to the lower cut-off, a charge up to the upper one
  const vCut = opts.cutoff ?? params.number(I < 0 ? "Upper voltage cut-off [V]" : "Lower voltage cut-off [V]");
  if (!Number.isFinite(vCut)) throw new Error(`basicSpm: cutoff must be a finite voltage, got ${vCut}`);
  const reachedCutoff = (V: number): boolean => (I > 0 ? V <= vCut : I < 0 ? V >= vCut : false);
  // PyBaMM's BasicSPM runs at the initial temperature (the composed isothermal models at the ambient one; the shipped
  // sets have both at 298.15 K)
  const T = params.number("Initial temperature [K]");
  const Tref = params.number("Reference temperature [K]");
  // the electrode area of the whole cell: width × height × electrodes in parallel (as the composed models)
  const area = params.number("Electrode width [m]") * params.number("Electrode height [m]") * params.number("Number of electrodes connected in parallel to make a cell");

  // One electrode's constants and its particle, discretised into N spherical shells of equal thickness.
  const electrode = (side: "Negative" | "Positive", domain: "negative" | "positive", sign: number) => {
    const radius = params.number(`${side} particle radius [m]`);
    const epsS = params.number(`${side} electrode active material volume fraction`);
    const L = params.number(`${side} electrode thickness [m]`);
    const cmax = params.number(`Maximum concentration in ${domain} electrode [mol.m-3]`);
    const a = (3 * epsS) / radius;
    const ocp = params.fn<OcpFunction>(`${side} electrode OCP [V]`);
    // the OCP at the cell temperature: the entropic change dU/dT [V/K] times the distance from the reference
    const entropic = `${side} electrode OCP entropic change [V.K-1]`;
    const dUdT = params.has(entropic) && params.get(entropic) !== 0 ? params.fn<EntropicChangeFunction>(entropic) : undefined;
    return {
      cmax,
      D: params.fn<ParticleDiffusivityFunction>(`${side} particle diffusivity [m2.s-1]`),
      U: (sto: number, TT: number): number => ocp(sto, TT) + (dUdT ? (TT - Tref) * dUdT(sto) : 0),
      j0: params.fn<ExchangeCurrentFunction>(`${side} electrode exchange-current density [A.m-2]`),
      j: (sign * I) / (area * a * L), // interfacial current density [A.m-2]
      radius,
      c: new Float64Array(N).fill(params.number(`Initial concentration in ${domain} electrode [mol.m-3]`)),
    };
  };
  const neg = electrode("Negative", "negative", +1);
  const pos = electrode("Positive", "positive", -1);
  const ce = params.number("Initial concentration in electrolyte [mol.m-3]");

  // One backward-Euler step of the particle: (V_i/dt)(c_i − c_i_old) = r²_{i−½} D (c_{i−1} − c_i)/dr − r²_{i+½} D (c_i − c_{i+1})/dr,
  // with the flux j/F leaving through the outer face. The matrix is tridiagonal: solved by the Thomas algorithm.
  const lower = new Float64Array(N);
  const diag = new Float64Array(N);
  const upper = new Float64Array(N);
  const rhs = new Float64Array(N);
  let h = dt; // this step's length
  const step = (p: typeof neg): void => {
    const dr = p.radius / N;
    for (let i = 0; i < N; i++) {
      const rIn = i * dr;
      const rOut = (i + 1) * dr;
      const vol = (rOut ** 3 - rIn ** 3) / 3;
      const kIn = i > 0 ? (rIn * rIn * p.D((0.5 * (p.c[i - 1] + p.c[i])) / p.cmax, T)) / dr : 0;
      const kOut = i < N - 1 ? (rOut * rOut * p.D((0.5 * (p.c[i] + p.c[i + 1])) / p.cmax, T)) / dr : 0;
      lower[i] = -kIn;
      upper[i] = -kOut;
      diag[i] = vol / h + kIn + kOut;
      rhs[i] = (vol / h) * p.c[i] - (i === N - 1 ? (rOut * rOut * p.j) / F : 0);
    }
    for (let i = 1; i < N; i++) {
      const m = lower[i] / diag[i - 1];
      diag[i] -= m * upper[i - 1];
      rhs[i] -= m * rhs[i - 1];
    }
    p.c[N - 1] = rhs[N - 1] / diag[N - 1];
    for (let i = N - 2; i >= 0; i--) p.c[i] = (rhs[i] - upper[i] * p.c[i + 1]) / diag[i];
  };
  // surface concentration: linear extrapolation from the two outer cells (as the composed models)
  const surface = (p: typeof neg): number => 1.5 * p.c[N - 1] - 0.5 * p.c[N - 2];
  const voltage = (): number => {
    const csn = surface(neg);
    const csp = surface(pos);
    const etaN = ((2 * R * T) / F) * Math.asinh(neg.j / (2 * neg.j0(ce, csn, neg.cmax, T)));
    const etaP = ((2 * R * T) / F) * Math.asinh(pos.j / (2 * pos.j0(ce, csp, pos.cmax, T)));
    return pos.U(csp / pos.cmax, T) - neg.U(csn / neg.cmax, T) + etaP - etaN;
  };

  const t: number[] = [0];
  const v: number[] = [voltage()];
  const xs: number[] = [surface(neg) / neg.cmax];
  const ys: number[] = [surface(pos) / pos.cmax];
  if (reachedCutoff(v[0])) {
    throw new Error(
      `basicSpm: at t = 0 the voltage under ${I} A is already ${v[0].toFixed(4)} V, ${I > 0 ? "at or below" : "at or above"} the cut-off ${vCut} V, ` +
        `so the ${I > 0 ? "discharge" : "charge"} would stop at once; start from another state of charge (set the initial concentrations, ` +
        "e.g. from initialStoichiometries(params, soc)) or give another cutoff",
    );
  }
  while (t[t.length - 1] < tMax) {
    // the last step ends on maxTime (it ran past it: dt 1000 s with maxTime 10 s stopped at 1000 s)
    h = Math.min(dt, tMax - t[t.length - 1]);
    step(neg);
    step(pos);
    const V = voltage();
    // j0 vanishes when a surface stoichiometry reaches 0 or 1, and the overpotential needed to pass the current
    // becomes infinite: a particle emptied or filled before the voltage reached the cut-off
    if (!Number.isFinite(V)) {
      throw new Error(
        `basicSpm: voltage is not finite at t = ${t[t.length - 1] + h} s: the surface stoichiometries are ${(surface(neg) / neg.cmax).toFixed(4)} (negative) and ` +
          `${(surface(pos) / pos.cmax).toFixed(4)} (positive), and a particle cannot pass current at 0 or 1; the cut-off ${vCut} V was not reached first ` +
          "(use a cut-off inside the cell's voltage window, or a lower current)",
      );
    }
    t.push(t[t.length - 1] + h);
    v.push(V);
    xs.push(surface(neg) / neg.cmax);
    ys.push(surface(pos) / pos.cmax);
    if (reachedCutoff(V)) break;
  }
  return {
    "Time [s]": Float64Array.from(t),
    "Voltage [V]": Float64Array.from(v),
    "Discharge capacity [A.h]": Float64Array.from(t, (s) => (I * s) / 3600),
    "Negative particle surface stoichiometry": Float64Array.from(xs),
    "Positive particle surface stoichiometry": Float64Array.from(ys),
  };
}
