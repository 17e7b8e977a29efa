import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrorBody, writeJson } from '@clawgate/gateway';
import { z } from 'zod';
import type { ChannelContext } from './channel.js';
import { HubClosing } from './hub-closing.js';
import { BodyTimeout, BodyTooLarge, readBody } from './read-body.js';

/** Requests of one channel whose bodies may be read at once; more are answered 503 at once. */
const MAX_CONCURRENT_READS = 64;
/** How long a request body may take to arrive, in ms. */
const BODY_TIMEOUT_MS = 10_000;
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from './webhook-signature.js';

/** The JSON body of an inbound webhook request. */
export const inboundBodySchema = z
  .strictObject({
    chatId: z.string().min(1).max(200),
    senderId: z.string().min(1).max(200),
    content: z.string().max(100_000),
    /** The sender's id for the message; a repeat is answered without a second turn. */
    id: z.string().min(1).max(200).optional(),
    media: z
      .array(
        z.strictObject({
          kind: z.enum(['image', 'audio', 'video', 'file']),
          url: z.string().min(1).max(8_192),
          mimeType: z.string().min(1).max(200).optional(),
          name: z.string().min(1).max(500).optional(),
          sizeBytes: z.number().int().nonnegative().optional(),
        }),
      )
      .max(20)
      .optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    /** When the sender wrote it, in epoch ms. Default: when it arrived. */
    timestamp: z.number().int().nonnegative().optional(),
  })
  .refine((body) => body.content !== '' || (body.media?.length ?? 0) > 0, {
    message: 'a message needs content or media',
    path: ['content'],
  });

/** Counters of the inbound side, as `channels.status` shows them. */
export interface InboundCounters {
  accepted: number;
  refused: number;
  duplicates: number;
  /** Requests whose bodies are being read now. */
  reading: number;
}

/** What {@link handleWebhookInbound} needs. */
export interface WebhookInboundOptions {
  channel: string;
  secret: string;
  maxBodyBytes: number;
  /** Longest a request waits for room on a full bus before it is answered 503, in ms. */
  receiveTimeoutMs: number;
  /** Undefined while the channel is not running: requests are answered 503. */
  context: ChannelContext | undefined;
  counters: InboundCounters;
}

/**
 * Answers one inbound webhook request: `POST` with a JSON body (see {@link inboundBodySchema})
 * signed with the channel's secret. 202 `{accepted, messageId}` once the message is stored and
 * queued for the agent (200 with `duplicate: true` for a replayed request, or a repeated `id`
 * in the same chat with the same sender and content); 409 for an `id` reused for another
 * message; 401 for a missing, wrong or stale signature; 400 for a body that is not valid;
 * 405, 413, 415 for a body that is not JSON, and 503 when the channel is stopped or the
 * agent's queue stayed full. Every error body is
 * `{"error":{"code","message"}}` and names no secret.
 */
export async function handleWebhookInbound(
  request: IncomingMessage,
  response: ServerResponse,
  options: WebhookInboundOptions,
): Promise<void> {
  const { counters } = options;
  const refuse = (status: number, code: string, message: string, extra = {}): void => {
    counters.refused += 1;
    writeJson(response, status, httpErrorBody(code, message, extra));
  };

  if (request.method !== 'POST') {
    response.setHeader('allow', 'POST');
    refuse(405, 'METHOD_NOT_ALLOWED', 'use POST');
    return;
  }
  const contentType = header(request, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json');
    return;
  }
  if (counters.reading >= MAX_CONCURRENT_READS) {
    response.setHeader('connection', 'close');
    refuse(503, 'BUSY', 'too many requests are being read; try again', { retryAfterMs: 1_000 });
    return;
  }
  let body: string;
  counters.reading += 1;
  try {
    body = await readBody(request, { maxBytes: options.maxBodyBytes, timeoutMs: BODY_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof BodyTooLarge || error instanceof BodyTimeout) {
      response.setHeader('connection', 'close');
      if (error instanceof BodyTooLarge) refuse(413, 'PAYLOAD_TOO_LARGE', error.message);
      else refuse(408, 'REQUEST_TIMEOUT', error.message);
      return;
    }
    throw error;
  } finally {
    counters.reading -= 1;
  }

  const problem = verifyWebhook({
    secret: options.secret,
    body,
    signature: header(request, SIGNATURE_HEADER),
    timestamp: header(request, TIMESTAMP_HEADER),
    nowMs: Date.now(),
  });
  if (problem) {
    const why = {
      missing: `the ${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} headers are required`,
      stale: `the ${TIMESTAMP_HEADER} is more than 5 minutes away from now`,
      mismatch: 'the signature does not match the body',
    }[problem];
    refuse(401, 'UNAUTHORIZED', why);
    return;
  }

  let parsed: z.infer<typeof inboundBodySchema>;
  try {
    const result = inboundBodySchema.safeParse(JSON.parse(body));
    if (!result.success) {
      const issues = result.error.issues.map(
        (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
      );
      refuse(400, 'INVALID_REQUEST', `invalid message: ${issues.join('; ')}`);
      return;
    }
    parsed = result.data;
  } catch {
    refuse(400, 'PARSE_ERROR', 'the body is not valid JSON');
    return;
  }

  const context = options.context;
  if (!context) {
    refuse(503, 'SHUTTING_DOWN', 'the channel is not running');
    return;
  }
  const { id: externalId, timestamp, ...fields } = parsed;
  try {
    const outcome = await context.receive(
      { ...fields, channel: options.channel, timestamp: timestamp ?? Date.now() },
      {
        ...(externalId === undefined ? {} : { externalId }),
        signature: header(request, SIGNATURE_HEADER)?.toLowerCase() ?? '',
        signal: AbortSignal.timeout(options.receiveTimeoutMs),
      },
    );
    if ('conflict' in outcome) {
      refuse(409, 'CONFLICT', 'this id was already used for another message in this chat');
      return;
    }
    const { messageId, duplicate } = outcome;
    if (duplicate) counters.duplicates += 1;
    else counters.accepted += 1;
    writeJson(response, duplicate ? 200 : 202, {
      accepted: true,
      messageId,
      ...(duplicate ? { duplicate: true } : {}),
    });
  } catch (error) {
    if (error instanceof HubClosing) refuse(503, 'SHUTTING_DOWN', error.message);
    else
      refuse(503, 'BUSY', 'the agent is not taking messages now; try again', {
        retryAfterMs: 1_000,
      });
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
