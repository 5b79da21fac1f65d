import type { AppRouter } from '@needle/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

import { credentialHeaders, readCredential } from './auth/credentials';
import { apiBase } from './env';

/**
 * The typed tRPC hooks: `useTRPC()` gives query and mutation options for every procedure of
 * the server's router, e.g. `useQuery(trpc.collections.list.queryOptions({}))`.
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The client of the server's `/trpc` endpoint. Every request carries the tab's credential
 * (read per request, so signing in or out needs no new client); queries are sent as POST
 * so that a search vector never has to fit in a URL.
 */
export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${apiBase}/trpc`,
        methodOverride: 'POST',
        headers: () => credentialHeaders(readCredential()),
      }),
    ],
  });
}

/** The client's type, for code that calls procedures outside React Query. */
export type TrpcClient = ReturnType<typeof makeTrpcClient>;
