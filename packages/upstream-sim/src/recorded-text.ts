import { loadRecordedFixture, type FixtureName } from './recorded-fixture.js';

/** Which recording to read: the streamed chunks (default) or the non-streaming JSON. */
export interface RecordedOptions {
  /** `true` (default): what a streaming request receives; `false`: the JSON answer. */
  readonly stream?: boolean;
}

/** A tool call as a fixture carries it, with its arguments parsed. */
export interface RecordedToolCall {
  readonly id: string;
  readonly name: string;
  /** Parsed arguments (`{}` when the recording sent none). */
  readonly input: unknown;
}

interface AnswerSummary {
  readonly text: string;
  readonly toolCalls: readonly RecordedToolCall[];
}

type JsonObject = Record<string, unknown>;

/**
 * The full assistant text of a recorded fixture: the concatenation of its text deltas
 * (streamed) or of its text content (JSON), so tests can compare what a client assembled.
 */
export function recordedText(fixture: FixtureName, options: RecordedOptions = {}): string {
  return summarize(fixture, options).text;
}

/** The tool calls of a recorded fixture, in order (empty when it has none). */
export function recordedToolCalls(
  fixture: FixtureName,
  options: RecordedOptions = {},
): readonly RecordedToolCall[] {
  return summarize(fixture, options).toolCalls;
}

function summarize(name: FixtureName, options: RecordedOptions): AnswerSummary {
  const fixture = loadRecordedFixture(name);
  const streamed = options.stream ?? true;

  if (!streamed) {
    const answer = asObject(JSON.parse(fixture.json));
    return fixture.api === 'openai' ? summarizeOpenAiJson(answer) : summarizeAnthropicJson(answer);
  }

  const events = fixture.chunks.map((chunk) => asObject(JSON.parse(chunk)));
  return fixture.api === 'openai'
    ? summarizeOpenAiChunks(events)
    : summarizeAnthropicEvents(events);
}

function summarizeOpenAiChunks(chunks: readonly JsonObject[]): AnswerSummary {
  let text = '';
  const calls = new Map<number, { id: string; name: string; argumentsJson: string }>();

  for (const chunk of chunks) {
    const choice = asObject(asArray(chunk['choices'])[0]);
    const delta = asObject(choice['delta']);
    text += asString(delta['content']);

    for (const item of asArray(delta['tool_calls'])) {
      const toolCall = asObject(item);
      const index = typeof toolCall['index'] === 'number' ? toolCall['index'] : 0;
      const call = calls.get(index) ?? { id: '', name: '', argumentsJson: '' };
      const fn = asObject(toolCall['function']);
      call.id += asString(toolCall['id']);
      call.name += asString(fn['name']);
      call.argumentsJson += asString(fn['arguments']);
      calls.set(index, call);
    }
  }

  const toolCalls = [...calls.entries()]
    .sort(([left], [right]) => left - right)
    .map(([, call]) => ({
      id: call.id,
      name: call.name,
      input: parseArguments(call.argumentsJson),
    }));
  return { text, toolCalls };
}

function summarizeOpenAiJson(answer: JsonObject): AnswerSummary {
  const message = asObject(asObject(asArray(answer['choices'])[0])['message']);
  const toolCalls = asArray(message['tool_calls']).map((item) => {
    const toolCall = asObject(item);
    const fn = asObject(toolCall['function']);
    return {
      id: asString(toolCall['id']),
      name: asString(fn['name']),
      input: parseArguments(asString(fn['arguments'])),
    };
  });
  return { text: asString(message['content']), toolCalls };
}

function summarizeAnthropicEvents(events: readonly JsonObject[]): AnswerSummary {
  let text = '';
  const blocks = new Map<number, { id: string; name: string; start: unknown; json: string }>();

  for (const event of events) {
    const index = typeof event['index'] === 'number' ? event['index'] : 0;
    if (event['type'] === 'content_block_start') {
      const block = asObject(event['content_block']);
      if (block['type'] === 'tool_use') {
        const start = { id: asString(block['id']), name: asString(block['name']) };
        blocks.set(index, { ...start, start: block['input'] ?? {}, json: '' });
      }
    }
    if (event['type'] === 'content_block_delta') {
      const delta = asObject(event['delta']);
      if (delta['type'] === 'text_delta') text += asString(delta['text']);
      const block = blocks.get(index);
      if (delta['type'] === 'input_json_delta' && block !== undefined) {
        block.json += asString(delta['partial_json']);
      }
    }
  }

  const toolCalls = [...blocks.entries()]
    .sort(([left], [right]) => left - right)
    .map(([, block]) => ({
      id: block.id,
      name: block.name,
      input: block.json === '' ? block.start : JSON.parse(block.json),
    }));
  return { text, toolCalls };
}

function summarizeAnthropicJson(answer: JsonObject): AnswerSummary {
  let text = '';
  const toolCalls: RecordedToolCall[] = [];

  for (const item of asArray(answer['content'])) {
    const block = asObject(item);
    if (block['type'] === 'text') text += asString(block['text']);
    if (block['type'] === 'tool_use') {
      toolCalls.push({
        id: asString(block['id']),
        name: asString(block['name']),
        input: block['input'] ?? {},
      });
    }
  }
  return { text, toolCalls };
}

function parseArguments(argumentsJson: string): unknown {
  return argumentsJson === '' ? {} : JSON.parse(argumentsJson);
}

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : {};
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
