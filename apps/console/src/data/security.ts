'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useTRPC } from '@/lib/trpc';

/** How often the lists refresh while a tab shows them. */
const LIVE_MS = 10_000;

/** Built-in and custom roles with their permissions. */
export function useRoles(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.security.roles.queryOptions(), enabled, refetchInterval: LIVE_MS });
}

/**
 * Roles granted to principals. A principal whose last role was revoked is still listed by the
 * server, with no roles: it is left out.
 */
export function useGrantList(enabled = true) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.security.grants.queryOptions(),
    enabled,
    refetchInterval: LIVE_MS,
    select: (data) => ({ grants: data.grants.filter((g) => g.roles.length > 0) }),
  });
}

/** API keys (never their secrets). */
export function useApiKeys(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.security.keys.queryOptions(), enabled, refetchInterval: LIVE_MS });
}

/** Filters of the audit log view, as the server takes them. */
export interface AuditFilters {
  principal?: string;
  action?: string;
  collection?: string;
  since?: string;
  until?: string;
  before_seq?: number;
}

/** One page of audit entries, newest first. */
export function useAuditPage(filters: AuditFilters) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.security.audit.queryOptions({ ...filters, limit: 50 }),
    placeholderData: keepPreviousData,
  });
}

/** Walks the audit log's hash chain (on demand: `refetch`). */
export function useAuditVerification() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.security.verifyAudit.queryOptions(), refetchOnWindowFocus: false });
}

/** Input of a policy check: roles, a key or a principal, an action and a collection. */
export interface CheckInput {
  roles?: string[];
  key_id?: string;
  principal?: string;
  action: string;
  collection?: string;
}

/** Asks the server's policy whether a request would be allowed (null: nothing asked yet). */
export function usePermissionCheck(input: CheckInput | null) {
  const trpc = useTRPC();
  return useQuery({
    // The server checks the action against its list; the form offers only those.
    ...trpc.security.check.queryOptions(
      (input ?? { action: 'search' }) as Parameters<typeof trpc.security.check.queryOptions>[0],
    ),
    enabled: input !== null,
    retry: false,
  });
}

/** Refreshes every security list after a change (and the audit log that recorded it). */
function useInvalidateSecurity() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.security.pathKey() });
}

export function useCreateRole() {
  const trpc = useTRPC();
  const invalidate = useInvalidateSecurity();
  return useMutation(trpc.security.createRole.mutationOptions({ onSuccess: invalidate }));
}

export function useDeleteRole() {
  const trpc = useTRPC();
  const invalidate = useInvalidateSecurity();
  return useMutation(trpc.security.deleteRole.mutationOptions({ onSuccess: invalidate }));
}

export function useGrantRole() {
  const trpc = useTRPC();
  const invalidate = useInvalidateSecurity();
  return useMutation(trpc.security.grant.mutationOptions({ onSuccess: invalidate }));
}

export function useRevokeRole() {
  const trpc = useTRPC();
  const invalidate = useInvalidateSecurity();
  return useMutation(trpc.security.revoke.mutationOptions({ onSuccess: invalidate }));
}

export function useCreateKey() {
  const trpc = useTRPC();
  const invalidate = useInvalidateSecurity();
  return useMutation(trpc.security.createKey.mutationOptions({ onSuccess: invalidate }));
}

export function useRevokeKey() {
  const trpc = useTRPC();
  const invalidate = useInvalidateSecurity();
  return useMutation(trpc.security.revokeKey.mutationOptions({ onSuccess: invalidate }));
}
