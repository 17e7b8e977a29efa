import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from './support/loopback.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'clawgate-home-')), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`clawgate ${args.join(' ')} did not exit; stdout: ${stdout} stderr: ${stderr}`),
      );
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('clawgate CLI', () => {
  it('demo shows the 429 failover, the streamed answer and the cooling profile, and exits 0', async () => {
    const result = await runCli(['demo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[failover] openai-primary -> anthropic-fallback (rate_limit)');
    expect(result.stdout).toContain(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(result.stdout).toContain(
      '[done] served by anthropic-fallback; 12 input / 30 output tokens',
    );
    expect(result.stdout).toMatch(/openai-primary: cooling_down for (29|30) s \(rate_limit\)/);
  });

  it('start refuses an invalid configuration file with the path and value named, exit 2', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'clawgate-bad-config-'));
    const path = join(directory, 'clawgate.json');
    writeFileSync(path, JSON.stringify({ gateway: { port: 'eighty' } }));
    const result = await runCli(['start', '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`clawgate: ${path} is invalid:`);
    expect(result.stderr).toContain(
      'gateway.port: Invalid input: expected number, received string (got "eighty")',
    );
  });

  it('start refuses a non-loopback bind without a configured token, exit 2', async () => {
    const result = await runCli(['start', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without a configured token');
  });

  it('start refuses a CLAWGATE_TOKEN shorter than 16 characters without showing it, exit 2', async () => {
    const result = await runCli(['start', '--port', '0'], { CLAWGATE_TOKEN: 'short-tok' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'clawgate: CLAWGATE_TOKEN: a token must be at least 16 characters (got 9)\n',
    );
  });

  it('start keeps environment secrets out of a configuration error', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'clawgate-dup-config-'));
    const path = join(directory, 'clawgate.json');
    const profile = { name: 'a', provider: 'openai', api_key: '${OPENAI_API_KEY}', model: 'm' };
    writeFileSync(path, JSON.stringify({ providers: { profiles: [profile, profile] } }));
    const secret = 'sk-proj-secret-from-the-environment';
    const result = await runCli(['start', '--config', path], { OPENAI_API_KEY: secret });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('providers.profiles[1].name: profile names must be unique');
    expect(result.stderr).not.toContain(secret);
  });

  it('start without config or keys serves from the simulator, and chat streams an answer', async () => {
    const stateDirectory = mkdtempSync(join(tmpdir(), 'clawgate-state-'));
    const server = await startServerProcess(['--port', '0', '--state-dir', stateDirectory], {
      HOME: stateDirectory,
    });
    try {
      expect(server.stdout()).toContain(
        'no config file and no provider keys: serving recorded answers from the built-in upstream simulator',
      );
      expect(server.stdout()).toContain(`"path":"${join(stateDirectory, 'token')}"`);

      const chat = await runCli([
        'chat',
        '--url',
        server.url,
        '--state-dir',
        stateDirectory,
        'hello',
      ]);
      expect(chat.code).toBe(0);
      expect(chat.stdout).toContain('Harmony Day');

      const empty = await runCli(['chat', '--url', server.url, '--state-dir', stateDirectory, '']);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toContain(
        'error: Invalid params\n  message: Too small: expected string to have >=1 characters',
      );

      const wrong = await runCli([
        'chat',
        '--url',
        server.url,
        '--token',
        'not-the-token',
        'hello',
      ]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/UNAUTHORIZED|401/);

      expect(await server.stop()).toBe(0);
    } finally {
      server.kill();
    }
  });

  it('chat finds the server through its configuration file: address, state directory, token', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'clawgate-configured-'));
    const stateDirectory = join(directory, 'custom-state');
    const path = join(directory, 'clawgate.json');
    const port = await freePort();
    writeFileSync(path, JSON.stringify({ gateway: { port }, state_dir: stateDirectory }));
    const server = await startServerProcess(['--config', path], { HOME: directory });
    try {
      expect(server.url).toBe(`ws://127.0.0.1:${port}`);

      // No --url, no --token, no --state-dir: all of it comes from the file.
      const chat = await runCli(['chat', '--config', path, 'hello'], { HOME: directory });
      expect(chat.stderr).toBe('');
      expect(chat.code).toBe(0);
      expect(chat.stdout).toContain('Harmony Day');

      expect(await server.stop()).toBe(0);
    } finally {
      server.kill();
    }
  });
});

describe('pnpm start and pnpm serve', () => {
  it('passes SIGTERM from pnpm on to the server, which shuts down and frees its port', async () => {
    const home = mkdtempSync(join(tmpdir(), 'clawgate-pnpm-start-'));
    const port = await freePort();
    const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    // `start` builds, then hands over to `serve` with exec; `serve` runs here without the
    // build, which would rewrite built files while other tests read them.
    expect(manifest.scripts.start).toBe('pnpm build && exec pnpm serve');
    const pnpm = spawn('pnpm', ['serve', '--port', String(port)], {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => pnpm.on('exit', resolve));
    try {
      let output = '';
      pnpm.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
      pnpm.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
      const deadline = Date.now() + 60_000;
      while (!output.includes('clawgate is listening on')) {
        if (Date.now() > deadline) throw new Error(`pnpm start did not come up: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      pnpm.kill('SIGTERM');

      expect(await exited).toBe(0);
      expect(output).toContain('shut down');
      const probe = createServer();
      // The port is free again: the server did not outlive pnpm.
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    } finally {
      pnpm.kill('SIGKILL');
    }
  }, 90_000);
});

/** Starts `clawgate start` as a child process and waits until it is listening. */
async function startServerProcess(args: string[], env: NodeJS.ProcessEnv) {
  const server = spawn(process.execPath, [CLI, 'start', ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  server.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 10_000);
    server.stderr.on('data', (chunk: Buffer) => {
      const match = /listening on (ws:\/\/\S+);/.exec(String(chunk));
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url,
    stdout: () => stdout,
    stop: async (): Promise<number | null> => {
      server.kill('SIGTERM');
      return exited;
    },
    kill: () => server.kill('SIGKILL'),
  };
}
