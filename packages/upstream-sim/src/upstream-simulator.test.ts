import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { upstreamErrorCase } from './upstream-error-cases.js';
import { UpstreamSimulator } from './upstream-simulator.js';
import { anthropicRequest, openaiRequest } from './test-support/requests.js';

let sim: UpstreamSimulator;

beforeAll(async () => {
  sim = await UpstreamSimulator.start();
});

afterEach(() => {
  sim.clearScripts();
  sim.clearRequests();
});

afterAll(async () => {
  await sim.close();
});

function openaiFor(apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: sim.openaiBaseUrl, maxRetries: 0 });
}

function anthropicFor(apiKey: string): Anthropic {
  return new Anthropic({ apiKey, baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
}

async function post(path: string, headers: Record<string, string>, body = '{}'): Promise<Response> {
  return fetch(`${sim.url}${path}`, { method: 'POST', headers, body });
}

describe('UpstreamSimulator', () => {
  it('listens on a free loopback port and derives the SDK base URLs', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.openaiBaseUrl).toBe(`${sim.url}/v1`);
    expect(sim.anthropicBaseUrl).toBe(sim.url);
  });

  it('refuses a port outside 0-65535', async () => {
    await expect(UpstreamSimulator.start({ port: 70_000 })).rejects.toThrow(
      new RangeError("upstream-sim option 'port' is 70000; expected an integer 0-65535"),
    );
  });

  it('answers a request without a key with the invalid-key case of its API', async () => {
    const openaiResponse = await post('/v1/chat/completions', {});
    const anthropicResponse = await post('/v1/messages', {});

    expect(openaiResponse.status).toBe(401);
    expect(await openaiResponse.json()).toEqual(upstreamErrorCase('openai-invalid-key').body);
    expect(anthropicResponse.status).toBe(401);
    expect(anthropicResponse.headers.get('request-id')).toBe('req_011');
    expect(await anthropicResponse.json()).toEqual(upstreamErrorCase('anthropic-invalid-key').body);
  });

  it('answers 404 in the OpenAI shape for an unknown route', async () => {
    const response = await post('/v1/completions', { authorization: 'Bearer sk-a' });

    expect(response.status).toBe(404);
    expect(await response.text()).toBe(
      '{"error":{"message":"Invalid URL (POST /v1/completions)",' +
        '"type":"invalid_request_error","param":null,"code":null}}',
    );
  });

  it('answers 404 in the Anthropic shape to a request with Anthropic headers', async () => {
    const response = await fetch(`${sim.url}/v1/models`, { headers: { 'x-api-key': 'sk-a' } });
    const requestId = response.headers.get('request-id');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'Not Found' },
      request_id: requestId,
    });
  });

  it("answers 400 in each provider's shape for a malformed JSON body", async () => {
    const openaiResponse = await post('/v1/chat/completions', { authorization: 'Bearer k' }, '{');
    const anthropicResponse = await post('/v1/messages', { 'x-api-key': 'k' }, '{');

    expect(openaiResponse.status).toBe(400);
    expect(await openaiResponse.json()).toEqual({
      error: {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't " +
          'using your HTTP library correctly. The OpenAI API expects a JSON payload, but what ' +
          'was sent was not valid JSON.)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect(anthropicResponse.status).toBe(400);
    expect(await anthropicResponse.json()).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'There was an issue with the format of your request: the body is not valid JSON',
      },
      request_id: anthropicResponse.headers.get('request-id'),
    });
  });

  it('sends a request id the SDKs pick up', async () => {
    const openaiResult = await openaiFor('sk-id')
      .chat.completions.create(openaiRequest)
      .withResponse();
    const anthropicResult = await anthropicFor('sk-ant-id')
      .messages.create(anthropicRequest)
      .withResponse();

    expect(openaiResult.request_id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(anthropicResult.request_id).toMatch(/^req_[0-9a-f]{24}$/);
  });

  it('records every API request with its key, path, parsed body and stream flag', async () => {
    const before = Date.now();
    await openaiFor('sk-rec').chat.completions.create(openaiRequest);
    const stream = await anthropicFor('sk-ant-rec').messages.create({
      ...anthropicRequest,
      stream: true,
    });
    for await (const event of stream) expect(event.type).not.toBe('error');
    await post('/v1/messages', {}, 'not json');

    expect(
      sim.requests.map(({ api, apiKey, path, stream }) => ({ api, apiKey, path, stream })),
    ).toEqual([
      { api: 'openai', apiKey: 'sk-rec', path: '/v1/chat/completions', stream: false },
      { api: 'anthropic', apiKey: 'sk-ant-rec', path: '/v1/messages', stream: true },
      { api: 'anthropic', apiKey: null, path: '/v1/messages', stream: false },
    ]);
    expect(sim.requestsFor('sk-ant-rec')[0]?.body).toEqual({ ...anthropicRequest, stream: true });
    expect(sim.requests[2]?.body).toBeNull();
    expect(sim.requests[0]?.receivedAt).toBeGreaterThanOrEqual(before);

    sim.clearRequests();
    expect(sim.requests).toEqual([]);
  });

  it('keeps only the newest maxRecordedRequests requests', async () => {
    const small = await UpstreamSimulator.start({ maxRecordedRequests: 2 });
    try {
      for (const apiKey of ['sk-1', 'sk-2', 'sk-3']) {
        await fetch(`${small.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(openaiRequest),
        });
      }
      expect(small.requests.map((request) => request.apiKey)).toEqual(['sk-2', 'sk-3']);
    } finally {
      await small.close();
    }
    await expect(UpstreamSimulator.start({ maxRecordedRequests: 0 })).rejects.toThrow(
      "upstream-sim option 'maxRecordedRequests' is 0; expected a positive integer",
    );
  });

  it('answers the scripted steps of a key in order, then normally', async () => {
    const openai = openaiFor('sk-queue');
    sim.script('sk-queue', [
      { kind: 'error', case: 'openai-rate-limit-requests' },
      { kind: 'error', case: 'openai-server-overloaded' },
    ]);

    await expect(openai.chat.completions.create(openaiRequest)).rejects.toMatchObject({
      status: 429,
    });
    await expect(
      openaiFor('sk-other').chat.completions.create(openaiRequest),
    ).resolves.toMatchObject({ object: 'chat.completion' });
    await expect(openai.chat.completions.create(openaiRequest)).rejects.toMatchObject({
      status: 503,
    });
    await expect(openai.chat.completions.create(openaiRequest)).resolves.toMatchObject({
      object: 'chat.completion',
    });
  });

  it('repeats a sticky step until the scripts are cleared', async () => {
    const anthropic = anthropicFor('sk-ant-sticky');
    sim.script('sk-ant-sticky', { kind: 'error', case: 'anthropic-billing' }, { sticky: true });

    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(anthropic.messages.create(anthropicRequest)).rejects.toMatchObject({
        status: 402,
      });
    }
    sim.clearScripts('sk-ant-sticky');
    await expect(anthropic.messages.create(anthropicRequest)).resolves.toMatchObject({
      type: 'message',
    });
  });

  it('lets an x-sim-script header override the key script without consuming it', async () => {
    const openai = openaiFor('sk-header');
    sim.script('sk-header', { kind: 'error', case: 'openai-model-not-found' });
    const header = { 'x-sim-script': JSON.stringify({ kind: 'error', status: 418, body: {} }) };

    await expect(
      openai.chat.completions.create(openaiRequest, { headers: header }),
    ).rejects.toMatchObject({ status: 418 });
    expect(sim.pendingSteps('sk-header')).toEqual([
      { kind: 'error', case: 'openai-model-not-found' },
    ]);
    await expect(openai.chat.completions.create(openaiRequest)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('answers 400 naming the problem when the x-sim-script header is not a step', async () => {
    const response = await post('/v1/chat/completions', {
      authorization: 'Bearer sk-bad-header',
      'x-sim-script': '{"kind":"nap"}',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message:
          'upstream-sim: the x-sim-script header is not a valid step: ' +
          'sim step field \'kind\' is "nap"; expected one of ' +
          'ok, error, hang, reset, cut, stream-error, tool-call',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('answers 400 in the Anthropic shape for a header tool call without a name', async () => {
    const step = { kind: 'tool-call', calls: [{ id: 'toolu_1', arguments: {} }] };
    const response = await post('/v1/messages', {
      'x-api-key': 'sk-ant-bad-tool',
      'x-sim-script': JSON.stringify(step),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          'upstream-sim: the x-sim-script header is not a valid step: ' +
          "sim step field 'calls[0].name' is missing; expected a non-empty string",
      },
      request_id: response.headers.get('request-id'),
    });
  });

  it('refuses malformed scripts at once', () => {
    expect(() => sim.script('sk-a', [{ kind: 'ok' }, { kind: 'cut' } as never])).toThrow(
      new RangeError("sim step of kind 'cut' needs field 'afterEvents'"),
    );
    expect(() => sim.script('', { kind: 'ok' })).toThrow(
      new RangeError('upstream-sim script needs a non-empty apiKey'),
    );
    expect(sim.pendingSteps('sk-a')).toEqual([]);
  });
});

describe('UpstreamSimulator.close', () => {
  it('ends hanging requests, pending latencies and stalled streams promptly', async () => {
    const closing = await UpstreamSimulator.start();
    const send = (step: object, body: object): Promise<string> =>
      fetch(`${closing.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-close', 'x-sim-script': JSON.stringify(step) },
        body: JSON.stringify(body),
      }).then((response) => response.text());
    const inFlight = [
      send({ kind: 'hang' }, {}),
      send({ kind: 'ok', latencyMs: 60_000 }, {}),
      send({ kind: 'hang', afterEvents: 1 }, { stream: true }),
    ].map((request) =>
      request.then(
        () => 'answered',
        () => 'failed',
      ),
    );
    await expect.poll(() => closing.requests.length).toBe(3);

    const started = performance.now();
    await closing.close();

    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await Promise.all(inFlight)).toEqual(['failed', 'failed', 'failed']);
  });

  it('can be called again and stops accepting connections', async () => {
    const closing = await UpstreamSimulator.start();
    await Promise.all([closing.close(), closing.close()]);

    await expect(fetch(`${closing.url}/v1/messages`, { method: 'POST' })).rejects.toThrow();
  });
});
