import type { ChatMessage, PoolRequest } from '@clawgate/providers-core';

/** Tokens kept free for the answer when the request sets no `maxOutputTokens`. */
export const DEFAULT_OUTPUT_RESERVE_TOKENS = 4096;

/** Fixed cost counted for each message on top of its text (role and framing). */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** What {@link fitContextWindow} sent, and how many older messages it left out. */
export interface FittedRequest {
  request: PoolRequest;
  droppedMessages: number;
}

/**
 * Estimated tokens of a text: one per four characters, rounded up. No tokenizer covers
 * every model a pool may hold; four characters per token is the usual English average, so
 * the estimate errs towards sending less.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Estimated tokens of one message: its text, its tool calls and a fixed overhead. */
export function estimateMessageTokens(message: ChatMessage): number {
  const toolCalls =
    message.role === 'assistant' && message.toolCalls !== undefined
      ? estimateTokens(JSON.stringify(message.toolCalls))
      : 0;
  const toolCallId = message.role === 'tool' ? estimateTokens(message.toolCallId) : 0;
  return MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content) + toolCalls + toolCallId;
}

/** The note that replaces what was left out, so the model knows the history is partial. */
export function omissionNote(droppedMessages: number): ChatMessage {
  return {
    role: 'system',
    content:
      `${droppedMessages} earlier messages of this conversation were left out ` +
      "to fit the model's context window.",
  };
}

/**
 * Fits a request into a context window of `contextWindow` tokens, by this rule:
 *
 * - The budget is the window minus the tokens kept for the answer: `maxOutputTokens`, or
 *   4096, but never more than half the window. Tool definitions count against it.
 * - System messages and the current exchange (the last user message and everything after
 *   it: tool calls, tool results) are always kept.
 * - Earlier exchanges (a user message and what followed it) are left out whole, oldest
 *   first, until the rest fits; a note saying how many messages were left out takes their
 *   place. No message is ever cut, and a tool result never loses its tool call.
 * - If the current exchange does not fit even alone, it is sent alone (with the system
 *   messages and the note): the estimate may be high, and if it is not, the upstream
 *   answers `context_overflow`, which moves the call to a profile with a larger window.
 *
 * Without a window, the request is returned unchanged.
 */
export function fitContextWindow(
  request: PoolRequest,
  contextWindow: number | undefined,
): FittedRequest {
  if (contextWindow === undefined) return { request, droppedMessages: 0 };

  const outputReserve = Math.min(
    request.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVE_TOKENS,
    Math.floor(contextWindow / 2),
  );
  const toolTokens = request.tools ? estimateTokens(JSON.stringify(request.tools)) : 0;
  const budget = contextWindow - outputReserve - toolTokens;
  const total = (messages: readonly ChatMessage[]): number =>
    messages.reduce((sum, message) => sum + estimateMessageTokens(message), 0);
  // Each message is counted once; dropping an exchange subtracts it, so this stays linear.
  let keptTokens = total(request.messages);
  if (keptTokens <= budget) return { request, droppedMessages: 0 };

  const system = request.messages.filter((message) => message.role === 'system');
  const exchanges = splitIntoExchanges(
    request.messages.filter((message) => message.role !== 'system'),
  );
  const current = exchanges.pop() ?? [];
  const exchangeTokens = exchanges.map(total);
  let first = 0;
  let droppedMessages = 0;
  const noteTokens = (): number =>
    droppedMessages > 0 ? estimateMessageTokens(omissionNote(droppedMessages)) : 0;
  while (first < exchanges.length && keptTokens + noteTokens() > budget) {
    keptTokens -= exchangeTokens[first] ?? 0;
    droppedMessages += exchanges[first]?.length ?? 0;
    first += 1;
  }
  const messages: ChatMessage[] = [
    ...system,
    ...(droppedMessages > 0 ? [omissionNote(droppedMessages)] : []),
    ...exchanges.slice(first).flat(),
    ...current,
  ];
  return { request: { ...request, messages }, droppedMessages };
}

/**
 * Splits messages into exchanges, each starting at a user message. Messages before the
 * first user message form an exchange of their own.
 */
function splitIntoExchanges(messages: readonly ChatMessage[]): ChatMessage[][] {
  const exchanges: ChatMessage[][] = [];
  for (const message of messages) {
    const last = exchanges.at(-1);
    if (message.role === 'user' || last === undefined) exchanges.push([message]);
    else last.push(message);
  }
  return exchanges;
}
