import { principalOf } from '@clawgate/gateway';
import { describe, expect, it } from 'vitest';
import { ConversationStore } from './conversation-store.js';
import { openDatabase } from './database.js';
import { relabelLegacyOwners } from './relabel-legacy-owners.js';
import { RunStore } from './run-store.js';

describe('relabelLegacyOwners', () => {
  it("moves data stored under a token's position to that token's principal, once", () => {
    const database = openDatabase(':memory:');
    const conversations = new ConversationStore(database);
    const runs = new RunStore(database);
    conversations.append('token-0', 'work', [{ role: 'user', content: 'mine' }]);
    conversations.append('token-1', 'work', [{ role: 'user', content: 'theirs' }]);
    conversations.append('token-7', 'orphan', [{ role: 'user', content: 'no token now' }]);
    conversations.append('channel:hooks', 'hooks:c1', [{ role: 'user', content: 'channel' }]);
    runs.start({ runId: 'r1', owner: 'token-1', sessionKey: 'work', message: 'theirs' });
    const tokens = ['first-token-0123456789', 'second-token-0123456789'];

    expect(relabelLegacyOwners(database, tokens)).toBe(3);
    expect(relabelLegacyOwners(database, tokens)).toBe(0);

    const contents = (owner: string, key: string) =>
      conversations.messages(owner, key).map((message) => message.content);
    expect(contents(principalOf('first-token-0123456789'), 'work')).toEqual(['mine']);
    expect(contents(principalOf('second-token-0123456789'), 'work')).toEqual(['theirs']);
    expect(contents('token-7', 'orphan')).toEqual(['no token now']);
    expect(contents('channel:hooks', 'hooks:c1')).toEqual(['channel']);
    expect(runs.get('r1')?.owner).toBe(principalOf('second-token-0123456789'));
  });
});
