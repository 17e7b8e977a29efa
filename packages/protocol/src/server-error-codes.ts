import { z } from 'zod';

/**
 * Every stable error string the server puts in `error.data.code`, in a fixed order.
 * The order is the order of {@link SERVER_ERROR_NUMBERS}; never reorder, only append.
 */
export const SERVER_ERROR_CODES = [
  'INTERNAL',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'PROVIDERS_UNAVAILABLE',
  'PROVIDER_REJECTED',
  'ABORTED',
  'SHUTTING_DOWN',
  'HANDSHAKE_TIMEOUT',
  'UPSTREAM_FAILED',
  'DEADLINE_EXCEEDED',
  'STEP_LIMIT',
  'CONFLICT',
  'INTERRUPTED',
] as const;

/** A stable, machine-readable server error, carried in `error.data.code`. */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/** Zod schema of {@link ServerErrorCode}. */
export const serverErrorCodeSchema = z.enum(SERVER_ERROR_CODES);

/**
 * The JSON-RPC `error.code` number of each server error, all inside -32000..-32099.
 * The numbers are part of the protocol and never change.
 */
export const SERVER_ERROR_NUMBERS = {
  INTERNAL: -32000,
  UNAUTHORIZED: -32001,
  RATE_LIMITED: -32002,
  PAYLOAD_TOO_LARGE: -32003,
  NOT_FOUND: -32004,
  PROVIDERS_UNAVAILABLE: -32005,
  PROVIDER_REJECTED: -32006,
  ABORTED: -32007,
  SHUTTING_DOWN: -32008,
  HANDSHAKE_TIMEOUT: -32009,
  /** The upstream failed after part of the answer had been streamed; the turn is partial. */
  UPSTREAM_FAILED: -32010,
  /** The server's own deadline for the call passed; not the caller's cancellation. */
  DEADLINE_EXCEEDED: -32011,
  /** A turn was still calling tools at its step limit. */
  STEP_LIMIT: -32012,
  /** An idempotency key or message id was used before for a different request. */
  CONFLICT: -32013,
  /** The server stopped (crashed or was killed) before the run finished. */
  INTERRUPTED: -32014,
} as const satisfies Record<ServerErrorCode, number>;

/** Type guard: whether a value is one of the {@link ServerErrorCode} strings. */
export function isServerErrorCode(value: unknown): value is ServerErrorCode {
  return typeof value === 'string' && (SERVER_ERROR_CODES as readonly string[]).includes(value);
}
