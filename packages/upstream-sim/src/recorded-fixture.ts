import { readFileSync } from 'node:fs';

import { fixturesDirectoryUrl } from './fixtures-directory.js';
import type { WireApi } from './wire-api.js';

/** Names of the recorded responses the simulator can replay, in `fixtures/recorded/`. */
export const FIXTURE_NAMES = ['openai-chat-text', 'anthropic-text', 'anthropic-tool-use'] as const;

/** One of {@link FIXTURE_NAMES}. */
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** A recorded real answer, as raw JSON texts exactly as the provider sent them. */
export interface RecordedFixture {
  readonly name: FixtureName;
  /** The API that produced it, and the only route that may replay it. */
  readonly api: WireApi;
  /** One raw JSON text per streamed event, in the recorded order. */
  readonly chunks: readonly string[];
  /** Raw JSON text of the same kind of request answered without streaming. */
  readonly json: string;
}

const FIXTURE_APIS: Readonly<Record<FixtureName, WireApi>> = {
  'openai-chat-text': 'openai',
  'anthropic-text': 'anthropic',
  'anthropic-tool-use': 'anthropic',
};

const cache = new Map<FixtureName, RecordedFixture>();

/** Tells whether `value` names a recorded fixture. */
export function isFixtureName(value: unknown): value is FixtureName {
  return typeof value === 'string' && (FIXTURE_NAMES as readonly string[]).includes(value);
}

/** The API whose route replays the fixture `name`. */
export function fixtureApi(name: FixtureName): WireApi {
  return FIXTURE_APIS[name];
}

/**
 * Reads a recorded fixture from disk (once; later calls return the cached copy).
 *
 * @throws Error when the fixture files are missing from the package.
 */
export function loadRecordedFixture(name: FixtureName): RecordedFixture {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;

  const recordedUrl = new URL('recorded/', fixturesDirectoryUrl);
  const chunkLines = readFileSync(new URL(`${name}.chunks.jsonl`, recordedUrl), 'utf8');
  const json = readFileSync(new URL(`${name}.json`, recordedUrl), 'utf8');
  const fixture: RecordedFixture = {
    name,
    api: fixtureApi(name),
    chunks: chunkLines.split('\n').filter((line) => line.trim() !== ''),
    json,
  };

  cache.set(name, fixture);
  return fixture;
}
