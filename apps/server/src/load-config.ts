import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { configSchema, type Config } from './config-schema.js';
import { describeConfigValue, describeJsonSyntaxError } from './describe-config-value.js';
import { formatPath, substituteEnv } from './substitute-env.js';

/**
 * Validates a parsed configuration object (after `${ENV}` substitution). Throws `ConfigError`
 * naming every bad path, the value found (secrets hidden) and what was expected.
 */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv, source?: string): Config;
export function parseConfig<Schema extends z.ZodType>(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  source: string,
  schema: Schema,
): z.infer<Schema>;
export function parseConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  source = 'configuration',
  schema: z.ZodType = configSchema,
): unknown {
  let substituted: unknown;
  try {
    substituted = substituteEnv(raw, env);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ConfigError(`${source} is invalid:\n  ${error.message}`);
    throw error;
  }
  const result = schema.safeParse(substituted);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // The keys themselves are what is wrong; their values may be secrets and are not shown.
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      const where = issue.path.length === 0 ? 'the top level' : formatPath(issue.path);
      return `  ${formatPath([...issue.path, issue.keys[0] ?? ''])}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys} in ${where}`;
    }
    const got = describeConfigValue(substituted, issue.path);
    return `  ${formatPath(issue.path)}: ${issue.message} (got ${got})`;
  });
  throw new ConfigError(`${source} is invalid:\n${problems.join('\n')}`);
}

/** Reads a JSON file, with errors that name the path and never quote its content. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`cannot read configuration file ${path} (${code})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${path} is not valid JSON: ${describeJsonSyntaxError(error as Error, text)}`,
    );
  }
}

/** Reads and validates a JSON configuration file. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv): Config {
  return parseConfig(readJsonFile(path), env, path);
}
