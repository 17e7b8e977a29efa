import { z } from 'zod';
import { calculate } from './calculator.js';
import type { Config } from '../config-schema.js';
import { createFetchUrlTool } from './fetch-url-tool.js';
import type { Tool } from './tool.js';
import { ToolRegistry } from './tool-registry.js';
import { UrlAllowList } from './url-allow-list.js';

/** `current_time`: the time now, in UTC or an IANA time zone. */
export const currentTimeTool: Tool<{ timeZone?: string | undefined }> = {
  name: 'current_time',
  description: 'The current date and time, in UTC or in the given IANA time zone.',
  input: z.strictObject({
    timeZone: z.string().min(1).max(64).optional().describe('e.g. "Europe/Paris"; default UTC'),
  }),
  timeoutMs: 1_000,
  run: async ({ timeZone }) => {
    const now = new Date();
    const zone = timeZone ?? 'UTC';
    // Throws a RangeError naming the zone when it does not exist; the model reads it.
    const local = now.toLocaleString('en-GB', { timeZone: zone, hour12: false });
    return `${local} (${zone}); ISO ${now.toISOString()}`;
  },
};

/** `calculator`: arithmetic on numbers, evaluated without running any code. */
export const calculatorTool: Tool<{ expression: string }> = {
  name: 'calculator',
  description: 'Evaluates an arithmetic expression with + - * / % ^ and parentheses.',
  input: z.strictObject({ expression: z.string().min(1).max(1_000) }),
  timeoutMs: 1_000,
  run: async ({ expression }) => String(calculate(expression)),
};

/**
 * The registry of built-in tools: `current_time` and `calculator` always, and `fetch_url`
 * when its allow list has at least one entry.
 */
export function builtInTools(config: Config['tools']): ToolRegistry {
  const tools = new ToolRegistry().register(currentTimeTool).register(calculatorTool);
  const { allow, timeout_ms: timeoutMs, max_bytes: maxBytes } = config.fetch_url;
  if (allow.length > 0) {
    tools.register(createFetchUrlTool({ allowList: new UrlAllowList(allow), timeoutMs, maxBytes }));
  }
  return tools;
}
