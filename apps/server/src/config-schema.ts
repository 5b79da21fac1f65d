import { ALERT_RULE_LIST, durationMs } from '@needle/telemetry';
import { notifierDefinition } from '@needle/api';
import { CronPattern } from 'croner';
import { z } from 'zod';

import { parseByteSize } from './byte-size.js';

const MIB = 1024 * 1024;

/** A byte count: a number, or text such as `10MiB`, `512MB`, `64k`. */
function bytes(schema: z.ZodNumber) {
  return z.preprocess(
    (value) => (typeof value === 'string' ? (parseByteSize(value) ?? value) : value),
    schema,
  );
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Log output: level, and an optional file rotated by size and time. */
const logSchema = z.strictObject({
  /** `info` in production, `debug` when troubleshooting. */
  level: z.enum(LOG_LEVELS).default('info'),
  /** Write logs to this file (rotated) instead of standard output. */
  file: z.string().min(1).optional(),
  /** Start a new file at least this often: `daily`, `hourly` or milliseconds. */
  rotateFrequency: z
    .union([z.enum(['daily', 'hourly']), z.number().int().min(1000)])
    .default('daily'),
  /** Start a new file when the current one reaches this size (`100m`, `1g`, `500k`). */
  rotateSize: z
    .string()
    .regex(/^\d+[kmg]$/, 'expected a size such as 100m, 1g or 500k')
    .default('100m'),
  /** Rotated files kept beside the current one. */
  keepFiles: z.number().int().min(1).max(10_000).default(14),
});

/** The per-client rate limit; `max: 0` turns it off. */
const rateLimitSchema = z.strictObject({
  /** Requests one client may make per window (0 = no rate limit). */
  max: z.number().int().min(0).default(60_000),
  /** The window, in milliseconds. */
  windowMs: z.number().int().min(1000).default(60_000),
  /** Clients tracked at once (least recently seen are forgotten first). */
  clients: z.number().int().min(1).default(10_000),
});

/** Who may call the API, and how they prove it. */
const authSchema = z.strictObject({
  /**
   * `enforce`: every API request needs an API key, a bearer token or a client certificate.
   * `development`: everyone is admin; the server says so loudly at start.
   */
  mode: z.enum(['enforce', 'development']).default('enforce'),
  /** The operator's admin key (NEEDLE_ADMIN_API_KEY); never stored. */
  adminApiKey: z.string().min(16, 'use at least 16 characters').optional(),
  /** Bearer tokens (JWT): one of a shared secret, a public key file or a JWKS endpoint. */
  jwt: z
    .strictObject({
      secret: z.string().min(32, 'use a secret of at least 32 characters').optional(),
      publicKeyFile: z.string().min(1).optional(),
      publicKeyAlgorithm: z.string().default('RS256'),
      jwksUrl: z.url().optional(),
      issuer: z.string().optional(),
      audience: z.string().optional(),
      rolesClaim: z.string().default('roles'),
    })
    .optional(),
  /** Failed sign-ins one client address may make per window before it is refused. */
  maxFailures: z.number().int().min(1).default(10),
  failureWindowMs: z.number().int().min(1000).default(60_000),
  /** Audit entries older than this many days are pruned (the chain stays verifiable); 0 keeps all. */
  auditRetentionDays: z.number().min(0).default(365),
  /** How often the retention runs. */
  auditPruneIntervalMs: z.number().int().min(100).default(3_600_000),
});

/** HTTPS: certificate and key files (reloaded on SIGHUP), and a CA for client certificates. */
const tlsSchema = z.strictObject({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
  /** Ask for client certificates signed by this CA (mTLS); their subject is the principal. */
  clientCaFile: z.string().min(1).optional(),
});

/**
 * The settings of the engine that a server operator usually sets. Anything else of the
 * engine's `DatabaseConfig` (limits, encryption, search threads...) passes through and is
 * checked by `Database.open`.
 */
const databaseSchema = z.looseObject({
  wal: z
    .looseObject({
      syncMode: z.enum(['fsync', 'normal', 'off']).optional(),
      checkpointIntervalMs: z.number().int().min(0).optional(),
      maxWalBytes: bytes(
        z
          .number()
          .int()
          .min(64 * 1024),
      ).optional(),
    })
    .optional(),
});

/**
 * Where a backup key comes from, as the engine's encryption key sources: an environment
 * variable, a file (a mounted secret) or a command (a secrets manager). A config file never
 * holds key material itself.
 */
const backupKeySchema = z
  .strictObject({
    keySource: z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('env'),
        name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'),
      }),
      z.strictObject({ type: z.literal('file'), path: z.string().min(1) }),
      z.strictObject({
        type: z.literal('command'),
        command: z.string().min(1),
        args: z.array(z.string()).default([]),
        timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
      }),
    ]),
    /** `none`: the source holds a raw 32-byte key (hex or base64); else a passphrase. */
    kdf: z.enum(['none', 'scrypt', 'argon2id']).default('none'),
    /** The passphrase's salt (hex or base64, not secret); required with a `kdf`. */
    salt: z.string().min(1).optional(),
  })
  .refine((key) => key.kdf === 'none' || key.salt !== undefined, {
    message: 'a passphrase backup key (kdf) needs a salt: give `salt` (e.g. openssl rand -hex 16)',
    path: ['salt'],
  });

/** A cron expression: 5 fields (minute precision) or 6 (with seconds first). */
const cronSchema = z.string().superRefine((pattern, ctx) => {
  try {
    new CronPattern(pattern);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `not a cron expression: ${(err as Error).message.replace(/^CronPattern: /, '')}`,
    });
  }
});

/** Scheduled backups, retention and restore drills (docs/runbooks/backup-and-restore.md). */
const backupSchema = z.strictObject({
  /** A local or mounted directory holding the backups (default: `<dataDir>/backups`). */
  targetDir: z.string().min(1).optional(),
  /** The key that seals backups; default: the database's own key (none: checksummed only). */
  key: backupKeySchema.optional(),
  /** Keys that sealed older backups (before a backup key rotation), for reading them. */
  previousKeys: z.array(backupKeySchema).default([]),
  compression: z.enum(['gzip', 'brotli', 'none']).default('gzip'),
  /** gzip 1–9, brotli 0–11. */
  compressionLevel: z.number().int().min(0).max(11).optional(),
  /** Incrementals in a chain before a scheduled incremental starts a new full backup. */
  maxChainLength: z.number().int().min(1).max(100_000).default(30),
  /** Scratch space (default: beside the database); needs room for a copy of the database. */
  workDir: z.string().min(1).optional(),
  /** Sample searches a verification runs per collection on the restored copy. */
  sampleSearches: z.number().int().min(0).max(1000).default(5),
  /**
   * Keep the database's whole value log (every vector and metadata ever written) instead of
   * dropping, after each backup, the values the backups already hold (docs/adr/0022).
   */
  keepChangeValues: z.boolean().default(false),
  /** Cron expressions; a job not set is not scheduled. */
  schedule: z
    .strictObject({
      /** Full backups, e.g. `0 3 * * *` (daily at 03:00). */
      full: cronSchema.optional(),
      /** Incremental backups (a full one when there is no chain yet), e.g. every 15 minutes. */
      incremental: cronSchema.optional(),
      /** Restore drills: the newest backup restored into scratch space and checked. */
      verify: cronSchema.optional(),
      /** Time zone of the expressions (IANA name); default: the server's. */
      timezone: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Applied after every scheduled backup; never breaks a chain that is kept. */
  retention: z
    .strictObject({
      /** Backups older than this many days expire (0: no age limit). */
      maxAgeDays: z.number().min(0).default(30),
      /** Only the newest this many are kept (0: no count limit). */
      maxCount: z.number().int().min(0).default(0),
      /** The newest this many are never deleted. */
      minCount: z.number().int().min(1).default(1),
    })
    .prefault({}),
});

const DAY_MS = 86_400_000;
/** Most sampling rounds the ring may hold (retention ÷ interval). */
const MAX_ROUNDS = 1_000_000;

/**
 * The alert rules the server evaluates over its own samples, without Prometheus
 * (docs/runbooks/alerts.md). Memory of the sample ring is bounded: at most
 * `(maxSeries + 1) × (retentionMs ÷ sampleIntervalMs + 1) × 8` bytes (about 138 MiB at the
 * defaults when every series is used; a few MiB with the series a server usually has).
 */
const alertsSchema = z
  .strictObject({
    /** Sample the server's metrics and evaluate the alert rules in the server. */
    enabled: z.boolean().default(true),
    /** How often the server samples its own metrics and evaluates the rules. */
    sampleIntervalMs: z.number().int().min(100).max(3_600_000).default(5000),
    /** How long samples are kept in memory, for the rules' windows and the console's charts. */
    retentionMs: z
      .number()
      .int()
      .min(60_000)
      .max(30 * DAY_MS)
      .default(DAY_MS),
    /** Series kept at most (catalogue metrics only); samples of further series are dropped. */
    maxSeries: z.number().int().min(1).max(100_000).default(1000),
    /** Alert history older than this many days is pruned (0: no age limit). */
    historyRetentionDays: z.number().min(0).default(90),
    /** Only the newest this many history entries are kept (0: no count limit). */
    historyMaxEntries: z.number().int().min(0).default(10_000),
    /**
     * How long a rule's threshold must stay breached before it fires, by alert name, instead of
     * the rule's own `for` (e.g. `{ "NeedleMemoryHigh": "1m" }`).
     */
    for: z
      .record(
        z.string(),
        z
          .string()
          .refine((d) => durationMs(d) !== undefined, 'expected a duration such as 30s or 5m'),
      )
      .default({})
      .superRefine((map, ctx) => {
        const names = ALERT_RULE_LIST.map((r) => r.name);
        for (const name of Object.keys(map)) {
          if (!names.includes(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `no alert rule is named ${name} (rules: ${names.join(', ')})`,
            });
          }
        }
      }),
  })
  .refine((a) => a.retentionMs / a.sampleIntervalMs <= MAX_ROUNDS, {
    message: `retentionMs ÷ sampleIntervalMs must be at most ${MAX_ROUNDS} rounds`,
    path: ['retentionMs'],
  });

/**
 * Live recall monitoring (docs/adr/0020): a share of searches is run again exactly in the
 * background, within a CPU budget, to estimate recall@k per collection.
 */
const recallSchema = z.strictObject({
  /** Share of searches sampled, 0..1 (0 turns recall monitoring off). */
  sampleRate: z.number().min(0).max(1).default(0.01),
  /** Samples per collection the estimate covers (a sliding window of the newest). */
  window: z.number().int().min(1).max(1_000_000).default(1000),
  /**
   * Share of wall time the background work (exact re-runs, slow-query traces) may take: after
   * each job the worker rests so that work ÷ (work + rest) stays at most this.
   */
  maxCpuShare: z.number().gt(0).max(1).default(0.1),
  /** Background jobs waiting at most; a sample arriving at a full queue is dropped and counted. */
  maxQueue: z.number().int().min(1).max(100_000).default(64),
});

/** The slow-query store (docs/adr/0021). */
const slowQuerySchema = z.strictObject({
  /** Record slow searches at all. */
  enabled: z.boolean().default(true),
  /** Searches taking at least this many milliseconds are recorded (0: every search). */
  thresholdMs: z.number().min(0).default(100),
  /** Only the newest this many are kept. */
  maxEntries: z.number().int().min(1).max(10_000_000).default(10_000),
  /** Entries older than this many days are pruned (0: no age limit). */
  maxAgeDays: z.number().min(0).default(7),
});

/**
 * Where a notifier's secret comes from: an environment variable or a file (a mounted
 * secret). A config file never holds the secret itself.
 */
const secretRefSchema = z.union(
  [
    z.strictObject({
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'),
    }),
    z.strictObject({ file: z.string().min(1) }),
  ],
  {
    error:
      'give the secret as {"env": "VARIABLE"} or {"file": "/path/to/file"}, never the value itself',
  },
);

const [webhookSchema, alertmanagerSchema, slackSchema] = notifierDefinition.options;

/**
 * A notifier of the config file: the settings of `POST /v1/admin/notifiers`, with each secret
 * (a webhook's `secret`, Slack's `url`, an Alertmanager's `password` or `token`) given as
 * `{ "env": "NAME" }` or `{ "file": "/run/secrets/name" }`.
 */
const configNotifierSchema = z.discriminatedUnion('kind', [
  webhookSchema.extend({ secret: secretRefSchema.optional() }).strict(),
  alertmanagerSchema
    .extend({
      auth: z
        .discriminatedUnion('type', [
          z.strictObject({
            type: z.literal('basic'),
            username: z.string().min(1),
            password: secretRefSchema,
          }),
          z.strictObject({ type: z.literal('bearer'), token: secretRefSchema }),
        ])
        .optional(),
    })
    .strict(),
  slackSchema.extend({ url: secretRefSchema }).strict(),
]);

/** A notifier as the config file gives it (secrets as references). */
export type ConfigNotifier = z.output<typeof configNotifierSchema>;

/**
 * The Prometheus that scrapes this server (docs/adr/0028): the console may chart a named query
 * from it (`GET /v1/telemetry/query?source=prometheus`) over longer ranges than the server
 * keeps. Not set: charts come from the server's own samples only.
 */
const prometheusSchema = z.strictObject({
  /** Its base URL, e.g. `http://prometheus:9090` (`/api/v1/query_range` is asked below it). */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** A query Prometheus has not answered in this long fails with 503 `PROMETHEUS_UNAVAILABLE`. */
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
});

/** Alert notifications (docs/adr/0019-alert-notifications.md). */
const notificationsSchema = z.strictObject({
  /**
   * Where people reach Needle, e.g. `https://needle.example.com`: alerts link back to it
   * (`generatorURL`). Not set: alerts carry no link.
   */
  externalUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Prefix turning runbook paths (`docs/runbooks/alerts.md#disk`) into links. */
  runbookBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Notifiers written to the database at each start (replacing ones of the same name). */
  notifiers: z
    .array(configNotifierSchema)
    .default([])
    .refine((list) => new Set(list.map((n) => n.name)).size === list.length, {
      message: 'two notifiers have the same name',
    }),
  deliveryLog: z
    .strictObject({
      /** Deliveries older than this many days are pruned (0: no age limit). */
      maxAgeDays: z.number().min(0).default(30),
      /** Only the newest this many deliveries are kept (0: no count limit). */
      maxEntries: z.number().int().min(0).default(10_000),
    })
    .prefault({}),
  /** At shutdown, deliveries under way get this long to finish before they are abandoned. */
  stopGraceMs: z.number().int().min(0).max(600_000).default(5000),
});

/**
 * Everything the server can be configured with, and the defaults: the embedded default
 * (127.0.0.1:8080, data in `./data`) and the wire contract's limits.
 */
export const serverConfigSchema = z.strictObject({
  /** Address to listen on. `0.0.0.0` listens on every interface. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Port to listen on; 0 picks a free one. */
  port: z.number().int().min(0).max(65_535).default(8080),
  /** Directory holding the database file `needle.needle`, its WAL and saved indexes. */
  dataDir: z.string().min(1).default('./data'),
  /** Open client connections at once; more are refused. */
  maxConnections: z.number().int().min(1).default(1000),
  /** Largest request body; larger ones answer 413 `BODY_TOO_LARGE`. */
  maxBodyBytes: bytes(
    z
      .number()
      .int()
      .min(1024)
      .max(1024 * MIB),
  ).default(10 * MIB),
  /** Most items in one batch (insert, upsert, delete, search). */
  maxBatchSize: z.number().int().min(1).max(1_000_000).default(10_000),
  /** A search or query running longer answers 504 `QUERY_TIMEOUT`. */
  queryTimeoutMs: z.number().int().min(1).max(3_600_000).default(30_000),
  /** Largest unpaginated export. */
  maxExportPage: z.number().int().min(1).default(100_000),
  rateLimit: rateLimitSchema.prefault({}),
  /**
   * Writes are refused (503 `MEMORY_LIMIT`) while the process's resident memory is above
   * this many bytes; reads keep working. 0 = no limit.
   */
  memoryLimitBytes: bytes(z.number().int().min(0)).default(0),
  /** Entries of the query-result cache; 0 turns it off. */
  queryCacheEntries: z.number().int().min(0).default(1000),
  /** Trust `X-Forwarded-For` from a reverse proxy for the client address (rate limit, logs). */
  trustProxy: z.boolean().default(false),
  auth: authSchema.prefault({}),
  tls: tlsSchema.optional(),
  /** Production mode: refuse plain HTTP (TLS here, or `trustProxy` behind a TLS proxy). */
  requireTls: z.boolean().default(false),
  /** The admin console, served by this server at `/console` (same origin as the API). */
  console: z
    .strictObject({
      /** Serve the console; off: `/console` answers 404 like any unknown path. */
      enabled: z.boolean().default(true),
      /** The console's static build (`apps/console/out` of this checkout by default). */
      dir: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Browser origins allowed to call the API (none by default). */
  cors: z.strictObject({ origins: z.array(z.string().min(1)).default([]) }).prefault({}),
  log: logSchema.prefault({}),
  /** Passed to `Database.open` (WAL sync mode, checkpoint interval, encryption...). */
  database: databaseSchema.prefault({}),
  backup: backupSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  recall: recallSchema.prefault({}),
  slowQuery: slowQuerySchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
  prometheus: prometheusSchema.prefault({}),
});

/** What a config file, the environment and flags may set. */
export type ServerConfigInput = z.input<typeof serverConfigSchema>;
/** The server's settings with every default filled in. */
export type ServerConfig = z.output<typeof serverConfigSchema>;
