import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { GaussianProcessRegressor, setGpSimdEnabled, type GpKernelName } from "../../lib/src/models/gaussian-process";
import { GpPredictSimd } from "../../lib/src/models/gp-predict-simd";

// Both prediction paths are checked: WebAssembly SIMD (the default) and the JavaScript loops.
const PATHS = [["SIMD", true], ["JavaScript", false]] as const;
after(() => setGpSimdEnabled(true));

/** Deterministic scattered points in p dimensions (a scrambled lattice), scaled by `spread`. */
function points(n: number, p: number, seed: number, spread = 3): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: p }, (_, d) => (((i + 1) * (d + seed) * 0.6180339887 + d * 0.31) % 1) * spread));
}

/** k(r²) with σ² = 1; a = √ν'·√r² rounded as the library rounds it, so that comparisons test exp and not sqrt. */
function kernelValue(kind: GpKernelName, r2: number): number {
  if (kind === "rbf") return Math.exp(-0.5 * r2);
  const a = Math.sqrt(kind === "matern32" ? 3 : 5) * Math.sqrt(r2);
  return kind === "matern32" ? (1 + a) * Math.exp(-a) : (1 + a + (a * a) / 3) * Math.exp(-a);
}

/**
 * The textbook computation, O(n³) and nothing shared with the library: K from the kernel, K⁻¹ by Gauss–Jordan
 * elimination with partial pivoting, mean = k*ᵀK⁻¹y, variance = σ² − k*ᵀK⁻¹k* (Rasmussen & Williams eq. 2.25–2.26),
 * with normalizeY's scaling applied like scikit-learn.
 */
function naivePredict(kind: GpKernelName, X: number[][], y: number[], Xq: number[][], ls: number[], sv: number, nv: number, alpha: number, includeNoise: boolean): { mean: number[]; variance: number[] } {
  const n = X.length;
  const yMean = y.reduce((a, b) => a + b, 0) / n;
  const yStd = Math.sqrt(y.reduce((a, b) => a + (b - yMean) ** 2, 0) / n) || 1;
  const yn = y.map((v) => (v - yMean) / yStd);
  const k = (a: number[], b: number[]): number => sv * kernelValue(kind, a.reduce((s, v, d) => s + ((v - b[d]) / ls[d]) ** 2, 0));
  // [K | I] → [I | K⁻¹]
  const M = X.map((a, i) => [...X.map((b, j) => k(a, b) + (i === j ? nv + alpha : 0)), ...X.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    const d = M[c][c];
    for (let j = 0; j < 2 * n; j++) M[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c];
      for (let j = 0; j < 2 * n; j++) M[r][j] -= f * M[c][j];
    }
  }
  const Kinv = M.map((row) => row.slice(n));
  const mean: number[] = [];
  const variance: number[] = [];
  for (const q of Xq) {
    const ks = X.map((b) => k(q, b));
    const w = Kinv.map((row) => row.reduce((s, v, j) => s + v * ks[j], 0)); // K⁻¹k*
    mean.push(w.reduce((s, v, i) => s + v * yn[i], 0) * yStd + yMean);
    variance.push((sv - w.reduce((s, v, i) => s + v * ks[i], 0) + (includeNoise ? nv : 0)) * yStd * yStd);
  }
  return { mean, variance };
}

describe("GaussianProcessRegressor predictions (mean and predictive variance)", () => {
  test("mean and variance agree with a naive O(n³) reference to 1e-10 relative on both paths, for n and query counts around every block remainder, every kernel, with and without the noise term", () => {
    const kinds: GpKernelName[] = ["rbf", "matern32", "matern52"];
    let worstMean = 0;
    let worstVar = 0;
    for (const [path, simd] of PATHS) {
      setGpSimdEnabled(simd);
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 64, 101]) {
        const X = points(n, 3, 5);
        const y = X.map((r, i) => Math.sin(r[0]) + 0.3 * r[1] * r[2] + 0.01 * Math.cos(7 * i));
        for (const m of [1, 2, 3, 5, 64, 131]) {
          // new points, and (after them) the training points themselves, where the variance is smallest
          const Xq = [...points(m, 3, 11, 4), ...X.slice(0, Math.min(n, 7))];
          const kind = kinds[(n + m) % 3];
          const ls = [0.7, 1.3, 2.1], sv = 1.7, nv = 0.05, alpha = 1e-10;
          const includeNoise = m % 2 === 1;
          const gp = new GaussianProcessRegressor({ kernel: kind, optimize: false, lengthScale: ls, signalVariance: sv, noiseVariance: nv, alpha }).fit(X, y);
          const got = gp.predictWithStd(Xq, { includeNoise });
          const ref = naivePredict(kind, X, y, Xq, ls, sv, nv, alpha, includeNoise);
          for (let q = 0; q < Xq.length; q++) {
            const em = Math.abs(got.mean[q] - ref.mean[q]) / Math.max(Math.abs(ref.mean[q]), 1e-3);
            const ev = Math.abs(got.std[q] ** 2 - ref.variance[q]) / ref.variance[q];
            worstMean = Math.max(worstMean, em);
            worstVar = Math.max(worstVar, ev);
            assert.ok(em < 1e-10, `${path} ${kind} n=${n} m=${m} q=${q}: mean ${got.mean[q]} vs ${ref.mean[q]}`);
            assert.ok(ev < 1e-10, `${path} ${kind} n=${n} m=${m} q=${q}: variance ${got.std[q] ** 2} vs ${ref.variance[q]}`);
          }
        }
      }
    }
    // Measured: mean 5e-14, variance 7e-12 at worst (queries on training points, where the variance is smallest);
    // the 1e-10 bound per point leaves room for conditioning, not for a wrong formula.
    assert.ok(worstMean < 5e-13 && worstVar < 5e-11, `worst relative error: mean ${worstMean}, variance ${worstVar}`);
  });

  test("variance of one and two training points equals the closed form σ² − k*ᵀK⁻¹k* (2 × 2 inverse written out) on both paths", () => {
    const sv = 2, nv = 0.1, alpha = 1e-10, ls = 0.8;
    const k = (a: number, b: number): number => sv * Math.exp(-0.5 * ((a - b) / ls) ** 2);
    for (const [path, simd] of PATHS) {
      setGpSimdEnabled(simd);
      const one = new GaussianProcessRegressor({ kernel: "rbf", optimize: false, lengthScale: ls, signalVariance: sv, noiseVariance: nv, alpha, normalizeY: false }).fit([[0.3]], [1]);
      const two = new GaussianProcessRegressor({ kernel: "rbf", optimize: false, lengthScale: ls, signalVariance: sv, noiseVariance: nv, alpha, normalizeY: false }).fit([[0.3], [1.1]], [1, -1]);
      const d = sv + nv + alpha;
      const c = k(0.3, 1.1);
      const det = d * d - c * c;
      for (const x of [-2, 0, 0.3, 0.7, 1.1, 2.5]) {
        const k1 = k(x, 0.3), k2 = k(x, 1.1);
        const v1 = sv - (k1 * k1) / d;
        const v2 = sv - (d * k1 * k1 - 2 * c * k1 * k2 + d * k2 * k2) / det;
        const s1 = one.predictWithStd([[x]]).std[0] ** 2;
        const s2 = two.predictWithStd([[x]]).std[0] ** 2;
        assert.ok(Math.abs(s1 - v1) <= 1e-14 * sv, `${path} one point, x=${x}: ${s1} vs ${v1}`);
        assert.ok(Math.abs(s2 - v2) <= 1e-14 * sv, `${path} two points, x=${x}: ${s2} vs ${v2}`);
      }
    }
  });

  test("the two paths agree to rounding on a fitted model with learned ARD length scales (300 points, 8 features, 250 queries): mean within 1e-12 of Σ|kᵢαᵢ|, variance within 1e-12 σ²", () => {
    const X = points(300, 8, 3, 2);
    const y = X.map((r, i) => Math.sin(2 * r[0]) + r[1] * r[2] - 0.5 * r[3] + 0.1 * Math.cos(9 * r[4]) + 0.2 * Math.sin(37 * i));
    const gp = new GaussianProcessRegressor({ kernel: "matern52", nRestarts: 0, maxIterations: 15, seed: 0 }).fit(X, y);
    const Xq = points(250, 8, 7, 2.2);
    setGpSimdEnabled(true);
    const a = gp.predictWithStd(Xq);
    setGpSimdEnabled(false);
    const b = gp.predictWithStd(Xq);
    // The mean k*·α is a sum of terms of both signs far larger than itself (|α| reaches hundreds with a small
    // learned noise), so its rounding scales with Σ|kᵢαᵢ|, not with the mean.
    const s = gp.toJSON().state!;
    const { lengthScales: ls, signalVariance: sv, yStd } = s;
    for (let q = 0; q < Xq.length; q++) {
      let scale = 0;
      for (let i = 0; i < X.length; i++) scale += Math.abs(sv * kernelValue("matern52", X[i].reduce((acc, v, d) => acc + ((v - Xq[q][d]) / ls[d]) ** 2, 0)) * s.alphaVec[i]);
      assert.ok(Math.abs(a.mean[q] - b.mean[q]) <= 1e-12 * scale * yStd, `mean[${q}] ${a.mean[q]} vs ${b.mean[q]} (Σ|kα| ${scale})`);
      assert.ok(Math.abs(a.std[q] ** 2 - b.std[q] ** 2) <= 1e-12 * sv * yStd * yStd, `variance[${q}] ${a.std[q] ** 2} vs ${b.std[q] ** 2}`);
    }
  });

  test("the variance never goes negative or NaN: duplicated training rows without noise (jitter) and queries on them give std ≥ 0, finite", () => {
    const X = [[0], [0], [1], [1], [1], [2.5]];
    const y = [1, 1, 2, 2, 2, 0];
    for (const [path, simd] of PATHS) {
      setGpSimdEnabled(simd);
      for (const kernel of ["rbf", "matern32", "matern52"] as const) {
        const gp = new GaussianProcessRegressor({ kernel, optimize: false, learnNoise: false, noiseVariance: 0, alpha: 0 }).fit(X, y);
        const { mean, std } = gp.predictWithStd([...X, [0.5], [40]]);
        for (let q = 0; q < std.length; q++) assert.ok(std[q] >= 0 && Number.isFinite(std[q]) && Number.isFinite(mean[q]), `${path} ${kernel}: std[${q}] = ${std[q]}`);
      }
    }
  });

  test("far from the data the kernel underflows to exactly 0: std is the prior's and the mean is the mean of y, for distances whose exp(−r) is below 1e-308", () => {
    const X = [[0, 0], [1, 0.5], [0.2, 1]];
    const y = [3, 4, 5];
    for (const [path, simd] of PATHS) {
      setGpSimdEnabled(simd);
      const gp = new GaussianProcessRegressor({ kernel: "matern52", optimize: false, lengthScale: [0.5, 0.5], signalVariance: 1.5, noiseVariance: 0.01 }).fit(X, y);
      const yStd = Math.sqrt(2 / 3);
      for (const far of [500, 1e4, 1e200]) {
        const p = gp.predictWithStd([[far, -far]]);
        assert.equal(p.mean[0], 4, `${path} at ${far}`);
        assert.ok(Math.abs(p.std[0] - Math.sqrt(1.5) * yStd) < 1e-15, `${path} at ${far}: std ${p.std[0]}`);
      }
    }
  });

  test("SIMD kernel values (exp by range reduction and a degree-13 polynomial) agree with Math.exp to 4 ulp over r² in [0, 2000]", (t) => {
    for (const kind of ["rbf", "matern32", "matern52"] as const) {
      // one training point at the origin with α = 1: the "mean" is the kernel value itself
      const engine = GpPredictSimd.create(kind, Float64Array.of(0), 1, 1, [1], 1, Float64Array.of(1));
      if (!engine) return t.skip("no WebAssembly SIMD in this runtime");
      const r = Float64Array.from({ length: 4001 }, (_, i) => Math.sqrt(i * 0.5) * (i % 2 ? 1 : -1));
      const mean = new Float64Array(r.length);
      engine.predict(r, r.length, mean, null, null);
      for (let i = 0; i < r.length; i++) {
        const want = kernelValue(kind, r[i] * r[i]);
        const expected = want < 2 ** -500 ? 0 : want;
        assert.ok(Math.abs(mean[i] - expected) <= 4 * Number.EPSILON * expected, `${kind} r²=${r[i] * r[i]}: ${mean[i]} vs ${expected}`);
      }
    }
  });

  test("refitting (or restoring from JSON) predicts with the new state, not a cached one", () => {
    const gp = new GaussianProcessRegressor({ optimize: false });
    gp.fit([[0], [1], [2]], [0, 1, 0]);
    const before = gp.predictWithStd([[0.5], [1.5]]);
    gp.fit([[0], [1], [2], [3]], [5, 4, 3, 2]);
    const after = gp.predictWithStd([[0.5], [1.5]]);
    const fresh = new GaussianProcessRegressor({ optimize: false }).fit([[0], [1], [2], [3]], [5, 4, 3, 2]).predictWithStd([[0.5], [1.5]]);
    assert.notDeepEqual(Array.from(before.mean), Array.from(after.mean));
    assert.deepEqual(Array.from(after.mean), Array.from(fresh.mean));
    assert.deepEqual(Array.from(after.std), Array.from(fresh.std));
    const restored = GaussianProcessRegressor.fromJSON(JSON.stringify(gp.toJSON())).predictWithStd([[0.5], [1.5]]);
    assert.deepEqual(Array.from(restored.std), Array.from(fresh.std));
  });
});
