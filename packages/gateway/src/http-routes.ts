import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorBody, writeJson } from './http-responses.js';

/**
 * Answers one HTTP request on a path the app registered with `Gateway.httpRoute`. It owns
 * the response: it reads the body, checks the method and authenticates the caller itself.
 */
export type HttpRouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => void | Promise<void>;

/**
 * Answers plain HTTP: `GET /healthz` (process is up), `GET /readyz` (200 when `isReady`
 * says so, else 503), the app's own routes, and a JSON 404 for anything else. A route that
 * throws gets a JSON 500 without the error's details, if it has not answered yet.
 */
export function handleHttpRequest(
  request: IncomingMessage,
  response: ServerResponse,
  isReady: () => boolean,
  routes: ReadonlyMap<string, HttpRouteHandler> = new Map(),
): void {
  const path = new URL(request.url ?? '/', 'http://gateway.invalid').pathname;
  const isRead = request.method === 'GET' || request.method === 'HEAD';

  const route = routes.get(path);
  if (route) {
    const failed = (): void => {
      if (!response.headersSent)
        writeJson(response, 500, httpErrorBody('INTERNAL', 'Internal error'));
      else response.destroy();
    };
    try {
      Promise.resolve(route(request, response)).catch(failed);
    } catch {
      failed();
    }
    return;
  }

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
