import { CommandError } from '../command-error.js';
import type { AuditFilter, AuditRecord } from './security-backend.js';

/**
 * Reads at most `limit` entries appended in `[since, until)` that match the filter, newest
 * first: what `GET /v1/admin/audit` answers.
 */
export type AuditPageReader = (filter: AuditFilter, limit: number) => Promise<AuditRecord[]>;

/** The first window's width; later ones adapt to how dense the log is. */
const FIRST_WIDTH_MS = 3_600_000;

/**
 * Every matching entry, oldest first, from a reader that answers newest first and has no
 * cursor. The time axis is cut into windows `[since, until)` that each hold less than a
 * page: the route filters on the time an entry was appended, so consecutive windows
 * partition the log exactly, with no entry twice and none left out. A window that comes
 * back full is halved and read again; the next window's width aims at half a page.
 */
export async function* readAuditOldestFirst(
  read: AuditPageReader,
  filter: AuditFilter,
  pageLimit: number,
): AsyncGenerator<AuditRecord> {
  const end = filter.until ?? Date.now() + 1;
  let since = await firstAppended(read, filter, end);
  if (since === null) return;
  let width = FIRST_WIDTH_MS;
  while (since < end) {
    const until = Math.min(end, since + width);
    const page = await read({ ...filter, since, until }, pageLimit);
    if (page.length >= pageLimit) {
      if (until - since <= 1) {
        throw new CommandError(
          'AUDIT_TOO_DENSE',
          `more than ${pageLimit.toLocaleString('en')} audit entries were appended in the same millisecond (${new Date(since).toISOString()}), more than one request can carry`,
          'Export on the data directory (--data) with the server stopped, or narrow the export with --principal/--action.',
        );
      }
      width = Math.floor((until - since) / 2);
      continue;
    }
    for (let i = page.length - 1; i >= 0; i--) yield page[i]!;
    const span = until - since;
    since = until;
    width =
      page.length === 0 ? span * 4 : Math.max(1, Math.floor((span * pageLimit) / 2 / page.length));
  }
}

/**
 * When the first matching entry was appended (ms), or null when none matches: a binary
 * search with one-entry reads for the smallest `t` such that an entry lies in `[since, t)`.
 */
async function firstAppended(
  read: AuditPageReader,
  filter: AuditFilter,
  end: number,
): Promise<number | null> {
  const base = filter.since ?? 0;
  const any = async (until: number) =>
    (await read({ ...filter, since: base, until }, 1)).length > 0;
  if (!(await any(end))) return null;
  let lo = base;
  let hi = end;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await any(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}
