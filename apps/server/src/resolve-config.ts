import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type { Config } from './config-schema.js';
import { loadConfigFile, parseConfig } from './load-config.js';

/** Where the configuration came from, for the start-up log line. */
export type ConfigSource = { kind: 'file'; path: string } | { kind: 'defaults' };

/**
 * Loads the configuration: an explicit path (flag or `CLAWGATE_CONFIG`) must exist;
 * otherwise `./clawgate.json` is used when present, and the defaults when not.
 */
export function resolveConfig(options: {
  configPath?: string;
  env: NodeJS.ProcessEnv;
  cwd?: string;
}): { config: Config; source: ConfigSource } {
  const explicit = options.configPath ?? options.env.CLAWGATE_CONFIG;
  const cwd = options.cwd ?? process.cwd();
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`configuration file ${path} does not exist`);
    return { config: loadConfigFile(path, options.env), source: { kind: 'file', path } };
  }
  const fallback = resolve(cwd, 'clawgate.json');
  if (existsSync(fallback)) {
    return {
      config: loadConfigFile(fallback, options.env),
      source: { kind: 'file', path: fallback },
    };
  }
  return { config: parseConfig({}, options.env), source: { kind: 'defaults' } };
}
