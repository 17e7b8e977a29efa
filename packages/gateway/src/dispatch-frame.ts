import { RpcError, toWireError } from '@clawgate/protocol';
import { serializeError } from './json-rpc-responses.js';
import { parseCall, type ParsedCall } from './parse-call.js';

/** What running one call produced: the serialised response (none for notifications). */
export interface CallOutcome {
  reply?: string;
  /** Runs once the frame holding `reply` was sent, e.g. to follow it with notifications. */
  afterReply?: () => void;
}

/** Runs one well-formed call. It must not throw. */
export type CallRunner = (call: ParsedCall) => Promise<CallOutcome> | CallOutcome;

/** What to send back for one frame. */
export interface FrameReply {
  /** The response frame, or `undefined` when nothing is owed (only notifications). */
  text?: string;
  afterReply: Array<() => void>;
}

const invalidRequestReply = serializeError(null, toWireError(RpcError.invalidRequest()));

async function runElement(element: unknown, runCall: CallRunner): Promise<CallOutcome> {
  const call = parseCall(element);
  if (call === undefined) return { reply: invalidRequestReply };
  return runCall(call);
}

function collectAfterReply(outcomes: CallOutcome[]): Array<() => void> {
  return outcomes.flatMap((outcome) => (outcome.afterReply ? [outcome.afterReply] : []));
}

/**
 * Applies JSON-RPC 2.0 to one text frame: invalid JSON answers -32700, an invalid call or
 * an empty batch answers -32600 (id null), a batch answers per element in one array, and
 * notifications (also all-notification batches) get nothing back. A batch longer than
 * `maxBatchElements` answers one `PAYLOAD_TOO_LARGE` error and runs nothing.
 */
export async function dispatchFrame(
  text: string,
  runCall: CallRunner,
  options: { maxBatchElements: number } = { maxBatchElements: Number.POSITIVE_INFINITY },
): Promise<FrameReply> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text: serializeError(null, toWireError(RpcError.parseError())), afterReply: [] };
  }

  if (!Array.isArray(value)) {
    const outcome = await runElement(value, runCall);
    return {
      ...(outcome.reply === undefined ? {} : { text: outcome.reply }),
      afterReply: collectAfterReply([outcome]),
    };
  }

  if (value.length === 0) return { text: invalidRequestReply, afterReply: [] };
  // One frame must not become an unbounded amount of work and reply.
  if (value.length > options.maxBatchElements) {
    const error = RpcError.server(
      'PAYLOAD_TOO_LARGE',
      `Batch of ${value.length} elements exceeds maxBatchElements (${options.maxBatchElements})`,
      { maxBatchElements: options.maxBatchElements },
    );
    return { text: serializeError(null, toWireError(error)), afterReply: [] };
  }

  const outcomes = await Promise.all(value.map((element) => runElement(element, runCall)));
  const replies = outcomes.flatMap((outcome) =>
    outcome.reply === undefined ? [] : [outcome.reply],
  );
  return {
    ...(replies.length === 0 ? {} : { text: `[${replies.join(',')}]` }),
    afterReply: collectAfterReply(outcomes),
  };
}
