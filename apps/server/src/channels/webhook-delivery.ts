import { parseRetryAfter } from '@clawgate/providers-core';
import type { ChannelStore, OutboundRecord } from '../store/channel-store.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature.js';

/** Options of {@link WebhookDelivery}. */
export interface WebhookDeliveryOptions {
  channel: string;
  url: string;
  secret: string;
  store: ChannelStore;
  /** Attempts per message before it goes to the dead-letter record. */
  maxAttempts: number;
  /** Wait before the second attempt, in ms; it doubles per attempt up to `retryMaxMs`. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** Longest one POST may take, in ms. */
  timeoutMs: number;
}

/** Statuses that say the receiver will never take this message: no retry helps. */
const PERMANENT = (status: number): boolean =>
  status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;

/**
 * Delivers a webhook channel's outbound messages: each is POSTed as JSON, signed like
 * inbound requests, to the configured URL. A 2xx answer delivers it. A network error, a
 * timeout, a 5xx, 408, 425 or 429 is retried after a backoff that doubles (or after the
 * receiver's `retry-after`, in seconds or as a date), never later than `retryMaxMs`; another 4xx, or the last allowed attempt failing, puts the
 * message in the dead-letter record with the reason. State lives in the store, so a restart
 * resumes where delivery stopped.
 */
export class WebhookDelivery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private stopped = true;
  /** Failed attempts that will be retried, since start. */
  retries = 0;
  lastError: string | undefined;

  constructor(private readonly options: WebhookDeliveryOptions) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Stops delivering; an attempt in flight is aborted and stays pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
    await this.running;
  }

  /** Delivers whatever is due now, then sleeps until the next message is due. */
  kick(): void {
    if (this.stopped || this.running) return;
    clearTimeout(this.timer);
    this.running = this.deliverDue().finally(() => {
      this.running = undefined;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    const next = this.options.store.pendingHeads(this.options.channel)[0];
    if (!next) return;
    const waitMs = Math.max(0, next.nextAttemptAt - Date.now());
    this.timer = setTimeout(() => this.kick(), waitMs);
  }

  /**
   * Delivers what is due for up to `timeoutMs`, e.g. the answers of turns that ended during a
   * shutdown, then stops. What is not delivered by then stays pending for the next start.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    while (!this.stopped && Date.now() < deadline && this.due().length > 0) {
      this.kick();
      await Promise.race([this.running, timeUp]);
    }
    clearTimeout(timer);
    await this.stop();
  }

  /** The chats' next messages that are due now. */
  private due(): OutboundRecord[] {
    const now = Date.now();
    return this.options.store
      .pendingHeads(this.options.channel)
      .filter((record) => record.nextAttemptAt <= now);
  }

  private async deliverDue(): Promise<void> {
    while (!this.stopped) {
      const due = this.due();
      if (due.length === 0) return;
      for (const record of due) {
        if (this.stopped) return;
        await this.attempt(record);
      }
    }
  }

  private async attempt(record: OutboundRecord): Promise<void> {
    const { store, maxAttempts } = this.options;
    const { message } = record;
    const result = await this.post(record);
    if (result.ok) {
      store.recordAttempt(message.id, { status: 'delivered' });
      return;
    }
    if (this.stopped && result.aborted) return;

    this.lastError = result.error;
    const attempts = record.attempts + 1;
    if (result.permanent || attempts >= maxAttempts) {
      const error = `${result.error} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`;
      store.recordAttempt(message.id, { status: 'dead', error });
      return;
    }
    this.retries += 1;
    const backoffMs = Math.min(
      this.options.retryInitialMs * 2 ** (attempts - 1),
      this.options.retryMaxMs,
    );
    const waitMs = Math.min(result.retryAfterMs ?? backoffMs, this.options.retryMaxMs);
    store.recordAttempt(message.id, {
      status: 'pending',
      nextAttemptAt: Date.now() + waitMs,
      error: result.error,
    });
  }

  private async post(
    record: OutboundRecord,
  ): Promise<
    | { ok: true }
    | { ok: false; error: string; permanent: boolean; aborted: boolean; retryAfterMs?: number }
  > {
    const { message } = record;
    const body = JSON.stringify({
      id: message.id,
      channel: message.channel,
      chatId: message.chatId,
      senderId: message.senderId,
      content: message.content,
      ...(message.media ? { media: message.media } : {}),
      ...(message.metadata ? { metadata: message.metadata } : {}),
      timestamp: message.timestamp,
      attempt: record.attempts + 1,
    });
    const timestampMs = Date.now();
    this.controller = new AbortController();
    const signal = AbortSignal.any([
      this.controller.signal,
      AbortSignal.timeout(this.options.timeoutMs),
    ]);
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, timestampMs, body),
          [TIMESTAMP_HEADER]: String(timestampMs),
        },
        body,
        signal,
      });
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      const retryAfterMs = parseRetryAfter(response.headers, Date.now());
      return {
        ok: false,
        error: `the receiver answered HTTP ${response.status}`,
        permanent: PERMANENT(response.status),
        aborted: false,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (error) {
      const aborted = this.controller.signal.aborted;
      const timedOut = !aborted && signal.aborted;
      return {
        ok: false,
        error: timedOut
          ? `the receiver did not answer within ${this.options.timeoutMs} ms`
          : `the receiver could not be reached (${describeNetworkError(error)})`,
        permanent: false,
        aborted,
      };
    }
  }
}

/** A network failure's code (ECONNREFUSED, ...) without the URL or anything secret. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
