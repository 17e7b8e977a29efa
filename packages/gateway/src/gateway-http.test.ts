import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './testing/start-gateway.js';
import { TestPeer } from './testing/test-peer.js';

let running: RunningGateway | undefined;

afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${running?.port}${path}`);
  return { status: response.status, body: await response.text() };
}

describe('Gateway HTTP', () => {
  it('answers /healthz with 200 {"ok":true}', async () => {
    running = await startGateway();

    expect(await get('/healthz')).toEqual({ status: 200, body: '{"ok":true}' });
  });

  it('answers /readyz from the readiness check', async () => {
    running = await startGateway();
    let ready = true;
    running.gateway.setReady(() => ready);

    expect(await get('/readyz')).toEqual({ status: 200, body: '{"ok":true}' });
    ready = false;
    expect(await get('/readyz')).toEqual({ status: 503, body: '{"ok":false}' });
  });

  it('answers /readyz with 503 when the readiness check throws', async () => {
    running = await startGateway();
    running.gateway.setReady(() => {
      throw new Error('not yet');
    });

    expect((await get('/readyz')).status).toBe(503);
  });

  it('answers other paths with a JSON 404', async () => {
    running = await startGateway();

    expect(await get('/nope')).toEqual({
      status: 404,
      body: '{"error":{"code":"NOT_FOUND","message":"Not found"}}',
    });
  });

  it('closes open sockets with 1001 and frees the port on close', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url, { headers: running.authHeaders });
    await peer.next();

    await running.gateway.close();

    expect((await peer.closed).code).toBe(1001);
    await expect(fetch(`http://127.0.0.1:${running.port}/healthz`)).rejects.toThrow();
  });
});
