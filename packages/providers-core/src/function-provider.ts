import type {
  ChatCallOptions,
  ChatProvider,
  ChatRequest,
  FinishReason,
  StreamEvent,
  ToolCall,
  Usage,
} from './chat.js';
import type { Classifier } from './classifier.js';
import { collectErrorFacts } from './collect-error-facts.js';
import { toProviderError } from './to-provider-error.js';

/** The whole answer of one non-streaming call. */
export interface FunctionAnswer {
  text?: string;
  toolCalls?: ToolCall[];
  /** Default: zero tokens each way. */
  usage?: Usage;
  /** Default `'tool_calls'` when tool calls are present, else `'stop'`. */
  finishReason?: FinishReason;
}

/** Options for `functionProvider`. */
export interface FunctionProviderOptions {
  /** Provider kind reported in snapshots, e.g. `'my-http-api'`. */
  kind: string;
  /**
   * Makes one call. What it throws is classified from its shape: `status`, `headers`
   * (`retry-after`), a string `code` or `type`, socket codes in the `cause` chain, then text.
   */
  call: (request: ChatRequest, options: ChatCallOptions) => Promise<FunctionAnswer>;
  /** Rules in front of the built-in classification. */
  classifier?: Classifier;
  /** A credential the function uses, kept out of error messages. */
  secret?: string;
}

/**
 * Turns a plain async function into a `ChatProvider`, so any client code (no SDK needed) can
 * sit behind a pool. The answer is yielded as one text delta, its tool calls, and a finish.
 */
export function functionProvider(options: FunctionProviderOptions): ChatProvider {
  return {
    kind: options.kind,
    async *stream(request, callOptions): AsyncGenerator<StreamEvent> {
      let answer: FunctionAnswer;
      try {
        answer = await options.call(request, callOptions);
      } catch (thrown) {
        throw toProviderError(thrown, {
          signal: callOptions.signal,
          facts: collectErrorFacts,
          ...(options.secret === undefined ? {} : { secret: options.secret }),
          ...(options.classifier ? { classifier: options.classifier } : {}),
        });
      }

      if (answer.text) yield { type: 'text-delta', text: answer.text };
      for (const toolCall of answer.toolCalls ?? []) yield { type: 'tool-call', toolCall };
      const hasToolCalls = (answer.toolCalls ?? []).length > 0;
      yield {
        type: 'finish',
        finishReason: answer.finishReason ?? (hasToolCalls ? 'tool_calls' : 'stop'),
        usage: answer.usage ?? { inputTokens: 0, outputTokens: 0 },
      };
    },
  };
}
