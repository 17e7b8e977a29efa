import type {
  ChatCallOptions,
  ChatProvider,
  ChatRequest,
  Classifier,
  StreamEvent,
} from '@clawgate/providers-core';
import OpenAI from 'openai';
import { toOpenAIProviderError } from './error-mapping.js';
import { toOpenAIRequest } from './request-mapping.js';
import { mapOpenAIStream } from './stream-mapping.js';

/** Options for `OpenAIProvider`. */
export interface OpenAIProviderOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint. Default: the SDK's (the OpenAI API). */
  baseURL?: string;
  organization?: string;
  /** Time the SDK waits for the response to start, in ms. Default 60 000. */
  requestTimeoutMs?: number;
  /** Rules in front of the built-in classification. */
  classifier?: Classifier;
  /** Provider kind reported to the pool. Default `'openai'`. */
  kind?: string;
}

/**
 * A `ChatProvider` over the official `openai` SDK, streaming Chat Completions. The SDK's own
 * retries are off: the pool is the only retry loop.
 */
export class OpenAIProvider implements ChatProvider {
  readonly kind: string;
  private readonly client: OpenAI;
  private readonly apiKey: string;
  private readonly classifier: Classifier | undefined;

  constructor(options: OpenAIProviderOptions) {
    this.kind = options.kind ?? 'openai';
    this.apiKey = options.apiKey;
    this.classifier = options.classifier;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      maxRetries: 0,
      timeout: options.requestTimeoutMs ?? 60_000,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      ...(options.organization ? { organization: options.organization } : {}),
    });
  }

  async *stream(request: ChatRequest, options: ChatCallOptions): AsyncGenerator<StreamEvent> {
    const { signal } = options;
    try {
      const chunks = await this.client.chat.completions.create(toOpenAIRequest(request), {
        signal,
      });
      yield* mapOpenAIStream(chunks);
    } catch (thrown) {
      throw toOpenAIProviderError(thrown, {
        signal,
        apiKey: this.apiKey,
        ...(this.classifier ? { classifier: this.classifier } : {}),
      });
    }
  }
}
