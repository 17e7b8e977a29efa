export * from './bus-closed-error.js';
export * from './bus-message.js';
export * from './message-bus.js';
export * from './message-channel.js';
