/**
 * battery-mi/descriptors — elements, composition parsing and composition featurizers (chapter §2.1).
 *
 * @example
 * ```ts
 * import { element, parseFormula, ElementProperty, featurizeMany } from "battery-mi/descriptors";
 * element("Co").ionicRadius(3, "VI", { spin: "low" });   // 0.545 Å
 * const ncm = parseFormula("NCM622");
 * ncm.transitionMetalRatio();                            // { Ni: 0.6, Co: 0.2, Mn: 0.2 }
 * ncm.oxiStateGuesses()[0].states;                       // average oxidation states
 * ElementProperty.fromPreset("magpie").featurize("Fe2O3"); // 132 Magpie features
 * ```
 */
export {
  Element,
  element,
  elements,
  isElementSymbol,
  suggestElements,
  icsdOccurrence,
  MAGPIE_PROPERTIES,
  type Spin,
  type ShannonRadius,
  type ShannonRadiusOptions,
} from "./elements";
export {
  Composition,
  parseFormula,
  expandShorthand,
  SHORTHANDS,
  type CompositionSource,
  type Dopant,
  type DopantOptions,
  type IonRatioOptions,
} from "./composition";
export {
  guessOxidationStates,
  integerAmounts,
  gcdFloat,
  type OxidationGuessOptions,
  type OxidationStateGuess,
} from "./oxidation";
export {
  ElementProperty,
  Stoichiometry,
  ValenceOrbital,
  OxidationStates,
  IonProperty,
  propertyStat,
  featurizeMany,
  featurizeDataFrame,
  citationsOf,
  MAGPIE_PRESET_FEATURES,
  MAGPIE_PRESET_STATS,
  type CompositionFeaturizer,
  type ElementPropertyOptions,
  type StoichiometryOptions,
  type ValenceOrbitalOptions,
  type OxidationStatesOptions,
  type PropertyStat,
  type FeaturizeOptions,
  type FeatureMatrix,
  type FeaturizedDataFrame,
  type FeaturizationFailure,
} from "./featurizers";
export {
  DescriptorError,
  UnknownElementError,
  MissingElementDataError,
  FormulaError,
  OxidationStateError,
  FeaturizationError,
} from "./errors";
