import type { HealthRecord, HealthStore } from '@clawgate/providers-core';
import type { Statement } from 'better-sqlite3';
import type { ClawgateDatabase } from './database.js';

/**
 * Profile health in the database, so a restarted server remembers that a key is dead. The
 * pool reads it for every profile on every attempt, so its statements are prepared once.
 */
export class SqliteHealthStore implements HealthStore {
  private readonly select: Statement<[string], { record: string }>;
  private readonly upsert: Statement<[string, string]>;
  private readonly remove: Statement<[string]>;

  constructor(database: ClawgateDatabase) {
    this.select = database.prepare(`SELECT record FROM profile_health WHERE key = ?`);
    this.upsert = database.prepare(
      `INSERT INTO profile_health (key, record) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET record = excluded.record`,
    );
    this.remove = database.prepare(`DELETE FROM profile_health WHERE key = ?`);
  }

  get(key: string): HealthRecord | undefined {
    const row = this.select.get(key);
    return row && (JSON.parse(row.record) as HealthRecord);
  }

  set(key: string, record: HealthRecord): void {
    this.upsert.run(key, JSON.stringify(record));
  }

  delete(key: string): void {
    this.remove.run(key);
  }
}
