import { describe, expect, it } from 'vitest';

import { parseCliOptions } from './cli-options.js';

describe('parseCliOptions', () => {
  it('defaults to a free port on 127.0.0.1', () => {
    expect(parseCliOptions([])).toEqual({ port: 0, host: '127.0.0.1', help: false });
  });

  it('reads --port, -p and --host', () => {
    expect(parseCliOptions(['--port', '8123', '--host', '::1'])).toEqual({
      port: 8123,
      host: '::1',
      help: false,
    });
    expect(parseCliOptions(['-p', '0']).port).toBe(0);
  });

  it('reads --help', () => {
    expect(parseCliOptions(['-h']).help).toBe(true);
  });

  it('rejects a port that is not an integer 0-65535', () => {
    expect(() => parseCliOptions(['--port', 'http'])).toThrow(
      new RangeError("--port is 'http'; expected an integer 0-65535"),
    );
    expect(() => parseCliOptions(['--port', '65536'])).toThrow(
      new RangeError("--port is '65536'; expected an integer 0-65535"),
    );
  });

  it('rejects unknown options', () => {
    expect(() => parseCliOptions(['--verbose'])).toThrow(TypeError);
  });
});
