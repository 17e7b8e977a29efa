import { describe, expect, it } from 'vitest';
import { SIGNATURE_TOLERANCE_MS, signWebhook, verifyWebhook } from './webhook-signature.js';

const secret = 'webhook-secret-for-tests';
const nowMs = 1_700_000_000_000;
const body = '{"chatId":"c1","senderId":"u1","content":"hi"}';

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 as sha256=<hex>', () => {
    // Computed independently with openssl dgst -sha256 -hmac over the same text.
    expect(signWebhook(secret, nowMs, body)).toBe(
      'sha256=40c0d03504eee93b16508d667696a8b1e819563203da08c737e731b79409d1c1',
    );
    expect(signWebhook(secret, nowMs, body)).not.toBe(signWebhook(secret, nowMs + 1, body));
    expect(signWebhook(secret, nowMs, body)).not.toBe(signWebhook(`${secret}x`, nowMs, body));
  });

  it('accepts an authentic, fresh request', () => {
    const signature = signWebhook(secret, nowMs, body);

    expect(verifyWebhook({ secret, body, signature, timestamp: String(nowMs), nowMs })).toBe(
      undefined,
    );
  });

  it('refuses a changed body, a wrong secret, and a malformed signature', () => {
    const signature = signWebhook(secret, nowMs, body);
    const timestamp = String(nowMs);

    expect(verifyWebhook({ secret, body: `${body} `, signature, timestamp, nowMs })).toBe(
      'mismatch',
    );
    expect(verifyWebhook({ secret: 'other', body, signature, timestamp, nowMs })).toBe('mismatch');
    expect(verifyWebhook({ secret, body, signature: 'sha256=00', timestamp, nowMs })).toBe(
      'mismatch',
    );
  });

  it('refuses missing headers and a timestamp that is not a number', () => {
    const signature = signWebhook(secret, nowMs, body);

    expect(verifyWebhook({ secret, body, signature: undefined, timestamp: '1', nowMs })).toBe(
      'missing',
    );
    expect(verifyWebhook({ secret, body, signature, timestamp: undefined, nowMs })).toBe('missing');
    expect(verifyWebhook({ secret, body, signature, timestamp: '1e12', nowMs })).toBe('missing');
  });

  it('refuses a signing time more than the tolerance away, just past it and not before', () => {
    for (const offset of [SIGNATURE_TOLERANCE_MS, -SIGNATURE_TOLERANCE_MS]) {
      const timestampMs = nowMs + offset;
      const signature = signWebhook(secret, timestampMs, body);
      const timestamp = String(timestampMs);
      expect(verifyWebhook({ secret, body, signature, timestamp, nowMs })).toBe(undefined);
      const later = offset > 0 ? nowMs - 1 : nowMs + 1;
      expect(verifyWebhook({ secret, body, signature, timestamp, nowMs: later })).toBe('stale');
    }
  });
});
