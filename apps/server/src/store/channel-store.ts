import type { BusMedia, BusMessage } from '@clawgate/bus';
import type { ClawgateDatabase } from './database.js';
import { PreparedStatements } from './prepared-statements.js';

/** Where an inbound message is: waiting for its turn, in it, or done with it. */
export type InboundStatus = 'queued' | 'started' | 'answered' | 'failed' | 'interrupted';

/** Where an outbound message is: still to deliver, delivered, or given up on (dead letter). */
export type OutboundStatus = 'pending' | 'delivered' | 'dead';

/** A message of the bus with the id the store gave it. */
export type StoredBusMessage = BusMessage & { id: string };

/** An outbound message with its delivery state. Times are epoch ms. */
export interface OutboundRecord {
  message: StoredBusMessage;
  status: OutboundStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

interface MessageColumns {
  message_id: string;
  channel: string;
  chat_id: string;
  sender_id: string;
  content: string;
  media: string | null;
  metadata: string | null;
}

interface OutboundRow extends MessageColumns {
  created_at: number;
  status: OutboundStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

interface InboundRow extends MessageColumns {
  sent_at: number;
}

/**
 * Channel traffic in the embedded store. Inbound messages are written before the sender is
 * told they were accepted, so a crash between the two loses nothing; outbound messages stay
 * `pending` until delivered, and end `dead` (the dead-letter record) when delivery gave up.
 */
export class ChannelStore {
  // TODO: answered inbound and delivered outbound records are never pruned; the file grows
  // with traffic, which starts to matter at many thousands of channel messages a day.
  private readonly statements: PreparedStatements;

  constructor(database: ClawgateDatabase) {
    this.statements = new PreparedStatements(database);
  }

  /**
   * Records an accepted inbound message as `queued`, unless it repeats one already recorded:
   * the same `signature` (a replayed request), or the same `externalId` in the same chat. A
   * repeat with the same sender and content is a `duplicate` (the earlier message's id comes
   * back and nothing is recorded); an `externalId` reused for another sender or content is a
   * `conflict`, and nothing is recorded either.
   */
  recordInbound(
    message: StoredBusMessage,
    keys: { externalId?: string; signature?: string } = {},
  ): { messageId: string; duplicate: boolean } | { conflict: true } {
    if (keys.signature !== undefined) {
      const replayed = this.statements
        .get(`SELECT message_id FROM inbound_messages WHERE channel = ? AND signature = ?`)
        .get(message.channel, keys.signature) as { message_id: string } | undefined;
      if (replayed) return { messageId: replayed.message_id, duplicate: true };
    }
    if (keys.externalId !== undefined) {
      const earlier = this.statements
        .get(
          `SELECT message_id, sender_id, content FROM inbound_messages
           WHERE channel = ? AND chat_id = ? AND external_id = ?`,
        )
        .get(message.channel, message.chatId, keys.externalId) as
        { message_id: string; sender_id: string; content: string } | undefined;
      if (earlier) {
        const same = earlier.sender_id === message.senderId && earlier.content === message.content;
        return same ? { messageId: earlier.message_id, duplicate: true } : { conflict: true };
      }
    }
    this.statements
      .get(
        `INSERT INTO inbound_messages (message_id, channel, chat_id, sender_id, content, media,
           metadata, external_id, signature, sent_at, received_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued')`,
      )
      .run(
        ...messageValues(message),
        keys.externalId ?? null,
        keys.signature ?? null,
        message.timestamp,
        Date.now(),
      );
    return { messageId: message.id, duplicate: false };
  }

  /** Forgets an inbound message that was never handed on, so its sender may send it again. */
  forgetInbound(messageId: string): void {
    this.statements
      .get(`DELETE FROM inbound_messages WHERE message_id = ? AND status = 'queued'`)
      .run(messageId);
  }

  /**
   * Sets an inbound message's status; with `reply`, also keeps the answer to it in the same
   * write, so a crash before the answer reaches its channel cannot lose it.
   */
  markInbound(
    messageId: string,
    status: InboundStatus,
    options: { runId?: string; reply?: StoredBusMessage } = {},
  ): void {
    this.statements
      .get(
        `UPDATE inbound_messages SET status = ?, run_id = coalesce(?, run_id),
           reply = coalesce(?, reply)
         WHERE message_id = ?`,
      )
      .run(
        status,
        options.runId ?? null,
        options.reply ? JSON.stringify(options.reply) : null,
        messageId,
      );
  }

  /**
   * After a restart: the messages still `queued` (accepted, their turn never began), to be
   * handed on again; the ones whose turn had begun (`started`), whose senders should be told;
   * and replies that were kept but never reached their channel's outbound record. Oldest first.
   */
  recoverInbound(): {
    queued: StoredBusMessage[];
    interrupted: StoredBusMessage[];
    unsentReplies: StoredBusMessage[];
  } {
    const select = (status: InboundStatus): StoredBusMessage[] =>
      (
        this.statements
          .get(`SELECT * FROM inbound_messages WHERE status = ? ORDER BY received_at, rowid`)
          .all(status) as InboundRow[]
      ).map((row) => toMessage(row, row.sent_at));
    const unsent = this.statements
      .get(
        `SELECT reply FROM inbound_messages
         WHERE reply IS NOT NULL
           AND json_extract(reply, '$.id') NOT IN (SELECT message_id FROM outbound_messages)
         ORDER BY received_at, rowid`,
      )
      .all() as Array<{ reply: string }>;
    return {
      queued: select('queued'),
      interrupted: select('started'),
      unsentReplies: unsent.map((row) => JSON.parse(row.reply) as StoredBusMessage),
    };
  }

  /** Records an outbound message as `pending`, due at once. */
  enqueueOutbound(message: StoredBusMessage): void {
    const now = Date.now();
    this.statements
      .get(
        `INSERT INTO outbound_messages (message_id, channel, chat_id, sender_id, content, media,
           metadata, created_at, status, next_attempt_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
         ON CONFLICT (message_id) DO NOTHING`,
      )
      .run(...messageValues(message), message.timestamp, now, now);
  }

  /** The channel's pending messages, the soonest due first. */
  pendingOutbound(channel: string): OutboundRecord[] {
    const rows = this.statements
      .get(
        `SELECT * FROM outbound_messages WHERE channel = ? AND status = 'pending'
         ORDER BY next_attempt_at, created_at, rowid`,
      )
      .all(channel) as OutboundRow[];
    return rows.map(toOutboundRecord);
  }

  /**
   * The pending message each chat of the channel must deliver next (its oldest), soonest due
   * first: a later message of a chat waits for the earlier one, so chats stay in order.
   */
  pendingHeads(channel: string): OutboundRecord[] {
    const rows = this.statements
      .get(
        `SELECT * FROM outbound_messages AS head
         WHERE head.channel = ? AND head.status = 'pending'
           AND head.rowid = (
             SELECT rowid FROM outbound_messages AS other
             WHERE other.channel = head.channel AND other.chat_id = head.chat_id
               AND other.status = 'pending'
             ORDER BY created_at, rowid LIMIT 1)
         ORDER BY next_attempt_at, created_at, rowid`,
      )
      .all(channel) as OutboundRow[];
    return rows.map(toOutboundRecord);
  }

  /** Records the outcome of one delivery attempt. */
  recordAttempt(
    messageId: string,
    outcome:
      | { status: 'delivered' }
      | { status: 'pending'; nextAttemptAt: number; error: string }
      | { status: 'dead'; error: string },
  ): void {
    this.statements
      .get(
        `UPDATE outbound_messages
         SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
             updated_at = ?
         WHERE message_id = ?`,
      )
      .run(
        outcome.status,
        outcome.status === 'pending' ? outcome.nextAttemptAt : 0,
        outcome.status === 'delivered' ? null : outcome.error,
        Date.now(),
        messageId,
      );
  }

  /** The dead-letter record of a channel, newest first. */
  deadLetters(channel: string, limit = 100): OutboundRecord[] {
    const rows = this.statements
      .get(
        `SELECT * FROM outbound_messages WHERE channel = ? AND status = 'dead'
         ORDER BY updated_at DESC, rowid DESC LIMIT ?`,
      )
      .all(channel, limit) as OutboundRow[];
    return rows.map(toOutboundRecord);
  }

  /** How many outbound messages of the channel are in each state. */
  outboundCounts(channel: string): Record<OutboundStatus, number> {
    const rows = this.statements
      .get(
        `SELECT status, count(*) AS count FROM outbound_messages WHERE channel = ?
         GROUP BY status`,
      )
      .all(channel) as Array<{ status: OutboundStatus; count: number }>;
    const counts: Record<OutboundStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }
}

function messageValues(message: StoredBusMessage): Array<string | null> {
  return [
    message.id,
    message.channel,
    message.chatId,
    message.senderId,
    message.content,
    message.media && message.media.length > 0 ? JSON.stringify(message.media) : null,
    message.metadata ? JSON.stringify(message.metadata) : null,
  ];
}

function toMessage(row: MessageColumns, timestamp: number): StoredBusMessage {
  return {
    id: row.message_id,
    channel: row.channel,
    chatId: row.chat_id,
    senderId: row.sender_id,
    content: row.content,
    ...(row.media === null ? {} : { media: JSON.parse(row.media) as BusMedia[] }),
    ...(row.metadata === null
      ? {}
      : { metadata: JSON.parse(row.metadata) as Record<string, unknown> }),
    timestamp,
  };
}

function toOutboundRecord(row: OutboundRow): OutboundRecord {
  return {
    message: toMessage(row, row.created_at),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
  };
}
