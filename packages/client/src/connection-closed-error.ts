const connectionClosedErrorBrand = Symbol.for('@clawgate/client/ConnectionClosedError');

/** The socket closed before a response (or before the handshake finished). */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  /** WebSocket close code, e.g. 1001 when the gateway shuts down, 1006 when the link dropped. */
  readonly closeCode: number;
  readonly closeReason: string;
  readonly [connectionClosedErrorBrand] = true;

  constructor(closeCode: number, closeReason: string) {
    super(`Connection closed (${closeCode}${closeReason ? `: ${closeReason}` : ''})`);
    this.closeCode = closeCode;
    this.closeReason = closeReason;
  }
}

/** Type guard for {@link ConnectionClosedError}, also across copies of this package. */
export function isConnectionClosedError(value: unknown): value is ConnectionClosedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[connectionClosedErrorBrand] === true
  );
}
