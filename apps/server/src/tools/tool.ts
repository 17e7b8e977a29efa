import type { z } from 'zod';

/** What a running tool is given besides its input. */
export interface ToolContext {
  /** Aborted when the run is aborted or the tool's timeout passes. */
  signal: AbortSignal;
}

/** A tool the model may call. Its answer, or its error, goes back to the model as text. */
export interface Tool<Input = unknown> {
  /** 1-64 letters, digits, `_` or `-`: what both providers accept. */
  name: string;
  description: string;
  /** Validates the model's arguments; also the JSON Schema the model is shown. */
  input: z.ZodType<Input>;
  /** Longest a call may take, in ms. Default 10 000. */
  timeoutMs?: number;
  run(input: Input, context: ToolContext): Promise<string>;
}
