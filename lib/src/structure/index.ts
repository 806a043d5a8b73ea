/**
 * `battery-mi/structure` — crystal structures: CIF reading (symmetry expansion, disorder), the Structure and
 * Lattice types, periodic neighbour search, coordination numbers, bond lengths, polyhedral distortion, volume change
 * and matminer-style structure featurizers.
 *
 * @example
 * ```ts
 * import { readCif, coordinationNumbers } from "battery-mi/structure";
 * const [licoo2] = readCif("datasets/structures/LiCoO2.cif");
 * console.log(licoo2.lattice.a, licoo2.lattice.c, coordinationNumbers(licoo2, 2.5, { ligands: ["O"] }));
 * ```
 */
export { CifError, StructureError } from "./errors";
export { Lattice } from "./lattice";
export { Structure, AMU_PER_A3_TO_G_PER_CM3, type Site, type SpeciesOccupancy, type StructureOptions } from "./structure";
export { builtinElementData, isElementSymbol, type ElementData } from "./elements";
export {
  parseCif, readCif, parseCifBlocks, parseCifNumber, parseSymop, parseSpeciesLabel, structureFromBlock,
  type CifBlock, type CifItem, type CifValue, type CifReadOptions, type SymOp,
} from "./cif";
export { neighbors, neighborsBruteForce, coordinationNumbers, type NeighborList, type NeighborOptions, type CutoffCnOptions } from "./neighbors";
export {
  voronoiCells, voronoiCoordination, VORONOI_CITATIONS,
  type VoronoiCell, type VoronoiFace, type VoronoiOptions, type VoronoiCnOptions, type VoronoiCoordination,
} from "./voronoi";
export {
  bondLengths, distortion, convexHullVolume, volumeChange, DISTORTION_CITATIONS,
  type BondLengthOptions, type BondLengthResult, type Polyhedron, type Distortion, type VolumeChangeOptions, type VolumeChangeResult,
} from "./polyhedra";
export {
  densityFeatures, bondLengthFeatures, coordinationFeatures, multipleFeaturizer, DENSITY_FEATURES,
  type StructureFeaturizer, type DensityFeature, type DensityFeaturesOptions, type VoronoiFeaturizerOptions,
} from "./featurizers";
export { spaceGroupOperations } from "./spacegroups";
