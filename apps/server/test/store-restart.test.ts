import { principalOf } from '@clawgate/gateway';
import type { GatewayClient } from '@clawgate/client';
import { recordedText, UpstreamSimulator } from '@clawgate/upstream-sim';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/database.js';
import { RunStore } from '../src/store/run-store.js';
import { connectWhenListening, freePort, until } from './support/loopback.js';
import { CLI, spawnServer } from './support/server-process.js';
import { simulatedProfileConfig } from './support/simulated-adapter.js';

/**
 * The embedded store across real restarts of a server process: conversations continue, and a
 * process killed with SIGKILL mid-turn loses nothing it had acknowledged.
 */
const TOKEN = 'store-token-0123456789abcdef';
const UPSTREAM_KEY = 'store-openai-key';

let simulator: UpstreamSimulator;
let directory: string;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'clawgate-store-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

function writeConfig(name: string, port: number): string {
  const path = join(directory, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      gateway: { token: TOKEN, port },
      state_dir: join(directory, `${name}-state`),
      providers: {
        profiles: [simulatedProfileConfig(simulator, UPSTREAM_KEY)],
      },
    }),
  );
  return path;
}

/** Starts `clawgate start --config` and connects once it listens. */
async function startChild(
  configPath: string,
  port: number,
): Promise<{ child: ChildProcess; client: GatewayClient; exited: Promise<unknown> }> {
  const { child, exited } = spawnServer(configPath, directory);
  const client = await connectWhenListening(`ws://127.0.0.1:${port}`, TOKEN);
  return { child, client, exited };
}

type Delta = { type: string; runId: string };

describe('the embedded store across restarts', () => {
  it('keeps every acknowledged message and marks the run a SIGKILL interrupted', async () => {
    simulator.clearRequests();
    const port = await freePort();
    const configPath = writeConfig('crash', port);
    const first = await startChild(configPath, port);
    let done = { runId: '' };
    let killed = { runId: '' };
    try {
      simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' });
      done = await first.client.request('agent', { message: 'first', sessionKey: 'work' });
      const result = await first.client.request('agent.wait', {
        runId: done.runId,
        timeoutMs: 10_000,
      });
      expect(result.status).toBe('done');

      // The second turn streams slowly; the process is killed while it does.
      simulator.script(UPSTREAM_KEY, {
        kind: 'ok',
        fixture: 'openai-chat-text',
        chunkDelayMs: 10,
      });
      const events: Delta[] = [];
      first.client.on('agent.event', (params) => events.push(params as Delta));
      killed = await first.client.request('agent', { message: 'second', sessionKey: 'work' });
      await until(() => events.filter((event) => event.type === 'delta').length >= 5);
      first.child.kill('SIGKILL');
      await first.exited;
    } finally {
      first.child.kill('SIGKILL');
    }

    const second = await startChild(configPath, port);
    try {
      const history = await second.client.request('sessions.history', { sessionKey: 'work' });
      // Both runs can still be waited for: one done with its text, one interrupted.
      expect(
        await second.client.request('agent.wait', { runId: done.runId, timeoutMs: 1_000 }),
      ).toEqual({
        runId: done.runId,
        status: 'done',
        text: recordedText('openai-chat-text'),
        usage: expect.any(Object),
        profile: 'primary',
      });
      expect(
        await second.client.request('agent.wait', { runId: killed.runId, timeoutMs: 1_000 }),
      ).toEqual({
        runId: killed.runId,
        status: 'error',
        error: { code: 'INTERRUPTED', message: 'the server stopped before the run finished' },
      });
      const summary = await second.client.request('sessions.get', { sessionKey: 'work' });

      expect(history.messages.map((message) => [message.role, message.content])).toEqual([
        ['user', 'first'],
        ['assistant', recordedText('openai-chat-text')],
        ['user', 'second'],
      ]);
      expect(summary).toMatchObject({ sessionKey: 'work', messageCount: 3 });
      const database = openDatabase(join(directory, 'crash-state', 'clawgate.db'));
      const runs = new RunStore(database).ofConversation(principalOf(TOKEN), 'work');
      database.close();
      expect(runs.map((run) => [run.message, run.status])).toEqual([
        ['first', 'done'],
        ['second', 'interrupted'],
      ]);
      await second.client.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('ends chat with INTERRUPTED when the server is killed mid-turn and comes back', async () => {
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text', chunkDelayMs: 200 });
    const port = await freePort();
    const configPath = writeConfig('chat-killed', port);
    const first = await startChild(configPath, port);
    await first.client.close();
    let output = '';
    const chat = spawn(process.execPath, [CLI, 'chat', '--config', configPath, 'tell me'], {
      env: { PATH: process.env.PATH, HOME: directory },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    chat.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    chat.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const chatExited = new Promise<number | null>((resolve) => chat.on('exit', resolve));
    try {
      await until(() => simulator.requestsFor(UPSTREAM_KEY).length > 0 && output.length > 0);
      first.child.kill('SIGKILL');
      await first.exited;

      const second = await startChild(configPath, port);
      try {
        expect(await chatExited).toBe(1);
        expect(output).toContain('INTERRUPTED');
        await second.client.close();
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      chat.kill('SIGKILL');
      first.child.kill('SIGKILL');
    }
  }, 30_000);

  it('lets chat --session continue a conversation after the server restarts', async () => {
    simulator.clearRequests();
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' }, { sticky: true });
    const port = await freePort();
    const configPath = writeConfig('continue', port);
    const chat = (message: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [CLI, 'chat', '--config', configPath, '--session', 'work', message],
          { env: { PATH: process.env.PATH, HOME: directory }, stdio: 'ignore' },
        );
        child.on('exit', resolve);
      });

    for (const message of ['before the restart', 'after the restart']) {
      const server = await startChild(configPath, port);
      try {
        await server.client.close();
        expect(await chat(message)).toBe(0);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }

    const bodies = simulator
      .requestsFor(UPSTREAM_KEY)
      .map(
        (request) =>
          (request.body as { messages: Array<{ role: string; content: string }> }).messages,
      );
    expect(bodies).toHaveLength(2);
    expect(bodies[1]?.map((message) => [message.role, message.content])).toEqual([
      ['user', 'before the restart'],
      ['assistant', recordedText('openai-chat-text')],
      ['user', 'after the restart'],
    ]);
  });

  it('reads no conversation into being', async () => {
    const port = await freePort();
    const server = await startChild(writeConfig('reading', port), port);
    try {
      const missing = await server.client
        .request('sessions.get', { sessionKey: 'nobody' })
        .catch((thrown: unknown) => thrown);
      const list = await server.client.request('sessions.list', {});

      expect(missing).toMatchObject({ dataCode: 'NOT_FOUND' });
      expect(list).toEqual({ sessions: [] });
      await server.client.close();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
