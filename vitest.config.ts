import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // From the repository root every package's tests run; from a package, only its own.
    include: ['{packages,apps}/*/{src,test}/**/*.test.ts', '{src,test}/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    unstubEnvs: true,
  },
});
