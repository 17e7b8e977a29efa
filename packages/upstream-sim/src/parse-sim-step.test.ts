import { describe, expect, it } from 'vitest';

import { parseSimStep } from './parse-sim-step.js';

describe('parseSimStep', () => {
  it('accepts every kind of step', () => {
    const steps = [
      { kind: 'ok' },
      { kind: 'ok', fixture: 'anthropic-tool-use', latencyMs: 5, chunkDelayMs: 1 },
      { kind: 'error', case: 'openai-insufficient-quota', latencyMs: 0 },
      { kind: 'error', status: 502, headers: { 'retry-after': '1' }, body: '<html>' },
      { kind: 'hang' },
      { kind: 'hang', afterEvents: 2 },
      { kind: 'reset' },
      { kind: 'reset', afterEvents: 0 },
      { kind: 'cut', afterEvents: 3, fixture: 'openai-chat-text' },
      { kind: 'stream-error', afterEvents: 1, case: 'anthropic-overloaded' },
      { kind: 'tool-call', calls: [{ id: 'call_1', name: 'now', arguments: {} }] },
      {
        kind: 'tool-call',
        text: 'Checking.',
        calls: [
          { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
          { id: 'call_2', name: 'get_time', arguments: { zone: 'CET', hour24: true } },
        ],
        latencyMs: 5,
        chunkDelayMs: 1,
      },
    ];

    for (const step of steps) expect(parseSimStep(step)).toBe(step);
  });

  it('rejects a value that is not an object', () => {
    expect(() => parseSimStep('ok')).toThrow(
      new RangeError('sim step must be an object, got "ok"'),
    );
  });

  it('rejects an unknown kind, naming the known ones', () => {
    expect(() => parseSimStep({ kind: 'explode' })).toThrow(
      new RangeError(
        'sim step field \'kind\' is "explode"; expected one of ' +
          'ok, error, hang, reset, cut, stream-error, tool-call',
      ),
    );
  });

  it('rejects a misspelt field instead of ignoring it', () => {
    expect(() => parseSimStep({ kind: 'cut', afterEvent: 3 })).toThrow(
      new RangeError(
        "sim step of kind 'cut' has unknown field 'afterEvent' " +
          '(allowed: kind, afterEvents, fixture, latencyMs, chunkDelayMs)',
      ),
    );
  });

  it('rejects an error case that upstream-errors.json does not have', () => {
    expect(() => parseSimStep({ kind: 'error', case: 'openai-teapot' })).toThrow(
      new RangeError(
        'sim step field \'case\' is "openai-teapot"; expected the name of a case ' +
          'in upstream-errors.json',
      ),
    );
  });

  it('rejects an unknown fixture', () => {
    expect(() => parseSimStep({ kind: 'ok', fixture: 'gemini-text' })).toThrow(
      new RangeError(
        'sim step field \'fixture\' is "gemini-text"; expected one of ' +
          'openai-chat-text, anthropic-text, anthropic-tool-use',
      ),
    );
  });

  it('rejects negative or fractional counts', () => {
    expect(() => parseSimStep({ kind: 'ok', latencyMs: -1 })).toThrow(
      new RangeError("sim step field 'latencyMs' is -1; expected a number of milliseconds >= 0"),
    );
    expect(() => parseSimStep({ kind: 'cut', afterEvents: 1.5 })).toThrow(
      new RangeError("sim step field 'afterEvents' is 1.5; expected an integer"),
    );
  });

  it('rejects a delay beyond ten minutes instead of letting a timer overflow', () => {
    expect(parseSimStep({ kind: 'ok', latencyMs: 600_000 })).toEqual({
      kind: 'ok',
      latencyMs: 600_000,
    });
    expect(() => parseSimStep({ kind: 'ok', latencyMs: 1e12 })).toThrow(
      new RangeError(
        "sim step field 'latencyMs' is 1000000000000; expected at most 600000 milliseconds",
      ),
    );
    expect(() => parseSimStep({ kind: 'ok', chunkDelayMs: 600_001 })).toThrow(RangeError);
  });

  it('requires afterEvents where the step needs it', () => {
    expect(() => parseSimStep({ kind: 'cut' })).toThrow(
      new RangeError("sim step of kind 'cut' needs field 'afterEvents'"),
    );
    expect(() => parseSimStep({ kind: 'stream-error', case: 'anthropic-overloaded' })).toThrow(
      new RangeError("sim step of kind 'stream-error' needs field 'afterEvents'"),
    );
  });

  it('checks the status, body and headers of a custom error', () => {
    expect(() => parseSimStep({ kind: 'error', status: 99, body: {} })).toThrow(
      new RangeError("sim step field 'status' is 99; expected an HTTP status 100-599"),
    );
    expect(() => parseSimStep({ kind: 'error', status: 500 })).toThrow(
      new RangeError("sim step of kind 'error' with a 'status' needs field 'body'"),
    );
    expect(() => parseSimStep({ kind: 'error', status: 500, body: '', headers: { a: 1 } })).toThrow(
      new RangeError('sim step field \'headers\' is {"a":1}; expected an object of strings'),
    );
  });

  it('requires a tool-call step to have at least one call', () => {
    expect(() => parseSimStep({ kind: 'tool-call' })).toThrow(
      new RangeError(
        "sim step field 'calls' is missing; expected an array of at least one tool call " +
          '{id, name, arguments}',
      ),
    );
    expect(() => parseSimStep({ kind: 'tool-call', calls: [] })).toThrow(
      new RangeError(
        "sim step field 'calls' is []; expected an array of at least one tool call " +
          '{id, name, arguments}',
      ),
    );
    expect(() => parseSimStep({ kind: 'tool-call', calls: { id: 'call_1' } })).toThrow(
      new RangeError(
        'sim step field \'calls\' is {"id":"call_1"}; expected an array of at least one ' +
          'tool call {id, name, arguments}',
      ),
    );
  });

  it('rejects a tool call that is not an object, naming its position', () => {
    const first = { id: 'call_1', name: 'now', arguments: {} };

    expect(() => parseSimStep({ kind: 'tool-call', calls: [first, 'now'] })).toThrow(
      new RangeError(
        'sim step field \'calls[1]\' is "now"; expected an object {id, name, arguments}',
      ),
    );
  });

  it('rejects a tool call whose id or name is not a non-empty string', () => {
    expect(() =>
      parseSimStep({ kind: 'tool-call', calls: [{ id: 7, name: 'now', arguments: {} }] }),
    ).toThrow(new RangeError("sim step field 'calls[0].id' is 7; expected a non-empty string"));
    expect(() =>
      parseSimStep({ kind: 'tool-call', calls: [{ id: 'call_1', arguments: {} }] }),
    ).toThrow(
      new RangeError("sim step field 'calls[0].name' is missing; expected a non-empty string"),
    );
    expect(() =>
      parseSimStep({ kind: 'tool-call', calls: [{ id: 'call_1', name: '', arguments: {} }] }),
    ).toThrow(
      new RangeError('sim step field \'calls[0].name\' is ""; expected a non-empty string'),
    );
  });

  it('rejects tool-call arguments that are not an object', () => {
    const withArguments = (value: unknown): unknown => ({
      kind: 'tool-call',
      calls: [{ id: 'call_1', name: 'now', arguments: value }],
    });
    const expected = (described: string): RangeError =>
      new RangeError(
        `sim step field 'calls[0].arguments' is ${described}; expected an object of the ` +
          'arguments by name',
      );

    expect(() => parseSimStep(withArguments('{"city":"Paris"}'))).toThrow(
      expected('"{\\"city\\":\\"Paris\\"}"'),
    );
    expect(() => parseSimStep(withArguments(['Paris']))).toThrow(expected('["Paris"]'));
    expect(() => parseSimStep(withArguments(null))).toThrow(expected('null'));
    expect(() => parseSimStep(withArguments(undefined))).toThrow(expected('missing'));
  });

  it('rejects a misspelt field of a tool call', () => {
    expect(() =>
      parseSimStep({ kind: 'tool-call', calls: [{ id: 'call_1', name: 'now', args: {} }] }),
    ).toThrow(
      new RangeError(
        "sim step field 'calls[0]' has unknown field 'args' (allowed: id, name, arguments)",
      ),
    );
  });

  it('rejects tool-call text that is not a non-empty string, and a fixture', () => {
    const calls = [{ id: 'call_1', name: 'now', arguments: {} }];

    expect(() => parseSimStep({ kind: 'tool-call', calls, text: 42 })).toThrow(
      new RangeError("sim step field 'text' is 42; expected a non-empty string"),
    );
    expect(() => parseSimStep({ kind: 'tool-call', calls, text: '' })).toThrow(
      new RangeError('sim step field \'text\' is ""; expected a non-empty string'),
    );
    expect(() => parseSimStep({ kind: 'tool-call', calls, fixture: 'openai-chat-text' })).toThrow(
      new RangeError(
        "sim step of kind 'tool-call' has unknown field 'fixture' " +
          '(allowed: kind, calls, text, latencyMs, chunkDelayMs)',
      ),
    );
  });
});
