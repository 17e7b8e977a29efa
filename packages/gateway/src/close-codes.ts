/** WebSocket close codes the gateway uses. 4xxx codes mirror the HTTP status they stand for. */
export const CLOSE_CODES = {
  /** The gateway is shutting down. */
  GOING_AWAY: 1001,
  /** The peer sent a binary frame; only text frames are accepted. */
  UNSUPPORTED_DATA: 1003,
  /** The peer stopped reading and its outbound buffer passed `maxBufferedBytes`. */
  POLICY_VIOLATION: 1008,
  /** A frame exceeded `maxPayloadBytes`. */
  MESSAGE_TOO_BIG: 1009,
  /** The token in `connect` was wrong. */
  UNAUTHORIZED: 4401,
  /** No valid `connect` arrived within `handshakeTimeoutMs`. */
  HANDSHAKE_TIMEOUT: 4408,
  /** The address is locked out after repeated authentication failures. */
  LOCKED_OUT: 4429,
} as const;

/** One of {@link CLOSE_CODES}. */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
