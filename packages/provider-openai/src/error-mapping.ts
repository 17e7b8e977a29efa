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
 * The facts of an `openai` SDK error: the generic ones plus the body's `error.type` and
 * `error.code` (the SDK keeps the body's `error` object on `.error`; an in-stream error has
 * no status, so its type decides).
 */
export function openAIErrorFacts(thrown: unknown): ErrorFacts {
  const facts = collectErrorFacts(thrown);
  const body = readField(thrown, 'error');
  const errorType =
    nonEmptyText(readField(thrown, 'type')) ?? nonEmptyText(readField(body, 'type'));
  const errorCode =
    nonEmptyText(readField(thrown, 'code')) ?? nonEmptyText(readField(body, 'code'));
  const bodyMessage = nonEmptyText(readField(body, 'message'));
  if (errorType) facts.errorType = errorType;
  if (errorCode && !facts.socketCode) facts.errorCode = errorCode;
  if (bodyMessage) facts.message = bodyMessage;
  return facts;
}

/** Maps anything the `openai` SDK or the stream threw to a `ProviderError`. */
export function toOpenAIProviderError(
  thrown: unknown,
  options: { signal: AbortSignal; apiKey?: string; classifier?: Classifier },
): ProviderError {
  return toProviderError(thrown, {
    signal: options.signal,
    facts: openAIErrorFacts,
    ...(options.apiKey ? { secret: options.apiKey } : {}),
    ...(options.classifier ? { classifier: options.classifier } : {}),
  });
}
