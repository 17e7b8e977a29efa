/** WebSocket close codes the gateway uses. 4xxx codes mirror the HTTP status they stand for. */
export const CLOSE_CODES = {
  /** The gateway is shutting down. */
  GOING_AWAY: 1001,
  /** The peer sent a binary frame; only text frames are accepted. */
  UNSUPPORTED_DATA: 1003,
  /** A frame exceeded `maxPayloadBytes` (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** The token in `connect` was wrong. */
  UNAUTHORIZED: 4401,
  /** No valid `connect` arrived within `handshakeTimeoutMs`. */
  HANDSHAKE_TIMEOUT: 4408,
} as const;

/** One of {@link CLOSE_CODES}. */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
