import { builtinElementData, type ElementData } from "./elements";
import { StructureError } from "./errors";
import type { Structure } from "./structure";
import { VORONOI_CITATIONS, voronoiCells } from "./voronoi";

/**
 * matminer's featurizer contract for structures: stateless `featurize` returning numbers in the order of
 * `featureLabels`, plus the papers it implements.
 */
export interface StructureFeaturizer {
  /** Features of one structure (same length and order as featureLabels()). */
  featurize(s: Structure): number[];
  /** Feature names with units, e.g. "Density [g/cm^3]". */
  featureLabels(): string[];
  /** References to cite when using the features. */
  citations(): string[];
  /** Featurizes many structures: one row per structure. */
  featurizeMany(list: readonly Structure[]): number[][];
}

const MATMINER = "L. Ward et al., Matminer: An open source toolkit for materials data mining, Comput. Mater. Sci. 152, 60-69 (2018), doi:10.1016/j.commatsci.2018.05.018";

function base(f: Omit<StructureFeaturizer, "featurizeMany">): StructureFeaturizer {
  return { ...f, featurizeMany: (list) => list.map((s) => f.featurize(s)) };
}

/** The density features and their labels. */
export const DENSITY_FEATURES = ["density", "vpa", "packing fraction"] as const;
/** One of {@link DENSITY_FEATURES}. */
export type DensityFeature = (typeof DENSITY_FEATURES)[number];

/** Options of {@link densityFeatures}. */
export interface DensityFeaturesOptions {
  /** Which features, in order (default all three, matminer's `DensityFeatures` order). */
  features?: readonly DensityFeature[];
  /** Element masses and radii (default: the structure area's built-in table). */
  elementData?: ElementData;
}

/**
 * matminer's `DensityFeatures`: density [g/cm³], volume per atom [Å³] and packing fraction
 * Σ (4/3)π r_i³ / V with Slater's atomic radii. Disordered sites are occupancy-weighted (matminer refuses
 * disordered structures); for ordered structures the values equal matminer's.
 *
 * @example
 * ```ts
 * const f = densityFeatures();
 * f.featureLabels(); // ["Density [g/cm^3]", "Volume per atom [A^3]", "Packing fraction"]
 * f.featurize(licoo2);
 * ```
 */
export function densityFeatures(options: DensityFeaturesOptions = {}): StructureFeaturizer {
  const feats = options.features ?? DENSITY_FEATURES;
  for (const x of feats) {
    if (!DENSITY_FEATURES.includes(x)) throw new StructureError(`unknown density feature "${x}"; valid: ${DENSITY_FEATURES.join(", ")}`);
  }
  const ed = options.elementData ?? builtinElementData;
  const label: Record<DensityFeature, string> = { density: "Density [g/cm^3]", vpa: "Volume per atom [A^3]", "packing fraction": "Packing fraction" };
  return base({
    featureLabels: () => feats.map((x) => label[x]),
    citations: () => [MATMINER],
    featurize(s) {
      return feats.map((x) => {
        if (x === "density") return s.density(ed);
        if (x === "vpa") return s.volume / s.numAtoms;
        let r3 = 0;
        for (const site of s.sites) for (const sp of site.species) r3 += sp.occupancy * ed.atomicRadius(sp.element) ** 3;
        return (4 * Math.PI * r3) / (3 * s.volume);
      });
    },
  });
}

function stats(xs: number[]): [number, number, number, number] {
  if (xs.length === 0) throw new StructureError("no values to summarise (no bonds found)");
  let mean = 0;
  for (const x of xs) mean += x / xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) ** 2 / xs.length;
  return [mean, Math.sqrt(v), Math.min(...xs), Math.max(...xs)];
}

/** Options of the Voronoi-based featurizers. */
export interface VoronoiFeaturizerOptions {
  /** A face counts as a bond when its solid angle exceeds `tol` × the cell's largest (default 0.5). */
  tol?: number;
}

/**
 * Bond-length statistics over all sites: mean, standard deviation (population), min and max of the distances to
 * Voronoi neighbours whose face weight exceeds `tol` — a cutoff-free definition of "bond".
 */
export function bondLengthFeatures(options: VoronoiFeaturizerOptions = {}): StructureFeaturizer {
  const tol = options.tol ?? 0.5;
  return base({
    featureLabels: () => ["Bond length mean [A]", "Bond length std [A]", "Bond length min [A]", "Bond length max [A]"],
    citations: () => [MATMINER, ...VORONOI_CITATIONS],
    featurize(s) {
      const d: number[] = [];
      for (const c of voronoiCells(s)) for (const f of c.faces) if (f.weight > tol) d.push(f.distance);
      return stats(d);
    },
  });
}

/**
 * Coordination-number statistics over sites: mean, std, min, max of O'Keeffe's effective CN (Voronoi solid
 * angles), and the mean integer CN (faces with weight > `tol`).
 */
export function coordinationFeatures(options: VoronoiFeaturizerOptions = {}): StructureFeaturizer {
  const tol = options.tol ?? 0.5;
  return base({
    featureLabels: () => ["Effective CN mean", "Effective CN std", "Effective CN min", "Effective CN max", "Voronoi CN mean"],
    citations: () => [MATMINER, ...VORONOI_CITATIONS],
    featurize(s) {
      const eff: number[] = [], cn: number[] = [];
      for (const c of voronoiCells(s)) {
        let e = 0, k = 0;
        for (const f of c.faces) { e += f.weight; if (f.weight > tol) k++; }
        eff.push(e); cn.push(k);
      }
      return [...stats(eff), stats(cn)[0]];
    },
  });
}

/** Concatenates featurizers (matminer's `MultipleFeaturizer`). */
export function multipleFeaturizer(parts: readonly StructureFeaturizer[]): StructureFeaturizer {
  return base({
    featureLabels: () => parts.flatMap((p) => p.featureLabels()),
    citations: () => [...new Set(parts.flatMap((p) => p.citations()))],
    featurize: (s) => parts.flatMap((p) => p.featurize(s)),
  });
}
