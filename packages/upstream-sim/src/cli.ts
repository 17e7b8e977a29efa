#!/usr/bin/env node
import { CLI_USAGE, parseCliOptions, type CliOptions } from './cli-options.js';
import { UpstreamSimulator } from './upstream-simulator.js';

async function main(argv: readonly string[]): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n`);
    process.stderr.write(`${CLI_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }

  let sim: UpstreamSimulator;
  try {
    sim = await UpstreamSimulator.start({ port: options.port, host: options.host });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`upstream-sim could not start: ${reason}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`upstream-sim listening on ${sim.url}\n`);

  const stop = (): void => {
    void sim.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main(process.argv.slice(2));
