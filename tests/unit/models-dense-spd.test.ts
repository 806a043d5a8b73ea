import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
  backSubstituteTransposed,
  choleskyInPlace,
  forwardSubstitute,
  forwardSubstituteRows,
  inverseFromTransposedFactorInverse,
  invertCholeskyFactorTransposed,
} from "../../lib/src/models/dense-spd";
import { Rng } from "../../lib/src/models/random";

/** A random SPD matrix B Bᵀ / n + 0.1 I (full, row-major) with a condition number in the hundreds. */
function spd(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const B = Float64Array.from({ length: n * n }, () => rng.nextFloat() - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = s / n + (i === j ? 0.1 : 0);
    }
  }
  return A;
}

// Sizes around the 4-row and 2-column blocks (every remainder) and one larger odd size.
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 64, 101];

describe("dense SPD linear algebra (blocked Cholesky, inverse factor, inverse)", () => {
  test("Cholesky: L Lᵀ reproduces A to 1e-13 for every size around the block widths; the strict upper part is left as it was", () => {
    for (const n of SIZES) {
      const A = spd(n, n);
      const L = Float64Array.from(A);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) L[i * n + j] = 7; // sentinel
      assert.ok(choleskyInPlace(L, n), `n=${n}`);
      let err = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += L[i * n + k] * L[j * n + k];
          err = Math.max(err, Math.abs(s - A[i * n + j]));
        }
        for (let j = i + 1; j < n; j++) assert.equal(L[i * n + j], 7, `n=${n}: upper entry (${i}, ${j}) was written`);
      }
      assert.ok(err < 1e-13, `n=${n}: max |LLᵀ − A| = ${err}`);
    }
  });

  test("Cholesky reports a matrix that is not positive definite (negative or NaN pivot) instead of producing NaN", () => {
    for (const n of [3, 9, 101]) {
      const A = spd(n, 1);
      A[(n - 1) * n + (n - 1)] = -1;
      assert.equal(choleskyInPlace(Float64Array.from(A), n), false, `n=${n}`);
      A[(n - 1) * n + (n - 1)] = Number.NaN;
      assert.equal(choleskyInPlace(Float64Array.from(A), n), false, `n=${n} NaN`);
    }
  });

  test("U = L⁻ᵀ and then A⁻¹ = U Uᵀ: A · A⁻¹ = I to 1e-11, and substitution solves agree with A⁻¹ b", () => {
    for (const n of SIZES) {
      const A = spd(n, 100 + n);
      const L = Float64Array.from(A);
      assert.ok(choleskyInPlace(L, n));
      const U = new Float64Array(n * n); // strict lower part zero, as required
      invertCholeskyFactorTransposed(L, n, U);
      // L Uᵀ = I (lower triangular product)
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = j; k <= i; k++) s += L[i * n + k] * U[j * n + k];
          assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12, `n=${n}: (L Uᵀ)[${i}][${j}] = ${s}`);
        }
      }
      const C = Float64Array.from(L); // the inverse may overwrite the array that held L
      inverseFromTransposedFactorInverse(U, n, C);
      const inv = (i: number, j: number): number => (i >= j ? C[i * n + j] : C[j * n + i]);
      let err = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += A[i * n + k] * inv(k, j);
          err = Math.max(err, Math.abs(s - (i === j ? 1 : 0)));
        }
      }
      assert.ok(err < 1e-11, `n=${n}: max |A A⁻¹ − I| = ${err}`);
      const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const z = Float64Array.from(b);
      forwardSubstitute(L, n, z);
      backSubstituteTransposed(L, n, z);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += inv(i, k) * b[k];
        assert.ok(Math.abs(s - z[i]) < 1e-11, `n=${n}: (A⁻¹b)[${i}] ${s} vs solve ${z[i]}`);
      }
    }
  });

  test("the blocked substitution for many right-hand sides (rows of B) equals one forward substitution per row, for every remainder of its 2 × 4 blocks", () => {
    for (const n of [1, 2, 3, 5, 8, 101]) {
      const L = spd(n, 7 + n);
      assert.ok(choleskyInPlace(L, n));
      for (const m of [1, 3, 4, 5, 9]) {
        const B = Float64Array.from({ length: m * n }, (_, k) => Math.cos(k * 0.7));
        const expected = Float64Array.from(B);
        for (let j = 0; j < m; j++) forwardSubstitute(L, n, expected.subarray(j * n, (j + 1) * n));
        forwardSubstituteRows(L, n, B, m);
        for (let k = 0; k < m * n; k++) assert.ok(Math.abs(B[k] - expected[k]) < 1e-12 * Math.max(1, Math.abs(expected[k])), `n=${n} m=${m} entry ${k}: ${B[k]} vs ${expected[k]}`);
      }
    }
  });

  test("no subnormal numbers are produced: entries of L, L⁻ᵀ and solutions below 2⁻⁵⁰⁰ are stored as 0 (they made every product touching them take a slow path)", () => {
    const n = 9;
    const A = new Float64Array(n * n);
    // Off-diagonal entries like exp(−a) for a > 708 (the kernel between far-apart points): subnormal already.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = i === j ? 1 : 1e-310;
    const isSubnormal = (v: number): boolean => v !== 0 && Math.abs(v) < 2.2250738585072014e-308;
    const L = Float64Array.from(A);
    assert.ok(choleskyInPlace(L, n));
    const U = new Float64Array(n * n);
    invertCholeskyFactorTransposed(L, n, U);
    const C = Float64Array.from(L);
    inverseFromTransposedFactorInverse(U, n, C);
    const B = Float64Array.from({ length: 2 * n }, (_, k) => (k % n === 0 ? 1 : 1e-310));
    forwardSubstituteRows(L, n, B, 2);
    const lower = (M: Float64Array): number[] => Array.from(M).filter((_, k) => k % n <= Math.floor(k / n));
    const upper = (M: Float64Array): number[] => Array.from(M).filter((_, k) => k % n >= Math.floor(k / n));
    for (const [name, v] of [["L", lower(L)], ["U", upper(U)], ["A⁻¹", lower(C)], ["Z", Array.from(B)]] as const) assert.ok(!v.some(isSubnormal), `${name} has subnormal entries`);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(L[i * n + i] - 1) < 1e-15);
      assert.ok(Math.abs(C[i * n + i] - 1) < 1e-15);
    }
  });
});
