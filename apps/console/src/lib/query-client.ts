import { QueryClient } from '@tanstack/react-query';

import { isClientError } from './api-error';

/**
 * The console's query cache. A 4xx is not retried: the same request would fail the same
 * way. (A 401 ends the session: see `AuthProvider`.)
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        retry: (failures, err) => !isClientError(err) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
