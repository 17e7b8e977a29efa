/**
 * The schema, one migration per version, applied in order inside a transaction. The database's
 * `user_version` says which have run. Append only: a shipped migration never changes.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: conversations and their messages.
  `CREATE TABLE conversations (
     owner TEXT NOT NULL,
     session_key TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     metadata TEXT NOT NULL DEFAULT '{}',
     PRIMARY KEY (owner, session_key)
   );
   CREATE TABLE messages (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     owner TEXT NOT NULL,
     session_key TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
     content TEXT NOT NULL,
     tool_calls TEXT,
     tool_call_id TEXT,
     created_at INTEGER NOT NULL,
     FOREIGN KEY (owner, session_key) REFERENCES conversations (owner, session_key)
       ON DELETE CASCADE
   );
   CREATE INDEX messages_by_conversation ON messages (owner, session_key, id);`,
  // 2: run records and profile health.
  `CREATE TABLE runs (
     run_id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     session_key TEXT NOT NULL,
     message TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('running', 'done', 'error', 'interrupted')),
     profile TEXT,
     usage TEXT,
     error TEXT,
     started_at INTEGER NOT NULL,
     ended_at INTEGER
   );
   CREATE INDEX runs_by_conversation ON runs (owner, session_key, started_at);
   CREATE TABLE profile_health (
     key TEXT PRIMARY KEY,
     record TEXT NOT NULL
   );`,
  // 3: channel traffic: inbound messages (kept until their turn starts, and for repeats) and
  // outbound deliveries (pending, delivered, or dead: the dead-letter record).
  `CREATE TABLE inbound_messages (
     message_id TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     external_id TEXT,
     chat_id TEXT NOT NULL,
     sender_id TEXT NOT NULL,
     content TEXT NOT NULL,
     media TEXT,
     metadata TEXT,
     sent_at INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     status TEXT NOT NULL
       CHECK (status IN ('queued', 'started', 'answered', 'failed', 'interrupted')),
     run_id TEXT,
     signature TEXT,
     reply TEXT
   );
   CREATE UNIQUE INDEX inbound_by_external_id ON inbound_messages (channel, chat_id, external_id)
     WHERE external_id IS NOT NULL;
   CREATE UNIQUE INDEX inbound_by_signature ON inbound_messages (channel, signature)
     WHERE signature IS NOT NULL;
   CREATE INDEX inbound_by_status ON inbound_messages (status, received_at);
   CREATE TABLE outbound_messages (
     message_id TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     sender_id TEXT NOT NULL,
     content TEXT NOT NULL,
     media TEXT,
     metadata TEXT,
     created_at INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     last_error TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX outbound_due ON outbound_messages (channel, status, next_attempt_at);`,
  // 4: idempotency keys that outlive a restart, and the final text of each run.
  `CREATE TABLE idempotency_keys (
     owner TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('agent', 'send')),
     key TEXT NOT NULL,
     target_id TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (owner, kind, key)
   );
   CREATE INDEX idempotency_by_age ON idempotency_keys (created_at);
   ALTER TABLE runs ADD COLUMN text TEXT;`,
];
