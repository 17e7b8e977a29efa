import { readFileSync } from 'node:fs';

import { fixturesDirectoryUrl } from './fixtures-directory.js';
import type { WireApi } from './wire-api.js';

/** Names of the cases in `fixtures/upstream-errors.json`, in file order. */
export const UPSTREAM_ERROR_CASE_NAMES = [
  'openai-invalid-key',
  'openai-rate-limit-requests',
  'openai-insufficient-quota',
  'openai-context-length',
  'openai-unsupported-parameter',
  'openai-server-overloaded',
  'openai-model-not-found',
  'anthropic-invalid-key',
  'anthropic-rate-limit',
  'anthropic-overloaded',
  'anthropic-prompt-too-long',
  'anthropic-billing',
  'anthropic-overloaded-mid-stream',
] as const;

/** One of {@link UPSTREAM_ERROR_CASE_NAMES}. */
export type UpstreamErrorCaseName = (typeof UPSTREAM_ERROR_CASE_NAMES)[number];

/** One server-sent event of a case that fails inside a stream. */
export interface UpstreamErrorEvent {
  /** SSE event name, e.g. `message_start` or `error`. */
  readonly event: string;
  readonly data: unknown;
}

interface UpstreamErrorCaseBase {
  readonly name: UpstreamErrorCaseName;
  readonly provider: WireApi;
  /** HTTP status of the answer (200 for cases that fail inside a stream). */
  readonly status: number;
  /** Response headers the real API sends with this failure. */
  readonly headers: Readonly<Record<string, string>>;
  /** The failover reason the case must be classified as (see DESIGN.md). */
  readonly reason: string;
  /** The wait the case asks for, in milliseconds, when it carries one. */
  readonly retryAfterMs?: number;
  readonly note?: string;
}

/** A failure answered as an HTTP error status with a JSON body. */
export interface UpstreamHttpErrorCase extends UpstreamErrorCaseBase {
  readonly stream?: false;
  readonly body: unknown;
  readonly events?: undefined;
}

/** A failure that arrives after an HTTP 200, as SSE events ending in an error event. */
export interface UpstreamStreamErrorCase extends UpstreamErrorCaseBase {
  readonly stream: true;
  readonly events: readonly UpstreamErrorEvent[];
  readonly body?: undefined;
}

/** A real upstream failure shape from `fixtures/upstream-errors.json`. */
export type UpstreamErrorCase = UpstreamHttpErrorCase | UpstreamStreamErrorCase;

let cached: readonly UpstreamErrorCase[] | undefined;

/** Tells whether `value` names a case of `fixtures/upstream-errors.json`. */
export function isUpstreamErrorCaseName(value: unknown): value is UpstreamErrorCaseName {
  return (
    typeof value === 'string' && (UPSTREAM_ERROR_CASE_NAMES as readonly string[]).includes(value)
  );
}

/** Every case of `fixtures/upstream-errors.json`, in file order (read once, then cached). */
export function loadUpstreamErrorCases(): readonly UpstreamErrorCase[] {
  if (cached !== undefined) return cached;

  const text = readFileSync(new URL('upstream-errors.json', fixturesDirectoryUrl), 'utf8');
  // The file is a fixture this package ships; its shape is pinned by the package's tests.
  const file = JSON.parse(text) as { readonly cases: readonly UpstreamErrorCase[] };
  cached = file.cases;
  return cached;
}

/**
 * The case of `fixtures/upstream-errors.json` called `name`.
 *
 * @throws RangeError when no case has that name.
 */
export function upstreamErrorCase(name: UpstreamErrorCaseName): UpstreamErrorCase {
  const found = loadUpstreamErrorCases().find((candidate) => candidate.name === name);
  if (found === undefined) {
    throw new RangeError(`upstream-errors.json has no case named '${String(name)}'`);
  }
  return found;
}
