import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { fixturesDirectoryUrl } from './fixtures-directory.js';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const repoRoot = path.resolve(packageRoot, '../..');
const sharedFixtures = path.resolve(repoRoot, '../shared/fixtures');
const ownFixtures = fileURLToPath(fixturesDirectoryUrl);

function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('fixturesDirectoryUrl', () => {
  it('points at the fixtures folder of this package', () => {
    expect(ownFixtures).toBe(path.join(packageRoot, 'fixtures') + path.sep);
    expect(existsSync(path.join(ownFixtures, 'recorded', 'NOTICE'))).toBe(true);
  });

  it('holds byte-identical copies of the shared fixtures', (context) => {
    context.skip(
      !existsSync(sharedFixtures),
      `no shared fixtures at ${sharedFixtures} to compare the copies with`,
    );

    const wanted = [
      'upstream-errors.json',
      ...listFiles(path.join(sharedFixtures, 'recorded')).map((file) => `recorded/${file}`),
    ];
    expect(listFiles(ownFixtures)).toEqual([...wanted].sort());
    for (const file of wanted) {
      const copy = readFileSync(path.join(ownFixtures, file));
      expect(copy.equals(readFileSync(path.join(sharedFixtures, file))), file).toBe(true);
    }
  });
});
