const protocolMismatchErrorBrand = Symbol.for('@clawgate/client/ProtocolMismatchError');

/** The gateway speaks another protocol version than this client; reconnecting cannot help. */
export class ProtocolMismatchError extends Error {
  override readonly name = 'ProtocolMismatchError';
  readonly serverProtocol: number;
  readonly clientProtocol: number;
  readonly [protocolMismatchErrorBrand] = true;

  constructor(serverProtocol: number, clientProtocol: number) {
    super(
      `The gateway speaks protocol ${serverProtocol}; this client speaks ${clientProtocol}. Upgrade the older side.`,
    );
    this.serverProtocol = serverProtocol;
    this.clientProtocol = clientProtocol;
  }
}

/** Type guard for {@link ProtocolMismatchError}, also across copies of this package. */
export function isProtocolMismatchError(value: unknown): value is ProtocolMismatchError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[protocolMismatchErrorBrand] === true
  );
}
