'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { ThemeProvider } from 'next-themes';
import { useState, type ReactNode } from 'react';

import { AuthProvider } from '@/lib/auth/auth-provider';
import { makeQueryClient } from '@/lib/query-client';
import { TRPCProvider, makeTrpcClient } from '@/lib/trpc';

/**
 * Everything a page needs above it: the theme (light, dark or the system's, remembered),
 * the query cache, the tRPC client and the session.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <ThemeProvider
      attribute="data-theme"
      defaultTheme="system"
      enableSystem
      storageKey="needle.theme"
    >
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <AuthProvider>{children}</AuthProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
