import { FIXTURE_NAMES, isFixtureName } from './recorded-fixture.js';
import type { SimStep } from './sim-step.js';
import { isUpstreamErrorCaseName } from './upstream-error-cases.js';

type JsonObject = Record<string, unknown>;

const STEP_KINDS: readonly string[] = [
  'ok',
  'error',
  'hang',
  'reset',
  'cut',
  'stream-error',
  'tool-call',
];

const TIMING_FIELDS = ['latencyMs', 'chunkDelayMs'] as const;
const REPLAY_FIELDS = ['fixture', ...TIMING_FIELDS] as const;

const ALLOWED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ok: ['kind', ...REPLAY_FIELDS],
  'error-case': ['kind', 'case', ...TIMING_FIELDS],
  'error-custom': ['kind', 'status', 'headers', 'body', 'latencyMs'],
  hang: ['kind', 'afterEvents', ...REPLAY_FIELDS],
  reset: ['kind', 'afterEvents', ...REPLAY_FIELDS],
  cut: ['kind', 'afterEvents', ...REPLAY_FIELDS],
  'stream-error': ['kind', 'afterEvents', 'case', ...REPLAY_FIELDS],
  'tool-call': ['kind', 'calls', 'text', ...TIMING_FIELDS],
};

const TOOL_CALL_FIELDS: readonly string[] = ['id', 'name', 'arguments'];

/**
 * Checks that `value` is a well-formed {@link SimStep} (from code, the `x-sim-script`
 * header or the admin API) and returns it.
 *
 * @throws RangeError naming the offending field, its value and what was expected.
 */
export function parseSimStep(value: unknown): SimStep {
  if (!isJsonObject(value)) {
    throw new RangeError(`sim step must be an object, got ${describe(value)}`);
  }
  const step = value;
  const shape = shapeOf(step);

  const allowed = ALLOWED_FIELDS[shape] ?? [];
  for (const field of Object.keys(step)) {
    if (!allowed.includes(field)) {
      throw new RangeError(
        `sim step of kind '${String(step['kind'])}' has unknown field '${field}'` +
          ` (allowed: ${allowed.join(', ')})`,
      );
    }
  }

  checkOptionalCount(step, 'latencyMs', 'milliseconds');
  checkOptionalCount(step, 'chunkDelayMs', 'milliseconds');
  checkOptionalCount(step, 'afterEvents', 'events');
  if (step['fixture'] !== undefined && !isFixtureName(step['fixture'])) {
    throw new RangeError(
      `sim step field 'fixture' is ${describe(step['fixture'])}; expected one of ` +
        FIXTURE_NAMES.join(', '),
    );
  }
  if (shape === 'error-case' || shape === 'stream-error') checkCase(step);
  if (shape === 'cut' || shape === 'stream-error') checkRequired(step, 'afterEvents');
  if (shape === 'error-custom') checkCustomError(step);
  if (shape === 'tool-call') checkToolCalls(step);

  // Every field has been checked against the variant that `kind` selects.
  return step as unknown as SimStep;
}

function shapeOf(step: JsonObject): string {
  const kind = step['kind'];
  if (kind === 'error') return 'case' in step ? 'error-case' : 'error-custom';
  if (typeof kind === 'string' && STEP_KINDS.includes(kind)) return kind;
  throw new RangeError(
    `sim step field 'kind' is ${describe(kind)}; expected one of ${STEP_KINDS.join(', ')}`,
  );
}

function checkCase(step: JsonObject): void {
  if (!isUpstreamErrorCaseName(step['case'])) {
    throw new RangeError(
      `sim step field 'case' is ${describe(step['case'])}; expected the name of a case ` +
        'in upstream-errors.json',
    );
  }
}

function checkRequired(step: JsonObject, field: string): void {
  if (step[field] === undefined) {
    throw new RangeError(`sim step of kind '${String(step['kind'])}' needs field '${field}'`);
  }
}

function checkCustomError(step: JsonObject): void {
  const status = step['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError(
      `sim step field 'status' is ${describe(status)}; expected an HTTP status 100-599`,
    );
  }
  if (!('body' in step)) {
    throw new RangeError("sim step of kind 'error' with a 'status' needs field 'body'");
  }
  const headers = step['headers'];
  if (headers === undefined) return;
  const valid =
    typeof headers === 'object' &&
    headers !== null &&
    !Array.isArray(headers) &&
    Object.values(headers).every((header) => typeof header === 'string');
  if (!valid) {
    throw new RangeError(
      `sim step field 'headers' is ${describe(headers)}; expected an object of strings`,
    );
  }
}

function checkToolCalls(step: JsonObject): void {
  const calls = step['calls'];
  if (!Array.isArray(calls) || calls.length === 0) {
    throw new RangeError(
      `sim step field 'calls' is ${describe(calls)}; expected an array of at least one ` +
        'tool call {id, name, arguments}',
    );
  }
  calls.forEach((call: unknown, index) => checkToolCall(call, `calls[${index}]`));

  const text = step['text'];
  if (text !== undefined && (typeof text !== 'string' || text === '')) {
    throw new RangeError(`sim step field 'text' is ${describe(text)}; expected a non-empty string`);
  }
}

function checkToolCall(call: unknown, path: string): void {
  if (!isJsonObject(call)) {
    throw new RangeError(
      `sim step field '${path}' is ${describe(call)}; expected an object {id, name, arguments}`,
    );
  }
  for (const field of Object.keys(call)) {
    if (!TOOL_CALL_FIELDS.includes(field)) {
      throw new RangeError(
        `sim step field '${path}' has unknown field '${field}'` +
          ` (allowed: ${TOOL_CALL_FIELDS.join(', ')})`,
      );
    }
  }

  for (const field of ['id', 'name']) {
    const value = call[field];
    if (typeof value !== 'string' || value === '') {
      throw new RangeError(
        `sim step field '${path}.${field}' is ${describe(value)}; expected a non-empty string`,
      );
    }
  }
  if (!isJsonObject(call['arguments'])) {
    throw new RangeError(
      `sim step field '${path}.arguments' is ${describe(call['arguments'])}; expected an ` +
        'object of the arguments by name',
    );
  }
}

/** Longest latency or chunk delay a step may ask for: ten minutes. */
export const MAX_STEP_DELAY_MS = 600_000;

function checkOptionalCount(step: JsonObject, field: string, unit: string): void {
  const count = step[field];
  if (count === undefined) return;
  if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
    throw new RangeError(
      `sim step field '${field}' is ${describe(count)}; expected a number of ${unit} >= 0`,
    );
  }
  if (unit === 'milliseconds' && count > MAX_STEP_DELAY_MS) {
    throw new RangeError(
      `sim step field '${field}' is ${count}; expected at most ${MAX_STEP_DELAY_MS} milliseconds`,
    );
  }
  if (field === 'afterEvents' && !Number.isInteger(count)) {
    throw new RangeError(`sim step field 'afterEvents' is ${count}; expected an integer`);
  }
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
