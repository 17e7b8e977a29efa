import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UpstreamSimulator } from './upstream-simulator.js';
import { anthropicRequest, openaiRequest, withStep } from './test-support/requests.js';

let sim: UpstreamSimulator;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  sim = await UpstreamSimulator.start();
  openai = new OpenAI({ apiKey: 'sk-steps', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({
    apiKey: 'sk-ant-steps',
    baseURL: sim.anthropicBaseUrl,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await sim.close();
});

describe('respondWithStep', () => {
  it('resets the socket before the headers', async () => {
    const openaiCall = openai.chat.completions.create(openaiRequest, withStep({ kind: 'reset' }));
    await expect(openaiCall).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await expect(openaiCall).rejects.toMatchObject({ cause: { cause: { code: 'ECONNRESET' } } });

    const anthropicCall = anthropic.messages.create(
      { ...anthropicRequest, stream: true },
      withStep({ kind: 'reset' }),
    );
    await expect(anthropicCall).rejects.toBeInstanceOf(Anthropic.APIConnectionError);
  });

  it('hangs until the SDK timeout fires', async () => {
    const started = performance.now();
    const call = anthropic.messages.create(anthropicRequest, {
      ...withStep({ kind: 'hang' }),
      timeout: 200,
    });

    await expect(call).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('hangs until the caller aborts', async () => {
    const controller = new AbortController();
    const call = openai.chat.completions.create(
      { ...openaiRequest, stream: true },
      { ...withStep({ kind: 'hang' }), signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);

    await expect(call).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it('waits latencyMs before answering', async () => {
    const started = performance.now();
    const completion = await openai.chat.completions.create(
      openaiRequest,
      withStep({ kind: 'ok', latencyMs: 150 }),
    );

    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(completion.object).toBe('chat.completion');
  });

  it('waits latencyMs before an error too', async () => {
    const started = performance.now();
    const call = anthropic.messages.create(
      anthropicRequest,
      withStep({ kind: 'error', case: 'anthropic-overloaded', latencyMs: 150 }),
    );

    await expect(call).rejects.toMatchObject({ status: 529 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('answers without delay when no latency is scripted', async () => {
    const started = performance.now();
    await openai.chat.completions.create(openaiRequest);

    expect(performance.now() - started).toBeLessThan(145);
  });

  it("refuses a fixture recorded from the other API in that API's error shape", async () => {
    const call = openai.chat.completions.create(
      openaiRequest,
      withStep({ kind: 'ok', fixture: 'anthropic-text' }),
    );

    await expect(call).rejects.toMatchObject({
      status: 400,
      error: {
        message:
          "upstream-sim: fixture 'anthropic-text' was recorded from the anthropic API " +
          'and cannot answer an openai request',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });
});
