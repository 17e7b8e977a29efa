import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { configSchema, type Config } from './config-schema.js';
import { formatPath, substituteEnv } from './substitute-env.js';

const SECRET_KEYS = new Set(['api_key', 'token']);

function describeValue(input: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (path.some((part) => SECRET_KEYS.has(String(part)))) return '(hidden)';
  let value: unknown = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return 'nothing';
    value = (value as Record<string, unknown>)[String(part)];
  }
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/**
 * Validates a parsed configuration object (after `${ENV}` substitution). Throws `ConfigError`
 * naming every bad path, the value found (secrets hidden) and what was expected.
 */
export function parseConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  source = 'configuration',
): Config {
  let substituted: unknown;
  try {
    substituted = substituteEnv(raw, env);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ConfigError(`${source} is invalid:\n  ${error.message}`);
    throw error;
  }
  const result = configSchema.safeParse(substituted);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path =
      issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    return `  ${formatPath(path)}: ${issue.message} (got ${describeValue(substituted, path)})`;
  });
  throw new ConfigError(`${source} is invalid:\n${problems.join('\n')}`);
}

/** Reads and validates a JSON configuration file. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`cannot read configuration file ${path} (${code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, env, path);
}
