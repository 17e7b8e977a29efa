import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

/**
 * Writes `config` as `<directory>/<name>.json` and starts the server from it in this process:
 * on a free loopback port, with its state in `<directory>/<stateName>` and a silent logger.
 */
export function startConfiguredServer(options: {
  directory: string;
  name: string;
  config: Record<string, unknown>;
  /** Default `<name>-state`; two starts with the same one share their store. */
  stateName?: string;
}): Promise<RunningServer> {
  const configPath = join(options.directory, `${options.name}.json`);
  writeFileSync(configPath, JSON.stringify(options.config));
  return startServer({
    configPath,
    stateDirectory: join(options.directory, options.stateName ?? `${options.name}-state`),
    port: 0,
    logger: createLogger({ level: 'silent' }),
  });
}
