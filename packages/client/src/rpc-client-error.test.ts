import { describe, expect, it } from 'vitest';
import { isRpcClientError, RpcClientError } from './rpc-client-error.js';

describe('RpcClientError', () => {
  it('reads the data code and retry delay of a wire error', () => {
    const error = RpcClientError.fromWire({
      code: -32005,
      message: 'No provider',
      data: { code: 'PROVIDERS_UNAVAILABLE', retryAfterMs: 900 },
    });

    expect(error).toMatchObject({
      code: -32005,
      dataCode: 'PROVIDERS_UNAVAILABLE',
      retryAfterMs: 900,
    });
    expect(isRpcClientError(error)).toBe(true);
  });

  it('leaves dataCode out for standard errors', () => {
    const error = RpcClientError.fromWire({
      code: -32602,
      message: 'Invalid params',
      data: { issues: [] },
    });

    expect(error.dataCode).toBeUndefined();
    expect(error.data).toEqual({ issues: [] });
  });

  it('reads a refused upgrade, with or without a JSON body', () => {
    expect(
      RpcClientError.fromUpgradeRefusal(503, '{"error":{"code":"SHUTTING_DOWN","message":"Bye"}}'),
    ).toMatchObject({ code: -32008, dataCode: 'SHUTTING_DOWN', message: 'Bye' });
    expect(RpcClientError.fromUpgradeRefusal(401, '<html>')).toMatchObject({
      code: -32001,
      dataCode: 'UNAUTHORIZED',
      message: 'Upgrade refused with HTTP 401',
    });
  });
});
