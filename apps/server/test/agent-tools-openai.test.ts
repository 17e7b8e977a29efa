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
 * A turn that calls a tool in the OpenAI wire format, through the official SDK adapter
 * against the simulator: a scripted `calculator` call, the real calculator's result sent
 * back, then the recorded text answer.
 */
const KEY = 'tools-openai-key';
const OWNER = 'token-0';
const SESSION = 'arithmetic';
const QUESTION = 'What is 6*7?';
const MODEL = 'gpt-4.1-mini';

/** The calculator as the Chat Completions API is shown it. */
const CALCULATOR_TOOL = {
  type: 'function',
  function: {
    name: 'calculator',
    description: CALCULATOR_DESCRIPTION,
    parameters: CALCULATOR_SCHEMA,
  },
};

let simulator: UpstreamSimulator;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

describe('an agent turn with tools in the OpenAI wire format', () => {
  it('runs the calculator the model asks for and sends its result back as a tool message', async () => {
    simulator.script(KEY, [
      {
        kind: 'tool-call',
        calls: [{ id: 'call_6x7', name: 'calculator', arguments: { expression: '6*7' } }],
      },
      { kind: 'ok', fixture: 'openai-chat-text' },
    ]);
    const { runner, conversations, pool, sink, events } = agentRunnerSetup({
      profiles: [
        {
          name: 'openai',
          provider: new OpenAIProvider({ apiKey: KEY, baseURL: simulator.openaiBaseUrl }),
          model: MODEL,
        },
      ],
      tools: new ToolRegistry().register(calculatorTool),
    });

    const { runId } = runner.start({ owner: OWNER, sessionKey: SESSION, message: QUESTION, sink });
    const result = await runner.wait(runId, OWNER, 10_000);
    pool.close();

    const answer = recordedText('openai-chat-text');
    expect(result).toMatchObject({ status: 'done', text: answer, profile: 'openai' });
    const bodies = simulator.requestsFor(KEY).map((request) => request.body);
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
    expect(bodies).toEqual([
      {
        model: MODEL,
        messages: [{ role: 'user', content: QUESTION }],
        stream: true,
        stream_options: { include_usage: true },
        tools: [CALCULATOR_TOOL],
      },
      {
        model: MODEL,
        messages: [
          { role: 'user', content: QUESTION },
          toolCallTurn,
          { role: 'tool', tool_call_id: 'call_6x7', content: '42' },
        ],
        stream: true,
        stream_options: { include_usage: true },
        tools: [CALCULATOR_TOOL],
      },
    ]);

    expect(eventTypes(events)).toEqual(['start', 'tool_call', 'tool_result', 'delta', 'done']);
    expect(events[1]).toEqual({
      runId,
      sessionKey: SESSION,
      type: 'tool_call',
      toolCall: { id: 'call_6x7', name: 'calculator', arguments: '{"expression":"6*7"}' },
    });
    expect(events[2]).toEqual({
      runId,
      sessionKey: SESSION,
      type: 'tool_result',
      toolCallId: 'call_6x7',
      content: '42',
      isError: false,
    });
    expect(streamedText(events)).toBe(answer);
    expect(events.at(-1)).toMatchObject({ type: 'done', text: answer, profile: 'openai' });

    expect(storedMessages(conversations, OWNER, SESSION)).toEqual([
      { role: 'user', content: QUESTION },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_6x7', name: 'calculator', arguments: '{"expression":"6*7"}' }],
      },
      { role: 'tool', toolCallId: 'call_6x7', content: '42' },
      { role: 'assistant', content: answer },
    ]);
  });
});
