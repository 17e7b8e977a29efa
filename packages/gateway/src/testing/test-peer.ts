import { request as httpRequest } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';

/** How long a test waits for a frame before failing, in ms. */
const FRAME_TIMEOUT_MS = 2_000;

/** A raw `ws` client that records every frame, for asserting exact wire messages. */
export class TestPeer {
  readonly socket: WebSocket;
  /** Resolves with the close code and reason once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #frames: string[] = [];
  readonly #waiters: Array<(text: string) => void> = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      const waiter = this.#waiters.shift();
      if (waiter) waiter(text);
      else this.#frames.push(text);
    });
  }

  /** Opens a connection and waits until the upgrade succeeded. */
  static async open(url: string, options: ClientOptions = {}): Promise<TestPeer> {
    const socket = new WebSocket(url, options);
    const peer = new TestPeer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return peer;
  }

  /** The next frame as text. */
  nextText(): Promise<string> {
    const buffered = this.#frames.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(onFrame), 1);
        reject(new Error(`No frame within ${FRAME_TIMEOUT_MS} ms`));
      }, FRAME_TIMEOUT_MS);
      const onFrame = (text: string): void => {
        clearTimeout(timer);
        resolve(text);
      };
      this.#waiters.push(onFrame);
    });
  }

  /** The next frame, parsed. */
  async next(): Promise<unknown> {
    return JSON.parse(await this.nextText()) as unknown;
  }

  /** The frames received and not read yet, parsed, without waiting for more. */
  takeBuffered(): unknown[] {
    return this.#frames.splice(0).map((text) => JSON.parse(text) as unknown);
  }

  /** Resolves when no frame arrives within `waitMs`; rejects with the frame otherwise. */
  async expectSilence(waitMs = 100): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const unexpected = this.#frames.shift();
    if (unexpected !== undefined) throw new Error(`Unexpected frame: ${unexpected}`);
  }

  /** Sends a value as JSON, or a string as is. */
  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Sends a request and returns the next frame (the response, when nothing else is due). */
  async call(id: number, method: string, params?: unknown): Promise<unknown> {
    this.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    return this.next();
  }

  /** Closes the socket and waits for it to close. */
  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}

/** What a refused upgrade answered. */
export interface UpgradeRefusal {
  status: number;
  body: string;
}

/**
 * Sends a raw upgrade request and reports the HTTP answer when it is not a 101; rejects
 * when the upgrade succeeded.
 */
export function attemptUpgrade(options: {
  port: number;
  path?: string;
  headers?: Record<string, string>;
}): Promise<UpgradeRefusal> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port: options.port,
      path: options.path ?? '/',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
        'Sec-WebSocket-Version': '13',
        ...options.headers,
      },
    });
    request.on('upgrade', (_response, socket) => {
      socket.destroy();
      reject(new Error('The upgrade unexpectedly succeeded'));
    });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
