'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';

import { type ApiErrorInfo, isUnauthenticated, toApiErrorInfo } from '../api-error';
import { useTRPC, useTRPCClient } from '../trpc';
import {
  type Credential,
  authRequiredKnown,
  clearCredential,
  readCredential,
  rememberAuthRequired,
  storeCredential,
} from './credentials';
import { Grants } from './permissions';

/** Who is signed in, as `whoami` answered. */
export interface Principal {
  id: string;
  /** How they proved it: `api-key`, `jwt`, `certificate`, or `development` (no auth). */
  via: string;
  roles: string[];
  permissions: string[];
}

/** The session as the console sees it. */
export type AuthState =
  | { status: 'checking' }
  | { status: 'signed-out'; error: ApiErrorInfo | undefined }
  | {
      status: 'signed-in';
      principal: Principal;
      grants: Grants;
      credential: Credential | undefined;
    };

interface AuthContextValue {
  state: AuthState;
  /** Checks the credential with the server; stores it only when the server accepts it. */
  signIn: (credential: Credential) => Promise<ApiErrorInfo | undefined>;
  signOut: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/**
 * Asks the server who the tab's credential stands for (`security.whoami`), with no
 * credential at all when none is stored: a server in development mode answers for everyone.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [credential, setCredential] = useState<Credential | undefined>(readCredential);
  const [ended, setEnded] = useState<ApiErrorInfo | undefined>();
  // Without a credential, ask once per tab: a server in development mode answers for
  // everyone; one that needs credentials says so, and the tab remembers it.
  const [probe, setProbe] = useState(() => !authRequiredKnown());
  // Storage is read in the browser only: render as the static HTML did until hydrated.
  const hydrated = useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
  const enabled = credential !== undefined || probe;
  const whoami = useQuery({
    ...trpc.security.whoami.queryOptions(),
    enabled,
    staleTime: 60_000,
    retry: (failures, err) => !isUnauthenticated(err) && failures < 2,
  });
  useEffect(() => {
    if (whoami.error && isUnauthenticated(whoami.error)) rememberAuthRequired();
  }, [whoami.error]);

  const signIn = useCallback(
    async (next: Credential) => {
      storeCredential(next);
      try {
        await client.security.whoami.query();
      } catch (err) {
        clearCredential();
        return toApiErrorInfo(err);
      }
      setCredential(next);
      setEnded(undefined);
      // Everything cached was fetched as someone else: forget it and fetch again.
      await queryClient.resetQueries();
      return undefined;
    },
    [client, queryClient],
  );

  const signOut = useCallback(() => {
    rememberAuthRequired();
    setProbe(false);
    clearCredential();
    setCredential(undefined);
    setEnded(undefined);
    // Forget everything fetched as the signed-out principal, without fetching it again:
    // a reset would refetch the queries still on screen, with no credential (401s).
    void queryClient.cancelQueries();
    queryClient.clear();
  }, [queryClient]);

  // A 401 on any call means the credential stopped working (revoked, expired): the session
  // ends, and the sign-in form says why.
  useEffect(() => {
    const end = (err: unknown) => {
      if (!isUnauthenticated(err) || !readCredential()) return;
      rememberAuthRequired();
      setProbe(false);
      clearCredential();
      setCredential(undefined);
      setEnded(toApiErrorInfo(err));
      void queryClient.resetQueries();
    };
    const unsubscribeQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') end(event.action.error);
    });
    const unsubscribeMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') end(event.action.error);
    });
    return () => {
      unsubscribeQueries();
      unsubscribeMutations();
    };
  }, [queryClient]);

  const state = useMemo((): AuthState => {
    if (!hydrated) return { status: 'checking' };
    if (whoami.data && enabled) {
      return {
        status: 'signed-in',
        principal: {
          id: whoami.data.principal,
          via: whoami.data.via,
          roles: whoami.data.roles,
          permissions: whoami.data.permissions,
        },
        grants: new Grants(whoami.data.permissions),
        credential,
      };
    }
    if (!enabled) return { status: 'signed-out', error: ended };
    if (whoami.isPending && whoami.fetchStatus !== 'idle') return { status: 'checking' };
    if (whoami.error) {
      // Without a credential, the server's "credentials missing" is no error to show.
      const error = credential ? toApiErrorInfo(whoami.error) : ended;
      return { status: 'signed-out', error };
    }
    return { status: 'checking' };
  }, [
    hydrated,
    enabled,
    whoami.data,
    whoami.isPending,
    whoami.fetchStatus,
    whoami.error,
    credential,
    ended,
  ]);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <AuthContext value={value}>{children}</AuthContext>;
}

/** The session and the sign-in and sign-out actions. */
export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth needs an <AuthProvider> above it');
  return value;
}

/**
 * What the signed-in principal may do: `can('collections.manage', name)`. Outside a
 * session it allows nothing.
 */
export function useGrants(): Grants {
  const { state } = useAuth();
  return state.status === 'signed-in' ? state.grants : NO_GRANTS;
}

const NO_GRANTS = new Grants([]);

const subscribeNever = () => () => undefined;
