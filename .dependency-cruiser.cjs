/**
 * The package boundaries of clawgate. `pnpm lint` fails on any violation.
 * Edges between workspace packages are checked on resolved paths (workspace links are
 * followed to packages/<name>), SDK imports by module name.
 */
const pkg = (name) => `^packages/${name}/`;
const SDKS = '(^|node_modules/)(openai|@anthropic-ai/sdk)(/|$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make packages impossible to publish and load in isolation.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocol-only-zod',
      severity: 'error',
      comment: 'protocol depends on zod only.',
      from: { path: pkg('protocol'), pathNot: '\\.test\\.ts$' },
      to: { dependencyTypesNot: ['core', 'local', 'type-only'], pathNot: 'node_modules/zod/' },
    },
    {
      name: 'leaf-packages-import-nothing-from-the-repo',
      severity: 'error',
      comment: 'bus, providers-core and upstream-sim import no other clawgate package.',
      from: { path: '^packages/(bus|providers-core|upstream-sim)/' },
      to: { path: '^(packages|apps)/', pathNot: '^packages/$1/' },
    },
    {
      name: 'providers-core-no-runtime-dependencies',
      severity: 'error',
      comment: 'Installing @clawgate/providers-core alone must pull in no SDK, no ws, no logger.',
      from: { path: pkg('providers-core'), pathNot: '\\.test\\.ts$' },
      to: { dependencyTypesNot: ['core', 'local', 'type-only'] },
    },
    {
      name: 'bus-no-dependencies',
      severity: 'error',
      from: { path: pkg('bus'), pathNot: '\\.test\\.ts$' },
      to: { dependencyTypesNot: ['core', 'local', 'type-only'] },
    },
    {
      name: 'upstream-sim-no-runtime-dependencies',
      severity: 'error',
      comment: 'The simulator must not depend on the SDKs or adapters it is used to test.',
      from: { path: pkg('upstream-sim'), pathNot: '\\.test\\.ts$' },
      to: { dependencyTypesNot: ['core', 'local', 'type-only'] },
    },
    {
      name: 'adapters-only-providers-core',
      severity: 'error',
      comment: 'An adapter imports providers-core and its own SDK, never another adapter.',
      from: { path: '^packages/(provider-[^/]+)/' },
      to: { path: '^(packages|apps)/', pathNot: ['^packages/$1/', pkg('providers-core')] },
    },
    {
      name: 'openai-adapter-no-anthropic-sdk',
      severity: 'error',
      from: { path: pkg('provider-openai') },
      to: { path: '@anthropic-ai/sdk' },
    },
    {
      name: 'anthropic-adapter-no-openai-sdk',
      severity: 'error',
      from: { path: pkg('provider-anthropic') },
      to: { path: 'node_modules/openai/' },
    },
    {
      name: 'gateway-only-protocol-and-bus',
      severity: 'error',
      from: { path: pkg('gateway') },
      to: {
        path: '^(packages|apps)/',
        pathNot: ['^packages/gateway/', pkg('protocol'), pkg('bus')],
      },
    },
    {
      name: 'client-only-protocol',
      severity: 'error',
      from: { path: pkg('client') },
      to: { path: '^(packages|apps)/', pathNot: ['^packages/client/', pkg('protocol')] },
    },
    {
      name: 'no-sdk-outside-adapters',
      severity: 'error',
      comment:
        'Only the adapters (and the simulator tests, which prove SDK compatibility) use SDKs.',
      from: {
        path: '^(packages|apps)/',
        pathNot: ['^packages/provider-', '^packages/upstream-sim/src/.*\\.test\\.ts$'],
      },
      to: { path: SDKS },
    },
    {
      name: 'libraries-do-not-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
