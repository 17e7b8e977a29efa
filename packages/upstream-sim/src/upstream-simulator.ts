import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { handleAdminRequest } from './admin-routes.js';
import { guessApi, matchApiRoute, readApiKey } from './api-route.js';
import { sendErrorCase, sendSimError } from './error-reply.js';
import type { Exchange } from './exchange.js';
import { parseJsonOrUndefined, readBodyText, sendBody } from './http-io.js';
import { parseSimStep } from './parse-sim-step.js';
import type { RecordedRequest } from './recorded-request.js';
import { ScriptQueues, type ScriptOptions } from './script-queues.js';
import type { SimStep } from './sim-step.js';
import { respondWithStep } from './step-responder.js';
import { upstreamErrorCase } from './upstream-error-cases.js';
import type { WireApi } from './wire-api.js';
import { jsonHeaders, newRequestId, simErrorBody } from './wire-format.js';

/** Where {@link UpstreamSimulator.start} listens. */
export interface UpstreamSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** Most requests kept for `requests` / `requestsFor`; older ones are dropped. Default 10 000. */
  readonly maxRecordedRequests?: number;
}

/** Name of the request header whose JSON {@link SimStep} overrides the key's script. */
export const SIM_SCRIPT_HEADER = 'x-sim-script';

const BAD_JSON_MESSAGES: Readonly<Record<WireApi, string>> = {
  openai:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't " +
    'using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was ' +
    'sent was not valid JSON.)',
  anthropic: 'There was an issue with the format of your request: the body is not valid JSON',
};

/**
 * A loopback HTTP server that speaks OpenAI Chat Completions (`POST /v1/chat/completions`)
 * and Anthropic Messages (`POST /v1/messages`) closely enough for the official SDKs,
 * replaying recorded answers and following scripted faults per API key or per request.
 */
export class UpstreamSimulator {
  /** Base URL of the server, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;

  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** One controller per request still open; aborted on close so every wait ends. */
  readonly #inFlight = new Set<AbortController>();
  readonly #scripts = new ScriptQueues();
  #requests: RecordedRequest[] = [];
  readonly #maxRecordedRequests: number;
  #closed: Promise<void> | undefined;

  private constructor(server: Server, url: string, maxRecordedRequests: number) {
    this.#server = server;
    this.url = url;
    this.#maxRecordedRequests = maxRecordedRequests;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void this.#handle(request, response);
    });
  }

  /**
   * Starts a simulator and resolves once it listens.
   *
   * @throws RangeError when `options.port` is not an integer in 0-65535, or
   * `options.maxRecordedRequests` is not a positive integer.
   */
  static async start(options: UpstreamSimulatorOptions = {}): Promise<UpstreamSimulator> {
    const port = options.port ?? 0;
    const host = options.host ?? '127.0.0.1';
    const maxRecordedRequests = options.maxRecordedRequests ?? 10_000;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new RangeError(`upstream-sim option 'port' is ${port}; expected an integer 0-65535`);
    }
    if (!Number.isInteger(maxRecordedRequests) || maxRecordedRequests <= 0) {
      throw new RangeError(
        `upstream-sim option 'maxRecordedRequests' is ${maxRecordedRequests}; expected a positive integer`,
      );
    }

    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });

    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return new UpstreamSimulator(server, `http://${urlHost}:${address.port}`, maxRecordedRequests);
  }

  /** Requests still open: answering, streaming or hanging. */
  get openRequests(): number {
    return this.#inFlight.size;
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** What the `openai` SDK takes as `baseURL`: {@link url} + `/v1`. */
  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  /** What `@anthropic-ai/sdk` takes as `baseURL`: {@link url} itself. */
  get anthropicBaseUrl(): string {
    return this.url;
  }

  /** Every request received on an API route, oldest first (a copy). */
  get requests(): readonly RecordedRequest[] {
    return [...this.#requests];
  }

  /** The recorded requests that carried `apiKey`, oldest first. */
  requestsFor(apiKey: string): readonly RecordedRequest[] {
    return this.#requests.filter((request) => request.apiKey === apiKey);
  }

  /** Forgets every recorded request. */
  clearRequests(): void {
    this.#requests = [];
  }

  /**
   * Queues `steps` (FIFO) for the requests that carry `apiKey`; once they are used up the
   * key answers normally again, unless `options.sticky` keeps the last step forever.
   *
   * @throws RangeError when `apiKey` is empty or a step is malformed.
   */
  script(apiKey: string, steps: SimStep | readonly SimStep[], options: ScriptOptions = {}): void {
    if (apiKey === '') throw new RangeError('upstream-sim script needs a non-empty apiKey');
    const list: readonly unknown[] = Array.isArray(steps) ? steps : [steps];
    this.#scripts.append(
      apiKey,
      list.map((step) => parseSimStep(step)),
      options,
    );
  }

  /** The steps still queued for `apiKey`, in order. */
  pendingSteps(apiKey: string): readonly SimStep[] {
    return this.#scripts.pending(apiKey);
  }

  /** Drops the script of `apiKey`, or of every key when none is given. */
  clearScripts(apiKey?: string): void {
    this.#scripts.clear(apiKey);
  }

  /**
   * Stops listening and promptly ends everything in flight: hanging requests, streams,
   * pending latencies and idle keep-alive sockets. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      for (const exchange of this.#inFlight) exchange.abort();
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
    return this.#closed;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const exchangeAbort = new AbortController();
    this.#inFlight.add(exchangeAbort);
    response.once('close', () => {
      this.#inFlight.delete(exchangeAbort);
      exchangeAbort.abort();
    });
    if (this.#closed !== undefined) exchangeAbort.abort();

    try {
      await this.#route(request, response, exchangeAbort.signal);
    } catch (error) {
      // Aborts mean the client left or the simulator closed: nobody is waiting any more.
      if (exchangeAbort.signal.aborted) return;
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      const body = { error: { message: `upstream-sim internal error: ${reason}` } };
      sendBody(response, 500, { 'content-type': 'application/json' }, body);
    }
  }

  async #route(
    request: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://upstream-sim.invalid');
    if (url.pathname.startsWith('/_sim/')) {
      await handleAdminRequest(request, response, this);
      return;
    }

    const api = matchApiRoute(request.method, url.pathname);
    if (api === undefined) {
      this.#sendNotFound(request, response, url.pathname);
      return;
    }

    const body = parseJsonOrUndefined(await readBodyText(request));
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
    const stream = isObject && Reflect.get(body, 'stream') === true;
    const apiKey = readApiKey(api, request.headers);
    this.#requests.push({
      api,
      apiKey,
      path: url.pathname,
      body: body ?? null,
      stream,
      receivedAt: Date.now(),
    });
    // A long-running simulator must not grow without bound; the newest requests are kept.
    if (this.#requests.length > this.#maxRecordedRequests) this.#requests.shift();

    const requestId = newRequestId(api);
    const exchange: Exchange = { api, response, stream, requestId, requestBody: body, signal };
    if (apiKey === null) {
      const invalidKey = api === 'openai' ? 'openai-invalid-key' : 'anthropic-invalid-key';
      await sendErrorCase(exchange, upstreamErrorCase(invalidKey));
      return;
    }
    if (!isObject) {
      const message =
        body === undefined
          ? BAD_JSON_MESSAGES[api]
          : 'upstream-sim: the request body must be a JSON object';
      sendSimError(exchange, 400, { type: 'invalid_request_error', message });
      return;
    }

    let headerStep: SimStep | undefined;
    try {
      headerStep = readHeaderStep(request);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const problem = `upstream-sim: the ${SIM_SCRIPT_HEADER} header is not a valid step`;
      sendSimError(exchange, 400, {
        type: 'invalid_request_error',
        message: `${problem}: ${reason}`,
      });
      return;
    }

    const step = headerStep ?? this.#scripts.take(apiKey) ?? { kind: 'ok' };
    await respondWithStep(exchange, step);
  }

  #sendNotFound(request: IncomingMessage, response: ServerResponse, pathname: string): void {
    const api = guessApi(request.headers);
    const requestId = newRequestId(api);
    const message =
      api === 'openai' ? `Invalid URL (${request.method ?? 'GET'} ${pathname})` : 'Not Found';
    const type = api === 'openai' ? 'invalid_request_error' : 'not_found_error';
    sendBody(
      response,
      404,
      jsonHeaders(api, requestId),
      simErrorBody(api, { type, message }, requestId),
    );
  }
}

function readHeaderStep(request: IncomingMessage): SimStep | undefined {
  const header = request.headers[SIM_SCRIPT_HEADER];
  const text = Array.isArray(header) ? header[0] : header;
  return text === undefined ? undefined : parseSimStep(JSON.parse(text));
}
