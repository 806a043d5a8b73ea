/**
 * Ionic transport: Arrhenius fits of conductivity and the Nernst–Einstein relation.
 */
import { BOLTZMANN_EV_PER_K, BOLTZMANN_J_PER_K, ELEMENTARY_CHARGE_C } from "./constants";
import { ElectrochemError, requireFinite } from "./errors";
import { studentTQuantile } from "./stats";

/** Options of {@link arrheniusFit}. */
export interface ArrheniusOptions {
  /**
   * `"sigmaT"` fits σT = A·exp(−Ea/kT) (the usual form for ionic conductors, from Nernst–Einstein);
   * `"sigma"` fits σ = A·exp(−Ea/kT). Default "sigmaT".
   */
  form?: "sigmaT" | "sigma";
  /** Confidence level of the reported interval. Default 0.95. */
  confidence?: number;
  /**
   * Lowest accepted temperature [K]. Default 150. Battery conductivity data lie far above it, while
   * temperatures written in °C (25, 50, 75 …) fall below it and would otherwise give a tiny, plausible-looking
   * Ea (0.007 eV instead of 0.25 eV). Lower it for genuine cryogenic measurements.
   */
  minTemperatureK?: number;
}

/** Result of {@link arrheniusFit}. */
export interface ArrheniusFit {
  /** Activation energy [eV]. */
  activationEnergyEv: number;
  /** Standard error of Ea [eV]. */
  activationEnergyStdErrEv: number;
  /** Confidence interval of Ea [eV] at `confidence` (Student t with n−2 degrees of freedom). */
  activationEnergyIntervalEv: [number, number];
  confidence: number;
  /** ln of the pre-exponential factor A (units of σ, or σ·K for "sigmaT"). */
  lnPrefactor: number;
  /** Coefficient of determination of the linear fit in (1/T, ln y). */
  r2: number;
  form: "sigmaT" | "sigma";
  /** Points used. */
  n: number;
  /** Predicted conductivity [same unit as input] at a temperature [K]. */
  predict(temperatureK: number): number;
}

/**
 * Least-squares Arrhenius fit of conductivity against temperature, ln(σT) = ln A − Ea/(k·T).
 * @param temperaturesK - temperatures [K], each at least `options.minTemperatureK` (150 K by default)
 * @param conductivities - conductivities σ (any unit, e.g. S/cm), all > 0
 * @throws ElectrochemError for a temperature below the floor (the message says the values look like °C and how
 *   to convert), mismatched lengths, fewer than 3 points, or a non-positive value
 * @example
 * ```ts
 * const tempsC = [25, 50, 75];
 * arrheniusFit(tempsC.map((t) => t + 273.15), [1e-4, 2e-4, 3.5e-4]).activationEnergyEv; // 0.252 eV
 * ```
 */
export function arrheniusFit(temperaturesK: ArrayLike<number>, conductivities: ArrayLike<number>, options: ArrheniusOptions = {}): ArrheniusFit {
  const form = options.form ?? "sigmaT";
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new ElectrochemError(`arrheniusFit: confidence must be in (0, 1), got ${confidence}`);
  const n = temperaturesK.length;
  if (n !== conductivities.length) throw new ElectrochemError(`arrheniusFit: ${n} temperatures but ${conductivities.length} conductivities`);
  if (n < 3) throw new ElectrochemError(`arrheniusFit: need at least 3 points for an uncertainty, got ${n}`);
  const floor = options.minTemperatureK ?? 150;
  requireFinite(floor, "arrheniusFit: minTemperatureK [K]", { positive: true });
  for (let i = 0; i < n; i++) {
    const T = temperaturesK[i]!;
    if (typeof T === "number" && T < floor) {
      const shown = Array.from({ length: Math.min(n, 5) }, (_, k) => temperaturesK[k]).join(", ") + (n > 5 ? ", …" : "");
      throw new ElectrochemError(
        `arrheniusFit: temperature[${i}] = ${T} K is below ${floor} K. The temperatures (${shown}) look like °C; ` +
          `convert them with T[K] = T[°C] + 273.15, e.g. temps.map((t) => t + 273.15). ` +
          `For genuine measurements below ${floor} K pass { minTemperatureK }.`,
      );
    }
  }
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const T = requireFinite(temperaturesK[i], `arrheniusFit: temperature[${i}] [K]`, { positive: true });
    const s = requireFinite(conductivities[i], `arrheniusFit: conductivity[${i}]`, { positive: true });
    x[i] = 1 / T;
    y[i] = Math.log(form === "sigmaT" ? s * T : s);
  }
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  if (!(sxx > 0)) throw new ElectrochemError("arrheniusFit: all temperatures are equal");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - intercept - slope * x[i]) ** 2;
  const slopeSe = Math.sqrt(sse / (n - 2) / sxx);
  const ea = -slope * BOLTZMANN_EV_PER_K;
  const eaSe = slopeSe * BOLTZMANN_EV_PER_K;
  const t = studentTQuantile(0.5 + confidence / 2, n - 2);
  return {
    activationEnergyEv: ea,
    activationEnergyStdErrEv: eaSe,
    activationEnergyIntervalEv: [ea - t * eaSe, ea + t * eaSe],
    confidence,
    lnPrefactor: intercept,
    r2: syy > 0 ? 1 - sse / syy : 1,
    form,
    n,
    predict(temperatureK: number): number {
      const T = requireFinite(temperatureK, "temperature [K]", { positive: true });
      const v = Math.exp(intercept + slope / T);
      return form === "sigmaT" ? v / T : v;
    },
  };
}

/** Options of the Nernst–Einstein conversions. */
export interface NernstEinsteinOptions {
  /** Temperature [K]. */
  temperatureK: number;
  /** Number density of mobile ions [1/cm³] (e.g. Li per cell / cell volume). */
  carrierDensityPerCm3: number;
  /** Charge number of the ion. Default 1. */
  charge?: number;
  /** Haven ratio H_R = D_tracer / D_σ. Default 1 (uncorrelated hops). */
  havenRatio?: number;
}

/** Conductivity from a diffusion coefficient, σ = n (ze)² D / (H_R k T) [S/cm], with D in cm²/s. */
export function conductivityFromDiffusivitySPerCm(diffusivityCm2PerS: number, o: NernstEinsteinOptions): number {
  requireFinite(diffusivityCm2PerS, "diffusivity [cm2/s]", { nonNegative: true });
  const { T, n, q, h } = neArgs(o);
  return (n * q * q * diffusivityCm2PerS) / (h * BOLTZMANN_J_PER_K * T);
}

/** Diffusion coefficient from a conductivity, D = σ H_R k T / (n (ze)²) [cm²/s], with σ in S/cm. */
export function diffusivityFromConductivityCm2PerS(conductivitySPerCm: number, o: NernstEinsteinOptions): number {
  requireFinite(conductivitySPerCm, "conductivity [S/cm]", { nonNegative: true });
  const { T, n, q, h } = neArgs(o);
  return (conductivitySPerCm * h * BOLTZMANN_J_PER_K * T) / (n * q * q);
}

/** Number density [1/cm³] of `count` ions in a cell of `volumeA3` Å³. */
export function carrierDensityPerCm3(count: number, volumeA3: number): number {
  requireFinite(count, "ion count", { nonNegative: true });
  requireFinite(volumeA3, "cell volume [A^3]", { positive: true });
  return (count / volumeA3) * 1e24;
}

function neArgs(o: NernstEinsteinOptions): { T: number; n: number; q: number; h: number } {
  return {
    T: requireFinite(o.temperatureK, "temperature [K]", { positive: true }),
    n: requireFinite(o.carrierDensityPerCm3, "carrier density [1/cm3]", { positive: true }),
    q: requireFinite(o.charge ?? 1, "charge", { positive: true }) * ELEMENTARY_CHARGE_C,
    h: requireFinite(o.havenRatio ?? 1, "Haven ratio", { positive: true }),
  };
}
