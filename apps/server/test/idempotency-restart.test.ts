import { GatewayClient } from '@clawgate/client';
import { UpstreamSimulator } from '@clawgate/upstream-sim';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredServer } from './support/configured-server.js';
import { simulatedProfileConfig } from './support/simulated-adapter.js';

/** Idempotency keys of `agent` and `send` hold across a restart, and refuse another request. */
const TOKEN = 'idempotency-token-0123456789abcdef';
const UPSTREAM_KEY = 'idempotency-openai-key';

let simulator: UpstreamSimulator;
let directory: string;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'clawgate-idempotency-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

const start = () =>
  startConfiguredServer({
    directory,
    name: 'clawgate',
    stateName: 'state',
    config: {
      gateway: { token: TOKEN },
      providers: { profiles: [simulatedProfileConfig(simulator, UPSTREAM_KEY)] },
    },
  });

describe('idempotency keys', () => {
  it('return the first run and message after a restart, and refuse a different request', async () => {
    simulator.clearRequests();
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' }, { sticky: true });
    const agent = { message: 'book the flight', sessionKey: 'trip', idempotencyKey: 'order-7' };
    const send = { channel: 'websocket', chatId: 'room', content: 'hi', idempotencyKey: 's-1' };

    const first = await start();
    const before = await GatewayClient.connect({ url: first.url, token: TOKEN });
    await before.request('channels.subscribe', { channel: 'websocket', chatId: 'room' });
    const run = await before.request('agent', agent);
    await before.request('agent.wait', { runId: run.runId, timeoutMs: 10_000 });
    const sent = await before.request('send', send);
    await before.close();
    await first.close({ graceMs: 1_000 });

    const second = await start();
    const after = await GatewayClient.connect({ url: second.url, token: TOKEN });
    await after.request('channels.subscribe', { channel: 'websocket', chatId: 'room' });
    const heard: unknown[] = [];
    after.on('message.outbound', (params) => heard.push(params));

    expect(await after.request('agent', agent)).toEqual({ runId: run.runId, status: 'accepted' });
    expect(await after.request('send', send)).toEqual({
      messageId: sent.messageId,
      status: 'queued',
      repeated: true,
    });
    const conflict = await after
      .request('agent', { ...agent, message: 'book another flight' })
      .catch((error: unknown) => error);
    expect(conflict).toMatchObject({
      dataCode: 'CONFLICT',
      message: 'idempotency key "order-7" was used for a different request',
    });
    const sendConflict = await after
      .request('send', { ...send, content: 'bye' })
      .catch((error: unknown) => error);
    expect(sendConflict).toMatchObject({ dataCode: 'CONFLICT' });
    expect(simulator.requestsFor(UPSTREAM_KEY)).toHaveLength(1);
    expect(heard).toEqual([]);
    await after.close();
    await second.close({ graceMs: 1_000 });
  });

  it('refuses a send to a websocket chat that no session follows', async () => {
    const running = await start();
    const client = await GatewayClient.connect({ url: running.url, token: TOKEN });

    const error = await client
      .request('send', { channel: 'websocket', chatId: 'empty-room', content: 'anyone?' })
      .catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({
      dataCode: 'NOT_FOUND',
      message: 'no session is subscribed to websocket chat "empty-room"',
    });
    await client.close();
    await running.close({ graceMs: 1_000 });
  });
});
