import {
  DeadlineExceededError,
  ProviderError,
  ProvidersUnavailableError,
} from '@clawgate/providers-core';
import { describe, expect, it } from 'vitest';
import { toTurnError } from './agent-runner.js';

describe('toTurnError', () => {
  it("tells the server's own deadline apart from the caller's abort", () => {
    const deadline = new ProviderError('call deadline of 300 ms exceeded', {
      reason: 'aborted',
      cause: new DeadlineExceededError(300),
    });
    const abort = new ProviderError('call aborted by the caller', { reason: 'aborted' });

    expect(toTurnError(deadline).error.code).toBe('DEADLINE_EXCEEDED');
    expect(toTurnError(abort).error.code).toBe('ABORTED');
  });

  it('marks a failure after streamed content as a partial UPSTREAM_FAILED', () => {
    const error = new ProviderError('socket hang up', { reason: 'network', partial: true });

    expect(toTurnError(error)).toEqual({
      error: { code: 'UPSTREAM_FAILED', message: 'socket hang up' },
      partial: true,
    });
  });

  it('reports a request the provider refused as PROVIDER_REJECTED', () => {
    const error = new ProviderError('bad parameter', { reason: 'invalid_request' });

    expect(toTurnError(error).error.code).toBe('PROVIDER_REJECTED');
  });

  it('carries retryAfterMs of PROVIDERS_UNAVAILABLE', () => {
    const error = new ProvidersUnavailableError({ attempts: [], retryAfterMs: 1_500 });

    expect(toTurnError(error)).toEqual({
      error: {
        code: 'PROVIDERS_UNAVAILABLE',
        message: 'No provider profile is available',
        retryAfterMs: 1_500,
      },
      partial: false,
    });
  });

  it('hides anything else behind INTERNAL', () => {
    expect(toTurnError(new Error('secret detail'))).toEqual({
      error: { code: 'INTERNAL', message: 'the turn failed unexpectedly' },
      partial: false,
    });
  });
});
