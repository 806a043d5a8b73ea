/** Raised when an electrochemistry calculation receives input it cannot use; the message says what and where. */
export class ElectrochemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ElectrochemError";
  }
}

/** Throws an {@link ElectrochemError} unless `value` is a finite number (and positive when asked). */
export function requireFinite(value: number, what: string, opts: { positive?: boolean; nonNegative?: boolean } = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ElectrochemError(`${what} must be a finite number, got ${String(value)}`);
  }
  if (opts.positive && !(value > 0)) throw new ElectrochemError(`${what} must be > 0, got ${value}`);
  if (opts.nonNegative && !(value >= 0)) throw new ElectrochemError(`${what} must be >= 0, got ${value}`);
  return value;
}
