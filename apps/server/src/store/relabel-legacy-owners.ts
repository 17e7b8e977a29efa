import { principalOf } from '@clawgate/gateway';
import type { ClawgateDatabase } from './database.js';

/** The owner name earlier versions stored: the token's position in the configuration. */
const LEGACY_OWNER = /^token-\d+$/;

/**
 * Moves data that earlier versions stored under a token's position (`token-0` for
 * `gateway.token`, `token-1`... for `gateway.tokens`) to that token's principal, which does
 * not change when tokens are reordered. `tokens` must be in the configured order, `token`
 * first; positions with no token now are left as they are. Idempotent: once relabelled,
 * nothing matches again. Returns how many conversations and runs moved.
 */
export function relabelLegacyOwners(database: ClawgateDatabase, tokens: readonly string[]): number {
  const legacy = database
    .prepare(`SELECT DISTINCT owner FROM conversations UNION SELECT DISTINCT owner FROM runs`)
    .all() as Array<{ owner: string }>;
  const owners = legacy.map((row) => row.owner).filter((owner) => LEGACY_OWNER.test(owner));
  if (owners.length === 0) return 0;

  let moved = 0;
  database.transaction(() => {
    // Messages point at their conversation; both change inside this transaction.
    database.pragma('defer_foreign_keys = ON');
    for (const owner of owners) {
      const token = tokens[Number(owner.slice('token-'.length))];
      if (token === undefined) continue;
      const principal = principalOf(token);
      for (const table of ['conversations', 'messages', 'runs']) {
        const changes = database
          .prepare(`UPDATE ${table} SET owner = ? WHERE owner = ?`)
          .run(principal, owner).changes;
        if (table !== 'messages') moved += changes;
      }
    }
  })();
  return moved;
}
