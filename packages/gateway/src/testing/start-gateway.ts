import { healthParamsSchema, methods, RpcError } from '@clawgate/protocol';
import type { StandardSchema } from '../standard-schema.js';
import { Gateway } from '../gateway.js';
import type { GatewayEvent } from '../gateway-event.js';
import type { GatewayOptions } from '../gateway-options.js';

/** Params that are an object of integers from 0 to the given maximum each. */
function integers<Key extends string>(
  maximums: Record<Key, number>,
): StandardSchema<Record<Key, number>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'clawgate-test',
      validate: (value) => {
        const record = (typeof value === 'object' && value !== null ? value : {}) as Record<
          string,
          unknown
        >;
        for (const [key, maximum] of Object.entries<number>(maximums)) {
          const field = record[key];
          if (
            typeof field !== 'number' ||
            !Number.isInteger(field) ||
            field < 0 ||
            field > maximum
          ) {
            return { issues: [{ message: `expected an integer 0-${maximum}`, path: [key] }] };
          }
        }
        return { value: record as Record<Key, number> };
      },
    },
  };
}

const streamParamsSchema = integers({ count: 100_000, bytes: 1_000_000 });
const sleepParamsSchema = integers({ ms: 10_000 });

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
 * message as an event), `fail.internal`, `fail.rpc`, `test.stream` (emits `count` events of
 * `bytes` characters each after its response) and `test.sleep` registered.
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

  gateway.method('test.stream', {
    params: streamParamsSchema,
    handler: (params, context) => {
      // Emitted after the response and one per turn of the event loop, as a run's events
      // arrive from upstream.
      context.afterReply(() => {
        void (async () => {
          for (let index = 0; index < params.count; index += 1) {
            context.session.emit('test.chunk', { index, text: 'x'.repeat(params.bytes) });
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
      });
      return { count: params.count };
    },
  });
  gateway.method('test.sleep', {
    params: sleepParamsSchema,
    handler: async (params) => {
      await new Promise((resolve) => setTimeout(resolve, params.ms));
      return { slept: params.ms };
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
