/** Keys whose values are credentials, wherever they appear, even misspelled. */
const SECRET_KEY = /(key|token|secret|password|credential|auth)/i;

const MAX_DESCRIPTION_CHARS = 120;

/**
 * How a configuration error shows the value it found at `path`: as JSON, with every value
 * under a secret-looking key replaced by `"(hidden)"` and the credentials of any URL
 * (`//user:password@`) hidden too, cut to a readable length.
 */
export function describeConfigValue(input: unknown, path: ReadonlyArray<PropertyKey>): string {
  let value: unknown = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return 'nothing';
    value = (value as Record<string, unknown>)[String(part)];
  }
  if (value === undefined) return 'nothing';
  if (path.some((part) => SECRET_KEY.test(String(part)))) return '(hidden)';

  // A secret pasted into the wrong field is still a secret.
  let text = JSON.stringify(hideSecrets(value));
  for (const secret of secretValues(input)) text = text.split(secret).join('(hidden)');
  return text.length > MAX_DESCRIPTION_CHARS
    ? `${text.slice(0, MAX_DESCRIPTION_CHARS - 3)}...`
    : text;
}

/** Every string (of four characters or more) under a secret-looking key, anywhere in `value`. */
function secretValues(value: unknown, underSecretKey = false): string[] {
  if (typeof value === 'string') return underSecretKey && value.length >= 4 ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    secretValues(item, underSecretKey || SECRET_KEY.test(key)),
  );
}

/** The credentials part of a URL (`//user:password@`). */
const URL_CREDENTIALS = /\/\/[^/?#@\s]+@/g;

function hideSecrets(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(URL_CREDENTIALS, '//(hidden)@');
  if (Array.isArray(value)) return value.map(hideSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? '(hidden)' : hideSecrets(item),
    ]),
  );
}

/**
 * A JSON syntax error without the excerpt of the file that `JSON.parse` quotes (it may hold a
 * key), located by line and column.
 */
export function describeJsonSyntaxError(error: Error, text: string): string {
  const excerpt = /^(.*?), (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/s.exec(error.message);
  if (excerpt) {
    const [, summary = 'Unexpected token', leading, context = ''] = excerpt;
    const token = /'(.)'/s.exec(summary)?.[1] ?? '';
    const contextStart = text.indexOf(context);
    // V8 quotes about ten characters either side of the bad token.
    const tokenIndex = context.indexOf(token, leading ? 9 : 0);
    if (contextStart < 0 || tokenIndex < 0) return summary;
    return `${summary} at ${lineAndColumn(text, contextStart + tokenIndex)}`;
  }
  const position = /at position (\d+)/.exec(error.message)?.[1];
  const summary = error.message.replace(/\s*(in JSON )?at position \d+.*$/s, '');
  return position === undefined
    ? summary
    : `${summary} at ${lineAndColumn(text, Number(position))}`;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
