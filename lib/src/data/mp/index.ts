/**
 * `battery-mi/data` Materials Project client (re-exported from `battery-mi/data`).
 * @packageDocumentation
 */
export { MPClient, MPError, redact, queryToParams, MP_DEFAULT_ENDPOINT, MP_MAX_LIMIT } from "./client";
export type { MPClientOptions, SummaryDoc, SummaryQuery, InsertionElectrodeDoc, InsertionElectrodeQuery, Range, FetchLike } from "./client";
export { MaterialsProject, querySnapshot, insertionElectrodeSnapshot, summarySnapshot } from "./snapshot";
export type { MaterialsProjectOptions, MPResult, Snapshot } from "./snapshot";
