import type { HealthRecord, HealthStore } from '@clawgate/providers-core';
import type { ClawgateDatabase } from './database.js';

/** Profile health in the database, so a restarted server remembers that a key is dead. */
export class SqliteHealthStore implements HealthStore {
  constructor(private readonly database: ClawgateDatabase) {}

  get(key: string): HealthRecord | undefined {
    const row = this.database
      .prepare(`SELECT record FROM profile_health WHERE key = ?`)
      .get(key) as { record: string } | undefined;
    return row && (JSON.parse(row.record) as HealthRecord);
  }

  set(key: string, record: HealthRecord): void {
    this.database
      .prepare(
        `INSERT INTO profile_health (key, record) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET record = excluded.record`,
      )
      .run(key, JSON.stringify(record));
  }

  delete(key: string): void {
    this.database.prepare(`DELETE FROM profile_health WHERE key = ?`).run(key);
  }
}
