import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyTimeout, BodyTooLarge, readBody } from './read-body.js';

let server: Server;
let port: number;
const outcomes: unknown[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    readBody(request, { maxBytes: 100, timeoutMs: 150 }).then(
      (body) => {
        outcomes.push(body);
        response.end('ok');
      },
      (error: unknown) => {
        outcomes.push(error);
        response.destroy();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends the raw request text and leaves the socket open. */
function send(text: string): void {
  const socket = connect(port, '127.0.0.1', () => socket.write(text));
  socket.on('error', () => undefined);
  setTimeout(() => socket.destroy(), 1_000).unref();
}

describe('readBody', () => {
  it('reads a whole body', async () => {
    outcomes.length = 0;
    send('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello');
    await expect.poll(() => outcomes).toEqual(['hello']);
  });

  it('refuses a body declared or sent larger than maxBytes', async () => {
    outcomes.length = 0;
    send('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 101\r\n\r\n');
    send(
      `POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n65\r\n${'x'.repeat(101)}\r\n`,
    );
    await expect.poll(() => outcomes.length).toBe(2);
    expect(outcomes.every((outcome) => outcome instanceof BodyTooLarge)).toBe(true);
  });

  it('gives up on a body that stops arriving', async () => {
    outcomes.length = 0;
    send('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\nonly part');
    await expect.poll(() => outcomes.length).toBe(1);
    expect(outcomes[0]).toBeInstanceOf(BodyTimeout);
    expect((outcomes[0] as Error).message).toBe('the body did not arrive within 150 ms');
  });
});
