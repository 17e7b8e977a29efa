import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './testing/start-gateway.js';
import { TestPeer } from './testing/test-peer.js';

let running: RunningGateway | undefined;

afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

/** Starts a gateway and returns a header-authenticated peer past its `connected` frame. */
async function connectedPeer(options: Parameters<typeof startGateway>[0] = {}): Promise<TestPeer> {
  running = await startGateway(options);
  const peer = await TestPeer.open(running.url, { headers: running.authHeaders });
  await peer.next();
  return peer;
}

const invalidRequest =
  '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request"}}';
const health = (id: number | string): string =>
  `{"jsonrpc":"2.0","id":${JSON.stringify(
    id,
  )},"result":{"ok":true,"version":"1.2.3","uptimeMs":0}}`;

describe('Gateway JSON-RPC dispatch', () => {
  it('answers invalid JSON with -32700 and keeps answering on the same socket', async () => {
    const peer = await connectedPeer();

    peer.send('{"jsonrpc":"2.0","id":1,"method":');
    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
    );
    peer.send({ jsonrpc: '2.0', id: 1, method: 'health' });
    expect(await peer.nextText()).toBe(health(1));
  });

  it('answers invalid requests with -32600 and id null', async () => {
    const peer = await connectedPeer();

    for (const invalid of [
      '"text"',
      '{"jsonrpc":"2.0","method":1}',
      '{"jsonrpc":"2.0","id":5}',
      '{"jsonrpc":"1.0","id":6,"method":"health"}',
      '{"jsonrpc":"2.0","id":null,"method":"health"}',
    ]) {
      peer.send(invalid);
      expect(await peer.nextText()).toBe(invalidRequest);
    }
    peer.send({ jsonrpc: '2.0', id: 'still-open', method: 'health' });
    expect(await peer.nextText()).toBe(health('still-open'));
  });

  it('answers an unknown method with -32601', async () => {
    const peer = await connectedPeer();

    peer.send({ jsonrpc: '2.0', id: 3, method: 'nope' });

    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"Method not found"}}',
    );
  });

  it('answers invalid params with -32602 and the issues', async () => {
    const peer = await connectedPeer();

    peer.send({ jsonrpc: '2.0', id: 4, method: 'agent', params: { message: '' } });

    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"Invalid params","data":' +
        '{"issues":[{"path":["message"],' +
        '"message":"Too small: expected string to have >=1 characters"}]}}}',
    );
  });

  it('sends nothing back for notifications, known or not', async () => {
    const peer = await connectedPeer();

    peer.send({ jsonrpc: '2.0', method: 'health' });
    peer.send({ jsonrpc: '2.0', method: 'nope' });
    peer.send({ jsonrpc: '2.0', method: 'fail.internal' });

    await peer.expectSilence();
    expect(running?.events).toContainEqual(
      expect.objectContaining({ type: 'handler.error', method: 'fail.internal' }),
    );
  });

  it('answers a batch per request, in order, skipping notifications', async () => {
    const peer = await connectedPeer();

    peer.send([
      { jsonrpc: '2.0', id: 1, method: 'health' },
      { jsonrpc: '2.0', method: 'health' },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
      1,
    ]);

    expect(await peer.nextText()).toBe(
      `[${health(1)},` +
        '{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}},' +
        `${invalidRequest}]`,
    );
  });

  it('answers an empty batch with a single -32600', async () => {
    const peer = await connectedPeer();

    peer.send('[]');

    expect(await peer.nextText()).toBe(invalidRequest);
  });

  it('answers [1,2,3] with three -32600 errors', async () => {
    const peer = await connectedPeer();

    peer.send('[1,2,3]');

    expect(await peer.nextText()).toBe(`[${invalidRequest},${invalidRequest},${invalidRequest}]`);
  });

  it('sends nothing back for a batch of notifications', async () => {
    const peer = await connectedPeer();

    peer.send([
      { jsonrpc: '2.0', method: 'health' },
      { jsonrpc: '2.0', method: 'nope' },
    ]);

    await peer.expectSilence();
  });

  it('hides unknown handler errors behind -32603 and reports the error object', async () => {
    const peer = await connectedPeer();

    peer.send({ jsonrpc: '2.0', id: 7, method: 'fail.internal' });

    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":7,"error":{"code":-32603,"message":"Internal error"}}',
    );
    const reported = running?.events.find((event) => event.type === 'handler.error');
    expect(reported).toMatchObject({ method: 'fail.internal', expected: false });
    expect(reported?.type === 'handler.error' && reported.error).toBeInstanceOf(Error);
  });

  it('sends an RpcError thrown by a handler as it is', async () => {
    const peer = await connectedPeer();

    peer.send({ jsonrpc: '2.0', id: 8, method: 'fail.rpc' });

    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":8,"error":{"code":-32004,"message":"No such run",' +
        '"data":{"runId":"r-9","code":"NOT_FOUND"}}}',
    );
  });

  it('closes with 1003 on a binary frame', async () => {
    const peer = await connectedPeer();

    peer.socket.send(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"health"}'), { binary: true });

    expect((await peer.closed).code).toBe(1003);
  });

  it('closes with 1009 on a frame larger than maxPayloadBytes', async () => {
    const peer = await connectedPeer({ maxPayloadBytes: 1024 });

    peer.send({ jsonrpc: '2.0', id: 1, method: 'agent', params: { message: 'x'.repeat(2048) } });

    expect((await peer.closed).code).toBe(1009);
  });
});
