import type { ErrorFacts } from './error-facts.js';
import type { HeaderSource } from './retry-after.js';

const MAX_CAUSE_DEPTH = 5;

/** Reads one property; a throwing getter reads as absent, so collecting facts never throws. */
export function readField(value: unknown, name: string): unknown {
  const readable = (typeof value === 'object' && value !== null) || typeof value === 'function';
  if (!readable) return undefined;
  try {
    return (value as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

/** The value when it is a non-empty string, else undefined. */
export const nonEmptyText = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const field = readField;
const text = nonEmptyText;

/**
 * Reads the facts any HTTP SDK error tends to carry, by shape rather than by class, so it
 * works for every SDK without importing one: `status`, `headers`, the class name, and a
 * socket error code anywhere in the `cause` chain. Never throws.
 */
export function collectErrorFacts(thrown: unknown): ErrorFacts {
  const facts: ErrorFacts = {};
  const status = field(thrown, 'status');
  if (typeof status === 'number') facts.status = status;

  const headers = field(thrown, 'headers');
  if (typeof headers === 'object' && headers !== null) facts.headers = headers as HeaderSource;

  if (thrown instanceof Error) {
    const errorClass = text(field(field(thrown, 'constructor'), 'name'));
    if (errorClass) facts.errorClass = errorClass;
  }
  // Plain objects thrown in place of errors often carry a message too.
  const message = typeof thrown === 'string' ? thrown : field(thrown, 'message');
  if (typeof message === 'string') facts.message = message;

  // Provider-style fields on the thrown value itself, e.g. `{ code: 'insufficient_quota' }`.
  const type = text(field(thrown, 'type'));
  if (type) facts.errorType = type;
  const ownCode = text(field(thrown, 'code'));

  let cause: unknown = thrown;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && cause !== undefined; depth += 1) {
    const code = text(field(cause, 'code'));
    // Socket codes may hold underscores (`EAI_AGAIN`); Node's `ERR_*` codes are not socket codes.
    if (code && /^(E(?!RR_)[A-Z]+(_[A-Z]+)*|UND_ERR_[A-Z_]+)$/.test(code)) {
      facts.socketCode = code;
      break;
    }
    cause = field(cause, 'cause');
  }
  if (ownCode && ownCode !== facts.socketCode) facts.errorCode = ownCode;
  return facts;
}
