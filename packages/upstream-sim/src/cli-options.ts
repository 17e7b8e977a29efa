import { parseArgs } from 'node:util';

/** The command line of the `upstream-sim` CLI, parsed. */
export interface CliOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  readonly port: number;
  /** Interface to bind. Default `127.0.0.1`. */
  readonly host: string;
  /** Whether `--help` was given. */
  readonly help: boolean;
}

/** Usage text of the CLI. */
export const CLI_USAGE = [
  'Usage: upstream-sim [--port <number>] [--host <address>]',
  '',
  '  --port, -p  TCP port to listen on; 0 picks a free one (default 0)',
  '  --host      interface to bind (default 127.0.0.1)',
  '  --help, -h  show this help',
].join('\n');

/**
 * Parses the CLI arguments (without `node` and the script path).
 *
 * @throws TypeError for an unknown option; RangeError for a port that is not 0-65535.
 */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', short: 'p', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });

  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new RangeError(`--port is '${values.port}'; expected an integer 0-65535`);
  }
  return { port, host: values.host, help: values.help };
}
