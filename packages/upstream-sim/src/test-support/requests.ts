/**
 * Test support (not part of the built package): the minimal requests the simulator tests
 * send, and the per-request script header.
 */
import type { SimStep } from '../sim-step.js';

/** A minimal Chat Completions request. */
export const openaiRequest = {
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user' as const, content: 'Hi' }],
};

/** A minimal Messages request. */
export const anthropicRequest = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Hi' }],
};

/** SDK request options that script this one request with `step`. */
export function withStep(step: SimStep): { headers: Record<string, string> } {
  return { headers: { 'x-sim-script': JSON.stringify(step) } };
}
