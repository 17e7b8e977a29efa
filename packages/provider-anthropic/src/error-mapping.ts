import {
  collectErrorFacts,
  defaultClassifier,
  isProviderError,
  redactSecret,
  type Classifier,
  type ErrorFacts,
  type ProviderError,
} from '@clawgate/providers-core';

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The facts of an `@anthropic-ai/sdk` error: the generic ones plus the body's
 * `error.type` (the SDK keeps the whole body on `.error`; an in-stream error has no status,
 * so its type decides) and the stable `error.details.error_code` when present.
 */
export function anthropicErrorFacts(thrown: unknown): ErrorFacts {
  const facts = collectErrorFacts(thrown);
  const body = field(thrown, 'error');
  const inner = field(body, 'error');
  const errorType = text(field(thrown, 'type')) ?? text(field(inner, 'type'));
  const errorCode =
    text(field(thrown, 'errorCode')) ?? text(field(field(inner, 'details'), 'error_code'));
  const bodyMessage = text(field(inner, 'message'));
  if (errorType) facts.errorType = errorType;
  if (errorCode) facts.errorCode = errorCode;
  if (bodyMessage) facts.message = bodyMessage;
  return facts;
}

/** Maps anything the SDK or the stream threw to a `ProviderError`. */
export function toProviderError(
  thrown: unknown,
  options: { signal: AbortSignal; apiKey?: string; classifier?: Classifier },
): ProviderError {
  const classifier = options.classifier ?? defaultClassifier;
  if (isProviderError(thrown) && !options.signal.aborted) return thrown;
  const facts = anthropicErrorFacts(thrown);
  if (options.signal.aborted) facts.callerAborted = true;
  if (facts.message) facts.message = redactSecret(facts.message, options.apiKey);
  return classifier.toError(facts, thrown);
}
