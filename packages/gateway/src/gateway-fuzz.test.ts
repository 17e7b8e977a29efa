import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './testing/start-gateway.js';
import { TestPeer } from './testing/test-peer.js';

/**
 * Arbitrary text, JSON and nested structures thrown at a live gateway: every frame gets a
 * well-formed response or none (notifications), the connection stays open, and a healthy
 * client on another connection keeps getting correct answers throughout.
 */
let running: RunningGateway;
let fuzzed: TestPeer;
let healthy: TestPeer;

beforeAll(async () => {
  // Generous limits: this test is about malformed frames, not about rate limiting.
  running = await startGateway({ requestsPerSecond: 100_000, requestBurst: 100_000 });
  fuzzed = await TestPeer.open(running.url, { headers: running.authHeaders });
  healthy = await TestPeer.open(running.url, { headers: running.authHeaders });
  await fuzzed.next();
  await healthy.next();
});

afterAll(async () => {
  await running.gateway.close();
});

const METHODS = ['health', 'agent', 'fail.internal', 'fail.rpc', 'connect', 'rpc.x', 'nope'];

/** Request-shaped values with every member possibly wrong. */
const callLike = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.jsonValue()),
    method: fc.oneof(fc.constantFrom(...METHODS), fc.jsonValue()),
    params: fc.jsonValue({ maxDepth: 6 }),
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

const frame: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 8 }),
  callLike.map((value) => JSON.stringify(value)),
  fc.array(callLike, { maxLength: 8 }).map((value) => JSON.stringify(value)),
  fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 }).map((value) => JSON.stringify(value)),
);

/** A JSON-RPC response object as the specification defines it. */
function isResponse(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const response = value as Record<string, unknown>;
  const id = response.id;
  const idOk = id === null || typeof id === 'string' || typeof id === 'number';
  const hasResult = 'result' in response;
  const error = response.error as Record<string, unknown> | undefined;
  const errorOk =
    typeof error === 'object' &&
    error !== null &&
    Number.isInteger(error.code) &&
    typeof error.message === 'string' &&
    !JSON.stringify(error).includes('at /') &&
    !('stack' in error);
  return response.jsonrpc === '2.0' && idOk && hasResult !== errorOk && (hasResult || errorOk);
}

/** A notification as JSON-RPC 2.0 defines it: a well-formed call without an `id` member. */
function isNotification(value: unknown): boolean {
  return wellFormedCall(value) && !('id' in (value as object));
}

/** An object with `jsonrpc: "2.0"`, a string method, and params that are absent or structured. */
function wellFormedCall(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const call = value as Record<string, unknown>;
  const params = call.params;
  const paramsOk = params === undefined || (typeof params === 'object' && params !== null);
  return call.jsonrpc === '2.0' && typeof call.method === 'string' && paramsOk;
}

/** The id a response must echo: that of a well-formed call with a string or number id. */
function echoedId(value: unknown): string | number | undefined {
  if (!wellFormedCall(value)) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

type ExpectedId = string | number | null | 'any';

/**
 * What the specification says must come back for a frame: nothing, one response (echoing the
 * call's id when it had a usable one), or one batch answer with one response per call.
 */
type Expected =
  { kind: 'none' } | { kind: 'single'; id: ExpectedId } | { kind: 'batch'; ids: ExpectedId[] };

function expectedFor(text: string): Expected {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'single', id: null };
  }
  const answerFor = (element: unknown): ExpectedId | undefined =>
    isNotification(element) ? undefined : (echoedId(element) ?? 'any');
  if (!Array.isArray(value)) {
    const id = answerFor(value);
    return id === undefined ? { kind: 'none' } : { kind: 'single', id };
  }
  if (value.length === 0) return { kind: 'single', id: null };
  const ids = value.map(answerFor).filter((id): id is ExpectedId => id !== undefined);
  return ids.length === 0 ? { kind: 'none' } : { kind: 'batch', ids };
}

function idMatches(response: unknown, id: ExpectedId): boolean {
  return id === 'any' || (response as { id?: unknown }).id === id;
}

let markerId = 0;

/** Sends `text`, then a marker; returns every frame other than the marker's answer. */
async function answersTo(text: string): Promise<unknown[]> {
  markerId += 1;
  const marker = `marker-${markerId}`;
  fuzzed.send(text);
  fuzzed.send({ jsonrpc: '2.0', id: marker, method: 'health' });
  const others: unknown[] = [];
  for (;;) {
    const next = await fuzzed.next();
    if ((next as { id?: unknown }).id === marker) break;
    others.push(next);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  others.push(...fuzzed.takeBuffered());
  return others;
}

describe('Gateway under arbitrary frames', () => {
  it('answers every frame with well-formed responses or nothing, and keeps serving everyone', async () => {
    let healthyCalls = 0;
    await fc.assert(
      fc.asyncProperty(frame, async (text) => {
        const answers = (await answersTo(text)).filter(
          (answer) => (answer as { method?: unknown }).method !== 'agent.event',
        );
        const expected = expectedFor(text);

        if (expected.kind === 'none') {
          expect(answers, text).toEqual([]);
        } else if (expected.kind === 'single') {
          expect(answers, text).toHaveLength(1);
          expect(isResponse(answers[0]), JSON.stringify(answers[0])).toBe(true);
          expect(idMatches(answers[0], expected.id), JSON.stringify(answers[0])).toBe(true);
        } else {
          expect(answers, text).toHaveLength(1);
          const batch = answers[0] as unknown[];
          expect(Array.isArray(batch), text).toBe(true);
          expect(batch, text).toHaveLength(expected.ids.length);
          for (const element of batch) {
            expect(isResponse(element), JSON.stringify(element)).toBe(true);
          }
          // Answers may come in any order; every usable id is echoed.
          for (const id of expected.ids.filter((id) => id !== 'any')) {
            expect(
              batch.some((element) => idMatches(element, id)),
              text,
            ).toBe(true);
          }
        }
        healthyCalls += 1;
        expect(await healthy.call(healthyCalls, 'health')).toEqual({
          jsonrpc: '2.0',
          id: healthyCalls,
          result: { ok: true, version: '1.2.3', uptimeMs: 0 },
        });
      }),
      { numRuns: 400 },
    );

    expect(fuzzed.socket.readyState).toBe(fuzzed.socket.OPEN);
    expect(running.gateway.connectionCount).toBe(2);
  });
});
