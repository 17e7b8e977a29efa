/** Header lookup that accepts a plain object, a `Headers` instance or nothing. */
export type HeaderSource =
  Headers | Record<string, string | string[] | undefined> | undefined | null;

/** Reads one header case-insensitively. */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== wanted) continue;
    if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
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
    if (milliseconds.trim() !== '' && Number.isFinite(value) && value >= 0) {
      return Math.ceil(value);
    }
  }

  const retryAfter = readHeader(headers, 'retry-after')?.trim();
  if (!retryAfter) return undefined;

  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);

  // Every HTTP-date form starts with a day name; without this check the lenient `Date.parse`
  // reads `-1` or `12` as dates in 2001 and a negative value would become "retry now".
  if (!/^[a-z]/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
