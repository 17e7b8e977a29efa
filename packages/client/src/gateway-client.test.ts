import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { isConnectionClosedError } from './connection-closed-error.js';
import { GatewayClient } from './gateway-client.js';
import { isRequestTimeoutError, RequestTimeoutError } from './request-timeout-error.js';
import { isRpcClientError, RpcClientError } from './rpc-client-error.js';
import { SCRIPTED_CONNECTED, SCRIPTED_TOKEN, ScriptedGateway } from './testing/scripted-gateway.js';

let server: ScriptedGateway | undefined;
let client: GatewayClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.stop();
  client = undefined;
  server = undefined;
});

async function connect(
  options: Partial<Parameters<typeof GatewayClient.connect>[0]> = {},
): Promise<{ server: ScriptedGateway; client: GatewayClient }> {
  server = await ScriptedGateway.start();
  client = await GatewayClient.connect({ url: server.url, token: SCRIPTED_TOKEN, ...options });
  return { server, client };
}

const delta = (seq: number): unknown => ({
  jsonrpc: '2.0',
  method: 'agent.event',
  params: { type: 'delta', runId: 'r', sessionKey: 'main', text: `t${seq}`, seq },
});

describe('GatewayClient', () => {
  it('authenticates by header and exposes the connected params', async () => {
    const { server, client } = await connect();

    expect(client.connected).toEqual(SCRIPTED_CONNECTED);
    expect(server.received).toEqual([]);
  });

  it('authenticates with a connect frame naming the client', async () => {
    const { server, client } = await connect({
      auth: 'frame',
      clientName: 'cli',
      clientVersion: '2.0.0',
    });

    expect(client.connected).toEqual(SCRIPTED_CONNECTED);
    expect(server.received).toEqual([
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'connect',
        params: { token: SCRIPTED_TOKEN, client: { name: 'cli', version: '2.0.0' } },
      },
    ]);
  });

  it('rejects connect with UNAUTHORIZED when the upgrade answers 401', async () => {
    server = await ScriptedGateway.start();

    const failure = await GatewayClient.connect({ url: server.url, token: 'wrong' }).catch(
      (error: unknown) => error,
    );

    expect(isRpcClientError(failure)).toBe(true);
    expect(failure).toMatchObject({
      code: -32001,
      dataCode: 'UNAUTHORIZED',
      message: 'Invalid or missing bearer token',
    });
  });

  it('rejects connect with UNAUTHORIZED when the connect frame is refused', async () => {
    server = await ScriptedGateway.start();

    const failure = GatewayClient.connect({ url: server.url, token: 'wrong', auth: 'frame' });

    await expect(failure).rejects.toBeInstanceOf(RpcClientError);
    await expect(failure).rejects.toMatchObject({ code: -32001, dataCode: 'UNAUTHORIZED' });
  });

  it('sends a request and resolves with its result', async () => {
    const { server, client } = await connect();
    server.handle('health', () => ({ result: { ok: true, version: '9.9.9', uptimeMs: 12 } }));

    const health = await client.request('health');

    expect(health).toEqual({ ok: true, version: '9.9.9', uptimeMs: 12 });
    expect(server.received).toEqual([{ jsonrpc: '2.0', id: 1, method: 'health' }]);
  });

  it('rejects with the error code, data code and retry delay of an error response', async () => {
    const { server, client } = await connect();
    server.handle('agent', () => ({
      error: {
        code: -32002,
        message: 'Slow down',
        data: { code: 'RATE_LIMITED', retryAfterMs: 250 },
      },
    }));

    const failure = await client
      .request('agent', { message: 'hi' })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RpcClientError);
    expect(failure).toMatchObject({
      code: -32002,
      message: 'Slow down',
      dataCode: 'RATE_LIMITED',
      retryAfterMs: 250,
    });
  });

  it('times out a request that gets no response, and ignores the late response', async () => {
    const { server, client } = await connect({ requestTimeoutMs: 50 });
    server.handle('health', () => undefined);

    const failure = await client.request('health').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RequestTimeoutError);
    expect(isRequestTimeoutError(failure)).toBe(true);
    expect(failure).toMatchObject({ method: 'health', timeoutMs: 50 });
    server.broadcast({ jsonrpc: '2.0', id: 1, result: { late: true } });
    server.handle('health', () => ({ result: { ok: true } }));
    expect(await client.request('health', {}, { timeoutMs: 1_000 })).toEqual({ ok: true });
  });

  it('rejects pending requests when the socket closes', async () => {
    const { server, client } = await connect();
    server.handle('agent.wait', () => undefined);

    const pending = client.request('agent.wait', { runId: 'r' });
    server.sockets[0]?.close(1001, 'Server shutting down');
    const failure = await pending.catch((error: unknown) => error);

    expect(isConnectionClosedError(failure)).toBe(true);
    expect(failure).toMatchObject({ closeCode: 1001, closeReason: 'Server shutting down' });
    await expect(client.request('health')).rejects.toMatchObject({ closeCode: 1001 });
  });

  it('calls typed listeners until they unsubscribe and tracks lastSeq', async () => {
    const { server, client } = await connect();
    const texts: string[] = [];
    const methods: string[] = [];
    const unsubscribe = client.on('agent.event', (event) => {
      if (event.type === 'delta') texts.push(event.text);
    });
    client.on('notification', (method) => methods.push(method));
    const closed = new Promise((resolve) => client.on('close', resolve));

    server.broadcast(delta(1));
    server.broadcast(delta(2));
    await waitFor(() => texts.length === 2);
    unsubscribe();
    server.broadcast(delta(3));
    await waitFor(() => methods.length === 4);
    server.sockets[0]?.close(1000, 'bye');

    expect(texts).toEqual(['t1', 't2']);
    expect(methods).toEqual(['connected', 'agent.event', 'agent.event', 'agent.event']);
    expect(client.lastSeq).toBe(3);
    expect(await closed).toEqual({ code: 1000, reason: 'bye' });
  });

  it('delivers notifications from the handshake to listeners attached after it', async () => {
    server = await ScriptedGateway.start();
    server.greeting.push(delta(7));

    client = await GatewayClient.connect({ url: server.url, token: SCRIPTED_TOKEN });
    const seqs: number[] = [];
    client.on('agent.event', (event) => seqs.push(event.seq));
    const connected: unknown[] = [];
    client.on('connected', (params) => connected.push(params));
    await waitFor(() => seqs.length === 1);

    expect(seqs).toEqual([7]);
    expect(connected).toEqual([SCRIPTED_CONNECTED]);
  });

  it('yields notifications from events() and ends when the socket closes', async () => {
    const { server, client } = await connect();
    const events = client.events();

    server.broadcast(delta(1));
    const received = [await events.next(), await events.next()];
    server.sockets[0]?.close(1000, 'bye');
    const end = await events.next();

    expect(received).toEqual([
      { done: false, value: { method: 'connected', params: SCRIPTED_CONNECTED } },
      {
        done: false,
        value: { method: 'agent.event', params: (delta(1) as { params: unknown }).params },
      },
    ]);
    expect(end).toEqual({ done: true, value: undefined });
  });
});

describe('GatewayClient.connect', () => {
  it('times out a handshake the server never completes', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as AddressInfo;

    const failure = await GatewayClient.connect({
      url: `ws://127.0.0.1:${port}`,
      token: SCRIPTED_TOKEN,
      connectTimeoutMs: 50,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RequestTimeoutError);
    expect(failure).toMatchObject({ method: 'connect', timeoutMs: 50 });
    for (const socket of silent.clients) socket.terminate();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('names a bad option and its value', async () => {
    await expect(
      GatewayClient.connect({ url: 'ws://127.0.0.1:1', token: 't', requestTimeoutMs: 0 }),
    ).rejects.toThrow(new RangeError('requestTimeoutMs must be a positive integer, got 0'));
    await expect(GatewayClient.connect({ url: 'http://127.0.0.1:1', token: 't' })).rejects.toThrow(
      new RangeError('url must use ws: or wss:, got http:'),
    );
  });

  it('ends an events() iterator on break and still feeds new ones', async () => {
    const { server, client } = await connect();
    const seen: unknown[] = [];

    server.broadcast(delta(1));
    for await (const notification of client.events()) {
      seen.push(notification.method);
      if (notification.method === 'agent.event') break;
    }
    server.broadcast(delta(2));
    const next = await client.events().next();

    expect(seen).toEqual(['connected', 'agent.event']);
    expect(next.value).toMatchObject({ params: { seq: 2 } });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met within 2000 ms');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
