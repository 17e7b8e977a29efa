import { afterEach, describe, expect, it } from 'vitest';
import { isConnectionClosedError } from './connection-closed-error.js';
import { GatewayClient } from './gateway-client.js';
import { isProtocolMismatchError } from './protocol-mismatch-error.js';
import { ReconnectingClient } from './reconnecting-client.js';
import { isRpcClientError } from './rpc-client-error.js';
import { SCRIPTED_TOKEN, ScriptedGateway } from './testing/scripted-gateway.js';

let gateway: ScriptedGateway | undefined;
let client: ReconnectingClient | undefined;

afterEach(async () => {
  await client?.close();
  await gateway?.stop();
  client = undefined;
  gateway = undefined;
});

const event = (seq: number) => ({
  jsonrpc: '2.0',
  method: 'agent.event',
  params: { seq, runId: 'run-1', sessionKey: 'main', type: 'delta', text: `t${seq}` },
});

/** Resolves when `condition` holds, checking every 5 ms; rejects after 3 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 3 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const dropEveryLink = (scripted: ScriptedGateway): void => {
  for (const socket of scripted.sockets) socket.terminate();
};

/** Connects a client to `scripted` that retries after 10 ms; the test's cleanup closes it. */
async function connectTo(scripted: ScriptedGateway): Promise<ReconnectingClient> {
  client = await ReconnectingClient.connect({
    url: scripted.url,
    token: SCRIPTED_TOKEN,
    initialDelayMs: 10,
  });
  return client;
}

describe('ReconnectingClient', () => {
  it('reconnects after the link drops, resumes its session and delivers each event once', async () => {
    gateway = await ScriptedGateway.start();
    client = await connectTo(gateway);
    const seqs: number[] = [];
    client.on('agent.event', (params) => seqs.push(params.seq));
    const reconnects: unknown[] = [];
    client.on('reconnect', (info) => reconnects.push(info));

    gateway.broadcast(event(1));
    gateway.broadcast(event(2));
    await until(() => seqs.length === 2);
    // The gateway replays from the client's lastSeq, plus one it had already delivered.
    gateway.replay.push(event(2), event(3), event(4));
    dropEveryLink(gateway);
    await until(() => reconnects.length === 1);
    await until(() => seqs.length === 4);

    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(reconnects).toEqual([{ resumed: true, attempts: 1 }]);
    const resumeFrame = gateway.received.find(
      (frame) => (frame as { method?: string }).method === 'connect',
    );
    expect(resumeFrame).toMatchObject({
      params: { token: SCRIPTED_TOKEN, resume: { sessionId: 'session-1', lastSeq: 2 } },
    });
    expect(client.state).toBe('open');
  });

  it('lets a request made while reconnecting wait for the link', async () => {
    gateway = await ScriptedGateway.start();
    gateway.handle('health', () => ({ result: { ok: true, version: '1', uptimeMs: 0 } }));
    client = await ReconnectingClient.connect({
      url: gateway.url,
      token: SCRIPTED_TOKEN,
      initialDelayMs: 50,
    });
    const disconnected = new Promise((resolve) => client?.on('disconnect', resolve));

    dropEveryLink(gateway);
    await disconnected;
    const answer = await client.request('health');

    expect(client.state).toBe('open');
    expect(answer).toEqual({ ok: true, version: '1', uptimeMs: 0 });
  });

  it('gives up with UNAUTHORIZED when the gateway no longer accepts its token', async () => {
    gateway = await ScriptedGateway.start();
    client = await connectTo(gateway);
    const closed = new Promise<Error | undefined>((resolve) => client?.on('close', resolve));

    gateway.token = 'rotated-token';
    dropEveryLink(gateway);
    const error = await closed;

    expect(isRpcClientError(error) && error.dataCode).toBe('UNAUTHORIZED');
    expect(client.state).toBe('closed');
    await expect(client.request('health')).rejects.toBe(error);
  });

  it('gives up when the gateway comes back speaking another protocol version', async () => {
    gateway = await ScriptedGateway.start();
    client = await connectTo(gateway);
    const closed = new Promise<Error | undefined>((resolve) => client?.on('close', resolve));

    gateway.connected = { ...gateway.connected, protocol: 99 };
    dropEveryLink(gateway);

    expect(isProtocolMismatchError(await closed)).toBe(true);
  });

  it('backs off with jitter between attempts and gives up after maxAttempts', async () => {
    gateway = await ScriptedGateway.start();
    const draws: number[] = [];
    client = await ReconnectingClient.connect({
      url: gateway.url,
      token: SCRIPTED_TOKEN,
      initialDelayMs: 20,
      maxDelayMs: 40,
      maxAttempts: 3,
      random: () => {
        draws.push(1);
        return 0.5;
      },
    });
    const closed = new Promise<Error | undefined>((resolve) => client?.on('close', resolve));
    const startedAtMs = Date.now();

    await gateway.stop();
    gateway = undefined;
    const error = await closed;

    expect(error?.message).toBe('Gave up reconnecting after 3 attempts');
    expect(draws).toHaveLength(3);
    // Delays of 0.5 x 20, 0.5 x 40 and 0.5 x 40 (capped): at least 50 ms in all.
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(45);
  });

  it('gives up with RATE_LIMITED and its retryAfterMs when its address is locked out', async () => {
    gateway = await ScriptedGateway.start();
    client = await connectTo(gateway);
    const closed = new Promise<Error | undefined>((resolve) => client?.on('close', resolve));

    gateway.refuseUpgrades = {
      status: 429,
      body: { error: { code: 'RATE_LIMITED', message: 'Locked out', retryAfterMs: 60_000 } },
    };
    dropEveryLink(gateway);
    const error = await closed;

    expect(isRpcClientError(error) && error.dataCode).toBe('RATE_LIMITED');
    expect(isRpcClientError(error) && error.retryAfterMs).toBe(60_000);
  });

  it('drops a link whose server went silent for two heartbeats, and reconnects', async () => {
    gateway = await ScriptedGateway.start();
    gateway.connected = { ...gateway.connected, heartbeatMs: 100 };
    client = await connectTo(gateway);
    const disconnects: Array<{ code: number }> = [];
    client.on('disconnect', (info) => disconnects.push(info));
    const startedAtMs = Date.now();

    // The scripted gateway never pings: to the client it looks dead.
    await until(() => disconnects.length === 1);

    expect(disconnects[0]?.code).toBe(1006);
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(1_100);
    await until(() => client?.state === 'open');
  });

  it('keeps a link whose server pings', async () => {
    gateway = await ScriptedGateway.start();
    gateway.connected = { ...gateway.connected, heartbeatMs: 100 };
    const direct = await GatewayClient.connect({ url: gateway.url, token: SCRIPTED_TOKEN });
    const pinger = setInterval(() => gateway?.sockets.forEach((socket) => socket.ping()), 100);

    await new Promise((resolve) => setTimeout(resolve, 1_600));
    clearInterval(pinger);

    expect(direct.isOpen).toBe(true);
    await direct.close();
  });

  it('does not reconnect after close()', async () => {
    gateway = await ScriptedGateway.start();
    client = await ReconnectingClient.connect({ url: gateway.url, token: SCRIPTED_TOKEN });

    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(client.state).toBe('closed');
    expect(gateway.sockets.filter((socket) => socket.readyState === socket.OPEN)).toHaveLength(0);
  });
});

describe('GatewayClient limits', () => {
  it("refuses a request larger than the gateway's maxPayloadBytes without sending it", async () => {
    gateway = await ScriptedGateway.start();
    gateway.connected = { ...gateway.connected, maxPayloadBytes: 200 };
    const direct = await GatewayClient.connect({ url: gateway.url, token: SCRIPTED_TOKEN });

    const error: unknown = await direct
      .request('agent', { message: 'x'.repeat(500) })
      .catch((thrown: unknown) => thrown);

    expect(isRpcClientError(error) && error.dataCode).toBe('PAYLOAD_TOO_LARGE');
    expect(gateway.received).toEqual([]);
    expect(direct.isOpen).toBe(true);
    await direct.close();
  });

  it('throws instead of dropping a notification it cannot send', async () => {
    gateway = await ScriptedGateway.start();
    gateway.connected = { ...gateway.connected, maxPayloadBytes: 200 };
    const direct = await GatewayClient.connect({ url: gateway.url, token: SCRIPTED_TOKEN });

    const tooLarge = (() => {
      try {
        direct.notify('log', { text: 'x'.repeat(500) });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    await direct.close();
    const closed = (() => {
      try {
        direct.notify('log', {});
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(isRpcClientError(tooLarge) && tooLarge.dataCode).toBe('PAYLOAD_TOO_LARGE');
    expect(isConnectionClosedError(closed)).toBe(true);
    expect(gateway.received).toEqual([]);
  });

  it('refuses to connect to a gateway speaking another protocol version', async () => {
    gateway = await ScriptedGateway.start();
    gateway.connected = { ...gateway.connected, protocol: 2 };

    const error: unknown = await GatewayClient.connect({
      url: gateway.url,
      token: SCRIPTED_TOKEN,
    }).catch((thrown: unknown) => thrown);

    expect(isProtocolMismatchError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The gateway speaks protocol 2; this client speaks 1. Upgrade the older side.',
    );
  });
});
