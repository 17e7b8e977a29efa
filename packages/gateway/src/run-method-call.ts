import { RpcError, toWireError } from '@clawgate/protocol';
import { serializeError, serializeSuccess } from './json-rpc-responses.js';
import type { MethodContext, MethodDefinition } from './method-definition.js';
import type { ParsedCall } from './parse-call.js';
import type { CallOutcome } from './dispatch-frame.js';
import { validateWithSchema } from './standard-schema.js';

/** Inputs of {@link runMethodCall}. */
export interface MethodCallOptions {
  call: ParsedCall;
  /** The registered method, or `undefined` when the name is unknown. */
  definition: MethodDefinition<unknown> | undefined;
  context: Omit<MethodContext, 'afterReply'>;
  /** Receives whatever the handler threw (or a result that could not be serialised). */
  onHandlerError: (error: unknown) => void;
}

/**
 * Looks up, validates and runs one call: unknown methods answer -32601, invalid params
 * -32602 with `data.issues`, handler failures go through `toWireError`. Notifications run
 * the same way but never get a reply.
 */
export async function runMethodCall(options: MethodCallOptions): Promise<CallOutcome> {
  const { call, definition } = options;
  const callbacks: Array<() => void> = [];
  const context: MethodContext = {
    ...options.context,
    afterReply: (callback) => callbacks.push(callback),
  };
  const afterReply = (): void => {
    for (const callback of callbacks.splice(0)) {
      try {
        callback();
      } catch (error) {
        options.onHandlerError(error);
      }
    }
  };
  const reply = (makeReply: (id: string | number) => string): CallOutcome =>
    call.kind === 'request' ? { reply: makeReply(call.id), afterReply } : { afterReply };

  if (definition === undefined) {
    return reply((id) => serializeError(id, toWireError(RpcError.methodNotFound())));
  }

  const validation = await validateWithSchema(definition.params, call.params ?? {});
  if (!validation.ok) {
    const error = RpcError.invalidParams(undefined, { issues: validation.issues });
    return reply((id) => serializeError(id, toWireError(error)));
  }

  try {
    const result: unknown = await definition.handler(validation.value, context);
    return reply((id) => serializeSuccess(id, result));
  } catch (error) {
    options.onHandlerError(error);
    return reply((id) => serializeError(id, toWireError(error)));
  }
}
