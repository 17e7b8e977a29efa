import Anthropic from '@anthropic-ai/sdk';
import type {
  ChatCallOptions,
  ChatProvider,
  ChatRequest,
  Classifier,
  StreamEvent,
} from '@clawgate/providers-core';
import { toAnthropicProviderError } from './error-mapping.js';
import { toAnthropicRequest } from './request-mapping.js';
import { mapAnthropicStream } from './stream-mapping.js';

/** Options for `AnthropicProvider`. */
export interface AnthropicProviderOptions {
  apiKey: string;
  /** Default: the SDK's (the Anthropic API). */
  baseURL?: string;
  /** Time the SDK waits for the response to start, in ms. Default 60 000. */
  requestTimeoutMs?: number;
  /** Rules in front of the built-in classification. */
  classifier?: Classifier;
}

/**
 * A `ChatProvider` over the official `@anthropic-ai/sdk`, streaming the Messages API. The
 * SDK's own retries are off: the pool is the only retry loop.
 */
export class AnthropicProvider implements ChatProvider {
  readonly kind = 'anthropic';
  private readonly client: Anthropic;
  private readonly apiKey: string;
  private readonly classifier: Classifier | undefined;

  constructor(options: AnthropicProviderOptions) {
    this.apiKey = options.apiKey;
    this.classifier = options.classifier;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      maxRetries: 0,
      timeout: options.requestTimeoutMs ?? 60_000,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    });
  }

  async *stream(request: ChatRequest, options: ChatCallOptions): AsyncGenerator<StreamEvent> {
    const { signal } = options;
    try {
      const events = await this.client.messages.create(toAnthropicRequest(request), { signal });
      yield* mapAnthropicStream(events);
    } catch (thrown) {
      throw toAnthropicProviderError(thrown, {
        signal,
        apiKey: this.apiKey,
        ...(this.classifier ? { classifier: this.classifier } : {}),
      });
    }
  }
}
