import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from './protocol-version.js';
import { isMethodName, methods } from './methods.js';
import { isNotificationName, notifications } from './notifications.js';

describe('methods', () => {
  it('accepts connect with a token alone and with resume', () => {
    expect(methods.connect.params.safeParse({ token: 't' }).success).toBe(true);
    expect(
      methods.connect.params.safeParse({
        token: 't',
        client: { name: 'cli', version: '1.0.0' },
        resume: { sessionId: 's', lastSeq: 4 },
      }).success,
    ).toBe(true);
  });

  it('rejects connect without a token or with a negative lastSeq', () => {
    expect(methods.connect.params.safeParse({}).success).toBe(false);
    expect(
      methods.connect.params.safeParse({ token: 't', resume: { sessionId: 's', lastSeq: -1 } })
        .success,
    ).toBe(false);
  });

  it('bounds agent sessionKey to 1..200 characters and requires a message', () => {
    expect(methods.agent.params.safeParse({ message: 'hi' }).success).toBe(true);
    expect(methods.agent.params.safeParse({ message: 'hi', sessionKey: '' }).success).toBe(false);
    expect(
      methods.agent.params.safeParse({ message: 'hi', sessionKey: 'k'.repeat(200) }).success,
    ).toBe(true);
    expect(
      methods.agent.params.safeParse({ message: 'hi', sessionKey: 'k'.repeat(201) }).success,
    ).toBe(false);
    expect(methods.agent.params.safeParse({ message: '' }).success).toBe(false);
  });

  it('rejects a misspelt or unknown param of every method instead of ignoring it', () => {
    const valid: Record<string, Record<string, unknown>> = {
      connect: { token: 't' },
      health: {},
      status: {},
      agent: { message: 'hi' },
      'agent.wait': { runId: 'r' },
      'agent.abort': { runId: 'r' },
      'providers.status': {},
      'sessions.list': {},
      'sessions.get': { sessionKey: 'k' },
      'sessions.history': { sessionKey: 'k' },
      'sessions.reset': { sessionKey: 'k' },
      'sessions.delete': { sessionKey: 'k' },
      'sessions.subscribe': {},
      'channels.list': {},
      'channels.status': {},
      'channels.subscribe': { channel: 'webhook', chatId: 'c' },
      'channels.unsubscribe': { channel: 'webhook', chatId: 'c' },
      send: { channel: 'webhook', chatId: 'c', content: 'hi' },
    };
    for (const [name, params] of Object.entries(valid)) {
      const schema = methods[name as keyof typeof methods].params;
      expect(schema.safeParse(params).success, name).toBe(true);
      expect(schema.safeParse({ ...params, bogus: 1 }).success, name).toBe(false);
    }
    expect(methods.agent.params.safeParse({ message: 'hi', sesionKey: 'work' }).success).toBe(
      false,
    );
    expect(Object.keys(valid).sort()).toEqual(Object.keys(methods).sort());
  });

  it('accepts only channel names of letters, digits, _ and -, and non-empty content', () => {
    const send = methods.send.params;
    expect(send.safeParse({ channel: 'web-hook_1', chatId: 'c', content: 'hi' }).success).toBe(
      true,
    );
    expect(send.safeParse({ channel: 'web hook', chatId: 'c', content: 'hi' }).success).toBe(false);
    expect(send.safeParse({ channel: 'webhook', chatId: '', content: 'hi' }).success).toBe(false);
    expect(send.safeParse({ channel: 'webhook', chatId: 'c', content: '' }).success).toBe(false);
  });

  it('accepts the health result and rejects ok: false', () => {
    expect(methods.health.result.safeParse({ ok: true, version: '1', uptimeMs: 5 }).success).toBe(
      true,
    );
    expect(methods.health.result.safeParse({ ok: false, version: '1', uptimeMs: 5 }).success).toBe(
      false,
    );
  });

  it('passes unknown profile members through providers.status', () => {
    const result = {
      profiles: [{ name: 'a', provider: 'openai', model: 'm', state: 'cooldown', untilMs: 9 }],
    };

    expect(methods['providers.status'].result.parse(result)).toEqual(result);
  });

  it('accepts every agent.wait status and nothing else', () => {
    for (const status of ['done', 'error', 'running']) {
      expect(methods['agent.wait'].result.safeParse({ runId: 'r', status }).success).toBe(true);
    }
    expect(methods['agent.wait'].result.safeParse({ runId: 'r', status: 'x' }).success).toBe(false);
  });

  it('names its methods and notifications', () => {
    expect(isMethodName('agent.wait')).toBe(true);
    expect(isMethodName('toString')).toBe(false);
    expect(isNotificationName('agent.event')).toBe(true);
  });
});

describe('notifications', () => {
  it('accepts connected with protocol 1 only', () => {
    const connected = {
      sessionId: 's',
      connectionId: 'c',
      protocol: PROTOCOL_VERSION,
      resumed: false,
      heartbeatMs: 30_000,
      maxPayloadBytes: 1_048_576,
    };

    expect(notifications.connected.safeParse(connected).success).toBe(true);
    expect(notifications.connected.safeParse({ ...connected, protocol: 2 }).success).toBe(false);
  });
});
