import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Packs the package as it would be published, installs the tarball into an empty project and
 * runs the README's example there: proof that it needs nothing else from this repository.
 * Needs the built `dist/` (`pnpm build` runs before the tests).
 */
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDirectory, 'README.md'), 'utf8');

/** The README's code blocks of one language, in order. */
function codeBlocks(language: string): string[] {
  const pattern = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...readme.matchAll(pattern)].map((match) => match[1] ?? '');
}

let workDirectory: string;
let project: string;
let tarball: string;

beforeAll(() => {
  workDirectory = mkdtempSync(join(tmpdir(), 'clawgate-standalone-'));
  project = join(workDirectory, 'project');
  execFileSync('pnpm', ['pack', '--pack-destination', workDirectory], {
    cwd: packageDirectory,
    stdio: 'pipe',
  });
  const packed = readdirSync(workDirectory).find((file) => file.endsWith('.tgz'));
  if (!packed) throw new Error('pnpm pack produced no tarball');
  tarball = join(workDirectory, packed);

  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'standalone-check', private: true, type: 'module' }),
  );
  // Offline: a package with no dependencies must install from its tarball alone.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], {
    cwd: project,
    stdio: 'pipe',
  });
}, 120_000);

afterAll(() => {
  rmSync(workDirectory, { recursive: true, force: true });
});

describe('@clawgate/providers-core installed alone from its tarball', () => {
  it('ships the built code and README, and no tests or test support', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');

    expect(listing).toContain('package/dist/index.js');
    expect(listing).toContain('package/dist/index.d.ts');
    expect(listing).toContain('package/README.md');
    expect(listing.filter((file) => /test/.test(file))).toEqual([]);
  });

  it('pulls in nothing else: no SDK, no ws, no logger', () => {
    const installed = readdirSync(join(project, 'node_modules')).filter(
      (entry) => !entry.startsWith('.'),
    );

    expect(installed).toEqual(['@clawgate']);
    expect(readdirSync(join(project, 'node_modules', '@clawgate'))).toEqual(['providers-core']);
  });

  it("runs the README's example and prints what the README says", () => {
    const [example] = codeBlocks('js');
    const [expectedOutput] = codeBlocks('text');
    if (!example || !expectedOutput) throw new Error('README lacks its example or its output');
    writeFileSync(join(project, 'example.mjs'), example);

    const output = execFileSync(process.execPath, ['example.mjs'], {
      cwd: project,
      encoding: 'utf8',
    });

    expect(output).toBe(expectedOutput);
  });
});
