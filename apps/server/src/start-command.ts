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
    `clawgate is listening on ${server.url}; in another shell try: pnpm clawgate chat "hello"\n`,
  );

  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
