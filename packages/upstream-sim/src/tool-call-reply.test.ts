import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { recordedText } from './recorded-text.js';
import type { ToolCallStep } from './sim-step.js';
import { UpstreamSimulator } from './upstream-simulator.js';
import { anthropicRequest, openaiRequest, withStep } from './test-support/requests.js';

const calls = [
  { id: 'call_weather', name: 'get_weather', arguments: { city: 'Paris', days: 3 } },
  { id: 'call_time', name: 'get_time', arguments: {} },
];
const step: ToolCallStep = { kind: 'tool-call', text: 'Let me check both.', calls };

let sim: UpstreamSimulator;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  sim = await UpstreamSimulator.start();
  openai = new OpenAI({ apiKey: 'sk-tools', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({
    apiKey: 'sk-ant-tools',
    baseURL: sim.anthropicBaseUrl,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await sim.close();
});

interface AccumulatedCall {
  id: string;
  name: string;
  argumentsJson: string;
}

/** Streams an OpenAI request and accumulates its chunks as a client does. */
async function streamOpenAi(
  request: OpenAI.ChatCompletionCreateParamsStreaming,
  options: { headers: Record<string, string> },
): Promise<{
  chunks: OpenAI.ChatCompletionChunk[];
  text: string;
  calls: AccumulatedCall[];
  finishReason: string | null;
}> {
  const stream = await openai.chat.completions.create(request, options);
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  const accumulated: AccumulatedCall[] = [];
  let text = '';
  let finishReason: string | null = null;

  for await (const chunk of stream) {
    chunks.push(chunk);
    const choice = chunk.choices[0];
    text += choice?.delta.content ?? '';
    finishReason = choice?.finish_reason ?? finishReason;
    for (const delta of choice?.delta.tool_calls ?? []) {
      const call = (accumulated[delta.index] ??= { id: '', name: '', argumentsJson: '' });
      call.id += delta.id ?? '';
      call.name += delta.function?.name ?? '';
      call.argumentsJson += delta.function?.arguments ?? '';
    }
  }
  return { chunks, text, calls: accumulated, finishReason };
}

describe('sendToolCallAnswer', () => {
  it('streams tool calls the openai SDK reassembles exactly, with usage when asked', async () => {
    const result = await streamOpenAi(
      { ...openaiRequest, stream: true, stream_options: { include_usage: true } },
      withStep(step),
    );

    expect(result.text).toBe('Let me check both.');
    expect(
      result.calls.map((call) => ({
        id: call.id,
        name: call.name,
        arguments: JSON.parse(call.argumentsJson) as unknown,
      })),
    ).toStrictEqual(calls);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.chunks.at(-1)?.choices).toEqual([]);
    expect(result.chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: expect.any(Number) });
    expect(new Set(result.chunks.map((chunk) => chunk.model))).toEqual(new Set(['gpt-4.1-mini']));
    expect(new Set(result.chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(result.chunks[0]?.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
  });

  it('sends each call of an openai stream as an opening chunk and argument fragments', async () => {
    const result = await streamOpenAi({ ...openaiRequest, stream: true }, withStep(step));
    const weatherDeltas = result.chunks.flatMap((chunk) =>
      (chunk.choices[0]?.delta.tool_calls ?? []).filter((delta) => delta.index === 0),
    );

    expect(weatherDeltas[0]).toStrictEqual({
      index: 0,
      id: 'call_weather',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(weatherDeltas.slice(1).map((delta) => delta.function?.arguments)).toStrictEqual([
      '{"city":"',
      'Paris","d',
      'ays":3}',
    ]);
  });

  it('sends no usage in an openai stream that did not ask for it', async () => {
    const result = await streamOpenAi({ ...openaiRequest, stream: true }, withStep(step));

    expect(result.chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    expect(result.chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it("streams tool calls the openai SDK's own stream helper assembles", async () => {
    const completion = await openai.chat.completions
      .stream({ ...openaiRequest, stream: true }, withStep(step))
      .finalChatCompletion();
    const choice = completion.choices[0];

    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBe('Let me check both.');
    expect(choice?.message.tool_calls).toStrictEqual([
      {
        id: 'call_weather',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","days":3}' },
      },
      { id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
  });

  it('answers tool calls as JSON to the openai SDK', async () => {
    const completion = await openai.chat.completions.create(
      openaiRequest,
      withStep({ kind: 'tool-call', calls }),
    );
    const choice = completion.choices[0];

    expect(completion.model).toBe('gpt-4.1-mini');
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(
      choice?.message.tool_calls?.map((call) =>
        call.type === 'function'
          ? {
              id: call.id,
              name: call.function.name,
              arguments: JSON.parse(call.function.arguments),
            }
          : call,
      ),
    ).toStrictEqual(calls);
  });

  it('streams tool_use blocks the anthropic SDK assembles into the final message', async () => {
    const message = await anthropic.messages
      .stream({ ...anthropicRequest, stream: true }, withStep(step))
      .finalMessage();

    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toStrictEqual([
      { type: 'text', text: 'Let me check both.' },
      { type: 'tool_use', id: 'call_weather', name: 'get_weather', input: calls[0]?.arguments },
      { type: 'tool_use', id: 'call_time', name: 'get_time', input: {} },
    ]);
    expect(message.usage.output_tokens).toBeGreaterThan(1);
  });

  it('answers tool_use blocks as JSON to the anthropic SDK', async () => {
    const message = await anthropic.messages.create(
      anthropicRequest,
      withStep({ kind: 'tool-call', calls }),
    );

    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toStrictEqual([
      { type: 'tool_use', id: 'call_weather', name: 'get_weather', input: calls[0]?.arguments },
      { type: 'tool_use', id: 'call_time', name: 'get_time', input: {} },
    ]);
  });

  it('names the recorded model when the request names none', async () => {
    const response = await fetch(`${sim.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-tools', 'x-sim-script': JSON.stringify(step) },
      body: '{}',
    });

    expect(await response.json()).toMatchObject({ model: 'claude-sonnet-4-5-20250929' });
  });

  it('answers the tool-call step scripted for a key once, then the recorded text', async () => {
    sim.script('sk-tools-queued', { kind: 'tool-call', calls: calls.slice(1) });
    const client = new OpenAI({
      apiKey: 'sk-tools-queued',
      baseURL: sim.openaiBaseUrl,
      maxRetries: 0,
    });

    const first = await client.chat.completions.create(openaiRequest);
    const second = await client.chat.completions.create(openaiRequest);

    expect(first.choices[0]?.message.tool_calls?.map((call) => call.id)).toEqual(['call_time']);
    expect(second.choices[0]?.message.content).toBe(
      recordedText('openai-chat-text', { stream: false }),
    );
  });

  it('waits latencyMs before the headers and chunkDelayMs between events', async () => {
    const started = performance.now();
    const stream = anthropic.messages.stream(
      { ...anthropicRequest, stream: true },
      withStep({ ...step, latencyMs: 100, chunkDelayMs: 20 }),
    );
    const eventTimes: number[] = [];
    stream.on('streamEvent', () => eventTimes.push(performance.now()));
    await stream.finalMessage();

    const firstEvent = eventTimes[0] ?? 0;
    const lastEvent = eventTimes.at(-1) ?? 0;
    expect(firstEvent - started).toBeGreaterThanOrEqual(95);
    // 18 events (a text block, two tool_use blocks and a ping the SDK does not surface)
    // with 17 gaps of 20 ms between message_start and message_stop.
    expect(eventTimes).toHaveLength(17);
    expect(lastEvent - firstEvent).toBeGreaterThanOrEqual(17 * 20 - 5);
  });
});
