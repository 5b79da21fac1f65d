/** How the text of an environment variable or flag becomes a config value. */
export type OptionKind = 'string' | 'int' | 'number' | 'bytes' | 'boolean' | 'list';

/** One setting that the environment and the command line can give. */
export interface ConfigOption {
  /** Where the value goes in the config, e.g. `['rateLimit', 'max']`. */
  readonly path: readonly string[];
  /** The environment variable, `NEEDLE_...`. */
  readonly env: string;
  /** The commander flag, e.g. `--max-connections <n>`. */
  readonly flag: string;
  /** The property commander stores the flag under (camelCase of the flag). */
  readonly flagKey: string;
  readonly kind: OptionKind;
  readonly description: string;
}

/**
 * Every setting the environment and the command line can give, in one table so that
 * `NEEDLE_*` variables and `needle serve` flags never drift apart. A config file (JSON) can
 * set these and everything else of the config schema.
 */
export const CONFIG_OPTIONS: readonly ConfigOption[] = [
  opt(['host'], 'NEEDLE_HOST', '--host <host>', 'string', 'address to listen on'),
  opt(['port'], 'NEEDLE_PORT', '--port <port>', 'int', 'port to listen on (0: a free one)'),
  opt(['dataDir'], 'NEEDLE_DATA_DIR', '--data <dir>', 'string', 'data directory'),
  opt(
    ['maxConnections'],
    'NEEDLE_MAX_CONNECTIONS',
    '--max-connections <n>',
    'int',
    'open connections at once',
  ),
  opt(
    ['maxBodyBytes'],
    'NEEDLE_MAX_BODY_BYTES',
    '--max-body <bytes>',
    'bytes',
    'largest request body, e.g. 10MiB',
  ),
  opt(['maxBatchSize'], 'NEEDLE_MAX_BATCH_SIZE', '--max-batch <n>', 'int', 'most items in a batch'),
  opt(
    ['queryTimeoutMs'],
    'NEEDLE_QUERY_TIMEOUT_MS',
    '--query-timeout <ms>',
    'int',
    'searches running longer answer 504',
  ),
  opt(
    ['rateLimit', 'max'],
    'NEEDLE_RATE_LIMIT',
    '--rate-limit <n>',
    'int',
    'requests per client per window (0: off)',
  ),
  opt(
    ['rateLimit', 'windowMs'],
    'NEEDLE_RATE_LIMIT_WINDOW_MS',
    '--rate-limit-window <ms>',
    'int',
    'rate-limit window',
  ),
  opt(
    ['memoryLimitBytes'],
    'NEEDLE_MEMORY_LIMIT',
    '--memory-limit <bytes>',
    'bytes',
    'refuse writes above this resident memory, e.g. 4GiB (0: off)',
  ),
  opt(
    ['queryCacheEntries'],
    'NEEDLE_QUERY_CACHE_ENTRIES',
    '--query-cache <n>',
    'int',
    'query-result cache entries (0: off)',
  ),
  opt(['trustProxy'], 'NEEDLE_TRUST_PROXY', '--trust-proxy', 'boolean', 'trust X-Forwarded-For'),
  opt(
    ['auth', 'mode'],
    'NEEDLE_AUTH_MODE',
    '--auth-mode <mode>',
    'string',
    'enforce (default) | development: everyone is admin, for local work only',
  ),
  opt(
    ['auth', 'auditRetentionDays'],
    'NEEDLE_AUDIT_RETENTION_DAYS',
    '--audit-retention-days <days>',
    'int',
    'prune audit entries older than this (0: keep all; default 365)',
  ),
  opt(
    ['auth', 'jwt', 'jwksUrl'],
    'NEEDLE_JWT_JWKS_URL',
    '--jwt-jwks-url <url>',
    'string',
    'accept bearer tokens signed by the keys of this JWKS endpoint',
  ),
  opt(
    ['auth', 'jwt', 'publicKeyFile'],
    'NEEDLE_JWT_PUBLIC_KEY_FILE',
    '--jwt-public-key <file>',
    'string',
    'accept bearer tokens signed with the key in this PEM file',
  ),
  opt(
    ['auth', 'jwt', 'issuer'],
    'NEEDLE_JWT_ISSUER',
    '--jwt-issuer <iss>',
    'string',
    'required token issuer',
  ),
  opt(
    ['auth', 'jwt', 'audience'],
    'NEEDLE_JWT_AUDIENCE',
    '--jwt-audience <aud>',
    'string',
    'required token audience',
  ),
  opt(
    ['tls', 'certFile'],
    'NEEDLE_TLS_CERT',
    '--tls-cert <file>',
    'string',
    'serve HTTPS with this PEM certificate',
  ),
  opt(
    ['tls', 'keyFile'],
    'NEEDLE_TLS_KEY',
    '--tls-key <file>',
    'string',
    'the private key of --tls-cert',
  ),
  opt(
    ['tls', 'clientCaFile'],
    'NEEDLE_TLS_CLIENT_CA',
    '--tls-client-ca <file>',
    'string',
    'ask clients for certificates signed by this CA (mTLS) and map them to principals',
  ),
  opt(
    ['requireTls'],
    'NEEDLE_REQUIRE_TLS',
    '--require-tls',
    'boolean',
    'production mode: refuse plain HTTP (start only with TLS, or behind a TLS proxy)',
  ),
  opt(
    ['cors', 'origins'],
    'NEEDLE_CORS_ORIGINS',
    '--cors-origins <list>',
    'list',
    'comma-separated origins allowed to call the API from a browser (none by default)',
  ),
  opt(
    ['console', 'enabled'],
    'NEEDLE_CONSOLE',
    '--console <on|off>',
    'boolean',
    'serve the admin console at /console (default on)',
  ),
  opt(
    ['console', 'dir'],
    'NEEDLE_CONSOLE_DIR',
    '--console-dir <dir>',
    'string',
    'the console build to serve (default: apps/console/out of this checkout)',
  ),
  opt(
    ['log', 'level'],
    'NEEDLE_LOG_LEVEL',
    '--log-level <level>',
    'string',
    'fatal | error | warn | info | debug | trace | silent',
  ),
  opt(['log', 'file'], 'NEEDLE_LOG_FILE', '--log-file <path>', 'string', 'log to a rotated file'),
  opt(
    ['database', 'wal', 'syncMode'],
    'NEEDLE_WAL_SYNC_MODE',
    '--wal-sync <mode>',
    'string',
    'fsync | normal | off',
  ),
  opt(
    ['database', 'wal', 'checkpointIntervalMs'],
    'NEEDLE_CHECKPOINT_INTERVAL_MS',
    '--checkpoint-interval <ms>',
    'int',
    'checkpoint timer (0: off)',
  ),
  opt(
    ['database', 'wal', 'maxWalBytes'],
    'NEEDLE_MAX_WAL_BYTES',
    '--max-wal <bytes>',
    'bytes',
    'checkpoint when the WAL grows past this',
  ),
  opt(
    ['backup', 'targetDir'],
    'NEEDLE_BACKUP_DIR',
    '--backup-dir <dir>',
    'string',
    'directory (local or mounted) holding the backups (default: <data>/backups)',
  ),
  opt(
    ['backup', 'schedule', 'full'],
    'NEEDLE_BACKUP_FULL_SCHEDULE',
    '--backup-full-schedule <cron>',
    'string',
    'cron expression of full backups, e.g. "0 3 * * *" (none by default)',
  ),
  opt(
    ['backup', 'schedule', 'incremental'],
    'NEEDLE_BACKUP_INCREMENTAL_SCHEDULE',
    '--backup-incremental-schedule <cron>',
    'string',
    'cron expression of incremental backups, e.g. "*/15 * * * *" (none by default)',
  ),
  opt(
    ['backup', 'schedule', 'verify'],
    'NEEDLE_BACKUP_VERIFY_SCHEDULE',
    '--backup-verify-schedule <cron>',
    'string',
    'cron expression of restore drills (the newest backup restored and checked), e.g. "0 5 * * *"',
  ),
  opt(
    ['backup', 'retention', 'maxAgeDays'],
    'NEEDLE_BACKUP_RETENTION_DAYS',
    '--backup-retention-days <days>',
    'int',
    'delete backups older than this after each scheduled backup (0: no age limit; default 30)',
  ),
  opt(
    ['backup', 'retention', 'maxCount'],
    'NEEDLE_BACKUP_RETENTION_COUNT',
    '--backup-retention-count <n>',
    'int',
    'keep at most this many backups (0: no count limit); chains still needed are kept',
  ),
  opt(
    ['alerts', 'sampleIntervalMs'],
    'NEEDLE_ALERTS_SAMPLE_INTERVAL_MS',
    '--alerts-sample-interval <ms>',
    'int',
    'how often the server samples its metrics and evaluates its alert rules (default 5000)',
  ),
  opt(
    ['alerts', 'retentionMs'],
    'NEEDLE_ALERTS_RETENTION_MS',
    '--alerts-retention <ms>',
    'int',
    'how long samples stay in memory for alerts and charts (default 86400000: 24 hours)',
  ),
  opt(
    ['alerts', 'maxSeries'],
    'NEEDLE_ALERTS_MAX_SERIES',
    '--alerts-max-series <n>',
    'int',
    'most series kept in memory (default 1000); bounds the sample memory',
  ),
  opt(
    ['recall', 'sampleRate'],
    'NEEDLE_RECALL_SAMPLE_RATE',
    '--recall-sample-rate <share>',
    'number',
    'share of searches re-run exactly to estimate recall, 0..1 (0: off; default 0.01)',
  ),
  opt(
    ['recall', 'maxCpuShare'],
    'NEEDLE_RECALL_MAX_CPU_SHARE',
    '--recall-max-cpu-share <share>',
    'number',
    'share of wall time background recall and trace work may use (default 0.1)',
  ),
  opt(
    ['slowQuery', 'thresholdMs'],
    'NEEDLE_SLOW_QUERY_MS',
    '--slow-query-ms <ms>',
    'number',
    'record searches taking at least this long, with their trace (default 100)',
  ),
  opt(
    ['notifications', 'externalUrl'],
    'NEEDLE_EXTERNAL_URL',
    '--external-url <url>',
    'string',
    'where people reach this server, e.g. https://needle.example.com: alert notifications link back to it',
  ),
  opt(
    ['prometheus', 'url'],
    'NEEDLE_PROMETHEUS_URL',
    '--prometheus-url <url>',
    'string',
    'the Prometheus that scrapes this server, e.g. http://prometheus:9090: the console can chart from it',
  ),
  opt(
    ['notifications', 'deliveryLog', 'maxEntries'],
    'NEEDLE_NOTIFICATION_LOG_ENTRIES',
    '--notification-log-entries <n>',
    'int',
    'alert deliveries kept in the delivery log (0: no count limit; default 10000)',
  ),
];

function opt(
  path: string[],
  env: string,
  flag: string,
  kind: OptionKind,
  description: string,
): ConfigOption {
  const name = /^--([a-z-]+)/.exec(flag)![1]!;
  const flagKey = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return { path, env, flag, flagKey, kind, description };
}
