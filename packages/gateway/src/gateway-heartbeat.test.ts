import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitUntil, type RunningGateway } from './testing/start-gateway.js';
import { TestPeer } from './testing/test-peer.js';

let running: RunningGateway | undefined;

afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

describe('Gateway heartbeat', () => {
  it('terminates a peer that stops answering pings and frees its connection', async () => {
    running = await startGateway({ heartbeatMs: 100 });
    const peer = await TestPeer.open(running.url, {
      headers: running.authHeaders,
      autoPong: false,
    });
    const connected = (await peer.next()) as { params: { sessionId: string } };
    const connectedAtMs = Date.now();

    const closed = await peer.closed;

    // One interval to send the ping, one more to find its pong missing.
    const droppedAfterMs = Date.now() - connectedAtMs;
    expect(droppedAfterMs).toBeGreaterThanOrEqual(100);
    expect(droppedAfterMs).toBeLessThan(2 * 100 + 100);
    expect(closed.code).toBe(1006);
    const gateway = running.gateway;
    await waitUntil(() => gateway.connectionCount === 0);
    expect(running.events).toContainEqual(
      expect.objectContaining({ type: 'heartbeat.timeout', sessionId: connected.params.sessionId }),
    );
    expect(running.events).toContainEqual(
      expect.objectContaining({ type: 'connection.closed', code: 1006 }),
    );
  });

  it('keeps a peer that answers pings', async () => {
    running = await startGateway({ heartbeatMs: 50 });
    const peer = await TestPeer.open(running.url, { headers: running.authHeaders });
    await peer.next();

    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(running.gateway.connectionCount).toBe(1);
    expect(await peer.call(1, 'health')).toMatchObject({ id: 1, result: { ok: true } });
  });
});
