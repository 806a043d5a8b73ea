/**
 * Errors raised by battery-mi/descriptors. Every error says what was wrong, where, and what would be valid.
 */

/** Base class of all descriptor errors. */
export class DescriptorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An element symbol that is not in the periodic table. `suggestions` holds the nearest valid symbols. */
export class UnknownElementError extends DescriptorError {
  /**
   * @param symbol the symbol that was asked for
   * @param suggestions nearest valid symbols, best first
   */
  constructor(
    public readonly symbol: string,
    public readonly suggestions: string[],
  ) {
    super(
      `Unknown element symbol "${symbol}"` +
        (suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?` : "") +
        " Valid symbols are H … Og with a capital first letter (e.g. \"Co\", not \"CO\" or \"co\").",
    );
  }
}

/** A property the element tables do not have for this element (e.g. Shannon radius of Co3+ in IV). */
export class MissingElementDataError extends DescriptorError {}

/**
 * A chemical formula that cannot be parsed. `column` is 1-based (the first character is column 1);
 * `reason` says what was wrong and `expected` what would have been valid there.
 */
export class FormulaError extends DescriptorError {
  constructor(
    public readonly formula: string,
    public readonly column: number,
    public readonly reason: string,
    public readonly expected: string,
  ) {
    const caret = formula.length <= 120 ? `\n  ${formula}\n  ${" ".repeat(Math.max(0, column - 1))}^` : "";
    super(`Invalid formula "${formula}" at column ${column}: ${reason}. Expected ${expected}.${caret}`);
  }
}

/** A composition for which oxidation states cannot be guessed (none charge-balanced, or too many combinations). */
export class OxidationStateError extends DescriptorError {}

/** A featurizer could not compute features for one input (e.g. an element lacking Magpie data). */
export class FeaturizationError extends DescriptorError {}
