import { ConfigError } from './config-error.js';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${NAME}` in every string value with the environment variable `NAME`. A variable
 * that is not set is an error naming the JSON path, so a missing key never becomes "".
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_match, name: string) => {
      const replacement = env[name];
      if (replacement === undefined || replacement === '') {
        throw new ConfigError(
          `${formatPath(path)}: environment variable ${name} is not set (the value is "\${${name}}")`,
        );
      }
      return replacement;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => substituteEnv(item, env, [...path, String(index)]));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, [...path, key])]),
    );
  }
  return value;
}

/** `providers.profiles[0].api_key` from `['providers', 'profiles', '0', 'api_key']`. */
export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, index) =>
      typeof part === 'number' || /^\d+$/.test(String(part))
        ? `[${String(part)}]`
        : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
