#!/usr/bin/env node
import { Command } from 'commander';
import { chatCommand } from './chat-command.js';
import { ConfigError } from './config-error.js';
import { demoCommand } from './demo-command.js';
import { startCommand } from './start-command.js';
import { SERVER_VERSION } from './version.js';

// A reader that went away (`clawgate chat ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command()
  .name('clawgate')
  .description(
    'A self-hosted gateway for AI agents: one WebSocket, a pool of provider keys behind it.',
  )
  .version(SERVER_VERSION);

program
  .command('start')
  .description('start the gateway (without config or keys it serves from a built-in simulator)')
  .option(
    '-c, --config <path>',
    'configuration file (default: $CLAWGATE_CONFIG or ./clawgate.json)',
  )
  .option('--host <host>', 'bind address (overrides gateway.host)')
  .option('-p, --port <port>', 'port, 0 for a free one (overrides gateway.port)')
  .option('--state-dir <path>', 'state directory (default: $CLAWGATE_STATE_DIR or ~/.clawgate)')
  .action(async (options) => {
    await startCommand(options);
  });

program
  .command('chat')
  .description('send one message to a running gateway and stream the answer')
  .argument('<message>', 'what to say')
  .option(
    '--url <url>',
    'gateway URL (default: $CLAWGATE_URL, else the configured address, ws://127.0.0.1:18789)',
  )
  .option(
    '-c, --config <path>',
    "the server's configuration file, for its address, token and state directory",
  )
  .option(
    '--token <token>',
    'gateway token (default: the configured one, $CLAWGATE_TOKEN, or the stored one)',
  )
  .option('--state-dir <path>', 'state directory holding the stored token')
  .option('-s, --session <key>', 'conversation to continue')
  .option('--timeout <ms>', 'request timeout in milliseconds', '30000')
  .action(async (message: string, options) => {
    process.exitCode = await chatCommand(message, options);
  });

program
  .command('demo')
  .description(
    'run one turn against a simulated outage: 429 on the first profile, failover to the second',
  )
  .action(async () => {
    process.exitCode = await demoCommand();
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`clawgate: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`clawgate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
