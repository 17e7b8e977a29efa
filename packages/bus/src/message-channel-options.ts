import type { BusHandlerErrorListener } from './bus-message.js';
import type { SubscriberListener } from './channel-stats.js';

/** Default {@link MessageChannelOptions.capacity}. */
export const DEFAULT_CHANNEL_CAPACITY = 1000;

/** Options of a {@link MessageChannel}. */
export interface MessageChannelOptions<Message> {
  /**
   * Most messages queued per subscriber (and, while nobody subscribes, for a first
   * subscriber) before `publish` waits for room; a positive integer, default 1000.
   */
  capacity?: number;
  /**
   * Pending messages at which a subscriber starts lagging; a positive integer no greater
   * than `capacity`, default half of `capacity` rounded down, at least 1.
   */
  lagThreshold?: number;
  /** Receives errors thrown by subscribers; they are otherwise dropped. */
  onHandlerError?: BusHandlerErrorListener<Message>;
  /** Told once per episode, when a subscriber's pending count reaches `lagThreshold`. */
  onSubscriberLagging?: SubscriberListener;
  /** Told when a lagging subscriber's pending count drops to zero. */
  onSubscriberCaughtUp?: SubscriberListener;
}

/** Options of one {@link MessageChannel.subscribe} call. */
export interface SubscribeOptions {
  /** A non-empty name for reports; default `subscriber-<n>` for the n-th subscription. */
  name?: string;
}

/** Options of one {@link MessageChannel.publish} call. */
export interface PublishOptions {
  /** Gives up waiting for room; the publish rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The checked limits of a channel. */
export interface ChannelLimits {
  capacity: number;
  lagThreshold: number;
}

/** Checks the numeric options of a channel; throws `RangeError` naming the bad option. */
export function resolveChannelLimits(options: {
  capacity?: number;
  lagThreshold?: number;
}): ChannelLimits {
  const capacity = options.capacity ?? DEFAULT_CHANNEL_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a positive integer, got ${String(capacity)}`);
  }

  const lagThreshold = options.lagThreshold ?? Math.max(1, Math.floor(capacity / 2));
  if (!Number.isInteger(lagThreshold) || lagThreshold < 1 || lagThreshold > capacity) {
    throw new RangeError(
      `lagThreshold must be a positive integer no greater than capacity (${capacity}), ` +
        `got ${String(lagThreshold)}`,
    );
  }

  return { capacity, lagThreshold };
}

/** Checks a subscriber name; throws `RangeError` when it is empty or not a string. */
export function resolveSubscriberName(name: unknown, ordinal: number): string {
  if (name === undefined) return `subscriber-${ordinal}`;
  if (typeof name !== 'string' || name.length === 0) {
    throw new RangeError(`name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  return name;
}
