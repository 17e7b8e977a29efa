import type { ChatMessage } from '@clawgate/providers-core';

/** The result recorded for a tool call whose turn ended before the tool did. */
export const MISSING_TOOL_RESULT = 'No result: the turn ended before this tool finished.';

/**
 * Makes a stored history safe to send to any upstream. Steps are stored as they happen, so a
 * turn that was aborted or interrupted can leave an assistant message whose tool calls have
 * no results. Both OpenAI and Anthropic refuse such a history, and refuse a tool result that
 * does not answer a call of the assistant message before it. So each call without a result
 * gets {@link MISSING_TOOL_RESULT} right after the results it has, and a result that answers
 * no call is left out. An assistant message with neither text nor tool calls (a model that
 * answered nothing) is left out too: Anthropic refuses empty messages; and so is anything
 * before the first user message, since a conversation must open with one. Everything else
 * is returned as it is, in order.
 */
export function repairHistory(messages: readonly ChatMessage[]): ChatMessage[] {
  const repaired: ChatMessage[] = [];
  // Calls of the latest assistant message that have no result yet, in call order.
  let open: string[] = [];
  const closeOpenCalls = (): void => {
    for (const toolCallId of open) {
      repaired.push({ role: 'tool', toolCallId, content: MISSING_TOOL_RESULT });
    }
    open = [];
  };

  const firstUser = messages.findIndex((message) => message.role === 'user');
  const opening = messages.filter(
    (message, index) => message.role === 'system' && index < firstUser,
  );
  const rest = firstUser === -1 ? [] : messages.slice(firstUser);
  repaired.push(...opening);
  for (const message of rest) {
    if (message.role === 'tool') {
      const index = open.indexOf(message.toolCallId);
      if (index === -1) continue;
      open.splice(index, 1);
      repaired.push(message);
      continue;
    }
    closeOpenCalls();
    if (message.role === 'assistant' && message.content === '' && !message.toolCalls?.length) {
      continue;
    }
    repaired.push(message);
    if (message.role === 'assistant' && message.toolCalls) {
      open = message.toolCalls.map((call) => call.id);
    }
  }
  closeOpenCalls();
  return repaired;
}
