import { createHash } from 'node:crypto';
import type { GatewayEventListener } from './gateway-event.js';

/** Options of a `Gateway`. */
export interface GatewayOptions {
  /** Interface to bind; default `'127.0.0.1'`. */
  host?: string;
  /** Port to bind; default 18789; 0 picks a free port. */
  port?: number;
  /** The shared secret clients must present. Required, non-empty. */
  token: string;
  /**
   * More accepted tokens, e.g. one per client. A session is bound to the token that created
   * it: only that token can resume it.
   */
  tokens?: readonly string[];
  /**
   * Locking an address out after repeated authentication failures. Defaults: 5 failures
   * within 60 000 ms lock it out for 60 000 ms.
   */
  lockout?: { maxFailures?: number; windowMs?: number; lockoutMs?: number };
  /** Most elements of one batch; a longer batch gets `PAYLOAD_TOO_LARGE`. Default 100. */
  maxBatchElements?: number;
  /** Most open WebSocket connections; more upgrades get HTTP 503. Default 1024. */
  maxConnections?: number;
  /** Calls one connection may have running at once; more get `RATE_LIMITED`. Default 64. */
  maxInFlightPerConnection?: number;
  /** Calls per second one connection may sustain; more get `RATE_LIMITED`. Default 100. */
  requestsPerSecond?: number;
  /** Calls one connection may make in a burst above `requestsPerSecond`. Default 200. */
  requestBurst?: number;
  /**
   * Bytes queued for one peer that has stopped reading before it is disconnected (close
   * 1008); its session keeps the events for a resume. Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /** Interval between pings; a peer that misses one pong is dropped. Default 30 000 ms. */
  heartbeatMs?: number;
  /**
   * Largest accepted frame, in bytes. A larger one gets a `PAYLOAD_TOO_LARGE` error and a
   * close with 1009. Default 1 MiB.
   */
  maxPayloadBytes?: number;
  /** Time a frame-authenticating peer has to send `connect`, in ms. Default 10 000. */
  handshakeTimeoutMs?: number;
  /** Version string of the app, exposed as `gateway.version`. Default `'0.0.0'`. */
  version?: string;
  /**
   * Origins a browser (a request with an `Origin` header) may connect from. Default: the
   * gateway's own `http://<host>:<port>`, plus the localhost forms when bound to loopback.
   */
  allowedOrigins?: readonly string[];
  /** Most events kept per session for resume. Default 1000. */
  replayBufferSize?: number;
  /**
   * Most bytes of events kept per session for resume, so a session whose client went away
   * cannot hold unbounded memory; the oldest go first. Default 4 194 304 (4 MiB).
   */
  replayBufferBytes?: number;
  /**
   * How long events stay replayable, and how long a session without connections survives,
   * in milliseconds. Default 5 min.
   */
  resumeWindowMs?: number;
  /** Receives every gateway event. */
  onEvent?: GatewayEventListener;
}

/** {@link GatewayOptions} with every default applied. */
export interface ResolvedGatewayOptions {
  host: string;
  port: number;
  /** Every accepted token, `token` first. */
  tokens: readonly string[];
  /** The principal of each token, same order: see {@link principalOf}. */
  principals: readonly string[];
  lockout: { maxFailures: number; windowMs: number; lockoutMs: number };
  maxInFlightPerConnection: number;
  maxBatchElements: number;
  maxConnections: number;
  requestsPerSecond: number;
  requestBurst: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
  maxPayloadBytes: number;
  handshakeTimeoutMs: number;
  version: string;
  allowedOrigins: readonly string[] | undefined;
  replayBufferSize: number;
  replayBufferBytes: number;
  resumeWindowMs: number;
  onEvent: GatewayEventListener | undefined;
}

/** Default {@link GatewayOptions.port}. */
export const DEFAULT_GATEWAY_PORT = 18789;

/** Default {@link GatewayOptions.maxPayloadBytes}: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

function requireInteger(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer >= ${minimum}, got ${String(value)}`);
  }
  return value;
}

/**
 * The principal of a token: `token-` and the first 16 hex digits of its SHA-256. It names
 * the token, not its place in the configuration, so data scoped by it stays with the token
 * when tokens are added, removed or reordered; a digest that short reveals nothing of it.
 */
export function principalOf(token: string): string {
  return `token-${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

/** Applies defaults and checks every option; throws a `RangeError` naming a bad one. */
export function resolveGatewayOptions(options: GatewayOptions): ResolvedGatewayOptions {
  const tokens = [options.token, ...(options.tokens ?? [])];
  tokens.forEach((token, index) => {
    if (typeof token !== 'string' || token.length === 0) {
      // The value is a secret, so the message names the option only.
      throw new RangeError(
        index === 0
          ? 'token must be a non-empty string'
          : `tokens[${index - 1}] must be a non-empty string`,
      );
    }
  });

  const port = requireInteger('port', options.port ?? DEFAULT_GATEWAY_PORT, 0);
  if (port > 65_535) throw new RangeError(`port must be <= 65535, got ${port}`);

  return {
    host: options.host ?? '127.0.0.1',
    port,
    tokens,
    principals: tokens.map(principalOf),
    lockout: {
      maxFailures: requireInteger('lockout.maxFailures', options.lockout?.maxFailures ?? 5, 1),
      windowMs: requireInteger('lockout.windowMs', options.lockout?.windowMs ?? 60_000, 1),
      lockoutMs: requireInteger('lockout.lockoutMs', options.lockout?.lockoutMs ?? 60_000, 1),
    },
    maxInFlightPerConnection: requireInteger(
      'maxInFlightPerConnection',
      options.maxInFlightPerConnection ?? 64,
      1,
    ),
    maxBatchElements: requireInteger('maxBatchElements', options.maxBatchElements ?? 100, 1),
    maxConnections: requireInteger('maxConnections', options.maxConnections ?? 1024, 1),
    requestsPerSecond: requireInteger('requestsPerSecond', options.requestsPerSecond ?? 100, 1),
    requestBurst: requireInteger('requestBurst', options.requestBurst ?? 200, 1),
    maxBufferedBytes: requireInteger(
      'maxBufferedBytes',
      options.maxBufferedBytes ?? 8 * 1024 * 1024,
      1,
    ),
    heartbeatMs: requireInteger('heartbeatMs', options.heartbeatMs ?? 30_000, 1),
    maxPayloadBytes: requireInteger(
      'maxPayloadBytes',
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      1,
    ),
    handshakeTimeoutMs: requireInteger(
      'handshakeTimeoutMs',
      options.handshakeTimeoutMs ?? 10_000,
      1,
    ),
    version: options.version ?? '0.0.0',
    allowedOrigins: options.allowedOrigins,
    replayBufferSize: requireInteger('replayBufferSize', options.replayBufferSize ?? 1000, 0),
    replayBufferBytes: requireInteger(
      'replayBufferBytes',
      options.replayBufferBytes ?? 4_194_304,
      0,
    ),
    resumeWindowMs: requireInteger('resumeWindowMs', options.resumeWindowMs ?? 5 * 60_000, 0),
    onEvent: options.onEvent,
  };
}
