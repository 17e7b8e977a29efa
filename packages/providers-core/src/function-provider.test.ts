import { describe, expect, it } from 'vitest';

import type { StreamEvent } from './chat.js';
import { functionProvider, type FunctionProviderOptions } from './function-provider.js';
import { isProviderError, type ProviderError } from './provider-error.js';

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

async function collect(
  call: FunctionProviderOptions['call'],
  signal = new AbortController().signal,
  secret?: string,
): Promise<StreamEvent[]> {
  const provider = functionProvider({ kind: 'plain', call, ...(secret ? { secret } : {}) });
  const events: StreamEvent[] = [];
  for await (const event of provider.stream(request, { signal })) events.push(event);
  return events;
}

async function failure(
  call: FunctionProviderOptions['call'],
  signal?: AbortSignal,
  secret?: string,
): Promise<ProviderError> {
  try {
    await collect(call, signal, secret);
  } catch (error) {
    if (isProviderError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const httpError = (status: number, fields: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`HTTP ${status}`), { status, ...fields });

describe('functionProvider', () => {
  it('yields the answer as text, tool calls and a finish', async () => {
    const toolCall = { id: 'call_1', name: 'clock', arguments: '{}' };

    const events = await collect(async () => ({
      text: 'hello',
      toolCalls: [toolCall],
      usage: { inputTokens: 3, outputTokens: 1 },
    }));

    expect(events).toEqual([
      { type: 'text-delta', text: 'hello' },
      { type: 'tool-call', toolCall },
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 3, outputTokens: 1 } },
    ]);
  });

  it('finishes with stop and zero usage when the answer says nothing more', async () => {
    expect(await collect(async () => ({ text: 'ok' }))).toEqual([
      { type: 'text-delta', text: 'ok' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } },
    ]);
  });

  it('classifies a thrown 429 with retry-after as rate_limit', async () => {
    const error = await failure(async () => {
      throw httpError(429, { headers: { 'retry-after': '2' } });
    });

    expect(error).toMatchObject({ reason: 'rate_limit', status: 429, retryAfterMs: 2_000 });
  });

  it('reads a provider code on the thrown error before its status', async () => {
    const error = await failure(async () => {
      throw httpError(429, { code: 'insufficient_quota' });
    });

    expect(error).toMatchObject({ reason: 'billing', providerCode: 'insufficient_quota' });
  });

  it('classifies a socket error as network', async () => {
    const error = await failure(async () => {
      throw new Error('fetch failed', {
        cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      });
    });

    expect(error.reason).toBe('network');
  });

  it("reports a failure after the caller's abort as aborted", async () => {
    const controller = new AbortController();

    const error = await failure(async () => {
      controller.abort();
      throw httpError(500);
    }, controller.signal);

    expect(error.reason).toBe('aborted');
  });

  it('keeps the secret out of the message', async () => {
    const secret = 'sk-plain-secret-123456';

    const error = await failure(
      async () => {
        throw httpError(401, { message: `bad key ${secret}` });
      },
      undefined,
      secret,
    );

    expect(error.reason).toBe('auth');
    expect(error.message).toBe('bad key [redacted]');
  });
});
