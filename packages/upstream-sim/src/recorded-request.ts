import type { WireApi } from './wire-api.js';

/** One request the simulator received on an API route, as it arrived. */
export interface RecordedRequest {
  readonly api: WireApi;
  /** The key it carried (`Authorization: Bearer` / `x-api-key`), or null when it had none. */
  readonly apiKey: string | null;
  /** URL path without the query, e.g. `/v1/messages`. */
  readonly path: string;
  /** The parsed JSON body, or null when the body was not valid JSON. */
  readonly body: unknown;
  /** Whether the body asked for a stream (`"stream": true`). */
  readonly stream: boolean;
  /** When the request arrived, in milliseconds since the Unix epoch. */
  readonly receivedAt: number;
}
