import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+)(s|m|h|d|w)$/;
const ISO_START = /^\d{4}-\d{2}-\d{2}/;

/** A duration flag: a whole number of seconds, minutes, hours, days or weeks (`30d`, `12h`). */
export function parseDuration(value: string): number {
  const match = DURATION.exec(value.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : 0;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new InvalidArgumentError('expected a duration such as 30d, 12h, 90m or 2w');
  }
  return ms;
}

/** An ISO time flag (`2025-06-01`, `2025-06-01T12:00:00Z`), as ms since the epoch. */
export function parseIsoTime(value: string): number {
  const ms = ISO_START.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'expected an ISO time such as 2025-06-01 or 2025-06-01T12:00:00Z',
    );
  }
  return ms;
}

/**
 * A point in time for `--since`/`--until`: an ISO time, or a duration meaning that long ago
 * (`24h` is a day before now).
 */
export function parsePointInTime(value: string, now = Date.now()): number {
  if (DURATION.test(value.trim())) return now - parseDuration(value);
  try {
    return parseIsoTime(value);
  } catch {
    throw new InvalidArgumentError(
      'expected an ISO time (2025-06-01, 2025-06-01T12:00:00Z) or how long ago (24h, 7d)',
    );
  }
}
