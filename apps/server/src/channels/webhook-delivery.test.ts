import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelStore, type StoredBusMessage } from '../store/channel-store.js';
import { openDatabase } from '../store/database.js';
import { WebhookDelivery } from './webhook-delivery.js';

const SECRET = 'delivery-secret-0123456789';

/** Answers each POST with the next scripted status (then 204); records the attempt numbers. */
let server: Server;
let url: string;
let statuses: Array<{ status: number; headers?: Record<string, string> }> = [];
const attempts: number[] = [];
/** The message id of each POST, in arrival order. */
const ids: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; attempt: number };
      attempts.push(body.attempt);
      ids.push(body.id);
      const next = statuses.shift() ?? { status: 204 };
      response.writeHead(next.status, next.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const message: StoredBusMessage = {
  id: 'out-1',
  channel: 'hooks',
  chatId: 'chat-1',
  senderId: 'agent',
  content: 'the answer',
  timestamp: 1,
};

/** A delivery to the test receiver over `store`, as a server (re)start would make it. */
function deliveryOver(store: ChannelStore, maxAttempts = 4, retryInitialMs = 20): WebhookDelivery {
  return new WebhookDelivery({
    channel: 'hooks',
    url,
    secret: SECRET,
    store,
    maxAttempts,
    retryInitialMs,
    retryMaxMs: Math.max(40, retryInitialMs),
    timeoutMs: 1_000,
  });
}

/** A fresh store and a delivery over it; forgets what the receiver saw before. */
function deliveryWith(maxAttempts = 4, retryInitialMs = 20) {
  const store = new ChannelStore(openDatabase(':memory:'));
  attempts.length = 0;
  ids.length = 0;
  return { store, delivery: deliveryOver(store, maxAttempts, retryInitialMs) };
}

async function settled(store: ChannelStore): Promise<void> {
  await expect.poll(() => store.outboundCounts('hooks').pending, { timeout: 5_000 }).toBe(0);
}

describe('WebhookDelivery', () => {
  it('retries a 5xx, a 429 and a 408 with backoff, then delivers', async () => {
    const { store, delivery } = deliveryWith();
    statuses = [{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { status: 408 }];
    store.enqueueOutbound(message);

    delivery.start();
    await settled(store);
    await delivery.stop();

    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(store.outboundCounts('hooks')).toEqual({ pending: 0, delivered: 1, dead: 0 });
    expect(delivery.retries).toBe(3);
  });

  it("waits for the receiver's retry-after given as a date", async () => {
    // Without the header the backoff would be 5 s.
    const { store, delivery } = deliveryWith(4, 5_000);
    const retryAt = new Date(Date.now() + 2_000).toUTCString();
    statuses = [{ status: 503, headers: { 'retry-after': retryAt } }];
    store.enqueueOutbound(message);

    delivery.start();
    await expect.poll(() => attempts).toEqual([1]);
    await delivery.stop();

    // HTTP dates have whole seconds: the wait is one to two seconds, not the 5 s backoff.
    const [pending] = store.pendingOutbound('hooks');
    expect(pending?.nextAttemptAt).toBeGreaterThan(Date.now() + 500);
    expect(pending?.nextAttemptAt).toBeLessThan(Date.now() + 2_500);
  });

  it('gives up at once on a 4xx that no retry fixes', async () => {
    const { store, delivery } = deliveryWith();
    statuses = [{ status: 410 }];
    store.enqueueOutbound(message);

    delivery.start();
    await settled(store);
    await delivery.stop();

    expect(attempts).toEqual([1]);
    expect(store.deadLetters('hooks')[0]).toMatchObject({
      attempts: 1,
      lastError: 'the receiver answered HTTP 410 (after 1 attempt)',
    });
  });

  it('puts a message in the dead-letter record after the last allowed attempt fails', async () => {
    const { store, delivery } = deliveryWith(2);
    statuses = [{ status: 500 }, { status: 502 }];
    store.enqueueOutbound(message);

    delivery.start();
    await settled(store);
    await delivery.stop();

    expect(attempts).toEqual([1, 2]);
    expect(store.deadLetters('hooks')[0]).toMatchObject({
      attempts: 2,
      lastError: 'the receiver answered HTTP 502 (after 2 attempts)',
    });
  });

  it('resumes a pending message in a new delivery over the same store, as after a restart', async () => {
    // The first delivery is stopped while it waits out its 300 ms backoff.
    const { store, delivery } = deliveryWith(4, 300);
    statuses = [{ status: 503 }];
    store.enqueueOutbound(message);
    delivery.start();
    await expect.poll(() => attempts).toEqual([1]);
    await delivery.stop();
    expect(store.pendingOutbound('hooks')).toMatchObject([{ attempts: 1 }]);

    const restarted = deliveryOver(store);
    restarted.start();
    await settled(store);
    await restarted.stop();

    expect(attempts).toEqual([1, 2]);
    expect(store.outboundCounts('hooks')).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it("keeps each chat's messages in order while an earlier one waits for its retry", async () => {
    const { store, delivery } = deliveryWith(4, 200);
    statuses = [{ status: 503 }];
    store.enqueueOutbound({ ...message, id: 'first', timestamp: 1 });
    store.enqueueOutbound({ ...message, id: 'second', timestamp: 2 });
    store.enqueueOutbound({ ...message, id: 'other-chat', chatId: 'chat-2', timestamp: 3 });

    delivery.start();
    await settled(store);
    await delivery.stop();

    expect(ids).toEqual(['first', 'other-chat', 'first', 'second']);
  });

  it('delivers what is due when stopped with drain, and leaves the rest pending', async () => {
    const { store, delivery } = deliveryWith();
    statuses = [];
    delivery.start();
    await delivery.stop();
    store.enqueueOutbound(message);

    const restarted = deliveryOver(store);
    restarted.start();
    await restarted.drain(2_000);

    expect(store.outboundCounts('hooks')).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });
});
