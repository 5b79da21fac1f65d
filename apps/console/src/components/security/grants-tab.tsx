'use client';

import { useId, useState, type FormEvent } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useApiKeys, useGrantList, useGrantRole, useRevokeRole, useRoles } from '@/data/security';
import { toApiErrorInfo } from '@/lib/api-error';
import { useConfirmedMutation } from '@/lib/use-confirmed-mutation';
import { useGrants } from '@/lib/auth/auth-provider';

import styles from './security.module.css';

/** Roles granted to principals (`key:<id>`, `jwt:<sub>`, `cert:<subject>`): grant and revoke. */
export function GrantsTab() {
  const grants = useGrantList();
  const revoke = useRevokeRole();
  const confirm = useConfirmedMutation(
    revoke,
    (grant: { principal: string; role: string }) => grant,
  );
  const revoking = confirm.target;
  return (
    <div className={styles.column}>
      <QueryView
        query={grants}
        loading="Loading grants"
        isEmpty={(d) => d.grants.length === 0}
        empty={
          <EmptyState title="No grants yet">
            <p>Keys carry their own roles; grant roles to token or certificate principals here.</p>
          </EmptyState>
        }
      >
        {(data) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Grants</caption>
              <thead>
                <tr>
                  <th scope="col">Principal</th>
                  <th scope="col">Roles</th>
                </tr>
              </thead>
              <tbody>
                {data.grants.map((g) => (
                  <tr key={g.principal} data-testid="grant-row">
                    <th scope="row">
                      <code>{g.principal}</code>
                    </th>
                    <td>
                      <ul className={styles.chips}>
                        {g.roles.map((role) => (
                          <li key={role}>
                            <code>{role}</code>
                            <button
                              type="button"
                              className="button ghost"
                              aria-label={`Revoke ${role} from ${g.principal}`}
                              onClick={() => confirm.ask({ principal: g.principal, role })}
                            >
                              ×
                            </button>
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      <GrantForm />
      <ConfirmDialog {...confirm.dialog} title="Revoke this role?" confirmLabel="Revoke">
        <p>
          <code>{revoking?.principal}</code> loses the role <code>{revoking?.role}</code> at its
          next request.
        </p>
        {revoke.error && <ApiErrorView error={toApiErrorInfo(revoke.error)} title="Not revoked" />}
      </ConfirmDialog>
    </div>
  );
}

function GrantForm() {
  const roles = useRoles();
  const canKeys = useGrants().can('keys.manage');
  const keys = useApiKeys(canKeys);
  const grant = useGrantRole();
  const ids = { principal: useId(), role: useId(), list: useId() };
  const [principal, setPrincipal] = useState('');
  const [role, setRole] = useState('');
  const principalError =
    principal !== '' && !/^(key|jwt|cert):.+/.test(principal)
      ? 'write key:<id>, jwt:<subject> or cert:<subject>'
      : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (principal === '' || principalError || role === '') return;
    grant.mutate({ principal, role }, { onSuccess: () => setPrincipal('') });
  };
  return (
    <section className="card" aria-labelledby="grant-title">
      <h2 id="grant-title">Grant a role</h2>
      <form className="form" onSubmit={submit} style={{ maxWidth: 'none' }}>
        <div className={styles.grid}>
          <div className="field">
            <label htmlFor={ids.principal}>Principal</label>
            <input
              id={ids.principal}
              value={principal}
              list={ids.list}
              placeholder="key:… · jwt:… · cert:…"
              aria-invalid={principalError !== null}
              onChange={(e) => setPrincipal(e.target.value)}
            />
            <datalist id={ids.list}>
              {keys.data?.keys
                .filter((k) => k.revoked_at === null)
                .map((k) => (
                  <option key={k.id} value={`key:${k.id}`}>
                    {k.name}
                  </option>
                ))}
            </datalist>
            {principalError && <p className="field-error">{principalError}</p>}
          </div>
          <div className="field">
            <label htmlFor={ids.role}>Role</label>
            <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="">Choose a role</option>
              {roles.data?.roles.map((r) => (
                <option key={r.name} value={r.name}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <button
              type="submit"
              className="button primary"
              disabled={
                grant.isPending || principal === '' || principalError !== null || role === ''
              }
            >
              Grant
            </button>
          </div>
        </div>
        {grant.data && (
          <p role="status">
            <code>{grant.data.principal}</code> now holds {grant.data.roles.join(', ')}.
          </p>
        )}
        {grant.error && <ApiErrorView error={toApiErrorInfo(grant.error)} title="Not granted" />}
      </form>
    </section>
  );
}
