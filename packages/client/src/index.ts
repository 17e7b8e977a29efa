export * from './connection-closed-error.js';
export * from './gateway-client.js';
export * from './gateway-client-options.js';
export type { ClientNotification } from './notification-stream.js';
export * from './request-timeout-error.js';
export * from './rpc-client-error.js';
export * from './request-arguments.js';
export * from './protocol-mismatch-error.js';
export * from './reconnecting-client.js';
