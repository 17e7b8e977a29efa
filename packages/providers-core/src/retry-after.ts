/** Header lookup that accepts a plain object, a `Headers` instance or nothing. */
export type HeaderSource =
  Headers | Record<string, string | number | string[] | undefined> | undefined | null;

/**
 * Reads one header case-insensitively; a number reads as its decimal text. Never throws:
 * a headers object whose getters throw reads as absent.
 */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  try {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === 'function') {
      return (headers as Headers).get(name) ?? undefined;
    }
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
      if (key.toLowerCase() !== wanted) continue;
      const first: unknown = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'number' && Number.isFinite(first)) return String(first);
      return typeof first === 'string' ? first : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long the upstream asked us to wait, in milliseconds: `retry-after-ms` first, then
 * `retry-after` as seconds or as an HTTP date (relative to `nowMs`). Undefined when absent,
 * unparseable or negative.
 */
export function parseRetryAfter(headers: HeaderSource, nowMs: number): number | undefined {
  const milliseconds = readHeader(headers, 'retry-after-ms');
  if (milliseconds !== undefined) {
    const value = Number(milliseconds.trim());
    if (milliseconds.trim() !== '' && !Number.isNaN(value) && value >= 0) {
      // An absurd value is still a request to wait long; callers cap it.
      return Math.min(Math.ceil(value), Number.MAX_SAFE_INTEGER);
    }
  }

  const retryAfter = readHeader(headers, 'retry-after')?.trim();
  if (!retryAfter) return undefined;

  if (/^\d+(\.\d+)?$/.test(retryAfter)) {
    return Math.min(Math.ceil(Number(retryAfter) * 1000), Number.MAX_SAFE_INTEGER);
  }

  // Every HTTP-date form starts with a day name; without this check the lenient `Date.parse`
  // reads `-1` or `12` as dates in 2001 and a negative value would become "retry now".
  if (!/^[a-z]/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
