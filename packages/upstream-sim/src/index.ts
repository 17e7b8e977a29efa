export { UpstreamSimulator, SIM_SCRIPT_HEADER } from './upstream-simulator.js';
export type { UpstreamSimulatorOptions } from './upstream-simulator.js';
export type { ScriptOptions } from './script-queues.js';
export type {
  SimStep,
  SimStepKind,
  StepTiming,
  ReplayingStep,
  OkStep,
  ErrorCaseStep,
  CustomErrorStep,
  HangStep,
  ResetStep,
  CutStep,
  StreamErrorStep,
  ToolCallStep,
  ScriptedToolCall,
} from './sim-step.js';
export { parseSimStep } from './parse-sim-step.js';
export type { RecordedRequest } from './recorded-request.js';
export type { WireApi } from './wire-api.js';
export { fixturesDirectoryUrl } from './fixtures-directory.js';
export {
  FIXTURE_NAMES,
  isFixtureName,
  fixtureApi,
  loadRecordedFixture,
} from './recorded-fixture.js';
export type { FixtureName, RecordedFixture } from './recorded-fixture.js';
export { recordedText, recordedToolCalls } from './recorded-text.js';
export type { RecordedOptions, RecordedToolCall } from './recorded-text.js';
export {
  UPSTREAM_ERROR_CASE_NAMES,
  isUpstreamErrorCaseName,
  loadUpstreamErrorCases,
  upstreamErrorCase,
} from './upstream-error-cases.js';
export type {
  UpstreamErrorCase,
  UpstreamErrorCaseName,
  UpstreamErrorEvent,
  UpstreamHttpErrorCase,
  UpstreamStreamErrorCase,
} from './upstream-error-cases.js';
export { DEFAULT_FIXTURES } from './step-responder.js';
