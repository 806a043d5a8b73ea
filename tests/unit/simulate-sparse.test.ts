import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterValues, spm, spme, dfn, CondensedLU, bandPattern, colourColumns, colouredJacobian, columnIndex, patternFromRows, withoutGlobalCouplings, isolateColumns } from "../../lib/src/simulate";
import type { CellModel, SparsityPattern } from "../../lib/src/simulate";

const SQRT_EPS = Math.sqrt(2.220446049250313e-16);

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A state away from the uniform initial one: particle gradients, non-uniform c_e, potentials jittered by a few mV. */
function perturbedState(model: CellModel, rand: () => number): Float64Array {
  const y = model.initialState({ x: 0.3 + 0.4 * rand(), y: 0.4 + 0.4 * rand() });
  const sys = model.system;
  for (let i = 0; i < sys.n; i++) {
    // concentrations (atol ≥ 1e-3 mol.m-3) by ±3 %, potentials (atol 1e-6 V) by ±5 mV
    y[i] = sys.atol[i] > 1e-4 ? y[i] * (1 + 0.06 * (rand() - 0.5)) : y[i] + 0.01 * (rand() - 0.5);
  }
  return y;
}

function patternHas(p: SparsityPattern, r: number, c: number): boolean {
  for (let k = p.rowPtr[r]; k < p.rowPtr[r + 1]; k++) if (p.cols[k] === c) return true;
  return false;
}

const coarse = { xn: 6, xs: 4, xp: 5, rn: 7, rp: 6 };

test("the coloured finite-difference Jacobian equals the dense one-column-at-a-time Jacobian (1e-6 relative) and the DFN's declared sparsity covers every nonzero", () => {
  const rand = rng(7);
  for (const set of ["Marquis2019", "Chen2020"] as const) {
    const params = parameterValues(set);
    for (const model of [spm(params), spme(params), dfn(params), dfn(params, { mesh: coarse })]) {
      const sys = model.system;
      const n = sys.n;
      const pattern = sys.sparsity ?? bandPattern(n, sys.ml, sys.mu);
      const ci = columnIndex(pattern);
      const colouring = colourColumns(pattern, ci);
      // colours never share a row
      const seen = new Int32Array(n).fill(-1);
      for (let c = 0; c < colouring.count; c++) {
        for (let m = colouring.start[c]; m < colouring.start[c + 1]; m++) {
          const j = colouring.members[m];
          for (let a = ci.colPtr[j]; a < ci.colPtr[j + 1]; a++) {
            assert.notEqual(seen[ci.rows[a]], c, `${model.name}: colour ${c} has two columns in row ${ci.rows[a]}`);
            seen[ci.rows[a]] = c;
          }
        }
      }
      for (let trial = 0; trial < 2; trial++) {
        const y = perturbedState(model, rand);
        const I = 2 * (rand() - 0.3);
        const f = (yy: Float64Array, out: Float64Array) => sys.rhs(yy, I, out);
        const f0 = new Float64Array(n);
        f(y, f0);
        const delta = new Float64Array(n);
        for (let j = 0; j < n; j++) delta[j] = SQRT_EPS * Math.max(Math.abs(y[j]), sys.atol[j] * 1e3, 1e-8);
        const vals = new Float64Array(pattern.cols.length);
        const evals = colouredJacobian(f, y, f0, delta, colouring, ci, vals, new Float64Array(n), new Float64Array(n));
        assert.equal(evals, colouring.count);
        // dense reference, column by column; row scale for the relative comparison
        const dense: Float64Array[] = [];
        const yp = Float64Array.from(y);
        const f1 = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          yp[j] = y[j] + delta[j];
          f(yp, f1);
          yp[j] = y[j];
          const col = new Float64Array(n);
          for (let r = 0; r < n; r++) col[r] = (f1[r] - f0[r]) / delta[j];
          dense.push(col);
        }
        const rowScale = new Float64Array(n);
        for (let j = 0; j < n; j++) for (let r = 0; r < n; r++) rowScale[r] = Math.max(rowScale[r], Math.abs(dense[j][r]));
        for (let j = 0; j < n; j++) {
          for (let r = 0; r < n; r++) {
            const v = dense[j][r];
            if (v !== 0) assert.ok(patternHas(pattern, r, j), `${set} ${model.name} (n=${n}): ∂f${r}/∂y${j} = ${v} lies outside the declared sparsity`);
          }
        }
        for (let r = 0; r < n; r++) {
          for (let k = pattern.rowPtr[r]; k < pattern.rowPtr[r + 1]; k++) {
            const j = pattern.cols[k];
            const err = Math.abs(vals[k] - dense[j][r]);
            assert.ok(err <= 1e-6 * Math.max(rowScale[r], 1e-300), `${set} ${model.name}: J[${r}][${j}] coloured ${vals[k]} vs dense ${dense[j][r]}`);
          }
        }
      }
      if (model.name === "DFN") assert.ok(colouring.count <= 15, `DFN needs ${colouring.count} colours`);
    }
  }
});

test("with a lumped temperature (a global variable) the coloured Jacobian equals the dense one on every entry it keeps, and the temperature has a colour of its own", () => {
  const rand = rng(11);
  for (const model of [dfn(parameterValues("Chen2020"), { mesh: coarse, thermal: "lumped" }), spme(parameterValues("Marquis2019"), { mesh: coarse, thermal: "lumped" })]) {
    const sys = model.system;
    const n = sys.n;
    assert.ok(sys.globals && sys.globals.length === 1, "the thermal model declares its temperature as a global");
    const g = sys.globals[0];
    const pattern = withoutGlobalCouplings(sys.sparsity ?? bandPattern(n, sys.ml, sys.mu), sys.globals);
    const ci = columnIndex(pattern);
    const colouring = isolateColumns(colourColumns(pattern, ci), sys.globals);
    let gColour = -1;
    for (let c = 0; c < colouring.count; c++) for (let m = colouring.start[c]; m < colouring.start[c + 1]; m++) if (colouring.members[m] === g) gColour = c;
    assert.equal(colouring.start[gColour + 1] - colouring.start[gColour], 1, "the temperature is perturbed alone");
    assert.equal(pattern.rowPtr[g + 1] - pattern.rowPtr[g], 1, "the temperature row keeps only its diagonal");
    const y = perturbedState(model, rand);
    y[g] = 5; // 5 K above ambient
    const I = 1.5;
    const f = (yy: Float64Array, out: Float64Array) => sys.rhs(yy, I, out);
    const f0 = new Float64Array(n);
    f(y, f0);
    const delta = new Float64Array(n);
    for (let j = 0; j < n; j++) delta[j] = SQRT_EPS * Math.max(Math.abs(y[j]), sys.atol[j] * 1e3, 1e-8);
    const vals = new Float64Array(pattern.cols.length);
    colouredJacobian(f, y, f0, delta, colouring, ci, vals, new Float64Array(n), new Float64Array(n));
    const yp = Float64Array.from(y);
    const f1 = new Float64Array(n);
    const dense: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      yp[j] = y[j] + delta[j];
      f(yp, f1);
      yp[j] = y[j];
      dense.push(Float64Array.from(f1, (v, r) => (v - f0[r]) / delta[j]));
    }
    for (let r = 0; r < n; r++) {
      let scale = 0;
      for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(dense[j][r]));
      for (let k = pattern.rowPtr[r]; k < pattern.rowPtr[r + 1]; k++) {
        const j = pattern.cols[k];
        assert.ok(Math.abs(vals[k] - dense[j][r]) <= 1e-6 * Math.max(scale, 1e-300), `${model.name} thermal: J[${r}][${j}] coloured ${vals[k]} vs dense ${dense[j][r]}`);
      }
    }
    // the temperature really does couple to the rest (so dropping it from the iteration matrix is a choice, not a no-op)
    let coupled = 0;
    for (let r = 0; r < n; r++) if (r !== g && dense[g][r] !== 0) coupled++;
    assert.ok(coupled > n / 4, `${model.name}: temperature column touches ${coupled} rows`);
  }
});

/** Dense solve with partial pivoting (reference). */
function denseSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(M[r][k]) > Math.abs(M[p][k])) p = r;
    [M[k], M[p]] = [M[p], M[k]];
    for (let r = k + 1; r < n; r++) {
      const l = M[r][k] / M[k][k];
      for (let c = k; c <= n; c++) M[r][c] -= l * M[k][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    let s = M[k][n];
    for (let c = k + 1; c < n; c++) s -= M[k][c] * x[c];
    x[k] = s / M[k][k];
  }
  return x;
}

test("the condensed LU (Thomas on particle chains + banded LU with pivoting on the rest) solves like a dense solve", () => {
  const rand = rng(11);
  // structures: the coarse DFN pattern, a band, and a hand-made one with chains attached, free and left in the band
  const params = parameterValues("Chen2020");
  const dfnModel = dfn(params, { mesh: coarse });
  const hand = patternFromRows(12, [[1], [0, 2], [1, 3], [2, 4, 7], [3, 5], [4, 6], [5], [3, 11], [9], [8, 10], [9, 11], [10, 7]]);
  const cases: { name: string; pattern: SparsityPattern; differential: Uint8Array; chains: number }[] = [
    { name: "DFN", pattern: dfnModel.system.sparsity!, differential: dfnModel.system.differential, chains: coarse.xn + coarse.xp },
    { name: "band", pattern: bandPattern(30, 2, 3), differential: new Uint8Array(30).fill(1), chains: 0 },
    // 0…2 is a chain attached to 3; 4…6 hangs on 3 at its start (stays banded); 8…10 chain attached to 11
    { name: "hand", pattern: hand, differential: Uint8Array.from([1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0]), chains: 2 },
  ];
  for (const { name, pattern, differential, chains } of cases) {
    const n = pattern.n;
    const lu = new CondensedLU(pattern, differential);
    assert.equal(lu.chainStart.length, chains, `${name}: chains found`);
    for (let trial = 0; trial < 3; trial++) {
      const vals = new Float64Array(pattern.cols.length);
      // J: diffusion-like on chains (negative diagonal), arbitrary elsewhere (algebraic rows need pivoting)
      for (let r = 0; r < n; r++) {
        for (let k = pattern.rowPtr[r]; k < pattern.rowPtr[r + 1]; k++) {
          const c = pattern.cols[k];
          vals[k] = c === r ? (differential[r] ? -2 - rand() : 0.1 * (rand() - 0.5)) : rand() - 0.5;
        }
      }
      const shift = new Float64Array(n);
      const inv = 10 ** (trial - 1);
      for (let i = 0; i < n; i++) shift[i] = differential[i] ? inv : 0;
      const A: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      for (let r = 0; r < n; r++) {
        A[r][r] += shift[r];
        for (let k = pattern.rowPtr[r]; k < pattern.rowPtr[r + 1]; k++) A[r][pattern.cols[k]] -= vals[k];
      }
      const b = Array.from({ length: n }, () => rand() - 0.5);
      const ref = denseSolve(A, b);
      assert.ok(lu.factor(vals, shift), `${name}: factor`);
      const x = Float64Array.from(b);
      lu.solve(x);
      const scale = Math.max(...ref.map(Math.abs));
      for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i] - ref[i]) <= 1e-10 * scale, `${name} trial ${trial}: x[${i}] = ${x[i]} vs ${ref[i]}`);
    }
  }
});
