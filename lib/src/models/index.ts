/**
 * `battery-mi/models`: estimators with scikit-learn's contract (random forest, XGBoost-style gradient boosting),
 * regression metrics, K-fold splits, permutation importance and a typed {@link Matrix}.
 *
 * @example
 * ```ts
 * import { randomForest, gradientBoosting, r2, kFold } from "battery-mi/models";
 * const rf = randomForest({ nEstimators: 300, maxFeatures: 0.33, seed: 0 }).fit(X, y);
 * r2(yTest, rf.predict(XTest));
 * ```
 * @packageDocumentation
 */
export type { EstimatorJSON, Regressor } from "./base";
export { NotFittedError, ValidationError } from "./errors";
export type { DataFrameLike, SeriesLike, XInput, YInput } from "./input";
export { getColumn, getRow, getValue, isMatrix, matrix, matrixFromRows, matrixToRows, selectRows, transpose, zeros } from "./matrix";
export type { Matrix } from "./matrix";
export { mae, r2, rmse } from "./metrics";
export { kFold } from "./validation";
export type { Fold } from "./validation";
export { Rng } from "./random";
export { RandomForestRegressor, randomForest } from "./forest";
export type { MaxFeatures, RandomForestOptions } from "./forest";
export type { TreeArrays } from "./tree";
export { GradientBoostingRegressor, gradientBoosting } from "./boosting";
export type { BoostedTree, BoostingEvalMetric, BoostingFitOptions, BoostingImportanceType, BoostingObjective, GradientBoostingOptions } from "./boosting";
export { permutationImportance } from "./inspection";
export type { PermutationImportanceOptions, PermutationImportanceResult, Predictor } from "./inspection";

export { loadModel, loadModelAsync } from "./registry";

// Linear baselines, Gaussian processes, neural networks, validation and model averaging.
export { RidgeRegressor, ElasticNetRegressor, ridge, elasticNet } from "./linear";
export type { LinearOptions, ElasticNetOptions } from "./linear";
export { GaussianProcessRegressor, gaussianProcess } from "./gaussian-process";
export type { GaussianProcessOptions, GpKernelName, GpOptimizerRun, GpPredictOptions, GpPrediction } from "./gaussian-process";
export { MLPRegressor, mlpRegressor } from "./mlp";
export type { MLPOptions } from "./mlp";
export {
  regressionScores,
  trainTestSplit,
  groupKFold,
  crossValidate,
  gridSearch,
  randomSearch,
  learningCurve,
} from "./cross-validation";
export type {
  RegressionScores,
  TrainTestSplitOptions,
  CrossValidateOptions,
  CrossValidationResult,
  EstimatorSource,
  AsyncRegressor,
  AsyncEstimatorSource,
  AnyEstimatorSource,
  SearchCandidate,
  SearchOptions,
  ParamDistribution,
  LearningCurvePoint,
} from "./cross-validation";
export { BayesianModelAveraging, bayesianModelAveraging } from "./model-averaging";
export type {
  ModelAveragingOptions, AveragedModelInfo, ModelAveragingFitResult, ModelAveragingParams, ModelAveragingJSONOptions, ModelAveragingJSONState,
} from "./model-averaging";
