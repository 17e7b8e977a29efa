import { describe, expect, it } from 'vitest';
import { anthropicErrorFacts, toAnthropicProviderError } from './error-mapping.js';

describe('anthropicErrorFacts', () => {
  it('reads the error type from an in-stream error body that has no status', () => {
    const thrown = Object.assign(new Error('Overloaded'), {
      status: undefined,
      error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(anthropicErrorFacts(thrown)).toMatchObject({
      errorType: 'overloaded_error',
      message: 'Overloaded',
    });
    expect(toAnthropicProviderError(thrown, { signal: new AbortController().signal }).reason).toBe(
      'overloaded',
    );
  });

  it('classifies anything as aborted once the caller signal has aborted', () => {
    const controller = new AbortController();
    controller.abort();
    const thrown = Object.assign(new Error('timed out'), { status: 529 });
    expect(toAnthropicProviderError(thrown, { signal: controller.signal }).reason).toBe('aborted');
  });
});
