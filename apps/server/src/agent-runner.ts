import { randomUUID } from 'node:crypto';
import type { ConversationStore } from './store/conversation-store.js';
import type { RunStore } from './store/run-store.js';
import { ToolRegistry } from './tools/tool-registry.js';
import { fitContextWindow } from './context-window.js';
import { repairHistory } from './repair-history.js';
import { openDatabase } from './store/database.js';
import { IdempotencyStore, requestHash } from './store/idempotency-store.js';
import type { ServerErrorCode } from '@clawgate/protocol';
import {
  DeadlineExceededError,
  isProviderError,
  isProvidersUnavailableError,
  type AttemptProfile,
  type ChatMessage,
  type PoolRequest,
  type PoolStreamEvent,
  type ToolCall,
  type ProviderPool,
  type Usage,
} from '@clawgate/providers-core';

/** Where a run's events go: the gateway session that started it (adds `seq`). */
export interface RunEventSink {
  emit(method: string, params: Record<string, unknown>): number;
}

/** The final state of a run, as `agent.wait` reports it. */
export interface RunResult {
  runId: string;
  status: 'running' | 'done' | 'error';
  text?: string;
  usage?: Usage;
  profile?: string;
  error?: { code: string; message: string; retryAfterMs?: number };
}

/** A wire error for an agent turn that failed. */
export interface TurnError {
  code: ServerErrorCode;
  message: string;
  retryAfterMs?: number;
}

/** One turn to run. */
export interface TurnOptions {
  /** Who started the turn; runs, idempotency keys and conversations are theirs alone. */
  owner: string;
  sessionKey: string;
  message: string;
  /** Only profiles serving this model may answer. Default: any profile. */
  model?: string;
  sink: RunEventSink;
  /** The turn's first event waits for this, e.g. for the `accepted` response to be sent. */
  startAfter?: Promise<void>;
  /**
   * A repeat of the same request within the idempotency window returns the earlier run
   * instead of a new one; another request with the same key throws `IdempotencyConflict`.
   */
  idempotencyKey?: string;
  /**
   * The session key as the client gave it (absent when the server chose one), so a repeat
   * without one still matches its first request.
   */
  requestedSessionKey?: string;
  /**
   * Told when the turn really begins: earlier turns of its conversation have settled and
   * its user message is about to be stored. A turn aborted while it waited never begins.
   */
  onBegin?: () => void;
}

interface Run {
  id: string;
  owner: string;
  sessionKey: string;
  result: RunResult;
  settled: Promise<RunResult>;
  controller: AbortController;
}

/** Options for `AgentRunner`. */
export interface AgentRunnerOptions {
  pool: ProviderPool;
  /** Where conversations live; a turn reads its history and stores its exchange there. */
  conversations: ConversationStore;
  /** Where run records live. */
  runRecords: RunStore;
  /** Told after a turn stored its exchange in a conversation. */
  onConversationUpdated?: (owner: string, sessionKey: string) => void;
  /** Tools the model may call. Default: none. */
  tools?: ToolRegistry;
  /** Most model calls one turn makes while it calls tools. Default 8. */
  maxToolSteps?: number;
  /** How long finished runs stay readable by `agent.wait`, in ms. Default 600 000. */
  retainRunsMs?: number;
  /**
   * Hides secrets in text that leaves the server: error and failover messages, which can
   * quote an upstream's answer. Default: none (adapters already hide their own key).
   */
  redact?: (text: string) => string;
  /**
   * Where idempotency keys are kept, so they outlive a restart. Default: a store of its own
   * in memory, with a window of 600 000 ms.
   */
  idempotency?: IdempotencyStore;
}

/** A key that belongs to one owner: the same name from two tokens never collides. */
const scoped = (owner: string, key: string): string => `${owner}\u0000${key}`;

/** An idempotency key came again with a different request. */
export class IdempotencyConflict extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${JSON.stringify(key)} was used for a different request`);
    this.name = 'IdempotencyConflict';
  }
}

/** A turn kept asking for tools past the step limit. */
export class StepLimitReached extends Error {
  constructor(readonly maxToolSteps: number) {
    super(`the model was still calling tools after ${maxToolSteps} steps`);
    this.name = 'StepLimitReached';
  }
}

/** Why a turn was aborted when the server shut down before it finished. */
export class ShutdownAbort extends Error {
  constructor() {
    super('the server shut down before the turn finished');
    this.name = 'ShutdownAbort';
  }
}

/** Why a turn was aborted when its conversation was reset or deleted. */
export class ConversationCleared extends Error {
  constructor() {
    super('the conversation was reset or deleted while the turn ran');
    this.name = 'ConversationCleared';
  }
}

/** A turn aborted outside a model call, e.g. while a tool ran. */
export class TurnAborted extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof ShutdownAbort ? reason.message : 'the turn was aborted');
    this.name = 'TurnAborted';
  }
}

/** Maps a pool failure to the error a client sees; messages never carry credentials. */
export function toTurnError(thrown: unknown): { error: TurnError; partial: boolean } {
  if (thrown instanceof TurnAborted) {
    const code = thrown.reason instanceof ShutdownAbort ? 'SHUTTING_DOWN' : 'ABORTED';
    return { error: { code, message: thrown.message }, partial: true };
  }
  if (thrown instanceof StepLimitReached) {
    return { error: { code: 'STEP_LIMIT', message: thrown.message }, partial: true };
  }
  if (isProvidersUnavailableError(thrown)) {
    return {
      error: {
        code: 'PROVIDERS_UNAVAILABLE',
        message: thrown.message,
        ...(thrown.retryAfterMs === undefined ? {} : { retryAfterMs: thrown.retryAfterMs }),
      },
      partial: false,
    };
  }
  if (isProviderError(thrown)) {
    const code =
      thrown.reason === 'aborted'
        ? thrown.cause instanceof DeadlineExceededError
          ? 'DEADLINE_EXCEEDED'
          : thrown.cause instanceof ShutdownAbort
            ? 'SHUTTING_DOWN'
            : 'ABORTED'
        : thrown.partial
          ? 'UPSTREAM_FAILED'
          : thrown.reason === 'invalid_request' || thrown.reason === 'context_overflow'
            ? 'PROVIDER_REJECTED'
            : 'PROVIDERS_UNAVAILABLE';
    return { error: { code, message: thrown.message }, partial: thrown.partial };
  }
  return { error: { code: 'INTERNAL', message: 'the turn failed unexpectedly' }, partial: false };
}

/**
 * Runs agent turns: each turn streams from the pool and is reported as `agent.event`
 * notifications. Turns on one conversation run one at a time, in order; turns on different
 * conversations run in parallel. Every step is stored as it completes: the user message when
 * the turn starts, each model answer, each tool result. A turn that fails or is interrupted
 * keeps what it stored; a tool call it left without a result is answered as missing when the
 * history is next read (see `repairHistory`). An answer cut off mid-stream is not stored.
 */
export class AgentRunner {
  private readonly pool: ProviderPool;
  private readonly retainRunsMs: number;
  private readonly runs = new Map<string, Run>();
  private readonly conversations: ConversationStore;
  private readonly runRecords: RunStore;
  private readonly onConversationUpdated: AgentRunnerOptions['onConversationUpdated'];
  private readonly tools: ToolRegistry;
  private readonly maxToolSteps: number;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly idempotency: IdempotencyStore;
  private readonly redact: (text: string) => string;

  constructor(options: AgentRunnerOptions) {
    this.pool = options.pool;
    this.conversations = options.conversations;
    this.runRecords = options.runRecords;
    this.onConversationUpdated = options.onConversationUpdated;
    this.tools = options.tools ?? new ToolRegistry();
    this.maxToolSteps = options.maxToolSteps ?? 8;
    this.retainRunsMs = options.retainRunsMs ?? 600_000;
    this.idempotency = options.idempotency ?? new IdempotencyStore(openDatabase(':memory:'));
    this.redact = options.redact ?? ((text) => text);
  }

  /**
   * Starts a turn and returns its id at once; events flow to `sink`. With an idempotency key
   * seen within the window, returns that run's id and starts nothing.
   */
  start(options: TurnOptions): { runId: string; repeated: boolean } {
    const { owner } = options;
    const runId = randomUUID();
    if (options.idempotencyKey !== undefined) {
      const claim = this.idempotency.claim({
        owner,
        kind: 'agent',
        key: options.idempotencyKey,
        targetId: runId,
        requestHash: requestHash({
          sessionKey: options.requestedSessionKey ?? null,
          message: options.message,
          model: options.model ?? null,
        }),
      });
      if (claim.kind === 'repeat') return { runId: claim.targetId, repeated: true };
      if (claim.kind === 'conflict') throw new IdempotencyConflict(options.idempotencyKey);
    }

    this.runRecords.start({
      runId,
      owner,
      sessionKey: options.sessionKey,
      message: options.message,
    });
    const controller = new AbortController();
    const sessionKey = scoped(owner, options.sessionKey);
    const previous = this.queues.get(sessionKey) ?? Promise.resolve();
    const settled = Promise.all([previous, options.startAfter]).then(() =>
      this.execute(run, options),
    );
    const run: Run = {
      id: runId,
      owner,
      sessionKey,
      result: { runId, status: 'running' },
      settled,
      controller,
    };
    this.runs.set(runId, run);
    const queued = settled.finally(() => {
      if (this.queues.get(sessionKey) === queued) this.queues.delete(sessionKey);
      setTimeout(() => this.runs.delete(runId), this.retainRunsMs).unref();
    });
    this.queues.set(sessionKey, queued);
    return { runId, repeated: false };
  }

  /** Runs still running. */
  get runningCount(): number {
    let running = 0;
    for (const run of this.runs.values()) if (run.result.status === 'running') running += 1;
    return running;
  }

  /** Whether `owner` has a run with this id (running, or finished and still retained). */
  has(runId: string, owner: string): boolean {
    return this.runs.get(runId)?.owner === owner;
  }

  /** The run's result once it settles, or its running state after `timeoutMs`. */
  async wait(runId: string, owner: string, timeoutMs: number): Promise<RunResult | undefined> {
    const run = this.runs.get(runId);
    if (!run) return this.recorded(runId, owner);
    if (run.owner !== owner) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<RunResult>((resolve) => {
      timer = setTimeout(() => resolve({ ...run.result }), timeoutMs);
    });
    try {
      return await Promise.race([run.settled, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The run's result once it settles; undefined for a run that is not retained. */
  settled(runId: string): Promise<RunResult> | undefined {
    return this.runs.get(runId)?.settled;
  }

  /**
   * A run this process no longer holds, from its stored record: one that ended before the
   * retention time passed or before a restart. A run that was still running when the server
   * stopped reads as an `INTERRUPTED` error.
   */
  private recorded(runId: string, owner: string): RunResult | undefined {
    const record = this.runRecords.get(runId);
    if (!record || record.owner !== owner) return undefined;
    const text = record.text === undefined ? {} : { text: record.text };
    if (record.status === 'done') {
      return {
        runId,
        status: 'done',
        ...text,
        ...(record.usage ? { usage: record.usage } : {}),
        ...(record.profile ? { profile: record.profile } : {}),
      };
    }
    const error =
      record.status === 'error' && record.error
        ? record.error
        : { code: 'INTERRUPTED', message: 'the server stopped before the run finished' };
    return { runId, status: 'error', ...text, error };
  }

  /** Aborts a run; false when no such run is running. */
  abort(runId: string, owner: string): boolean {
    const run = this.runs.get(runId);
    if (!run || run.owner !== owner || run.result.status !== 'running') return false;
    run.controller.abort();
    return true;
  }

  /**
   * Aborts every turn of one conversation, running or waiting, and resolves once they have
   * settled; their `error` events say ABORTED. Returns how many there were.
   */
  async stopConversation(owner: string, sessionKey: string): Promise<number> {
    const key = scoped(owner, sessionKey);
    const stopping = [...this.runs.values()].filter(
      (run) => run.sessionKey === key && run.result.status === 'running',
    );
    for (const run of stopping) run.controller.abort(new ConversationCleared());
    await Promise.allSettled(stopping.map((run) => run.settled));
    return stopping.length;
  }

  /** Aborts every running turn; their `error` events say SHUTTING_DOWN. */
  abortAll(): void {
    for (const run of this.runs.values()) run.controller.abort(new ShutdownAbort());
  }

  /** Resolves when every queued turn has settled, or after `timeoutMs`; true when all did. */
  async idleWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.idle().then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when every queued turn has settled. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }

  private async execute(run: Run, options: TurnOptions): Promise<RunResult> {
    const { owner, sessionKey, message, sink } = options;
    const send = (type: string, fields: Record<string, unknown> = {}): void => {
      sink.emit('agent.event', { runId: run.id, sessionKey, type, ...fields });
    };
    // Each step is stored as it completes, so a crash keeps everything acknowledged so far.
    const store = (messages: ChatMessage[]): void => {
      // An aborted turn stores nothing more, e.g. after its conversation was deleted.
      run.controller.signal.throwIfAborted();
      this.conversations.append(owner, sessionKey, messages);
      this.onConversationUpdated?.(owner, sessionKey);
    };
    const history: ChatMessage[] = repairHistory(
      this.conversations
        .messages(owner, sessionKey)
        .map(({ id: _id, createdAt: _createdAt, ...stored }) => stored as ChatMessage),
    );
    const tools = this.tools.size > 0 ? this.tools.definitions() : undefined;
    let text = '';
    let profile = '';
    const usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let finishReason = 'stop';
    const prepareRequest = (request: PoolRequest, target: AttemptProfile): PoolRequest => {
      const fitted = fitContextWindow(request, target.contextWindow);
      if (fitted.droppedMessages > 0) {
        send('context_trimmed', { profile: target.name, droppedMessages: fitted.droppedMessages });
      }
      return fitted.request;
    };

    // Aborted while it waited for its turn: nothing of it was stored, nothing is.
    if (run.controller.signal.aborted) {
      const { error } = toTurnError(new TurnAborted(run.controller.signal.reason));
      run.result = { runId: run.id, status: 'error', text: '', error };
      this.runRecords.finish(run.id, { status: 'error', error });
      send('error', { error, partial: false });
      return run.result;
    }

    options.onBegin?.();
    // Text of the model call in progress; kept in the result if the turn fails during it.
    let stepText = '';
    send('start');
    try {
      const user: ChatMessage = { role: 'user', content: message };
      store([user]);
      history.push(user);
      for (let step = 1; ; step += 1) {
        const toolCalls: ToolCall[] = [];
        stepText = '';
        for await (const event of this.pool.stream(
          { messages: [...history], ...(tools ? { tools } : {}) },
          {
            signal: run.controller.signal,
            conversationKey: sessionKey,
            prepareRequest,
            ...(options.model ? { model: options.model } : {}),
          },
        )) {
          const update = this.forward(event, send);
          if (event.type === 'text-delta') stepText += event.text;
          if (event.type === 'tool-call') toolCalls.push(event.toolCall);
          if (update.profile) profile = update.profile;
          if (event.type === 'finish') {
            usage.inputTokens += event.usage.inputTokens;
            usage.outputTokens += event.usage.outputTokens;
            finishReason = event.finishReason;
          }
        }
        const answer: ChatMessage =
          toolCalls.length === 0
            ? { role: 'assistant', content: stepText }
            : { role: 'assistant', content: stepText, toolCalls };
        store([answer]);
        history.push(answer);
        text += stepText;
        stepText = '';
        if (toolCalls.length === 0) break;

        // The model asked for tools: run them and give it their results, in call order.
        if (step >= this.maxToolSteps) throw new StepLimitReached(this.maxToolSteps);
        for (const toolCall of toolCalls) {
          const result = await this.tools.execute(toolCall, run.controller.signal);
          run.controller.signal.throwIfAborted();
          send('tool_result', {
            toolCallId: toolCall.id,
            content: result.content,
            isError: result.isError,
          });
          const toolResult: ChatMessage = {
            role: 'tool',
            toolCallId: toolCall.id,
            content: result.content,
          };
          store([toolResult]);
          history.push(toolResult);
        }
      }
      run.result = { runId: run.id, status: 'done', text, usage, profile };
      this.runRecords.finish(run.id, { status: 'done', profile, usage, text });
      send('done', { text, finishReason, usage, profile });
    } catch (thrown) {
      const turnError = toTurnError(
        run.controller.signal.aborted && !isProviderError(thrown)
          ? new TurnAborted(run.controller.signal.reason)
          : thrown,
      );
      const { partial } = turnError;
      const error = { ...turnError.error, message: this.redact(turnError.error.message) };
      run.result = { runId: run.id, status: 'error', text: text + stepText, error };
      this.runRecords.finish(run.id, { status: 'error', error, text: text + stepText });
      send('error', { error, partial });
    }
    return run.result;
  }

  private forward(
    event: PoolStreamEvent,
    send: (type: string, fields?: Record<string, unknown>) => void,
  ): { profile?: string } {
    switch (event.type) {
      case 'text-delta':
        send('delta', { text: event.text });
        return {};
      case 'tool-call':
        send('tool_call', { toolCall: event.toolCall });
        return {};
      case 'failover':
        send('failover', {
          from: event.from,
          to: event.to,
          reason: event.reason,
          message: this.redact(event.message),
        });
        return {};
      case 'serving':
        return { profile: event.profile };
      default:
        return {};
    }
  }
}
