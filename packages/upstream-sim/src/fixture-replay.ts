import type { Exchange } from './exchange.js';
import { pause, resetConnection, sendBody, waitUntilFlushed, writeChunk } from './http-io.js';
import type { RecordedFixture } from './recorded-fixture.js';
import { jsonHeaders, OPENAI_DONE_FRAME, recordedEventFrame, sseHeaders } from './wire-format.js';

/** How a replay ends: in full, or after `afterEvents` recorded events in some way. */
export type ReplayEnding =
  | { readonly kind: 'complete' }
  | { readonly kind: 'cut'; readonly afterEvents: number }
  | { readonly kind: 'reset'; readonly afterEvents: number }
  | { readonly kind: 'hang'; readonly afterEvents: number }
  | { readonly kind: 'error'; readonly afterEvents: number; readonly frame: string };

/** What {@link replayFixture} sends. */
export interface ReplayOptions {
  readonly fixture: RecordedFixture;
  /** Wait between two streamed events, in milliseconds. */
  readonly chunkDelayMs: number;
  readonly ending: ReplayEnding;
}

/**
 * Replays a recorded fixture: its JSON answer for a non-streaming request, its events as
 * SSE for a streaming one, ending as `options.ending` says.
 *
 * A non-streaming request that is not answered in full receives the headers and the first
 * half of the JSON body before the ending applies.
 */
export async function replayFixture(exchange: Exchange, options: ReplayOptions): Promise<void> {
  const { api, response, requestId, signal } = exchange;
  const { fixture, ending } = options;

  if (!exchange.stream) {
    await replayJson(exchange, fixture, ending);
    return;
  }

  response.writeHead(200, sseHeaders(api, requestId));
  response.flushHeaders();

  const count =
    ending.kind === 'complete'
      ? fixture.chunks.length
      : Math.min(ending.afterEvents, fixture.chunks.length);
  let written = 0;
  const emit = async (frame: string): Promise<void> => {
    if (written > 0) await pause(options.chunkDelayMs, signal);
    await writeChunk(response, frame, signal);
    written += 1;
  };
  for (const chunk of fixture.chunks.slice(0, count)) {
    await emit(recordedEventFrame(api, chunk));
  }

  switch (ending.kind) {
    case 'complete':
      // `[DONE]` is OpenAI's end marker, not a recorded event, so it follows without delay.
      if (api === 'openai') await writeChunk(response, OPENAI_DONE_FRAME, signal);
      response.end();
      return;
    case 'error':
      await emit(ending.frame);
      response.end();
      return;
    case 'cut':
      response.end();
      return;
    case 'reset':
      await waitUntilFlushed(response, signal);
      resetConnection(response);
      return;
    case 'hang':
      return;
  }
}

async function replayJson(
  exchange: Exchange,
  fixture: RecordedFixture,
  ending: ReplayEnding,
): Promise<void> {
  const { api, response, requestId, signal } = exchange;

  if (ending.kind === 'complete') {
    sendBody(response, 200, jsonHeaders(api, requestId), fixture.json);
    return;
  }

  response.writeHead(200, jsonHeaders(api, requestId));
  await writeChunk(response, fixture.json.slice(0, Math.floor(fixture.json.length / 2)), signal);
  if (ending.kind === 'reset') {
    await waitUntilFlushed(response, signal);
    resetConnection(response);
  } else if (ending.kind !== 'hang') {
    response.end();
  }
}
