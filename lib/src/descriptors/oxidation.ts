/**
 * Oxidation-state guessing, after pymatgen's `Composition.oxi_state_guesses` (2022.11).
 *
 * Scoring (the same as pymatgen's): every site of element E takes one oxidation state from E's ICSD
 * oxidation states (or its full list when ICSD has none). A state's weight is its number of occurrences
 * in the ICSD (pymatgen's `icsd_bv.yaml` "occurrence" table, e.g. Co3+ 93, Co2+ 333, O2− 44 783). For each
 * element and each possible *sum* of its site states, the best-scoring multiset of site states is kept;
 * a solution picks one sum per element so that the total charge is zero, and scores the sum of the
 * element scores. Solutions are ranked by score, highest first; equal scores keep pymatgen's enumeration
 * order (product over elements in order of appearance, last element fastest). Each solution reports the
 * *average* oxidation state per element (e.g. Fe3O4 → Fe 2.667).
 *
 * Non-integer stoichiometries (LiNi0.8Co0.1Mn0.1O2), which pymatgen refuses, are first scaled to the
 * smallest integer formula with pymatgen's own `gcd_float` rule (`get_integer_formula_and_factor`,
 * max denominator 10 000): LiNi0.8Co0.1Mn0.1O2 → Li10Ni8CoMnO20. Integer compositions are used as given
 * (like pymatgen: Li2Co2O4 has two Co sites and may mix valences where LiCoO2 cannot).
 */
import { element, icsdOccurrence } from "./elements";
import { OxidationStateError } from "./errors";

/** Options of {@link guessOxidationStates}. */
export interface OxidationGuessOptions {
  /** Per-element list of allowed oxidation states, replacing the defaults, e.g. `{ Mn: [3, 4] }`. */
  oxiStatesOverride?: Record<string, readonly number[]>;
  /** Use every known oxidation state of each element instead of the ICSD ones (pymatgen `all_oxi_states`). Default false. */
  allOxiStates?: boolean;
  /** Total charge of the formula unit. Default 0. */
  targetCharge?: number;
  /** Largest denominator when scaling non-integer amounts to integers (pymatgen's 10 000). */
  maxDenominator?: number;
  /**
   * Guard against combinatorial explosion: the largest number of per-element site combinations, and of
   * element-sum combinations, that will be enumerated. Default 5 000 000. Exceeding it throws
   * {@link OxidationStateError}.
   */
  maxCombinations?: number;
}

/** One charge-balanced assignment. */
export interface OxidationStateGuess {
  /** Average oxidation state per element symbol (e.g. `{ Fe: 2.6666666666666665, O: -2 }`). */
  states: Record<string, number>;
  /** Sum of ICSD occurrence counts of the chosen site states (higher = more common). */
  score: number;
}

/** pymatgen/monty `gcd_float`: the greatest common divisor of floats within `tol`. */
export function gcdFloat(numbers: readonly number[], tol = 1e-8): number {
  const pair = (a: number, b: number): number => {
    while (b > tol) {
      const t = a % b;
      a = b;
      b = t;
    }
    return a;
  };
  let n = numbers[0]!;
  for (const x of numbers) n = pair(n, x);
  return n;
}

/**
 * The integer composition used for charge balancing: the amounts themselves when all are integers
 * (within 1e-8), else the smallest integer formula (pymatgen `get_integer_formula_and_factor` rule).
 */
export function integerAmounts(amounts: ReadonlyArray<readonly [string, number]>, maxDenominator = 10000): [string, number][] {
  const allInt = amounts.every(([, a]) => Math.abs(a - Math.round(a)) < 1e-8);
  if (allInt) return amounts.map(([s, a]) => [s, Math.round(a)]);
  const g = gcdFloat(amounts.map(([, a]) => a), 1 / maxDenominator);
  return amounts.map(([s, a]) => [s, pyRound(a / g)]);
}

/** Python 3 round(): half to even. */
function pyRound(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) {
    r = (r * (n - k + i)) / i;
    if (r > 1e15) return Infinity;
  }
  return r;
}

interface ElementSums {
  /** Possible sums of site oxidation states, in pymatgen's order of first appearance. */
  sums: number[];
  /** Best score per sum. */
  score: Map<number, number>;
}

function elementSums(symbol: string, oxids: readonly number[], n: number, limit: number): ElementSums {
  const k = oxids.length;
  const occ = oxids.map((o) => icsdOccurrence(symbol, o));
  const sums: number[] = [];
  const score = new Map<number, number>();
  if (n === 0) {
    sums.push(0);
    score.set(0, 0);
    return { sums, score };
  }
  const count = binomial(n + k - 1, k - 1);
  if (count > limit) {
    throw new OxidationStateError(
      `${symbol}: ${n} sites × ${k} possible oxidation states give ${count.toExponential(2)} combinations (limit ${limit}). ` +
        `Round the amounts (fewer sites) or restrict the states with oxiStatesOverride.`,
    );
  }
  // itertools.combinations_with_replacement(oxids, n) in lexicographic order of indices.
  const idx = new Int32Array(n); // all zeros
  for (;;) {
    let s = 0;
    let sc = 0;
    for (let i = 0; i < n; i++) {
      s += oxids[idx[i]!]!;
      sc += occ[idx[i]!]!;
    }
    const prev = score.get(s);
    if (prev === undefined) {
      sums.push(s);
      score.set(s, sc);
    } else if (sc > prev) {
      score.set(s, sc);
    }
    let i = n - 1;
    while (i >= 0 && idx[i] === k - 1) i--;
    if (i < 0) break;
    const v = idx[i]! + 1;
    for (let j = i; j < n; j++) idx[j] = v;
  }
  return { sums, score };
}

/**
 * Charge-balanced oxidation-state assignments, most probable first (see the module documentation for
 * the scoring). Returns an empty array when no assignment balances the charge.
 *
 * @param amounts element → amount pairs in the order of the formula
 * @example
 * ```ts
 * guessOxidationStates([["Fe", 3], ["O", 4]])[0].states; // { Fe: 2.6666666666666665, O: -2 }
 * ```
 */
export function guessOxidationStates(
  amounts: ReadonlyArray<readonly [string, number]>,
  options: OxidationGuessOptions = {},
): OxidationStateGuess[] {
  const target = options.targetCharge ?? 0;
  const limit = options.maxCombinations ?? 5_000_000;
  const ints = integerAmounts(amounts, options.maxDenominator ?? 10000);
  const per: ElementSums[] = ints.map(([sym, n]) => {
    const el = element(sym);
    const override = options.oxiStatesOverride?.[sym];
    const oxids =
      override && override.length
        ? override
        : options.allOxiStates
          ? el.oxidationStates
          : el.icsdOxidationStates.length
            ? el.icsdOxidationStates
            : el.oxidationStates;
    if (oxids.length === 0) return { sums: [], score: new Map() };
    return elementSums(sym, oxids, n, limit);
  });
  const m = per.length;
  let productSize = 1;
  for (const p of per) productSize *= Math.max(1, p.sums.length);
  if (productSize > limit * 20) {
    throw new OxidationStateError(
      `Too many oxidation-state combinations (${productSize.toExponential(2)}) for ${ints.map(([s, n]) => s + n).join("")}; ` +
        `round the amounts or restrict states with oxiStatesOverride.`,
    );
  }
  // min/max of the remaining elements' sums, for pruning (keeps the product order).
  const restMin = new Float64Array(m + 1);
  const restMax = new Float64Array(m + 1);
  for (let i = m - 1; i >= 0; i--) {
    const s = per[i]!.sums;
    restMin[i] = restMin[i + 1]! + (s.length ? Math.min(...s) : Infinity);
    restMax[i] = restMax[i + 1]! + (s.length ? Math.max(...s) : -Infinity);
  }
  const sols: { x: number[]; score: number; order: number }[] = [];
  const x: number[] = new Array(m).fill(0);
  const rec = (i: number, partial: number): void => {
    if (i === m) {
      if (partial === target) {
        let score = 0;
        for (let j = 0; j < m; j++) score += per[j]!.score.get(x[j]!)!;
        sols.push({ x: [...x], score, order: sols.length });
      }
      return;
    }
    const need = target - partial;
    if (need < restMin[i]! - 1e-9 || need > restMax[i]! + 1e-9) return;
    for (const s of per[i]!.sums) {
      x[i] = s;
      rec(i + 1, partial + s);
    }
  };
  if (m > 0 && per.every((p) => p.sums.length > 0)) rec(0, 0);
  sols.sort((a, b) => b.score - a.score || a.order - b.order);
  return sols.map((s) => {
    const states: Record<string, number> = {};
    ints.forEach(([sym, n], j) => {
      states[sym] = s.x[j]! / n;
    });
    return { states, score: s.score };
  });
}
