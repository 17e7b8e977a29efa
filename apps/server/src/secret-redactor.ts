import { redactSecret } from '@clawgate/providers-core';

/**
 * A function that replaces every occurrence of any of `secrets` (API keys, gateway tokens,
 * webhook secrets) with `[redacted]`, longest first so one secret inside another is hidden
 * whole. Secrets shorter than four characters are ignored, as `redactSecret` does.
 */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  const ordered = [...new Set(secrets)].sort((left, right) => right.length - left.length);
  return (text) => ordered.reduce((hidden, secret) => redactSecret(hidden, secret), text);
}
