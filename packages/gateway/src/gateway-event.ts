/** Why a peer was refused. Never carries the offered token. */
export type AuthFailureReason =
  | 'invalid_token'
  | 'token_in_url'
  | 'origin_not_allowed'
  | 'handshake_timeout'
  | 'not_authenticated'
  /** The address is locked out after repeated failures. */
  | 'locked_out'
  /** A `resume` named a session that another token created. */
  | 'foreign_session';

/** How a connection authenticated: `Authorization` header on the upgrade, or `connect` frame. */
export type AuthMethod = 'header' | 'frame';

/**
 * Everything the gateway reports, as a discriminated union on `type`. The gateway never
 * logs; the app subscribes through `GatewayOptions.onEvent`.
 */
export type GatewayEvent =
  | { type: 'listening'; host: string; port: number }
  | {
      type: 'connection.opened';
      connectionId: string;
      sessionId: string;
      remoteAddress: string;
      resumed: boolean;
      auth: AuthMethod;
    }
  | {
      type: 'connection.closed';
      connectionId: string;
      /** Absent when the connection never authenticated. */
      sessionId?: string;
      remoteAddress: string;
      /** WebSocket close code, e.g. 1000, 1006 after a heartbeat timeout, 4401. */
      code: number;
      reason: string;
    }
  | {
      type: 'auth.failed';
      remoteAddress: string;
      reason: AuthFailureReason;
      /** Absent when the upgrade itself was refused. */
      connectionId?: string;
    }
  | {
      type: 'handler.error';
      method: string;
      connectionId: string;
      sessionId: string;
      /** The thrown value, untouched (the client only saw `toWireError` of it). */
      error: unknown;
      /** Whether it was an `RpcError`, i.e. an answer the handler meant to give. */
      expected: boolean;
    }
  | { type: 'heartbeat.timeout'; connectionId: string; sessionId?: string; remoteAddress: string }
  | { type: 'auth.locked'; remoteAddress: string; lockoutMs: number }
  | {
      type: 'rate.limited';
      connectionId: string;
      method: string;
      reason: 'concurrency' | 'rate';
    }
  | {
      /** The peer stopped reading; it was disconnected, its session kept for resume. */
      type: 'slow.consumer';
      connectionId: string;
      sessionId?: string;
      bufferedBytes: number;
    }
  | { type: 'payload.too_large'; connectionId: string; bytes: number };

/** The `type` of a {@link GatewayEvent}. */
export type GatewayEventType = GatewayEvent['type'];

/** Receives every {@link GatewayEvent}; errors it throws are ignored. */
export type GatewayEventListener = (event: GatewayEvent) => void;
