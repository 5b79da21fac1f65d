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
  /** Browser origins allowed to call the API (none by default). */
  cors: z.strictObject({ origins: z.array(z.string().min(1)).default([]) }).prefault({}),
  log: logSchema.prefault({}),
  /** Passed to `Database.open` (WAL sync mode, checkpoint interval, encryption...). */
  database: databaseSchema.prefault({}),
  backup: backupSchema.prefault({}),
});

/** What a config file, the environment and flags may set. */
export type ServerConfigInput = z.input<typeof serverConfigSchema>;
/** The server's settings with every default filled in. */
export type ServerConfig = z.output<typeof serverConfigSchema>;
