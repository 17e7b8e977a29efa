import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export const SIGNATURE_HEADER = 'x-clawgate-signature';
/** Header carrying the signing time, in epoch milliseconds. */
export const TIMESTAMP_HEADER = 'x-clawgate-timestamp';
/** How far a signing time may be from now, either way, in ms: 5 minutes. */
export const SIGNATURE_TOLERANCE_MS = 300_000;

/**
 * Signs a webhook body: HMAC-SHA256 with the shared secret over `"<timestamp>.<body>"`, so a
 * captured request cannot be replayed later with another time.
 */
export function signWebhook(secret: string, timestampMs: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `sha256=${digest}`;
}

/** Why a signature was refused. */
export type SignatureProblem = 'missing' | 'stale' | 'mismatch';

/**
 * Checks a webhook's signature headers against its raw body, in constant time. Returns the
 * problem, or undefined when the request is authentic and fresh.
 */
export function verifyWebhook(options: {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs: number;
}): SignatureProblem | undefined {
  const { signature, timestamp } = options;
  if (signature === undefined || timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) {
    return 'missing';
  }
  const timestampMs = Number(timestamp);
  if (Math.abs(options.nowMs - timestampMs) > SIGNATURE_TOLERANCE_MS) return 'stale';
  const expected = Buffer.from(signWebhook(options.secret, timestampMs, options.body));
  // Hex digits in either case are the same digest.
  const given = Buffer.from(signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'mismatch';
  return undefined;
}
