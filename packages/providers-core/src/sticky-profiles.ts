import { positiveInteger } from './option-checks.js';

/**
 * Which profile served each conversation's last turn, for the pool's sticky mode. Bounded: past
 * `maxConversations` the conversation used least recently is forgotten.
 */
export class StickyProfiles {
  private readonly byConversation = new Map<string, string>();

  /** @param maxConversations Most conversations remembered. Default 10 000. */
  constructor(private readonly maxConversations = 10_000) {
    positiveInteger('maxConversations', maxConversations);
  }

  /** The profile that served the conversation last, if it is remembered. */
  get(conversationKey: string): string | undefined {
    const profile = this.byConversation.get(conversationKey);
    if (profile === undefined) return undefined;
    // Re-inserting moves the entry to the most recently used end of the map.
    this.byConversation.delete(conversationKey);
    this.byConversation.set(conversationKey, profile);
    return profile;
  }

  /** Remembers that `profile` served the conversation's latest turn. */
  set(conversationKey: string, profile: string): void {
    this.byConversation.delete(conversationKey);
    this.byConversation.set(conversationKey, profile);
    if (this.byConversation.size <= this.maxConversations) return;
    const oldest = this.byConversation.keys().next();
    if (!oldest.done) this.byConversation.delete(oldest.value);
  }

  get size(): number {
    return this.byConversation.size;
  }
}
