export { startServer, type RunningServer, type ServerOptions } from './server.js';
export { AgentRunner, toTurnError, type RunResult } from './agent-runner.js';
export { configSchema, type Config, type ProfileConfig } from './config-schema.js';
export { ConfigError } from './config-error.js';
export { loadConfigFile, parseConfig } from './load-config.js';
export { resolveConfig } from './resolve-config.js';
export { createLogger } from './logger.js';
