import {
  functionProvider,
  ProviderPool,
  type ChatRequest,
  type PoolProfile,
} from '@clawgate/providers-core';
import { describe, expect, it } from 'vitest';
import { AgentRunner, type RunEventSink } from './agent-runner.js';
import { omissionNote } from './context-window.js';
import { secretRedactor } from './secret-redactor.js';
import { ConversationStore } from './store/conversation-store.js';
import { openDatabase } from './store/database.js';
import { RunStore } from './store/run-store.js';

type Call = (request: ChatRequest) => Promise<{ text: string }>;

function runnerOver(
  call: Call,
  profile: Partial<PoolProfile> = {},
  redact?: (text: string) => string,
) {
  const database = openDatabase(':memory:');
  const pool = new ProviderPool({
    profiles: [
      { name: 'only', model: 'm', provider: functionProvider({ kind: 'test', call }), ...profile },
    ],
    maxAttempts: 1,
  });
  const conversations = new ConversationStore(database);
  const runner = new AgentRunner({
    pool,
    conversations,
    runRecords: new RunStore(database),
    ...(redact ? { redact } : {}),
  });
  const events: Array<Record<string, unknown>> = [];
  const sink: RunEventSink = { emit: (_method, params) => events.push(params) };
  const turn = async (sessionKey: string, message: string) => {
    const { runId } = runner.start({ owner: 'token-0', sessionKey, message, sink });
    return runner.settled(runId);
  };
  return { runner, conversations, events, sink, turn };
}

describe('AgentRunner turns', () => {
  it('runs turns on one conversation one at a time, in order, each seeing the one before', async () => {
    const log: string[] = [];
    const { runner, sink } = runnerOver(async (request) => {
      const last = String(request.messages.at(-1)?.content);
      log.push(`start ${last} after ${request.messages.length - 1} messages`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push(`end ${last}`);
      return { text: `answer to ${last}` };
    });

    const first = runner.start({ owner: 'token-0', sessionKey: 'k', message: 'one', sink });
    const second = runner.start({ owner: 'token-0', sessionKey: 'k', message: 'two', sink });
    await Promise.all([runner.settled(first.runId), runner.settled(second.runId)]);

    expect(log).toEqual([
      'start one after 0 messages',
      'end one',
      'start two after 2 messages',
      'end two',
    ]);
  });

  it('runs turns on different conversations in parallel', async () => {
    let running = 0;
    let mostRunning = 0;
    const { turn } = runnerOver(async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return { text: 'ok' };
    });

    await Promise.all([turn('a', 'hi'), turn('b', 'hi'), turn('c', 'hi')]);

    expect(mostRunning).toBe(3);
  });

  it('leaves old exchanges out to fit the profile window and says so in an event', async () => {
    const requests: ChatRequest[] = [];
    const long = 'x'.repeat(400);
    const { turn, events } = runnerOver(
      async (request) => {
        requests.push(request);
        return { text: long };
      },
      { contextWindow: 400 },
    );

    // Each exchange is about 2 x 104 tokens; a 400-token window keeps 200 for the answer.
    await turn('k', long);
    await turn('k', 'short question');

    expect(requests[1]?.messages).toEqual([
      omissionNote(2),
      { role: 'user', content: 'short question' },
    ]);
    expect(events.filter((event) => event.type === 'context_trimmed')).toEqual([
      {
        runId: expect.any(String),
        sessionKey: 'k',
        type: 'context_trimmed',
        profile: 'only',
        droppedMessages: 2,
      },
    ]);
  });

  it('stops the turns of a conversation being cleared, which then store nothing more', async () => {
    const { runner, conversations, sink } = runnerOver((_request) => new Promise(() => undefined));
    const running = runner.start({ owner: 'token-0', sessionKey: 'k', message: 'one', sink });
    const waiting = runner.start({ owner: 'token-0', sessionKey: 'k', message: 'two', sink });
    const elsewhere = runner.start({ owner: 'token-0', sessionKey: 'other', message: 'x', sink });
    await expect.poll(() => conversations.messages('token-0', 'k').length).toBe(1);

    expect(await runner.stopConversation('token-0', 'k')).toBe(2);
    conversations.delete('token-0', 'k');

    expect(await runner.settled(running.runId)).toMatchObject({
      status: 'error',
      error: {
        code: 'ABORTED',
        message: 'the conversation was reset or deleted while the turn ran',
      },
    });
    expect(await runner.settled(waiting.runId)).toMatchObject({ error: { code: 'ABORTED' } });
    expect(conversations.get('token-0', 'k')).toBeUndefined();
    expect(runner.abort(elsewhere.runId, 'token-0')).toBe(true);
  });

  it("hides configured secrets in the error a client sees, whoever's they are", async () => {
    const { turn, events } = runnerOver(
      async () => {
        throw Object.assign(new Error('proxy says: key sk-other-profile-secret is invalid'), {
          status: 400,
        });
      },
      {},
      secretRedactor(['sk-other-profile-secret']),
    );

    const result = await turn('k', 'hi');

    expect(result?.error?.message).toContain('proxy says: key [redacted] is invalid');
    expect(JSON.stringify(events)).not.toContain('sk-other-profile-secret');
  });
});
