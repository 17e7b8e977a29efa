import { inStreamErrorFrame, sendCustomError, sendErrorCase, sendSimError } from './error-reply.js';
import type { Exchange } from './exchange.js';
import { replayFixture, type ReplayEnding } from './fixture-replay.js';
import { pause, resetConnection } from './http-io.js';
import { fixtureApi, loadRecordedFixture, type FixtureName } from './recorded-fixture.js';
import type { ReplayingStep, SimStep } from './sim-step.js';
import { sendToolCallAnswer } from './tool-call-reply.js';
import { upstreamErrorCase } from './upstream-error-cases.js';
import type { WireApi } from './wire-api.js';

/** The fixture each route replays when a step names none. */
export const DEFAULT_FIXTURES: Readonly<Record<WireApi, FixtureName>> = {
  openai: 'openai-chat-text',
  anthropic: 'anthropic-text',
};

/**
 * Answers one request as `step` says. Resolves once the answer is complete (or, for a
 * hang, once nothing more will be sent); rejects with an AbortError when the exchange's
 * signal aborts midway.
 */
export async function respondWithStep(exchange: Exchange, step: SimStep): Promise<void> {
  await pause(step.latencyMs ?? 0, exchange.signal);

  switch (step.kind) {
    case 'ok':
      return replay(exchange, step, { kind: 'complete' });
    case 'error':
      if ('case' in step) {
        return sendErrorCase(exchange, upstreamErrorCase(step.case), step.chunkDelayMs);
      }
      return sendCustomError(exchange, step);
    case 'hang':
      if (step.afterEvents === undefined) return;
      return replay(exchange, step, { kind: 'hang', afterEvents: step.afterEvents });
    case 'reset':
      if (step.afterEvents === undefined) return resetConnection(exchange.response);
      return replay(exchange, step, { kind: 'reset', afterEvents: step.afterEvents });
    case 'cut':
      return replay(exchange, step, { kind: 'cut', afterEvents: step.afterEvents });
    case 'stream-error': {
      const errorCase = upstreamErrorCase(step.case);
      if (!exchange.stream) return sendErrorCase(exchange, errorCase);
      const frame = inStreamErrorFrame(exchange.api, errorCase);
      return replay(exchange, step, { kind: 'error', afterEvents: step.afterEvents, frame });
    }
    case 'tool-call':
      return sendToolCallAnswer(exchange, step);
  }
}

async function replay(
  exchange: Exchange,
  step: ReplayingStep,
  ending: ReplayEnding,
): Promise<void> {
  const name = step.fixture ?? DEFAULT_FIXTURES[exchange.api];
  const recordedFrom = fixtureApi(name);
  if (recordedFrom !== exchange.api) {
    sendSimError(exchange, 400, {
      type: 'invalid_request_error',
      message:
        `upstream-sim: fixture '${name}' was recorded from the ${recordedFrom} API ` +
        `and cannot answer an ${exchange.api} request`,
    });
    return;
  }

  const fixture = loadRecordedFixture(name);
  await replayFixture(exchange, { fixture, chunkDelayMs: step.chunkDelayMs ?? 0, ending });
}
