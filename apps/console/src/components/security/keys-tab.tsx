'use client';

import { useId, useState, type FormEvent } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { StatusBadge } from '@/components/ui/status-badge';
import { useApiKeys, useCreateKey, useRevokeKey, useRoles } from '@/data/security';
import { toApiErrorInfo } from '@/lib/api-error';
import { useConfirmedMutation } from '@/lib/use-confirmed-mutation';
import { useGrants } from '@/lib/auth/auth-provider';

import styles from './security.module.css';
import type { ApiKey } from './security-types';

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

/** API keys: create (the key shown once), list, revoke. */
export function KeysTab() {
  const keys = useApiKeys();
  const revoke = useRevokeKey();
  const confirm = useConfirmedMutation(revoke, (key: ApiKey) => ({ id: key.id }));
  const revoking = confirm.target;
  return (
    <div className={styles.column}>
      <CreateKeyForm />
      <QueryView
        query={keys}
        loading="Loading API keys"
        isEmpty={(d) => d.keys.length === 0}
        empty={<EmptyState title="No API keys yet" />}
      >
        {(data) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Created · expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {data.keys.map((k) => (
                  <tr key={k.id} data-testid="key-row" data-key-id={k.id}>
                    <th scope="row">{k.name}</th>
                    <td>
                      <code title={`id ${k.id}`}>{k.prefix}…</code>
                    </td>
                    <td>{k.roles.join(', ')}</td>
                    <td className={styles.dates}>
                      {when(k.created_at, '')}
                      <br />
                      <span className="muted">expires {when(k.expires_at, 'never')}</span>
                    </td>
                    <td className={styles.dates}>{when(k.last_used_at, 'never')}</td>
                    <td>
                      {k.revoked_at ? (
                        <span title={when(k.revoked_at, '')}>
                          <StatusBadge tone="bad">revoked</StatusBadge>
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="button danger"
                          aria-label={`Revoke key ${k.name}`}
                          onClick={() => confirm.ask(k)}
                        >
                          Revoke…
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      <ConfirmDialog
        {...confirm.dialog}
        title={`Revoke key ${revoking?.name ?? ''}?`}
        confirmLabel="Revoke key"
      >
        <p>
          Every request with key <code>{revoking?.prefix}…</code> is refused from now on. A revoked
          key cannot be restored: create a new one.
        </p>
        {revoke.error && <ApiErrorView error={toApiErrorInfo(revoke.error)} title="Not revoked" />}
      </ConfirmDialog>
    </div>
  );
}

function CreateKeyForm() {
  const canRoles = useGrants().can('roles.manage');
  const roles = useRoles(canRoles);
  const create = useCreateKey();
  const ids = { name: useId(), days: useId(), roles: useId() };
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [days, setDays] = useState('');
  const [typedRoles, setTypedRoles] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);

  const roleNames = canRoles
    ? chosen
    : typedRoles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
  const daysNumber = Number(days);
  const daysError =
    days !== '' && (!Number.isFinite(daysNumber) || daysNumber <= 0)
      ? 'a number of days above 0'
      : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name === '' || roleNames.length === 0 || daysError) return;
    create.mutate(
      {
        name,
        roles: roleNames,
        ...(days === '' ? {} : { ttl_seconds: Math.round(daysNumber * 86_400) }),
      },
      {
        onSuccess: (key) => {
          setCreated({ name: key.name, key: key.key });
          setCopied(false);
          setName('');
          setChosen([]);
          setDays('');
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby="new-key-title">
      <h2 id="new-key-title">New API key</h2>
      {created && (
        <div className="state" role="status" data-testid="new-key">
          <p className="state-title">
            Key <strong>{created.name}</strong> created. Copy it now:{' '}
            <strong>you will not see it again.</strong>
          </p>
          <div className={styles.secret}>
            <code data-testid="new-key-secret">{created.key}</code>
            <button
              type="button"
              className="button"
              onClick={() =>
                void navigator.clipboard.writeText(created.key).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" className="button ghost" onClick={() => setCreated(null)}>
              I have saved it
            </button>
          </div>
        </div>
      )}
      <form className="form" onSubmit={submit} style={{ maxWidth: 'none' }}>
        <div className={styles.grid}>
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input
              id={ids.name}
              value={name}
              maxLength={64}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.days}>Expires after (days, optional)</label>
            <input
              id={ids.days}
              inputMode="decimal"
              value={days}
              aria-invalid={daysError !== null}
              onChange={(e) => setDays(e.target.value)}
            />
            {daysError && <p className="field-error">{daysError}</p>}
          </div>
        </div>
        {canRoles ? (
          <fieldset className="field-row">
            <legend>Roles</legend>
            {roles.data?.roles.map((r) => (
              <label key={r.name}>
                <input
                  type="checkbox"
                  checked={chosen.includes(r.name)}
                  onChange={(e) =>
                    setChosen(
                      e.target.checked ? [...chosen, r.name] : chosen.filter((x) => x !== r.name),
                    )
                  }
                />{' '}
                {r.name}
              </label>
            ))}
            {roles.isPending && <span className="muted">Loading roles…</span>}
          </fieldset>
        ) : (
          <div className="field">
            <label htmlFor={ids.roles}>Roles (comma-separated)</label>
            <input
              id={ids.roles}
              value={typedRoles}
              onChange={(e) => setTypedRoles(e.target.value)}
            />
          </div>
        )}
        <div className="actions">
          <button
            type="submit"
            className="button primary"
            disabled={
              create.isPending || name === '' || roleNames.length === 0 || daysError !== null
            }
          >
            Create key
          </button>
        </div>
        {create.error && (
          <ApiErrorView error={toApiErrorInfo(create.error)} title="The key was not created" />
        )}
      </form>
    </section>
  );
}
