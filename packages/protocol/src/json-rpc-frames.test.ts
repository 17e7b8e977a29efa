import { describe, expect, it } from 'vitest';
import {
  jsonRpcBatchSchema,
  jsonRpcErrorResponseSchema,
  jsonRpcNotificationSchema,
  jsonRpcRequestSchema,
  jsonRpcSuccessResponseSchema,
} from './json-rpc-frames.js';

describe('jsonRpcRequestSchema', () => {
  it('accepts string and number ids', () => {
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', id: 'a', method: 'm' }).success).toBe(
      true,
    );
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', id: 7, method: 'm' }).success).toBe(
      true,
    );
  });

  it('rejects a null id, a missing id and a wrong version', () => {
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', id: null, method: 'm' }).success).toBe(
      false,
    );
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', method: 'm' }).success).toBe(false);
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '1.0', id: 1, method: 'm' }).success).toBe(
      false,
    );
  });

  it('accepts params by name or by position and nothing else', () => {
    const base = { jsonrpc: '2.0', id: 1, method: 'm' };
    expect(jsonRpcRequestSchema.safeParse({ ...base, params: { a: 1 } }).success).toBe(true);
    expect(jsonRpcRequestSchema.safeParse({ ...base, params: [1] }).success).toBe(true);
    expect(jsonRpcRequestSchema.safeParse({ ...base, params: 'x' }).success).toBe(false);
  });
});

describe('jsonRpcNotificationSchema', () => {
  it('accepts a call without an id and rejects one with an id', () => {
    expect(jsonRpcNotificationSchema.safeParse({ jsonrpc: '2.0', method: 'm' }).success).toBe(true);
    expect(
      jsonRpcNotificationSchema.safeParse({ jsonrpc: '2.0', id: 1, method: 'm' }).success,
    ).toBe(false);
  });
});

describe('jsonRpcSuccessResponseSchema', () => {
  it('requires a result member, which may be null', () => {
    expect(jsonRpcSuccessResponseSchema.safeParse({ jsonrpc: '2.0', id: 1 }).success).toBe(false);
    expect(
      jsonRpcSuccessResponseSchema.safeParse({ jsonrpc: '2.0', id: 1, result: null }).success,
    ).toBe(true);
  });
});

describe('jsonRpcErrorResponseSchema', () => {
  it('accepts a null id and an error with data', () => {
    const response = {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error', data: { detail: 1 } },
    };
    expect(jsonRpcErrorResponseSchema.parse(response)).toEqual(response);
  });

  it('rejects a non-integer error code', () => {
    const response = { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } };
    expect(jsonRpcErrorResponseSchema.safeParse(response).success).toBe(false);
  });
});

describe('jsonRpcBatchSchema', () => {
  it('rejects an empty batch and a batch of non-calls', () => {
    expect(jsonRpcBatchSchema.safeParse([]).success).toBe(false);
    expect(jsonRpcBatchSchema.safeParse([1, 2, 3]).success).toBe(false);
  });

  it('accepts requests mixed with notifications', () => {
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'a' },
      { jsonrpc: '2.0', method: 'b' },
    ];
    expect(jsonRpcBatchSchema.parse(batch)).toEqual(batch);
  });
});
