import { describe, expect, it } from 'vitest';
import { agentEventSchema } from './agent-event.js';

const base = { seq: 1, runId: 'run-1', sessionKey: 'main' };

describe('agentEventSchema', () => {
  it('accepts every variant', () => {
    const events = [
      { ...base, type: 'start', model: 'gpt' },
      { ...base, type: 'delta', text: 'Hel' },
      { ...base, type: 'tool_call', toolCall: { id: 't', name: 'search', arguments: '{}' } },
      { ...base, type: 'tool_result', toolCallId: 't', content: '4', isError: false },
      { ...base, type: 'context_trimmed', profile: 'b', droppedMessages: 6 },
      { ...base, type: 'failover', from: 'a', to: 'b', reason: 'rate_limit' },
      {
        ...base,
        type: 'done',
        text: 'Hello',
        finishReason: 'stop',
        usage: { inputTokens: 3, outputTokens: 2 },
        profile: 'b',
      },
      { ...base, type: 'error', error: { code: 'ABORTED', message: 'Aborted' }, partial: true },
    ];

    for (const event of events) expect(agentEventSchema.parse(event)).toEqual(event);
  });

  it('rejects an unknown type and a variant missing its own members', () => {
    expect(agentEventSchema.safeParse({ ...base, type: 'progress' }).success).toBe(false);
    expect(agentEventSchema.safeParse({ ...base, type: 'delta' }).success).toBe(false);
    expect(
      agentEventSchema.safeParse({
        ...base,
        type: 'context_trimmed',
        profile: 'b',
        droppedMessages: 0,
      }).success,
    ).toBe(false);
    expect(
      agentEventSchema.safeParse({ ...base, type: 'error', error: { code: 'X', message: 'm' } })
        .success,
    ).toBe(false);
  });

  it('requires seq, runId and sessionKey on every variant', () => {
    expect(agentEventSchema.safeParse({ type: 'delta', text: 'x' }).success).toBe(false);
    expect(
      agentEventSchema.safeParse({ type: 'delta', text: 'x', runId: 'r', sessionKey: 'k' }).success,
    ).toBe(false);
  });
});
