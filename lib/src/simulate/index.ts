/**
 * battery-mi/simulate — physics-based lithium-ion cell simulation (the chapter's §2.5.4, PyBaMM's part):
 * parameter sets (Chen2020, Marquis2019, Ecker2015), SPM / SPMe / DFN on finite volumes (isothermal or with a
 * lumped thermal model) with an implicit adaptive solver, PyBaMM-style experiments and named outputs.
 *
 * @example
 * import { parameterValues, dfn, simulate } from "battery-mi/simulate";
 * const sol = simulate(dfn(parameterValues("Chen2020")), "Discharge at 1C until 2.5 V");
 * sol.get("Voltage [V]");
 */
export { pchip } from "./interp";
export type { Interpolant1D } from "./interp";
export {
  ParameterValues,
  parameterValues,
  PARAMETER_SETS,
  UnknownParameterError,
  MissingParametersError,
  ParameterValueError,
  checkParameterValues,
  editDistance,
  nearestNames,
  exchangeCurrentDensity,
  EXCHANGE_CURRENT_CE_SMOOTHING,
  GAS_CONSTANT,
  FARADAY,
  chen2020GraphiteOcpFit,
  chen2020NmcOcpFit,
  chen2020GraphiteOcpTable,
  chen2020NmcOcpTable,
  nyman2008Conductivity,
  nyman2008Diffusivity,
  marquis2019GraphiteOcp,
  marquis2019LiCoO2Ocp,
  marquis2019ElectrolyteConductivity,
  marquis2019ElectrolyteDiffusivity,
  ecker2015GraphiteOcp,
  ecker2015NcoOcp,
  ecker2015GraphiteOcpMeasured,
  ecker2015NcoOcpMeasured,
  ecker2015ElectrolyteConductivity,
  ecker2015ElectrolyteDiffusivity,
  marquis2019GraphiteEntropicChange,
  marquis2019LiCoO2EntropicChange,
} from "./parameters";
export type {
  ParameterSetName,
  ParameterSetOptions,
  ParameterValue,
  OcpFunction,
  ParticleDiffusivityFunction,
  ExchangeCurrentFunction,
  ElectrolyteFunction,
  EntropicChangeFunction,
  ParameterInput,
  ParameterSetJSON,
} from "./parameters";
export { spm, spme, dfn, createModel, DEFAULT_MESH, ocpWithBarrier, CellData, initialStoichiometries, withInitialState } from "./models";
export type { CellModel, Mesh, ModelName, ModelOptions, ElectrodeSoh, SurfaceStoichiometryRange } from "./models";
export { withLumpedThermal, lumpedThermalProperties } from "./thermal";
export type { ThermalOption, HeatSources, ThermalProperties } from "./thermal";
export { Experiment, parseStep, step, defaultDuration, describeUntil, stepConditions, ExperimentSyntaxError, ExperimentError } from "./experiment";
export type { ExperimentStep, ExperimentOptions, ExperimentTermination, StepKind, StepUntil, VariableUntil, UntilInput, ValueFunction, StepOptions, StepInput, CellRatings, DriveCycle, DriveCycleInput } from "./experiment";
export { simulate, Solution, requiredParameters } from "./simulation";
export type { SimulateOptions, CycleSummary, StepLogEntry, SolveStats, Protocol } from "./simulation";
export { Integrator, SolverError, checkSolverOptions, controlTarget, controlIntegral, RELEASED_STATE } from "./solver";
export type { DaeSystem, Control, ControlProfile, StepEvent, SolverOptions } from "./solver";
export { BandedMatrix } from "./banded";
export { CondensedLU, bandPattern, colourColumns, colouredJacobian, columnIndex, patternFromRows, withoutGlobalCouplings, isolateColumns } from "./sparse";
export type { SparsityPattern, ColumnIndex, Colouring } from "./sparse";
export { basicSpm } from "./basic-spm";
export type { BasicSpmOptions, BasicSpmResult } from "./basic-spm";
export { ecker1C, ecker5C, graphiteLGM50OcpChen2020, nmcLGM50OcpChen2020, graphiteOcpEcker2015, ncoOcpEcker2015 } from "./data/tables";
export type { Table2 } from "./data/tables";
export { fitParameters, twoSidedTQuantile } from "./fit";
export type { FitOptions, FitResult } from "./fit";
export { plotVoltage, plotProfiles } from "./plots";
export type { PlotVoltageOptions } from "./plots";
