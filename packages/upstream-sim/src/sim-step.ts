import type { FixtureName } from './recorded-fixture.js';
import type { UpstreamErrorCaseName } from './upstream-error-cases.js';

/**
 * Timing shared by the steps that answer: a wait before the response headers and a wait
 * between streamed events.
 */
export interface StepTiming {
  /** Wait before anything is sent, in milliseconds. Default 0. */
  readonly latencyMs?: number;
  /** Wait between two streamed events, in milliseconds. Default 0. */
  readonly chunkDelayMs?: number;
}

/** Steps that replay a recorded fixture (the route's default one unless named). */
export interface ReplayingStep extends StepTiming {
  /**
   * Fixture to replay; it must belong to the request's API. Defaults to `openai-chat-text`
   * on the OpenAI route and `anthropic-text` on the Anthropic route.
   */
  readonly fixture?: FixtureName;
}

/** Answer normally with the recorded fixture (JSON or SSE, as the request asked). */
export interface OkStep extends ReplayingStep {
  readonly kind: 'ok';
}

/**
 * Answer with a case of `fixtures/upstream-errors.json`: its status, headers and body,
 * or, for a `stream: true` case, HTTP 200 and its SSE events.
 */
export interface ErrorCaseStep extends StepTiming {
  readonly kind: 'error';
  readonly case: UpstreamErrorCaseName;
}

/** Answer with an arbitrary error: a string body is sent verbatim, anything else as JSON. */
export interface CustomErrorStep {
  readonly kind: 'error';
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Wait before anything is sent, in milliseconds. Default 0. */
  readonly latencyMs?: number;
}

/**
 * Accept the request and never answer (the server's `close()` releases it). With
 * `afterEvents`, send the headers and that many events first, then stall.
 */
export interface HangStep extends ReplayingStep {
  readonly kind: 'hang';
  readonly afterEvents?: number;
}

/**
 * Destroy the connection with a TCP reset: before the headers, or, with `afterEvents`,
 * after the headers and that many streamed events.
 */
export interface ResetStep extends ReplayingStep {
  readonly kind: 'reset';
  readonly afterEvents?: number;
}

/** End the response cleanly after N streamed events, without `[DONE]` / `message_stop`. */
export interface CutStep extends ReplayingStep {
  readonly kind: 'cut';
  readonly afterEvents: number;
}

/**
 * After N recorded events, send the error case as an in-stream error event in the wire
 * format of the request's API. A non-streaming request gets the case as a plain error.
 */
export interface StreamErrorStep extends ReplayingStep {
  readonly kind: 'stream-error';
  readonly afterEvents: number;
  readonly case: UpstreamErrorCaseName;
}

/** One tool call a {@link ToolCallStep} makes the model ask for. */
export interface ScriptedToolCall {
  /** The call's id as the client sees it, e.g. `call_1` (OpenAI) or `toolu_1` (Anthropic). */
  readonly id: string;
  /** Name of the tool to call. */
  readonly name: string;
  /** The tool's arguments; sent as compact JSON text (OpenAI) or as the `input` object. */
  readonly arguments: Record<string, unknown>;
}

/**
 * Answer with a model turn that asks for tools, synthesised in the request's wire format
 * (JSON or SSE, as the request asked), with the request's `model`.
 */
export interface ToolCallStep extends StepTiming {
  readonly kind: 'tool-call';
  /** The calls, in order; at least one. */
  readonly calls: readonly ScriptedToolCall[];
  /** Optional text the model says before the calls; non-empty when present. */
  readonly text?: string;
}

/**
 * One scripted answer of the simulator, discriminated on `kind`.
 *
 * For a non-streaming request, the steps that act "after N events" (`hang`, `reset`,
 * `cut` with `afterEvents`) send the headers and the first half of the JSON body first.
 */
export type SimStep =
  | OkStep
  | ErrorCaseStep
  | CustomErrorStep
  | HangStep
  | ResetStep
  | CutStep
  | StreamErrorStep
  | ToolCallStep;

/** The `kind` of a {@link SimStep}. */
export type SimStepKind = SimStep['kind'];
