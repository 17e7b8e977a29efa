import { z } from 'zod';

/** The `jsonrpc` member every frame carries. */
export const jsonRpcVersionSchema = z.literal('2.0');

/** A request id: a string or a number (`null` is reserved for errors without an id). */
export const jsonRpcIdSchema = z.union([z.string(), z.number()]);

/** A request id as the client chose it. */
export type JsonRpcId = z.infer<typeof jsonRpcIdSchema>;

/** Request or notification parameters: by name (object) or by position (array). */
export const jsonRpcParamsSchema = z.union([
  z.record(z.string(), z.unknown()),
  z.array(z.unknown()),
]);

/** A call that expects a response. */
export const jsonRpcRequestSchema = z.object({
  jsonrpc: jsonRpcVersionSchema,
  id: jsonRpcIdSchema,
  method: z.string(),
  params: jsonRpcParamsSchema.optional(),
});

/** A call that expects a response. */
export type JsonRpcRequest = z.infer<typeof jsonRpcRequestSchema>;

/** A call without an `id`: it never gets a response. */
export const jsonRpcNotificationSchema = z.object({
  jsonrpc: jsonRpcVersionSchema,
  id: z.never().optional(),
  method: z.string(),
  params: jsonRpcParamsSchema.optional(),
});

/** A call without an `id`: it never gets a response. */
export type JsonRpcNotification = z.infer<typeof jsonRpcNotificationSchema>;

/** The `error` member of an error response. */
export const jsonRpcErrorObjectSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** The `error` member of an error response. */
export type JsonRpcErrorObject = z.infer<typeof jsonRpcErrorObjectSchema>;

/** A successful response; `result` is `null` when a method has nothing to return. */
export const jsonRpcSuccessResponseSchema = z.object({
  jsonrpc: jsonRpcVersionSchema,
  id: jsonRpcIdSchema,
  result: z.unknown().refine((value) => value !== undefined, 'Expected a result'),
});

/** A successful response. */
export type JsonRpcSuccessResponse = z.infer<typeof jsonRpcSuccessResponseSchema>;

/** An error response; `id` is `null` when the request's id could not be read. */
export const jsonRpcErrorResponseSchema = z.object({
  jsonrpc: jsonRpcVersionSchema,
  id: jsonRpcIdSchema.nullable(),
  error: jsonRpcErrorObjectSchema,
});

/** An error response. */
export type JsonRpcErrorResponse = z.infer<typeof jsonRpcErrorResponseSchema>;

/** Either kind of response. */
export const jsonRpcResponseSchema = z.union([
  jsonRpcSuccessResponseSchema,
  jsonRpcErrorResponseSchema,
]);

/** Either kind of response. */
export type JsonRpcResponse = z.infer<typeof jsonRpcResponseSchema>;

/** One element of a client batch: a request or a notification. */
export const jsonRpcCallSchema = z.union([jsonRpcRequestSchema, jsonRpcNotificationSchema]);

/** One element of a client batch: a request or a notification. */
export type JsonRpcCall = z.infer<typeof jsonRpcCallSchema>;

/** A batch of calls; an empty batch is invalid. */
export const jsonRpcBatchSchema = z.array(jsonRpcCallSchema).min(1);

/** A batch of calls. */
export type JsonRpcBatch = z.infer<typeof jsonRpcBatchSchema>;

/** A batch of responses (one per request of the batch; notifications get none). */
export const jsonRpcResponseBatchSchema = z.array(jsonRpcResponseSchema).min(1);

/** A batch of responses. */
export type JsonRpcResponseBatch = z.infer<typeof jsonRpcResponseBatchSchema>;
