'use client';

import { useId, useState, type FormEvent } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import type { ApiErrorInfo } from '@/lib/api-error';
import { useAuth } from '@/lib/auth/auth-provider';
import type { Credential } from '@/lib/auth/credentials';

import styles from './shell.module.css';

/**
 * Sign-in with an API key (sent as `X-API-Key`) or a bearer token. The server checks it
 * (`whoami`) before the console keeps it, for this tab only.
 */
export function SignInForm({ error: initialError }: { error: ApiErrorInfo | undefined }) {
  const { signIn } = useAuth();
  const [kind, setKind] = useState<Credential['kind']>('api-key');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<ApiErrorInfo | undefined>(initialError);
  // An error before any attempt here is why the last session ended (a revoked key...).
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const secretId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (secret.trim() === '') return;
    setBusy(true);
    setAttempted(true);
    setError(await signIn({ kind, secret: secret.trim() }));
    setBusy(false);
  }

  return (
    <section className={styles.signIn} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p className="muted">
        The server needs credentials. Use an API key (the server prints a bootstrap admin key on its
        first start) or a bearer token. They are kept in this tab only.
      </p>
      <form onSubmit={(event) => void submit(event)} className="form">
        <fieldset className="radios">
          <legend>Sign in with</legend>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === 'api-key'}
              onChange={() => setKind('api-key')}
            />{' '}
            an API key
          </label>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === 'bearer'}
              onChange={() => setKind('bearer')}
            />{' '}
            a bearer token
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={secretId}>{kind === 'api-key' ? 'API key' : 'Bearer token'}</label>
          <input
            id={secretId}
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
          />
        </div>
        {error && (
          <ApiErrorView error={error} title={attempted ? 'Sign-in failed' : 'Signed out'} />
        )}
        <div>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </section>
  );
}
