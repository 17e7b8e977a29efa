import {
  isProviderError,
  type ChatProvider,
  type ProviderError,
  type StreamEvent,
} from '@clawgate/providers-core';
import {
  loadUpstreamErrorCases,
  recordedText,
  recordedToolCalls,
  UpstreamSimulator,
  type FixtureName,
} from '@clawgate/upstream-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simulatedAdapter, type WireKind } from './support/simulated-adapter.js';

let simulator: UpstreamSimulator;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.clearScripts();
  simulator.clearRequests();
});

type Kind = WireKind;

const adapter = (kind: Kind, apiKey: string, requestTimeoutMs?: number): ChatProvider =>
  simulatedAdapter(simulator, kind, apiKey, requestTimeoutMs);

const request = { model: 'test-model', messages: [{ role: 'user' as const, content: 'hello' }] };

async function collect(
  provider: ChatProvider,
  signal = new AbortController().signal,
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of provider.stream(request, { signal })) events.push(event);
  return events;
}

async function failure(provider: ChatProvider, signal?: AbortSignal): Promise<ProviderError> {
  try {
    await collect(provider, signal);
  } catch (error) {
    if (isProviderError(error)) return error;
    throw new Error(`expected a ProviderError, got ${String(error)}`);
  }
  throw new Error('expected the call to fail');
}

const textOf = (events: StreamEvent[]): string =>
  events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

describe.each<[Kind, FixtureName]>([
  ['openai', 'openai-chat-text'],
  ['anthropic', 'anthropic-text'],
  ['anthropic', 'anthropic-tool-use'],
])('%s adapter replaying %s', (kind, fixture) => {
  it('yields exactly the recorded text, tool calls and a finish with usage', async () => {
    simulator.script(`${fixture}-key`, { kind: 'ok', fixture });
    const events = await collect(adapter(kind, `${fixture}-key`));

    expect(textOf(events)).toBe(recordedText(fixture));
    const toolCalls = events.flatMap((event) =>
      event.type === 'tool-call' ? [event.toolCall] : [],
    );
    expect(toolCalls).toEqual(
      recordedToolCalls(fixture).map((call) => ({
        id: call.id,
        name: call.name,
        arguments: JSON.stringify(call.input),
      })),
    );
    const finish = events.at(-1);
    expect(finish).toMatchObject({ type: 'finish', usage: { inputTokens: expect.any(Number) } });
    expect(events[0]).toMatchObject({ type: 'metadata' });
  });
});

describe('anthropic adapter', () => {
  it('reports the recorded tool call with its id, name and finish reason tool_calls', async () => {
    simulator.script('tool-key', { kind: 'ok', fixture: 'anthropic-tool-use' });
    const events = await collect(adapter('anthropic', 'tool-key'));
    expect(events.filter((event) => event.type !== 'text-delta').slice(1)).toEqual([
      {
        type: 'tool-call',
        toolCall: {
          id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP',
          name: 'updateIssueList',
          arguments: '{}',
        },
      },
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 565, outputTokens: 48 } },
    ]);
  });

  it('sends the request in the Messages format with a max_tokens budget', async () => {
    await collect(adapter('anthropic', 'shape-key'));
    expect(simulator.requestsFor('shape-key')[0]?.body).toMatchObject({
      model: 'test-model',
      max_tokens: 4096,
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
    });
  });
});

describe('openai adapter', () => {
  it('asks for usage in the stream and reports it', async () => {
    const events = await collect(adapter('openai', 'usage-key'));
    expect(simulator.requestsFor('usage-key')[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 16, outputTokens: 300 },
    });
  });
});

describe.each(loadUpstreamErrorCases().map((errorCase) => [errorCase.name, errorCase] as const))(
  'upstream error case %s',
  (name, errorCase) => {
    it(`comes back as a ProviderError with reason ${errorCase.reason}`, async () => {
      simulator.script(`${name}-key`, { kind: 'error', case: name });
      const error = await failure(adapter(errorCase.provider as Kind, `${name}-key`));
      expect(error.reason).toBe(errorCase.reason);
      if (errorCase.retryAfterMs !== undefined)
        expect(error.retryAfterMs).toBe(errorCase.retryAfterMs);
      if (!errorCase.stream) expect(error.status).toBe(errorCase.status);
    });
  },
);

describe.each<Kind>(['openai', 'anthropic'])('%s adapter under faults', (kind) => {
  it('reports a socket reset before the answer as network', async () => {
    simulator.script('reset-key', { kind: 'reset' });
    expect((await failure(adapter(kind, 'reset-key'))).reason).toBe('network');
  });

  it('reports a socket reset mid-stream as network', async () => {
    simulator.script('reset-mid-key', { kind: 'reset', afterEvents: 3 });
    expect((await failure(adapter(kind, 'reset-mid-key'))).reason).toBe('network');
  });

  it('reports a stream cut without its end as network, never a clean finish', async () => {
    simulator.script('cut-key', { kind: 'cut', afterEvents: 3 });
    expect((await failure(adapter(kind, 'cut-key'))).reason).toBe('network');
  });

  it('reports an upstream that never answers as timeout', async () => {
    simulator.script('hang-key', { kind: 'hang' });
    expect((await failure(adapter(kind, 'hang-key', 300))).reason).toBe('timeout');
  });

  it('reports the caller abort as aborted', async () => {
    simulator.script('abort-key', { kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failure(adapter(kind, 'abort-key'), controller.signal)).reason).toBe('aborted');
  });

  it('keeps the API key out of error messages', async () => {
    const apiKey = 'sk-secret-value-1234567890';
    simulator.script(apiKey, {
      kind: 'error',
      status: 401,
      body:
        kind === 'openai'
          ? {
              error: {
                message: `Incorrect API key provided: ${apiKey}`,
                type: 'invalid_request_error',
                code: 'invalid_api_key',
              },
            }
          : {
              type: 'error',
              error: { type: 'authentication_error', message: `invalid x-api-key ${apiKey}` },
            },
    });
    const error = await failure(adapter(kind, apiKey));
    expect(error.reason).toBe('auth');
    expect(error.message).not.toContain(apiKey);
  });
});
