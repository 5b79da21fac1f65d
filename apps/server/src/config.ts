import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { z } from 'zod';

import { parseByteSize } from './byte-size.js';
import { CONFIG_OPTIONS } from './config-options.js';
import type { ConfigOption } from './config-options.js';
import { serverConfigSchema } from './config-schema.js';
import type { ServerConfig } from './config-schema.js';

export { serverConfigSchema } from './config-schema.js';
export type { ServerConfig, ServerConfigInput } from './config-schema.js';

/** A setting is missing, malformed or out of range; the message lists each one and its source. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  readonly help: string;
  /** One line per problem, e.g. `port: must be at most 65535 (got 70000, from --port)`. */
  readonly problems: readonly string[];

  constructor(problems: string[], help: string) {
    super(`invalid server configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.help = help;
  }
}

/** Where the settings come from. */
export interface ConfigSources {
  /** Parsed command-line flags, by commander key (`port`, `maxConnections`, `config`...). */
  flags?: Readonly<Record<string, unknown>>;
  /** The environment (`process.env` by default); only `NEEDLE_*` variables are read. */
  env?: Readonly<Record<string, string | undefined>>;
}

type Layer = Record<string, unknown>;

/** Settings that are secrets: environment only. */
const SECRET_ENV: readonly (readonly [string, readonly string[]])[] = [
  ['NEEDLE_ADMIN_API_KEY', ['auth', 'adminApiKey']],
  ['NEEDLE_JWT_SECRET', ['auth', 'jwt', 'secret']],
];

/**
 * Backup key sources given by the environment: the key itself in `NEEDLE_BACKUP_KEY` (read
 * where it is, never copied into the config), or the file holding it.
 */
const KEY_SOURCE_ENV: readonly (readonly [string, (value: string, name: string) => unknown])[] = [
  ['NEEDLE_BACKUP_KEY', (_value, name) => ({ type: 'env', name })],
  ['NEEDLE_BACKUP_KEY_FILE', (path) => ({ type: 'file', path })],
];

const HELP =
  'Fix the values named above: in the config file (--config / NEEDLE_CONFIG), the NEEDLE_* environment variables or the flags. Run `needle serve --help` for the flags.';

/**
 * Loads the server config: defaults, then a JSON config file (`--config` or
 * `NEEDLE_CONFIG`), then `NEEDLE_*` environment variables, then flags — each overriding the
 * one before. Throws {@link ConfigError} naming every bad value and where it came from.
 *
 * @example
 * ```ts
 * const config = loadServerConfig({ flags: { port: '9000' }, env: process.env });
 * config.port; // 9000
 * ```
 */
export function loadServerConfig(sources: ConfigSources = {}): ServerConfig {
  const flags = sources.flags ?? {};
  const env = sources.env ?? process.env;
  const problems: string[] = [];

  const configPath = stringOrUndefined(flags.config) ?? nonEmpty(env.NEEDLE_CONFIG);
  const file = configPath === undefined ? {} : readConfigFile(configPath, problems);
  const fromEnv = layerOf(
    CONFIG_OPTIONS,
    (o) => nonEmpty(env[o.env]),
    (o) => o.env,
    problems,
  );
  // Secrets come from the environment (or the config file), never from flags: flags show
  // in `ps` and shell history.
  for (const [name, path] of SECRET_ENV) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) setPath(fromEnv, path, value);
  }
  for (const [name, source] of KEY_SOURCE_ENV) {
    const value = nonEmpty(env[name]);
    if (value !== undefined)
      setPath(fromEnv, ['backup', 'key'], { keySource: source(value, name) });
  }
  const fromFlags = layerOf(CONFIG_OPTIONS, (o) => flags[o.flagKey], flagName, problems);
  if (problems.length > 0) throw new ConfigError(problems, HELP);

  const merged = merge(merge(file, fromEnv), fromFlags);
  const parsed = serverConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const layers: [string, Layer][] = [
      ['flag', fromFlags],
      ['environment', fromEnv],
      [`config file ${configPath ?? ''}`, file],
    ];
    throw new ConfigError(
      parsed.error.issues.map((issue) => describeIssue(issue, layers)),
      HELP,
    );
  }
  return parsed.data;
}

function readConfigFile(path: string, problems: string[]): Layer {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    problems.push(`config file ${full}: cannot be read (${(err as Error).message})`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    problems.push(`config file ${full}: not valid JSON (${(err as Error).message})`);
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`config file ${full}: must hold a JSON object of settings`);
    return {};
  }
  return value as Layer;
}

function layerOf(
  options: readonly ConfigOption[],
  read: (option: ConfigOption) => unknown,
  nameOf: (option: ConfigOption) => string,
  problems: string[],
): Layer {
  const layer: Layer = {};
  for (const option of options) {
    const raw = read(option);
    if (raw === undefined) continue;
    const value = convert(option, raw);
    if (value === undefined) {
      problems.push(`${nameOf(option)}: ${expected(option)}, got ${JSON.stringify(raw)}`);
      continue;
    }
    setPath(layer, option.path, value);
  }
  return layer;
}

function convert(option: ConfigOption, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  switch (option.kind) {
    case 'string':
      return text;
    case 'int': {
      const n = Number(text.replaceAll('_', ''));
      return text !== '' && Number.isInteger(n) ? n : undefined;
    }
    case 'number': {
      const n = Number(text.replaceAll('_', ''));
      return text !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'bytes':
      return parseByteSize(text);
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      return undefined;
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}

function expected(option: ConfigOption): string {
  switch (option.kind) {
    case 'int':
      return 'expected an integer';
    case 'number':
      return 'expected a number';
    case 'bytes':
      return 'expected a size such as 10MiB, 512MB or 1048576';
    case 'boolean':
      return 'expected true or false';
    case 'string':
      return 'expected text';
    case 'list':
      return 'expected a comma-separated list';
  }
}

function describeIssue(issue: z.core.$ZodIssue, layers: [string, Layer][]): string {
  const path = issue.path.map(String);
  const where = path.join('.') || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (where === '(root)' ? k : `${where}.${k}`));
    return `${keys.join(', ')}: unknown setting${keys.length > 1 ? 's' : ''}`;
  }
  for (const [name, layer] of layers) {
    const found = getPath(layer, path);
    if (found.present) {
      const option = CONFIG_OPTIONS.find((o) => o.path.join('.') === path.join('.'));
      const source =
        name === 'flag' && option
          ? flagName(option)
          : name === 'environment' && option
            ? option.env
            : name;
      // A secret's value is never echoed: the message says what is wrong, the source where.
      const got = isSecretPath(path) ? '' : `got ${JSON.stringify(found.value)}, `;
      return `${where}: ${issue.message} (${got}from ${source})`;
    }
  }
  return `${where}: ${issue.message}`;
}

/** Settings whose values are secrets (or may be, when written where a reference belongs). */
function isSecretPath(path: readonly string[]): boolean {
  const last = path.at(-1) ?? '';
  if (path[0] === 'notifications' && path[1] === 'notifiers') {
    return ['secret', 'password', 'token', 'url', 'auth'].includes(last);
  }
  return SECRET_ENV.some(([, secret]) => secret.join('.') === path.join('.'));
}

function flagName(option: ConfigOption): string {
  return option.flag.split(' ')[0]!;
}

function setPath(target: Layer, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Layer;
  }
  node[path[path.length - 1]!] = value;
}

function getPath(source: Layer, path: readonly string[]): { present: boolean; value?: unknown } {
  let node: unknown = source;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) {
      return { present: false };
    }
    node = (node as Layer)[key];
  }
  return { present: true, value: node };
}

function merge(base: Layer, over: Layer): Layer {
  const out: Layer = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Layer {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
