import {
  PROTOCOL_VERSION,
  RpcError,
  isRpcError,
  toWireError,
  type ConnectedParams,
  type Resume,
} from '@clawgate/protocol';
import { randomUUID } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { checkConnect } from './check-connect.js';
import { CLOSE_CODES } from './close-codes.js';
import { dispatchFrame, type CallOutcome } from './dispatch-frame.js';
import type { AuthFailureReason, AuthMethod, GatewayEvent } from './gateway-event.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import { serializeError, serializeNotification, serializeSuccess } from './json-rpc-responses.js';
import type { MethodDefinition } from './method-definition.js';
import { parseSingleCall, type ParsedCall } from './parse-call.js';
import { rawDataLength, rawDataToText } from './raw-data-to-text.js';
import { runMethodCall } from './run-method-call.js';
import type { Session, SessionConnection } from './session.js';
import type { SessionStore } from './session-store.js';
import type { AuthLockout } from './auth-lockout.js';
import { RequestLimiter } from './request-limiter.js';

/** What a connection needs from the gateway that owns it. */
export interface ConnectionHost {
  readonly options: ResolvedGatewayOptions;
  readonly sessions: SessionStore;
  readonly lockout: AuthLockout;
  findMethod(name: string): MethodDefinition<unknown> | undefined;
  report(event: GatewayEvent): void;
  /** Called once, when the socket has closed. */
  forget(connection: Connection): void;
}

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  socket: WebSocket;
  remoteAddress: string;
  /** Which accepted token the upgrade's `Authorization: Bearer` header held, if any. */
  headerTokenIndex: number | undefined;
  host: ConnectionHost;
}

type ConnectionState =
  | { kind: 'awaiting-connect'; handshakeTimer?: NodeJS.Timeout }
  | { kind: 'open'; session: Session; auth: AuthMethod; tokenIndex: number }
  | { kind: 'closed' };

/** Frames a peer may send before `connect`; the next one closes the socket with 4401. */
const MAX_FRAMES_BEFORE_AUTH = 10;

/** How long a peer cut off for not reading may still read its close frame, in ms. */
const SLOW_CONSUMER_GRACE_MS = 1_000;

/** One WebSocket peer: its handshake, its frames, its heartbeat and its session. */
export class Connection implements SessionConnection {
  readonly id = randomUUID();
  readonly remoteAddress: string;
  /** Resolves when the socket has closed and the connection let go of its session. */
  readonly closed: Promise<void>;
  readonly #socket: WebSocket;
  readonly #host: ConnectionHost;
  readonly #abortController = new AbortController();
  readonly #limiter: RequestLimiter;
  #state: ConnectionState;
  #pongSinceLastPing = true;
  #framesBeforeAuth = 0;
  /** Live events held back while `connected` and the replay are being sent. */
  #heldEvents: string[] | undefined;
  #resolveClosed: () => void = () => undefined;

  constructor(options: ConnectionOptions) {
    this.#socket = options.socket;
    this.#host = options.host;
    this.remoteAddress = options.remoteAddress;
    this.#limiter = new RequestLimiter({
      maxInFlight: options.host.options.maxInFlightPerConnection,
      ratePerSecond: options.host.options.requestsPerSecond,
      burst: options.host.options.requestBurst,
    });
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });

    this.#socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    this.#socket.on('pong', () => {
      this.#pongSinceLastPing = true;
    });
    this.#socket.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
    // Protocol errors (e.g. an oversized frame) are followed by 'close', which reports them.
    this.#socket.on('error', () => undefined);

    if (options.headerTokenIndex !== undefined) {
      this.#state = { kind: 'awaiting-connect' };
      this.#deliver(
        this.#authenticate({
          requestId: undefined,
          auth: 'header',
          tokenIndex: options.headerTokenIndex,
        }),
      );
    } else {
      const handshakeTimer = setTimeout(
        () => this.#onHandshakeTimeout(),
        this.#host.options.handshakeTimeoutMs,
      );
      this.#state = { kind: 'awaiting-connect', handshakeTimer };
    }
  }

  /** The principal of the token this connection authenticated with. */
  #principal(tokenIndex: number): string {
    const principal = this.#host.options.principals[tokenIndex];
    // The index came from matching the same list, so it is always in range.
    if (principal === undefined) throw new Error(`no principal for token index ${tokenIndex}`);
    return principal;
  }

  /** Pings the peer, or terminates it when it did not answer the previous ping. */
  heartbeat(): void {
    if (this.#state.kind === 'closed') return;
    if (!this.#pongSinceLastPing) {
      this.#host.report({
        type: 'heartbeat.timeout',
        connectionId: this.id,
        ...(this.#state.kind === 'open' ? { sessionId: this.#state.session.id } : {}),
        remoteAddress: this.remoteAddress,
      });
      this.#socket.terminate();
      return;
    }
    this.#pongSinceLastPing = false;
    this.#socket.ping();
  }

  /** Starts the closing handshake. */
  close(code: number, reason: string): void {
    if (
      this.#socket.readyState === WebSocket.OPEN ||
      this.#socket.readyState === WebSocket.CONNECTING
    ) {
      this.#socket.close(code, reason);
    }
  }

  /** Drops the socket at once, without a closing handshake. */
  terminate(): void {
    this.#socket.terminate();
  }

  /** Sends a session event, or holds it while `connected` and the replay go out first. */
  sendEvent(text: string): void {
    if (this.#heldEvents === undefined) this.#send(text);
    else this.#heldEvents.push(text);
  }

  #send(text: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    // A peer that stopped reading must not grow the server's memory: past the bound it is
    // cut off, and its session keeps the events for when it resumes. Frames themselves are
    // bounded (payload and batch limits), so the buffer never passes it by more than one.
    this.#socket.send(text);
    const bufferedBytes = this.#socket.bufferedAmount;
    if (bufferedBytes > this.#host.options.maxBufferedBytes) this.#dropSlowConsumer(bufferedBytes);
  }

  #dropSlowConsumer(bufferedBytes: number): void {
    this.#host.report({
      type: 'slow.consumer',
      connectionId: this.id,
      ...(this.#state.kind === 'open' ? { sessionId: this.#state.session.id } : {}),
      bufferedBytes,
    });
    // The close frame queues behind what the peer is not reading: it sees 1008 if it catches
    // up within the grace period, and the socket is dropped either way.
    this.#socket.close(CLOSE_CODES.POLICY_VIOLATION, 'Slow consumer: outbound buffer full');
    setTimeout(() => this.#socket.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }

  #deliver(outcome: CallOutcome): void {
    if (outcome.reply !== undefined) this.#send(outcome.reply);
    outcome.afterReply?.();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.close(CLOSE_CODES.UNSUPPORTED_DATA, 'Binary frames are not supported');
      return;
    }
    const bytes = rawDataLength(data);
    if (bytes > this.#host.options.maxPayloadBytes) {
      this.#refuseOversizedFrame(bytes);
      return;
    }

    const text = rawDataToText(data);
    if (this.#state.kind === 'awaiting-connect') this.#onUnauthenticatedFrame(text);
    else if (this.#state.kind === 'open') void this.#onAuthenticatedFrame(text);
  }

  #onUnauthenticatedFrame(text: string): void {
    const call = parseSingleCall(text);
    if (call?.method === 'connect' && call.kind === 'request') {
      this.#deliver(this.#connect(call));
      return;
    }
    // A peer that keeps talking without authenticating is not a client that lost its way.
    this.#framesBeforeAuth += 1;
    if (this.#framesBeforeAuth > MAX_FRAMES_BEFORE_AUTH) {
      this.close(CLOSE_CODES.UNAUTHORIZED, 'Unauthorized');
      return;
    }
    if (call?.kind === 'notification') return;

    this.#reportAuthFailure('not_authenticated');
    const error = RpcError.server('UNAUTHORIZED', 'Send a connect request with the token first');
    this.#send(serializeError(call?.id ?? null, toWireError(error)));
  }

  #refuseOversizedFrame(bytes: number): void {
    const { maxPayloadBytes } = this.#host.options;
    this.#host.report({ type: 'payload.too_large', connectionId: this.id, bytes });
    const error = RpcError.server(
      'PAYLOAD_TOO_LARGE',
      `Frame of ${bytes} bytes exceeds maxPayloadBytes (${maxPayloadBytes})`,
      { maxPayloadBytes },
    );
    this.#send(serializeError(null, toWireError(error)));
    this.close(CLOSE_CODES.MESSAGE_TOO_BIG, 'PAYLOAD_TOO_LARGE');
  }

  async #onAuthenticatedFrame(text: string): Promise<void> {
    const reply = await dispatchFrame(text, (call) => this.#runCall(call), {
      maxBatchElements: this.#host.options.maxBatchElements,
    });
    if (reply.text !== undefined) this.#send(reply.text);
    for (const after of reply.afterReply) after();
  }

  #runCall(call: ParsedCall): CallOutcome | Promise<CallOutcome> {
    if (this.#state.kind !== 'open') return {};
    if (call.method === 'connect') return this.#connect(call);

    const session = this.#state.session;
    const verdict = this.#limiter.admit();
    if (!verdict.allowed) {
      this.#host.report({
        type: 'rate.limited',
        connectionId: this.id,
        method: call.method,
        reason: verdict.reason,
      });
      if (call.kind === 'notification') return {};
      const message =
        verdict.reason === 'rate'
          ? 'Too many requests on this connection'
          : `Too many requests in flight on this connection (at most ${this.#host.options.maxInFlightPerConnection})`;
      const error = RpcError.server('RATE_LIMITED', message, {
        retryAfterMs: verdict.retryAfterMs,
      });
      return { reply: serializeError(call.id, toWireError(error)) };
    }
    const outcome = runMethodCall({
      call,
      definition: this.#host.findMethod(call.method),
      context: {
        session,
        connectionId: this.id,
        remoteAddress: this.remoteAddress,
        principal: this.#principal(this.#state.tokenIndex),
        signal: this.#abortController.signal,
      },
      onHandlerError: (error) =>
        this.#host.report({
          type: 'handler.error',
          method: call.method,
          connectionId: this.id,
          sessionId: session.id,
          error,
          expected: isRpcError(error),
        }),
    });
    return outcome.finally(verdict.release);
  }

  #connect(call: ParsedCall): CallOutcome {
    if (call.kind === 'notification') return {};

    const lockedForMs = this.#host.lockout.retryAfterMs(this.remoteAddress);
    if (lockedForMs !== undefined) {
      this.#reportAuthFailure('locked_out');
      const error = RpcError.server(
        'RATE_LIMITED',
        'Too many failed authentication attempts from this address',
        { retryAfterMs: lockedForMs },
      );
      return {
        reply: serializeError(call.id, toWireError(error)),
        afterReply: () => this.close(CLOSE_CODES.LOCKED_OUT, 'Locked out'),
      };
    }

    const verdict = checkConnect(call.id, call.params, this.#host.options.tokens);
    if (verdict.kind === 'invalid') return { reply: verdict.reply };
    if (verdict.kind === 'unauthorized') {
      this.#reportAuthFailure('invalid_token');
      this.#recordLockoutFailure();
      return {
        reply: verdict.reply,
        afterReply: () => this.close(CLOSE_CODES.UNAUTHORIZED, 'Unauthorized'),
      };
    }

    this.#host.lockout.recordSuccess(this.remoteAddress);
    const authMethod = this.#state.kind === 'open' ? this.#state.auth : 'frame';
    return this.#authenticate({
      requestId: call.id,
      auth: authMethod,
      tokenIndex: verdict.tokenIndex,
      resume: verdict.resume,
    });
  }

  #recordLockoutFailure(): void {
    const lockoutMs = this.#host.lockout.recordFailure(this.remoteAddress);
    if (lockoutMs !== undefined) {
      this.#host.report({ type: 'auth.locked', remoteAddress: this.remoteAddress, lockoutMs });
    }
  }

  /**
   * Attaches the connection to its session. With an id, the reply is the `connect` response;
   * after it come the `connected` notification, the replay, then held live events.
   */
  #authenticate(options: {
    requestId: string | number | undefined;
    auth: AuthMethod;
    tokenIndex: number;
    resume?: Resume;
  }): CallOutcome {
    const { requestId, auth, tokenIndex, resume } = options;
    const attachment = this.#host.sessions.attach(this, resume, tokenIndex);
    if ('refused' in attachment) {
      this.#reportAuthFailure('foreign_session');
      const error = RpcError.server(
        'UNAUTHORIZED',
        'This session was created with another token and cannot be resumed with this one',
      );
      return {
        ...(requestId === undefined
          ? {}
          : { reply: serializeError(requestId, toWireError(error)) }),
        afterReply: () => this.close(CLOSE_CODES.UNAUTHORIZED, 'Unauthorized'),
      };
    }

    const wasOpen = this.#state.kind === 'open';
    if (this.#state.kind === 'open' && this.#state.session !== attachment.session) {
      this.#host.sessions.detach(this, this.#state.session);
    }
    if (this.#state.kind === 'awaiting-connect') clearTimeout(this.#state.handshakeTimer);

    this.#heldEvents = [];
    const { session, resumed, replay } = attachment;
    this.#state = { kind: 'open', session, auth, tokenIndex };
    const connected: ConnectedParams = {
      sessionId: session.id,
      connectionId: this.id,
      protocol: PROTOCOL_VERSION,
      resumed,
      heartbeatMs: this.#host.options.heartbeatMs,
      maxPayloadBytes: this.#host.options.maxPayloadBytes,
    };

    if (!wasOpen) {
      this.#host.report({
        type: 'connection.opened',
        connectionId: this.id,
        sessionId: session.id,
        remoteAddress: this.remoteAddress,
        resumed,
        auth,
      });
    }

    return {
      ...(requestId === undefined ? {} : { reply: serializeSuccess(requestId, connected) }),
      afterReply: () => {
        const held = this.#heldEvents ?? [];
        this.#heldEvents = undefined;
        this.#send(serializeNotification('connected', connected));
        for (const text of [...replay, ...held]) this.#send(text);
      },
    };
  }

  #onHandshakeTimeout(): void {
    if (this.#state.kind !== 'awaiting-connect') return;
    this.#reportAuthFailure('handshake_timeout');
    const error = RpcError.server(
      'HANDSHAKE_TIMEOUT',
      'No connect request within the handshake timeout',
    );
    this.#send(serializeError(null, toWireError(error)));
    this.close(CLOSE_CODES.HANDSHAKE_TIMEOUT, 'Handshake timeout');
  }

  #reportAuthFailure(reason: AuthFailureReason): void {
    this.#host.report({
      type: 'auth.failed',
      remoteAddress: this.remoteAddress,
      reason,
      connectionId: this.id,
    });
  }

  #onClose(code: number, reason: string): void {
    const state = this.#state;
    this.#state = { kind: 'closed' };
    if (state.kind === 'awaiting-connect') clearTimeout(state.handshakeTimer);
    if (state.kind === 'open') this.#host.sessions.detach(this, state.session);

    this.#abortController.abort();
    this.#host.forget(this);
    this.#host.report({
      type: 'connection.closed',
      connectionId: this.id,
      ...(state.kind === 'open' ? { sessionId: state.session.id } : {}),
      remoteAddress: this.remoteAddress,
      code,
      reason,
    });
    this.#resolveClosed();
  }
}
