'use client';

import { useAuth } from '@/lib/auth/auth-provider';

import styles from './shell.module.css';

/** Who is signed in, with which roles, and the sign-out button. */
export function SessionMenu() {
  const { state, signOut } = useAuth();
  if (state.status !== 'signed-in') return null;
  const { principal } = state;
  const development = principal.via === 'development';
  return (
    <div className={styles.session}>
      <span data-testid="principal">
        {development ? (
          <strong className="badge warning" title="The server runs with authentication off">
            development mode
          </strong>
        ) : (
          <>
            Signed in as <strong>{principal.id}</strong>
          </>
        )}{' '}
        <span className="muted">({principal.roles.join(', ') || 'no roles'})</span>
      </span>
      {!development && (
        <button type="button" className="button ghost" onClick={signOut}>
          Sign out
        </button>
      )}
    </div>
  );
}
