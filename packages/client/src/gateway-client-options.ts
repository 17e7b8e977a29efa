import type { Resume } from '@clawgate/protocol';

/** Options of `GatewayClient.connect`. */
export interface GatewayClientOptions {
  /** Gateway address, e.g. `'ws://127.0.0.1:18789'`. Never put the token in it. */
  url: string;
  token: string;
  /** `'header'` (default) sends `Authorization: Bearer`; `'frame'` sends a `connect` frame. */
  auth?: 'header' | 'frame';
  /** Default timeout of each request, in milliseconds. Default 30 000. */
  requestTimeoutMs?: number;
  /** Longest the whole handshake may take, in milliseconds. Default 10 000. */
  connectTimeoutMs?: number;
  /** Sent as `connect.client.name`. Default `'@clawgate/client'`. */
  clientName?: string;
  /** Sent as `connect.client.version`. */
  clientVersion?: string;
  /** Resume a gateway session: its id and the last `seq` seen. */
  resume?: Resume;
  /** Extra upgrade headers, e.g. `Origin`. */
  headers?: Record<string, string>;
}

/** {@link GatewayClientOptions} with defaults applied. */
export type ResolvedGatewayClientOptions = Required<
  Omit<GatewayClientOptions, 'resume' | 'clientVersion'>
> &
  Pick<GatewayClientOptions, 'resume' | 'clientVersion'>;

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Applies defaults and checks every option; throws a `RangeError` naming a bad one. */
export function resolveGatewayClientOptions(
  options: GatewayClientOptions,
): ResolvedGatewayClientOptions {
  const url = new URL(options.url);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new RangeError(`url must use ws: or wss:, got ${url.protocol}`);
  }
  if (typeof options.token !== 'string' || options.token.length === 0) {
    throw new RangeError('token must be a non-empty string');
  }

  return {
    ...options,
    auth: options.auth ?? 'header',
    requestTimeoutMs: requirePositiveInteger(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? 30_000,
    ),
    connectTimeoutMs: requirePositiveInteger(
      'connectTimeoutMs',
      options.connectTimeoutMs ?? 10_000,
    ),
    clientName: options.clientName ?? '@clawgate/client',
    headers: options.headers ?? {},
  };
}
