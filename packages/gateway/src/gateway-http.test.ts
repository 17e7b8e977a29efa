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

  it('hands a registered path to its route, whatever the method', async () => {
    running = await startGateway();
    running.gateway.httpRoute('/hooks/in', (request, response) => {
      response.writeHead(202, { 'content-type': 'text/plain' });
      response.end(`${request.method} ${request.url}`);
    });

    const response = await fetch(`http://127.0.0.1:${running.port}/hooks/in?x=1`, {
      method: 'POST',
      body: 'hello',
    });

    expect({ status: response.status, body: await response.text() }).toEqual({
      status: 202,
      body: 'POST /hooks/in?x=1',
    });
    expect((await get('/hooks/in/more')).status).toBe(404);
  });

  it('answers a route that throws or rejects with a JSON 500 without details', async () => {
    running = await startGateway();
    running.gateway.httpRoute('/throws', () => {
      throw new Error('secret detail');
    });
    running.gateway.httpRoute('/rejects', async () => {
      throw new Error('secret detail');
    });

    const expected = {
      status: 500,
      body: '{"error":{"code":"INTERNAL","message":"Internal error"}}',
    };
    expect(await get('/throws')).toEqual(expected);
    expect(await get('/rejects')).toEqual(expected);
    expect(await get('/healthz')).toEqual({ status: 200, body: '{"ok":true}' });
  });

  it('refuses a route path that is relative, reserved or taken', async () => {
    running = await startGateway();
    running.gateway.httpRoute('/hook', () => undefined);

    for (const path of ['hook', '/healthz', '/readyz', '/hook']) {
      expect(() => running?.gateway.httpRoute(path, () => undefined)).toThrow(
        new RangeError(`HTTP route ${JSON.stringify(path)} is not absolute, or is taken`),
      );
    }
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
