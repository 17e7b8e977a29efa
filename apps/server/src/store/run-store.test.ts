import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { RunStore } from './run-store.js';

describe('RunStore', () => {
  it('keeps what a run answered, and forgets the runs of a deleted conversation only', () => {
    const runs = new RunStore(openDatabase(':memory:'));
    runs.start({ runId: 'r1', owner: 'a', sessionKey: 'work', message: 'hi' });
    runs.start({ runId: 'r2', owner: 'a', sessionKey: 'other', message: 'hey' });
    runs.start({ runId: 'r3', owner: 'b', sessionKey: 'work', message: 'yo' });
    runs.finish('r1', { status: 'done', profile: 'p', text: 'hello there' });

    expect(runs.get('r1')).toMatchObject({ status: 'done', profile: 'p', text: 'hello there' });
    expect(runs.deleteConversation('a', 'work')).toBe(1);

    expect(runs.get('r1')).toBeUndefined();
    expect(runs.get('r2')?.message).toBe('hey');
    expect(runs.get('r3')?.message).toBe('yo');
  });
});
