/**
 * Splits `text` into at most `pieces` consecutive, non-empty fragments of about equal
 * length, the way a provider streams one string over several deltas. A character made of
 * two UTF-16 code units is never cut in half. Joined, the fragments give `text` back; an
 * empty text gives no fragment.
 */
export function splitIntoFragments(text: string, pieces: number): readonly string[] {
  const characters = Array.from(text);
  const size = Math.max(1, Math.ceil(characters.length / Math.max(1, pieces)));

  const fragments: string[] = [];
  for (let start = 0; start < characters.length; start += size) {
    fragments.push(characters.slice(start, start + size).join(''));
  }
  return fragments;
}
