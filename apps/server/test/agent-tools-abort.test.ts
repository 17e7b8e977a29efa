import { GatewayClient } from '@clawgate/client';
import { recordedText, UpstreamSimulator } from '@clawgate/upstream-sim';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_TOOL_RESULT } from '../src/repair-history.js';
import type { RunningServer } from '../src/server.js';
import { until } from './support/loopback.js';
import { startConfiguredServer } from './support/configured-server.js';
import { simulatedProfileConfig } from './support/simulated-adapter.js';

/**
 * `agent.abort` while the real `fetch_url` tool waits on a loopback page that never
 * answers, through the server end to end: the fetch is cancelled, the turn ends ABORTED, and
 * the call it left open is answered as missing on the next turn.
 */
const TOKEN = 'tools-abort-token-0123456789abcdef';
const UPSTREAM_KEY = 'tools-abort-openai-key';
const SESSION = 'stalled-fetch';
/** Far longer than any wait of the test: the turn must end by the abort, not by this. */
const TOOL_TIMEOUT_MS = 60_000;
/** How long the test gives the abort to take effect. */
const PROMPTLY_MS = 3_000;

type AgentEvent = Record<string, unknown> & { seq: number; runId: string; type: string };

let simulator: UpstreamSimulator;
let directory: string;
let page: Server;
let pageUrl: string;
/** Requests the stalled page accepted, and whether each one's connection has closed. */
const pageRequests: Array<{ request: IncomingMessage; closed: boolean }> = [];

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'clawgate-tools-abort-'));
  // Accepts every request and never answers.
  page = createServer((request) => {
    const seen = { request, closed: false };
    pageRequests.push(seen);
    request.socket.once('close', () => {
      seen.closed = true;
    });
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const address = page.address();
  if (typeof address !== 'object' || address === null) throw new Error('the page has no port');
  pageUrl = `http://127.0.0.1:${address.port}/slow`;
});
afterAll(async () => {
  page.closeAllConnections();
  await new Promise<void>((resolve) => page.close(() => resolve()));
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The server with one OpenAI-format profile and `fetch_url` allowed on the stalled page. */
function startWithFetchUrl(): Promise<RunningServer> {
  return startConfiguredServer({
    directory,
    name: 'clawgate',
    stateName: 'state',
    config: {
      gateway: { token: TOKEN },
      providers: { profiles: [simulatedProfileConfig(simulator, UPSTREAM_KEY)] },
      tools: { fetch_url: { allow: [new URL(pageUrl).origin], timeout_ms: TOOL_TIMEOUT_MS } },
    },
  });
}

describe('agent.abort while a tool runs', () => {
  it('cancels the fetch, ends the turn ABORTED and answers the open call as missing next turn', async () => {
    const server = await startWithFetchUrl();
    const client = await GatewayClient.connect({ url: server.url, token: TOKEN });
    const events: AgentEvent[] = [];
    client.on('agent.event', (params) => events.push(params as AgentEvent));
    simulator.script(UPSTREAM_KEY, [
      {
        kind: 'tool-call',
        calls: [{ id: 'call_fetch', name: 'fetch_url', arguments: { url: pageUrl } }],
      },
      { kind: 'ok', fixture: 'openai-chat-text' },
    ]);
    const toolCall = {
      id: 'call_fetch',
      name: 'fetch_url',
      arguments: JSON.stringify({ url: pageUrl }),
    };

    try {
      const { runId } = await client.request('agent', { message: 'read it', sessionKey: SESSION });
      await until(() => pageRequests.length === 1, PROMPTLY_MS);
      const aborted = await client.request('agent.abort', { runId });
      await until(() => events.some((event) => event.type === 'error'), PROMPTLY_MS);
      await until(() => pageRequests[0]?.closed === true, PROMPTLY_MS);

      expect(aborted).toEqual({ runId, aborted: true });
      expect(pageRequests[0]?.request.url).toBe('/slow');
      expect(events.map((event) => event.type)).toEqual(['start', 'tool_call', 'error']);
      expect(events.at(-1)).toEqual({
        seq: expect.any(Number),
        runId,
        sessionKey: SESSION,
        type: 'error',
        error: { code: 'ABORTED', message: 'the turn was aborted' },
        partial: true,
      });
      expect(simulator.requestsFor(UPSTREAM_KEY)).toHaveLength(1);
      const stored = await client.request('sessions.history', { sessionKey: SESSION });
      expect(stored.messages).toEqual([
        { id: expect.any(Number), createdAt: expect.any(Number), role: 'user', content: 'read it' },
        {
          id: expect.any(Number),
          createdAt: expect.any(Number),
          role: 'assistant',
          content: '',
          toolCalls: [toolCall],
        },
      ]);

      const next = await client.request('agent', { message: 'never mind', sessionKey: SESSION });
      const waited = await client.request('agent.wait', { runId: next.runId, timeoutMs: 10_000 });

      expect(waited).toMatchObject({ status: 'done', text: recordedText('openai-chat-text') });
      const bodies = simulator.requestsFor(UPSTREAM_KEY).map((request) => request.body);
      expect(bodies).toHaveLength(2);
      expect((bodies[1] as { messages: unknown }).messages).toEqual([
        { role: 'user', content: 'read it' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_fetch',
              type: 'function',
              function: { name: 'fetch_url', arguments: toolCall.arguments },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_fetch', content: MISSING_TOOL_RESULT },
        { role: 'user', content: 'never mind' },
      ]);
      expect(pageRequests).toHaveLength(1);
    } finally {
      await client.close();
      await server.close({ graceMs: 0 });
    }
  });
});
