/** Checks of numeric options, throwing a `RangeError` that names the option and its value. */

/** A count that must be a positive integer. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** A duration in ms: finite and >= `minimum`, or Infinity when `allowInfinity`. */
export function duration(
  name: string,
  value: number,
  options: { minimum: number; allowInfinity?: boolean },
): number {
  const infinite = value === Number.POSITIVE_INFINITY && options.allowInfinity === true;
  if (typeof value !== 'number' || Number.isNaN(value) || (!Number.isFinite(value) && !infinite)) {
    throw new RangeError(`${name} must be a finite number of ms, got ${String(value)}`);
  }
  if (value < options.minimum) {
    throw new RangeError(`${name} must be at least ${options.minimum} ms, got ${String(value)}`);
  }
  return value;
}
