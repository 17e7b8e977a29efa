import type { IncomingMessage, ServerResponse } from 'node:http';

import { parseJsonOrUndefined, readBodyText, sendBody } from './http-io.js';
import { parseSimStep } from './parse-sim-step.js';
import type { RecordedRequest } from './recorded-request.js';
import type { ScriptOptions } from './script-queues.js';
import type { SimStep } from './sim-step.js';

/** What the admin API drives: the simulator's own script and recording methods. */
export interface SimulatorControl {
  script(apiKey: string, steps: readonly SimStep[], options?: ScriptOptions): void;
  clearScripts(): void;
  clearRequests(): void;
  readonly requests: readonly RecordedRequest[];
  requestsFor(apiKey: string): readonly RecordedRequest[];
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * Serves the admin API under `/_sim/`, for a simulator running in its own process:
 *
 * - `POST /_sim/script` `{apiKey, steps, sticky?}` queues steps (one or an array) for a key
 *   and answers `{queued}`;
 * - `GET /_sim/requests[?apiKey=...]` answers `{requests}`;
 * - `POST /_sim/reset` drops every script and recorded request.
 *
 * Bad input answers 400 `{error: {message}}`; unknown admin paths answer 404.
 */
export async function handleAdminRequest(
  request: IncomingMessage,
  response: ServerResponse,
  control: SimulatorControl,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://upstream-sim.invalid');
  const route = `${request.method ?? 'GET'} ${url.pathname}`;

  try {
    if (route === 'POST /_sim/script') {
      const queued = scriptFromBody(parseJsonOrUndefined(await readBodyText(request)), control);
      sendBody(response, 200, JSON_HEADERS, { queued });
    } else if (route === 'GET /_sim/requests') {
      const apiKey = url.searchParams.get('apiKey');
      const requests = apiKey === null ? control.requests : control.requestsFor(apiKey);
      sendBody(response, 200, JSON_HEADERS, { requests });
    } else if (route === 'POST /_sim/reset') {
      control.clearScripts();
      control.clearRequests();
      sendBody(response, 200, JSON_HEADERS, { reset: true });
    } else {
      sendBody(response, 404, JSON_HEADERS, { error: { message: `no admin route ${route}` } });
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    sendBody(response, 400, JSON_HEADERS, { error: { message: error.message } });
  }
}

function scriptFromBody(body: unknown, control: SimulatorControl): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RangeError('admin script body must be a JSON object {apiKey, steps, sticky?}');
  }
  const apiKey: unknown = Reflect.get(body, 'apiKey');
  const steps: unknown = Reflect.get(body, 'steps');
  const sticky: unknown = Reflect.get(body, 'sticky');
  if (typeof apiKey !== 'string') {
    throw new RangeError("admin script field 'apiKey' must be a non-empty string");
  }
  if (sticky !== undefined && typeof sticky !== 'boolean') {
    throw new RangeError("admin script field 'sticky' must be a boolean when present");
  }

  if (Array.isArray(steps) && steps.length === 0) {
    throw new RangeError("admin script field 'steps' must hold at least one step");
  }
  const parsed = (Array.isArray(steps) ? steps : [steps]).map((step) => parseSimStep(step));
  control.script(apiKey, parsed, { sticky: sticky === true });
  return parsed.length;
}
