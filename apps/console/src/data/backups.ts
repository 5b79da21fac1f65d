'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useTRPC } from '@/lib/trpc';

/** How often the catalog and status refresh while the page shows them. */
const LIVE_MS = 5_000;
/** How often a running job is polled for its progress. */
const JOB_POLL_MS = 500;

/** The backups with their chains, sizes and last verification. */
export function useBackupList() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.backups.list.queryOptions(), refetchInterval: LIVE_MS });
}

/** The running job, recent jobs, next scheduled runs and the configured schedule and retention. */
export function useBackupStatus() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.backups.status.queryOptions(), refetchInterval: LIVE_MS });
}

/**
 * One job, polled while it runs and left alone once it has ended. An in-place restore makes
 * the server answer 503 while it swaps the database: the poll keeps going through it.
 */
export function useBackupJob(id: string | null) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.backups.job.queryOptions({ job: id ?? '' }),
    enabled: id !== null,
    retry: 30,
    retryDelay: 1_000,
    refetchInterval: (query) => (query.state.data?.state === 'running' ? JOB_POLL_MS : false),
  });
}

/** Refreshes the catalog and status after a change. */
function useInvalidateBackups() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.backups.pathKey() });
}

export function useCreateBackup() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBackups();
  return useMutation(trpc.backups.create.mutationOptions({ onSuccess: invalidate }));
}

export function useVerifyBackup() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBackups();
  return useMutation(trpc.backups.verify.mutationOptions({ onSuccess: invalidate }));
}

export function useRestoreBackup() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBackups();
  return useMutation(trpc.backups.restore.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteBackup() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBackups();
  return useMutation(trpc.backups.delete.mutationOptions({ onSuccess: invalidate }));
}

export function useApplyRetention() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBackups();
  return useMutation(trpc.backups.retention.mutationOptions({ onSuccess: invalidate }));
}

/** Refreshes everything about backups (after a job ends). */
export { useInvalidateBackups };

/** Changes the backup schedule and retention over the server's config (kept across restarts). */
export function useUpdateBackupSettings() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBackups();
  return useMutation(trpc.backups.updateSettings.mutationOptions({ onSuccess: invalidate }));
}

/** Drops the runtime changes: the config's schedule and retention apply again. */
export function useResetBackupSettings() {
  const trpc = useTRPC();
  const invalidate = useInvalidateBackups();
  return useMutation(trpc.backups.resetSettings.mutationOptions({ onSuccess: invalidate }));
}
