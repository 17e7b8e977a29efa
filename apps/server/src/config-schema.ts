import { z } from 'zod';
import { UrlAllowList } from './tools/url-allow-list.js';

/** An http(s) URL without `user:password@`, which `fetch` refuses to send. */
const plainUrl = () =>
  z
    .url({ protocol: /^https?$/ })
    .refine((url) => !/^[a-z]+:\/\/[^/?#]*@/i.test(url), 'a URL must not carry credentials');

/** Shortest gateway token accepted, from the file or `CLAWGATE_TOKEN`. */
export const MIN_TOKEN_LENGTH = 16;

/** Provider kinds the server knows how to build. */
export const PROVIDER_KINDS = ['openai', 'anthropic', 'openai-compatible'] as const;

const profileSchema = z.strictObject({
  name: z.string().min(1).max(100),
  provider: z.enum(PROVIDER_KINDS),
  api_key: z.string().min(1),
  model: z.string().min(1),
  base_url: plainUrl().optional(),
  priority: z.number().int().min(0).default(0),
  weight: z.number().positive().default(1),
  context_window: z.number().int().positive().optional(),
});

const failoverSchema = z.strictObject({
  enabled: z.boolean().default(true),
  strategy: z.enum(['priority', 'round_robin', 'least_used', 'random']).default('priority'),
  default_cooldown_seconds: z.number().positive().default(300),
  max_attempts: z.number().int().positive().default(6),
  max_wait_seconds: z.number().min(0).default(30),
  idle_timeout_seconds: z.number().positive().default(60),
  sticky: z.boolean().default(false),
  circuit_breaker: z
    .strictObject({
      max_failures: z.number().int().positive().default(5),
      reset_timeout_seconds: z.number().positive().default(60),
    })
    .prefault({}),
});

const fetchUrlSchema = z.strictObject({
  /** URLs the `fetch_url` tool may fetch; see `UrlAllowList`. Empty: the tool is off. */
  allow: z
    .array(z.string())
    .default([])
    .superRefine((entries, context) => {
      entries.forEach((entry, index) => {
        try {
          new UrlAllowList([entry]);
        } catch (error) {
          context.addIssue({
            code: 'custom',
            path: [index],
            message: (error as RangeError).message.replace(/^allow\[0\] "[^"]*" /, ''),
          });
        }
      });
    }),
  timeout_ms: z.number().int().positive().default(10_000),
  max_bytes: z.number().int().positive().default(100_000),
});

const toolsSchema = z.strictObject({
  /** Most model calls one turn makes while it calls tools. */
  max_steps: z.number().int().positive().max(100).default(8),
  fetch_url: fetchUrlSchema.prefault({}),
});

const webhookSchema = z.strictObject({
  /** The channel's name: the `channel` of its messages, and part of its inbound path. */
  name: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a name of 1-64 letters, digits, _ or -')
    .refine((name) => name !== 'websocket', 'websocket is the gateway channel'),
  /** Shared secret for the HMAC signatures, both directions. */
  secret: z.string().min(16, 'a webhook secret must be at least 16 characters'),
  /** Where answers are POSTed. */
  outbound_url: plainUrl(),
  max_attempts: z.number().int().positive().max(100).default(5),
  retry_initial_ms: z.number().int().positive().default(1_000),
  retry_max_ms: z.number().int().positive().default(60_000),
  timeout_ms: z.number().int().positive().default(10_000),
});

const channelsSchema = z.strictObject({
  webhooks: z
    .array(webhookSchema)
    .default([])
    .superRefine((webhooks, context) => {
      const seen = new Set<string>();
      webhooks.forEach((webhook, index) => {
        if (seen.has(webhook.name)) {
          context.addIssue({
            code: 'custom',
            message: 'channel names must be unique; this one is already used',
            path: [index, 'name'],
          });
        }
        seen.add(webhook.name);
      });
    }),
});

/** The shape of `clawgate.json`. Unknown keys are errors, so a typo never passes silently. */
export const configSchema = z.strictObject({
  gateway: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(18_789),
      token: z
        .string()
        .min(MIN_TOKEN_LENGTH, `a token must be at least ${MIN_TOKEN_LENGTH} characters`)
        .optional(),
      /** More accepted tokens, e.g. one per client; each one's sessions are its own. */
      tokens: z
        .array(
          z
            .string()
            .min(MIN_TOKEN_LENGTH, `a token must be at least ${MIN_TOKEN_LENGTH} characters`),
        )
        .default([]),
      heartbeat_ms: z.number().int().positive().default(30_000),
      max_payload_bytes: z.number().int().positive().default(1_048_576),
      shutdown_grace_ms: z.number().int().min(0).default(30_000),
    })
    .prefault({}),
  providers: z
    .strictObject({
      failover: failoverSchema.prefault({}),
      profiles: z.array(profileSchema).default([]),
    })
    .prefault({})
    .superRefine((providers, context) => {
      const seen = new Set<string>();
      providers.profiles.forEach((profile, index) => {
        if (seen.has(profile.name)) {
          context.addIssue({
            code: 'custom',
            message: 'profile names must be unique; this one is already used',
            path: ['profiles', index, 'name'],
          });
        }
        seen.add(profile.name);
      });
    }),
  tools: toolsSchema.prefault({}),
  channels: channelsSchema.prefault({}),
  state_dir: z.string().min(1).optional(),
});

/** A validated configuration, defaults filled in. */
export type Config = z.infer<typeof configSchema>;
/** One validated webhook channel. */
export type WebhookConfig = Config['channels']['webhooks'][number];
/** One validated provider profile. */
export type ProfileConfig = Config['providers']['profiles'][number];
