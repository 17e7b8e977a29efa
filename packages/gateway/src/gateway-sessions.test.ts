import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, TEST_TOKEN, type RunningGateway } from './testing/start-gateway.js';
import { TestPeer } from './testing/test-peer.js';

let running: RunningGateway | undefined;

afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

interface Connected {
  params: { sessionId: string; resumed: boolean };
}

const delta = (seq: number, text: string): string =>
  '{"jsonrpc":"2.0","method":"agent.event","params":' +
  `{"type":"delta","runId":"run-1","sessionKey":"main","text":"${text}","seq":${seq}}}`;

async function openSession(
  gateway: RunningGateway,
): Promise<{ peer: TestPeer; sessionId: string }> {
  const peer = await TestPeer.open(gateway.url, { headers: gateway.authHeaders });
  const connected = (await peer.next()) as Connected;
  return { peer, sessionId: connected.params.sessionId };
}

function resume(peer: TestPeer, sessionId: string, lastSeq: number): void {
  peer.send({
    jsonrpc: '2.0',
    id: 1,
    method: 'connect',
    params: { token: TEST_TOKEN, resume: { sessionId, lastSeq } },
  });
}

describe('Gateway sessions', () => {
  it('numbers the events of a session from 1, one by one', async () => {
    running = await startGateway();
    const { peer } = await openSession(running);

    peer.send({ jsonrpc: '2.0', id: 1, method: 'agent', params: { message: 'a' } });
    expect(await peer.nextText()).toBe(delta(1, 'a'));
    expect(await peer.nextText()).toBe(
      '{"jsonrpc":"2.0","id":1,"result":{"runId":"run-1","status":"accepted"}}',
    );
    peer.send({ jsonrpc: '2.0', id: 2, method: 'agent', params: { message: 'b' } });
    expect(await peer.nextText()).toBe(delta(2, 'b'));
  });

  it('replays exactly the missed events on resume, then live ones', async () => {
    running = await startGateway();
    const { peer, sessionId } = await openSession(running);
    const session = running.gateway.session(sessionId);
    session?.emit('agent.event', {
      type: 'delta',
      runId: 'run-1',
      sessionKey: 'main',
      text: 'seen',
    });
    expect(await peer.nextText()).toBe(delta(1, 'seen'));
    await peer.close();

    session?.emit('agent.event', { type: 'delta', runId: 'run-1', sessionKey: 'main', text: 'm2' });
    session?.emit('agent.event', { type: 'delta', runId: 'run-1', sessionKey: 'main', text: 'm3' });
    const returning = await TestPeer.open(running.url);
    resume(returning, sessionId, 1);

    expect(await returning.next()).toMatchObject({ id: 1, result: { sessionId, resumed: true } });
    expect(await returning.next()).toMatchObject({
      method: 'connected',
      params: { resumed: true },
    });
    expect(await returning.nextText()).toBe(delta(2, 'm2'));
    expect(await returning.nextText()).toBe(delta(3, 'm3'));
    await returning.expectSilence(50);
    expect(
      session?.emit('agent.event', {
        type: 'delta',
        runId: 'run-1',
        sessionKey: 'main',
        text: 'live',
      }),
    ).toBe(4);
    expect(await returning.nextText()).toBe(delta(4, 'live'));
  });

  it('resumes from a connect frame sent after header auth', async () => {
    running = await startGateway();
    const first = await openSession(running);
    first.peer.send({ jsonrpc: '2.0', id: 1, method: 'agent', params: { message: 'x' } });
    await first.peer.nextText();
    await first.peer.close();

    const second = await openSession(running);
    resume(second.peer, first.sessionId, 0);

    expect(second.sessionId).not.toBe(first.sessionId);
    expect(await second.peer.next()).toMatchObject({
      result: { sessionId: first.sessionId, resumed: true },
    });
    expect(await second.peer.next()).toMatchObject({ method: 'connected' });
    expect(await second.peer.nextText()).toBe(delta(1, 'x'));
  });

  it('reports resumed false and replays nothing when the buffer lost events', async () => {
    running = await startGateway({ replayBufferSize: 2 });
    const { peer, sessionId } = await openSession(running);
    await peer.close();
    const session = running.gateway.session(sessionId);
    for (const text of ['1', '2', '3', '4']) {
      session?.emit('agent.event', { type: 'delta', runId: 'run-1', sessionKey: 'main', text });
    }

    const returning = await TestPeer.open(running.url);
    resume(returning, sessionId, 1);

    expect(await returning.next()).toMatchObject({ result: { sessionId, resumed: false } });
    expect(await returning.next()).toMatchObject({
      method: 'connected',
      params: { resumed: false },
    });
    await returning.expectSilence(50);
  });

  it('starts a new session when the resumed one is unknown', async () => {
    running = await startGateway();
    const peer = await TestPeer.open(running.url);

    resume(peer, 'no-such-session', 3);

    const response = (await peer.next()) as { result: { sessionId: string; resumed: boolean } };
    expect(response.result.resumed).toBe(false);
    expect(response.result.sessionId).not.toBe('no-such-session');
  });

  it('sends session events to every connection of the session', async () => {
    running = await startGateway();
    const { peer, sessionId } = await openSession(running);
    const other = await TestPeer.open(running.url);
    resume(other, sessionId, 0);
    await other.next();
    await other.next();

    running.gateway
      .session(sessionId)
      ?.emit('agent.event', { type: 'delta', runId: 'run-1', sessionKey: 'main', text: 'both' });

    expect(await peer.nextText()).toBe(delta(1, 'both'));
    expect(await other.nextText()).toBe(delta(1, 'both'));
  });
});
