/**
 * Sparse Jacobian machinery of the implicit solver: a structural sparsity pattern, a column colouring for
 * finite-difference Jacobians (Curtis–Powell–Reid: columns that share no row are perturbed together, so one
 * residual evaluation per colour instead of one per column), and a linear solver for the iteration matrix
 * M/(γh) − ∂f/∂y that condenses "pendant tridiagonal chains" (the interior cells of each particle, which couple
 * only to their neighbours and, at one end, to the particle's next cell) with the Thomas algorithm and factorises
 * what remains as a narrow banded matrix with partial pivoting.
 *
 * Why: in the DFN the particles make the state ordering's bandwidth the size of a whole particle (≈ 24), so a
 * plain banded LU costs O(n·24·48) and a banded finite-difference Jacobian 49 residuals. Condensing the particle
 * interiors leaves ≈ 5 unknowns per control volume with bandwidth ≈ 6, and the colouring needs ≈ 10 residuals.
 */
import { BandedMatrix } from "./banded";

/** Structural nonzeros of an n × n matrix in compressed sparse row form (column indices sorted in each row). */
export interface SparsityPattern {
  /** Matrix size (rows = columns). */
  readonly n: number;
  /** Row i's entries are cols[rowPtr[i] … rowPtr[i+1]−1]. */
  readonly rowPtr: Int32Array;
  /** Column index of each structural nonzero, row by row. */
  readonly cols: Int32Array;
}

/**
 * Builds a pattern from per-row column lists (duplicates removed, diagonal always included, since the iteration
 * matrix has M/(γh) there).
 */
export function patternFromRows(n: number, rows: ArrayLike<number>[]): SparsityPattern {
  if (rows.length !== n) throw new Error(`patternFromRows: ${rows.length} rows for n = ${n}`);
  const rowPtr = new Int32Array(n + 1);
  const all: number[] = [];
  for (let i = 0; i < n; i++) {
    const set = new Set<number>([i]);
    for (let k = 0; k < rows[i].length; k++) {
      const j = rows[i][k];
      if (!(Number.isInteger(j) && j >= 0 && j < n)) throw new Error(`patternFromRows: row ${i} has column ${j} outside 0…${n - 1}`);
      set.add(j);
    }
    const sorted = [...set].sort((a, b) => a - b);
    for (const j of sorted) all.push(j);
    rowPtr[i + 1] = all.length;
  }
  return { n, rowPtr, cols: Int32Array.from(all) };
}

/** The full band |i − j| ≤ ml (below) / mu (above) as a pattern (for systems that only declare a bandwidth). */
export function bandPattern(n: number, ml: number, mu: number): SparsityPattern {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r: number[] = [];
    for (let j = Math.max(0, i - ml); j <= Math.min(n - 1, i + mu); j++) r.push(j);
    rows.push(r);
  }
  return patternFromRows(n, rows);
}

/**
 * The pattern the solver uses when some variables are "global" (a lumped temperature that every row depends on
 * and whose row depends on everything): a global's row and column keep only the diagonal. Keeping the dense row
 * and column would make every column conflict with every other (one colour per column) and destroy the chain and
 * band structure of the iteration matrix; the dropped couplings are weak, so modified Newton still converges to the
 * exact implicit solution. Columns of non-global rows that are global are dropped the same way.
 */
export function withoutGlobalCouplings(p: SparsityPattern, globals: ArrayLike<number>): SparsityPattern {
  const isGlobal = new Uint8Array(p.n);
  for (let k = 0; k < globals.length; k++) isGlobal[globals[k]] = 1;
  const rows: number[][] = [];
  for (let i = 0; i < p.n; i++) {
    if (isGlobal[i]) {
      rows.push([i]);
      continue;
    }
    const r: number[] = [];
    for (let k = p.rowPtr[i]; k < p.rowPtr[i + 1]; k++) if (!isGlobal[p.cols[k]]) r.push(p.cols[k]);
    rows.push(r);
  }
  return patternFromRows(p.n, rows);
}

/**
 * Moves each global column into a colour of its own: perturbing a global changes every row, so sharing a colour
 * would corrupt the entries of the other columns of that colour.
 */
export function isolateColumns(c: Colouring, globals: ArrayLike<number>): Colouring {
  if (globals.length === 0) return c;
  const isGlobal = new Set<number>(Array.from(globals));
  const groups: number[][] = [];
  for (let k = 0; k < c.count; k++) {
    const g: number[] = [];
    for (let m = c.start[k]; m < c.start[k + 1]; m++) if (!isGlobal.has(c.members[m])) g.push(c.members[m]);
    if (g.length > 0) groups.push(g);
  }
  for (const j of isGlobal) groups.push([j]);
  const start = new Int32Array(groups.length + 1);
  const members: number[] = [];
  groups.forEach((g, k) => {
    members.push(...g);
    start[k + 1] = members.length;
  });
  return { count: groups.length, start, members: Int32Array.from(members) };
}

/** Column-oriented view of a pattern: for column j, the rows and the positions of (row, j) in the CSR arrays. */
export interface ColumnIndex {
  /** Column j's entries are rows[colPtr[j] … colPtr[j+1]−1]. */
  readonly colPtr: Int32Array;
  /** Row index of each entry, column by column. */
  readonly rows: Int32Array;
  /** Position of each (row, col) entry in the CSR `cols`/values arrays. */
  readonly pos: Int32Array;
}

/** Transposes the pattern's index structure (CSR → CSC with back-pointers). */
export function columnIndex(p: SparsityPattern): ColumnIndex {
  const { n, rowPtr, cols } = p;
  const colPtr = new Int32Array(n + 1);
  for (let k = 0; k < cols.length; k++) colPtr[cols[k] + 1]++;
  for (let j = 0; j < n; j++) colPtr[j + 1] += colPtr[j];
  const fill = colPtr.slice(0, n);
  const rows = new Int32Array(cols.length);
  const pos = new Int32Array(cols.length);
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const at = fill[cols[k]]++;
      rows[at] = i;
      pos[at] = k;
    }
  }
  return { colPtr, rows, pos };
}

/** A column colouring: columns of one colour share no row. */
export interface Colouring {
  /** Number of colours. */
  readonly count: number;
  /** Columns of colour c are members[start[c] … start[c+1]−1]. */
  readonly start: Int32Array;
  /** Column indices grouped by colour. */
  readonly members: Int32Array;
}

/**
 * Greedy (first-fit, natural order) distance-2 column colouring. For banded or block-banded structure natural order
 * is near optimal (the band needs exactly ml + mu + 1 colours), which is why no reordering heuristic is used.
 */
export function colourColumns(p: SparsityPattern, ci: ColumnIndex = columnIndex(p)): Colouring {
  const { n, rowPtr, cols } = p;
  const colour = new Int32Array(n).fill(-1);
  // mark[c] === j when colour c is forbidden for column j
  const mark = new Int32Array(n + 1).fill(-1);
  let count = 0;
  for (let j = 0; j < n; j++) {
    for (let a = ci.colPtr[j]; a < ci.colPtr[j + 1]; a++) {
      const r = ci.rows[a];
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        const c = colour[cols[k]];
        if (c >= 0) mark[c] = j;
      }
    }
    let c = 0;
    while (mark[c] === j) c++;
    colour[j] = c;
    if (c + 1 > count) count = c + 1;
  }
  const start = new Int32Array(count + 1);
  for (let j = 0; j < n; j++) start[colour[j] + 1]++;
  for (let c = 0; c < count; c++) start[c + 1] += start[c];
  const fill = start.slice(0, count);
  const members = new Int32Array(n);
  for (let j = 0; j < n; j++) members[fill[colour[j]]++] = j;
  return { count, start, members };
}

/**
 * Coloured finite-difference Jacobian: for each colour, perturbs all its columns at once (y_j + δ_j), evaluates
 * `f` once, and assigns each row's change to the one perturbed column that row structurally depends on.
 * Writes ∂f/∂y on the pattern into `out` (CSR order). `f0` must hold f(y); `yWork` and `fWork` are scratch.
 * Returns the number of evaluations of `f`.
 */
export function colouredJacobian(
  f: (y: Float64Array, out: Float64Array) => void,
  y: Float64Array,
  f0: Float64Array,
  delta: Float64Array,
  colouring: Colouring,
  ci: ColumnIndex,
  out: Float64Array,
  yWork: Float64Array,
  fWork: Float64Array,
): number {
  const { start, members } = colouring;
  const { colPtr, rows, pos } = ci;
  yWork.set(y);
  for (let c = 0; c < colouring.count; c++) {
    for (let m = start[c]; m < start[c + 1]; m++) {
      const j = members[m];
      yWork[j] = y[j] + delta[j];
    }
    f(yWork, fWork);
    for (let m = start[c]; m < start[c + 1]; m++) {
      const j = members[m];
      yWork[j] = y[j];
      const inv = 1 / delta[j];
      for (let a = colPtr[j]; a < colPtr[j + 1]; a++) out[pos[a]] = (fWork[rows[a]] - f0[rows[a]]) * inv;
    }
  }
  return colouring.count;
}

/**
 * LU solver for A = diag(shift) − J, with J given by its values on a {@link SparsityPattern}.
 *
 * Chains are maximal runs s … e−1 of consecutive differential unknowns whose rows and columns touch only their
 * neighbours i ± 1, the run not coupled to s − 1; the run may couple at its end to e (the "attachment").
 * Eliminating a chain (Thomas algorithm, no pivoting — safe because its rows are M/(γh) minus a diffusion operator,
 * diagonally dominant; a vanishing pivot is reported as singular so the caller shrinks the step) changes only
 * A(e, e). The remaining unknowns form a reduced matrix factorised by {@link BandedMatrix} with partial pivoting.
 */
export class CondensedLU {
  /** Matrix size. */
  readonly n: number;
  /** Number of unknowns left after condensing the chains. */
  readonly reducedSize: number;
  /** Lower bandwidth of the reduced matrix. */
  readonly ml: number;
  /** Upper bandwidth of the reduced matrix. */
  readonly mu: number;
  /** First unknown of each chain. */
  readonly chainStart: Int32Array;
  /** One past the last unknown of each chain. */
  readonly chainEnd: Int32Array;
  /** Unknown each chain couples to at its end (−1 if none). */
  readonly chainAttach: Int32Array;
  /** Reduced index of each unknown (−1 for chain unknowns). */
  private readonly red: Int32Array;
  /** Unknown of each reduced index. */
  private readonly full: Int32Array;
  /** For each CSR entry: its position in the reduced band storage, or −1 (chain entries). */
  private readonly bandPos: Int32Array;
  /** Positions (CSR) of the diagonal, sub- (i, i−1) and super- (i, i+1) diagonal entries (−1 if structurally 0). */
  private readonly diagPos: Int32Array;
  private readonly subPos: Int32Array;
  private readonly supPos: Int32Array;
  /** Per chain: CSR positions of A(e, e−1) and of A(e−1, e) (−1 when absent). */
  private readonly attachRowPos: Int32Array;
  private readonly attachColPos: Int32Array;
  private readonly band: BandedMatrix;
  /** Thomas factors: 1/d_i (reciprocal pivot: solves multiply, divisions are several times slower), l_i = A(i, i−1)
   * and u_i = A(i, i+1)/d_i (for e−1: A(e−1, e)/d). */
  private readonly piv: Float64Array;
  private readonly lo: Float64Array;
  private readonly up: Float64Array;
  /** A(e, e−1) of each chain (the attachment row's link). */
  private readonly link: Float64Array;
  private readonly rb: Float64Array;

  constructor(pattern: SparsityPattern, differential: Uint8Array) {
    const { n, rowPtr, cols } = pattern;
    this.n = n;
    const ci = columnIndex(pattern);
    this.diagPos = new Int32Array(n).fill(-1);
    this.subPos = new Int32Array(n).fill(-1);
    this.supPos = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        const j = cols[k];
        if (j === i) this.diagPos[i] = k;
        else if (j === i - 1) this.subPos[i] = k;
        else if (j === i + 1) this.supPos[i] = k;
      }
    }
    // a candidate touches (by row and by column) nothing but i − 1, i, i + 1
    const local = (i: number): boolean => {
      if (!differential[i]) return false;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) if (Math.abs(cols[k] - i) > 1) return false;
      for (let a = ci.colPtr[i]; a < ci.colPtr[i + 1]; a++) if (Math.abs(ci.rows[a] - i) > 1) return false;
      return true;
    };
    const linked = (a: number, b: number): boolean => {
      // whether (a, b) or (b, a) is a structural nonzero
      for (let k = rowPtr[a]; k < rowPtr[a + 1]; k++) if (cols[k] === b) return true;
      for (let k = rowPtr[b]; k < rowPtr[b + 1]; k++) if (cols[k] === a) return true;
      return false;
    };
    const cs: number[] = [];
    const ce: number[] = [];
    const ca: number[] = [];
    const inChain = new Uint8Array(n);
    let i = 0;
    while (i < n) {
      if (!local(i)) {
        i++;
        continue;
      }
      const s = i;
      let e = i;
      while (e < n && local(e)) e++;
      // only chains hanging on their far end are condensed (elimination runs from s towards e); a run also linked to
      // s − 1 stays in the banded part
      if (!(s > 0 && linked(s - 1, s))) {
        const attach = e < n && linked(e - 1, e) ? e : -1;
        cs.push(s);
        ce.push(e);
        ca.push(attach);
        for (let q = s; q < e; q++) inChain[q] = 1;
      }
      i = e;
    }
    this.chainStart = Int32Array.from(cs);
    this.chainEnd = Int32Array.from(ce);
    this.chainAttach = Int32Array.from(ca);
    this.red = new Int32Array(n).fill(-1);
    const fullList: number[] = [];
    for (let q = 0; q < n; q++) if (!inChain[q]) this.red[q] = fullList.push(q) - 1;
    this.full = Int32Array.from(fullList);
    const m = fullList.length;
    this.reducedSize = m;
    let ml = 0;
    let mu = 0;
    for (let r = 0; r < n; r++) {
      if (inChain[r]) continue;
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        const c = cols[k];
        if (inChain[c]) continue;
        ml = Math.max(ml, this.red[r] - this.red[c]);
        mu = Math.max(mu, this.red[c] - this.red[r]);
      }
    }
    this.ml = ml;
    this.mu = mu;
    this.band = new BandedMatrix(Math.max(m, 1), ml, mu);
    const W = this.band.width;
    this.bandPos = new Int32Array(cols.length).fill(-1);
    for (let r = 0; r < n; r++) {
      if (inChain[r]) continue;
      const rr = this.red[r];
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        const c = cols[k];
        if (!inChain[c]) this.bandPos[k] = rr * W + (this.red[c] - rr + ml);
      }
    }
    const nc = cs.length;
    this.attachRowPos = new Int32Array(nc).fill(-1);
    this.attachColPos = new Int32Array(nc).fill(-1);
    for (let c = 0; c < nc; c++) {
      const a = ca[c];
      if (a < 0) continue;
      this.attachRowPos[c] = this.subPos[a];
      this.attachColPos[c] = this.supPos[a - 1];
    }
    this.piv = new Float64Array(n);
    this.lo = new Float64Array(n);
    this.up = new Float64Array(n);
    this.link = new Float64Array(nc);
    this.rb = new Float64Array(Math.max(m, 1));
  }

  /**
   * Factorises A = diag(shift) − J where `values` holds J on the pattern and `shift[i]` is added on the diagonal.
   * Returns false when A is singular to working precision (or a chain pivot vanishes).
   */
  factor(values: Float64Array, shift: Float64Array): boolean {
    const { chainStart, chainEnd, chainAttach, piv, lo, up, diagPos, subPos, supPos, bandPos, link } = this;
    const D = this.band.data;
    D.fill(0);
    for (let k = 0; k < bandPos.length; k++) {
      const b = bandPos[k];
      if (b >= 0) D[b] = -values[k];
    }
    const W = this.band.width;
    const ml = this.ml;
    for (let r = 0; r < this.reducedSize; r++) D[r * W + ml] += shift[this.full[r]];
    for (let c = 0; c < chainStart.length; c++) {
      const s = chainStart[c];
      const e = chainEnd[c];
      let uPrev = 0;
      for (let i = s; i < e; i++) {
        const aii = shift[i] - (diagPos[i] >= 0 ? values[diagPos[i]] : 0);
        const l = i > s && subPos[i] >= 0 ? -values[subPos[i]] : 0;
        const d = aii - l * uPrev;
        // a pivot lost to cancellation means the chain is not diagonally dominant at this step size
        if (!(Math.abs(d) > 1e-13 * (Math.abs(aii) + Math.abs(l * uPrev))) || !Number.isFinite(d)) return false;
        const r = supPos[i] >= 0 && (i + 1 < e || chainAttach[c] >= 0) ? -values[supPos[i]] : 0;
        piv[i] = 1 / d;
        lo[i] = l;
        up[i] = r / d;
        uPrev = up[i];
      }
      const a = chainAttach[c];
      if (a >= 0) {
        const pr = this.attachRowPos[c];
        link[c] = pr >= 0 ? -values[pr] : 0;
        D[this.red[a] * W + ml] -= link[c] * up[e - 1];
      } else link[c] = 0;
    }
    if (this.reducedSize === 0) return true;
    return this.band.factor() < 0;
  }

  /** Solves A·x = b in place after a successful {@link factor}. */
  solve(b: Float64Array): void {
    const { chainStart, chainEnd, chainAttach, piv, lo, up, link, full, rb } = this;
    const nc = chainStart.length;
    for (let c = 0; c < nc; c++) {
      const s = chainStart[c];
      const e = chainEnd[c];
      let z = b[s] * piv[s];
      b[s] = z;
      for (let i = s + 1; i < e; i++) {
        z = (b[i] - lo[i] * z) * piv[i];
        b[i] = z;
      }
      const a = chainAttach[c];
      if (a >= 0) b[a] -= link[c] * z;
    }
    const m = this.reducedSize;
    if (m > 0) {
      for (let r = 0; r < m; r++) rb[r] = b[full[r]];
      this.band.solve(rb);
      for (let r = 0; r < m; r++) b[full[r]] = rb[r];
    }
    for (let c = 0; c < nc; c++) {
      const s = chainStart[c];
      const e = chainEnd[c];
      const a = chainAttach[c];
      let x = a >= 0 ? b[a] : 0;
      for (let i = e - 1; i >= s; i--) {
        x = b[i] - up[i] * x;
        b[i] = x;
      }
    }
  }
}
