import type { ToolCall, ToolDefinition } from '@clawgate/providers-core';
import { z } from 'zod';
import type { Tool } from './tool.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest tool result handed back to the model; longer ones are cut and say so. */
const MAX_RESULT_CHARS = 20_000;

/** The outcome of one tool call, as the model will read it. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

/**
 * The tools a turn may use. Calls are validated against each tool's schema and time out; a
 * failure of any kind becomes an error result for the model, never an error of the turn.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  /** @throws RangeError for a name providers would refuse, or one already registered */
  register<Input>(tool: Tool<Input>): this {
    if (!TOOL_NAME.test(tool.name)) {
      throw new RangeError(`tool name must match ${TOOL_NAME}, got ${JSON.stringify(tool.name)}`);
    }
    if (this.tools.has(tool.name)) throw new RangeError(`tool ${tool.name} is already registered`);
    this.tools.set(tool.name, tool as Tool);
    return this;
  }

  get size(): number {
    return this.tools.size;
  }

  /** The tools as the model sees them, with JSON Schemas made from their zod schemas. */
  definitions(): ToolDefinition[] {
    return [...this.tools.values()].map((tool) => {
      const { $schema: _schema, ...parameters } = z.toJSONSchema(tool.input) as Record<
        string,
        unknown
      >;
      return { name: tool.name, description: tool.description, parameters };
    });
  }

  /** Runs one call of the model's. Failures become error results; only the run's own abort throws. */
  async execute(call: ToolCall, runSignal: AbortSignal): Promise<ToolResult> {
    const tool = this.tools.get(call.name);
    if (!tool) return failure(`there is no tool named ${JSON.stringify(call.name)}`);

    let raw: unknown;
    try {
      raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch {
      return failure('the arguments are not valid JSON');
    }
    const parsed = tool.input.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`,
      );
      return failure(`invalid arguments: ${issues.join('; ')}`);
    }

    const timeoutMs = tool.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.any([runSignal, AbortSignal.timeout(timeoutMs)]);
    try {
      const content = await abortable(tool.run(parsed.data, { signal }), signal);
      return {
        content:
          content.length > MAX_RESULT_CHARS
            ? `${content.slice(0, MAX_RESULT_CHARS)}\n[cut at ${MAX_RESULT_CHARS} characters]`
            : content,
        isError: false,
      };
    } catch (error) {
      if (runSignal.aborted) throw error;
      if (signal.aborted) return failure(`the tool did not finish within ${timeoutMs} ms`);
      return failure(error instanceof Error ? error.message : 'the tool failed');
    }
  }
}

function failure(message: string): ToolResult {
  return { content: `error: ${message}`, isError: true };
}

/** Settles with `work`, or rejects as soon as `signal` aborts, even if `work` ignores it. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
