import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfigFile, parseConfig } from './load-config.js';

function configFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'clawgate-config-')), 'clawgate.json');
  writeFileSync(path, content);
  return path;
}

const profile = {
  name: 'primary',
  provider: 'anthropic',
  api_key: '${TEST_ANTHROPIC_KEY}',
  model: 'claude-sonnet-4-5',
};

describe('parseConfig', () => {
  it('fills in the defaults of an empty configuration', () => {
    const config = parseConfig({}, {});
    expect(config.gateway).toEqual({
      host: '127.0.0.1',
      port: 18_789,
      heartbeat_ms: 30_000,
      max_payload_bytes: 1_048_576,
    });
    expect(config.providers.failover).toMatchObject({
      enabled: true,
      strategy: 'priority',
      default_cooldown_seconds: 300,
      sticky: false,
      circuit_breaker: { max_failures: 5, reset_timeout_seconds: 60 },
    });
    expect(config.providers.profiles).toEqual([]);
  });

  it('replaces ${NAME} from the environment', () => {
    const config = parseConfig(
      { providers: { profiles: [profile] } },
      { TEST_ANTHROPIC_KEY: 'sk-ant-123' },
    );
    expect(config.providers.profiles[0]?.api_key).toBe('sk-ant-123');
  });

  it('names the path and the variable when a referenced variable is not set', () => {
    expect(() => parseConfig({ providers: { profiles: [profile] } }, {})).toThrow(
      new ConfigError(
        'configuration is invalid:\n  providers.profiles[0].api_key: environment variable TEST_ANTHROPIC_KEY is not set (the value is "${TEST_ANTHROPIC_KEY}")',
      ),
    );
  });

  it('names the path, the value and the expectation of a bad value', () => {
    expect(() => parseConfig({ gateway: { port: 'eighty' } }, {}, 'clawgate.json')).toThrow(
      /clawgate\.json is invalid:\n {2}gateway\.port: .*number.* \(got "eighty"\)/,
    );
  });

  it('rejects an unknown key by name', () => {
    expect(() => parseConfig({ gateway: { prot: 1 } }, {})).toThrow(
      /gateway\.prot: .*(unrecognized|Unrecognized)/,
    );
  });

  it('rejects an unknown provider kind and hides secrets in the report', () => {
    let message = '';
    try {
      parseConfig(
        {
          providers: {
            profiles: [{ ...profile, provider: 'gemini', api_key: 'sk-hidden-123456' }],
          },
        },
        {},
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/providers\.profiles\[0\]\.provider: .* \(got "gemini"\)/);
    expect(message).not.toContain('sk-hidden-123456');
  });

  it('rejects duplicate profile names', () => {
    const env = { TEST_ANTHROPIC_KEY: 'k' };
    expect(() => parseConfig({ providers: { profiles: [profile, profile] } }, env)).toThrow(
      /providers\.profiles: profile names must be unique/,
    );
  });
});

describe('loadConfigFile', () => {
  it('reports a file that is not JSON with its path', () => {
    const path = configFile('{ "gateway": ');
    expect(() => loadConfigFile(path, {})).toThrow(
      new RegExp(`^${path.replace(/[.]/g, '\\.')} is not valid JSON`),
    );
  });

  it('reports a missing file with its path', () => {
    expect(() => loadConfigFile('/nonexistent/clawgate.json', {})).toThrow(
      'cannot read configuration file /nonexistent/clawgate.json (ENOENT)',
    );
  });

  it('loads a valid file', () => {
    const path = configFile(JSON.stringify({ gateway: { port: 0 } }));
    expect(loadConfigFile(path, {}).gateway.port).toBe(0);
  });
});
