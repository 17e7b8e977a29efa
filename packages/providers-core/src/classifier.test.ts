import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { Classifier, defaultClassifier, type ClassificationRule } from './classifier.js';
import type { ErrorFacts } from './error-facts.js';
import { FAILOVER_REASONS, type FailoverReason } from './failover-reason.js';
import { isProviderError } from './provider-error.js';

/** The parts of `upstream-errors.json` these tests read. */
interface UpstreamErrorCase {
  name: string;
  status: number;
  headers?: Record<string, string>;
  body?: { error?: { type?: string | null; code?: string | null; message?: string } };
  stream?: boolean;
  events?: Array<{ event: string; data: { error?: { type?: string; message?: string } } }>;
  reason: FailoverReason;
  retryAfterMs?: number;
}

/** A fixed seed keeps every run identical; many runs make up for exploring less. */
const propertyRun = { seed: 20_250_101, numRuns: 1_000 };

const packageFixture = fileURLToPath(
  new URL('../../upstream-sim/fixtures/upstream-errors.json', import.meta.url),
);
const sharedFixture = fileURLToPath(
  new URL('../../../../shared/fixtures/upstream-errors.json', import.meta.url),
);
const fixturePath = existsSync(packageFixture) ? packageFixture : sharedFixture;
const fixtureCases = (
  JSON.parse(readFileSync(fixturePath, 'utf8')) as { cases: UpstreamErrorCase[] }
).cases;

/**
 * The facts an adapter would collect from the SDK error for this case: status, headers, the
 * body's `error.type` / `error.code` and message; an in-stream error carries only its type.
 */
function factsFromCase(fixtureCase: UpstreamErrorCase): ErrorFacts {
  if (fixtureCase.stream) {
    const errorEvent = fixtureCase.events?.find((event) => event.event === 'error');
    const streamError = errorEvent?.data.error;
    return {
      ...(streamError?.type ? { errorType: streamError.type } : {}),
      ...(streamError?.message ? { message: streamError.message } : {}),
    };
  }
  const bodyError = fixtureCase.body?.error;
  return {
    status: fixtureCase.status,
    headers: fixtureCase.headers ?? {},
    ...(bodyError?.type ? { errorType: bodyError.type } : {}),
    ...(bodyError?.code ? { errorCode: bodyError.code } : {}),
    ...(bodyError?.message ? { message: bodyError.message } : {}),
  };
}

describe('Classifier', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('upstream error fixtures', () => {
    it('has cases to check', () => {
      expect(fixtureCases.length).toBeGreaterThan(0);
    });

    it.each(fixtureCases.map((fixtureCase) => [fixtureCase.name, fixtureCase] as const))(
      'classifies %s as its expected reason',
      (_name, fixtureCase) => {
        const classification = defaultClassifier.classify(factsFromCase(fixtureCase));

        expect(classification.reason).toBe(fixtureCase.reason);
        if (fixtureCase.retryAfterMs !== undefined) {
          expect(classification.retryAfterMs).toBe(fixtureCase.retryAfterMs);
        }
      },
    );
  });

  it('builds the ProviderError an adapter throws', () => {
    const error = defaultClassifier.toError(
      {
        status: 429,
        headers: { 'retry-after': '3' },
        errorType: 'rate_limit_error',
        message: '  slow down  ',
      },
      'the cause',
    );

    expect(isProviderError(error)).toBe(true);
    expect(error.message).toBe('slow down');
    expect(error.reason).toBe('rate_limit');
    expect(error.status).toBe(429);
    expect(error.providerCode).toBe('rate_limit_error');
    expect(error.retryAfterMs).toBe(3_000);
    expect(error.cause).toBe('the cause');
    expect(error.partial).toBe(false);
  });

  it('names the reason when the upstream gave no message', () => {
    expect(defaultClassifier.toError({ status: 502 }).message).toBe(
      'upstream failure (server_error)',
    );
  });

  it('prefers the provider error code over the error type for providerCode', () => {
    const error = defaultClassifier.toError({
      status: 401,
      errorType: 'invalid_request_error',
      errorCode: 'invalid_api_key',
    });

    expect(error.providerCode).toBe('invalid_api_key');
  });

  describe('structured facts before text', () => {
    it.each<[string, ErrorFacts, FailoverReason]>([
      [
        'a 429 status over an auth-sounding message',
        { status: 429, message: 'Invalid API key' },
        'rate_limit',
      ],
      [
        'a 500 status over a rate-limit message',
        { status: 500, message: 'rate limit exceeded' },
        'server_error',
      ],
      ['a 401 status over an overload message', { status: 401, message: 'Overloaded' }, 'auth'],
      [
        'an error type over a billing message',
        { errorType: 'overloaded_error', message: 'check your billing details' },
        'overloaded',
      ],
      [
        'an SDK class over a timeout message',
        { errorClass: 'APIConnectionError', message: 'timed out' },
        'network',
      ],
      [
        'a socket code over an auth message',
        { socketCode: 'ECONNRESET', message: 'unauthorized' },
        'network',
      ],
    ])('decides by %s', (_description, facts, reason) => {
      expect(defaultClassifier.classify(facts).reason).toBe(reason);
    });

    it('ignores codes that are names of Object.prototype members', () => {
      for (const code of ['constructor', 'valueOf', 'toString', '__proto__', 'hasOwnProperty']) {
        const facts: ErrorFacts = { errorType: code, errorCode: code, socketCode: code };

        expect(defaultClassifier.classify(facts), code).toEqual({
          reason: 'unknown',
          rule: 'default',
        });
      }
    });

    it('reads the message only when the structured facts are silent', () => {
      const classification = defaultClassifier.classify({ message: 'Incorrect API key provided' });

      expect(classification).toEqual({ reason: 'auth', rule: 'message-text' });
    });

    it('falls back to unknown when nothing matches', () => {
      expect(defaultClassifier.classify({ status: 418, message: 'I am a teapot' })).toEqual({
        reason: 'unknown',
        rule: 'default',
      });
    });

    it('reads a 503 typed server_error as overloaded, in-stream api_error as server_error', () => {
      expect(defaultClassifier.classify({ status: 503, errorType: 'server_error' }).reason).toBe(
        'overloaded',
      );
      expect(defaultClassifier.classify({ errorType: 'api_error' }).reason).toBe('server_error');
    });

    it('finds a context overflow in a bad-request message', () => {
      const anthropicLimit = {
        status: 400,
        errorType: 'invalid_request_error',
        message: 'input length and `max_tokens` exceed context limit: 197232 + 8192 > 200000',
      };

      expect(defaultClassifier.classify(anthropicLimit).reason).toBe('context_overflow');
      expect(defaultClassifier.classify({ status: 400, message: 'missing field' }).reason).toBe(
        'invalid_request',
      );
    });
  });

  describe('message text', () => {
    it.each<[string, FailoverReason]>([
      ['request req_401abc failed', 'unknown'],
      ['you used 401 tokens', 'unknown'],
      ['retry in 4290 ms', 'unknown'],
      ['setting connection_timeout_ms is invalid', 'unknown'],
      ['HTTP 401', 'auth'],
      ['Error code: 403', 'auth'],
      ['status: 429', 'rate_limit'],
      ['Rate limit reached for requests', 'rate_limit'],
      ['upstream error 529', 'overloaded'],
      ['insufficient_quota', 'billing'],
      ['Request timed out.', 'timeout'],
      ['socket hang up', 'network'],
      ['Bad Gateway', 'server_error'],
    ])('classifies %j as %s', (message, reason) => {
      expect(defaultClassifier.classify({ message }).reason).toBe(reason);
    });
  });

  describe('retry-after', () => {
    it('prefers retry-after-ms to retry-after', () => {
      const classification = defaultClassifier.classify({
        status: 429,
        headers: { 'retry-after-ms': '1500', 'retry-after': '9' },
      });

      expect(classification.retryAfterMs).toBe(1_500);
    });

    it('reads retry-after as seconds', () => {
      const classification = defaultClassifier.classify({
        status: 429,
        headers: new Headers({ 'Retry-After': '17' }),
      });

      expect(classification.retryAfterMs).toBe(17_000);
    });

    it('reads retry-after as an HTTP date relative to the clock', () => {
      const classification = defaultClassifier.classify({
        status: 503,
        headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' },
      });

      expect(classification.retryAfterMs).toBe(30_000);
    });

    it('uses the injected clock for an HTTP date', () => {
      const classifier = new Classifier({
        clock: { now: () => Date.parse('2025-01-01T00:00:20Z') },
      });

      const classification = classifier.classify({
        status: 503,
        headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' },
      });

      expect(classification.retryAfterMs).toBe(10_000);
    });

    it('leaves retryAfterMs out when there is no header', () => {
      expect(defaultClassifier.classify({ status: 429 })).toEqual({
        reason: 'rate_limit',
        rule: 'http-status',
      });
    });
  });

  describe('caller abort', () => {
    it('is aborted, never timeout, whatever else the facts say', () => {
      const facts: ErrorFacts = {
        callerAborted: true,
        status: 408,
        errorClass: 'APIConnectionTimeoutError',
        socketCode: 'ETIMEDOUT',
        message: 'Request timed out.',
      };

      expect(defaultClassifier.classify(facts)).toEqual({
        reason: 'aborted',
        rule: 'caller-aborted',
      });
    });

    it('is aborted for any facts with the caller flag set', () => {
      fc.assert(
        fc.property(arbitraryFacts, (facts) => {
          expect(defaultClassifier.classify({ ...facts, callerAborted: true }).reason).toBe(
            'aborted',
          );
        }),
        propertyRun,
      );
    });

    it('classifies the adapter idle timer as timeout', () => {
      expect(
        defaultClassifier.classify({ idleTimeout: true, socketCode: 'ECONNRESET' }).reason,
      ).toBe('timeout');
    });
  });

  describe('user rules', () => {
    it('run before the built-in rules', () => {
      const seen: ErrorFacts[] = [];
      const gatewayQuota: ClassificationRule = {
        name: 'gateway-quota',
        match: (facts) => {
          seen.push(facts);
          return facts.errorCode === 'gateway_quota' ? 'billing' : undefined;
        },
      };
      const classifier = new Classifier({ rules: [gatewayQuota] });

      expect(classifier.classify({ status: 429, errorCode: 'gateway_quota' })).toEqual({
        reason: 'billing',
        rule: 'gateway-quota',
      });
      expect(classifier.classify({ status: 429 })).toEqual({
        reason: 'rate_limit',
        rule: 'http-status',
      });
      expect(seen).toHaveLength(2);
      expect(classifier.rules.map((rule) => rule.name).slice(0, 3)).toEqual([
        'caller-aborted',
        'idle-timeout',
        'gateway-quota',
      ]);
    });

    it("never override the caller's own abort", () => {
      const everythingIsBilling: ClassificationRule = { name: 'greedy', match: () => 'billing' };
      const classifier = new Classifier({ rules: [everythingIsBilling] });

      expect(classifier.classify({ callerAborted: true, status: 500 }).reason).toBe('aborted');
      expect(classifier.classify({ status: 500 }).reason).toBe('billing');
    });
  });

  describe('socket codes and SDK classes', () => {
    it.each<[string, FailoverReason]>([
      ['ECONNRESET', 'network'],
      ['ECONNREFUSED', 'network'],
      ['ENOTFOUND', 'network'],
      ['EAI_AGAIN', 'network'],
      ['EPIPE', 'network'],
      ['UND_ERR_SOCKET', 'network'],
      ['ETIMEDOUT', 'timeout'],
      ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
      ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ])('classifies socket code %s as %s', (socketCode, reason) => {
      expect(defaultClassifier.classify({ socketCode })).toEqual({ reason, rule: 'socket-code' });
    });

    it.each<[string, FailoverReason]>([
      ['APIConnectionTimeoutError', 'timeout'],
      ['APIConnectionError', 'network'],
    ])('classifies SDK class %s as %s', (errorClass, reason) => {
      expect(defaultClassifier.classify({ errorClass, message: 'Connection error.' })).toEqual({
        reason,
        rule: 'sdk-error-class',
      });
    });
  });

  it('treats an SDK abort the caller did not ask for as unknown, so the call fails over', () => {
    expect(defaultClassifier.classify({ errorClass: 'APIUserAbortError' }).reason).toBe('unknown');
    expect(
      defaultClassifier.classify({ errorClass: 'APIUserAbortError', callerAborted: true }).reason,
    ).toBe('aborted');
  });

  it.each<[string, number | undefined, string | undefined]>([
    ['Your credit balance is too low to access the Anthropic API.', 400, 'invalid_request_error'],
    [
      'Your credit balance is too low to access the Anthropic API.',
      undefined,
      'invalid_request_error',
    ],
    ['You exceeded your spending limit.', 400, undefined],
  ])('classifies a bad request that says %j as billing', (message, status, errorType) => {
    expect(
      defaultClassifier.classify({
        message,
        ...(status === undefined ? {} : { status }),
        ...(errorType === undefined ? {} : { errorType }),
      }),
    ).toEqual({ reason: 'billing', rule: 'billing-on-bad-request' });
  });

  it.each<[string, FailoverReason]>([
    ['invalid_request_error', 'invalid_request'],
    ['request_too_large', 'invalid_request'],
    ['not_found_error', 'model_not_found'],
  ])('decides an in-stream error typed %s by its type alone', (errorType, reason) => {
    // No status: text such as "does not exist" or "timeout" must not decide instead.
    expect(
      defaultClassifier.classify({ errorType, message: 'tool "x" does not exist; timeout' }),
    ).toEqual({ reason, rule: 'generic-provider-type' });
  });

  it('is deterministic and always returns a known reason', () => {
    fc.assert(
      fc.property(arbitraryFacts, (facts) => {
        const first = defaultClassifier.classify(facts);
        const second = defaultClassifier.classify(facts);

        expect(second).toEqual(first);
        expect(FAILOVER_REASONS).toContain(first.reason);
      }),
      propertyRun,
    );
  });
});

const arbitraryFacts: fc.Arbitrary<ErrorFacts> = fc.record(
  {
    status: fc.oneof(
      fc.constantFrom(400, 401, 402, 403, 404, 408, 429, 500, 503, 529),
      fc.integer(),
    ),
    errorType: fc.oneof(
      fc.constantFrom('overloaded_error', 'rate_limit_error', 'api_error'),
      fc.string(),
    ),
    errorCode: fc.oneof(fc.constantFrom('invalid_api_key', 'context_length_exceeded'), fc.string()),
    errorClass: fc.constantFrom('APIConnectionTimeoutError', 'APIConnectionError', 'Error'),
    socketCode: fc.constantFrom('ECONNRESET', 'ETIMEDOUT', 'EWHATEVER'),
    headers: fc.dictionary(
      fc.constantFrom('retry-after', 'retry-after-ms', 'x-other'),
      fc.string(),
    ),
    message: fc.string(),
    idleTimeout: fc.boolean(),
  },
  { requiredKeys: [] },
);
