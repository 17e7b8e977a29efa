import { Gateway, type GatewayEvent } from '@clawgate/gateway';
import { ProviderPool, type PoolEvent } from '@clawgate/providers-core';
import type { UpstreamSimulator } from '@clawgate/upstream-sim';
import { AgentRunner } from './agent-runner.js';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';
import { ConversationStore } from './store/conversation-store.js';
import { openDatabase } from './store/database.js';
import { RunStore } from './store/run-store.js';
import { SqliteHealthStore } from './store/sqlite-health-store.js';
import { MIN_TOKEN_LENGTH, type Config, type ProfileConfig } from './config-schema.js';
import { isLoopbackHost } from './is-loopback.js';
import { LogThrottle } from './log-throttle.js';
import { createLogger, type Logger } from './logger.js';
import { registerMethods } from './methods.js';
import { SessionsFeed } from './sessions-feed.js';
import { builtInTools } from './tools/built-in-tools.js';
import { createChannels } from './channels/create-channels.js';
import { secretRedactor } from './secret-redactor.js';
import { IdempotencyStore } from './store/idempotency-store.js';
import { relabelLegacyOwners } from './store/relabel-legacy-owners.js';
import { registerSessionsMethods } from './sessions-methods.js';
import { buildPoolProfiles } from './provider-registry.js';
import { profilesFromEnv } from './profiles-from-env.js';
import { resolveConfig } from './resolve-config.js';
import { startSimulatedProfiles } from './simulated-profiles.js';
import { ensureStoredToken, resolveStateDirectory } from './state-directory.js';
import { SERVER_VERSION } from './version.js';

/** Options for `startServer`; everything else comes from the configuration. */
export interface ServerOptions {
  configPath?: string;
  stateDirectory?: string;
  /** Overrides `gateway.host` / `gateway.port` (0 = a free port). */
  host?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logger?: Logger;
}

/** A running server. */
export interface RunningServer {
  /** `ws://host:port` of the gateway. */
  url: string;
  host: string;
  port: number;
  token: string;
  stateDirectory: string;
  pool: ProviderPool;
  /** The in-process simulator, when the server runs without provider keys. */
  simulator: UpstreamSimulator | undefined;
  /**
   * Shuts down gracefully: stops accepting, lets running turns finish for `graceMs` (default
   * `gateway.shutdown_grace_ms`), aborts the rest, closes every socket with 1001.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /** Aborts every running turn now (a second shutdown signal); `close` still finishes. */
  abortRunningTurns(): void;
}

function logPoolEvent(logger: Logger, event: PoolEvent): void {
  switch (event.type) {
    case 'failover':
      logger.warn({ from: event.from, to: event.to, reason: event.reason }, 'provider failover');
      return;
    case 'cooldown-set':
    case 'profile-disabled':
      logger.warn(
        { ...event, until: new Date(event.untilMs).toISOString() },
        event.type.replace('-', ' '),
      );
      return;
    case 'cooldown-ended':
    case 'profile-enabled':
      logger.info({ ...event }, event.type.replace('-', ' '));
      return;
    case 'health-store-error':
      logger.error(
        { operation: event.operation, key: event.key, err: event.error },
        'profile health store failed',
      );
      return;
    case 'breaker':
      logger.warn({ profile: event.profile, from: event.from, to: event.to }, 'circuit breaker');
      return;
    case 'attempt-end':
      logger.debug(event, 'provider attempt');
      return;
    case 'attempt-start':
      return;
  }
}

/** Peers that flood get a line per ten seconds each, with the count of the lines held back. */
const floodThrottle = new LogThrottle(10_000);

/** Gateway events worth a line; none of them carries a token. */
function logGatewayEvent(logger: Logger, event: GatewayEvent): void {
  switch (event.type) {
    case 'auth.failed': {
      const { log, suppressed } = floodThrottle.admit(
        `auth ${event.remoteAddress} ${event.reason}`,
      );
      if (log) {
        logger.warn(
          { remoteAddress: event.remoteAddress, reason: event.reason, suppressed },
          'auth failed',
        );
      }
      return;
    }
    case 'auth.locked':
      logger.warn(
        { remoteAddress: event.remoteAddress, lockoutMs: event.lockoutMs },
        'address locked out',
      );
      return;
    case 'rate.limited': {
      const { log, suppressed } = floodThrottle.admit(`rate ${event.connectionId}`);
      if (log) logger.warn({ ...event, type: undefined, suppressed }, 'rate limited');
      return;
    }
    case 'slow.consumer':
    case 'heartbeat.timeout':
    case 'payload.too_large': {
      const { type, ...fields } = event;
      logger.warn(fields, type.replace('.', ' '));
      return;
    }
    case 'handler.error':
      if (!event.expected)
        logger.error({ method: event.method, err: event.error }, 'method failed');
      return;
    case 'connection.opened':
    case 'connection.closed': {
      const { type, ...fields } = event;
      logger.debug(fields, type.replace('.', ' '));
      return;
    }
    case 'listening':
      return;
  }
}

async function chooseProfiles(
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  fromFile: boolean,
) {
  if (config.providers.profiles.length > 0)
    return { profiles: config.providers.profiles, simulator: undefined };
  const fromEnv = profilesFromEnv(env);
  if (fromEnv.length > 0) {
    logger.info(
      { profiles: fromEnv.map((profile) => profile.name) },
      'using provider keys from the environment',
    );
    return { profiles: fromEnv, simulator: undefined };
  }
  const { simulator, profiles } = await startSimulatedProfiles();
  const why = fromFile
    ? 'the configuration lists no profiles and no provider keys are set'
    : 'no config file and no provider keys';
  logger.info(
    `${why}: serving recorded answers from the built-in upstream simulator at ${simulator.url}`,
  );
  return { profiles: profiles as ProfileConfig[], simulator };
}

/** Loads the configuration, builds the pool and the gateway, and starts listening. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger();
  const { config, source } = resolveConfig({
    env,
    ...(options.configPath ? { configPath: options.configPath } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  if (source.kind === 'file') logger.info({ path: source.path }, 'configuration loaded');

  const host = options.host ?? config.gateway.host;
  const port = options.port ?? config.gateway.port;
  const configuredToken = config.gateway.token ?? env.CLAWGATE_TOKEN;
  if (configuredToken !== undefined && configuredToken.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `CLAWGATE_TOKEN: a token must be at least ${MIN_TOKEN_LENGTH} characters (got ${configuredToken.length})`,
    );
  }
  if (!isLoopbackHost(host) && !configuredToken) {
    throw new ConfigError(
      `gateway.host: refusing to listen on ${host} without a configured token (set gateway.token or CLAWGATE_TOKEN)`,
    );
  }
  const stateDirectory = resolveStateDirectory(options.stateDirectory ?? config.state_dir, env);
  let token = configuredToken;
  if (!token) {
    const stored = ensureStoredToken(stateDirectory);
    token = stored.token;
    logger.info(
      { path: stored.path },
      stored.generated
        ? 'generated a gateway token and stored it'
        : 'using the stored gateway token',
    );
  }

  const { profiles, simulator } = await chooseProfiles(config, env, logger, source.kind === 'file');
  const failover = config.providers.failover;
  // Conversations, run records and profile health, in one SQLite file of the state directory.
  const database = openDatabase(join(stateDirectory, 'clawgate.db'));
  const moved = relabelLegacyOwners(database, [token, ...config.gateway.tokens]);
  if (moved > 0) logger.info({ moved }, 'conversations and runs now belong to token principals');
  const runRecords = new RunStore(database);
  const interrupted = runRecords.markInterrupted();
  if (interrupted > 0) {
    logger.warn(
      { runs: interrupted },
      'runs that were running when the server stopped are marked interrupted',
    );
  }
  const pool = new ProviderPool({
    healthStore: new SqliteHealthStore(database),
    profiles: buildPoolProfiles(profiles),
    strategy: failover.strategy,
    maxAttempts: failover.enabled ? failover.max_attempts : 1,
    maxWaitMs: failover.max_wait_seconds * 1000,
    idleTimeoutMs: failover.idle_timeout_seconds * 1000,
    sticky: failover.sticky,
    breaker: {
      maxFailures: failover.circuit_breaker.max_failures,
      resetTimeoutMs: failover.circuit_breaker.reset_timeout_seconds * 1000,
    },
    cooldowns: { disableInitialMs: failover.default_cooldown_seconds * 1000 },
    onEvent: (event) => logPoolEvent(logger, event),
  });
  const conversations = new ConversationStore(database);
  const idempotency = new IdempotencyStore(database);
  // The feed needs the gateway, which is made below; turns cannot end before it exists.
  let feed: SessionsFeed | undefined;
  const runner = new AgentRunner({
    pool,
    conversations,
    runRecords,
    onConversationUpdated: (owner, sessionKey) => feed?.publish(owner, sessionKey, 'updated'),
    tools: builtInTools(config.tools),
    maxToolSteps: config.tools.max_steps,
    idempotency,
    redact: secretRedactor([
      ...profiles.map((profile) => profile.api_key),
      token,
      ...config.gateway.tokens,
      ...config.channels.webhooks.map((webhook) => webhook.secret),
    ]),
  });

  const gateway = new Gateway({
    host,
    port,
    token,
    tokens: config.gateway.tokens,
    heartbeatMs: config.gateway.heartbeat_ms,
    maxPayloadBytes: config.gateway.max_payload_bytes,
    version: SERVER_VERSION,
    onEvent: (event) => logGatewayEvent(logger, event),
  });
  registerMethods({ gateway, pool, runner });
  const channels = createChannels({
    config: config.channels,
    database,
    runner,
    gateway,
    logger,
    idempotency,
  });
  feed = new SessionsFeed(gateway);
  registerSessionsMethods({ gateway, conversations, feed, runner, runRecords });

  // Ready means RPCs work: the methods are registered and some profile can take a turn.
  gateway.setReady(
    () => database.open && pool.snapshot().some((profile) => profile.state === 'ok'),
  );
  await channels.hub.start();
  const address = await gateway.listen();
  const url = `ws://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  logger.info({ url, profiles: profiles.map((profile) => profile.name) }, 'clawgate is listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    host: address.host,
    port: address.port,
    token,
    stateDirectory,
    pool,
    simulator,
    abortRunningTurns: () => runner.abortAll(),
    close: (closeOptions = {}) => {
      const graceMs = closeOptions.graceMs ?? config.gateway.shutdown_grace_ms;
      closing ??= (async () => {
        // Running turns may finish within the grace period; the rest end as SHUTTING_DOWN.
        gateway.beginShutdown(graceMs);
        channels.hub.refuseInbound();
        if (!(await runner.idleWithin(graceMs))) {
          runner.abortAll();
          await runner.idle();
        }
        // Answers of finished turns go out; what is not delivered yet stays stored.
        await channels.hub.stop();
        await channels.bus.close();
        await gateway.close();
        pool.close();
        // Every write is committed as it happens; closing checkpoints the WAL into the file.
        database.close();
        await simulator?.close();
      })();
      return closing;
    },
  };
}
