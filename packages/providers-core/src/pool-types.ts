import type { ChatProvider, ChatRequest, StreamEvent } from './chat.js';
import type { BreakerStateName } from './circuit-breaker.js';
import type { FailoverReason } from './failover-reason.js';
import type { HealthChange } from './profile-health.js';

/** One credential at one provider with one model, as the pool sees it. */
export interface PoolProfile {
  /** Unique name, used in events, logs and status pages. Never the credential. */
  name: string;
  provider: ChatProvider;
  model: string;
  /** Lower numbers are tried first. Default 0. */
  priority?: number;
  /** Relative share under the `random` strategy. Default 1. */
  weight?: number;
  /** Context window in tokens; `context_overflow` only moves to a larger one. */
  contextWindow?: number;
  /**
   * A fingerprint of the credential (a hash, never the key itself). When it differs from the
   * one stored health was recorded with, that health is forgotten: a new key starts afresh.
   */
  credentialId?: string;
}

/** A chat request without a model: each profile brings its own. */
export type PoolRequest = Omit<ChatRequest, 'model'>;

/** What a pool stream yields: the provider's events plus where they came from. */
export type PoolStreamEvent =
  | StreamEvent
  | { type: 'serving'; profile: string; model: string }
  | { type: 'failover'; from: string; to: string; reason: FailoverReason; message: string };

/** Everything the pool reports to observers. */
export type PoolEvent =
  | { type: 'attempt-start'; profile: string; attempt: number }
  | {
      type: 'attempt-end';
      profile: string;
      attempt: number;
      durationMs: number;
      outcome: 'success' | FailoverReason;
    }
  | { type: 'failover'; from: string; to: string; reason: FailoverReason }
  | { type: 'breaker'; profile: string; from: BreakerStateName; to: BreakerStateName }
  | HealthChange;

/** One profile's state, for `providers.status`. Times are epoch milliseconds. */
export interface ProfileSnapshot {
  name: string;
  provider: string;
  model: string;
  priority: number;
  state: 'ok' | 'cooling_down' | 'disabled' | 'circuit_open';
  cooldownUntilMs?: number;
  disabledUntilMs?: number;
  unavailableReason?: FailoverReason;
  breaker: BreakerStateName;
  inFlight: number;
  totals: { attempts: number; successes: number; failures: number };
}
