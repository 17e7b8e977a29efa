import { ReconnectingClient } from '@clawgate/client';
import { UpstreamSimulator, upstreamErrorCase } from '@clawgate/upstream-sim';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from './logger.js';
import { runTurn } from './run-turn.js';
import { startServer } from './server.js';

const OPENAI_KEY = 'demo-openai-key';
const ANTHROPIC_KEY = 'demo-anthropic-key';
const RETRY_AFTER_SECONDS = 30;

const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * Starts a simulator and a server in this process, runs one turn whose first profile
 * answers 429 and whose second streams a recorded answer, prints what happened, and
 * returns the exit code.
 */
export async function demoCommand(): Promise<number> {
  const stateDirectory = mkdtempSync(join(tmpdir(), 'clawgate-demo-'));
  const simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  const rateLimited = upstreamErrorCase('openai-rate-limit-requests');
  simulator.script(OPENAI_KEY, {
    kind: 'error',
    status: 429,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    body: 'body' in rateLimited ? rateLimited.body : {},
  });
  const configPath = join(stateDirectory, 'clawgate.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      gateway: { host: '127.0.0.1', port: 0 },
      providers: {
        failover: { strategy: 'priority' },
        profiles: [
          {
            name: 'openai-primary',
            provider: 'openai',
            api_key: OPENAI_KEY,
            base_url: simulator.openaiBaseUrl,
            model: 'gpt-4.1-mini',
            priority: 1,
          },
          {
            name: 'anthropic-fallback',
            provider: 'anthropic',
            api_key: ANTHROPIC_KEY,
            base_url: simulator.anthropicBaseUrl,
            model: 'claude-sonnet-4-5',
            priority: 2,
          },
        ],
      },
    }),
  );
  const server = await startServer({
    configPath,
    stateDirectory,
    port: 0,
    logger: createLogger({ level: 'silent' }),
  });
  const client = await ReconnectingClient.connect({ url: server.url, token: server.token });
  try {
    write(`simulator ${simulator.url}; gateway ${server.url}`);
    write(
      `openai-primary (OpenAI format) will answer 429 with retry-after: ${RETRY_AFTER_SECONDS}`,
    );
    write('> hello');
    const outcome = await runTurn({
      client,
      message: 'hello',
      printer: {
        delta: (text) => process.stdout.write(text),
        failover: ({ from, to, reason }) => write(`[failover] ${from} -> ${to} (${reason})`),
      },
    });
    process.stdout.write('\n');
    if (outcome.status !== 'done') {
      write(`turn failed: ${outcome.error?.code ?? ''} ${outcome.error?.message ?? ''}`);
      return 1;
    }
    write(
      `[done] served by ${outcome.profile ?? '?'}; ${outcome.usage?.inputTokens ?? 0} input / ${outcome.usage?.outputTokens ?? 0} output tokens`,
    );

    const status = await client.request('providers.status', {});
    write('providers.status:');
    for (const profile of status.profiles as Array<Record<string, unknown>>) {
      const until =
        typeof profile.cooldownUntilMs === 'number'
          ? ` for ${Math.round((profile.cooldownUntilMs - Date.now()) / 1000)} s (${String(profile.unavailableReason)})`
          : '';
      write(`  ${String(profile.name)}: ${String(profile.state)}${until}`);
    }
    return outcome.failovers.length === 1 ? 0 : 1;
  } finally {
    await client.close();
    await server.close();
    await simulator.close();
    rmSync(stateDirectory, { recursive: true, force: true });
  }
}
