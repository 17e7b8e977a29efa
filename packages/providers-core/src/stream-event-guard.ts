import type { StreamEvent } from './chat.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const isCount = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** Whether a value a provider yielded is a well-formed `StreamEvent`. */
export function isStreamEvent(value: unknown): value is StreamEvent {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'metadata':
      return true;
    case 'text-delta':
      return typeof value.text === 'string';
    case 'tool-call': {
      const call = value.toolCall;
      return (
        isRecord(call) &&
        typeof call.id === 'string' &&
        typeof call.name === 'string' &&
        typeof call.arguments === 'string'
      );
    }
    case 'finish':
      return (
        typeof value.finishReason === 'string' &&
        isRecord(value.usage) &&
        isCount(value.usage.inputTokens) &&
        isCount(value.usage.outputTokens)
      );
    default:
      return false;
  }
}
