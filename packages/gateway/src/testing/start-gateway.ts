import { healthParamsSchema, methods, RpcError } from '@clawgate/protocol';
import { Gateway } from '../gateway.js';
import type { GatewayEvent } from '../gateway-event.js';
import type { GatewayOptions } from '../gateway-options.js';

/** The token every test gateway uses. */
export const TEST_TOKEN = 'test-token-0123456789';

/** A running gateway for one test, with every event it reported. */
export interface RunningGateway {
  gateway: Gateway;
  port: number;
  url: string;
  events: GatewayEvent[];
  /** Headers that authenticate an upgrade. */
  authHeaders: Record<string, string>;
}

/**
 * Starts a gateway on 127.0.0.1 and a free port, with `health`, `agent` (echoes its
 * message as an event), `fail.internal` and `fail.rpc` registered.
 */
export async function startGateway(options: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const events: GatewayEvent[] = [];
  const gateway = new Gateway({
    host: '127.0.0.1',
    port: 0,
    token: TEST_TOKEN,
    version: '1.2.3',
    onEvent: (event) => events.push(event),
    ...options,
  });

  gateway.method('health', {
    params: healthParamsSchema,
    handler: () => ({ ok: true, version: gateway.version, uptimeMs: 0 }),
  });
  gateway.method('agent', {
    params: methods.agent.params,
    handler: (params, context) => {
      context.session.emit('agent.event', {
        type: 'delta',
        runId: 'run-1',
        sessionKey: params.sessionKey ?? 'main',
        text: params.message,
      });
      return { runId: 'run-1', status: 'accepted' };
    },
  });
  gateway.method('fail.internal', {
    params: healthParamsSchema,
    handler: () => {
      throw new Error('secret detail at /srv/app.js:42');
    },
  });
  gateway.method('fail.rpc', {
    params: healthParamsSchema,
    handler: () => {
      throw RpcError.server('NOT_FOUND', 'No such run', { runId: 'r-9' });
    },
  });

  const { port } = await gateway.listen();
  return {
    gateway,
    port,
    url: `ws://127.0.0.1:${port}`,
    events,
    authHeaders: { Authorization: `Bearer ${TEST_TOKEN}` },
  };
}

/** Resolves once `condition` holds, checking every 10 ms; rejects after 2 s. */
export async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Condition not met within 2000 ms');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
