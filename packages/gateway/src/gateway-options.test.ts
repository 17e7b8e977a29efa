import { describe, expect, it } from 'vitest';
import { principalOf, resolveGatewayOptions } from './gateway-options.js';
import { tokensMatch } from './token-match.js';

describe('resolveGatewayOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveGatewayOptions({ token: 't' })).toMatchObject({
      host: '127.0.0.1',
      port: 18789,
      heartbeatMs: 30_000,
      maxPayloadBytes: 1_048_576,
      handshakeTimeoutMs: 10_000,
      replayBufferSize: 1000,
      resumeWindowMs: 300_000,
    });
  });

  it('names the bad option and its value', () => {
    expect(() => resolveGatewayOptions({ token: 't', heartbeatMs: 0 })).toThrow(
      new RangeError('heartbeatMs must be an integer >= 1, got 0'),
    );
    expect(() => resolveGatewayOptions({ token: 't', port: 70_000 })).toThrow(
      new RangeError('port must be <= 65535, got 70000'),
    );
  });

  it('refuses an empty token without echoing it', () => {
    expect(() => resolveGatewayOptions({ token: '' })).toThrow(
      new RangeError('token must be a non-empty string'),
    );
  });
});

describe('principalOf', () => {
  it('names a token by the first 16 hex digits of its SHA-256, whatever its position', () => {
    // printf '%s' alpha-token-0123456789 | sha256sum
    expect(principalOf('alpha-token-0123456789')).toBe('token-53ab761424453342');
    const first = resolveGatewayOptions({ token: 'alpha-token-0123456789', tokens: ['beta-x'] });
    const swapped = resolveGatewayOptions({ token: 'beta-x', tokens: ['alpha-token-0123456789'] });

    expect(first.principals).toEqual([
      principalOf('alpha-token-0123456789'),
      principalOf('beta-x'),
    ]);
    expect(swapped.principals).toEqual([...first.principals].reverse());
  });
});

describe('tokensMatch', () => {
  it('matches equal tokens only, whatever the lengths', () => {
    expect(tokensMatch('secret', 'secret')).toBe(true);
    expect(tokensMatch('secret', 'secreT')).toBe(false);
    expect(tokensMatch('secret', 'secret-but-longer')).toBe(false);
    expect(tokensMatch('secret', '')).toBe(false);
  });
});
