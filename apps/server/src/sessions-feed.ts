import type { Gateway } from '@clawgate/gateway';

/** What happened to a conversation. */
export type ConversationChange = 'updated' | 'reset' | 'deleted';

/**
 * Who hears `sessions.changed`: the gateway sessions that called `sessions.subscribe`, each
 * only about its own token's conversations. A gateway session that expired is forgotten.
 */
export class SessionsFeed {
  private readonly subscribers = new Map<string, Set<string>>();

  constructor(private readonly gateway: Gateway) {}

  subscribe(principal: string, sessionId: string): void {
    const sessions = this.subscribers.get(principal) ?? new Set<string>();
    sessions.add(sessionId);
    this.subscribers.set(principal, sessions);
  }

  publish(principal: string, sessionKey: string, change: ConversationChange): void {
    const sessions = this.subscribers.get(principal);
    if (!sessions) return;
    for (const sessionId of [...sessions]) {
      const session = this.gateway.session(sessionId);
      if (session) session.emit('sessions.changed', { sessionKey, change });
      else sessions.delete(sessionId);
    }
  }
}
