import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AuthLockout } from './auth-lockout.js';
import { CLOSE_CODES } from './close-codes.js';
import { Connection, type ConnectionHost } from './connection.js';
import type { GatewayEvent } from './gateway-event.js';
import {
  resolveGatewayOptions,
  type GatewayOptions,
  type ResolvedGatewayOptions,
} from './gateway-options.js';
import { handleHttpRequest, type HttpRouteHandler } from './http-routes.js';

/** Paths the gateway answers itself. */
const RESERVED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
import { httpErrorBody, rejectUpgrade } from './http-responses.js';
import type { MethodDefinition } from './method-definition.js';
import type { GatewaySession } from './session.js';
import { SessionStore } from './session-store.js';
import { decideUpgrade, defaultAllowedOrigins, normaliseOrigins } from './upgrade-auth.js';

/** Where a gateway listens. */
export interface GatewayAddress {
  host: string;
  port: number;
}

type GatewayState = 'idle' | 'listening' | 'draining' | 'closing' | 'closed';

/** Time a peer gets to finish the closing handshake before it is dropped, in ms. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The clawgate server: one port serving `/healthz`, `/readyz` and the JSON-RPC WebSocket,
 * with token auth, heartbeats, resumable sessions and method dispatch.
 * @example
 * const gateway = new Gateway({ token, port: 0 });
 * gateway.method('health', { params: healthParamsSchema, handler: () => ({ ok: true }) });
 * const { port } = await gateway.listen();
 */
export class Gateway {
  readonly #options: ResolvedGatewayOptions;
  readonly #methods = new Map<string, MethodDefinition<unknown>>();
  readonly #httpRoutes = new Map<string, HttpRouteHandler>();
  readonly #connections = new Set<Connection>();
  readonly #sessions: SessionStore;
  readonly #lockout: AuthLockout;
  readonly #httpServer: Server;
  readonly #webSocketServer: WebSocketServer;
  readonly #host: ConnectionHost;
  readonly #startedAtMs = Date.now();
  #state: GatewayState = 'idle';
  #address: GatewayAddress | undefined;
  #allowedOrigins: ReadonlySet<string> = new Set();
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #isReady: () => boolean = () => true;

  /** @throws RangeError naming the first invalid option */
  constructor(options: GatewayOptions) {
    this.#options = resolveGatewayOptions(options);
    this.#sessions = new SessionStore({
      replayBufferSize: this.#options.replayBufferSize,
      replayBufferBytes: this.#options.replayBufferBytes,
      resumeWindowMs: this.#options.resumeWindowMs,
    });
    this.#lockout = new AuthLockout(this.#options.lockout);
    this.#webSocketServer = new WebSocketServer({
      noServer: true,
      // Frames up to twice the limit are read, so the peer can be told PAYLOAD_TOO_LARGE with
      // a typed error; beyond that `ws` itself closes with 1009 before buffering more.
      maxPayload: this.#options.maxPayloadBytes * 2,
    });
    this.#httpServer = createServer((request, response) =>
      handleHttpRequest(request, response, () => this.#ready(), this.#httpRoutes),
    );
    this.#httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onUpgrade(request, socket, head),
    );
    this.#host = {
      options: this.#options,
      sessions: this.#sessions,
      lockout: this.#lockout,
      findMethod: (name) => this.#methods.get(name),
      report: (event) => this.#report(event),
      forget: (connection) => this.#connections.delete(connection),
    };
  }

  /** The app version given in the options. */
  get version(): string {
    return this.#options.version;
  }

  /** Time since the gateway was created, in milliseconds. */
  get uptimeMs(): number {
    return Date.now() - this.#startedAtMs;
  }

  /** Where the gateway listens, once `listen` resolved. */
  get address(): GatewayAddress | undefined {
    return this.#address;
  }

  /** Live sessions, with or without a connection. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Open WebSocket connections, authenticated or not. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Registers a method. `connect` and names starting with `rpc.` are reserved.
   * @throws Error when the name is reserved or already registered
   */
  method<Params>(name: string, definition: MethodDefinition<Params>): this {
    if (name === 'connect' || name.startsWith('rpc.')) {
      throw new Error(`Method name "${name}" is reserved`);
    }
    if (this.#methods.has(name)) throw new Error(`Method "${name}" is already registered`);
    // Stored without its params type; run-method-call passes it the validated value.
    this.#methods.set(name, definition as MethodDefinition<unknown>);
    return this;
  }

  /**
   * Serves plain HTTP requests for exactly `path` (any method) on the gateway's port, e.g. a
   * webhook. The handler authenticates the caller itself; the gateway's token does not apply.
   * @throws RangeError for a path that is not absolute, or is taken
   */
  httpRoute(path: string, handler: HttpRouteHandler): this {
    if (!path.startsWith('/') || RESERVED_PATHS.has(path) || this.#httpRoutes.has(path)) {
      throw new RangeError(`HTTP route ${JSON.stringify(path)} is not absolute, or is taken`);
    }
    this.#httpRoutes.set(path, handler);
    return this;
  }

  /** Sets the check behind `GET /readyz` (200 when it returns true, else 503). */
  setReady(check: () => boolean): void {
    this.#isReady = check;
  }

  /** The live gateway session with this id. */
  session(id: string): GatewaySession | undefined {
    return this.#sessions.get(id);
  }

  /** Binds the port and starts heartbeats. */
  async listen(): Promise<GatewayAddress> {
    if (this.#state !== 'idle') throw new Error(`Cannot listen: the gateway is ${this.#state}`);
    this.#state = 'listening';

    await new Promise<void>((resolve, reject) => {
      this.#httpServer.once('error', reject);
      this.#httpServer.listen(this.#options.port, this.#options.host, () => {
        this.#httpServer.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.#state = 'closed';
      throw error;
    });

    const address = this.#httpServer.address() as AddressInfo;
    this.#address = { host: this.#options.host, port: address.port };
    this.#allowedOrigins = normaliseOrigins(
      this.#options.allowedOrigins ?? defaultAllowedOrigins(this.#options.host, address.port),
    );
    this.#heartbeatTimer = setInterval(() => {
      for (const connection of this.#connections) connection.heartbeat();
    }, this.#options.heartbeatMs);

    this.#report({ type: 'listening', ...this.#address });
    return this.#address;
  }

  /** True from `beginShutdown` on: new connections are refused and `/readyz` answers 503. */
  get draining(): boolean {
    return this.#state === 'draining' || this.#state === 'closing';
  }

  /**
   * Starts a graceful shutdown: refuses new connections (503 `SHUTTING_DOWN`), reports not
   * ready, and sends every session a `shutdown` event carrying `graceMs`. Connections stay
   * open so running work can finish; `close` ends them.
   */
  beginShutdown(graceMs: number): void {
    if (this.#state !== 'listening') return;
    this.#state = 'draining';
    for (const session of this.#sessions.all()) session.emit('shutdown', { graceMs });
  }

  /** Closes every socket with 1001, forgets every session and releases the port. */
  async close(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const wasListening = this.#state === 'listening' || this.#state === 'draining';
    this.#state = 'closing';
    clearInterval(this.#heartbeatTimer);

    await Promise.all(
      [...this.#connections].map((connection) => this.#closeConnection(connection)),
    );
    this.#sessions.clear();
    this.#webSocketServer.close();

    if (wasListening) {
      await new Promise<void>((resolve) => {
        this.#httpServer.close(() => resolve());
        this.#httpServer.closeAllConnections();
      });
    }
    this.#state = 'closed';
  }

  async #closeConnection(connection: Connection): Promise<void> {
    connection.close(CLOSE_CODES.GOING_AWAY, 'Server shutting down');
    const graceTimer = setTimeout(() => connection.terminate(), CLOSE_GRACE_MS);
    await connection.closed;
    clearTimeout(graceTimer);
  }

  #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Socket errors before the upgrade completes (a peer resetting) must not crash the app.
    socket.on('error', () => socket.destroy());
    const remoteAddress = request.socket.remoteAddress ?? 'unknown';

    if (this.#state !== 'listening') {
      rejectUpgrade(socket, 503, httpErrorBody('SHUTTING_DOWN', 'The gateway is shutting down'));
      return;
    }

    if (this.#connections.size >= this.#options.maxConnections) {
      rejectUpgrade(
        socket,
        503,
        httpErrorBody('RATE_LIMITED', 'Too many connections; try again shortly', {
          retryAfterMs: 1_000,
        }),
        { 'Retry-After': '1' },
      );
      return;
    }

    const lockedForMs = this.#lockout.retryAfterMs(remoteAddress);
    if (lockedForMs !== undefined) {
      this.#report({ type: 'auth.failed', remoteAddress, reason: 'locked_out' });
      rejectUpgrade(
        socket,
        429,
        httpErrorBody('RATE_LIMITED', 'Too many failed authentication attempts from this address', {
          retryAfterMs: lockedForMs,
        }),
        { 'Retry-After': String(Math.ceil(lockedForMs / 1000)) },
      );
      return;
    }

    const decision = decideUpgrade(request, {
      tokens: this.#options.tokens,
      allowedOrigins: this.#allowedOrigins,
    });
    if (decision.kind === 'rejected') {
      this.#report({ type: 'auth.failed', remoteAddress, reason: decision.reason });
      if (decision.reason === 'invalid_token') {
        const lockoutMs = this.#lockout.recordFailure(remoteAddress);
        if (lockoutMs !== undefined)
          this.#report({ type: 'auth.locked', remoteAddress, lockoutMs });
      }
      rejectUpgrade(socket, decision.status, decision.body);
      return;
    }
    if (decision.kind === 'authenticated') this.#lockout.recordSuccess(remoteAddress);

    this.#webSocketServer.handleUpgrade(request, socket, head, (webSocket) => {
      const connection = new Connection({
        socket: webSocket,
        remoteAddress,
        headerTokenIndex: decision.kind === 'authenticated' ? decision.tokenIndex : undefined,
        host: this.#host,
      });
      this.#connections.add(connection);
    });
  }

  #ready(): boolean {
    if (this.#state !== 'listening') return false;
    try {
      return this.#isReady();
    } catch {
      return false;
    }
  }

  #report(event: GatewayEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A failing listener must not break connection handling; it is the app's to fix.
    }
  }
}
