import { createHash } from 'node:crypto';
import type { ClawgateDatabase } from './database.js';
import { PreparedStatements } from './prepared-statements.js';

/** What an idempotency key protects: an `agent` run or a `send`. */
export type IdempotencyKind = 'agent' | 'send';

/** What {@link IdempotencyStore.claim} found. */
export type IdempotencyClaim =
  { kind: 'new' } | { kind: 'repeat'; targetId: string } | { kind: 'conflict' };

/** A digest of a request's fields, to tell a true repeat from another request with the key. */
export function requestHash(fields: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * Idempotency keys in the embedded store, so a client that retries after a restart still
 * gets the first request's result instead of a second run or message. A key is scoped by
 * owner and kind and lasts `windowMs` from its first use.
 */
export class IdempotencyStore {
  private readonly statements: PreparedStatements;

  constructor(
    private readonly database: ClawgateDatabase,
    private readonly windowMs = 600_000,
  ) {
    this.statements = new PreparedStatements(database);
  }

  /**
   * Claims `key` for `targetId`. Within the window, a key used before with the same request
   * is a `repeat` of its target; with another request it is a `conflict`, and nothing changes.
   * Otherwise the key is (re)claimed and the answer is `new`.
   */
  claim(options: {
    owner: string;
    kind: IdempotencyKind;
    key: string;
    targetId: string;
    requestHash: string;
  }): IdempotencyClaim {
    const { owner, kind, key } = options;
    const now = Date.now();
    return this.database.transaction((): IdempotencyClaim => {
      this.statements
        .get(`DELETE FROM idempotency_keys WHERE created_at <= ?`)
        .run(now - this.windowMs);
      const earlier = this.statements
        .get(
          `SELECT target_id, request_hash FROM idempotency_keys
           WHERE owner = ? AND kind = ? AND key = ?`,
        )
        .get(owner, kind, key) as { target_id: string; request_hash: string } | undefined;
      if (earlier) {
        return earlier.request_hash === options.requestHash
          ? { kind: 'repeat', targetId: earlier.target_id }
          : { kind: 'conflict' };
      }
      this.statements
        .get(
          `INSERT INTO idempotency_keys (owner, kind, key, target_id, request_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(owner, kind, key, options.targetId, options.requestHash, now);
      return { kind: 'new' };
    })();
  }

  /** Gives up a claim whose request was not carried out, so a retry may carry it out. */
  release(options: { owner: string; kind: IdempotencyKind; key: string; targetId: string }): void {
    this.statements
      .get(
        `DELETE FROM idempotency_keys WHERE owner = ? AND kind = ? AND key = ? AND target_id = ?`,
      )
      .run(options.owner, options.kind, options.key, options.targetId);
  }
}
