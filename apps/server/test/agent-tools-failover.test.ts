import { AnthropicProvider } from '@clawgate/provider-anthropic';
import { OpenAIProvider } from '@clawgate/provider-openai';
import { recordedText, UpstreamSimulator } from '@clawgate/upstream-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculatorTool } from '../src/tools/built-in-tools.js';
import { ToolRegistry } from '../src/tools/tool-registry.js';
import {
  CALCULATOR_DESCRIPTION,
  CALCULATOR_SCHEMA,
  agentRunnerSetup,
  eventTypes,
  storedMessages,
  streamedText,
} from './support/agent-runner-setup.js';

/**
 * A turn whose tool call comes from an OpenAI profile and whose answer, after that profile
 * is rate limited, comes from an Anthropic one: the history crosses wire formats with its
 * tool call ids intact.
 */
const OPENAI_KEY = 'failover-tools-openai-key';
const ANTHROPIC_KEY = 'failover-tools-anthropic-key';
const OWNER = 'token-0';
const SESSION = 'cross-format';
const QUESTION = 'What is 6*7?';
const FOLLOW_UP = 'And doubled?';

/** The OpenAI request shape the adapter sends around `messages`. */
function openaiBody(messages: unknown[]) {
  return {
    model: 'gpt-4.1-mini',
    messages,
    stream: true,
    stream_options: { include_usage: true },
    tools: [
      {
        type: 'function',
        function: {
          name: 'calculator',
          description: CALCULATOR_DESCRIPTION,
          parameters: CALCULATOR_SCHEMA,
        },
      },
    ],
  };
}

/** The Anthropic request shape the adapter sends around `messages`. */
function anthropicBody(messages: unknown[]) {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 4096,
    messages,
    stream: true,
    tools: [
      { name: 'calculator', description: CALCULATOR_DESCRIPTION, input_schema: CALCULATOR_SCHEMA },
    ],
  };
}

let simulator: UpstreamSimulator;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

describe('an agent turn that fails over between a tool call and its answer', () => {
  it('replays the OpenAI tool call to Anthropic as tool_use and tool_result with the same id', async () => {
    simulator.script(OPENAI_KEY, [
      {
        kind: 'tool-call',
        calls: [{ id: 'call_6x7', name: 'calculator', arguments: { expression: '6*7' } }],
      },
      { kind: 'error', case: 'openai-rate-limit-requests' },
    ]);
    simulator.script(ANTHROPIC_KEY, [
      { kind: 'ok', fixture: 'anthropic-text' },
      { kind: 'ok', fixture: 'anthropic-text' },
    ]);
    const { runner, conversations, pool, sink, events } = agentRunnerSetup({
      profiles: [
        {
          name: 'openai',
          provider: new OpenAIProvider({ apiKey: OPENAI_KEY, baseURL: simulator.openaiBaseUrl }),
          model: 'gpt-4.1-mini',
          priority: 1,
        },
        {
          name: 'anthropic',
          provider: new AnthropicProvider({
            apiKey: ANTHROPIC_KEY,
            baseURL: simulator.anthropicBaseUrl,
          }),
          model: 'claude-sonnet-4-5',
          priority: 2,
        },
      ],
      tools: new ToolRegistry().register(calculatorTool),
    });

    const first = runner.start({ owner: OWNER, sessionKey: SESSION, message: QUESTION, sink });
    const firstResult = await runner.wait(first.runId, OWNER, 10_000);
    const firstEvents = events.splice(0);
    // The OpenAI profile cools down for the 2 s its retry-after asks for: Anthropic serves.
    const second = runner.start({ owner: OWNER, sessionKey: SESSION, message: FOLLOW_UP, sink });
    const secondResult = await runner.wait(second.runId, OWNER, 10_000);
    pool.close();

    const answer = recordedText('anthropic-text');
    expect(firstResult).toMatchObject({ status: 'done', text: answer, profile: 'anthropic' });
    expect(eventTypes(firstEvents)).toEqual([
      'start',
      'tool_call',
      'tool_result',
      'failover',
      'delta',
      'done',
    ]);
    expect(firstEvents.find((event) => event.type === 'failover')).toEqual({
      runId: first.runId,
      sessionKey: SESSION,
      type: 'failover',
      from: 'openai',
      to: 'anthropic',
      reason: 'rate_limit',
      message:
        'Rate limit reached for requests on gpt-4.1-mini. Limit: 500 / min. Please try again in 1.5s.',
    });
    expect(streamedText(firstEvents)).toBe(answer);
    expect(firstEvents.at(-1)).toMatchObject({ type: 'done', text: answer, profile: 'anthropic' });

    const toolCallTurn = {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_6x7',
          type: 'function',
          function: { name: 'calculator', arguments: '{"expression":"6*7"}' },
        },
      ],
    };
    expect(simulator.requestsFor(OPENAI_KEY).map((request) => request.body)).toEqual([
      openaiBody([{ role: 'user', content: QUESTION }]),
      openaiBody([
        { role: 'user', content: QUESTION },
        toolCallTurn,
        { role: 'tool', tool_call_id: 'call_6x7', content: '42' },
      ]),
    ]);

    const toolUseTurn = {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'call_6x7', name: 'calculator', input: { expression: '6*7' } },
      ],
    };
    const toolResultTurn = {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'call_6x7', content: '42' }],
    };
    expect(simulator.requestsFor(ANTHROPIC_KEY).map((request) => request.body)).toEqual([
      anthropicBody([
        { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        toolUseTurn,
        toolResultTurn,
      ]),
      anthropicBody([
        { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        toolUseTurn,
        toolResultTurn,
        { role: 'assistant', content: [{ type: 'text', text: answer }] },
        { role: 'user', content: [{ type: 'text', text: FOLLOW_UP }] },
      ]),
    ]);

    expect(secondResult).toMatchObject({ status: 'done', text: answer, profile: 'anthropic' });
    expect(eventTypes(events)).toEqual(['start', 'delta', 'done']);
    expect(storedMessages(conversations, OWNER, SESSION)).toEqual([
      { role: 'user', content: QUESTION },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_6x7', name: 'calculator', arguments: '{"expression":"6*7"}' }],
      },
      { role: 'tool', toolCallId: 'call_6x7', content: '42' },
      { role: 'assistant', content: answer },
      { role: 'user', content: FOLLOW_UP },
      { role: 'assistant', content: answer },
    ]);
  });
});
