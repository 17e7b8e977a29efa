import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { MIGRATIONS } from './migrations.js';

const freshPath = (): string => join(mkdtempSync(join(tmpdir(), 'clawgate-db-')), 'clawgate.db');

const tables = (database: Database.Database): string[] =>
  (
    database
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all() as Array<{ name: string }>
  )
    .map((row) => row.name)
    .filter((name) => !name.startsWith('sqlite_'));

describe('openDatabase', () => {
  it('creates every table of the latest schema in an empty file, in WAL mode', () => {
    const database = openDatabase(freshPath());

    expect(database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(tables(database)).toEqual([
      'conversations',
      'idempotency_keys',
      'inbound_messages',
      'messages',
      'outbound_messages',
      'profile_health',
      'runs',
    ]);
    database.close();
  });

  it('migrates a file of the previous version, keeping its data', () => {
    const path = freshPath();
    const previous = openDatabase(path, MIGRATIONS.slice(0, MIGRATIONS.length - 1));
    previous
      .prepare(
        `INSERT INTO conversations (owner, session_key, created_at, updated_at) VALUES (?, ?, 1, 2)`,
      )
      .run('token-0', 'work');
    previous
      .prepare(
        `INSERT INTO runs (run_id, owner, session_key, message, status, started_at)
         VALUES ('run-1', 'token-0', 'work', 'hello', 'done', 1)`,
      )
      .run();
    previous.close();

    const database = openDatabase(path);

    expect(database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(database.prepare(`SELECT session_key FROM conversations`).all()).toEqual([
      { session_key: 'work' },
    ]);
    expect(database.prepare(`SELECT run_id, status FROM runs`).all()).toEqual([
      { run_id: 'run-1', status: 'done' },
    ]);
    expect(tables(database)).toEqual(
      expect.arrayContaining(['inbound_messages', 'outbound_messages', 'idempotency_keys']),
    );
    expect(database.prepare(`SELECT text FROM runs`).all()).toEqual([{ text: null }]);
    database.close();
  });

  it('keeps the file and its WAL readable by the owner only', () => {
    const path = freshPath();
    const database = openDatabase(path);
    database
      .prepare(
        `INSERT INTO conversations (owner, session_key, created_at, updated_at)
      VALUES ('o', 'k', 1, 1)`,
      )
      .run();

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    database.close();
  });

  it('refuses a file written by a newer build instead of guessing', () => {
    const path = freshPath();
    const newer = new Database(path);
    newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    newer.close();

    expect(() => openDatabase(path)).toThrow(
      `the database schema is version ${MIGRATIONS.length + 1}, newer than this build knows (${MIGRATIONS.length}); upgrade clawgate`,
    );
  });
});
