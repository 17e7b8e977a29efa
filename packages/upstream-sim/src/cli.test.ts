import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const notBuilt = `${cliPath} is not built; run pnpm --filter @clawgate/upstream-sim build`;
const children: ChildProcess[] = [];

function startCli(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess): Promise<string> {
  if (child.stdout === null) throw new Error('the CLI has no stdout');
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

describe('cli', () => {
  it('prints the URL, serves the APIs and closes on SIGTERM', async (context) => {
    context.skip(!existsSync(cliPath), notBuilt);
    const child = startCli(['--port', '0', '--host', '127.0.0.1']);

    const line = await firstLine(child);
    const url = /^upstream-sim listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
    expect(url, line).toBeDefined();
    const answer = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-cli' },
      body: '{}',
    });
    expect(await answer.json()).toMatchObject({ type: 'message', role: 'assistant' });
    const hanging = fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-cli', 'x-sim-script': '{"kind":"hang"}' },
      body: '{}',
    }).then(
      () => 'answered',
      () => 'failed',
    );
    await expect
      .poll(async () => {
        const listing = await fetch(`${url}/_sim/requests`).then((response) => response.json());
        return (listing as { requests: unknown[] }).requests.length;
      })
      .toBe(2);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');

    expect(await exited).toEqual([0, null]);
    expect(await hanging).toBe('failed');
  });

  it('exits with status 2 and the usage for a bad option', async (context) => {
    context.skip(!existsSync(cliPath), notBuilt);
    const child = startCli(['--port', 'twelve']);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(2);
    expect(stderr).toContain("--port is 'twelve'; expected an integer 0-65535");
    expect(stderr).toContain('Usage: upstream-sim');
  });
});
