// CART regression tree (mean-squared-error criterion) built on presorted index arrays.
//
// Why presorted: the forest sorts every feature once per fit; each tree then keeps, for every feature, the in-bag
// samples in sorted order and splits those lists stably, so a node never sorts. The split scan is incremental
// (running weighted sums), so a node costs O(nFeatures × nNodeSamples) with no allocation.
import { Rng } from "./random";

/** A fitted regression tree in flat typed arrays (node 0 is the root; `feature[i] === -1` marks a leaf). */
export interface TreeArrays {
  /** Number of outputs (values stored per node). */
  nOutputs: number;
  /** Split feature per node, -1 for leaves. */
  feature: Int32Array;
  /** Split threshold per node: `x[feature] <= threshold` goes left. */
  threshold: Float64Array;
  /** Left child per node (-1 for leaves). */
  left: Int32Array;
  /** Right child per node (-1 for leaves). */
  right: Int32Array;
  /** Mean target per node (nNodes × nOutputs, row-major). */
  value: Float64Array;
  /** Distinct training samples reaching each node. */
  nNodeSamples: Int32Array;
  /** Weighted samples (bootstrap counts) reaching each node. */
  weightedNNodeSamples: Float64Array;
  /** MSE impurity per node (mean over outputs). */
  impurity: Float64Array;
}

/** Growth limits of one tree. @internal */
export interface TreeParams {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Number of features drawn per node. */
  mtry: number;
}

/** Per-fit data shared by all trees of a forest. @internal */
export interface PresortedData {
  n: number;
  p: number;
  k: number;
  /** Column-major X: Xc[f * n + i]. */
  Xc: Float64Array;
  /** Row-major targets: Y[i * k + o]. */
  Y: Float64Array;
  /** Global argsort per feature: order[f * n + r]. */
  order: Int32Array;
}

const FEATURE_THRESHOLD = 1e-7;

/** Sorts every column once (ascending; ties by index). @internal */
export function presort(Xc: Float64Array, n: number, p: number): Int32Array {
  const order = new Int32Array(n * p);
  const idx = new Int32Array(n);
  const key = new Float64Array(n);
  for (let f = 0; f < p; f++) {
    const off = f * n;
    for (let i = 0; i < n; i++) { idx[i] = i; key[i] = Xc[off + i]; }
    idx.sort((a, b) => key[a] - key[b] || a - b);
    order.set(idx, off);
  }
  return order;
}

/**
 * Grows one tree on the samples with positive weight (bootstrap counts).
 * @internal
 */
export function buildTree(data: PresortedData, weights: Float64Array, params: TreeParams, rng: Rng): TreeArrays {
  const { n, p, k, Xc, Y, order } = data;
  // in-bag samples, per feature in sorted order
  let m = 0;
  for (let i = 0; i < n; i++) if (weights[i] > 0) m++;
  const idx = new Int32Array(m * p);
  for (let f = 0; f < p; f++) {
    let t = f * m;
    const off = f * n;
    for (let r = 0; r < n; r++) {
      const i = order[off + r];
      if (weights[i] > 0) idx[t++] = i;
    }
  }
  const maxNodes = Math.max(1, 2 * m - 1);
  const feature = new Int32Array(maxNodes);
  const threshold = new Float64Array(maxNodes);
  const left = new Int32Array(maxNodes);
  const right = new Int32Array(maxNodes);
  const value = new Float64Array(maxNodes * k);
  const nNodeSamples = new Int32Array(maxNodes);
  const wN = new Float64Array(maxNodes);
  const impurity = new Float64Array(maxNodes);
  const goLeft = new Uint8Array(n);
  const tmp = new Int32Array(m);
  const features = new Int32Array(p);
  for (let f = 0; f < p; f++) features[f] = f;
  const sumY = new Float64Array(k);
  const sumL = new Float64Array(k);
  const minLeaf = params.minSamplesLeaf;
  const minSplit = Math.max(params.minSamplesSplit, 2 * minLeaf);
  // stack of (start, end, depth, parent, isLeft)
  const stack: number[] = [0, m, 0, -1, 0];
  let nodeCount = 0;
  while (stack.length > 0) {
    const isLeft = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = nodeCount++;
    if (parent >= 0) { if (isLeft) left[parent] = node; else right[parent] = node; }
    feature[node] = -1; left[node] = -1; right[node] = -1; threshold[node] = 0;
    // node statistics from the first feature's list (all lists hold the same samples)
    let W = 0;
    let sumY2 = 0;
    sumY.fill(0);
    for (let r = start; r < end; r++) {
      const i = idx[r];
      const w = weights[i];
      W += w;
      const yb = i * k;
      for (let o = 0; o < k; o++) { const v = Y[yb + o]; sumY[o] += w * v; sumY2 += w * v * v; }
    }
    let imp = sumY2 / W;
    let meanSq = 0;
    for (let o = 0; o < k; o++) { const mu = sumY[o] / W; value[node * k + o] = mu; imp -= mu * mu; meanSq += mu * mu; }
    imp /= k;
    if (imp < 0) imp = 0;
    const nNode = end - start;
    nNodeSamples[node] = nNode;
    wN[node] = W;
    impurity[node] = imp;
    if (depth >= params.maxDepth || nNode < minSplit || imp <= 1e-14 * (1 + meanSq / k)) continue;

    // split search over a random subset of features
    let bestF = -1;
    let bestPos = -1;
    let bestProxy = -Infinity;
    let bestThr = 0;
    let nVisited = 0;
    let nNonConst = 0;
    for (let fi = p; fi > 0 && (nVisited < params.mtry || nNonConst === 0); fi--) {
      const j = rng.nextInt(fi);
      const f = features[j];
      features[j] = features[fi - 1];
      features[fi - 1] = f;
      nVisited++;
      const ib = f * m;
      const xo = f * n;
      if (Xc[xo + idx[ib + end - 1]] <= Xc[xo + idx[ib + start]] + FEATURE_THRESHOLD) continue; // constant here
      nNonConst++;
      let wL = 0;
      let xCur = Xc[xo + idx[ib + start]];
      const rStart = start + minLeaf - 1;
      const rEnd = end - minLeaf; // last r with a right side of >= minLeaf samples is end - minLeaf - 1
      if (k === 1) {
        const S = sumY[0];
        let sL = 0;
        for (let r = start; r < rEnd; r++) {
          const i = idx[ib + r];
          const w = weights[i];
          wL += w;
          sL += w * Y[i];
          const xNext = Xc[xo + idx[ib + r + 1]];
          if (r >= rStart && xNext > xCur + FEATURE_THRESHOLD) {
            const sR = S - sL;
            const proxy = sL * sL / wL + sR * sR / (W - wL);
            if (proxy > bestProxy) { bestProxy = proxy; bestF = f; bestPos = r; bestThr = xCur / 2 + xNext / 2; if (bestThr === xNext || !Number.isFinite(bestThr)) bestThr = xCur; }
          }
          xCur = xNext;
        }
      } else {
        sumL.fill(0);
        for (let r = start; r < rEnd; r++) {
          const i = idx[ib + r];
          const w = weights[i];
          wL += w;
          const yb = i * k;
          for (let o = 0; o < k; o++) sumL[o] += w * Y[yb + o];
          const xNext = Xc[xo + idx[ib + r + 1]];
          if (r >= rStart && xNext > xCur + FEATURE_THRESHOLD) {
            const wR = W - wL;
            let proxy = 0;
            for (let o = 0; o < k; o++) { const a = sumL[o]; const b = sumY[o] - a; proxy += a * a / wL + b * b / wR; }
            if (proxy > bestProxy) { bestProxy = proxy; bestF = f; bestPos = r; bestThr = xCur / 2 + xNext / 2; if (bestThr === xNext || !Number.isFinite(bestThr)) bestThr = xCur; }
          }
          xCur = xNext;
        }
      }
    }
    if (bestF < 0) continue; // no valid split (all features constant or minSamplesLeaf unmet)

    // split: mark left samples, then stably partition every other feature's list
    const bb = bestF * m;
    for (let r = start; r <= bestPos; r++) goLeft[idx[bb + r]] = 1;
    for (let r = bestPos + 1; r < end; r++) goLeft[idx[bb + r]] = 0;
    for (let f = 0; f < p; f++) {
      if (f === bestF) continue;
      const ib = f * m;
      let l = ib + start;
      let t = 0;
      for (let r = ib + start; r < ib + end; r++) {
        const i = idx[r];
        if (goLeft[i]) idx[l++] = i; else tmp[t++] = i;
      }
      idx.set(tmp.subarray(0, t), l);
    }
    feature[node] = bestF;
    threshold[node] = bestThr;
    const mid = bestPos + 1;
    stack.push(mid, end, depth + 1, node, 0);
    stack.push(start, mid, depth + 1, node, 1);
  }
  return {
    nOutputs: k,
    feature: feature.slice(0, nodeCount),
    threshold: threshold.slice(0, nodeCount),
    left: left.slice(0, nodeCount),
    right: right.slice(0, nodeCount),
    value: value.slice(0, nodeCount * k),
    nNodeSamples: nNodeSamples.slice(0, nodeCount),
    weightedNNodeSamples: wN.slice(0, nodeCount),
    impurity: impurity.slice(0, nodeCount),
  };
}

/** Index of the leaf that row `row` of row-major X reaches. @internal */
export function leafIndex(t: TreeArrays, X: Float64Array, row: number, p: number): number {
  const feature = t.feature;
  let node = 0;
  const base = row * p;
  while (feature[node] >= 0) {
    node = X[base + feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
  }
  return node;
}

/** Impurity-decrease importances of one tree, normalised to sum 1 (all zeros for a stump). @internal */
export function treeImportances(t: TreeArrays, p: number): Float64Array {
  const imp = new Float64Array(p);
  for (let node = 0; node < t.feature.length; node++) {
    const f = t.feature[node];
    if (f < 0) continue;
    const l = t.left[node];
    const r = t.right[node];
    imp[f] += t.weightedNNodeSamples[node] * t.impurity[node] - t.weightedNNodeSamples[l] * t.impurity[l] - t.weightedNNodeSamples[r] * t.impurity[r];
  }
  let s = 0;
  for (let f = 0; f < p; f++) s += imp[f];
  if (s > 0) for (let f = 0; f < p; f++) imp[f] /= s;
  return imp;
}
