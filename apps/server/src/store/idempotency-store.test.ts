import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './database.js';
import { IdempotencyStore, requestHash } from './idempotency-store.js';

const claim = (store: IdempotencyStore, targetId: string, message = 'hello', owner = 'a') =>
  store.claim({ owner, kind: 'agent', key: 'k1', targetId, requestHash: requestHash({ message }) });

describe('IdempotencyStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a repeat with the first target, and another request with the key as a conflict', () => {
    const store = new IdempotencyStore(openDatabase(':memory:'), 60_000);

    expect(claim(store, 'run-1')).toEqual({ kind: 'new' });
    expect(claim(store, 'run-2')).toEqual({ kind: 'repeat', targetId: 'run-1' });
    expect(claim(store, 'run-3', 'another message')).toEqual({ kind: 'conflict' });
    expect(claim(store, 'run-4', 'hello', 'another owner')).toEqual({ kind: 'new' });
    expect(
      store.claim({ owner: 'a', kind: 'send', key: 'k1', targetId: 'm-1', requestHash: 'x' }),
    ).toEqual({ kind: 'new' });
  });

  it('lets a released claim be claimed again, and releases only its own target', () => {
    const store = new IdempotencyStore(openDatabase(':memory:'), 60_000);
    claim(store, 'run-1');

    store.release({ owner: 'a', kind: 'agent', key: 'k1', targetId: 'run-other' });
    expect(claim(store, 'run-2')).toEqual({ kind: 'repeat', targetId: 'run-1' });
    store.release({ owner: 'a', kind: 'agent', key: 'k1', targetId: 'run-1' });
    expect(claim(store, 'run-3')).toEqual({ kind: 'new' });
  });

  it('forgets a key once its window has passed, just after and not before', () => {
    const store = new IdempotencyStore(openDatabase(':memory:'), 60_000);
    claim(store, 'run-1');

    vi.setSystemTime(1_000_000 + 59_999);
    expect(claim(store, 'run-2')).toEqual({ kind: 'repeat', targetId: 'run-1' });
    vi.setSystemTime(1_000_000 + 60_000);
    expect(claim(store, 'run-3', 'another message')).toEqual({ kind: 'new' });
  });

  it('keeps keys in the database file, across a restart', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clawgate-idempotency-')), 'clawgate.db');
    const before = openDatabase(path);
    claim(new IdempotencyStore(before), 'run-1');
    before.close();

    const after = openDatabase(path);
    expect(claim(new IdempotencyStore(after), 'run-2')).toEqual({
      kind: 'repeat',
      targetId: 'run-1',
    });
    after.close();
  });
});
