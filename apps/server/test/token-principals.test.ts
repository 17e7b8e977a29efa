import { GatewayClient } from '@clawgate/client';
import { UpstreamSimulator } from '@clawgate/upstream-sim';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredServer } from './support/configured-server.js';
import { simulatedProfileConfig } from './support/simulated-adapter.js';

/** Conversations stay with the token that made them when the configured tokens change. */
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef';
const UPSTREAM_KEY = 'principals-openai-key';

let simulator: UpstreamSimulator;
let directory: string;

beforeAll(async () => {
  simulator = await UpstreamSimulator.start({ host: '127.0.0.1', port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'clawgate-principals-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

function startWith(token: string, tokens: string[]) {
  return startConfiguredServer({
    directory,
    name: 'clawgate',
    stateName: 'state',
    config: {
      gateway: { token, tokens },
      providers: { profiles: [simulatedProfileConfig(simulator, UPSTREAM_KEY)] },
    },
  });
}

describe('token principals', () => {
  it('keep each conversation with its token when the tokens are reordered', async () => {
    simulator.script(UPSTREAM_KEY, { kind: 'ok', fixture: 'openai-chat-text' });
    const first = await startWith(ALICE, [BOB]);
    const alice = await GatewayClient.connect({ url: first.url, token: ALICE });
    const { runId } = await alice.request('agent', {
      message: 'secret plans',
      sessionKey: 'plans',
    });
    await alice.request('agent.wait', { runId, timeoutMs: 10_000 });
    await alice.close();
    await first.close({ graceMs: 1_000 });

    const second = await startWith(BOB, [ALICE]);
    const bob = await GatewayClient.connect({ url: second.url, token: BOB });
    const aliceAgain = await GatewayClient.connect({ url: second.url, token: ALICE });

    expect(await bob.request('sessions.list')).toEqual({ sessions: [] });
    expect(
      await bob.request('sessions.get', { sessionKey: 'plans' }).catch((error: unknown) => error),
    ).toMatchObject({ dataCode: 'NOT_FOUND' });
    expect((await aliceAgain.request('sessions.list')).sessions).toMatchObject([
      { sessionKey: 'plans', messageCount: 2 },
    ]);
    await Promise.all([bob.close(), aliceAgain.close()]);
    await second.close({ graceMs: 1_000 });
  });
});
