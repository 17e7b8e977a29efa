import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** The token the scripted gateway accepts. */
export const SCRIPTED_TOKEN = 'scripted-token';

/** What the scripted gateway answers a request with; `undefined` means no answer at all. */
export type ScriptedReply =
  { result: unknown } | { error: { code: number; message: string; data?: unknown } } | undefined;

/** The `connected` params the scripted gateway sends. */
export const SCRIPTED_CONNECTED = {
  sessionId: 'session-1',
  connectionId: 'connection-1',
  protocol: 1,
  resumed: false,
  heartbeatMs: 30_000,
  maxPayloadBytes: 1_048_576,
};

/**
 * A loopback WebSocket peer playing the gateway's side of the wire by script, so the client
 * can be tested without the gateway package. It checks the token the way the protocol says:
 * a bearer header on the upgrade, or a first `connect` frame.
 */
export class ScriptedGateway {
  readonly url: string;
  /** Every frame received from clients, parsed. */
  readonly received: unknown[] = [];
  /** Sockets of the connected clients. */
  readonly sockets: WebSocket[] = [];
  /** Notifications sent right after `connected`, to every new client. */
  readonly greeting: unknown[] = [];
  /** The token accepted from now on; change it to revoke the old one. */
  token = SCRIPTED_TOKEN;
  /** The `connected` params sent from now on; a `connect` with `resume` gets `resumed: true`. */
  connected: typeof SCRIPTED_CONNECTED = { ...SCRIPTED_CONNECTED };
  /** Notifications sent after `connected` to a client that resumed, as a replay. */
  readonly replay: unknown[] = [];
  /** When set, every upgrade is refused with this HTTP status and JSON body. */
  refuseUpgrades: { status: number; body: unknown } | undefined;
  readonly #httpServer: Server;
  readonly #handlers = new Map<string, (params: unknown) => ScriptedReply>();

  private constructor(httpServer: Server, url: string) {
    this.#httpServer = httpServer;
    this.url = url;
  }

  /** Starts the scripted gateway on 127.0.0.1 and a free port. */
  static async start(): Promise<ScriptedGateway> {
    const httpServer = createServer();
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = httpServer.address() as AddressInfo;
    const gateway = new ScriptedGateway(httpServer, `ws://127.0.0.1:${port}`);
    gateway.#acceptUpgrades();
    return gateway;
  }

  /** Scripts the answer to a method. */
  handle(method: string, handler: (params: unknown) => ScriptedReply): void {
    this.#handlers.set(method, handler);
  }

  /** Sends a frame to every connected client. */
  broadcast(value: unknown): void {
    for (const socket of this.sockets) socket.send(JSON.stringify(value));
  }

  /** Closes every client socket and the server. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => {
      this.#httpServer.close(() => resolve());
      this.#httpServer.closeAllConnections();
    });
  }

  #acceptUpgrades(): void {
    const webSocketServer = new WebSocketServer({ noServer: true });
    this.#httpServer.on('upgrade', (request, socket, head) => {
      const authorization = request.headers.authorization;
      if (this.refuseUpgrades !== undefined) {
        const body = JSON.stringify(this.refuseUpgrades.body);
        socket.end(
          `HTTP/1.1 ${this.refuseUpgrades.status} Refused\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      if (authorization !== undefined && authorization !== `Bearer ${this.token}`) {
        const body =
          '{"error":{"code":"UNAUTHORIZED","message":"Invalid or missing bearer token"}}';
        socket.end(
          `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      webSocketServer.handleUpgrade(request, socket, head, (webSocket) => {
        this.sockets.push(webSocket);
        if (authorization !== undefined) this.#greet(webSocket);
        webSocket.on('message', (data: Buffer) => this.#onFrame(webSocket, data.toString('utf8')));
      });
    });
  }

  #greet(socket: WebSocket, resumed = false): void {
    const params = { ...this.connected, resumed };
    socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'connected', params }));
    for (const notification of resumed ? this.replay : []) {
      socket.send(JSON.stringify(notification));
    }
    for (const notification of this.greeting) socket.send(JSON.stringify(notification));
  }

  #onFrame(socket: WebSocket, text: string): void {
    const frame = JSON.parse(text) as {
      id?: number;
      method: string;
      params?: { token?: string; resume?: unknown };
    };
    this.received.push(frame);

    if (frame.method === 'connect') {
      if (frame.params?.token !== this.token) {
        const error = { code: -32001, message: 'Invalid token', data: { code: 'UNAUTHORIZED' } };
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: frame.id, error }));
        socket.close(4401, 'Unauthorized');
        return;
      }
      const resumed = frame.params?.resume !== undefined;
      const result = { ...this.connected, resumed };
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: frame.id, result }));
      this.#greet(socket, resumed);
      return;
    }

    const reply = this.#handlers.get(frame.method)?.(frame.params);
    if (reply === undefined || frame.id === undefined) return;
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: frame.id, ...reply }));
  }
}
