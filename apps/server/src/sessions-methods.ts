import type { Gateway } from '@clawgate/gateway';
import { RpcError, methods } from '@clawgate/protocol';
import type { AgentRunner } from './agent-runner.js';
import type { SessionsFeed } from './sessions-feed.js';
import type { RunStore } from './store/run-store.js';
import type { ConversationStore, StoredMessage } from './store/conversation-store.js';

const DEFAULT_LIST_LIMIT = 50;
const DEFAULT_HISTORY_LIMIT = 100;

/** Where the next page of `sessions.list` starts, opaque to clients. */
interface ListCursor {
  updatedAt: number;
  sessionKey: string;
}

function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): ListCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ListCursor;
    if (typeof value.updatedAt === 'number' && typeof value.sessionKey === 'string') return value;
  } catch {
    // Reported below like any other cursor that is not ours.
  }
  throw RpcError.invalidParams('cursor is not a cursor sessions.list returned');
}

const notFound = (sessionKey: string): RpcError =>
  RpcError.server('NOT_FOUND', `no conversation named "${sessionKey}"`);

/** Wire form of a stored message: only the members its role has. */
function toWire(message: StoredMessage) {
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    createdAt: message.createdAt,
    ...(message.role === 'assistant' && message.toolCalls ? { toolCalls: message.toolCalls } : {}),
    ...(message.role === 'tool' ? { toolCallId: message.toolCallId } : {}),
  };
}

/**
 * Registers `sessions.subscribe`, `sessions.list`, `sessions.get`, `sessions.history`,
 * `sessions.reset` and `sessions.delete`. Each reads or changes only the caller's own
 * conversations, and reading never creates one. Resetting or deleting a conversation first
 * aborts its turns still running or waiting, so nothing of them is stored afterwards.
 */
export function registerSessionsMethods(options: {
  gateway: Gateway;
  conversations: ConversationStore;
  feed: SessionsFeed;
  /** Turns still running on a conversation are stopped before it is reset or deleted. */
  runner: Pick<AgentRunner, 'stopConversation'>;
  runRecords: Pick<RunStore, 'deleteConversation'>;
}): void {
  const { gateway, conversations, feed, runner, runRecords } = options;

  gateway.method('sessions.subscribe', {
    params: methods['sessions.subscribe'].params,
    handler: async (_params, context) => {
      feed.subscribe(context.principal, context.session.id);
      return { subscribed: true as const };
    },
  });

  gateway.method('sessions.list', {
    params: methods['sessions.list'].params,
    handler: async (params, context) => {
      const limit = params.limit ?? DEFAULT_LIST_LIMIT;
      const before = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
      // One more than asked tells whether another page follows.
      const rows = conversations.list(context.principal, {
        limit: limit + 1,
        ...(before ? { before } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        sessions: page,
        ...(rows.length > limit && last
          ? { nextCursor: encodeCursor({ updatedAt: last.updatedAt, sessionKey: last.sessionKey }) }
          : {}),
      };
    },
  });

  gateway.method('sessions.get', {
    params: methods['sessions.get'].params,
    handler: async (params, context) => {
      const summary = conversations.get(context.principal, params.sessionKey);
      if (!summary) throw notFound(params.sessionKey);
      return summary;
    },
  });

  gateway.method('sessions.history', {
    params: methods['sessions.history'].params,
    handler: async (params, context) => {
      if (!conversations.get(context.principal, params.sessionKey)) {
        throw notFound(params.sessionKey);
      }
      const limit = params.limit ?? DEFAULT_HISTORY_LIMIT;
      const rows = conversations.history(context.principal, params.sessionKey, {
        afterId: params.afterId ?? 0,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        sessionKey: params.sessionKey,
        messages: page.map(toWire),
        ...(rows.length > limit && last ? { nextAfterId: last.id } : {}),
      };
    },
  });

  gateway.method('sessions.reset', {
    params: methods['sessions.reset'].params,
    handler: async (params, context) => {
      // Otherwise a turn still running would store its next steps into the emptied history.
      await runner.stopConversation(context.principal, params.sessionKey);
      if (!conversations.reset(context.principal, params.sessionKey)) {
        throw notFound(params.sessionKey);
      }
      feed.publish(context.principal, params.sessionKey, 'reset');
      return { sessionKey: params.sessionKey, reset: true as const };
    },
  });

  gateway.method('sessions.delete', {
    params: methods['sessions.delete'].params,
    handler: async (params, context) => {
      await runner.stopConversation(context.principal, params.sessionKey);
      if (!conversations.delete(context.principal, params.sessionKey)) {
        throw notFound(params.sessionKey);
      }
      // Run records hold the messages and answers too; a deleted conversation keeps none.
      runRecords.deleteConversation(context.principal, params.sessionKey);
      feed.publish(context.principal, params.sessionKey, 'deleted');
      return { sessionKey: params.sessionKey, deleted: true as const };
    },
  });
}
