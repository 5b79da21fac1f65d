import { z } from 'zod';

/** A notifier's name: lower-case letters, digits and dashes. */
export const notifierName = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'use 1–64 of a-z, 0-9 and "-", not at the ends')
  .meta({ description: 'A notifier name, e.g. ops-webhook.' });

/** An http(s) URL without credentials in it (credentials go in their own fields). */
export const receiverUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
    message: 'put no user name or password in the URL; use the "auth" field',
  });

/** An http(s) URL that is itself a secret (a Slack incoming-webhook URL). */
const secretUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** A secret value: at least 16 characters for an HMAC key. */
const hmacSecret = z.string().min(16, 'use at least 16 characters').max(512);

/** Delivery settings every kind of notifier has. */
const deliveryFields = {
  /** False: kept, but sent nothing (the test action still works). */
  enabled: z.boolean().default(true),
  /** Send resolved events too (default true). */
  send_resolved: z.boolean().default(true),
  /** Only events at or above this severity (default: all). */
  min_severity: z.enum(['warning', 'critical']).default('warning'),
  /** Attempts per event, the first included (1: no retries). */
  max_attempts: z.number().int().min(1).max(20).default(5),
  /** Base delay of the exponential backoff between attempts, in ms (jittered). */
  backoff_ms: z.number().int().min(1).max(600_000).default(1000),
  /** Longest wait between two attempts, a `Retry-After` included; a longer one gives up. */
  max_backoff_ms: z.number().int().min(1).max(3_600_000).default(60_000),
  /** Time limit of one attempt, in ms. */
  timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
  /**
   * A still-firing alert that the evaluator sends again is delivered again only after this
   * long (ms); the same resolved event is never delivered twice.
   */
  repeat_interval_ms: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400_000)
    .default(4 * 3_600_000),
};

const webhookFields = {
  kind: z.literal('webhook'),
  /** Where the JSON body is POSTed. */
  url: receiverUrl,
  /**
   * Key of the HMAC-SHA256 signature in `X-Needle-Signature` (`t=<unix>,v1=<hex>` over
   * `<t>.<body>`). Never returned by the API. Without it, requests are not signed.
   */
  secret: hmacSecret.optional(),
};

const alertmanagerAuth = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('basic'),
    username: z.string().min(1).max(256),
    /** Never returned by the API. */
    password: z.string().min(1).max(1024),
  }),
  z.strictObject({
    type: z.literal('bearer'),
    /** Never returned by the API. */
    token: z.string().min(1).max(4096),
  }),
]);

const alertmanagerFields = {
  kind: z.literal('alertmanager'),
  /**
   * Base URLs of the Alertmanagers (`http://alertmanager:9093`); alerts go to
   * `<url>/api/v2/alerts` of each. Delivered once one of them accepts.
   */
  urls: z.array(receiverUrl).min(1).max(10),
  auth: alertmanagerAuth.optional(),
};

const slackFields = {
  kind: z.literal('slack'),
  /** The incoming-webhook URL: a secret, never returned by the API. */
  url: secretUrl,
  /** Overrides the webhook's channel where the workspace allows it. */
  channel: z.string().min(1).max(80).optional(),
  /** Overrides the poster's name where the workspace allows it. */
  username: z.string().min(1).max(80).optional(),
};

/** A notifier as it is created (`POST /admin/notifiers`) and stored. */
export const notifierDefinition = z.discriminatedUnion('kind', [
  z.object({ name: notifierName, ...webhookFields, ...deliveryFields }),
  z.object({
    name: notifierName,
    ...alertmanagerFields,
    ...deliveryFields,
    /**
     * Alertmanager resolves an alert that is not sent again within its `resolve_timeout`
     * (5 minutes by default): a firing alert is sent again this often while it fires.
     */
    repeat_interval_ms: deliveryFields.repeat_interval_ms.removeDefault().min(1000).default(60_000),
  }),
  z.object({ name: notifierName, ...slackFields, ...deliveryFields }),
]);
export const createNotifierBody = notifierDefinition;

/**
 * A change to a notifier (`POST /admin/notifiers/:name`): only the fields given change; a
 * secret left out stays, `"secret": null` removes the webhook's signing key. The kind cannot
 * change (delete and create instead).
 */
export const updateNotifierBody = z.object({
  kind: z.enum(['webhook', 'alertmanager', 'slack']).optional(),
  url: z.string().optional(),
  urls: z.array(z.string()).optional(),
  secret: hmacSecret.nullable().optional(),
  auth: alertmanagerAuth.nullable().optional(),
  channel: z.string().nullable().optional(),
  username: z.string().nullable().optional(),
  enabled: z.boolean().optional(),
  send_resolved: z.boolean().optional(),
  min_severity: z.enum(['warning', 'critical']).optional(),
  max_attempts: z.number().int().optional(),
  backoff_ms: z.number().int().optional(),
  max_backoff_ms: z.number().int().optional(),
  timeout_ms: z.number().int().optional(),
  repeat_interval_ms: z.number().int().optional(),
});

export const notifierParams = z.object({ name: notifierName });

/** How the API shows a notifier: secrets replaced by `"set"` (or absent when not set). */
export const notifierSchema = z.object({
  name: z.string(),
  kind: z.enum(['webhook', 'alertmanager', 'slack']),
  /** The webhook's URL; for Slack `"set"` (the URL is the secret). */
  url: z.string().optional(),
  /** Slack: the webhook URL's host, to tell webhooks apart. */
  host: z.string().optional(),
  urls: z.array(z.string()).optional(),
  secret: z.literal('set').optional(),
  auth: z
    .object({
      type: z.enum(['basic', 'bearer']),
      username: z.string().optional(),
      password: z.literal('set').optional(),
      token: z.literal('set').optional(),
    })
    .optional(),
  channel: z.string().optional(),
  username: z.string().optional(),
  enabled: z.boolean(),
  send_resolved: z.boolean(),
  min_severity: z.enum(['warning', 'critical']),
  max_attempts: z.number().int(),
  backoff_ms: z.number().int(),
  max_backoff_ms: z.number().int(),
  timeout_ms: z.number().int(),
  repeat_interval_ms: z.number().int(),
  /** `config`: from the server's config file, written again at each start. */
  source: z.enum(['api', 'config']),
  created_at: z.string(),
  updated_at: z.string(),
});

export const listNotifiersResponse = z.object({ notifiers: z.array(notifierSchema) });
export const deleteNotifierResponse = z.object({ deleted: z.string() });

/** One delivery of one event to one notifier, as the delivery log keeps it. */
export const deliverySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  notifier: z.string(),
  kind: z.enum(['webhook', 'alertmanager', 'slack']),
  fingerprint: z.string(),
  rule: z.string(),
  severity: z.string(),
  status: z.enum(['firing', 'resolved']),
  /** A test notification (`POST /admin/notifiers/:name/test`). */
  test: z.boolean(),
  /** A still-firing alert delivered again after the repeat interval. */
  repeat: z.boolean(),
  outcome: z.enum(['delivered', 'failed', 'abandoned']),
  attempts: z.number().int(),
  /** The last HTTP status received, or null when no answer came. */
  http_status: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number(),
});

export const deliveriesQuery = z.object({
  notifier: notifierName.optional(),
  outcome: z.enum(['delivered', 'failed', 'abandoned']).optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const deliveriesResponse = z.object({
  deliveries: z.array(deliverySchema),
  pagination: z.object({
    count: z.number().int(),
    offset: z.number().int(),
    has_more: z.boolean(),
  }),
});

export const testNotifierResponse = z.object({
  /** True when the receiver accepted the test notification. */
  delivered: z.boolean(),
  delivery: deliverySchema,
});
