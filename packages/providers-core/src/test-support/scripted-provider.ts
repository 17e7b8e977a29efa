/**
 * Test support for pool tests (not part of the built package): a scripted fake upstream that
 * honours abort signals like an SDK does, and helpers that read a call's outcome.
 */
import type { ChatCallOptions, ChatProvider, ChatRequest, StreamEvent } from '../chat.js';
import type { FailoverReason } from '../failover-reason.js';
import type { PoolEvent, PoolProfile, PoolStreamEvent, ProfileSnapshot } from '../pool-types.js';
import { ProviderError } from '../provider-error.js';
import { ProviderPool, type PoolCallOptions, type ProviderPoolOptions } from '../provider-pool.js';

/** One step of a scripted upstream call. */
export type Step =
  | StreamEvent
  | { type: 'fail'; error: ProviderError }
  | { type: 'stall' }
  | { type: 'wait'; delayMs: number };

/** What one upstream call does, step by step. */
export type Script = readonly Step[];

/**
 * A fake upstream: call number n plays `scripts[n]` (the last script repeats). Like an SDK, it
 * honours the abort signal: a stalled read ends with an `aborted` error once the signal fires.
 */
export class ScriptedProvider implements ChatProvider {
  readonly kind = 'scripted';
  readonly requests: ChatRequest[] = [];
  readonly signals: AbortSignal[] = [];

  constructor(private readonly scripts: readonly Script[]) {}

  get calls(): number {
    return this.requests.length;
  }

  async *stream(request: ChatRequest, options: ChatCallOptions): AsyncGenerator<StreamEvent> {
    const script = this.scripts[Math.min(this.requests.length, this.scripts.length - 1)] ?? [];
    this.requests.push(request);
    this.signals.push(options.signal);
    for (const step of script) {
      if (step.type === 'fail') throw step.error;
      if (step.type === 'stall') {
        await waitOrAbort(Number.POSITIVE_INFINITY, options.signal);
        continue;
      }
      if (step.type === 'wait') {
        await waitOrAbort(step.delayMs, options.signal);
        continue;
      }
      yield step;
    }
  }
}

export const usage = { inputTokens: 3, outputTokens: 2 };

/** A complete, successful answer: metadata, one text delta, finish. */
export function answers(text: string): StreamEvent[] {
  return [
    { type: 'metadata', responseId: `response-${text}` },
    { type: 'text-delta', text },
    { type: 'finish', finishReason: 'stop', usage },
  ];
}

export function fails(reason: FailoverReason, retryAfterMs?: number): Script {
  return [{ type: 'fail', error: upstreamError(reason, retryAfterMs) }];
}

export function upstreamError(reason: FailoverReason, retryAfterMs?: number): ProviderError {
  return new ProviderError(`upstream says ${reason}`, {
    reason,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export interface CallResult {
  events: PoolStreamEvent[];
  error: unknown;
}

export const request = { messages: [{ role: 'user' as const, content: 'hello' }] };

export async function call(pool: ProviderPool, options?: PoolCallOptions): Promise<CallResult> {
  const events: PoolStreamEvent[] = [];
  try {
    for await (const event of pool.stream(request, options)) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

export function profile(
  name: string,
  provider: ChatProvider,
  extra: Partial<PoolProfile> = {},
): PoolProfile {
  return { name, provider, model: `model-${name}`, ...extra };
}

export function createPool(options: ProviderPoolOptions): {
  pool: ProviderPool;
  poolEvents: PoolEvent[];
} {
  const poolEvents: PoolEvent[] = [];
  const pool = new ProviderPool({ ...options, onEvent: (event) => poolEvents.push(event) });
  return { pool, poolEvents };
}

/** The profile that served a call, from its `serving` event. */
export function servedBy(result: CallResult): string | undefined {
  const serving = result.events.find((event) => event.type === 'serving');
  return serving?.type === 'serving' ? serving.profile : undefined;
}

/** What the caller sees when profile `name` answers `text`. */
export function served(name: string, text: string): PoolStreamEvent[] {
  return [{ type: 'serving', profile: name, model: `model-${name}` }, ...answers(text)];
}

export function failover(from: string, to: string, reason: FailoverReason): PoolStreamEvent {
  return { type: 'failover', from, to, reason, message: `upstream says ${reason}` };
}

export function snapshotOf(pool: ProviderPool, name: string): ProfileSnapshot {
  const found = pool.snapshot().find((snapshot) => snapshot.name === name);
  if (!found) throw new Error(`no snapshot for ${name}`);
  return found;
}

/**
 * Sleeps like an upstream that takes its time (forever for `Infinity`), ending as `aborted`
 * once the signal fires, as an SDK does.
 */
export async function waitOrAbort(delayMs: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = Number.isFinite(delayMs) ? setTimeout(resolve, delayMs) : undefined;
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  if (signal.aborted) throw new ProviderError('Request was aborted.', { reason: 'aborted' });
}
