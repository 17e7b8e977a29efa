import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares a presented token with the expected one in constant time. Both are hashed first,
 * so the comparison takes the same time whatever their lengths.
 */
export function tokensMatch(expected: string, presented: string): boolean {
  return timingSafeEqual(digest(expected), digest(presented));
}

/**
 * The index of the accepted token that `presented` equals, or undefined. Every token is
 * compared, in constant time each, so the answer's timing says nothing about which matched.
 */
export function matchToken(accepted: readonly string[], presented: string): number | undefined {
  let found: number | undefined;
  accepted.forEach((token, index) => {
    if (tokensMatch(token, presented) && found === undefined) found = index;
  });
  return found;
}
