import { GatewayClient, ReconnectingClient, type ReconnectInfo } from '@clawgate/client';
import { recordedText, UpstreamSimulator } from '@clawgate/upstream-sim';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startServer, type RunningServer } from '../src/server.js';
import { connectWhenListening, freePort, until } from './support/loopback.js';
import { spawnServer } from './support/server-process.js';
import { simulatedProfileConfig } from './support/simulated-adapter.js';

/**
 * The server under faults, with real sockets: links that drop mid-turn, aborts, repeated
 * requests, and shutdown signals while a turn streams.
 */
const TOKEN = 'faults-token-0123456789abcdef';
const OTHER_TOKEN = 'faults-other-client-token-0123';
const UPSTREAM_KEY = 'faults-openai-key';
/** The recorded OpenAI answer has about 300 chunks: at 5 ms each, a turn streams ~1.5 s. */
const SLOW_STREAM = { kind: 'ok', fixture: 'openai-chat-text', chunkDelayMs: 5 } as const;

let simulator: UpstreamSimulator;
let directory: string;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'clawgate-faults-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});
afterEach(() => {
  simulator.clearScripts();
  simulator.clearRequests();
});

/** A configuration file with one OpenAI-format profile in front of the simulator. */
function writeConfig(name: string, gateway: Record<string, unknown> = {}): string {
  const path = join(directory, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      gateway: { token: TOKEN, ...gateway },
      providers: {
        profiles: [simulatedProfileConfig(simulator, UPSTREAM_KEY)],
      },
    }),
  );
  return path;
}

async function startInProcess(name: string, gateway: Record<string, unknown> = {}) {
  return startServer({
    configPath: writeConfig(name, gateway),
    stateDirectory: join(directory, `${name}-state`),
    port: 0,
    logger: createLogger({ level: 'silent' }),
  });
}

type AgentEvent = { seq: number; runId: string; type: string; text?: string; error?: unknown };

/** Collects every agent.event of one client, in arrival order. */
function collectEvents(client: { on: GatewayClient['on'] }): AgentEvent[] {
  const events: AgentEvent[] = [];
  client.on('agent.event', (params) => events.push(params as AgentEvent));
  return events;
}

const textOf = (events: readonly AgentEvent[], runId: string): string =>
  events
    .filter((event) => event.runId === runId && event.type === 'delta')
    .map((event) => event.text)
    .join('');

/** A loopback TCP relay in front of the gateway whose links the test can cut. */
async function startRelay(targetPort: number): Promise<{
  url: string;
  cutAll: () => void;
  close: () => Promise<void>;
}> {
  const links = new Set<Socket>();
  const relay: Server = createServer((inbound) => {
    const outbound = new Socket();
    outbound.connect(targetPort, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    for (const socket of [inbound, outbound]) {
      links.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        links.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  if (typeof address !== 'object' || address === null) throw new Error('relay has no port');
  return {
    url: `ws://127.0.0.1:${address.port}`,
    cutAll: () => {
      for (const socket of links) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of links) socket.destroy();
        relay.close(() => resolve());
      }),
  };
}

describe('a link that drops mid-turn', () => {
  let server: RunningServer;

  afterEach(async () => {
    await server?.close({ graceMs: 0 });
  });

  it('is re-established; the turn goes on and every event arrives exactly once', async () => {
    server = await startInProcess('resume');
    simulator.script(UPSTREAM_KEY, SLOW_STREAM);
    const relay = await startRelay(server.port);
    const client = await ReconnectingClient.connect({
      url: relay.url,
      token: TOKEN,
      initialDelayMs: 20,
    });
    const events = collectEvents(client);
    const reconnects: ReconnectInfo[] = [];
    client.on('reconnect', (info) => reconnects.push(info));

    const { runId } = await client.request('agent', { message: 'hello', sessionKey: 'resume' });
    await until(() => events.filter((event) => event.type === 'delta').length >= 30);
    relay.cutAll();
    await until(() => events.some((event) => event.type === 'done' || event.type === 'error'));

    expect(reconnects).toEqual([{ resumed: true, attempts: expect.any(Number) }]);
    expect(events.at(-1)?.type).toBe('done');
    expect(textOf(events, runId)).toBe(recordedText('openai-chat-text'));
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index));
    expect(simulator.requestsFor(UPSTREAM_KEY)).toHaveLength(1);
    await client.close();
    await relay.close();
  });
});

describe('runs', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startInProcess('runs', { tokens: [OTHER_TOKEN] });
  });
  afterAll(async () => {
    await server?.close({ graceMs: 0 });
  });

  it('agent.abort stops the run and its upstream request', async () => {
    simulator.script(UPSTREAM_KEY, { kind: 'hang' });
    const client = await GatewayClient.connect({ url: server.url, token: TOKEN });
    const events = collectEvents(client);

    const { runId } = await client.request('agent', { message: 'hello' });
    await until(() => simulator.openRequests === 1);
    const aborted = await client.request('agent.abort', { runId });
    await until(() => events.some((event) => event.type === 'error'));

    expect(aborted).toEqual({ runId, aborted: true });
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'ABORTED' },
      partial: false,
    });
    await until(() => simulator.openRequests === 0);
    const waited = await client.request('agent.wait', { runId, timeoutMs: 1_000 });
    expect(waited).toMatchObject({ runId, status: 'error', error: { code: 'ABORTED' } });
    expect(await client.request('agent.abort', { runId })).toEqual({ runId, aborted: false });
    await client.close();
  });

  it("keeps one token's runs, idempotency keys and conversations from another", async () => {
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' }, { sticky: true });
    const owner = await GatewayClient.connect({ url: server.url, token: TOKEN });
    const other = await GatewayClient.connect({ url: server.url, token: OTHER_TOKEN });
    const params = { message: 'hello', sessionKey: 'shared-name', idempotencyKey: 'shared-key' };

    const mine = await owner.request('agent', params);
    await owner.request('agent.wait', { runId: mine.runId, timeoutMs: 10_000 });
    const theirs = await other.request('agent', params);
    await other.request('agent.wait', { runId: theirs.runId, timeoutMs: 10_000 });
    const peek = await other
      .request('agent.wait', { runId: mine.runId, timeoutMs: 100 })
      .catch((thrown: unknown) => thrown);
    const stop = await other
      .request('agent.abort', { runId: mine.runId })
      .catch((thrown: unknown) => thrown);

    expect(theirs.runId).not.toBe(mine.runId);
    expect(peek).toMatchObject({ dataCode: 'NOT_FOUND' });
    expect(stop).toMatchObject({ dataCode: 'NOT_FOUND' });
    // Each token's "shared-name" conversation starts from nothing: one user message each.
    const bodies = simulator
      .requestsFor(UPSTREAM_KEY)
      .map((request) => (request.body as { messages: unknown[] }).messages.length);
    expect(bodies).toEqual([1, 1]);
    await owner.close();
    await other.close();
  });

  it('reports what it is doing through status, and readiness over HTTP', async () => {
    const client = await GatewayClient.connect({ url: server.url, token: TOKEN });

    const status = await client.request('status');
    const readyz = await fetch(`http://127.0.0.1:${server.port}/readyz`);

    expect(status).toMatchObject({
      connections: 1,
      runningRuns: 0,
      profiles: { total: 1, usable: 1 },
      shuttingDown: false,
    });
    expect(readyz.status).toBe(200);
    await client.close();
  });

  it('tells subscribed clients of the same token when a conversation changes, and no one else', async () => {
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' }, { sticky: true });
    const subscriber = await GatewayClient.connect({ url: server.url, token: TOKEN });
    const bystander = await GatewayClient.connect({ url: server.url, token: TOKEN });
    const otherToken = await GatewayClient.connect({ url: server.url, token: OTHER_TOKEN });
    const heard: Record<string, unknown[]> = { subscriber: [], bystander: [], otherToken: [] };
    subscriber.on('sessions.changed', (params) => heard.subscriber?.push(params));
    bystander.on('sessions.changed', (params) => heard.bystander?.push(params));
    otherToken.on('sessions.changed', (params) => heard.otherToken?.push(params));
    await subscriber.request('sessions.subscribe');
    await otherToken.request('sessions.subscribe');

    const { runId } = await bystander.request('agent', { message: 'hi', sessionKey: 'feed' });
    await bystander.request('agent.wait', { runId, timeoutMs: 10_000 });
    await bystander.request('sessions.reset', { sessionKey: 'feed' });
    await bystander.request('sessions.delete', { sessionKey: 'feed' });
    await until(() => (heard.subscriber?.length ?? 0) === 4);

    // One update when the user message is stored, one when the answer is.
    expect(heard.subscriber).toEqual([
      { sessionKey: 'feed', change: 'updated', seq: expect.any(Number) },
      { sessionKey: 'feed', change: 'updated', seq: expect.any(Number) },
      { sessionKey: 'feed', change: 'reset', seq: expect.any(Number) },
      { sessionKey: 'feed', change: 'deleted', seq: expect.any(Number) },
    ]);
    expect(heard.bystander).toEqual([]);
    expect(heard.otherToken).toEqual([]);
    await Promise.all([subscriber.close(), bystander.close(), otherToken.close()]);
  });

  it('answers agent.abort of an unknown run with NOT_FOUND', async () => {
    const client = await GatewayClient.connect({ url: server.url, token: TOKEN });

    const error: unknown = await client
      .request('agent.abort', { runId: 'no-such-run' })
      .catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({ dataCode: 'NOT_FOUND' });
    await client.close();
  });

  it('returns the same run for a repeated idempotencyKey and starts only one', async () => {
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' });
    const client = await GatewayClient.connect({ url: server.url, token: TOKEN });
    const params = { message: 'hello', sessionKey: 'idem', idempotencyKey: 'order-42' };

    const first = await client.request('agent', params);
    const second = await client.request('agent', params);
    const result = await client.request('agent.wait', { runId: first.runId, timeoutMs: 10_000 });
    const third = await client.request('agent', params);

    expect(second.runId).toBe(first.runId);
    expect(third.runId).toBe(first.runId);
    expect(result).toMatchObject({ status: 'done', text: recordedText('openai-chat-text') });
    expect(simulator.requestsFor(UPSTREAM_KEY)).toHaveLength(1);
    await client.close();
  });
});

describe('shutdown', () => {
  it('aborts what is still running when the grace period ends, then closes with 1001', async () => {
    const server = await startInProcess('grace');
    simulator.script(UPSTREAM_KEY, { kind: 'hang' });
    const client = await GatewayClient.connect({ url: server.url, token: TOKEN });
    const events = collectEvents(client);
    const shutdowns: unknown[] = [];
    client.on('shutdown', (params) => shutdowns.push(params));
    const closed = new Promise((resolve) => client.on('close', resolve));

    await client.request('agent', { message: 'hello' });
    await until(() => simulator.openRequests === 1);
    await server.close({ graceMs: 200 });

    expect(shutdowns).toEqual([{ graceMs: 200, seq: expect.any(Number) }]);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'SHUTTING_DOWN' } });
    expect(await closed).toMatchObject({ code: 1001 });
  });

  it('on SIGTERM lets the running turn finish, refuses new work, closes 1001 and exits 0', async () => {
    simulator.script(UPSTREAM_KEY, SLOW_STREAM);
    const port = await freePort();
    const configPath = writeConfig('sigterm', { port, shutdown_grace_ms: 20_000 });
    const { child, exited } = spawnServer(configPath, directory);
    try {
      const client = await connectWhenListening(`ws://127.0.0.1:${port}`, TOKEN);
      const events = collectEvents(client);
      const shutdowns: unknown[] = [];
      client.on('shutdown', (params) => shutdowns.push(params));
      const closed = new Promise<{ code: number }>((resolve) => client.on('close', resolve));

      const { runId } = await client.request('agent', { message: 'hello' });
      await until(() => events.some((event) => event.type === 'delta'));
      child.kill('SIGTERM');
      await until(() => shutdowns.length === 1);
      const refused: unknown = await client
        .request('agent', { message: 'too late' })
        .catch((thrown: unknown) => thrown);
      await until(() => events.some((event) => event.type === 'done' || event.type === 'error'));

      expect(shutdowns).toEqual([{ graceMs: 20_000, seq: expect.any(Number) }]);
      expect(refused).toMatchObject({ dataCode: 'SHUTTING_DOWN' });
      expect(events.at(-1)).toMatchObject({ type: 'done', runId });
      expect(textOf(events, runId)).toBe(recordedText('openai-chat-text'));
      expect((await closed).code).toBe(1001);
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('a second shutdown signal', () => {
  it('aborts the turns still running at once, then exits 0', async () => {
    simulator.script(UPSTREAM_KEY, { kind: 'hang' });
    const port = await freePort();
    const configPath = writeConfig('second-signal', { port, shutdown_grace_ms: 60_000 });
    const { child, exited } = spawnServer(configPath, directory);
    try {
      const client = await connectWhenListening(`ws://127.0.0.1:${port}`, TOKEN);
      const events = collectEvents(client);
      const shutdowns: unknown[] = [];
      client.on('shutdown', (params) => shutdowns.push(params));
      const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);

      await client.request('agent', { message: 'hello' });
      await until(() => simulator.openRequests === 1);
      child.kill('SIGTERM');
      await until(() => shutdowns.length === 1);
      const drainingReadyz = await fetch(`http://127.0.0.1:${port}/readyz`);
      const startedAtMs = Date.now();
      child.kill('SIGTERM');

      expect(await exited).toBe(0);
      expect(Date.now() - startedAtMs).toBeLessThan(5_000);
      expect(readyz.status).toBe(200);
      expect(drainingReadyz.status).toBe(503);
      expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'SHUTTING_DOWN' } });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
