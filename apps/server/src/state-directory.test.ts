import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureStoredToken, readStoredToken } from './state-directory.js';

describe('ensureStoredToken', () => {
  it('generates a token once, stores it owner-only, and returns the same one afterwards', () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'clawgate-state-')), 'nested');
    const first = ensureStoredToken(directory);
    expect(first.generated).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(directory).mode & 0o777).toBe(0o700);

    const second = ensureStoredToken(directory);
    expect(second).toEqual({ token: first.token, path: first.path, generated: false });
    expect(readStoredToken(directory)).toBe(first.token);
  });
});
