/**
 * `battery-mi/notebook`: notebooks as data and as programs.
 *
 * - nbformat 4 types, {@link readNotebook} / {@link writeNotebook};
 * - {@link checkNotebookHygiene}: the project's rules for committed notebooks (ids, kernelspec, no
 *   outputs, nbgrader metadata);
 * - a headless runner without Python: {@link KernelClient} (Jupyter messaging 5.3 over zeromq),
 *   {@link findKernelSpec}, {@link executeNotebook}, {@link executeNotebooks}, {@link formatSummary}.
 *
 * @example
 * ```ts
 * import { executeNotebooks, formatSummary } from "battery-mi/notebook";
 * const results = await executeNotebooks(["notebooks/2.1-descriptors.ipynb"], { timeoutSeconds: 120 });
 * console.log(formatSummary(results));
 * ```
 * @packageDocumentation
 */
export {
  type Cell,
  type CellMetadata,
  type CodeCell,
  type DisplayDataOutput,
  type ErrorOutput,
  type ExecuteResultOutput,
  type MarkdownCell,
  type MimeBundle,
  type MultilineString,
  type NbgraderCellMetadata,
  type Notebook,
  type NotebookMetadata,
  type Output,
  type RawCell,
  type StreamOutput,
  joinSource,
  NotebookFormatError,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  splitLines,
  writeNotebook,
} from "./nbformat";
export { CELL_ID_PATTERN, checkNotebookHygiene, EXPECTED_KERNEL, formatHygieneProblem, type HygieneProblem } from "./hygiene";
export {
  findKernelSpec,
  KernelNotFoundError,
  kernelSearchPath,
  listKernelSpecs,
  PROJECT_ROOT,
  readKernelSpec,
  type KernelSearchOptions,
  type KernelSpec,
} from "./kernelspec";
export { decodeMessage, encodeMessage, createMessage, ProtocolError, PROTOCOL_VERSION, type JupyterMessage, type MessageHeader } from "./protocol";
export { DisplayRegistry, OutputCollector } from "./outputs";
export {
  findFreePorts,
  KernelClient,
  KernelDiedError,
  killAllKernels,
  type ConnectionInfo,
  type ExecuteOutcome,
  type ExecuteRequestOptions,
  type ExecuteStatus,
  type KernelClientOptions,
  type KernelDeath,
} from "./kernel";
export {
  executeNotebook,
  executeNotebookObject,
  executeNotebooks,
  formatFailure,
  formatSummary,
  statusLabel,
  type CellEvent,
  type CellResult,
  type ExecuteOptions,
  type ExecutionResult,
  type NotebookFailure,
  type NotebookStatus,
} from "./runner";
export { defaultNotebooks, EXECUTE_USAGE, parseExecuteArgs, runExecuteCli, type ExecuteCliArgs } from "./cli";
