/**
 * Loading saved models: `toJSON()` output (or its JSON string) back into an estimator, dispatching on its `type`
 * (the class name). Every estimator class is listed here once; {@link BayesianModelAveraging} loads its members
 * through the same functions.
 */
import type { EstimatorJSON, Regressor } from "./base";
import { GradientBoostingRegressor } from "./boosting";
import { ValidationError } from "./errors";
import { RandomForestRegressor } from "./forest";
import { GaussianProcessRegressor } from "./gaussian-process";
import { ElasticNetRegressor, RidgeRegressor } from "./linear";
import { MLPRegressor } from "./mlp";
import { BayesianModelAveraging } from "./model-averaging";

const SYNC_TYPES = ["RandomForestRegressor", "GradientBoostingRegressor", "RidgeRegressor", "ElasticNetRegressor", "GaussianProcessRegressor", "BayesianModelAveraging"];

function parse(json: EstimatorJSON | string): EstimatorJSON {
  const j = (typeof json === "string" ? JSON.parse(json) : json) as EstimatorJSON;
  if (typeof j !== "object" || j === null || typeof j.type !== "string") throw new ValidationError(`loadModel: expected a saved model ({ type, formatVersion, options, state }), got ${j === null ? "null" : typeof j}`);
  return j;
}

/**
 * Restores any estimator saved with `toJSON()` (object or JSON string), dispatching on its `type`. Synchronous;
 * an MLPRegressor (or a model averager with one) loads with {@link loadModelAsync}.
 * @example const again = loadModel(JSON.stringify(rf)); // predicts exactly as rf
 */
export function loadModel(json: EstimatorJSON | string): Regressor {
  const j = parse(json);
  switch (j.type) {
    case "RandomForestRegressor": return RandomForestRegressor.fromJSON(j);
    case "GradientBoostingRegressor": return GradientBoostingRegressor.fromJSON(j);
    case "RidgeRegressor": return RidgeRegressor.fromJSON(j);
    case "ElasticNetRegressor": return ElasticNetRegressor.fromJSON(j);
    case "GaussianProcessRegressor": return GaussianProcessRegressor.fromJSON(j);
    case "BayesianModelAveraging": return BayesianModelAveraging.fromJSON(j);
    case "MLPRegressor": throw new ValidationError("loadModel: an MLPRegressor loads asynchronously (tfjs): use await loadModelAsync(json)");
    default: throw new ValidationError(`loadModel: unknown model type ${JSON.stringify(j.type)} (known: ${SYNC_TYPES.join(", ")}; MLPRegressor with loadModelAsync)`);
  }
}

/**
 * Restores any saved estimator, including those that load asynchronously (MLPRegressor, whose network is rebuilt on
 * tfjs, and a BayesianModelAveraging with an MLP member).
 * @example const mlp = await loadModelAsync(JSON.stringify(trainedMlp));
 */
export async function loadModelAsync(json: EstimatorJSON | string): Promise<Regressor | MLPRegressor | BayesianModelAveraging> {
  const j = parse(json);
  switch (j.type) {
    case "MLPRegressor": return MLPRegressor.fromJSON(j);
    case "BayesianModelAveraging": return BayesianModelAveraging.fromJSONAsync(j);
    default: return loadModel(j);
  }
}
