import { describe, expect, it } from 'vitest';

import {
  isUpstreamErrorCaseName,
  loadUpstreamErrorCases,
  UPSTREAM_ERROR_CASE_NAMES,
  upstreamErrorCase,
  type UpstreamErrorCaseName,
} from './upstream-error-cases.js';

describe('loadUpstreamErrorCases', () => {
  it('names exactly the cases of upstream-errors.json, in file order', () => {
    expect(loadUpstreamErrorCases().map((errorCase) => errorCase.name)).toEqual([
      ...UPSTREAM_ERROR_CASE_NAMES,
    ]);
  });

  it('gives every case a body or, for stream cases, events ending in an error', () => {
    for (const errorCase of loadUpstreamErrorCases()) {
      if (errorCase.stream === true) {
        expect(errorCase.status, errorCase.name).toBe(200);
        expect(errorCase.events.at(-1)?.event, errorCase.name).toBe('error');
      } else {
        expect(errorCase.status, errorCase.name).toBeGreaterThanOrEqual(400);
        expect(errorCase.body, errorCase.name).toHaveProperty('error');
      }
    }
  });
});

describe('upstreamErrorCase', () => {
  it('finds a case by name', () => {
    expect(upstreamErrorCase('anthropic-rate-limit')).toMatchObject({
      status: 429,
      headers: { 'retry-after': '17' },
    });
  });

  it('throws a RangeError naming an unknown case', () => {
    expect(() => upstreamErrorCase('no-such-case' as UpstreamErrorCaseName)).toThrow(
      new RangeError("upstream-errors.json has no case named 'no-such-case'"),
    );
  });
});

describe('isUpstreamErrorCaseName', () => {
  it('accepts case names and rejects anything else', () => {
    expect(isUpstreamErrorCaseName('openai-invalid-key')).toBe(true);
    expect(isUpstreamErrorCaseName('openai-invalid')).toBe(false);
    expect(isUpstreamErrorCaseName(401)).toBe(false);
  });
});
