import { recordedText, upstreamErrorCase, UpstreamSimulator } from '@clawgate/upstream-sim';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../src/logger.js';
import { startServer, type RunningServer } from '../src/server.js';

const OPENAI_KEY = 'e2e-openai-key';
const ANTHROPIC_KEY = 'e2e-anthropic-key';

type Frame = Record<string, unknown>;

/** A raw WebSocket client that keeps every frame it receives, in order. */
class WireClient {
  readonly frames: Frame[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<WireClient> {
    const socket = new WebSocket(url, { headers });
    const client = new WireClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: Frame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  events(runId: string): Frame[] {
    return this.frames
      .filter((frame) => frame.method === 'agent.event')
      .map((frame) => frame.params as Frame)
      .filter((params) => params.runId === runId);
  }

  close(): void {
    this.socket.close();
  }
}

describe('walking skeleton', () => {
  let simulator: UpstreamSimulator;
  let server: RunningServer;
  let stateDirectory: string;

  beforeAll(async () => {
    simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
    const rateLimited = upstreamErrorCase('openai-rate-limit-requests');
    simulator.script(OPENAI_KEY, {
      kind: 'error',
      status: 429,
      headers: { 'retry-after': '30' },
      body: 'body' in rateLimited ? rateLimited.body : {},
    });
    stateDirectory = mkdtempSync(join(tmpdir(), 'clawgate-e2e-'));
    const configPath = join(stateDirectory, 'clawgate.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        gateway: { token: '${E2E_GATEWAY_TOKEN}' },
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
    server = await startServer({
      configPath,
      stateDirectory,
      port: 0,
      env: { E2E_GATEWAY_TOKEN: 'e2e-token-0123456789abcdef' },
      logger: createLogger({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await server?.close();
    await simulator?.close();
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  const connect = () => WireClient.open(server.url, { authorization: `Bearer ${server.token}` });

  async function runTurn(
    client: WireClient,
    id: number,
  ): Promise<{ runId: string; events: Frame[] }> {
    client.send({
      jsonrpc: '2.0',
      id,
      method: 'agent',
      params: { message: 'hello', sessionKey: 'e2e' },
    });
    const response = await client.waitFor((frame) => frame.id === id);
    expect(response).toEqual({
      jsonrpc: '2.0',
      id,
      result: { runId: expect.any(String), status: 'accepted' },
    });
    const runId = (response.result as Frame).runId as string;
    // The runId arrives before any event that carries it.
    const firstEventIndex = client.frames.findIndex(
      (frame) => frame.method === 'agent.event' && (frame.params as Frame).runId === runId,
    );
    expect(firstEventIndex === -1 || firstEventIndex > client.frames.indexOf(response)).toBe(true);
    await client.waitFor(
      (frame) =>
        frame.method === 'agent.event' &&
        (frame.params as Frame).runId === runId &&
        ['done', 'error'].includes((frame.params as Frame).type as string),
    );
    return { runId, events: client.events(runId) };
  }

  it('streams the fallback answer after the first profile answers 429, then skips that profile', async () => {
    const client = await connect();
    const connected = await client.waitFor((frame) => frame.method === 'connected');
    expect(connected.params).toMatchObject({ sessionId: expect.any(String), resumed: false });

    const first = await runTurn(client, 1);
    const types = first.events.map((event) => event.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('done');
    const deltas = first.events
      .filter((event) => event.type === 'delta')
      .map((event) => event.text);
    expect(deltas.join('')).toBe(recordedText('anthropic-text'));
    const failovers = first.events.filter((event) => event.type === 'failover');
    expect(failovers).toEqual([
      expect.objectContaining({
        from: 'openai-primary',
        to: 'anthropic-fallback',
        reason: 'rate_limit',
      }),
    ]);
    const done = first.events.at(-1);
    expect(done).toMatchObject({
      profile: 'anthropic-fallback',
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 30 },
      text: recordedText('anthropic-text'),
    });
    const seqs = first.events.map((event) => event.seq as number);
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] as number) + index));

    const second = await runTurn(client, 2);
    expect(second.events.some((event) => event.type === 'failover')).toBe(false);
    expect(second.events.at(-1)).toMatchObject({ type: 'done', profile: 'anthropic-fallback' });
    expect(simulator.requestsFor(OPENAI_KEY)).toHaveLength(1);
    expect(simulator.requestsFor(ANTHROPIC_KEY)).toHaveLength(2);
    expect((second.events[0]?.seq as number) > (seqs.at(-1) as number)).toBe(true);

    client.send({ jsonrpc: '2.0', id: 3, method: 'providers.status' });
    const status = await client.waitFor((frame) => frame.id === 3);
    const profiles = (status.result as { profiles: Frame[] }).profiles;
    expect(profiles.find((profile) => profile.name === 'openai-primary')).toMatchObject({
      state: 'cooling_down',
      unavailableReason: 'rate_limit',
    });
    client.close();
  });

  it('routes a turn that names a model to the profile serving it, and refuses an unknown model', async () => {
    const client = await connect();
    await client.waitFor((frame) => frame.method === 'connected');
    client.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'agent',
      params: { message: 'hi', model: 'gpt-9' },
    });
    expect(await client.waitFor((frame) => frame.id === 1)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32004,
        message:
          'no profile serves model "gpt-9"; configured models: gpt-4.1-mini, claude-sonnet-4-5',
        data: { code: 'NOT_FOUND' },
      },
    });

    client.send({
      jsonrpc: '2.0',
      id: 2,
      method: 'agent',
      params: { message: 'hi', model: 'claude-sonnet-4-5' },
    });
    const accepted = await client.waitFor((frame) => frame.id === 2);
    const runId = (accepted.result as Frame).runId;
    const done = await client.waitFor(
      (frame) =>
        (frame.params as Frame | undefined)?.runId === runId &&
        (frame.params as Frame).type === 'done',
    );
    expect(done.params).toMatchObject({ profile: 'anthropic-fallback' });
    client.close();
  });

  it('refuses a wrong bearer token on the upgrade with UNAUTHORIZED', async () => {
    const refusal = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(server.url, {
        headers: { authorization: 'Bearer wrong-token' },
      });
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += String(chunk)));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      socket.on('open', () => reject(new Error('a wrong token was accepted')));
      socket.on('error', () => undefined);
    });
    expect(refusal.status).toBe(401);
    expect(JSON.parse(refusal.body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('refuses a wrong token in the connect frame with UNAUTHORIZED', async () => {
    const client = await WireClient.open(server.url);
    client.send({ jsonrpc: '2.0', id: 1, method: 'connect', params: { token: 'wrong-token' } });
    const response = await client.waitFor((frame) => frame.id === 1);
    expect(response).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
    client.close();
  });

  it('answers a malformed frame with -32700 and keeps the connection working', async () => {
    const client = await connect();
    await client.waitFor((frame) => frame.method === 'connected');
    client.send('{"jsonrpc": "2.0", "method": "health", "id": 1');
    const parseError = await client.waitFor((frame) => 'error' in frame);
    expect(parseError).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });

    client.send({ jsonrpc: '2.0', id: 2, method: 'health' });
    const health = await client.waitFor((frame) => frame.id === 2);
    expect(health).toMatchObject({ jsonrpc: '2.0', id: 2, result: { ok: true } });
    client.close();
  });
});
