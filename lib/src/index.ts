/**
 * battery-mi: battery materials informatics in TypeScript.
 *
 * The library is split by what a reader looks for; import the area you need:
 * `battery-mi/data`, `battery-mi/descriptors`, `battery-mi/structure`, `battery-mi/electrochem`,
 * `battery-mi/models`, `battery-mi/nn`, `battery-mi/optimize`, `battery-mi/simulate`, `battery-mi/plot`,
 * `battery-mi/notebook`.
 *
 * @packageDocumentation
 */

/** The library's version, as in its package.json. */
export const VERSION = "0.1.0";
