import type { IncomingMessage } from 'node:http';

/** The request body was longer than allowed. */
export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the body is larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/** The request body did not arrive in time. */
export class BodyTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the body did not arrive within ${timeoutMs} ms`);
    this.name = 'BodyTimeout';
  }
}

/**
 * Reads a request body as UTF-8 text, up to `maxBytes` and within `timeoutMs`. A longer body,
 * by its content-length or as it arrives, rejects with {@link BodyTooLarge} without reading
 * more; a body still incomplete after `timeoutMs` rejects with {@link BodyTimeout}.
 */
export async function readBody(
  request: IncomingMessage,
  options: { maxBytes: number; timeoutMs: number },
): Promise<string> {
  const { maxBytes, timeoutMs } = options;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLarge(maxBytes);

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    request.pause();
    request.emit('error', new BodyTimeout(timeoutMs));
  }, timeoutMs);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > maxBytes) throw new BodyTooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    throw timedOut ? new BodyTimeout(timeoutMs) : error;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
