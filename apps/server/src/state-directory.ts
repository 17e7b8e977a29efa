import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The state directory: `--state-dir`, then `CLAWGATE_STATE_DIR`, then `~/.clawgate`. */
export function resolveStateDirectory(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  return resolve(explicit ?? env.CLAWGATE_STATE_DIR ?? join(homedir(), '.clawgate'));
}

/** Path of the stored gateway token inside a state directory. */
export const tokenPath = (stateDirectory: string): string => join(stateDirectory, 'token');

/** Reads the stored token, or undefined when none has been generated yet. */
export function readStoredToken(stateDirectory: string): string | undefined {
  const path = tokenPath(stateDirectory);
  if (!existsSync(path)) return undefined;
  const token = readFileSync(path, 'utf8').trim();
  return token === '' ? undefined : token;
}

/**
 * Returns the stored token, generating and storing one (owner-only permissions) the first
 * time. `generated` tells the caller to say where it was written.
 */
export function ensureStoredToken(stateDirectory: string): {
  token: string;
  path: string;
  generated: boolean;
} {
  const path = tokenPath(stateDirectory);
  const existing = readStoredToken(stateDirectory);
  if (existing) return { token: existing, path, generated: false };
  mkdirSync(stateDirectory, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token, path, generated: true };
}
