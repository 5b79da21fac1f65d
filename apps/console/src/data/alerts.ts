'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useTRPC } from '@/lib/trpc';

/** Alert state is refreshed this often on the pages that show it. */
export const ALERTS_REFRESH_MS = 2_000;

/** Every rule: default and effective thresholds, the value and state of each label set. */
export function useAlertRules() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.alerts.rules.queryOptions(), refetchInterval: ALERTS_REFRESH_MS });
}

/** The alerts pending or firing now. */
export function useActiveAlerts() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.alerts.active.queryOptions(), refetchInterval: ALERTS_REFRESH_MS });
}

/** One page of the alert history, newest first; `cursor` is the previous page's `next`. */
export function useAlertHistory(cursor: string | undefined, limit = 20) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.alerts.history.queryOptions({ limit, cursor }),
    // Only the first page changes as alerts move; older pages are fixed.
    refetchInterval: cursor === undefined ? ALERTS_REFRESH_MS : false,
  });
}

/** Invalidates everything that shows alert state, after a threshold change. */
function useInvalidateAlerts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.telemetry.pathKey() }),
    ]);
}

/** Overrides a rule's thresholds (`alerts.manage`, audited). */
export function useSetThresholds() {
  const trpc = useTRPC();
  const invalidate = useInvalidateAlerts();
  return useMutation(trpc.alerts.setThresholds.mutationOptions({ onSuccess: invalidate }));
}

/** Restores a rule's default thresholds (`alerts.manage`, audited). */
export function useResetThresholds() {
  const trpc = useTRPC();
  const invalidate = useInvalidateAlerts();
  return useMutation(trpc.alerts.resetThresholds.mutationOptions({ onSuccess: invalidate }));
}

/** The notifiers, secrets masked. `enabled` false for principals who may not manage alerts. */
export function useNotifiers(enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.notifiers.list.queryOptions(), enabled });
}

/** The delivery log, newest first, of every notifier. */
export function useDeliveries(enabled: boolean, offset = 0, limit = 20) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.notifiers.deliveries.queryOptions({ offset, limit }),
    enabled,
    refetchInterval: offset === 0 ? 5_000 : false,
  });
}

function useInvalidateNotifiers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.notifiers.pathKey() });
}

/** Adds a notifier. */
export function useCreateNotifier() {
  const trpc = useTRPC();
  const invalidate = useInvalidateNotifiers();
  return useMutation(trpc.notifiers.create.mutationOptions({ onSuccess: invalidate }));
}

/** Changes the given fields of a notifier; secrets left out stay. */
export function useUpdateNotifier() {
  const trpc = useTRPC();
  const invalidate = useInvalidateNotifiers();
  return useMutation(trpc.notifiers.update.mutationOptions({ onSuccess: invalidate }));
}

/** Removes a notifier. */
export function useDeleteNotifier() {
  const trpc = useTRPC();
  const invalidate = useInvalidateNotifiers();
  return useMutation(trpc.notifiers.delete.mutationOptions({ onSuccess: invalidate }));
}

/** Sends a test notification and answers with the receiver's outcome. */
export function useTestNotifier() {
  const trpc = useTRPC();
  const invalidate = useInvalidateNotifiers();
  return useMutation(trpc.notifiers.test.mutationOptions({ onSuccess: invalidate }));
}
