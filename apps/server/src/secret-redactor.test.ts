import { describe, expect, it } from 'vitest';
import { secretRedactor } from './secret-redactor.js';

describe('secretRedactor', () => {
  it('hides every secret it was given, a longer one whole', () => {
    const redact = secretRedactor(['sk-short-key', 'sk-short-key-and-more', 'gateway-token-xyz']);

    expect(redact('keys sk-short-key-and-more and sk-short-key; token gateway-token-xyz')).toBe(
      'keys [redacted] and [redacted]; token [redacted]',
    );
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });
});
