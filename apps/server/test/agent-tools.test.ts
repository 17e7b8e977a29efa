import { AnthropicProvider } from '@clawgate/provider-anthropic';
import { recordedText, recordedToolCalls, UpstreamSimulator } from '@clawgate/upstream-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolRegistry } from '../src/tools/tool-registry.js';
import { agentRunnerSetup } from './support/agent-runner-setup.js';

/**
 * A turn that calls a tool, through the official Anthropic SDK against the simulator: the
 * recorded tool-use answer, the tool's result sent back, then the recorded text answer.
 */
const KEY = 'tools-anthropic-key';
let simulator: UpstreamSimulator;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

function runnerWith(tools: ToolRegistry, maxToolSteps?: number) {
  return agentRunnerSetup({
    profiles: [
      {
        name: 'anthropic',
        provider: new AnthropicProvider({ apiKey: KEY, baseURL: simulator.anthropicBaseUrl }),
        model: 'claude-sonnet-4-5',
      },
    ],
    tools,
    ...(maxToolSteps === undefined ? {} : { maxToolSteps }),
  });
}

const [recordedCall] = recordedToolCalls('anthropic-tool-use');

describe('an agent turn with tools', () => {
  it('runs the tool the model asks for and continues with its result, storing every step', async () => {
    simulator.clearRequests();
    simulator.script(KEY, [
      { kind: 'ok', fixture: 'anthropic-tool-use' },
      { kind: 'ok', fixture: 'anthropic-text' },
    ]);
    const inputs: unknown[] = [];
    const tools = new ToolRegistry().register({
      name: recordedCall?.name ?? 'missing',
      description: 'Updates the issue list.',
      input: z.object({}),
      run: async (input) => {
        inputs.push(input);
        return 'the list is up to date';
      },
    });
    const { runner, conversations, events, sink, pool } = runnerWith(tools);

    const { runId } = runner.start({
      owner: 'token-0',
      sessionKey: 'work',
      message: 'update',
      sink,
    });
    const result = await runner.wait(runId, 'token-0', 10_000);
    pool.close();

    // What the user saw: the text streamed before the tool call, then the final answer.
    expect(result).toMatchObject({
      status: 'done',
      text: recordedText('anthropic-tool-use') + recordedText('anthropic-text'),
    });
    expect(inputs).toEqual([{}]);
    expect(events.map((event) => event.type)).toContain('tool_result');
    const second = simulator.requestsFor(KEY)[1]?.body as {
      messages: Array<{ role: string; content: unknown }>;
      tools: Array<{ name: string }>;
    };
    expect(second.tools.map((tool) => tool.name)).toEqual([recordedCall?.name]);
    expect(second.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'update' }] },
      {
        role: 'assistant',
        content: expect.arrayContaining([
          expect.objectContaining({
            type: 'tool_use',
            id: recordedCall?.id,
            name: recordedCall?.name,
          }),
        ]),
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: recordedCall?.id, content: 'the list is up to date' },
        ],
      },
    ]);
    expect(conversations.messages('token-0', 'work').map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
  });

  it('gives a failing tool error back to the model, not to the user', async () => {
    simulator.script(KEY, [
      { kind: 'ok', fixture: 'anthropic-tool-use' },
      { kind: 'ok', fixture: 'anthropic-text' },
    ]);
    const tools = new ToolRegistry().register({
      name: recordedCall?.name ?? 'missing',
      description: 'Fails.',
      input: z.object({}),
      run: async () => {
        throw new Error('the issue tracker is down');
      },
    });
    const { runner, events, sink, pool } = runnerWith(tools);

    const { runId } = runner.start({
      owner: 'token-0',
      sessionKey: 'fail',
      message: 'update',
      sink,
    });
    const result = await runner.wait(runId, 'token-0', 10_000);
    pool.close();

    expect(result?.status).toBe('done');
    expect(events.find((event) => event.type === 'tool_result')).toMatchObject({
      content: 'error: the issue tracker is down',
      isError: true,
    });
  });

  it('ends with STEP_LIMIT when the model keeps calling tools', async () => {
    simulator.script(KEY, { kind: 'ok', fixture: 'anthropic-tool-use' }, { sticky: true });
    const tools = new ToolRegistry().register({
      name: recordedCall?.name ?? 'missing',
      description: 'Loops.',
      input: z.object({}),
      run: async () => 'again',
    });
    const { runner, sink, pool } = runnerWith(tools, 2);

    const { runId } = runner.start({ owner: 'token-0', sessionKey: 'loop', message: 'go', sink });
    const result = await runner.wait(runId, 'token-0', 10_000);
    pool.close();
    simulator.clearScripts();

    expect(result).toMatchObject({ status: 'error', error: { code: 'STEP_LIMIT' } });
  });
});
