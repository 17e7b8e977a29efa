import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, TEST_TOKEN, type RunningGateway } from './testing/start-gateway.js';
import { attemptUpgrade, TestPeer } from './testing/test-peer.js';

let running: RunningGateway | undefined;

afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

const connectedParams = {
  sessionId: expect.any(String),
  connectionId: expect.any(String),
  protocol: 1,
  resumed: false,
  heartbeatMs: 30_000,
  maxPayloadBytes: 1_048_576,
};

const healthResponse =
  '{"jsonrpc":"2.0","id":2,"result":{"ok":true,"version":"1.2.3","uptimeMs":0}}';

describe('Gateway authentication', () => {
  it('sends connected right after an upgrade with a valid bearer token', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url, { headers: running.authHeaders });

    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      method: 'connected',
      params: connectedParams,
    });
    peer.send({ jsonrpc: '2.0', id: 2, method: 'health' });
    expect(await peer.nextText()).toBe(healthResponse);
    expect(running.events).toContainEqual(
      expect.objectContaining({ type: 'connection.opened', auth: 'header', resumed: false }),
    );
  });

  it('authenticates a connect frame, answering it and then sending connected', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url);

    peer.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'connect',
      params: { token: TEST_TOKEN, client: { name: 'test', version: '0.0.1' } },
    });
    const response = (await peer.next()) as { result: { sessionId: string } };
    const notification = await peer.next();

    expect(response).toEqual({ jsonrpc: '2.0', id: 1, result: connectedParams });
    expect(notification).toEqual({ jsonrpc: '2.0', method: 'connected', params: response.result });
    peer.send({ jsonrpc: '2.0', id: 2, method: 'health' });
    expect(await peer.nextText()).toBe(healthResponse);
  });

  it('refuses a wrong bearer token with HTTP 401 and never reports the token', async () => {
    running = await startGateway();

    const refusal = await attemptUpgrade({
      port: running.port,
      headers: { Authorization: 'Bearer wrong-token-value' },
    });

    expect(refusal).toEqual({
      status: 401,
      body: '{"error":{"code":"UNAUTHORIZED","message":"Invalid or missing bearer token"}}',
    });
    expect(running.events).toEqual([
      expect.objectContaining({ type: 'listening' }),
      { type: 'auth.failed', remoteAddress: '127.0.0.1', reason: 'invalid_token' },
    ]);
    expect(JSON.stringify(running.events)).not.toContain('wrong-token-value');
  });

  it('answers a wrong connect token with UNAUTHORIZED and closes with 4401', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url);

    peer.send({ jsonrpc: '2.0', id: 1, method: 'connect', params: { token: 'nope' } });

    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"Invalid token",' +
        '"data":{"code":"UNAUTHORIZED"}}}',
    );
    expect(await peer.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
  });

  it('refuses a token in the URL even alongside a valid header', async () => {
    running = await startGateway();

    const refusal = await attemptUpgrade({
      port: running.port,
      path: `/?token=${TEST_TOKEN}`,
      headers: running.authHeaders,
    });

    expect(refusal.status).toBe(400);
    expect(JSON.parse(refusal.body)).toEqual({
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('URL') },
    });
  });

  it.each([
    ['a credential parameter in another case', '/?Token=whatever'],
    ['an api_key parameter', '/?api_key=whatever'],
    ['the token in the path', `/${TEST_TOKEN}`],
    ['the token percent-encoded in another parameter', `/?x=${encodeURIComponent(TEST_TOKEN)}`],
  ])('refuses %s with 400', async (_case, path) => {
    running = await startGateway();

    const refusal = await attemptUpgrade({
      port: running.port,
      path,
      headers: running.authHeaders,
    });

    expect(refusal.status).toBe(400);
  });

  it('refuses a foreign origin with 403 and accepts its own', async () => {
    running = await startGateway();

    const refusal = await attemptUpgrade({
      port: running.port,
      headers: { ...running.authHeaders, Origin: 'https://evil.example' },
    });
    const peer = await TestPeer.open(running.url, {
      headers: { ...running.authHeaders, Origin: `http://127.0.0.1:${running.port}` },
    });

    expect(refusal).toEqual({
      status: 403,
      body: '{"error":{"code":"UNAUTHORIZED","message":"Origin not allowed"}}',
    });
    expect(await peer.next()).toMatchObject({ method: 'connected' });
  });

  it('accepts a configured origin', async () => {
    running = await startGateway({ allowedOrigins: ['https://app.example/'] });

    const peer = await TestPeer.open(running.url, { headers: { Origin: 'https://app.example' } });
    peer.send({ jsonrpc: '2.0', id: 1, method: 'connect', params: { token: TEST_TOKEN } });

    expect(await peer.next()).toMatchObject({ id: 1, result: { resumed: false } });
  });

  it('answers requests before auth with UNAUTHORIZED and ignores notifications', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url);

    peer.send({ jsonrpc: '2.0', method: 'health' });
    peer.send({ jsonrpc: '2.0', id: 'early', method: 'health' });

    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":"early","error":{"code":-32001,' +
        '"message":"Send a connect request with the token first","data":{"code":"UNAUTHORIZED"}}}',
    );
    peer.send({ jsonrpc: '2.0', id: 1, method: 'connect', params: { token: TEST_TOKEN } });
    expect(await peer.next()).toMatchObject({ id: 1, result: { protocol: 1 } });
  });

  it('answers a connect without a token with invalid params', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url);

    peer.send({ jsonrpc: '2.0', id: 1, method: 'connect', params: {} });

    expect(await peer.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32602,
        message: 'Invalid params',
        data: { issues: [{ path: ['token'], message: expect.any(String) }] },
      },
    });
  });

  it('closes with 4408 when no connect arrives within the handshake timeout', async () => {
    running = await startGateway({ handshakeTimeoutMs: 100 });
    const peer = await TestPeer.open(running.url);

    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32009,' +
        '"message":"No connect request within the handshake timeout",' +
        '"data":{"code":"HANDSHAKE_TIMEOUT"}}}',
    );
    expect(await peer.closed).toEqual({ code: 4408, reason: 'Handshake timeout' });
    expect(running.events).toContainEqual(
      expect.objectContaining({ type: 'auth.failed', reason: 'handshake_timeout' }),
    );
  });
});
