import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SimStep } from './sim-step.js';
import {
  loadUpstreamErrorCases,
  upstreamErrorCase,
  type UpstreamHttpErrorCase,
} from './upstream-error-cases.js';
import { UpstreamSimulator } from './upstream-simulator.js';
import { anthropicRequest, openaiRequest, withStep } from './test-support/requests.js';

const httpCases = loadUpstreamErrorCases().filter(
  (errorCase): errorCase is UpstreamHttpErrorCase => errorCase.stream !== true,
);
const openaiCases = httpCases.filter((errorCase) => errorCase.provider === 'openai');
const anthropicCases = httpCases.filter((errorCase) => errorCase.provider === 'anthropic');

let sim: UpstreamSimulator;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  sim = await UpstreamSimulator.start();
  openai = new OpenAI({ apiKey: 'sk-errors', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({
    apiKey: 'sk-ant-errors',
    baseURL: sim.anthropicBaseUrl,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await sim.close();
});

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('sendErrorCase', () => {
  it.each(openaiCases)('surfaces $name through the openai SDK as its status', async (errorCase) => {
    for (const stream of [false, true]) {
      const error = await caught(() =>
        openai.chat.completions.create(
          { ...openaiRequest, stream },
          withStep({ kind: 'error', case: errorCase.name }),
        ),
      );

      expect(error).toBeInstanceOf(OpenAI.APIError);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(errorCase.status);
      expect(apiError.error).toEqual(Reflect.get(errorCase.body as object, 'error'));
      for (const [name, value] of Object.entries(errorCase.headers)) {
        expect(apiError.headers?.get(name)).toBe(value);
      }
    }
  });

  it.each(anthropicCases)(
    'surfaces $name through the Anthropic SDK as its status',
    async (errorCase) => {
      for (const stream of [false, true]) {
        const error = await caught(() =>
          anthropic.messages.create(
            { ...anthropicRequest, stream },
            withStep({ kind: 'error', case: errorCase.name }),
          ),
        );

        expect(error).toBeInstanceOf(Anthropic.APIError);
        const apiError = error as InstanceType<typeof Anthropic.APIError>;
        expect(apiError.status).toBe(errorCase.status);
        expect(apiError.error).toEqual(errorCase.body);
        for (const [name, value] of Object.entries(errorCase.headers)) {
          expect(apiError.headers?.get(name)).toBe(value);
        }
      }
    },
  );

  it('raises anthropic-overloaded-mid-stream during iteration, after message_start', async () => {
    const errorCase = upstreamErrorCase('anthropic-overloaded-mid-stream');
    const stream = await anthropic.messages.create(
      { ...anthropicRequest, stream: true },
      withStep({ kind: 'error', case: errorCase.name }),
    );
    const types: string[] = [];

    const error = await caught(async () => {
      for await (const event of stream) types.push(event.type);
    });

    expect(types).toEqual(['message_start']);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({
      status: undefined,
      type: 'overloaded_error',
      error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
  });

  it('sends the case body and headers byte for byte', async () => {
    const response = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk-raw',
        'x-sim-script': JSON.stringify({ kind: 'error', case: 'openai-rate-limit-requests' }),
      },
      body: '{}',
    });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('1.5s');
    expect(await response.text()).toBe(
      JSON.stringify(upstreamErrorCase('openai-rate-limit-requests').body),
    );
  });
});

describe('inStreamErrorFrame', () => {
  it('ends an OpenAI stream with data: {"error": ...} after N chunks', async () => {
    const stream = await openai.chat.completions.create(
      { ...openaiRequest, stream: true },
      withStep({ kind: 'stream-error', afterEvents: 5, case: 'openai-server-overloaded' }),
    );
    let chunks = 0;

    const error = await caught(async () => {
      for await (const chunk of stream) chunks += chunk.choices.length;
    });

    expect(chunks).toBe(5);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({
      status: undefined,
      error: { message: 'The server is overloaded or not ready yet.', type: 'server_error' },
    });
  });

  it('ends an Anthropic stream with event: error carrying the case body', async () => {
    const stream = await anthropic.messages.create(
      { ...anthropicRequest, stream: true },
      withStep({ kind: 'stream-error', afterEvents: 4, case: 'anthropic-overloaded' }),
    );
    const types: string[] = [];

    const error = await caught(async () => {
      for await (const event of stream) types.push(event.type);
    });

    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(error).toMatchObject({
      status: undefined,
      type: 'overloaded_error',
      error: upstreamErrorCase('anthropic-overloaded').body,
    });
  });

  it('reshapes a case of the other API into the wire format of the route', async () => {
    const step = { kind: 'stream-error', afterEvents: 0, case: 'anthropic-overloaded' };
    const response = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-raw', 'x-sim-script': JSON.stringify(step) },
      body: JSON.stringify({ stream: true }),
    });

    expect(await response.text()).toBe(
      'data: {"error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
  });

  it('answers a non-streaming request with the case as a plain error', async () => {
    const error = await caught(() =>
      anthropic.messages.create(
        anthropicRequest,
        withStep({ kind: 'stream-error', afterEvents: 2, case: 'anthropic-billing' }),
      ),
    );

    expect(error).toMatchObject({ status: 402, type: 'billing_error' });
  });
});

describe('sendCustomError', () => {
  it('sends an arbitrary status, headers and verbatim text body', async () => {
    const step: SimStep = {
      kind: 'error',
      status: 502,
      headers: { 'retry-after': '3' },
      body: '<html>502 Bad Gateway</html>',
    };

    const error = await caught(() => openai.chat.completions.create(openaiRequest, withStep(step)));

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 502, message: '502 <html>502 Bad Gateway</html>' });
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('3');
  });

  it('serializes an object body as JSON', async () => {
    const body = { type: 'error', error: { type: 'api_error', message: 'Internal server error' } };

    const error = await caught(() =>
      anthropic.messages.create(anthropicRequest, withStep({ kind: 'error', status: 500, body })),
    );

    expect(error).toMatchObject({ status: 500, type: 'api_error', error: body });
  });
});
