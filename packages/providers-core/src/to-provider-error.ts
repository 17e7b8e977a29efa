import { defaultClassifier, type Classifier } from './classifier.js';
import type { ErrorFacts } from './error-facts.js';
import { isProviderError, type ProviderError } from './provider-error.js';
import { redactSecret } from './redact.js';

/** Options for `toProviderError`. */
export interface ToProviderErrorOptions {
  /** The call's signal: once it has aborted, any failure is the caller's `aborted`. */
  signal: AbortSignal;
  /** Reads the facts of a thrown value; adapters add their SDK's body fields. */
  facts: (thrown: unknown) => ErrorFacts;
  /** A credential to keep out of the message. */
  secret?: string;
  classifier?: Classifier;
}

/**
 * The one way an adapter turns anything thrown during a call into a `ProviderError`: an
 * existing one passes through, the caller's own abort is `aborted`, everything else is
 * classified from its facts with the credential redacted from the message.
 */
export function toProviderError(thrown: unknown, options: ToProviderErrorOptions): ProviderError {
  if (isProviderError(thrown) && !options.signal.aborted) return thrown;
  const facts = options.facts(thrown);
  if (options.signal.aborted) facts.callerAborted = true;
  if (facts.message) facts.message = redactSecret(facts.message, options.secret);
  return (options.classifier ?? defaultClassifier).toError(facts, thrown);
}
