import type { ServerResponse } from 'node:http';

import type { WireApi } from './wire-api.js';

/** One API request being answered by the simulator. */
export interface Exchange {
  readonly api: WireApi;
  readonly response: ServerResponse;
  /** The request's body, parsed; undefined when it was not valid JSON. */
  readonly requestBody: unknown;
  /** Whether the request asked for a stream (`"stream": true` in its body). */
  readonly stream: boolean;
  /** The id sent back in `x-request-id` (OpenAI) or `request-id` (Anthropic). */
  readonly requestId: string;
  /** Aborts when the simulator closes or the client goes away; all waits honour it. */
  readonly signal: AbortSignal;
}
