import {
  RpcError,
  connectParamsSchema,
  toWireError,
  type JsonRpcId,
  type Resume,
} from '@clawgate/protocol';
import { serializeError } from './json-rpc-responses.js';
import { toParamsIssues } from './standard-schema.js';
import { matchToken } from './token-match.js';

/** Verdict on the params of a `connect` request. */
export type ConnectVerdict =
  | { kind: 'accepted'; resume: Resume | undefined; tokenIndex: number }
  | { kind: 'invalid'; reply: string }
  | { kind: 'unauthorized'; reply: string };

/**
 * Validates `connect` params and compares the token in constant time. Refusals come with
 * the serialised error response: -32602 for malformed params, UNAUTHORIZED for a bad token.
 */
export function checkConnect(
  id: JsonRpcId,
  params: unknown,
  tokens: readonly string[],
): ConnectVerdict {
  const parsed = connectParamsSchema.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = toParamsIssues(parsed.error.issues);
    const error = RpcError.invalidParams(undefined, { issues });
    return { kind: 'invalid', reply: serializeError(id, toWireError(error)) };
  }

  const tokenIndex = matchToken(tokens, parsed.data.token);
  if (tokenIndex === undefined) {
    const error = RpcError.server('UNAUTHORIZED', 'Invalid token');
    return { kind: 'unauthorized', reply: serializeError(id, toWireError(error)) };
  }

  return { kind: 'accepted', resume: parsed.data.resume, tokenIndex };
}
