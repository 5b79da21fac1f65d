/** How the console proves who it is: an API key or a bearer token (JWT). */
export interface Credential {
  kind: 'api-key' | 'bearer';
  secret: string;
}

const STORAGE_KEY = 'needle.credential';

/**
 * The credential of this tab, kept in sessionStorage: it survives a reload and is gone when
 * the tab closes, and no other tab or origin sees it.
 */
export function readCredential(): Credential | undefined {
  if (typeof window === 'undefined') return undefined;
  try {
    const parsed = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (
      parsed !== null &&
      typeof parsed === 'object' &&
      'kind' in parsed &&
      'secret' in parsed &&
      (parsed.kind === 'api-key' || parsed.kind === 'bearer') &&
      typeof parsed.secret === 'string'
    ) {
      return { kind: parsed.kind, secret: parsed.secret };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

export function storeCredential(credential: Credential): void {
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
}

export function clearCredential(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}

/** The request headers that carry a credential. */
export function credentialHeaders(credential: Credential | undefined): Record<string, string> {
  if (!credential) return {};
  return credential.kind === 'api-key'
    ? { 'x-api-key': credential.secret }
    : { authorization: `Bearer ${credential.secret}` };
}

const AUTH_REQUIRED_KEY = 'needle.auth-required';

/**
 * Remembers, for this tab, that the server refuses calls without credentials, so later page
 * loads show the sign-in form at once instead of asking again: every refused call counts
 * against the server's failed sign-in limit for this address.
 */
export function rememberAuthRequired(): void {
  window.sessionStorage.setItem(AUTH_REQUIRED_KEY, '1');
}

/** True when this tab already learnt that the server needs credentials. */
export function authRequiredKnown(): boolean {
  return typeof window !== 'undefined' && window.sessionStorage.getItem(AUTH_REQUIRED_KEY) === '1';
}
