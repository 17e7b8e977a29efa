import type { GatewaySession } from './session.js';
import type { StandardSchema } from './standard-schema.js';

/** What a method handler knows about the call besides its params. */
export interface MethodContext {
  /** The gateway session of the calling connection; `emit` sends it events. */
  session: GatewaySession;
  connectionId: string;
  remoteAddress: string;
  /**
   * Who is calling: an opaque, stable id of the accepted token they presented
   * (`principalOf(token)`, e.g. `'token-9f86d081884c7d65'`). It does not change when tokens
   * are reordered, added or removed. Scope per-client data, such as runs, by it.
   */
  principal: string;
  /** Aborted when the calling connection closes. */
  signal: AbortSignal;
  /**
   * Runs `callback` once the frame holding this call's response has been sent (for a
   * notification, once the handler returned), so events it causes follow the response.
   */
  afterReply(callback: () => void): void;
}

/**
 * Handles one method. Its return value becomes `result` (`undefined` becomes `null`); a
 * thrown `RpcError` is sent as is; anything else becomes `-32603 Internal error`.
 */
export type MethodHandler<Params> = (params: Params, context: MethodContext) => unknown;

/** A method as registered with `Gateway.method`. */
export interface MethodDefinition<Params> {
  /** Validates params (omitted params are validated as `{}`); a failure answers -32602. */
  params: StandardSchema<Params>;
  handler: MethodHandler<Params>;
}
