import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const packageJsonPath = fileURLToPath(new URL('../package.json', import.meta.url));
const sourceDirectory = fileURLToPath(new URL('./', import.meta.url));

interface PackageManifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as PackageManifest;

const productionSources = readdirSync(sourceDirectory).filter(
  (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
);

/** Every module specifier of `import`/`export ... from '...'` and `import('...')`. */
function importedModules(source: string): string[] {
  const specifiers = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g);
  return [...specifiers].map((match) => match[1] ?? '');
}

describe('@clawgate/providers-core package', () => {
  it('is the package these tests belong to', () => {
    expect(manifest.name).toBe('@clawgate/providers-core');
  });

  it('declares no dependencies, so it installs alone with no SDK, ws or logger', () => {
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual([]);
    expect(Object.keys(manifest.optionalDependencies ?? {})).toEqual([]);
  });

  it('imports nothing but its own modules in production code', () => {
    const poolSource = readFileSync(`${sourceDirectory}provider-pool.ts`, 'utf8');
    expect(importedModules(poolSource)).toContain('./circuit-breaker.js');
    for (const file of productionSources) {
      const source = readFileSync(`${sourceDirectory}${file}`, 'utf8');
      for (const specifier of importedModules(source)) {
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[a-z-]+\.js$/);
      }
    }
  });
});
