import type { ScriptedToolCall } from './sim-step.js';

/** A rough token count of `text`: one token per four characters, and at least one. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A rough count of the tokens a model spends on `text` and on naming and filling `calls`. */
export function estimateToolTurnTokens(
  text: string | undefined,
  calls: readonly ScriptedToolCall[],
): number {
  const callTexts = calls.map((call) => call.name + JSON.stringify(call.arguments));
  return estimateTokens((text ?? '') + callTexts.join(''));
}
