import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseRetryAfter, readHeader } from './retry-after.js';

/** A fixed seed keeps every run identical; many runs make up for exploring less. */
const propertyRun = { seed: 20_250_101, numRuns: 1_000 };

const nowMs = Date.parse('2025-01-01T00:00:00Z');

describe('readHeader', () => {
  it('reads a plain object case-insensitively', () => {
    expect(readHeader({ 'Retry-After': '5' }, 'retry-after')).toBe('5');
  });

  it('reads a Headers instance', () => {
    expect(readHeader(new Headers({ 'retry-after': '5' }), 'Retry-After')).toBe('5');
  });

  it('takes the first value of a repeated header', () => {
    expect(readHeader({ 'retry-after': ['7', '9'] }, 'retry-after')).toBe('7');
  });

  it('returns undefined for no headers or a missing header', () => {
    expect(readHeader(undefined, 'retry-after')).toBeUndefined();
    expect(readHeader(null, 'retry-after')).toBeUndefined();
    expect(readHeader({ other: '1' }, 'retry-after')).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads retry-after-ms before retry-after', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, nowMs)).toBe(250);
  });

  it('rounds fractional milliseconds up', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1500.2' }, nowMs)).toBe(1_501);
  });

  it('falls back to retry-after when retry-after-ms is unusable', () => {
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '2' }, nowMs)).toBe(2_000);
    expect(parseRetryAfter({ 'retry-after-ms': '-5', 'retry-after': '2' }, nowMs)).toBe(2_000);
  });

  it('reads retry-after as seconds, fractions included', () => {
    expect(parseRetryAfter({ 'retry-after': '17' }, nowMs)).toBe(17_000);
    expect(parseRetryAfter({ 'retry-after': '1.5' }, nowMs)).toBe(1_500);
    expect(parseRetryAfter({ 'retry-after': '0' }, nowMs)).toBe(0);
  });

  it('reads retry-after as an HTTP date relative to now', () => {
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:01:00 GMT' }, nowMs)).toBe(60_000);
  });

  it('reads an HTTP date in the past as zero', () => {
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, nowMs)).toBe(0);
  });

  it.each(['-1', '-5', '12abc', 'soon', '', '   ', '+3', '.5'])(
    'returns undefined for the unusable retry-after %j',
    (value) => {
      expect(parseRetryAfter({ 'retry-after': value }, nowMs)).toBeUndefined();
    },
  );

  it('returns undefined without headers', () => {
    expect(parseRetryAfter(undefined, nowMs)).toBeUndefined();
  });

  it('never returns a negative or non-finite delay', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (milliseconds, seconds) => {
        const delayMs = parseRetryAfter(
          { 'retry-after-ms': milliseconds, 'retry-after': seconds },
          nowMs,
        );

        if (delayMs !== undefined) {
          expect(Number.isFinite(delayMs)).toBe(true);
          expect(delayMs).toBeGreaterThanOrEqual(0);
        }
      }),
      propertyRun,
    );
  });

  it('reads an absurdly long wait as the longest safe number, for the caller to cap', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1e20' }, 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseRetryAfter({ 'retry-after': '9'.repeat(400) }, 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseRetryAfter({ 'retry-after': 30 }, 0)).toBe(30_000);
  });
});
