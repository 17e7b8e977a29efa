import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

/** An open clawgate database. */
export type ClawgateDatabase = Database.Database;

/**
 * Opens (creating when missing) the SQLite database at `path`, in WAL mode with full sync so a
 * committed write survives the process being killed, and migrates it to the latest schema.
 * The file is made readable by its owner only.
 * @throws Error when the file holds a schema newer than this build knows
 */
export function openDatabase(
  path: string,
  migrations: readonly string[] = MIGRATIONS,
): ClawgateDatabase {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Conversations are private: the file is the owner's alone, and SQLite gives its WAL and
    // shared-memory files the same mode.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  migrate(database, migrations);
  return database;
}

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrate(database: ClawgateDatabase, migrations: readonly string[]): void {
  const version = Number(database.pragma('user_version', { simple: true }));
  if (version > migrations.length) {
    throw new Error(
      `the database schema is version ${version}, newer than this build knows (${migrations.length}); upgrade clawgate`,
    );
  }
  migrations.slice(version).forEach((sql, index) => {
    database.transaction(() => {
      database.exec(sql);
      database.pragma(`user_version = ${version + index + 1}`);
    })();
  });
}
