export { BusClosedError, isBusClosedError } from './bus-closed-error.js';
export type { BusMedia, BusMediaKind } from './bus-media.js';
export type { BusHandler, BusHandlerErrorListener, BusMessage } from './bus-message.js';
export type { ChannelStats, SubscriberListener, SubscriberReport } from './channel-stats.js';
export {
  MessageBus,
  type BusDirection,
  type BusSubscriberListener,
  type MessageBusOptions,
  type MessageBusStats,
} from './message-bus.js';
export { MessageChannel, type Unsubscribe } from './message-channel.js';
export {
  DEFAULT_CHANNEL_CAPACITY,
  type MessageChannelOptions,
  type PublishOptions,
  type SubscribeOptions,
} from './message-channel-options.js';
