import type { ChatMessage, ToolCall } from '@clawgate/providers-core';
import type { ClawgateDatabase } from './database.js';
import { PreparedStatements } from './prepared-statements.js';

/** A conversation as `sessions.list` and `sessions.get` report it. Times are epoch ms. */
export interface ConversationSummary {
  sessionKey: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
}

/** One stored message, with its position in the conversation. */
export type StoredMessage = ChatMessage & { id: number; createdAt: number };

interface MessageRow {
  id: number;
  role: ChatMessage['role'];
  content: string;
  tool_calls: string | null;
  tool_call_id: string | null;
  created_at: number;
}

interface SummaryRow {
  session_key: string;
  created_at: number;
  updated_at: number;
  message_count: number;
}

/**
 * Conversations and their messages, per owner (the token that made them). Reading never
 * creates a conversation; appending does.
 */
export class ConversationStore {
  private readonly statements: PreparedStatements;

  constructor(private readonly database: ClawgateDatabase) {
    this.statements = new PreparedStatements(database);
  }

  /** Appends messages in order, in one transaction, creating the conversation if needed. */
  append(owner: string, sessionKey: string, messages: readonly ChatMessage[]): void {
    const now = Date.now();
    const upsert = this.statements.get(
      `INSERT INTO conversations (owner, session_key, created_at, updated_at)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (owner, session_key) DO UPDATE SET updated_at = excluded.updated_at`,
    );
    const insert = this.statements.get(
      `INSERT INTO messages (owner, session_key, role, content, tool_calls, tool_call_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.database.transaction(() => {
      upsert.run(owner, sessionKey, now, now);
      for (const message of messages) {
        insert.run(
          owner,
          sessionKey,
          message.role,
          message.content,
          message.role === 'assistant' && message.toolCalls
            ? JSON.stringify(message.toolCalls)
            : null,
          message.role === 'tool' ? message.toolCallId : null,
          now,
        );
      }
    })();
  }

  /** Every message of a conversation, oldest first; empty when it does not exist. */
  messages(owner: string, sessionKey: string): StoredMessage[] {
    const rows = this.statements
      .get(
        `SELECT id, role, content, tool_calls, tool_call_id, created_at FROM messages
         WHERE owner = ? AND session_key = ? ORDER BY id`,
      )
      .all(owner, sessionKey) as MessageRow[];
    return rows.map(toMessage);
  }

  /** One page of messages, oldest first, after the message id `afterId` (0: from the start). */
  history(
    owner: string,
    sessionKey: string,
    page: { afterId: number; limit: number },
  ): StoredMessage[] {
    const rows = this.statements
      .get(
        `SELECT id, role, content, tool_calls, tool_call_id, created_at FROM messages
         WHERE owner = ? AND session_key = ? AND id > ? ORDER BY id LIMIT ?`,
      )
      .all(owner, sessionKey, page.afterId, page.limit) as MessageRow[];
    return rows.map(toMessage);
  }

  /** The conversation's summary, or undefined when it does not exist. */
  get(owner: string, sessionKey: string): ConversationSummary | undefined {
    const row = this.statements
      .get(
        `SELECT c.session_key, c.created_at, c.updated_at,
                (SELECT COUNT(*) FROM messages m
                 WHERE m.owner = c.owner AND m.session_key = c.session_key) AS message_count
         FROM conversations c WHERE c.owner = ? AND c.session_key = ?`,
      )
      .get(owner, sessionKey) as SummaryRow | undefined;
    return row && toSummary(row);
  }

  /** One page of conversations, most recently updated first, before the cursor `beforeUpdatedAt`. */
  list(owner: string, page: { limit: number; before?: { updatedAt: number; sessionKey: string } }) {
    const before = page.before;
    const rows = this.statements
      .get(
        `SELECT c.session_key, c.created_at, c.updated_at,
                (SELECT COUNT(*) FROM messages m
                 WHERE m.owner = c.owner AND m.session_key = c.session_key) AS message_count
         FROM conversations c
         WHERE c.owner = ?
           AND (? IS NULL OR c.updated_at < ? OR (c.updated_at = ? AND c.session_key < ?))
         ORDER BY c.updated_at DESC, c.session_key DESC LIMIT ?`,
      )
      .all(
        owner,
        before?.updatedAt ?? null,
        before?.updatedAt ?? null,
        before?.updatedAt ?? null,
        before?.sessionKey ?? null,
        page.limit,
      ) as SummaryRow[];
    return rows.map(toSummary);
  }

  /** Removes every message but keeps the conversation; false when it does not exist. */
  reset(owner: string, sessionKey: string): boolean {
    return this.database.transaction(() => {
      const touched = this.statements
        .get(`UPDATE conversations SET updated_at = ? WHERE owner = ? AND session_key = ?`)
        .run(Date.now(), owner, sessionKey);
      this.statements
        .get(`DELETE FROM messages WHERE owner = ? AND session_key = ?`)
        .run(owner, sessionKey);
      return touched.changes > 0;
    })();
  }

  /** Deletes the conversation and its messages; false when it does not exist. */
  delete(owner: string, sessionKey: string): boolean {
    const deleted = this.statements
      .get(`DELETE FROM conversations WHERE owner = ? AND session_key = ?`)
      .run(owner, sessionKey);
    return deleted.changes > 0;
  }
}

function toMessage(row: MessageRow): StoredMessage {
  const base = { id: row.id, createdAt: row.created_at };
  switch (row.role) {
    case 'assistant': {
      const toolCalls = row.tool_calls ? (JSON.parse(row.tool_calls) as ToolCall[]) : undefined;
      return {
        ...base,
        role: 'assistant',
        content: row.content,
        ...(toolCalls ? { toolCalls } : {}),
      };
    }
    case 'tool':
      return { ...base, role: 'tool', content: row.content, toolCallId: row.tool_call_id ?? '' };
    default:
      return { ...base, role: row.role, content: row.content };
  }
}

function toSummary(row: SummaryRow): ConversationSummary {
  return {
    sessionKey: row.session_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    messageCount: row.message_count,
  };
}
