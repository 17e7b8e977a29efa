import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorBody, writeJson } from './http-responses.js';

/**
 * Answers plain HTTP: `GET /healthz` (process is up), `GET /readyz` (200 when `isReady`
 * says so, else 503) and a JSON 404 for anything else.
 */
export function handleHttpRequest(
  request: IncomingMessage,
  response: ServerResponse,
  isReady: () => boolean,
): void {
  const path = new URL(request.url ?? '/', 'http://gateway.invalid').pathname;
  const isRead = request.method === 'GET' || request.method === 'HEAD';

  if (isRead && path === '/healthz') {
    writeJson(response, 200, { ok: true });
    return;
  }

  if (isRead && path === '/readyz') {
    const ready = isReady();
    writeJson(response, ready ? 200 : 503, { ok: ready });
    return;
  }

  writeJson(response, 404, httpErrorBody('NOT_FOUND', 'Not found'));
}
