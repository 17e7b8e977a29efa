import { ProviderPool, type ChatMessage, type PoolProfile } from '@clawgate/providers-core';
import { AgentRunner, type RunEventSink } from '../../src/agent-runner.js';
import { ConversationStore } from '../../src/store/conversation-store.js';
import { openDatabase } from '../../src/store/database.js';
import { RunStore } from '../../src/store/run-store.js';
import type { ToolRegistry } from '../../src/tools/tool-registry.js';

/** The JSON Schema the built-in calculator shows the model, as upstreams receive it. */
export const CALCULATOR_SCHEMA = {
  type: 'object',
  properties: { expression: { type: 'string', minLength: 1, maxLength: 1000 } },
  required: ['expression'],
  additionalProperties: false,
};

/** The built-in calculator's description, as upstreams receive it. */
export const CALCULATOR_DESCRIPTION =
  'Evaluates an arithmetic expression with + - * / % ^ and parentheses.';

/** An `agent.event` as the sink received it: `runId`, `sessionKey`, `type` and its fields. */
export type RecordedAgentEvent = Record<string, unknown> & { type: string };

/** Options of {@link agentRunnerSetup}. */
export interface AgentRunnerSetupOptions {
  /** The pool's profiles, with the real adapters pointed at the simulator. */
  profiles: readonly PoolProfile[];
  tools: ToolRegistry;
  /** Default: the runner's own (8). */
  maxToolSteps?: number;
}

/** A real runner over a real pool and an in-memory database, with every event it emits. */
export interface AgentRunnerSetup {
  runner: AgentRunner;
  conversations: ConversationStore;
  pool: ProviderPool;
  sink: RunEventSink;
  /** Every `agent.event` emitted to {@link sink}, in order. */
  events: RecordedAgentEvent[];
}

/** Builds an {@link AgentRunnerSetup}; close its pool when the test is done. */
export function agentRunnerSetup(options: AgentRunnerSetupOptions): AgentRunnerSetup {
  const database = openDatabase(':memory:');
  const pool = new ProviderPool({ profiles: options.profiles });
  const conversations = new ConversationStore(database);
  const runner = new AgentRunner({
    pool,
    conversations,
    runRecords: new RunStore(database),
    tools: options.tools,
    ...(options.maxToolSteps === undefined ? {} : { maxToolSteps: options.maxToolSteps }),
  });
  const events: RecordedAgentEvent[] = [];
  const sink: RunEventSink = {
    emit: (_method, params) => events.push(params as RecordedAgentEvent),
  };
  return { runner, conversations, pool, sink, events };
}

/** The stored messages of a conversation without their row ids and times. */
export function storedMessages(
  conversations: ConversationStore,
  owner: string,
  sessionKey: string,
): ChatMessage[] {
  return conversations
    .messages(owner, sessionKey)
    .map(({ id: _id, createdAt: _createdAt, ...message }) => message as ChatMessage);
}

/** The event types in order, each run of consecutive `delta` events counted once. */
export function eventTypes(events: readonly RecordedAgentEvent[]): string[] {
  return events
    .map((event) => event.type)
    .filter((type, index, types) => !(type === 'delta' && types[index - 1] === 'delta'));
}

/** The text of every `delta` event, joined. */
export function streamedText(events: readonly RecordedAgentEvent[]): string {
  return events
    .filter((event) => event.type === 'delta')
    .map((event) => String(event.text))
    .join('');
}
