export { AnthropicProvider, type AnthropicProviderOptions } from './anthropic-provider.js';
export {
  DEFAULT_MAX_OUTPUT_TOKENS,
  toAnthropicMessages,
  toAnthropicRequest,
} from './request-mapping.js';
export { mapAnthropicStream } from './stream-mapping.js';
export { anthropicErrorFacts, toAnthropicProviderError } from './error-mapping.js';
