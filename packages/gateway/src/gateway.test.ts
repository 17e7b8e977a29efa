import { healthParamsSchema } from '@clawgate/protocol';
import { describe, expect, it } from 'vitest';
import { Gateway } from './gateway.js';

const definition = { params: healthParamsSchema, handler: () => null };

describe('Gateway', () => {
  it('refuses reserved and duplicate method names', () => {
    const gateway = new Gateway({ token: 't', port: 0 });
    gateway.method('health', definition);

    expect(() => gateway.method('connect', definition)).toThrow(
      'Method name "connect" is reserved',
    );
    expect(() => gateway.method('rpc.discover', definition)).toThrow('is reserved');
    expect(() => gateway.method('health', definition)).toThrow(
      'Method "health" is already registered',
    );
  });

  it('rejects listen on a port already taken', async () => {
    const first = new Gateway({ token: 't', port: 0 });
    const { port } = await first.listen();
    const second = new Gateway({ token: 't', port });

    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
    await second.close();
  });
});
