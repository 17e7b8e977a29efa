import { principalOf } from '@clawgate/gateway';
import { GatewayClient } from '@clawgate/client';
import { recordedText, UpstreamSimulator } from '@clawgate/upstream-sim';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../src/channels/webhook-signature.js';
import type { RunningServer } from '../src/server.js';
import { ChannelStore } from '../src/store/channel-store.js';
import { openDatabase } from '../src/store/database.js';
import { freePort, until } from './support/loopback.js';
import { startConfiguredServer } from './support/configured-server.js';
import { simulatedProfileConfig } from './support/simulated-adapter.js';

/**
 * Channels end to end: a real server with the gateway channel and two webhook channels, one
 * pointed at a loopback receiver and one at a port where nothing listens; real signed HTTP
 * requests in, real POSTs out, real WebSocket clients following chats.
 */
const TOKEN = 'channels-token-0123456789abcdef';
const SECRET = 'webhook-secret-0123456789';
const UPSTREAM_KEY = 'channels-openai-key';
const ANSWER = recordedText('openai-chat-text');

interface Received {
  body: Record<string, unknown>;
  authentic: boolean;
}

let simulator: UpstreamSimulator;
let directory: string;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let deadPort: number;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'clawgate-channels-'));
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const problem = verifyWebhook({
        secret: SECRET,
        body,
        signature: request.headers['x-clawgate-signature'] as string | undefined,
        timestamp: request.headers['x-clawgate-timestamp'] as string | undefined,
        nowMs: Date.now(),
      });
      received.push({ body: JSON.parse(body) as Record<string, unknown>, authentic: !problem });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  if (typeof address !== 'object' || address === null) throw new Error('no receiver port');
  receiverUrl = `http://127.0.0.1:${address.port}/hook`;
  deadPort = await freePort();
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close({ graceMs: 1_000 });
  server = undefined;
});

async function start(name: string): Promise<RunningServer> {
  server = await startConfiguredServer({
    directory,
    name,
    config: {
      gateway: { token: TOKEN },
      providers: {
        profiles: [simulatedProfileConfig(simulator, UPSTREAM_KEY)],
      },
      channels: {
        webhooks: [
          { name: 'hooks', secret: SECRET, outbound_url: receiverUrl },
          {
            name: 'down',
            secret: SECRET,
            outbound_url: `http://127.0.0.1:${deadPort}/hook`,
            max_attempts: 3,
            retry_initial_ms: 50,
            retry_max_ms: 100,
            timeout_ms: 1_000,
          },
        ],
      },
    },
  });
  return server;
}

/** POSTs a message to a webhook channel, signed with `secret`. */
async function postInbound(
  running: RunningServer,
  channel: string,
  message: Record<string, unknown>,
  secret = SECRET,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = JSON.stringify(message);
  const timestampMs = Date.now();
  const response = await fetch(`http://127.0.0.1:${running.port}/channels/${channel}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-clawgate-signature': signWebhook(secret, timestampMs, body),
      'x-clawgate-timestamp': String(timestampMs),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type Outbound = Record<string, unknown> & { chatId: string; content: string };

async function follow(running: RunningServer, chats: Array<[string, string]>) {
  const client = await GatewayClient.connect({ url: running.url, token: TOKEN });
  const heard: Outbound[] = [];
  client.on('message.outbound', (params) => heard.push(params as Outbound));
  for (const [channel, chatId] of chats) {
    expect(await client.request('channels.subscribe', { channel, chatId })).toEqual({
      subscribed: true,
    });
  }
  return { client, heard };
}

describe('channels', () => {
  it('turns a signed webhook message into a turn whose answer is POSTed to the outbound URL', async () => {
    const running = await start('deliver');
    simulator.clearRequests();
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' });
    received.length = 0;

    const hello = {
      chatId: 'chat-1',
      senderId: 'user-7',
      content: 'hello from the webhook',
      id: 'ext-1',
    };
    const accepted = await postInbound(running, 'hooks', hello);

    expect(accepted).toEqual({
      status: 202,
      body: { accepted: true, messageId: expect.any(String) },
    });
    await until(() => received.length === 1);
    expect(received[0]).toEqual({
      authentic: true,
      body: {
        id: expect.any(String),
        channel: 'hooks',
        chatId: 'chat-1',
        senderId: 'agent',
        content: ANSWER,
        metadata: {
          runId: expect.any(String),
          inReplyTo: accepted.body.messageId,
        },
        timestamp: expect.any(Number),
        attempt: 1,
      },
    });
    const upstream = simulator.requestsFor(UPSTREAM_KEY);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]?.body).toMatchObject({
      messages: [{ role: 'user', content: 'hello from the webhook' }],
    });

    // A repeat of the same sender id is answered, and starts no second turn.
    const repeat = await postInbound(running, 'hooks', hello);
    expect(repeat).toEqual({
      status: 200,
      body: { accepted: true, messageId: accepted.body.messageId, duplicate: true },
    });

    const client = await GatewayClient.connect({ url: running.url, token: TOKEN });
    const status = await client.request('channels.status', { channel: 'hooks' });
    expect(status.channels).toEqual([
      {
        name: 'hooks',
        kind: 'webhook',
        state: 'running',
        inbound: { accepted: 1, refused: 0, duplicates: 1 },
        outbound: { delivered: 1, pending: 0, retries: 0, deadLettered: 0 },
        subscribers: 0,
      },
    ]);
    expect(status.bus.inbound.subscribers.map((subscriber) => subscriber.name)).toEqual(['agent']);
    expect(simulator.requestsFor(UPSTREAM_KEY)).toHaveLength(1);
    await client.close();
  });

  it('after a crash, hands on a message whose turn had not begun and tells the sender of one that had', async () => {
    // The state a kill -9 leaves: one turn had begun, one waited behind it.
    const database = openDatabase(join(directory, 'recover-state', 'clawgate.db'));
    const store = new ChannelStore(database);
    const accepted = (id: string, content: string) => ({
      id,
      channel: 'hooks',
      chatId: 'chat-3',
      senderId: 'user-3',
      content,
      timestamp: 1,
    });
    store.recordInbound(accepted('began-before-crash', 'are you there?'));
    store.markInbound('began-before-crash', 'started', { runId: 'run-lost' });
    store.recordInbound(accepted('waited-before-crash', 'hello?'));
    database.close();
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' });
    received.length = 0;

    await start('recover');

    await until(() => received.length === 2);
    expect(received.map(({ body }) => [body.content, body.metadata])).toEqual([
      [
        'The server restarted before the agent finished answering; please send your message again.',
        { error: 'INTERRUPTED', inReplyTo: 'began-before-crash' },
      ],
      [ANSWER, { runId: expect.any(String), inReplyTo: 'waited-before-crash' }],
    ]);
  });

  it('answers a replayed request and a reused id in the same chat without a second turn', async () => {
    const running = await start('repeats');
    simulator.clearRequests();
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' }, { sticky: true });
    const url = `http://127.0.0.1:${running.port}/channels/hooks/messages`;
    const body = JSON.stringify({ chatId: 'chat-5', senderId: 'u', content: 'no id here' });
    const timestampMs = Date.now();
    const signed = {
      'content-type': 'application/json',
      'x-clawgate-signature': signWebhook(SECRET, timestampMs, body)
        .toUpperCase()
        .replace('SHA256=', 'sha256='),
      'x-clawgate-timestamp': String(timestampMs),
    };

    const first = await fetch(url, { method: 'POST', headers: signed, body });
    const replayed = await fetch(url, { method: 'POST', headers: signed, body });
    const original = { chatId: 'chat-5', senderId: 'u', content: 'first text', id: 'n-1' };
    await postInbound(running, 'hooks', original);
    const reused = await postInbound(running, 'hooks', { ...original, content: 'other text' });
    const otherChat = await postInbound(running, 'hooks', { ...original, chatId: 'chat-6' });
    const plainText = await fetch(url, {
      method: 'POST',
      headers: { ...signed, 'content-type': 'text/plain' },
      body,
    });

    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as { messageId: string };
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toEqual({
      accepted: true,
      messageId: firstBody.messageId,
      duplicate: true,
    });
    expect(reused).toEqual({
      status: 409,
      body: {
        error: {
          code: 'CONFLICT',
          message: 'this id was already used for another message in this chat',
        },
      },
    });
    expect(otherChat.status).toBe(202);
    expect(plainText.status).toBe(415);
    expect(await plainText.json()).toEqual({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'the body must be application/json' },
    });
    // Three messages were accepted: the first, the one with id n-1, and its twin in chat-6.
    await until(() => simulator.requestsFor(UPSTREAM_KEY).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(simulator.requestsFor(UPSTREAM_KEY)).toHaveLength(3);
  });

  it('refuses a bad signature, a stale one and a bad body, and starts no turn', async () => {
    const running = await start('refuse');
    simulator.clearRequests();
    const message = { chatId: 'chat-1', senderId: 'user-7', content: 'let me in' };

    const forged = await postInbound(running, 'hooks', message, 'not-the-secret-at-all');
    const body = JSON.stringify(message);
    const stale = await fetch(`http://127.0.0.1:${running.port}/channels/hooks/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-clawgate-signature': signWebhook(SECRET, Date.now() - 600_000, body),
        'x-clawgate-timestamp': String(Date.now() - 600_000),
      },
      body,
    });
    const unsigned = await fetch(`http://127.0.0.1:${running.port}/channels/hooks/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const invalid = await postInbound(running, 'hooks', { chatId: 'chat-1', content: 'x' });

    expect(forged).toEqual({
      status: 401,
      body: {
        error: { code: 'UNAUTHORIZED', message: 'the signature does not match the body' },
      },
    });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({
      error: {
        code: 'UNAUTHORIZED',
        message: 'the x-clawgate-timestamp is more than 5 minutes away from now',
      },
    });
    expect(unsigned.status).toBe(401);
    expect(invalid).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_REQUEST',
          message: 'invalid message: senderId: Invalid input: expected string, received undefined',
        },
      },
    });
    const client = await GatewayClient.connect({ url: running.url, token: TOKEN });
    const status = await client.request('channels.status', { channel: 'hooks' });
    expect(status.channels[0]?.inbound).toEqual({ accepted: 0, refused: 4, duplicates: 0 });
    expect(simulator.requestsFor(UPSTREAM_KEY)).toEqual([]);
    await client.close();
  });

  it('retries an outbound target that is down, then keeps the message in the dead-letter record', async () => {
    const running = await start('dead-letter');
    const client = await GatewayClient.connect({ url: running.url, token: TOKEN });

    const sent = await client.request('send', {
      channel: 'down',
      chatId: 'chat-9',
      content: 'nobody is listening',
    });
    expect(sent).toEqual({ messageId: expect.any(String), status: 'queued', repeated: false });

    let status = await client.request('channels.status', { channel: 'down' });
    const deadline = Date.now() + 10_000;
    while (status.channels[0]?.outbound.deadLettered !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await client.request('channels.status', { channel: 'down' });
    }
    expect(status.channels[0]).toMatchObject({
      outbound: { delivered: 0, pending: 0, retries: 2, deadLettered: 1 },
      lastError: 'the receiver could not be reached (ECONNREFUSED)',
    });
    await client.close();

    await running.close({ graceMs: 1_000 });
    server = undefined;
    const database = openDatabase(join(directory, 'dead-letter-state', 'clawgate.db'));
    const dead = new ChannelStore(database).deadLetters('down');
    database.close();
    expect(dead).toEqual([
      {
        message: {
          id: sent.messageId,
          channel: 'down',
          chatId: 'chat-9',
          senderId: principalOf(TOKEN),
          content: 'nobody is listening',
          timestamp: expect.any(Number),
        },
        status: 'dead',
        attempts: 3,
        nextAttemptAt: 0,
        lastError: 'the receiver could not be reached (ECONNREFUSED) (after 3 attempts)',
      },
    ]);
  });

  it('sends message.outbound only to the sessions subscribed to that chat', async () => {
    const running = await start('subscribers');
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' });
    const follower = await follow(running, [['hooks', 'chat-1']]);
    const roomFollower = await follow(running, [['websocket', 'room-1']]);
    const otherChat = await follow(running, [['hooks', 'chat-2']]);
    const bystander = await follow(running, []);
    const unsubscribed = await follow(running, [['hooks', 'chat-1']]);
    expect(
      await unsubscribed.client.request('channels.unsubscribe', {
        channel: 'hooks',
        chatId: 'chat-1',
      }),
    ).toEqual({ unsubscribed: true });

    await postInbound(running, 'hooks', { chatId: 'chat-1', senderId: 'u', content: 'hi' });
    const sent = await bystander.client.request('send', {
      channel: 'websocket',
      chatId: 'room-1',
      content: 'to the room',
      idempotencyKey: 'room-note-1',
    });
    const repeated = await bystander.client.request('send', {
      channel: 'websocket',
      chatId: 'room-1',
      content: 'to the room',
      idempotencyKey: 'room-note-1',
    });
    await until(() => follower.heard.length === 1 && roomFollower.heard.length === 1);
    // A marker through the same path shows the others had their chance to hear.
    await bystander.client.request('send', { channel: 'hooks', chatId: 'chat-2', content: 'x' });
    await until(() => otherChat.heard.length === 1);

    expect(follower.heard).toEqual([
      {
        seq: expect.any(Number),
        messageId: expect.any(String),
        channel: 'hooks',
        chatId: 'chat-1',
        senderId: 'agent',
        content: ANSWER,
        timestamp: expect.any(Number),
        runId: expect.any(String),
      },
    ]);
    expect(roomFollower.heard).toEqual([
      {
        seq: expect.any(Number),
        messageId: sent.messageId,
        channel: 'websocket',
        chatId: 'room-1',
        senderId: principalOf(TOKEN),
        content: 'to the room',
        timestamp: expect.any(Number),
      },
    ]);
    expect(repeated).toEqual({ messageId: sent.messageId, status: 'queued', repeated: true });
    expect(otherChat.heard.map((message) => message.content)).toEqual(['x']);
    expect(bystander.heard).toEqual([]);
    expect(unsubscribed.heard).toEqual([]);

    const list = await bystander.client.request('channels.list');
    expect(list).toEqual({
      channels: [
        { name: 'websocket', kind: 'websocket', state: 'running' },
        { name: 'hooks', kind: 'webhook', state: 'running' },
        { name: 'down', kind: 'webhook', state: 'running' },
      ],
    });
    const unknown = await bystander.client
      .request('send', { channel: 'nowhere', chatId: 'c', content: 'x' })
      .catch((error: unknown) => error);
    expect(unknown).toMatchObject({ dataCode: 'NOT_FOUND' });
    await Promise.all(
      [follower, roomFollower, otherChat, bystander, unsubscribed].map(({ client }) =>
        client.close(),
      ),
    );
  });
});
