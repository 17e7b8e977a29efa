import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { defaultClassifier } from './classifier.js';
import { collectErrorFacts } from './collect-error-facts.js';

/** A fixed seed keeps every run identical; many runs make up for exploring less. */
const propertyRun = { seed: 20_250_101, numRuns: 1_000 };

/** Shaped like the SDKs' `APIError`: status and headers as fields. */
class APIError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    message: string,
  ) {
    super(message);
  }
}

class APIConnectionError extends Error {}
class APIConnectionTimeoutError extends Error {}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe('collectErrorFacts', () => {
  it('reads status, headers, class name and message from an SDK error', () => {
    const thrown = new APIError(429, { 'retry-after': '2' }, '429 Rate limit reached');

    expect(collectErrorFacts(thrown)).toEqual({
      status: 429,
      headers: { 'retry-after': '2' },
      errorClass: 'APIError',
      message: '429 Rate limit reached',
    });
  });

  it('finds a socket code deep in the cause chain', () => {
    const fetchFailure = new TypeError('fetch failed', { cause: socketError('ECONNREFUSED') });
    const thrown = new APIConnectionError('Connection error.', { cause: fetchFailure });

    const facts = collectErrorFacts(thrown);

    expect(facts.socketCode).toBe('ECONNREFUSED');
    expect(facts.errorClass).toBe('APIConnectionError');
    expect(defaultClassifier.classify(facts).reason).toBe('network');
  });

  it.each(['EAI_AGAIN', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])(
    'collects the socket code %s',
    (code) => {
      expect(collectErrorFacts(socketError(code)).socketCode).toBe(code);
    },
  );

  it('does not take provider codes or Node ERR_ codes for socket codes', () => {
    const providerCoded = Object.assign(new Error('bad key'), { code: 'invalid_api_key' });
    const nodeCoded = Object.assign(new Error('closed'), {
      code: 'ERR_STREAM_PREMATURE_CLOSE',
      cause: socketError('ECONNRESET'),
    });

    expect(collectErrorFacts(providerCoded).socketCode).toBeUndefined();
    expect(collectErrorFacts(nodeCoded).socketCode).toBe('ECONNRESET');
  });

  it('keeps the SDK class name that decides a timeout', () => {
    const facts = collectErrorFacts(new APIConnectionTimeoutError('Request timed out.'));

    expect(defaultClassifier.classify(facts).reason).toBe('timeout');
  });

  it('takes a thrown string as the message', () => {
    expect(collectErrorFacts('socket hang up')).toEqual({ message: 'socket hang up' });
  });

  it('reads a property whose getter throws as absent', () => {
    const thrown = new APIConnectionError('Connection error.');
    Object.defineProperty(thrown, 'status', {
      get: () => {
        throw new Error('status is not parsed yet');
      },
    });

    expect(collectErrorFacts(thrown)).toEqual({
      errorClass: 'APIConnectionError',
      message: 'Connection error.',
    });
  });

  it('never throws, whatever was thrown', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withMap: true, withSet: true }),
        (thrown) => {
          expect(() => collectErrorFacts(thrown)).not.toThrow();
        },
      ),
      propertyRun,
    );
  });
});
