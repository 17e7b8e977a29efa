/** A tool call requested by the model. `arguments` is the JSON text the model produced. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One message of a conversation, in a provider-neutral shape. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A tool the model may call. `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** What one chat call asks of a provider. */
export interface ChatRequest {
  /** The model to call; the pool fills it in from the profile. */
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  /** Upper bound on generated tokens. Default: the adapter's own (4096 where one is required). */
  maxOutputTokens?: number;
  temperature?: number;
}

/** Token counts reported by the provider. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** Why the model stopped, normalised across providers. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

/**
 * One event of a streamed chat call. `text-delta` and `tool-call` are content; `metadata`
 * carries ids and model names only and never counts as content for failover purposes.
 */
export type StreamEvent =
  | { type: 'metadata'; responseId?: string; model?: string }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage };

/** Options for one provider call. */
export interface ChatCallOptions {
  /** Aborting it stops the upstream request at once. */
  signal: AbortSignal;
}

/**
 * The contract every adapter implements: one streaming chat call. Every failure is thrown as a
 * `ProviderError` (see `provider-error.ts`), including failures reported inside the stream.
 */
export interface ChatProvider {
  /** Provider kind, e.g. `'openai'`, `'anthropic'`. */
  readonly kind: string;
  stream(request: ChatRequest, options: ChatCallOptions): AsyncIterable<StreamEvent>;
}
