import { healthParamsSchema } from '@clawgate/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { principalOf } from './gateway-options.js';
import {
  startGateway,
  TEST_TOKEN,
  waitUntil,
  type RunningGateway,
} from './testing/start-gateway.js';
import { attemptUpgrade, TestPeer } from './testing/test-peer.js';

let running: RunningGateway | undefined;

afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

/** Opens an authenticated peer and consumes its `connected` notification. */
async function connectedPeer(gateway: RunningGateway, token = TEST_TOKEN) {
  const peer = await TestPeer.open(gateway.url, { headers: { Authorization: `Bearer ${token}` } });
  const connected = (await peer.next()) as { params: { sessionId: string } };
  return { peer, sessionId: connected.params.sessionId };
}

describe('Gateway lockout after repeated authentication failures', () => {
  it('refuses the address with HTTP 429 and retryAfterMs, even with the right token', async () => {
    running = await startGateway({ lockout: { maxFailures: 3, lockoutMs: 60_000 } });
    const wrong = { Authorization: 'Bearer wrong-token-000000' };

    const failures = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      failures.push((await attemptUpgrade({ port: running.port, headers: wrong })).status);
    }
    const locked = await attemptUpgrade({ port: running.port, headers: running.authHeaders });

    expect(failures).toEqual([401, 401, 401]);
    expect(locked.status).toBe(429);
    const body = JSON.parse(locked.body) as { error: { code: string; retryAfterMs: number } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.retryAfterMs).toBeGreaterThan(59_000);
    expect(body.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(running.events).toContainEqual({
      type: 'auth.locked',
      remoteAddress: '127.0.0.1',
      lockoutMs: 60_000,
    });
  });

  it('answers a connect frame from a locked address with RATE_LIMITED and closes 4429', async () => {
    running = await startGateway({ lockout: { maxFailures: 2 } });
    // Upgraded before the lockout, so it gets as far as sending connect.
    const late = await TestPeer.open(running.url);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const peer = await TestPeer.open(running.url);
      peer.send({ jsonrpc: '2.0', id: 1, method: 'connect', params: { token: 'wrong-token' } });
      expect(await peer.next()).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
      expect((await peer.closed).code).toBe(4401);
    }

    late.send({ jsonrpc: '2.0', id: 1, method: 'connect', params: { token: TEST_TOKEN } });

    expect(await late.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32002,
        message: 'Too many failed authentication attempts from this address',
        data: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) },
      },
    });
    expect(await late.closed).toEqual({ code: 4429, reason: 'Locked out' });
    expect((await attemptUpgrade({ port: running.port })).status).toBe(429);
  });

  it('forgets earlier failures once the address authenticates', async () => {
    running = await startGateway({ lockout: { maxFailures: 2 } });
    const wrong = { Authorization: 'Bearer wrong-token-000000' };

    await attemptUpgrade({ port: running.port, headers: wrong });
    (await connectedPeer(running)).peer.socket.close();
    const afterSuccess = await attemptUpgrade({ port: running.port, headers: wrong });
    const stillAllowed = await connectedPeer(running);

    expect(afterSuccess.status).toBe(401);
    expect(stillAllowed.sessionId).toEqual(expect.any(String));
  });
});

describe('Gateway sessions bound to their token', () => {
  it("refuses to resume another token's session with UNAUTHORIZED", async () => {
    const otherToken = 'second-client-token-0123';
    running = await startGateway({ tokens: [otherToken] });
    const { peer: owner, sessionId } = await connectedPeer(running);
    await owner.close();

    const intruder = await TestPeer.open(running.url);
    intruder.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'connect',
      params: { token: otherToken, resume: { sessionId, lastSeq: 0 } },
    });

    expect(await intruder.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32001,
        message: 'This session was created with another token and cannot be resumed with this one',
        data: { code: 'UNAUTHORIZED' },
      },
    });
    expect((await intruder.closed).code).toBe(4401);

    const rightful = await TestPeer.open(running.url);
    rightful.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'connect',
      params: { token: TEST_TOKEN, resume: { sessionId, lastSeq: 0 } },
    });
    expect(await rightful.next()).toMatchObject({ id: 1, result: { sessionId, resumed: true } });
  });

  it('accepts every configured token, and names each caller by its token, not its position', async () => {
    const otherToken = 'second-client-token-0123';
    running = await startGateway({ tokens: [otherToken] });
    running.gateway.method('whoami', {
      params: healthParamsSchema,
      handler: (_params, context) => ({ principal: context.principal }),
    });

    const { peer, sessionId } = await connectedPeer(running, otherToken);
    peer.send({ jsonrpc: '2.0', id: 2, method: 'whoami' });

    expect(sessionId).toEqual(expect.any(String));
    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      id: 2,
      result: { principal: principalOf(otherToken) },
    });
  });
});

describe('Gateway frame size limit', () => {
  it('answers an oversized frame with PAYLOAD_TOO_LARGE and closes with 1009', async () => {
    running = await startGateway({ maxPayloadBytes: 1_000 });
    const { peer } = await connectedPeer(running);

    peer.send('x'.repeat(1_001));

    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32003,
        message: 'Frame of 1001 bytes exceeds maxPayloadBytes (1000)',
        data: { code: 'PAYLOAD_TOO_LARGE', maxPayloadBytes: 1_000 },
      },
    });
    expect(await peer.closed).toEqual({ code: 1009, reason: 'PAYLOAD_TOO_LARGE' });
  });

  it('accepts a frame of exactly maxPayloadBytes', async () => {
    running = await startGateway({ maxPayloadBytes: 1_000 });
    const { peer } = await connectedPeer(running);
    const frame = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'health' });

    peer.send(frame.padEnd(1_000, ' '));

    expect(await peer.next()).toMatchObject({ id: 7, result: { ok: true } });
  });

  it('closes with 1009 a frame so large that it is not even read', async () => {
    running = await startGateway({ maxPayloadBytes: 1_000 });
    const { peer } = await connectedPeer(running);

    peer.send('x'.repeat(10_000));

    expect((await peer.closed).code).toBe(1009);
  });
});

describe('Gateway per-connection request limits', () => {
  it('answers calls beyond the burst with RATE_LIMITED and retryAfterMs', async () => {
    running = await startGateway({ requestsPerSecond: 1, requestBurst: 3 });
    const { peer } = await connectedPeer(running);

    const answers = [];
    for (let id = 1; id <= 4; id += 1) answers.push(await peer.call(id, 'health'));

    expect(answers.slice(0, 3)).toEqual(
      [1, 2, 3].map((id) => expect.objectContaining({ id, result: expect.anything() })),
    );
    expect(answers[3]).toEqual({
      jsonrpc: '2.0',
      id: 4,
      error: {
        code: -32002,
        message: 'Too many requests on this connection',
        data: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) },
      },
    });
  });

  it('answers a call beyond maxInFlightPerConnection with RATE_LIMITED, others unaffected', async () => {
    running = await startGateway({ maxInFlightPerConnection: 2 });
    const { peer } = await connectedPeer(running);
    const { peer: neighbour } = await connectedPeer(running);

    peer.send({ jsonrpc: '2.0', id: 1, method: 'test.sleep', params: { ms: 300 } });
    peer.send({ jsonrpc: '2.0', id: 2, method: 'test.sleep', params: { ms: 300 } });
    peer.send({ jsonrpc: '2.0', id: 3, method: 'health' });

    expect(await peer.next()).toMatchObject({
      id: 3,
      error: { data: { code: 'RATE_LIMITED', retryAfterMs: 100 } },
    });
    expect(await neighbour.call(9, 'health')).toMatchObject({ id: 9, result: { ok: true } });
    expect(await peer.next()).toMatchObject({ id: 1, result: { slept: 300 } });
    expect(await peer.next()).toMatchObject({ id: 2, result: { slept: 300 } });
    expect(await peer.call(4, 'health')).toMatchObject({ id: 4, result: { ok: true } });
  });
});

describe('Gateway outbound buffering', () => {
  it('cuts off a peer that stops reading, while another peer receives every event', async () => {
    running = await startGateway({ maxBufferedBytes: 256 * 1024 });
    const { peer: stalled, sessionId: stalledSession } = await connectedPeer(running);
    const { peer: reader } = await connectedPeer(running);
    // Far more than the kernel's socket buffers hold, so the server's own buffer must grow.
    const count = 1_000;
    const bytes = 16 * 1024;

    // The stalled peer's socket stops reading: the server's buffer for it fills up.
    const rawSocket = (stalled.socket as unknown as { _socket: { pause(): void; resume(): void } })
      ._socket;
    rawSocket.pause();
    stalled.send({ jsonrpc: '2.0', id: 1, method: 'test.stream', params: { count, bytes } });
    reader.send({ jsonrpc: '2.0', id: 1, method: 'test.stream', params: { count, bytes } });

    expect(await reader.next()).toMatchObject({ id: 1, result: { count } });
    const indexes: number[] = [];
    const seqs: number[] = [];
    for (let received = 0; received < count; received += 1) {
      const event = (await reader.next()) as { params: { index: number; seq: number } };
      indexes.push(event.params.index);
      seqs.push(event.params.seq);
    }
    expect(indexes).toEqual([...Array(count).keys()]);
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index));

    const slow = running.events.find((event) => event.type === 'slow.consumer');
    expect(slow).toMatchObject({ type: 'slow.consumer', sessionId: stalledSession });
    // Reading again, the cut-off peer finds the close code at the end of what was queued.
    rawSocket.resume();
    expect((await stalled.closed).code).toBe(1008);
    const gateway = running.gateway;
    await waitUntil(() => gateway.connectionCount === 1);
    // The session outlives the cut: its events wait for a resume.
    expect(running.gateway.session(stalledSession)?.lastSeq).toBe(count);
  });
});

describe('Gateway bounds on work per frame and connection', () => {
  it('answers a batch longer than maxBatchElements with one PAYLOAD_TOO_LARGE, running nothing', async () => {
    running = await startGateway({ maxBatchElements: 3 });
    const { peer } = await connectedPeer(running);
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'health' });

    peer.send([call(1), call(2), call(3), call(4)]);
    const refused = await peer.next();
    peer.send([call(5), call(6), call(7)]);
    const answered = (await peer.next()) as unknown[];

    expect(refused).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32003,
        message: 'Batch of 4 elements exceeds maxBatchElements (3)',
        data: { code: 'PAYLOAD_TOO_LARGE', maxBatchElements: 3 },
      },
    });
    expect(answered).toHaveLength(3);
  });

  it('refuses upgrades beyond maxConnections with HTTP 503, and accepts again once one closes', async () => {
    running = await startGateway({ maxConnections: 2 });
    const first = await connectedPeer(running);
    await connectedPeer(running);

    const refused = await attemptUpgrade({ port: running.port, headers: running.authHeaders });
    await first.peer.close();
    const gateway = running.gateway;
    await waitUntil(() => gateway.connectionCount === 1);
    const third = await connectedPeer(running);

    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(third.sessionId).toEqual(expect.any(String));
  });

  it('still accepts connect after ten other frames', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url);

    for (let index = 0; index < 10; index += 1) {
      peer.send({ jsonrpc: '2.0', id: index, method: 'health' });
      expect(await peer.next()).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
    }
    peer.send({ jsonrpc: '2.0', id: 'c', method: 'connect', params: { token: TEST_TOKEN } });

    expect(await peer.next()).toMatchObject({ id: 'c', result: { resumed: false } });
  });

  it('closes with 4401 a peer that keeps sending frames without authenticating', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url);

    for (let index = 0; index < 11; index += 1) {
      peer.send({ jsonrpc: '2.0', id: index, method: 'health' });
    }

    expect((await peer.closed).code).toBe(4401);
  });
});
