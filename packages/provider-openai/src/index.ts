export { OpenAIProvider, type OpenAIProviderOptions } from './openai-provider.js';
export { toOpenAIMessage, toOpenAIRequest } from './request-mapping.js';
export { mapOpenAIStream } from './stream-mapping.js';
export { openAIErrorFacts, toOpenAIProviderError } from './error-mapping.js';
