import { describe, expect, it } from 'vitest';
import { RpcError } from './rpc-error.js';
import { toWireError } from './to-wire-error.js';

describe('toWireError', () => {
  it('keeps the code, message and data of an RpcError', () => {
    const wireError = toWireError(
      RpcError.server('PROVIDERS_UNAVAILABLE', 'No provider can answer', { retryAfterMs: 20 }),
    );

    expect(JSON.stringify(wireError)).toBe(
      '{"code":-32005,"message":"No provider can answer",' +
        '"data":{"retryAfterMs":20,"code":"PROVIDERS_UNAVAILABLE"}}',
    );
  });

  it('turns an unknown error into a bare internal error without its message', () => {
    const thrown = new Error('database password is hunter2');

    expect(JSON.stringify(toWireError(thrown))).toBe('{"code":-32603,"message":"Internal error"}');
  });

  it('turns non-error throws into internal errors', () => {
    expect(toWireError('boom')).toEqual({ code: -32603, message: 'Internal error' });
    expect(toWireError(undefined)).toEqual({ code: -32603, message: 'Internal error' });
  });

  it('never carries a stack or cause to the wire', () => {
    const error = new RpcError({ code: -32004, message: 'Gone', cause: new Error('inner') });

    expect(JSON.stringify(toWireError(error))).toBe('{"code":-32004,"message":"Gone"}');
  });
});
