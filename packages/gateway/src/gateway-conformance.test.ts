import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gateway } from './gateway.js';
import type { StandardSchema } from './standard-schema.js';
import { TEST_TOKEN } from './testing/start-gateway.js';
import { TestPeer } from './testing/test-peer.js';

/**
 * The request/response examples of the JSON-RPC 2.0 specification (section 7), sent to a live
 * gateway with the specification's own methods, and the exact JSON that comes back.
 */
const anyParams: StandardSchema<unknown> = {
  '~standard': { version: 1, vendor: 'clawgate-test', validate: (value) => ({ value }) },
};

let gateway: Gateway;
let peer: TestPeer;

beforeAll(async () => {
  gateway = new Gateway({ host: '127.0.0.1', port: 0, token: TEST_TOKEN });
  gateway.method('subtract', {
    params: anyParams,
    handler: (params) => {
      if (Array.isArray(params)) return Number(params[0]) - Number(params[1]);
      const named = params as { minuend: number; subtrahend: number };
      return named.minuend - named.subtrahend;
    },
  });
  gateway.method('sum', {
    params: anyParams,
    handler: (params) => (params as number[]).reduce((total, value) => total + value, 0),
  });
  gateway.method('update', { params: anyParams, handler: () => null });
  gateway.method('notify_hello', { params: anyParams, handler: () => null });
  gateway.method('notify_sum', { params: anyParams, handler: () => null });
  gateway.method('get_data', { params: anyParams, handler: () => ['hello', 5] });
  const { port } = await gateway.listen();
  peer = await TestPeer.open(`ws://127.0.0.1:${port}`, {
    headers: { Authorization: `Bearer ${TEST_TOKEN}` },
  });
  expect(await peer.next()).toMatchObject({ method: 'connected' });
});

afterAll(async () => {
  await gateway.close();
});

/** Sends one frame as is and returns the parsed answer, or `undefined` when none comes. */
async function exchange(frame: string): Promise<unknown> {
  peer.send(frame);
  // A marker request after each frame. Answers to different frames may come in any order, so
  // everything other than the marker's answer, until shortly after it, is the frame's.
  peer.send('{"jsonrpc":"2.0","method":"get_data","id":"marker"}');
  const others: unknown[] = [];
  for (;;) {
    const next = await peer.next();
    if ((next as { id?: unknown }).id === 'marker') break;
    others.push(next);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  others.push(...peer.takeBuffered());
  expect(others.length).toBeLessThanOrEqual(1);
  return others[0];
}

const invalidRequest = {
  jsonrpc: '2.0',
  error: { code: -32600, message: 'Invalid Request' },
  id: null,
};

describe('JSON-RPC 2.0 specification examples', () => {
  it.each<[string, string, unknown]>([
    [
      'rpc call with positional parameters',
      '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}',
      { jsonrpc: '2.0', result: 19, id: 1 },
    ],
    [
      'rpc call with positional parameters, swapped',
      '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}',
      { jsonrpc: '2.0', result: -19, id: 2 },
    ],
    [
      'rpc call with named parameters',
      '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}',
      { jsonrpc: '2.0', result: 19, id: 3 },
    ],
    [
      'rpc call with named parameters, reordered',
      '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}',
      { jsonrpc: '2.0', result: 19, id: 4 },
    ],
    ['a notification', '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}', undefined],
    ['a notification of an unknown method', '{"jsonrpc": "2.0", "method": "foobar"}', undefined],
    [
      'rpc call of non-existent method',
      '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}',
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' },
    ],
    [
      'rpc call with invalid JSON',
      '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]',
      { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
    ],
    [
      'rpc call with invalid Request object',
      '{"jsonrpc": "2.0", "method": 1, "params": "bar"}',
      invalidRequest,
    ],
    [
      'rpc call Batch, invalid JSON',
      '[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]',
      { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null },
    ],
    ['rpc call with an empty Array', '[]', invalidRequest],
    ['rpc call with an invalid Batch (but not empty)', '[1]', [invalidRequest]],
    ['rpc call with invalid Batch', '[1,2,3]', [invalidRequest, invalidRequest, invalidRequest]],
    [
      'rpc call Batch',
      `[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
      ]`,
      [
        { jsonrpc: '2.0', result: 7, id: '1' },
        { jsonrpc: '2.0', result: 19, id: '2' },
        invalidRequest,
        { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
        { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
      ],
    ],
    [
      'rpc call Batch (all notifications)',
      `[
        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
      ]`,
      undefined,
    ],
  ])('%s', async (_example, frame, expected) => {
    expect(await exchange(frame)).toEqual(expected);
  });
});
