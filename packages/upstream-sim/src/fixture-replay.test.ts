import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadRecordedFixture } from './recorded-fixture.js';
import { recordedText, recordedToolCalls } from './recorded-text.js';
import type { SimStep } from './sim-step.js';
import { UpstreamSimulator } from './upstream-simulator.js';

const openaiRequest = {
  model: 'gpt-4.1-nano',
  messages: [{ role: 'user' as const, content: 'Invent a holiday.' }],
};
const anthropicRequest = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Hello, how are you?' }],
};

let sim: UpstreamSimulator;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  sim = await UpstreamSimulator.start();
  openai = new OpenAI({ apiKey: 'sk-replay', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({
    apiKey: 'sk-ant-replay',
    baseURL: sim.anthropicBaseUrl,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await sim.close();
});

function withStep(step: SimStep): { headers: Record<string, string> } {
  return { headers: { 'x-sim-script': JSON.stringify(step) } };
}

async function rawSse(path: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ stream: true }),
  });
  return response.text();
}

describe('replayFixture', () => {
  it('streams openai-chat-text to the openai SDK with exactly the recorded text', async () => {
    const stream = await openai.chat.completions.create({
      ...openaiRequest,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let totalTokens: number | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      totalTokens = chunk.usage?.total_tokens ?? totalTokens;
    }

    expect(text).toBe(recordedText('openai-chat-text'));
    expect(chunks).toBe(loadRecordedFixture('openai-chat-text').chunks.length);
    expect(totalTokens).toBe(316);
  });

  it('answers openai-chat-text as JSON to the openai SDK', async () => {
    const completion = await openai.chat.completions.create(openaiRequest);

    expect(completion.id).toBe('chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
    expect(completion.choices[0]?.message.content).toBe(
      recordedText('openai-chat-text', { stream: false }),
    );
  });

  it('streams anthropic-text to the Anthropic SDK with exactly the recorded text', async () => {
    const stream = await anthropic.messages.create({ ...anthropicRequest, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        text += event.delta.text;
      }
    }

    expect(text).toBe(recordedText('anthropic-text'));
    expect(types.at(0)).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
  });

  it('answers anthropic-text as JSON to the Anthropic SDK', async () => {
    const message = await anthropic.messages.create(anthropicRequest);

    expect(message.id).toBe('msg_01VdEjxAP5ahtHKrrRdNBteQ');
    expect(message.content).toEqual([
      { type: 'text', text: recordedText('anthropic-text', { stream: false }) },
    ]);
  });

  it('streams anthropic-tool-use into a final message with the recorded tool call', async () => {
    const stream = anthropic.messages.stream(
      anthropicRequest,
      withStep({ kind: 'ok', fixture: 'anthropic-tool-use' }),
    );
    const message = await stream.finalMessage();

    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: recordedText('anthropic-tool-use') },
      { type: 'tool_use', ...recordedToolCalls('anthropic-tool-use')[0] },
    ]);
  });

  it('answers anthropic-tool-use as JSON with the recorded tool call', async () => {
    const message = await anthropic.messages.create(
      anthropicRequest,
      withStep({ kind: 'ok', fixture: 'anthropic-tool-use' }),
    );
    const toolUse = message.content.filter((block) => block.type === 'tool_use');

    expect(toolUse.map(({ id, name, input }) => ({ id, name, input }))).toEqual(
      recordedToolCalls('anthropic-tool-use', { stream: false }),
    );
  });

  it('cuts a stream cleanly after N events, without [DONE] or message_stop', async () => {
    const stream = await openai.chat.completions.create(
      { ...openaiRequest, stream: true },
      withStep({ kind: 'cut', afterEvents: 3 }),
    );
    let chunks = 0;
    for await (const chunk of stream) chunks += chunk.object === 'chat.completion.chunk' ? 1 : 0;
    const openaiBody = await rawSse('/v1/chat/completions', {
      authorization: 'Bearer sk-raw',
      'x-sim-script': JSON.stringify({ kind: 'cut', afterEvents: 3 }),
    });
    const anthropicBody = await rawSse('/v1/messages', {
      'x-api-key': 'sk-ant-raw',
      'x-sim-script': JSON.stringify({ kind: 'cut', afterEvents: 4 }),
    });

    expect(chunks).toBe(3);
    expect(openaiBody.match(/^data: /gm)).toHaveLength(3);
    expect(openaiBody).not.toContain('[DONE]');
    expect(anthropicBody.match(/^event: /gm)).toHaveLength(4);
    expect(anthropicBody).not.toContain('message_stop');
  });

  it('frames Anthropic events with their type and ends OpenAI streams with [DONE]', async () => {
    const anthropicBody = await rawSse('/v1/messages', { 'x-api-key': 'sk-ant-raw' });
    const openaiBody = await rawSse('/v1/chat/completions', { authorization: 'Bearer sk-raw' });
    const firstChunk = loadRecordedFixture('anthropic-text').chunks[0];

    expect(anthropicBody.startsWith(`event: message_start\ndata: ${firstChunk}\n\n`)).toBe(true);
    expect(anthropicBody.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(
      true,
    );
    expect(openaiBody.endsWith('}\n\ndata: [DONE]\n\n')).toBe(true);
  });

  it('resets the connection after N events', async () => {
    const stream = await anthropic.messages.create(
      { ...anthropicRequest, stream: true },
      withStep({ kind: 'reset', afterEvents: 4 }),
    );
    const types: string[] = [];
    const iterate = async (): Promise<void> => {
      for await (const event of stream) types.push(event.type);
    };

    // A reset that lands after the client has read the buffered events can surface as the
    // socket closing under the reader rather than as ECONNRESET; both mean the peer is gone.
    await expect(iterate()).rejects.toMatchObject({
      cause: { code: expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/) },
    });
    // The recorded third event is a ping, which the SDK swallows.
    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  it('stalls after N events when a hang names afterEvents', async () => {
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { ...openaiRequest, stream: true },
      { ...withStep({ kind: 'hang', afterEvents: 2 }), signal: controller.signal },
    );
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += chunk.object === 'chat.completion.chunk' ? 1 : 0;
      if (chunks === 2) setTimeout(() => controller.abort(), 100);
    }

    expect(chunks).toBe(2);
  });

  it('waits chunkDelayMs between streamed events', async () => {
    const started = performance.now();
    const stream = await anthropic.messages.create(
      { ...anthropicRequest, stream: true },
      withStep({ kind: 'ok', chunkDelayMs: 20 }),
    );
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);

    expect(types.at(-1)).toBe('message_stop');
    const events = loadRecordedFixture('anthropic-text').chunks.length;
    expect(performance.now() - started).toBeGreaterThanOrEqual((events - 1) * 20 - 5);
  });

  it('sends half of the JSON body before a non-streaming cut', async () => {
    const request = anthropic.messages.create(
      anthropicRequest,
      withStep({ kind: 'cut', afterEvents: 0 }),
    );

    await expect(request).rejects.toThrow(SyntaxError);
  });
});
