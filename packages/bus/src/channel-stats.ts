/**
 * A snapshot of one subscriber of a {@link MessageChannel}. Counters only grow, except
 * `pending` and `lagging`.
 */
export interface SubscriberReport {
  /** The name given to `subscribe`, or `subscriber-<n>` for the n-th subscription (from 1). */
  name: string;
  /**
   * Messages queued for this subscriber that its handler has not started yet; the message it
   * is handling now is not counted. At most the channel's `capacity`.
   */
  pending: number;
  /** Messages whose handler call returned (or resolved) without throwing. */
  delivered: number;
  /** Messages whose handler call threw (or rejected); each was reported to `onHandlerError`. */
  failed: number;
  /**
   * Messages queued for this subscriber that it will never handle: the ones pending when it
   * unsubscribed or when the channel closed, including backlog messages not yet handed over.
   */
  discarded: number;
  /** Whether `pending` reached `lagThreshold` and has not dropped to zero since. */
  lagging: boolean;
  /** How many times this subscriber started lagging. */
  lagEpisodes: number;
}

/** A snapshot of a {@link MessageChannel}, from {@link MessageChannel.stats}. */
export interface ChannelStats {
  /** Messages published while nobody subscribed, waiting for a first subscriber. */
  queued: number;
  /** `publish` calls waiting for room (not yet counted in `published`). */
  waitingPublishers: number;
  /** Messages accepted so far: queued for every subscriber, or for a first subscriber. */
  published: number;
  /** How many of `subscribers` are lagging. */
  laggingSubscribers: number;
  /** The current subscribers, in subscription order. */
  subscribers: SubscriberReport[];
}

/**
 * Told when a subscriber starts lagging or catches up. An error it throws is swallowed, so a
 * failing listener cannot break delivery.
 */
export type SubscriberListener = (report: SubscriberReport) => void;
