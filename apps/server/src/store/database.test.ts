import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
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
    expect(tables(database)).toEqual(['conversations', 'messages', 'profile_health', 'runs']);
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
    previous.close();

    const database = openDatabase(path);

    expect(database.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(database.prepare(`SELECT session_key FROM conversations`).all()).toEqual([
      { session_key: 'work' },
    ]);
    expect(tables(database)).toContain('runs');
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
