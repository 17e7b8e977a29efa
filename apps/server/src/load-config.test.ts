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
      shutdown_grace_ms: 30_000,
      tokens: [],
    });
    expect(config.providers.failover).toMatchObject({
      enabled: true,
      strategy: 'priority',
      default_cooldown_seconds: 300,
      sticky: false,
      circuit_breaker: { max_failures: 5, reset_timeout_seconds: 60 },
    });
    expect(config.providers.profiles).toEqual([]);
    expect(config.tools).toEqual({
      max_steps: 8,
      fetch_url: { allow: [], timeout_ms: 10_000, max_bytes: 100_000 },
    });
  });

  it('refuses credentials in a URL that requests would be sent to', () => {
    expect(() =>
      parseConfig(
        {
          channels: {
            webhooks: [
              {
                name: 'hooks',
                secret: 'webhook-secret-0123456789',
                outbound_url: 'http://user:pw@127.0.0.1:9000/in',
              },
            ],
          },
        },
        {},
      ),
    ).toThrow(
      'channels.webhooks[0].outbound_url: a URL must not carry credentials (got "http://(hidden)@127.0.0.1:9000/in")',
    );
  });

  it('hides a configured secret that was pasted into another field', () => {
    expect(() =>
      parseConfig(
        {
          gateway: { token: 'gateway-token-0123456789', heartbeat_ms: 'gateway-token-0123456789' },
        },
        {},
      ),
    ).toThrow(/gateway\.heartbeat_ms: .* \(got "\(hidden\)"\)/);
  });

  it('hides the credentials of a URL it shows', () => {
    expect(() =>
      parseConfig({ tools: { fetch_url: { allow: ['http://user:pw-SECRET@127.0.0.1/'] } } }, {}),
    ).toThrow(
      new ConfigError(
        'configuration is invalid:\n  tools.fetch_url.allow[0]: must not carry credentials (got "http://(hidden)@127.0.0.1/")',
      ),
    );
  });

  it('names a fetch_url allow entry that is not a rule, with the entry', () => {
    expect(() =>
      parseConfig(
        { tools: { fetch_url: { allow: ['https://docs.test', 'ftp://files.test'] } } },
        {},
      ),
    ).toThrow(
      new ConfigError(
        'configuration is invalid:\n  tools.fetch_url.allow[1]: must be an http or https URL (got "ftp://files.test")',
      ),
    );
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
      'gateway.prot: unknown key "prot" in gateway',
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

  it('rejects a duplicate profile name at the duplicate, without showing the keys', () => {
    const env = { TEST_ANTHROPIC_KEY: 'sk-ant-from-the-environment' };
    expect(() => parseConfig({ providers: { profiles: [profile, profile] } }, env)).toThrow(
      new ConfigError(
        'configuration is invalid:\n  providers.profiles[1].name: profile names must be unique; this one is already used (got "primary")',
      ),
    );
  });

  it('names every unknown key and never shows their values', () => {
    const bad = { ...profile, 'api-key': 'sk-typo-secret-123', extra: 1 };
    expect(() =>
      parseConfig({ providers: { profiles: [bad] } }, { TEST_ANTHROPIC_KEY: 'k' }),
    ).toThrow(
      new ConfigError(
        'configuration is invalid:\n  providers.profiles[0].api-key: unknown keys "api-key", "extra" in providers.profiles[0]',
      ),
    );
  });

  it('says nothing was given for a missing key, and hides a present one', () => {
    const { api_key: _omitted, ...withoutKey } = profile;
    void _omitted;
    expect(() => parseConfig({ providers: { profiles: [withoutKey] } }, {})).toThrow(
      /providers\.profiles\[0\]\.api_key: .* \(got nothing\)/,
    );
    expect(() => parseConfig({ gateway: { token: 'short-secret' } }, {})).toThrow(
      new ConfigError(
        'configuration is invalid:\n  gateway.token: a token must be at least 16 characters (got (hidden))',
      ),
    );
  });

  it('hides secrets inside a shown object value', () => {
    expect(() =>
      parseConfig({ providers: { profiles: { api_key: 'sk-inside-object' } } }, {}),
    ).toThrow(/providers\.profiles: .* \(got \{"api_key":"\(hidden\)"\}\)/);
  });
});

describe('loadConfigFile', () => {
  it('reports a file that is not JSON with its path', () => {
    const path = configFile('{ "gateway": ');
    expect(() => loadConfigFile(path, {})).toThrow(
      new RegExp(`^${path.replace(/[.]/g, '\\.')} is not valid JSON`),
    );
  });

  it('locates a syntax error by line and column without quoting the file', () => {
    const path = configFile('{\n  "providers": { "api_key": sk-unquoted-secret }\n}');
    let message = '';
    try {
      loadConfigFile(path, {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^${path.replace(/[.]/g, '\\.')} is not valid JSON: `));
    expect(message).toContain("Unexpected token 's' at line 2, column 29");
    expect(message).not.toContain('unquoted-secret');
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
