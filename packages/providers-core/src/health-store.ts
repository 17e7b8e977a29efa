import type { FailoverReason } from './failover-reason.js';

/**
 * The health of one profile, or of one model on one profile (rate limits and missing models
 * are scoped that way). Times are epoch milliseconds.
 */
export interface HealthRecord {
  /** No attempt before this time. */
  cooldownUntilMs?: number;
  cooldownReason?: FailoverReason;
  /** Disabled (bad key, no credit, missing model) until this time. */
  disabledUntilMs?: number;
  disabledReason?: FailoverReason;
  /** Consecutive failures that grow the next cooldown or disable period. */
  strikes: number;
  /**
   * Fingerprint of the credential the record was made with (never the credential itself).
   * A profile whose credential changed starts afresh.
   */
  credentialId?: string;
}

/**
 * Where profile health is kept. The default keeps it in memory; a persistent store lets a
 * restarted process remember that a key is dead, and a shared one lets instances agree.
 */
export interface HealthStore {
  get(key: string): HealthRecord | undefined;
  set(key: string, record: HealthRecord): void;
  delete(key: string): void;
}

/** A `HealthStore` in a `Map`; lost on restart. */
export class InMemoryHealthStore implements HealthStore {
  private readonly records = new Map<string, HealthRecord>();

  get(key: string): HealthRecord | undefined {
    const record = this.records.get(key);
    return record && { ...record };
  }

  set(key: string, record: HealthRecord): void {
    this.records.set(key, { ...record });
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}
