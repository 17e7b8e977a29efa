export type {
  ChatCallOptions,
  ChatMessage,
  ChatProvider,
  ChatRequest,
  FinishReason,
  StreamEvent,
  ToolCall,
  ToolDefinition,
  Usage,
} from './chat.js';
export { FAILOVER_REASONS, type FailoverReason } from './failover-reason.js';
export { systemClock, type Clock } from './clock.js';
export { ProviderError, isProviderError, type ProviderErrorOptions } from './provider-error.js';
export { parseRetryAfter, readHeader, type HeaderSource } from './retry-after.js';
export type { ErrorFacts } from './error-facts.js';
export { collectErrorFacts, nonEmptyText, readField } from './collect-error-facts.js';
export { toProviderError, type ToProviderErrorOptions } from './to-provider-error.js';
export {
  BUILT_IN_RULES,
  Classifier,
  defaultClassifier,
  type Classification,
  type ClassificationRule,
  type ClassifierOptions,
} from './classifier.js';
export {
  CircuitBreaker,
  type BreakerState,
  type BreakerStateName,
  type BreakerTicket,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
export { InMemoryHealthStore, type HealthRecord, type HealthStore } from './health-store.js';
export {
  ProfileHealth,
  modelKey,
  profileKey,
  type CooldownOptions,
  type HealthChange,
  type ProfileHealthOptions,
  type Unavailability,
} from './profile-health.js';
export {
  ProfileSelector,
  type SelectionCandidate,
  type SelectionStrategy,
} from './profile-selector.js';
export { FAILOVER_POLICY, type FailoverPolicy } from './failover-policy.js';
export {
  ProvidersUnavailableError,
  isProvidersUnavailableError,
  type AttemptRecord,
} from './providers-unavailable-error.js';
export { DeadlineExceededError } from './abortable.js';
export type {
  PoolEvent,
  PoolProfile,
  PoolRequest,
  PoolStreamEvent,
  ProfileSnapshot,
} from './pool-types.js';
export {
  ProviderPool,
  type AttemptProfile,
  type PoolCallOptions,
  type ProviderPoolOptions,
} from './provider-pool.js';
export { redactSecret } from './redact.js';
export {
  functionProvider,
  type FunctionAnswer,
  type FunctionProviderOptions,
} from './function-provider.js';
