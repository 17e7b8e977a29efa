import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** The body of every HTTP error the gateway sends: `{"error":{"code":...,"message":...}}`. */
export interface HttpErrorBody {
  error: { code: string; message: string; retryAfterMs?: number };
}

/** Builds an {@link HttpErrorBody}. */
export function httpErrorBody(
  code: string,
  message: string,
  extra: { retryAfterMs?: number } = {},
): HttpErrorBody {
  return { error: { code, message, ...extra } };
}

/** Sends a JSON response and ends it. */
export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/** Answers an upgrade request with a plain HTTP JSON response instead, then closes the socket. */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  body: HttpErrorBody,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');

  if (socket.writable) socket.end(head + text);
  else socket.destroy();
}
