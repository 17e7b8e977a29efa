import type { Gateway } from '@clawgate/gateway';
import { RpcError, methods } from '@clawgate/protocol';
import type { ProviderPool } from '@clawgate/providers-core';
import { randomUUID } from 'node:crypto';
import { IdempotencyConflict, type AgentRunner } from './agent-runner.js';
import { SERVER_VERSION } from './version.js';

const startedAtMs = Date.now();
const DEFAULT_WAIT_MS = 30_000;
const MAX_WAIT_MS = 600_000;

/** Registers the server's methods on the gateway. */
export function registerMethods(options: {
  gateway: Gateway;
  pool: ProviderPool;
  runner: AgentRunner;
}): void {
  const { gateway, pool, runner } = options;

  gateway.method('health', {
    params: methods.health.params,
    handler: async () => ({
      ok: true as const,
      version: SERVER_VERSION,
      uptimeMs: Date.now() - startedAtMs,
    }),
  });

  gateway.method('status', {
    params: methods.status.params,
    handler: async () => {
      const profiles = pool.snapshot();
      return {
        version: SERVER_VERSION,
        uptimeMs: Date.now() - startedAtMs,
        connections: gateway.connectionCount,
        sessions: gateway.sessionCount,
        runningRuns: runner.runningCount,
        profiles: {
          total: profiles.length,
          usable: profiles.filter((profile) => profile.state === 'ok').length,
        },
        shuttingDown: gateway.draining,
      };
    },
  });

  gateway.method('agent', {
    params: methods.agent.params,
    handler: async (params, context) => {
      if (gateway.draining) {
        throw RpcError.server('SHUTTING_DOWN', 'The server is shutting down; try again shortly');
      }
      if (params.model !== undefined) {
        const served = new Set(pool.snapshot().map((profile) => profile.model));
        if (!served.has(params.model)) {
          throw RpcError.server(
            'NOT_FOUND',
            `no profile serves model "${params.model}"; configured models: ${[...served].join(', ')}`,
          );
        }
      }
      // The client learns the runId from the response, so the run's events must follow it.
      const replied = new Promise<void>((resolve) => context.afterReply(resolve));
      let started: { runId: string };
      try {
        started = runner.start({
          sessionKey: params.sessionKey ?? randomUUID(),
          ...(params.sessionKey === undefined ? {} : { requestedSessionKey: params.sessionKey }),
          message: params.message,
          ...(params.model === undefined ? {} : { model: params.model }),
          ...(params.idempotencyKey === undefined ? {} : { idempotencyKey: params.idempotencyKey }),
          owner: context.principal,
          sink: context.session,
          startAfter: replied,
        });
      } catch (error) {
        if (error instanceof IdempotencyConflict) throw RpcError.server('CONFLICT', error.message);
        throw error;
      }
      return { runId: started.runId, status: 'accepted' as const };
    },
  });

  gateway.method('agent.wait', {
    params: methods['agent.wait'].params,
    handler: async (params, context) => {
      const timeoutMs = Math.min(params.timeoutMs ?? DEFAULT_WAIT_MS, MAX_WAIT_MS);
      const result = await runner.wait(params.runId, context.principal, timeoutMs);
      if (!result) throw RpcError.server('NOT_FOUND', `no run ${params.runId}`);
      return result;
    },
  });

  gateway.method('agent.abort', {
    params: methods['agent.abort'].params,
    handler: async (params, context) => {
      // Another token's run is reported as missing, not as forbidden: its id says nothing.
      if (!runner.has(params.runId, context.principal)) {
        throw RpcError.server('NOT_FOUND', `no run ${params.runId}`);
      }
      return { runId: params.runId, aborted: runner.abort(params.runId, context.principal) };
    },
  });

  gateway.method('providers.status', {
    params: methods['providers.status'].params,
    handler: async () => ({ profiles: pool.snapshot() }),
  });
}
