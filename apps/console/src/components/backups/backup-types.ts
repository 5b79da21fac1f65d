import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@needle/api';

type Outputs = inferRouterOutputs<AppRouter>['backups'];

/** One backup of the catalog, as `backups.list` answers. */
export type Backup = Outputs['list']['backups'][number];
/** One chain: a full backup and the incrementals built on it. */
export type Chain = Outputs['list']['chains'][number];
/** A backup, verification or restore job. */
export type Job = Outputs['job'];
/** The backup status: running job, recent jobs, schedule and settings. */
export type BackupStatus = Outputs['status'];

/** A chain with its backups, full backup first. */
export interface ChainGroup {
  chain: Chain;
  backups: Backup[];
}

/** Groups the catalog by chain, newest chain first, each chain full → incrementals. */
export function groupByChain(backups: readonly Backup[], chains: readonly Chain[]): ChainGroup[] {
  return chains
    .map((chain) => ({
      chain,
      backups: backups
        .filter((b) => b.chain === chain.id)
        .sort((a, b) => a.seq_to - b.seq_to || a.created_at.localeCompare(b.created_at)),
    }))
    .sort((a, b) => b.chain.last_at.localeCompare(a.chain.last_at));
}

/** `93` → `1 min 33 s`, `7200` → `2 h 0 min`, `200000` → `2 d 7 h`. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** `1234` → `1.23 s`, `87` → `87 ms`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** An ISO time as the reader's local date and time. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString();
}
