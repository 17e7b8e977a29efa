import {
  PROTOCOL_VERSION,
  SERVER_ERROR_NUMBERS,
  jsonRpcErrorResponseSchema,
  jsonRpcNotificationSchema,
  type ConnectParams,
  type ConnectedParams,
  type MethodName,
  type MethodResult,
  type NotificationName,
  type NotificationParams,
} from '@clawgate/protocol';
import { WebSocket } from 'ws';
import { ConnectionClosedError } from './connection-closed-error.js';
import {
  resolveGatewayClientOptions,
  type GatewayClientOptions,
  type ResolvedGatewayClientOptions,
} from './gateway-client-options.js';
import { ListenerRegistry } from './listener-registry.js';
import { NotificationStream, type ClientNotification } from './notification-stream.js';
import { openSocket } from './open-socket.js';
import { PendingRequests } from './pending-requests.js';
import { ProtocolMismatchError } from './protocol-mismatch-error.js';
import type { RequestArguments, RequestOptions } from './request-arguments.js';
import { RequestTimeoutError } from './request-timeout-error.js';
import { RpcClientError } from './rpc-client-error.js';

/** How the socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** Time the gateway gets to finish the closing handshake before the socket is dropped, in ms. */
const CLOSE_GRACE_MS = 1_000;

/**
 * A typed JSON-RPC client of the clawgate gateway.
 * @example
 * const client = await GatewayClient.connect({ url: 'ws://127.0.0.1:18789', token });
 * client.on('agent.event', (event) => process.stdout.write(event.type));
 * const { runId } = await client.request('agent', { message: 'Hello' });
 */
export class GatewayClient {
  readonly #socket: WebSocket;
  readonly #options: ResolvedGatewayClientOptions;
  readonly #pending = new PendingRequests();
  readonly #listeners = new ListenerRegistry();
  readonly #streams = new Set<NotificationStream>();
  readonly #closed: Promise<CloseInfo>;
  #connected: ConnectedParams | undefined;
  #closeInfo: CloseInfo | undefined;
  #lastSeq = 0;
  #silenceTimer: NodeJS.Timeout | undefined;
  /** Notifications held until the caller of `connect` had a chance to subscribe. */
  #backlog: ClientNotification[] | undefined = [];
  /** Resolves with the first `connected` notification. */
  readonly #firstConnected: Promise<ConnectedParams>;
  #onFirstConnected: ((params: ConnectedParams) => void) | undefined;
  /** Rejects when the handshake fails: close, error without id, or timeout. */
  readonly #handshakeFailure: Promise<never>;
  #onHandshakeError: ((error: Error) => void) | undefined;

  private constructor(socket: WebSocket, options: ResolvedGatewayClientOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#firstConnected = new Promise((resolve) => {
      this.#onFirstConnected = resolve;
    });
    this.#handshakeFailure = new Promise((_resolve, reject) => {
      this.#onHandshakeError = reject;
    });
    // Only the handshake awaits it; a failure after the handshake is nobody's concern.
    this.#handshakeFailure.catch(() => undefined);
    this.#closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.#onClose({ code, reason: reason.toString('utf8') });
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    socket.on('message', (data: Buffer, isBinary) => {
      this.#heardFromServer();
      if (!isBinary) this.#onMessage(data.toString('utf8'));
    });
    socket.on('ping', () => this.#heardFromServer());
  }

  /**
   * The gateway pings every `heartbeatMs`: a server silent for two intervals and a second is
   * dead or unreachable, and the socket is dropped so that whoever waits on it learns so.
   */
  #heardFromServer(): void {
    const heartbeatMs = this.#connected?.heartbeatMs;
    if (heartbeatMs === undefined || this.#socket.readyState !== WebSocket.OPEN) return;
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => this.#socket.terminate(), 2 * heartbeatMs + 1_000);
    this.#silenceTimer.unref?.();
  }

  /**
   * Opens a connection and authenticates. Rejects with an `RpcClientError` whose `dataCode`
   * is `'UNAUTHORIZED'` when the token is refused, with `RequestTimeoutError` when the
   * handshake takes longer than `connectTimeoutMs`.
   */
  static async connect(options: GatewayClientOptions): Promise<GatewayClient> {
    const resolved = resolveGatewayClientOptions(options);
    const headers = { ...resolved.headers };
    if (resolved.auth === 'header') headers['Authorization'] = `Bearer ${resolved.token}`;

    const { socket, opened } = openSocket({
      url: resolved.url,
      headers,
      timeoutMs: resolved.connectTimeoutMs,
    });
    const client = new GatewayClient(socket, resolved);
    try {
      await opened;
      const connected = await client.#handshake();
      if (connected.protocol !== PROTOCOL_VERSION) {
        throw new ProtocolMismatchError(connected.protocol, PROTOCOL_VERSION);
      }
      client.#connected = connected;
      client.#heardFromServer();
    } catch (error) {
      socket.terminate();
      throw error;
    }

    // Listeners attached right after `await connect()` still see what arrived meanwhile.
    setImmediate(() => client.#releaseBacklog());
    return client;
  }

  /** The `connected` params of the handshake: session, connection, protocol, limits. */
  get connected(): ConnectedParams {
    // Set before `connect` resolves, the only way to get an instance.
    return this.#connected as ConnectedParams;
  }

  /** The highest `seq` seen on a notification; pass it to `resume` after a reconnect. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Whether the socket is open. */
  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Calls a protocol method; params and result are typed from the protocol registry. */
  request<Method extends MethodName>(
    method: Method,
    ...[params, options]: RequestArguments<Method>
  ): Promise<MethodResult<Method>> {
    // The registry types the result; the gateway validated it against the same schemas.
    return this.call(method, params, options) as Promise<MethodResult<Method>>;
  }

  /** Calls any method, typed or not, and resolves with its raw result. */
  call(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.#socket.readyState !== WebSocket.OPEN) {
      const info = this.#closeInfo ?? { code: 1006, reason: 'Connection is not open' };
      return Promise.reject(new ConnectionClosedError(info.code, info.reason));
    }

    const { id, response } = this.#pending.create({
      method,
      timeoutMs: options.timeoutMs ?? this.#options.requestTimeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const frame = { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) };
    const text = JSON.stringify(frame);
    // The gateway would refuse it and close the socket; refusing here keeps the connection.
    const tooLarge = this.#tooLarge(text);
    if (tooLarge) {
      this.#pending.reject(id, tooLarge);
      return response;
    }
    this.#socket.send(text, (error) => {
      if (error) this.#pending.reject(id, error);
    });
    return response;
  }

  /** Sends a notification: no id, no response. */
  /**
   * Sends a notification: no id, no response.
   * @throws ConnectionClosedError when the socket is not open, and `RpcClientError`
   * (`PAYLOAD_TOO_LARGE`) when the frame exceeds the gateway's `maxPayloadBytes`: nothing is
   * dropped without the caller knowing.
   */
  notify(method: string, params?: unknown): void {
    if (this.#socket.readyState !== WebSocket.OPEN) {
      const info = this.#closeInfo ?? { code: 1006, reason: 'Connection is not open' };
      throw new ConnectionClosedError(info.code, info.reason);
    }
    const text = JSON.stringify({
      jsonrpc: '2.0',
      method,
      ...(params === undefined ? {} : { params }),
    });
    const tooLarge = this.#tooLarge(text);
    if (tooLarge) throw tooLarge;
    this.#socket.send(text);
  }

  /** The error for a frame the gateway would refuse for its size, if this one is such. */
  #tooLarge(text: string): RpcClientError | undefined {
    const maxPayloadBytes = this.#connected?.maxPayloadBytes;
    const bytes = Buffer.byteLength(text);
    if (maxPayloadBytes === undefined || bytes <= maxPayloadBytes) return undefined;
    return new RpcClientError({
      code: SERVER_ERROR_NUMBERS.PAYLOAD_TOO_LARGE,
      message: `Request of ${bytes} bytes exceeds the gateway's maxPayloadBytes (${maxPayloadBytes})`,
      data: { code: 'PAYLOAD_TOO_LARGE', maxPayloadBytes },
    });
  }

  /** Listens to one protocol notification; returns the unsubscribe function. */
  on<Name extends NotificationName>(
    event: Name,
    listener: (params: NotificationParams<Name>) => void,
  ): () => void;
  /** Listens to every notification. */
  on(event: 'notification', listener: (method: string, params: unknown) => void): () => void;
  /** Listens to the socket closing. */
  on(event: 'close', listener: (info: CloseInfo) => void): () => void;
  /** Listens to a notification the protocol registry does not type. */
  on(event: string, listener: (params: unknown) => void): () => void;
  on(event: string, listener: (...args: never[]) => void): () => void {
    return this.#listeners.add(event, listener);
  }

  /** Every notification from now on, as an async iterable that ends when the client closes. */
  events(): AsyncIterableIterator<ClientNotification> {
    const stream = new NotificationStream(() => this.#streams.delete(stream));
    if (this.#closeInfo !== undefined) stream.end();
    else this.#streams.add(stream);
    return stream;
  }

  /** Closes the socket (1000) and waits until it closed. */
  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    this.#socket.close(1000, 'Client closed');
    const graceTimer = setTimeout(() => this.#socket.terminate(), CLOSE_GRACE_MS);
    await this.#closed;
    clearTimeout(graceTimer);
  }

  async #handshake(): Promise<ConnectedParams> {
    const timeoutMs = this.#options.connectTimeoutMs;
    const deadline = setTimeout(() => {
      this.#onHandshakeError?.(new RequestTimeoutError('connect', timeoutMs));
    }, timeoutMs);

    try {
      const connectParams: ConnectParams = {
        token: this.#options.token,
        client: {
          name: this.#options.clientName,
          ...(this.#options.clientVersion === undefined
            ? {}
            : { version: this.#options.clientVersion }),
        },
        ...(this.#options.resume === undefined ? {} : { resume: this.#options.resume }),
      };
      const handshakeFailure = this.#handshakeFailure;

      if (this.#options.auth === 'header') {
        const first = await Promise.race([this.#firstConnected, handshakeFailure]);
        if (this.#options.resume === undefined) return first;
      }
      const request = this.call('connect', connectParams, { timeoutMs });
      // The race below reports the first failure; the other one is expected and dropped.
      request.catch(() => undefined);
      return (await Promise.race([request, handshakeFailure])) as ConnectedParams;
    } finally {
      clearTimeout(deadline);
      this.#onHandshakeError = undefined;
    }
  }

  #onMessage(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    for (const element of Array.isArray(value) ? value : [value]) this.#onElement(element);
  }

  #onElement(element: unknown): void {
    if (this.#pending.settle(element)) return;

    const notification = jsonRpcNotificationSchema.safeParse(element);
    if (notification.success) {
      this.#onNotification({ method: notification.data.method, params: notification.data.params });
      return;
    }

    // An error without an id during the handshake (e.g. HANDSHAKE_TIMEOUT) ends it.
    const failure = jsonRpcErrorResponseSchema.safeParse(element);
    if (failure.success && failure.data.id === null) {
      this.#onHandshakeError?.(RpcClientError.fromWire(failure.data.error));
    }
  }

  #onNotification(notification: ClientNotification): void {
    const seq = (notification.params as { seq?: unknown } | undefined)?.seq;
    if (typeof seq === 'number' && seq > this.#lastSeq) this.#lastSeq = seq;
    if (notification.method === 'connected') {
      // The gateway sends `connected` from its own schema; the handshake only reads it.
      this.#onFirstConnected?.(notification.params as ConnectedParams);
      this.#onFirstConnected = undefined;
    }

    if (this.#backlog === undefined) this.#deliver(notification);
    else this.#backlog.push(notification);
  }

  #releaseBacklog(): void {
    const backlog = this.#backlog ?? [];
    this.#backlog = undefined;
    for (const notification of backlog) this.#deliver(notification);
  }

  #deliver(notification: ClientNotification): void {
    this.#listeners.emit(notification.method, [notification.params]);
    this.#listeners.emit('notification', [notification.method, notification.params]);
    for (const stream of this.#streams) stream.push(notification);
  }

  #onClose(info: CloseInfo): void {
    clearTimeout(this.#silenceTimer);
    this.#closeInfo = info;
    const error = new ConnectionClosedError(info.code, info.reason);
    this.#onHandshakeError?.(error);
    this.#pending.rejectAll(error);
    if (this.#connected !== undefined) this.#releaseBacklog();

    for (const stream of [...this.#streams]) stream.end();
    this.#listeners.emit('close', [info]);
  }
}
