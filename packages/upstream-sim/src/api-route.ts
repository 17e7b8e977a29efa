import type { IncomingHttpHeaders } from 'node:http';

import type { WireApi } from './wire-api.js';

/** The API served at `method` + `pathname`, or undefined when no API route matches. */
export function matchApiRoute(method: string | undefined, pathname: string): WireApi | undefined {
  if (method !== 'POST') return undefined;
  if (pathname === '/v1/chat/completions') return 'openai';
  if (pathname === '/v1/messages') return 'anthropic';
  return undefined;
}

/**
 * The API key a request carries: `Authorization: Bearer <key>` for OpenAI; `x-api-key`
 * (or, as the Anthropic SDK's `authToken` sends it, a bearer token) for Anthropic.
 */
export function readApiKey(api: WireApi, headers: IncomingHttpHeaders): string | null {
  const bearer = /^Bearer\s+(\S.*)$/i.exec(headers.authorization ?? '')?.[1]?.trim() ?? null;
  if (api === 'openai') return bearer;

  const header = headers['x-api-key'];
  const apiKey = (Array.isArray(header) ? header[0] : header)?.trim();
  return apiKey !== undefined && apiKey !== '' ? apiKey : bearer;
}

/**
 * The API whose error shape fits a request that matched no route: Anthropic when it
 * carries Anthropic headers, OpenAI otherwise.
 */
export function guessApi(headers: IncomingHttpHeaders): WireApi {
  return headers['x-api-key'] !== undefined || headers['anthropic-version'] !== undefined
    ? 'anthropic'
    : 'openai';
}
