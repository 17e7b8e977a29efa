import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UpstreamSimulator } from './upstream-simulator.js';

let sim: UpstreamSimulator;

beforeAll(async () => {
  sim = await UpstreamSimulator.start();
});

afterAll(async () => {
  await sim.close();
});

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${sim.url}${path}`, init);
}

describe('handleAdminRequest', () => {
  it('queues a script for a key that the next requests follow', async () => {
    const response = await admin('POST', '/_sim/script', {
      apiKey: 'sk-admin',
      steps: [{ kind: 'error', case: 'openai-context-length' }, { kind: 'ok' }],
    });
    const openai = new OpenAI({ apiKey: 'sk-admin', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
    const request = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'x' }] };

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ queued: 2 });
    await expect(openai.chat.completions.create(request)).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
    });
    await expect(openai.chat.completions.create(request)).resolves.toMatchObject({
      object: 'chat.completion',
    });
  });

  it('queues a tool-call step that the next request of the key answers with', async () => {
    const step = {
      kind: 'tool-call',
      calls: [{ id: 'call_admin', name: 'get_time', arguments: { zone: 'UTC' } }],
    };
    const response = await admin('POST', '/_sim/script', { apiKey: 'sk-admin-tools', steps: step });
    const openai = new OpenAI({
      apiKey: 'sk-admin-tools',
      baseURL: sim.openaiBaseUrl,
      maxRetries: 0,
    });
    const request = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'x' }] };

    expect(await response.json()).toEqual({ queued: 1 });
    const completion = await openai.chat.completions.create(request);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toStrictEqual([
      {
        id: 'call_admin',
        type: 'function',
        function: { name: 'get_time', arguments: '{"zone":"UTC"}' },
      },
    ]);
  });

  it('answers 400 for a tool-call step without calls', async () => {
    const response = await admin('POST', '/_sim/script', {
      apiKey: 'sk-admin-tools',
      steps: [{ kind: 'tool-call', calls: [] }],
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message:
          "sim step field 'calls' is []; expected an array of at least one tool call " +
          '{id, name, arguments}',
      },
    });
    expect(sim.pendingSteps('sk-admin-tools')).toEqual([]);
  });

  it('accepts a single sticky step', async () => {
    const response = await admin('POST', '/_sim/script', {
      apiKey: 'sk-admin-sticky',
      steps: { kind: 'hang' },
      sticky: true,
    });

    expect(await response.json()).toEqual({ queued: 1 });
    expect(sim.pendingSteps('sk-admin-sticky')).toEqual([{ kind: 'hang' }]);
  });

  it('lists recorded requests, all or for one key', async () => {
    sim.clearRequests();
    for (const apiKey of ['sk-list-a', 'sk-list-b']) {
      await fetch(`${sim.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey },
        body: '{"model":"m"}',
      });
    }

    const all = (await (await admin('GET', '/_sim/requests')).json()) as { requests: unknown[] };
    const one = await (await admin('GET', '/_sim/requests?apiKey=sk-list-b')).json();

    expect(all.requests).toHaveLength(2);
    expect(one).toEqual({
      requests: [
        {
          api: 'anthropic',
          apiKey: 'sk-list-b',
          path: '/v1/messages',
          body: { model: 'm' },
          stream: false,
          receivedAt: expect.any(Number),
        },
      ],
    });
  });

  it('resets scripts and recorded requests', async () => {
    sim.script('sk-reset', { kind: 'hang' });

    const response = await admin('POST', '/_sim/reset');

    expect(await response.json()).toEqual({ reset: true });
    expect(sim.pendingSteps('sk-reset')).toEqual([]);
    expect(sim.requests).toEqual([]);
  });

  it('answers 400 naming the problem for a malformed script', async () => {
    const notJson = await admin('POST', '/_sim/script', '{');
    const badStep = await admin('POST', '/_sim/script', {
      apiKey: 'sk-x',
      steps: [{ kind: 'reset', afterEvents: -1 }],
    });

    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      error: { message: 'admin script body must be a JSON object {apiKey, steps, sticky?}' },
    });
    const noSteps = await admin('POST', '/_sim/script', { apiKey: 'sk-x', steps: [] });
    expect(noSteps.status).toBe(400);
    expect(await noSteps.json()).toEqual({
      error: { message: "admin script field 'steps' must hold at least one step" },
    });
    expect(badStep.status).toBe(400);
    expect(await badStep.json()).toEqual({
      error: {
        message: "sim step field 'afterEvents' is -1; expected a number of events >= 0",
      },
    });
  });

  it('answers 404 for an unknown admin route', async () => {
    const response = await admin('DELETE', '/_sim/requests');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: 'no admin route DELETE /_sim/requests' },
    });
  });
});
