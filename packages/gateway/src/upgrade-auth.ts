import type { IncomingMessage } from 'node:http';
import type { AuthFailureReason } from './gateway-event.js';
import { httpErrorBody, type HttpErrorBody } from './http-responses.js';
import { matchToken } from './token-match.js';

/** What to do with a WebSocket upgrade request, decided before the upgrade. */
export type UpgradeDecision =
  /** `tokenIndex`: which accepted token the peer presented (sessions are bound to it). */
  | { kind: 'authenticated'; tokenIndex: number }
  | { kind: 'awaiting-connect' }
  | { kind: 'rejected'; status: number; reason: AuthFailureReason; body: HttpErrorBody };

/** Inputs of {@link decideUpgrade}. */
export interface UpgradeAuthOptions {
  tokens: readonly string[];
  /** Lower-case origins allowed when the request carries an `Origin` header. */
  allowedOrigins: ReadonlySet<string>;
}

/** Query parameters that carry credentials by convention, compared without case. */
const urlTokenParameters = new Set([
  'token',
  'access_token',
  'access-token',
  'auth',
  'authorization',
  'bearer',
  'api_key',
  'apikey',
  'key',
]);

/** A credential-named query parameter, or an accepted token anywhere in the URL. */
function hasTokenInUrl(url: string | undefined, tokens: readonly string[]): boolean {
  const raw = url ?? '/';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape is checked as it is.
  }
  if (tokens.some((token) => raw.includes(token) || decoded.includes(token))) return true;
  const parameters = new URL(raw, 'http://gateway.invalid').searchParams;
  return [...parameters.keys()].some((name) => urlTokenParameters.has(name.toLowerCase()));
}

/**
 * Checks an upgrade request: tokens in the URL are refused (400), a foreign `Origin` is
 * refused (403), a wrong `Authorization: Bearer` token is refused (401). Without an
 * `Authorization` header the peer may upgrade and authenticate with a `connect` frame.
 */
export function decideUpgrade(
  request: IncomingMessage,
  options: UpgradeAuthOptions,
): UpgradeDecision {
  if (hasTokenInUrl(request.url, options.tokens)) {
    return {
      kind: 'rejected',
      status: 400,
      reason: 'token_in_url',
      body: httpErrorBody(
        'UNAUTHORIZED',
        'Tokens in the URL are not accepted; use the Authorization header or a connect frame',
      ),
    };
  }

  const origin = request.headers.origin;
  if (origin !== undefined && !options.allowedOrigins.has(origin.toLowerCase())) {
    return {
      kind: 'rejected',
      status: 403,
      reason: 'origin_not_allowed',
      body: httpErrorBody('UNAUTHORIZED', 'Origin not allowed'),
    };
  }

  const authorization = request.headers.authorization;
  if (authorization === undefined) return { kind: 'awaiting-connect' };

  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const tokenIndex = match?.[1] === undefined ? undefined : matchToken(options.tokens, match[1]);
  if (tokenIndex === undefined) {
    return {
      kind: 'rejected',
      status: 401,
      reason: 'invalid_token',
      body: httpErrorBody('UNAUTHORIZED', 'Invalid or missing bearer token'),
    };
  }
  return { kind: 'authenticated', tokenIndex };
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The origins allowed by default for a gateway bound to `host:port`: its own address, and
 * when bound to loopback, every loopback spelling of it.
 */
export function defaultAllowedOrigins(host: string, port: number): string[] {
  const hostForUrl = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const hosts = loopbackHosts.has(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [hostForUrl];
  return hosts.flatMap((name) => [`http://${name}:${port}`, `https://${name}:${port}`]);
}

/** Normalises configured origins for comparison with `Origin` headers. */
export function normaliseOrigins(origins: readonly string[]): Set<string> {
  return new Set(origins.map((origin) => origin.trim().replace(/\/+$/, '').toLowerCase()));
}
