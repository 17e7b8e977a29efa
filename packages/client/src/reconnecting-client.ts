import type {
  ConnectedParams,
  MethodName,
  MethodResult,
  NotificationName,
  NotificationParams,
} from '@clawgate/protocol';
import { ConnectionClosedError } from './connection-closed-error.js';
import { GatewayClient, type CloseInfo } from './gateway-client.js';
import type { GatewayClientOptions } from './gateway-client-options.js';
import { ListenerRegistry } from './listener-registry.js';
import { NotificationStream, type ClientNotification } from './notification-stream.js';
import { isProtocolMismatchError } from './protocol-mismatch-error.js';
import type { RequestArguments, RequestOptions } from './request-arguments.js';
import { RequestTimeoutError } from './request-timeout-error.js';
import { isRpcClientError } from './rpc-client-error.js';

/** Options of {@link ReconnectingClient.connect}. Durations in milliseconds. */
export interface ReconnectingClientOptions extends Omit<GatewayClientOptions, 'resume'> {
  /** Longest first delay before reconnecting; it doubles per failed attempt. Default 250. */
  initialDelayMs?: number;
  /** Cap of the delay between attempts. Default 10 000. */
  maxDelayMs?: number;
  /** Attempts per outage before giving up. Default: no limit. */
  maxAttempts?: number;
  /** Source of the jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** What happened to the link, for `on('reconnect')`. */
export interface ReconnectInfo {
  /** False when the gateway no longer held every missed event: refetch what you show. */
  resumed: boolean;
  /** Attempts it took. */
  attempts: number;
}

/** Close codes after which reconnecting is pointless: the gateway refused this client. */
const FATAL_CLOSE_CODES = new Set([4401, 4429]);

/** Server reasons that a retry cannot fix. */
const FATAL_DATA_CODES = new Set(['UNAUTHORIZED', 'RATE_LIMITED']);

type State =
  | { kind: 'open'; client: GatewayClient }
  | { kind: 'reconnecting'; attempt: number }
  | { kind: 'closed'; error: Error | undefined };

/**
 * A gateway client that survives a dropped link: it reconnects with jittered exponential
 * backoff and resumes its session, so events are delivered exactly once and in order across
 * reconnects. It gives up, with the error, when the gateway refuses its token, locks it out or
 * speaks another protocol version. Requests in flight when the link drops fail with
 * `ConnectionClosedError` (whether the gateway ran them is unknown: use idempotency keys);
 * requests made while reconnecting wait for the link, within their timeout.
 * @example
 * const client = await ReconnectingClient.connect({ url, token });
 * for await (const event of client.events()) console.log(event.method, event.params);
 */
export class ReconnectingClient {
  readonly #options: ReconnectingClientOptions;
  readonly #listeners = new ListenerRegistry();
  readonly #streams = new Set<NotificationStream>();
  readonly #waitingForLink = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  #state: State;
  #sessionId: string;
  #lastSeq = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;

  private constructor(options: ReconnectingClientOptions, client: GatewayClient) {
    this.#options = options;
    this.#sessionId = client.connected.sessionId;
    this.#state = { kind: 'open', client };
    this.#adopt(client);
  }

  /** Connects for the first time; a failure here is thrown, not retried. */
  static async connect(options: ReconnectingClientOptions): Promise<ReconnectingClient> {
    const client = await GatewayClient.connect(gatewayOptions(options));
    return new ReconnectingClient(options, client);
  }

  /** The gateway session; it stays the same across resumed reconnects. */
  get sessionId(): string {
    return this.#sessionId;
  }

  /** The highest event `seq` delivered. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** `'open'`, `'reconnecting'` or `'closed'`. */
  get state(): State['kind'] {
    return this.#state.kind;
  }

  /** Calls a protocol method, waiting for the link first when it is being re-established. */
  async request<Method extends MethodName>(
    method: Method,
    ...[params, options]: RequestArguments<Method>
  ): Promise<MethodResult<Method>> {
    return (await this.call(method, params, options)) as MethodResult<Method>;
  }

  /** Calls any method, typed or not. */
  async call(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? this.#options.requestTimeoutMs ?? 30_000;
    const startedAtMs = Date.now();
    const client = await this.#link(method, timeoutMs);
    const remainingMs = Math.max(1, timeoutMs - (Date.now() - startedAtMs));
    return client.call(method, params, { ...options, timeoutMs: remainingMs });
  }

  /** Listens to one protocol notification; returns the unsubscribe function. */
  on<Name extends NotificationName>(
    event: Name,
    listener: (params: NotificationParams<Name>) => void,
  ): () => void;
  /** Listens to every notification. */
  on(event: 'notification', listener: (method: string, params: unknown) => void): () => void;
  /** The link dropped; reconnecting starts. */
  on(event: 'disconnect', listener: (info: CloseInfo) => void): () => void;
  /** The link is back. */
  on(event: 'reconnect', listener: (info: ReconnectInfo) => void): () => void;
  /** The client gave up or was closed; `error` says why it gave up. */
  on(event: 'close', listener: (error: Error | undefined) => void): () => void;
  /** Listens to a notification the protocol registry does not type. */
  on(event: string, listener: (params: unknown) => void): () => void;
  on(event: string, listener: (...args: never[]) => void): () => void {
    return this.#listeners.add(event, listener);
  }

  /** Every notification from now on, across reconnects; ends when the client closes. */
  events(): AsyncIterableIterator<ClientNotification> {
    const stream = new NotificationStream(() => this.#streams.delete(stream));
    if (this.#state.kind === 'closed') stream.end();
    else this.#streams.add(stream);
    return stream;
  }

  /** Closes the link for good. */
  async close(): Promise<void> {
    const state = this.#state;
    this.#finish(undefined);
    if (state.kind === 'open') await state.client.close();
  }

  #adopt(client: GatewayClient): void {
    client.on('notification', (method, params) => this.#onNotification(method, params));
    client.on('close', (info) => this.#onLinkClosed(client, info));
  }

  #onNotification(method: string, params: unknown): void {
    const seq = (params as { seq?: unknown } | undefined)?.seq;
    if (typeof seq === 'number') {
      // A resumed session replays what this client may already have: deliver each once.
      if (seq <= this.#lastSeq) return;
      this.#lastSeq = seq;
    }
    this.#listeners.emit(method, [params]);
    this.#listeners.emit('notification', [method, params]);
    for (const stream of this.#streams) stream.push({ method, params });
  }

  #onLinkClosed(client: GatewayClient, info: CloseInfo): void {
    if (this.#state.kind !== 'open' || this.#state.client !== client) return;
    if (FATAL_CLOSE_CODES.has(info.code)) {
      this.#finish(new ConnectionClosedError(info.code, info.reason));
      return;
    }
    this.#state = { kind: 'reconnecting', attempt: 0 };
    this.#listeners.emit('disconnect', [info]);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#state.kind !== 'reconnecting') return;
    const { attempt } = this.#state;
    const maxAttempts = this.#options.maxAttempts ?? Number.POSITIVE_INFINITY;
    if (attempt >= maxAttempts) {
      this.#finish(new Error(`Gave up reconnecting after ${attempt} attempts`));
      return;
    }
    const initialDelayMs = this.#options.initialDelayMs ?? 250;
    const maxDelayMs = this.#options.maxDelayMs ?? 10_000;
    // Full jitter: clients dropped together do not come back together.
    const ceilingMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
    const delayMs = (this.#options.random ?? Math.random)() * ceilingMs;
    this.#reconnectTimer = setTimeout(() => void this.#reconnect(attempt + 1), delayMs);
  }

  async #reconnect(attempt: number): Promise<void> {
    if (this.#state.kind !== 'reconnecting') return;
    this.#state = { kind: 'reconnecting', attempt };
    let client: GatewayClient;
    try {
      client = await GatewayClient.connect({
        ...gatewayOptions(this.#options),
        auth: 'frame',
        resume: { sessionId: this.#sessionId, lastSeq: this.#lastSeq },
      });
    } catch (error) {
      if (isFatal(error)) this.#finish(error as Error);
      else this.#scheduleReconnect();
      return;
    }
    if (this.#state.kind !== 'reconnecting') {
      void client.close();
      return;
    }

    const connected: ConnectedParams = client.connected;
    this.#sessionId = connected.sessionId;
    // Not resumed: a new session numbers its events from 1 again.
    if (!connected.resumed) this.#lastSeq = 0;
    this.#state = { kind: 'open', client };
    this.#adopt(client);
    for (const waiter of [...this.#waitingForLink]) waiter.resolve();
    this.#listeners.emit('reconnect', [{ resumed: connected.resumed, attempts: attempt }]);
  }

  /** The open link, waiting up to `timeoutMs` while it is being re-established. */
  async #link(method: string, timeoutMs: number): Promise<GatewayClient> {
    for (;;) {
      const state = this.#state;
      if (state.kind === 'open') return state.client;
      if (state.kind === 'closed') {
        throw state.error ?? new ConnectionClosedError(1000, 'Client closed');
      }
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          resolve: () => {
            cleanup();
            resolve();
          },
          reject: (error: Error) => {
            cleanup();
            reject(error);
          },
        };
        const timer = setTimeout(
          () => waiter.reject(new RequestTimeoutError(method, timeoutMs)),
          timeoutMs,
        );
        const cleanup = (): void => {
          clearTimeout(timer);
          this.#waitingForLink.delete(waiter);
        };
        this.#waitingForLink.add(waiter);
      });
    }
  }

  #finish(error: Error | undefined): void {
    if (this.#state.kind === 'closed') return;
    this.#state = { kind: 'closed', error };
    clearTimeout(this.#reconnectTimer);
    const reason = error ?? new ConnectionClosedError(1000, 'Client closed');
    for (const waiter of [...this.#waitingForLink]) waiter.reject(reason);
    for (const stream of [...this.#streams]) stream.end();
    this.#listeners.emit('close', [error]);
  }
}

function gatewayOptions(options: ReconnectingClientOptions): GatewayClientOptions {
  const optional = {
    auth: options.auth,
    requestTimeoutMs: options.requestTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    clientName: options.clientName,
    clientVersion: options.clientVersion,
    headers: options.headers,
  };
  const given = Object.entries(optional).filter(([, value]) => value !== undefined);
  return { url: options.url, token: options.token, ...Object.fromEntries(given) };
}

/** Errors that another attempt cannot fix: a refused token, a lockout, another protocol. */
function isFatal(error: unknown): boolean {
  if (isProtocolMismatchError(error)) return true;
  return isRpcClientError(error) && FATAL_DATA_CODES.has(error.dataCode ?? '');
}
