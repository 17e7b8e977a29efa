const busClosedErrorBrand = Symbol.for('@clawgate/bus/BusClosedError');

/** Rejects a publish on a closed channel, or one still waiting for room when it closed. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
  readonly [busClosedErrorBrand] = true;

  constructor() {
    super('The message channel is closed');
  }
}

/** Type guard for {@link BusClosedError}, also across copies of this package. */
export function isBusClosedError(value: unknown): value is BusClosedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[busClosedErrorBrand] === true
  );
}
