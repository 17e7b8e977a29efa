import { principalOf } from '@clawgate/gateway';
import type { ClawgateDatabase } from './database.js';

/**
 * Moves data that earlier versions stored under a token's position (`token-0` for
 * `gateway.token`, `token-1`... for `gateway.tokens`) to that token's principal, which does
 * not change when tokens are reordered. `tokens` must be in the configured order, `token`
 * first; positions with no token now are left as they are. Each position is one indexed
 * update per table, so a start with nothing to move costs next to nothing. Idempotent: once
 * relabelled, nothing matches again. Returns how many conversations and runs moved.
 */
export function relabelLegacyOwners(database: ClawgateDatabase, tokens: readonly string[]): number {
  let moved = 0;
  database.transaction(() => {
    // Messages point at their conversation; both change inside this transaction.
    database.pragma('defer_foreign_keys = ON');
    tokens.forEach((token, index) => {
      const principal = principalOf(token);
      for (const table of ['conversations', 'messages', 'runs']) {
        const changes = database
          .prepare(`UPDATE ${table} SET owner = ? WHERE owner = ?`)
          .run(principal, `token-${index}`).changes;
        if (table !== 'messages') moved += changes;
      }
    });
  })();
  return moved;
}
