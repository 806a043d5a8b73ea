/**
 * battery-mi/optimize: numerical optimisation used across the library — bound-constrained L-BFGS (the
 * Gaussian-process hyperparameter fit runs on it).
 *
 * @packageDocumentation
 */
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult, type ObjectiveWithGradient } from "./lbfgs";
