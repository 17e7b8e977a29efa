import { describe, expect, it } from 'vitest';

import { ProviderError, isProviderError } from './provider-error.js';
import {
  ProvidersUnavailableError,
  isProvidersUnavailableError,
} from './providers-unavailable-error.js';

describe('ProviderError', () => {
  it('keeps every fact it was given', () => {
    const cause = new Error('socket closed');
    const error = new ProviderError('rate limited', {
      reason: 'rate_limit',
      status: 429,
      providerCode: 'rate_limit_error',
      retryAfterMs: 2_000,
      cause,
    });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProviderError');
    expect(error).toMatchObject({
      message: 'rate limited',
      reason: 'rate_limit',
      status: 429,
      providerCode: 'rate_limit_error',
      retryAfterMs: 2_000,
      profile: undefined,
      partial: false,
      cause,
    });
  });

  it('copies itself with the profile and the partial flag added', () => {
    const original = new ProviderError('overloaded', { reason: 'overloaded', status: 529 });

    const copy = original.with({ profile: 'primary' }).with({ partial: true });

    expect(copy).toMatchObject({
      reason: 'overloaded',
      status: 529,
      profile: 'primary',
      partial: true,
    });
    expect(original).toMatchObject({ profile: undefined, partial: false });
  });

  it('is recognised by its brand, even without the class', () => {
    const lookalike = Object.assign(new Error('x'), {
      [Symbol.for('clawgate.ProviderError')]: true,
    });

    expect(isProviderError(new ProviderError('x', { reason: 'unknown' }))).toBe(true);
    expect(isProviderError(lookalike)).toBe(true);
    expect(isProviderError(new Error('x'))).toBe(false);
    expect(isProviderError(null)).toBe(false);
    expect(isProviderError('ProviderError')).toBe(false);
  });
});

describe('ProvidersUnavailableError', () => {
  it('carries the wire code, the retry hint and the attempts', () => {
    const attempts = [{ profile: 'primary', reason: 'rate_limit' as const, durationMs: 12 }];
    const error = new ProvidersUnavailableError({ retryAfterMs: 5_000, attempts });

    expect(isProvidersUnavailableError(error)).toBe(true);
    expect(isProvidersUnavailableError(new Error('x'))).toBe(false);
    expect(error).toMatchObject({
      name: 'ProvidersUnavailableError',
      code: 'PROVIDERS_UNAVAILABLE',
      message: 'No provider profile is available',
      retryAfterMs: 5_000,
      attempts,
    });
  });
});
