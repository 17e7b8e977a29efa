import { once } from 'node:events';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Reads the whole request body as UTF-8 text. */
export async function readBodyText(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) {
    parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Parses JSON text, answering `undefined` instead of throwing when it is malformed. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends a complete answer; objects are serialized as JSON, strings are sent verbatim. */
export function sendBody(
  response: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: unknown,
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  // Header names are case-insensitive: the last spelling given wins, as with setHeader.
  const merged = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  response.writeHead(status, { ...merged, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Waits `ms` milliseconds; rejects with an AbortError as soon as `signal` aborts. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms > 0) await sleep(ms, undefined, { signal });
}

/** Writes one chunk of a streamed answer, waiting for the socket to drain when it is full. */
export async function writeChunk(
  response: ServerResponse,
  chunk: string,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  if (!response.write(chunk)) await once(response, 'drain', { signal });
}

/**
 * Waits until everything written to the response has left the process, so that a reset
 * that follows cannot swallow data the client was meant to receive.
 */
export async function waitUntilFlushed(
  response: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const socket = response.socket;
  while (socket !== null && (response.writableLength > 0 || socket.writableLength > 0)) {
    await pause(1, signal);
  }
}

/** Drops the connection under `response` with a TCP reset (the client sees ECONNRESET). */
export function resetConnection(response: ServerResponse): void {
  const socket = response.socket;
  if (socket !== null && !socket.destroyed) socket.resetAndDestroy();
}
