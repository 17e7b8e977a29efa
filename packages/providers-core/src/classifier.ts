import type { ErrorFacts } from './error-facts.js';
import type { FailoverReason } from './failover-reason.js';
import { ProviderError } from './provider-error.js';
import { parseRetryAfter } from './retry-after.js';
import { systemClock, type Clock } from './clock.js';

/** One classification rule: returns a reason when it applies, otherwise undefined. */
export interface ClassificationRule {
  /** Stable name, for tests and debugging. */
  name: string;
  match(facts: ErrorFacts): FailoverReason | undefined;
}

const typeOrCode = (facts: ErrorFacts): string[] =>
  [facts.errorType, facts.errorCode].filter((value): value is string => Boolean(value));

/** Own entries only: an upstream code such as `constructor` must not find `Object.prototype`. */
const lookUp = (table: Record<string, FailoverReason>, key: string): FailoverReason | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

function byProviderCode(table: Record<string, FailoverReason>): ClassificationRule['match'] {
  return (facts) => {
    for (const value of typeOrCode(facts)) {
      const reason = lookUp(table, value);
      if (reason) return reason;
    }
    return undefined;
  };
}

const BILLING_TEXT =
  /\b(insufficient[_ ]quota|billing|credit balance|payment required|spend(ing)? limit)\b/i;

const CONTEXT_OVERFLOW_TEXT =
  /\b(context[_ ]length[_ ]exceeded|maximum context length|context window|context limit|prompt is too long|too many tokens)\b/i;

const SOCKET_CODES: Record<string, FailoverReason> = {
  ECONNRESET: 'network',
  ECONNREFUSED: 'network',
  ENOTFOUND: 'network',
  EAI_AGAIN: 'network',
  EPIPE: 'network',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  UND_ERR_SOCKET: 'network',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

/** A status number only counts in text when it reads as one: `HTTP 401`, `status: 429`. */
const statusInText = (codes: string): RegExp =>
  new RegExp(`\\b(?:http|status|code|error)[ :=]*(?:${codes})\\b`, 'i');

const TEXT_RULES: ReadonlyArray<readonly [RegExp, FailoverReason]> = [
  [BILLING_TEXT, 'billing'],
  [/\b(invalid[_ ]api[_ ]key|incorrect api key|invalid x-api-key|unauthorized)\b/i, 'auth'],
  [statusInText('401|403'), 'auth'],
  [/\b(rate[_ ]limit(ed)?|too many requests)\b/i, 'rate_limit'],
  [statusInText('429'), 'rate_limit'],
  [/\boverloaded\b/i, 'overloaded'],
  [statusInText('503|529'), 'overloaded'],
  [CONTEXT_OVERFLOW_TEXT, 'context_overflow'],
  [/\b(model[_ ]not[_ ]found|does not exist)\b/i, 'model_not_found'],
  [/\b(timed? ?out|timeout)\b/i, 'timeout'],
  [/\b(socket hang up|connection (reset|refused|error)|network error|fetch failed)\b/i, 'network'],
  [/\b(internal server error|bad gateway)\b/i, 'server_error'],
  [statusInText('50[0-9]'), 'server_error'],
];

const isBadRequest = (facts: ErrorFacts): boolean =>
  facts.status === 400 || facts.status === 413 || facts.errorType === 'invalid_request_error';

/**
 * Facts about the call itself, decided before any rule, user rules included: the caller's own
 * abort is always `aborted`, the adapter's own idle timer always `timeout`.
 */
const CALL_RULES: readonly ClassificationRule[] = [
  { name: 'caller-aborted', match: (facts) => (facts.callerAborted ? 'aborted' : undefined) },
  { name: 'idle-timeout', match: (facts) => (facts.idleTimeout ? 'timeout' : undefined) },
];

/**
 * The built-in rules, in the order they are tried (after the caller's abort and the idle
 * timer): the provider's error type/code, then HTTP status, then SDK class and socket codes,
 * and only then message text (on word boundaries, so `req_401x` or `4010 tokens` do not match).
 */
export const BUILT_IN_RULES: readonly ClassificationRule[] = [
  ...CALL_RULES,
  {
    name: 'provider-code',
    match: byProviderCode({
      insufficient_quota: 'billing',
      billing_error: 'billing',
      billing_hard_limit_reached: 'billing',
      invalid_api_key: 'auth',
      authentication_error: 'auth',
      permission_error: 'auth',
      rate_limit_error: 'rate_limit',
      rate_limit_exceeded: 'rate_limit',
      overloaded_error: 'overloaded',
      context_length_exceeded: 'context_overflow',
      model_not_found: 'model_not_found',
      timeout_error: 'timeout',
    }),
  },
  {
    // Anthropic reports a low credit balance as a plain 400 `invalid_request_error`.
    name: 'billing-on-bad-request',
    match: (facts) =>
      isBadRequest(facts) && BILLING_TEXT.test(facts.message ?? '') ? 'billing' : undefined,
  },
  {
    name: 'context-overflow-on-bad-request',
    match: (facts) =>
      isBadRequest(facts) && CONTEXT_OVERFLOW_TEXT.test(facts.message ?? '')
        ? 'context_overflow'
        : undefined,
  },
  {
    name: 'http-status',
    match: ({ status }) => {
      if (status === undefined || status < 400) return undefined;
      if (status === 401 || status === 403) return 'auth';
      if (status === 402) return 'billing';
      if (status === 404) return 'model_not_found';
      if (status === 408) return 'timeout';
      if (status === 429) return 'rate_limit';
      if (status === 503 || status === 529) return 'overloaded';
      if (status === 504) return 'timeout';
      if (status >= 500) return 'server_error';
      if (status === 400 || status === 413 || status === 422) return 'invalid_request';
      return undefined;
    },
  },
  {
    // Generic types say little when a status is present (a 503 typed `server_error` is an
    // overload), but they are all an in-stream error carries.
    name: 'generic-provider-type',
    match: byProviderCode({
      api_error: 'server_error',
      server_error: 'server_error',
      invalid_request_error: 'invalid_request',
      request_too_large: 'invalid_request',
      not_found_error: 'model_not_found',
    }),
  },
  {
    name: 'sdk-error-class',
    match: ({ errorClass }) => {
      if (errorClass === 'APIConnectionTimeoutError') return 'timeout';
      if (errorClass === 'APIConnectionError') return 'network';
      // An SDK abort the caller did not ask for (`callerAborted` is decided first) is not the
      // caller's: it falls through to `unknown`, which fails over.
      return undefined;
    },
  },
  {
    name: 'socket-code',
    match: ({ socketCode }) => (socketCode ? lookUp(SOCKET_CODES, socketCode) : undefined),
  },
  {
    name: 'message-text',
    match: ({ message }) => {
      if (!message) return undefined;
      for (const [pattern, reason] of TEXT_RULES) if (pattern.test(message)) return reason;
      return undefined;
    },
  },
];

/** The outcome of classifying one failure. */
export interface Classification {
  reason: FailoverReason;
  /** The rule that decided; `'default'` when none matched. */
  rule: string;
  retryAfterMs?: number;
}

/** Options for `Classifier`. */
export interface ClassifierOptions {
  /** Rules tried before the built-in ones, in order (after the caller's abort and idle timer). */
  rules?: readonly ClassificationRule[];
  /** Clock used to turn an HTTP-date `retry-after` into milliseconds. */
  clock?: Clock;
}

/** Turns the facts about a failure into a reason, deterministically: first matching rule wins. */
export class Classifier {
  readonly rules: readonly ClassificationRule[];
  private readonly clock: Clock;

  constructor(options: ClassifierOptions = {}) {
    this.rules = [
      ...CALL_RULES,
      ...(options.rules ?? []),
      ...BUILT_IN_RULES.slice(CALL_RULES.length),
    ];
    this.clock = options.clock ?? systemClock;
  }

  classify(facts: ErrorFacts): Classification {
    const retryAfterMs = parseRetryAfter(facts.headers, this.clock.now());
    for (const rule of this.rules) {
      const reason = rule.match(facts);
      if (reason)
        return { reason, rule: rule.name, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    return {
      reason: 'unknown',
      rule: 'default',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }

  /** Classifies and builds the `ProviderError` an adapter throws. */
  toError(facts: ErrorFacts, cause?: unknown): ProviderError {
    const { reason, retryAfterMs } = this.classify(facts);
    const code = facts.errorCode ?? facts.errorType;
    const message = facts.message?.trim() || `upstream failure (${reason})`;
    return new ProviderError(message, {
      reason,
      ...(facts.status === undefined ? {} : { status: facts.status }),
      ...(code === undefined ? {} : { providerCode: code }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause,
    });
  }
}

/** The classifier with only the built-in rules and the system clock. */
export const defaultClassifier = new Classifier();
