import { describe, expect, it } from 'vitest';
import { JSONRPC_ERRORS } from './json-rpc-errors.js';
import { RpcError, isRpcError } from './rpc-error.js';
import { SERVER_ERROR_CODES, SERVER_ERROR_NUMBERS } from './server-error-codes.js';

describe('RpcError', () => {
  it('builds a server error with its fixed number and string code', () => {
    const error = RpcError.server('RATE_LIMITED', 'Slow down', { retryAfterMs: 1_500 });

    expect(error.code).toBe(-32002);
    expect(error.message).toBe('Slow down');
    expect(error.data).toEqual({ code: 'RATE_LIMITED', retryAfterMs: 1_500 });
  });

  it('keeps the given code when extra data tries to override it', () => {
    const extraData = { code: 'INTERNAL' } as unknown as { retryAfterMs: number };
    const error = RpcError.server('UNAUTHORIZED', 'No', extraData);

    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('builds invalid params with details as data', () => {
    const error = RpcError.invalidParams('Invalid params', { issues: [] });

    expect(error.code).toBe(JSONRPC_ERRORS.INVALID_PARAMS);
    expect(error.data).toEqual({ issues: [] });
  });

  it('omits data when none is given', () => {
    expect('data' in RpcError.methodNotFound()).toBe(false);
  });

  it('is recognised by isRpcError and plain errors are not', () => {
    expect(isRpcError(RpcError.internal())).toBe(true);
    expect(isRpcError(new Error('x'))).toBe(false);
    expect(isRpcError({ code: -32000, message: 'x' })).toBe(false);
    expect(isRpcError(null)).toBe(false);
  });
});

describe('SERVER_ERROR_NUMBERS', () => {
  it('gives every code a distinct number inside -32000..-32099', () => {
    const numbers = SERVER_ERROR_CODES.map((code) => SERVER_ERROR_NUMBERS[code]);

    expect(new Set(numbers).size).toBe(SERVER_ERROR_CODES.length);
    for (const number of numbers) {
      expect(number).toBeLessThanOrEqual(-32000);
      expect(number).toBeGreaterThanOrEqual(-32099);
    }
  });
});
