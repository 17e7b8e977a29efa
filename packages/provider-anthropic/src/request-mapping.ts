import type { ChatMessage, ChatRequest, ToolDefinition } from '@clawgate/providers-core';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';

/** Output budget sent when the request names none; the Messages API requires one. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    // A model that produced broken JSON is answered with what it produced, not a crash.
    return { raw: text };
  }
}

/**
 * A tool call id in the form the Messages API accepts (`[a-zA-Z0-9_-]+`). Ids from OpenAI
 * (`call_...`) and Anthropic pass unchanged; another provider's id has each other character
 * replaced by `_`, the same way for the call and its result, so the pair still matches.
 */
export function toAnthropicToolId(id: string): string {
  const safe = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return safe === '' ? '_' : safe;
}

function assistantBlocks(
  message: Extract<ChatMessage, { role: 'assistant' }>,
): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  if (message.content) blocks.push({ type: 'text', text: message.content });
  for (const call of message.toolCalls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: toAnthropicToolId(call.id),
      name: call.name,
      input: parseArguments(call.arguments),
    });
  }
  return blocks;
}

/**
 * Maps neutral messages to the Messages API: system messages become the `system` parameter,
 * tool results become `tool_result` blocks of a user turn, and consecutive messages of the
 * same role are merged, as the API requires alternating roles.
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): {
  system: string | undefined;
  messages: MessageParam[];
} {
  const system: string[] = [];
  const mapped: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]): void => {
    const last = mapped[mapped.length - 1];
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else mapped.push({ role, content: blocks });
  };

  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        push('user', [{ type: 'text', text: message.content }]);
        break;
      case 'assistant':
        push('assistant', assistantBlocks(message));
        break;
      case 'tool':
        push('user', [
          {
            type: 'tool_result',
            tool_use_id: toAnthropicToolId(message.toolCallId),
            content: message.content,
          },
        ]);
        break;
    }
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: mapped };
}

function toAnthropicTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    input_schema: { type: 'object', ...tool.parameters },
  };
}

/** Builds the streaming Messages request for a neutral chat request. */
export function toAnthropicRequest(request: ChatRequest): MessageCreateParamsStreaming {
  const { system, messages } = toAnthropicMessages(request.messages);
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    messages,
    stream: true,
    ...(system ? { system } : {}),
    ...(request.tools?.length ? { tools: request.tools.map(toAnthropicTool) } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}
