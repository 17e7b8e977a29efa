import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { ConfigError } from './config-error.js';
import { configSchema } from './config-schema.js';
import { parseConfig, readJsonFile } from './load-config.js';

/** What a client command needs of the server's configuration to reach it. */
export interface ClientSettings {
  url: string;
  token: string | undefined;
  stateDirectory: string | undefined;
}

const clientPartSchema = configSchema.pick({ gateway: true, state_dir: true });

/**
 * Reads the gateway address, token and state directory from the same configuration file the
 * server uses (`--config`, else `$CLAWGATE_CONFIG`, else `./clawgate.json` when present). Only
 * those parts are read, so provider keys need not be set in the client's environment.
 */
export function readClientSettings(options: {
  configPath?: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
}): ClientSettings {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? options.env.CLAWGATE_CONFIG;
  const path = resolve(cwd, explicit ?? 'clawgate.json');
  if (explicit && !existsSync(path)) {
    throw new ConfigError(`configuration file ${path} does not exist`);
  }

  const raw = existsSync(path) ? readJsonFile(path) : {};
  const part =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? { gateway: readKey(raw, 'gateway'), state_dir: readKey(raw, 'state_dir') }
      : raw;
  const config = parseConfig(part, options.env, path, clientPartSchema);

  return {
    url: `ws://${connectHost(config.gateway.host)}:${config.gateway.port}`,
    token: config.gateway.token,
    stateDirectory: config.state_dir,
  };
}

/** A wildcard bind is reached on loopback; IPv6 literals need brackets in a URL. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

const readKey = (value: object, key: string): unknown => (value as Record<string, unknown>)[key];
