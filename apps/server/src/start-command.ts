import { ConfigError } from './config-error.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/** Options of `clawgate start`. */
export interface StartCommandOptions {
  config?: string;
  host?: string;
  port?: string;
  stateDir?: string;
}

/** Starts the server and keeps it running until SIGINT or SIGTERM. */
export async function startCommand(options: StartCommandOptions): Promise<void> {
  const logger = createLogger();
  let port: number | undefined;
  if (options.port !== undefined) {
    port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new ConfigError(`--port: expected an integer from 0 to 65535, got "${options.port}"`);
    }
  }
  const server = await startServer({
    logger,
    ...(options.config ? { configPath: options.config } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(port === undefined ? {} : { port }),
    ...(options.stateDir ? { stateDirectory: options.stateDir } : {}),
  });
  process.stderr.write(
    `clawgate is listening on ${server.url}; in another shell try: pnpm chat "hello"\n`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: aborting the turns still running');
      server.abortRunningTurns();
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: running turns may finish, new work is refused');
    server.close().then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
