/**
 * The wire format a request or fixture belongs to: OpenAI Chat Completions
 * (`POST /v1/chat/completions`) or Anthropic Messages (`POST /v1/messages`).
 */
export type WireApi = 'openai' | 'anthropic';
