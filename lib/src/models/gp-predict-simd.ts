/**
 * The Gaussian process's prediction at many query points in WebAssembly SIMD (two doubles per instruction):
 * kernel rows k* between query and training points with the mean k*·α, and the variance term |L⁻¹k*|² by a
 * blocked forward substitution on many right-hand sides (TRSM). The readable JavaScript twin of the same
 * computation is GaussianProcessRegressor's fallback path (gaussian-process.ts, forwardSubstituteRows in
 * dense-spd.ts); tests compare the two and a naive O(n³) reference.
 *
 * Where the time went in JavaScript (n = 500 training and 500 query points, Matérn 5/2 ARD, 8 features,
 * ~52 ms): the substitution ~78 % (62.5 M multiply-adds at ~1.4 per ns), r² over the features ~14 %, exp and
 * sqrt ~7 % (Math.exp ~12 ns a call). scikit-learn spends ~4 ms on the substitution (OpenBLAS dtrsm, AVX2 FMA:
 * 4 multiply-adds per instruction) and ~4 ms on the kernel (numpy). Here (~9.5 ms): the substitution runs at
 * ~8 multiply-adds per ns (~7.5 ms, ~80 %; WebAssembly has 2-lane vectors and no FMA, so a multiply-add is two
 * instructions on two of the four FP pipes: this is ~65 % of that ceiling, half of OpenBLAS's), the kernel
 * rows at ~7.6 ns per value (~1.9 ms, ~20 %: r² 1.6 ns, exp ~4 ns, sqrt ~1.5 ns).
 *
 * Layouts (all in one WebAssembly memory per fitted model, byte offsets 16-aligned):
 * - training points are padded to nr = 4⌈n/4⌉ (a multiple of the 4-row panels); padded points sit at the
 *   origin with α = 0 (no share in the mean) and a reciprocal diagonal of 0 in L (their v is 0 whatever
 *   their kernel value), and come last, so no solved v depends on them;
 * - `xt`: training coordinates divided by the length scales, by groups of four points: for group g and
 *   feature d, the four points' values side by side (two v128), so r² is computed for four at once;
 * - `kp`: kernel rows of a block of queries, by pairs of queries and pairs of training points: for query pair
 *   Q and training pair t, [k(q₀, 2t), k(q₀, 2t+1), k(q₁, 2t), k(q₁, 2t+1)]; the substitution overwrites
 *   them with v = L⁻¹k;
 * - `lp`: L in panels of 4 rows. Panel P (rows 4P..4P+3) holds, for each pair of columns i < 4P, the four
 *   rows' entries side by side (8 doubles), then its 4 × 4 diagonal block (l₁₀ l₂₀ l₂₁ l₃₀ l₃₁ l₃₂ and the
 *   reciprocals 1/d₀ … 1/d₃, padded to 12). So the inner loop of the substitution reads two pointers at
 *   constant offsets.
 * @internal
 */
import { F64, I32, Locals, V128, assembleModule, op, type Code } from "./wasm-simd";

/** Kernel families, as in gaussian-process.ts. */
export type SimdKernelName = "rbf" | "matern32" | "matern52";

const TINY = 2 ** -500;
const SQRT3 = Math.sqrt(3);
const SQRT5 = Math.sqrt(5);
/** 1.5·2⁵²: adding it rounds |x| < 2⁵¹ to an integer held in the low mantissa bits. */
const ROUND_MAGIC = 6755399441055744;
/** ln 2 split so that k·LN2_HI is exact for |k| < 2²¹ (fdlibm's constants). */
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;

/**
 * Code computing exp(x) for both lanes of the v128 in local `x` (−708 ≤ x ≤ 0), leaving the result on the
 * stack; locals `<x>t`, `<x>k`, `<x>r`, `<x>2`, `<x>4` are scratch (one set per independent evaluation, so the
 * caller can interleave several). Math: x = k ln 2 + r with |r| ≤ ln 2 / 2, exp(r) by its Taylor polynomial to
 * degree 13 (truncation < 5e-18 relative), 2ᵏ built in the exponent bits. Measured against Math.exp: ≤ 2 ulp.
 * Below −708 (or NaN) the result is garbage: kernelCode masks those lanes.
 *
 * The polynomial is evaluated by Estrin's scheme (pairs, then r², r⁴, r⁸) rather than Horner's: Horner is a
 * chain of 26 dependent operations (~78 cycles). With Horner and two exps per step the kernel rows took 12 ns
 * per value at 500 × 500 (Matérn 5/2, 8 features), with Estrin and four per step 8.8 ns.
 */
function expCode(L: Locals, x: string): Code {
  const [t, k, r, r2, r4] = ["t", "k", "r", "2", "4"].map((s) => x + s);
  const c: Code[] = [];
  const v = (a: number): Code => op.f64x2Const(a);
  // t = x·log₂e + 1.5·2⁵²: the integer k = round(x/ln 2) sits in its low mantissa bits; k as a double.
  const xc = L.get(x);
  c.push(xc, v(Math.LOG2E), op.f64x2Mul, v(ROUND_MAGIC), op.f64x2Add, L.tee(t), v(ROUND_MAGIC), op.f64x2Sub, L.set(k));
  // r = (x − k·ln2_hi) − k·ln2_lo, exact in its first step.
  c.push(xc, L.get(k), v(LN2_HI), op.f64x2Mul, op.f64x2Sub, L.get(k), v(LN2_LO), op.f64x2Mul, op.f64x2Sub, L.tee(r));
  c.push(L.get(r), op.f64x2Mul, L.tee(r2), L.get(r2), op.f64x2Mul, L.set(r4));
  const coef: number[] = [1];
  for (let j = 1; j <= 13; j++) coef.push(coef[j - 1] / j);
  // (c_j + c_{j+1} r) for j = 0, 2, …, 12
  const pair = (j: number): Code => [L.get(r), v(coef[j + 1]), op.f64x2Mul, v(coef[j]), op.f64x2Add];
  const plus = (a: Code, b: Code, pow: string): Code => [a, b, L.get(pow), op.f64x2Mul, op.f64x2Add];
  const q0 = plus(pair(0), pair(2), r2), q1 = plus(pair(4), pair(6), r2), q2 = plus(pair(8), pair(10), r2);
  const s1 = plus(q2, pair(12), r4); // q3 = pair(12) alone (no c14): q2 + q3·r⁴
  c.push(plus(q0, q1, r4), s1, L.get(r4), L.get(r4), op.f64x2Mul, op.f64x2Mul, op.f64x2Add);
  // 2ᵏ: the bits of t shifted left by 52 are k·2⁵² (the magic's own bits shift out), plus the bits of 1.0.
  c.push(L.get(t), op.i32Const(52), op.i64x2Shl, op.i64x2ConstBits(0x3ff00000, 0), op.i64x2Add, op.f64x2Mul);
  return c;
}

/** Declares the scratch locals of kernelCode/expCode for one evaluation whose argument local is `x`. */
function addKernelScratch(L: Locals, x: string): void {
  for (const s of ["", "t", "k", "r", "2", "4", "a"]) L.add(x + s, V128);
}

/**
 * Code leaving σ²·k(r²) for the v128 of r² in local `r2` on the stack, entries below 2⁻⁵⁰⁰ as 0 (as
 * dense-spd.ts stores them: products of two kept values stay normal). Scratch: local `x` and its
 * addKernelScratch set.
 */
function kernelCode(L: Locals, kind: SimdKernelName, r2: string, x: string): Code {
  const c: Code[] = [];
  const a = x + "a";
  if (kind === "rbf") {
    c.push(L.get(r2), op.f64x2Const(-0.5), op.f64x2Mul, L.set(x), expCode(L, x));
  } else {
    const s = kind === "matern32" ? SQRT3 : SQRT5;
    c.push(L.get(r2), op.f64x2Sqrt, op.f64x2Const(s), op.f64x2Mul, L.tee(a));
    c.push(op.f64x2Const(-1), op.f64x2Mul, L.set(x));
    // (1 + a) or (1 + a + a²/3) = 1 + a(1 + a/3)
    if (kind === "matern32") c.push(L.get(a), op.f64x2Const(1), op.f64x2Add);
    else c.push(L.get(a), op.f64x2Const(1 / 3), op.f64x2Mul, op.f64x2Const(1), op.f64x2Add, L.get(a), op.f64x2Mul, op.f64x2Const(1), op.f64x2Add);
    c.push(expCode(L, x), op.f64x2Mul);
  }
  // σ²·k, then 0 where exp's argument is below −708 (true value subnormal; there r² may be ∞, making (1 + a)·e⁻ᵃ
  // ∞·0 = NaN) and where the value is below 2⁻⁵⁰⁰: v128.andnot clears every bit of those lanes, NaN included.
  c.push(L.get("sv"), op.f64x2Splat, op.f64x2Mul, L.get(x), op.f64x2Const(-708), op.f64x2Lt, op.v128AndNot);
  c.push(L.tee(a), L.get(a), op.f64x2Const(TINY), op.f64x2Lt, op.v128AndNot);
  return c;
}

/**
 * kernelRows_<kind>(xq, xt, alpha, kp, mean, nqPairs, nQuads, p, sv): for each pair of query rows
 * (coordinates already divided by the length scales, row-major at xq): first r² against every training
 * point into kp, four training points per step (each query coordinate loaded feeds four differences); then,
 * in place, σ²k(r²) and the mean k·α of each query into mean (f64 per query).
 *
 * Why two passes: with exp in the same loop as the sums over features, each step waited on its own chain
 * of ~50 dependent operations; in a separate loop whose steps are independent, the processor overlaps
 * consecutive steps (measured at 500 × 500, Matérn 5/2, 8 features: 2.2 → 1.9 ms).
 */
function kernelRowsFunction(kind: SimdKernelName): { name: string; locals: Locals; body: Code } {
  const L = new Locals([["xq", I32], ["xt", I32], ["alpha", I32], ["kp", I32], ["mean", I32], ["nqPairs", I32], ["nQuads", I32], ["p", I32], ["sv", F64]]);
  for (const n of ["Q", "qa", "qb", "g", "xtp", "dq", "dEnd", "kpp", "krow", "kend", "ap"]) L.add(n, I32);
  const tiles: [number, number][] = [[0, 0], [0, 1], [1, 0], [1, 1]];
  for (const [a, h] of tiles) L.add(`r${a}${h}`, V128);
  for (const a of [0, 1]) addKernelScratch(L, `x${a}`);
  for (const n of ["xv0", "xv1", "qv", "u", "k0", "k1", "acc0", "acc1"]) L.add(n, V128);
  const zero = op.f64x2Const(0);
  // r_ah += (q_a − x_h)² for query a of the pair and training pair h of the group of four
  const sq = (a: number, h: number): Code => [L.get("qv"), L.get(`xv${h}`), op.f64x2Sub, L.tee("u"), L.get("u"), op.f64x2Mul, L.get(`r${a}${h}`), op.f64x2Add, L.set(`r${a}${h}`)];
  const squaredDistances: Code = [
    L.get("xt"), L.set("xtp"),
    L.get("krow"), L.set("kpp"),
    op.i32Const(0), L.set("g"),
    op.loop(
      tiles.map(([a, h]) => [zero, L.set(`r${a}${h}`)]),
      op.i32Const(0), L.set("dq"),
      op.loop(
        L.get("xtp"), op.v128Load(0), L.set("xv0"),
        L.get("xtp"), op.v128Load(16), L.set("xv1"),
        L.get("qa"), L.get("dq"), op.i32Add, op.v128Load64Splat(), L.set("qv"), sq(0, 0), sq(0, 1),
        L.get("qb"), L.get("dq"), op.i32Add, op.v128Load64Splat(), L.set("qv"), sq(1, 0), sq(1, 1),
        L.get("xtp"), op.i32Const(32), op.i32Add, L.set("xtp"),
        L.get("dq"), op.i32Const(8), op.i32Add, L.tee("dq"), L.get("dEnd"), op.i32LtU, op.brIf(0),
      ),
      // kp holds, per training pair, [pair vs q0, pair vs q1]
      tiles.map(([a, h]) => [L.get("kpp"), L.get(`r${a}${h}`), op.v128Store(32 * h + 16 * a)]),
      L.get("kpp"), op.i32Const(64), op.i32Add, L.set("kpp"),
      L.get("g"), op.i32Const(1), op.i32Add, L.tee("g"), L.get("nQuads"), op.i32LtU, op.brIf(0),
    ),
  ];
  const kernelInPlace: Code = [
    L.get("krow"), L.set("kpp"),
    L.get("alpha"), L.set("ap"),
    zero, L.set("acc0"), zero, L.set("acc1"),
    op.loop(
      [0, 1].map((a) => [L.get("kpp"), op.v128Load(16 * a), L.set(`r${a}0`), L.get("kpp"), kernelCode(L, kind, `r${a}0`, `x${a}`), L.tee(`k${a}`), op.v128Store(16 * a)]),
      L.get("ap"), op.v128Load(), L.tee("u"), L.get("k0"), op.f64x2Mul, L.get("acc0"), op.f64x2Add, L.set("acc0"),
      L.get("u"), L.get("k1"), op.f64x2Mul, L.get("acc1"), op.f64x2Add, L.set("acc1"),
      L.get("ap"), op.i32Const(16), op.i32Add, L.set("ap"),
      L.get("kpp"), op.i32Const(32), op.i32Add, L.tee("kpp"), L.get("kend"), op.i32LtU, op.brIf(0),
    ),
  ];
  const body: Code[] = [
    L.get("p"), op.i32Const(8), op.i32Mul, L.set("dEnd"),
    L.get("kp"), L.set("krow"),
    op.i32Const(0), L.set("Q"),
    op.loop(
      // qa, qb: the pair's two query rows; krow..kend: the pair's kernel values (64 bytes per group of four)
      L.get("xq"), L.get("Q"), L.get("dEnd"), op.i32Mul, op.i32Const(2), op.i32Mul, op.i32Add, L.tee("qa"), L.get("dEnd"), op.i32Add, L.set("qb"),
      L.get("krow"), L.get("nQuads"), op.i32Const(64), op.i32Mul, op.i32Add, L.set("kend"),
      squaredDistances,
      kernelInPlace,
      L.get("mean"), L.get("Q"), op.i32Const(16), op.i32Mul, op.i32Add,
      L.get("acc0"), op.f64x2ExtractLane(0), L.get("acc0"), op.f64x2ExtractLane(1), op.f64Add, op.f64Store(0),
      L.get("mean"), L.get("Q"), op.i32Const(16), op.i32Mul, op.i32Add,
      L.get("acc1"), op.f64x2ExtractLane(0), L.get("acc1"), op.f64x2ExtractLane(1), op.f64Add, op.f64Store(8),
      L.get("kend"), L.set("krow"),
      L.get("Q"), op.i32Const(1), op.i32Add, L.tee("Q"), L.get("nqPairs"), op.i32LtU, op.brIf(0),
    ),
  ];
  return { name: `kernelRows_${kind}`, locals: L, body };
}

/**
 * solveRows(kp, lp, ss, ntPairs, nPanels, nqPairs): forward substitution L v = k for every query row of the
 * block in kp (overwritten by v), adding Σ v² of each query to ss (f64 per query, zeroed by the caller).
 * Panel by panel (4 rows of L), each pair of queries: the dot products of the panel's rows with the part of
 * v already solved (columns < 4P) as a 2 × 4 block of v128 sums (one load of L feeds two queries, one load
 * of v feeds four rows), then the 4 × 4 triangular solve for both queries at once (one query per lane),
 * v below 2⁻⁵⁰⁰ stored as 0. Dividing by d is a multiplication by the stored 1/d (1 ulp, and no 13-cycle
 * division in the chain z₀ → z₁ → z₂ → z₃).
 */
function solveRowsFunction(): { name: string; locals: Locals; body: Code } {
  const L = new Locals([["kp", I32], ["lp", I32], ["ss", I32], ["ntPairs", I32], ["nPanels", I32], ["nqPairs", I32]]);
  for (const n of ["P", "Q", "lpan", "ldiag", "kq", "ki", "li", "kend", "rowBytes", "sp"]) L.add(n, I32);
  const acc = (a: number, b: number): string => `acc${a}${b}`;
  for (let a = 0; a < 2; a++) for (let b = 0; b < 4; b++) L.add(acc(a, b), V128);
  const diag = ["l10", "l20", "l21", "l30", "l31", "l32", "r0", "r1", "r2", "r3"];
  for (const n of ["k0", "k1", "lv", "z0", "z1", "z2", "z3", ...diag]) L.add(n, V128);
  const zero = op.f64x2Const(0);
  // Row b of both queries: [Σ acc0b, Σ acc1b] from the two lanes of each, and k = [k(q₀), k(q₁)] at row 4P + b,
  // picked from the pair layout ([q₀: rows 4P, 4P+1][q₁: …] then [q₀: rows 4P+2, 4P+3][q₁: …]).
  const sums = (b: number): Code => [L.get(acc(0, b)), L.get(acc(1, b)), op.f64x2Interleave(0), L.get(acc(0, b)), L.get(acc(1, b)), op.f64x2Interleave(1), op.f64x2Add];
  const kRow = (b: number): Code => [L.get("kend"), op.v128Load(b < 2 ? 0 : 32), L.get("kend"), op.v128Load(b < 2 ? 16 : 48), op.f64x2Interleave((b % 2) as 0 | 1)];
  // z = ((k − s) − Σ l·z_c) · (1/d), then 0 where |z| < 2⁻⁵⁰⁰
  const solveRow = (b: number, terms: [string, string][]): Code => [
    kRow(b), sums(b), op.f64x2Sub,
    terms.map(([l, z]) => [L.get(l), L.get(z), op.f64x2Mul, op.f64x2Sub]),
    L.get(`r${b}`), op.f64x2Mul, L.tee(`z${b}`), L.get(`z${b}`), op.f64x2Abs, op.f64x2Const(TINY), op.f64x2Lt, op.v128AndNot, L.set(`z${b}`),
  ];
  const store = (offset: number, zLo: string, zHi: string, lane: 0 | 1): Code => [L.get("kend"), L.get(zLo), L.get(zHi), op.f64x2Interleave(lane), op.v128Store(offset)];
  const square = (z: string): Code => [L.get(z), L.get(z), op.f64x2Mul];
  const diagonalBlock: Code = [
    // splat per pair from L1 rather than once per panel: kept across the inner loop, these ten values would
    // compete with its eight sums for the 16 vector registers
    diag.map((nm, k) => [L.get("ldiag"), op.v128Load64Splat(8 * k), L.set(nm)]),
    solveRow(0, []),
    solveRow(1, [["l10", "z0"]]),
    solveRow(2, [["l20", "z0"], ["l21", "z1"]]),
    solveRow(3, [["l30", "z0"], ["l31", "z1"], ["l32", "z2"]]),
    store(0, "z0", "z1", 0), store(16, "z0", "z1", 1), store(32, "z2", "z3", 0), store(48, "z2", "z3", 1),
    L.get("sp"), L.get("sp"), op.v128Load(), square("z0"), op.f64x2Add, square("z1"), op.f64x2Add, square("z2"), op.f64x2Add, square("z3"), op.f64x2Add, op.v128Store(),
  ];
  const inner: Code[] = [
    L.get("ki"), op.v128Load(0), L.set("k0"),
    L.get("ki"), op.v128Load(16), L.set("k1"),
  ];
  for (let b = 0; b < 4; b++) {
    inner.push(L.get("li"), op.v128Load(16 * b), L.set("lv"));
    for (let a = 0; a < 2; a++) inner.push(L.get(acc(a, b)), L.get(`k${a}`), L.get("lv"), op.f64x2Mul, op.f64x2Add, L.set(acc(a, b)));
  }
  inner.push(L.get("li"), op.i32Const(64), op.i32Add, L.set("li"));
  inner.push(L.get("ki"), op.i32Const(32), op.i32Add, L.tee("ki"), L.get("kend"), op.i32LtU, op.brIf(0));
  const resetAcc: Code[] = [];
  for (let a = 0; a < 2; a++) for (let b = 0; b < 4; b++) resetAcc.push(zero, L.set(acc(a, b)));
  const body: Code[] = [
    L.get("ntPairs"), op.i32Const(32), op.i32Mul, L.set("rowBytes"),
    L.get("lp"), L.set("lpan"),
    op.i32Const(0), L.set("P"),
    op.loop(
      // the diagonal block follows the panel's 2P column pairs × 64 bytes
      L.get("lpan"), L.get("P"), op.i32Const(128), op.i32Mul, op.i32Add, L.set("ldiag"),
      op.i32Const(0), L.set("Q"),
      L.get("kp"), L.set("kq"),
      L.get("ss"), L.set("sp"),
      op.loop(
        resetAcc,
        L.get("kq"), L.tee("ki"), L.get("P"), op.i32Const(64), op.i32Mul, op.i32Add, L.set("kend"),
        L.get("lpan"), L.set("li"),
        // panel 0 has no columns before its diagonal block: skip the loop
        op.block(L.get("P"), op.i32Eqz, op.brIf(0), op.loop(inner)),
        diagonalBlock,
        L.get("kq"), L.get("rowBytes"), op.i32Add, L.set("kq"),
        L.get("sp"), op.i32Const(16), op.i32Add, L.set("sp"),
        L.get("Q"), op.i32Const(1), op.i32Add, L.tee("Q"), L.get("nqPairs"), op.i32LtU, op.brIf(0),
      ),
      L.get("ldiag"), op.i32Const(96), op.i32Add, L.set("lpan"),
      L.get("P"), op.i32Const(1), op.i32Add, L.tee("P"), L.get("nPanels"), op.i32LtU, op.brIf(0),
    ),
  ];
  return { name: "solveRows", locals: L, body };
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module (once per process), or null when this runtime has no WebAssembly SIMD. */
function simdModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = assembleModule([kernelRowsFunction("rbf"), kernelRowsFunction("matern32"), kernelRowsFunction("matern52"), solveRowsFunction()]);
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null; // no WebAssembly or no SIMD (validation fails): the JavaScript path is used
  }
  return compiled;
}

const PAGE = 65536;

/** Rounds a byte count up to a multiple of 16. */
const align16 = (b: number): number => Math.ceil(b / 16) * 16;

/** Query rows per block: the block's kernel rows (QB·nr doubles) within 256 KB, so they stay in L2. */
function queryBlock(nr: number): number {
  return Math.max(2, Math.min(128, Math.floor(32768 / nr) & ~1));
}

type KernelFn = (xq: number, xt: number, alpha: number, kp: number, mean: number, nqPairs: number, nQuads: number, p: number, sv: number) => void;
type SolveFn = (kp: number, lp: number, ss: number, ntPairs: number, nPanels: number, nqPairs: number) => void;

/**
 * A fitted GP's training data laid out in WebAssembly memory, predicting blocks of query points. Created
 * once per fitted model (see {@link GpPredictSimd.create}); L is copied in on the first call that needs the
 * variance. No allocation per call.
 * @internal
 */
export class GpPredictSimd {
  private readonly memory: WebAssembly.Memory;
  private f64: Float64Array;
  private readonly kernelRows: KernelFn;
  private readonly solveRows: SolveFn;
  private readonly nr: number;
  private readonly qb: number;
  private readonly at: { xt: number; alpha: number; xq: number; kp: number; mean: number; ss: number; lp: number };
  private factorLoaded = false;

  private constructor(
    module: WebAssembly.Module,
    kind: SimdKernelName,
    private readonly n: number,
    private readonly p: number,
    private readonly invLengthScales: Float64Array,
    private readonly signalVariance: number,
    X: Float64Array,
    alpha: Float64Array,
  ) {
    const nr = 4 * Math.ceil(n / 4);
    const nt = nr / 2;
    const qb = queryBlock(nr);
    this.nr = nr;
    this.qb = qb;
    let top = 0;
    const take = (bytes: number): number => {
      const o = top;
      top += align16(bytes);
      return o;
    };
    this.at = {
      xt: take(nt * p * 16), alpha: take(nt * 16),
      xq: take(qb * p * 8), kp: take(qb * nr * 8), mean: take(qb * 8), ss: take(qb * 8), lp: 0,
    };
    this.at.lp = top;
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(top / PAGE)) });
    const inst = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.kernelRows = inst.exports[`kernelRows_${kind}`] as unknown as KernelFn;
    this.solveRows = inst.exports.solveRows as unknown as SolveFn;
    this.f64 = new Float64Array(this.memory.buffer);
    const F = this.f64;
    const xt = this.at.xt / 8, al = this.at.alpha / 8;
    for (let i = 0; i < n; i++) {
      const g = i >> 2, h = i & 3;
      for (let d = 0; d < p; d++) F[xt + (g * p + d) * 4 + h] = X[i * p + d] * invLengthScales[d];
      F[al + i] = alpha[i];
    }
  }

  /**
   * The SIMD predictor of a fitted GP, or null when WebAssembly SIMD is unavailable.
   * @param X training inputs, row-major n × p; alpha = K⁻¹y (normalised y).
   */
  static create(kind: SimdKernelName, X: Float64Array, n: number, p: number, lengthScales: readonly number[], signalVariance: number, alpha: Float64Array): GpPredictSimd | null {
    const module = simdModule();
    if (!module) return null;
    try {
      return new GpPredictSimd(module, kind, n, p, Float64Array.from(lengthScales, (l) => 1 / l), signalVariance, X, alpha);
    } catch (err) {
      if (err instanceof RangeError) return null; // the memory could not be allocated: the JavaScript path needs less
      throw err;
    }
  }

  /** Copies the lower Cholesky factor (row-major n × n) into the panel layout, growing the memory once. */
  private loadFactor(L: Float64Array): void {
    const n = this.n, nr = this.nr, nPanels = nr / 4;
    const doubles = 8 * nPanels * (nPanels - 1) + 12 * nPanels;
    const need = this.at.lp + doubles * 8;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    this.f64 = new Float64Array(this.memory.buffer); // growing detaches the old view
    const F = this.f64;
    const entry = (j: number, i: number): number => (j < n && i < n ? L[j * n + i] : 0);
    let o = this.at.lp / 8;
    for (let P = 0; P < nPanels; P++) {
      for (let t = 0; t < 2 * P; t++) for (let b = 0; b < 4; b++) for (let h = 0; h < 2; h++) F[o++] = entry(4 * P + b, 2 * t + h);
      const r = 4 * P;
      F[o++] = entry(r + 1, r); F[o++] = entry(r + 2, r); F[o++] = entry(r + 2, r + 1);
      F[o++] = entry(r + 3, r); F[o++] = entry(r + 3, r + 1); F[o++] = entry(r + 3, r + 2);
      // reciprocal diagonal; 0 for padded rows, which makes their v exactly 0 whatever their kernel value
      for (let b = 0; b < 4; b++) F[o++] = r + b < n ? 1 / L[(r + b) * n + r + b] : 0;
      o += 2;
    }
    this.factorLoaded = true;
  }

  /**
   * For the m query rows of Xq (row-major m × p): mean[q] = k*·α, and with `sumSq` also sumSq[q] = |L⁻¹k*|²
   * (then `L`, the lower Cholesky factor, is needed on the first such call). Throws a RangeError when the
   * memory for L (n²/2 doubles) cannot be grown.
   */
  predict(Xq: Float64Array, m: number, mean: Float64Array, sumSq: Float64Array | null, L: Float64Array | null): void {
    if (sumSq && !this.factorLoaded) {
      if (!L) throw new Error("GpPredictSimd: the Cholesky factor is needed for the variance");
      this.loadFactor(L);
    }
    const F = this.f64, p = this.p, at = this.at, w = this.invLengthScales;
    const nt = this.nr / 2, nPanels = this.nr / 4;
    const xq = at.xq / 8, meanAt = at.mean / 8, ssAt = at.ss / 8;
    for (let q0 = 0; q0 < m; q0 += this.qb) {
      const mb = Math.min(this.qb, m - q0);
      const pairs = (mb + 1) >> 1;
      for (let j = 0; j < mb; j++) for (let d = 0; d < p; d++) F[xq + j * p + d] = Xq[(q0 + j) * p + d] * w[d];
      // an odd block repeats its last row (its results are not read)
      if (mb & 1) for (let d = 0; d < p; d++) F[xq + mb * p + d] = F[xq + (mb - 1) * p + d];
      this.kernelRows(at.xq, at.xt, at.alpha, at.kp, at.mean, pairs, nt / 2, p, this.signalVariance);
      for (let j = 0; j < mb; j++) mean[q0 + j] = F[meanAt + j];
      if (!sumSq) continue;
      F.fill(0, ssAt, ssAt + 2 * pairs);
      this.solveRows(at.kp, at.lp, at.ss, nt, nPanels, pairs);
      for (let j = 0; j < mb; j++) sumSq[q0 + j] = F[ssAt + j];
    }
  }
}
