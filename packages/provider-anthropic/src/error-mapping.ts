import {
  collectErrorFacts,
  nonEmptyText,
  readField,
  toProviderError,
  type Classifier,
  type ErrorFacts,
  type ProviderError,
} from '@clawgate/providers-core';

/**
 * The facts of an `@anthropic-ai/sdk` error: the generic ones plus the body's
 * `error.type` (the SDK keeps the whole body on `.error`; an in-stream error has no status,
 * so its type decides) and the stable `error.details.error_code` when present.
 */
export function anthropicErrorFacts(thrown: unknown): ErrorFacts {
  const facts = collectErrorFacts(thrown);
  const inner = readField(readField(thrown, 'error'), 'error');
  const errorType =
    nonEmptyText(readField(thrown, 'type')) ?? nonEmptyText(readField(inner, 'type'));
  const errorCode =
    nonEmptyText(readField(thrown, 'errorCode')) ??
    nonEmptyText(readField(readField(inner, 'details'), 'error_code'));
  const bodyMessage = nonEmptyText(readField(inner, 'message'));
  if (errorType) facts.errorType = errorType;
  if (errorCode) facts.errorCode = errorCode;
  if (bodyMessage) facts.message = bodyMessage;
  return facts;
}

/** Maps anything the `@anthropic-ai/sdk` or the stream threw to a `ProviderError`. */
export function toAnthropicProviderError(
  thrown: unknown,
  options: { signal: AbortSignal; apiKey?: string; classifier?: Classifier },
): ProviderError {
  return toProviderError(thrown, {
    signal: options.signal,
    facts: anthropicErrorFacts,
    ...(options.apiKey ? { secret: options.apiKey } : {}),
    ...(options.classifier ? { classifier: options.classifier } : {}),
  });
}
