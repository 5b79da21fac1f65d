'use client';

import {
  ACTIONS,
  COLLECTION_ACTIONS,
  SYSTEM_ACTIONS,
  type Action,
} from '@needle/security/permissions';
import { useId, useState, type FormEvent } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { LoadingState } from '@/components/states/loading-state';
import { StatusBadge } from '@/components/ui/status-badge';
import { useCollectionList } from '@/data/collections';
import {
  type CheckInput,
  useApiKeys,
  useGrantList,
  usePermissionCheck,
  useRoles,
} from '@/data/security';
import { toApiErrorInfo } from '@/lib/api-error';
import { useGrants } from '@/lib/auth/auth-provider';

import styles from './security.module.css';
import { anyAllows, permissionsOfRoles, rolesOfKey, rolesOfPrincipal } from './security-types';

type SubjectKind = 'role' | 'key' | 'principal';

/**
 * What a role, a key or a principal may do: a matrix of actions × collections (with the
 * server's matching rules), and one request checked against the server's policy.
 */
export function SimulatorTab() {
  const grantsOfMe = useGrants();
  const roles = useRoles();
  const grants = useGrantList();
  const keys = useApiKeys(grantsOfMe.can('keys.manage'));
  const collections = useCollectionList();
  const ids = { kind: useId(), subject: useId() };
  const [kind, setKind] = useState<SubjectKind>('role');
  const [subject, setSubject] = useState('');

  if (roles.isPending || grants.isPending) return <LoadingState label="Loading roles and grants" />;
  const error = roles.error ?? grants.error;
  if (error || !roles.data || !grants.data) return <ApiErrorView error={toApiErrorInfo(error)} />;

  const keyList = keys.data?.keys.filter((k) => k.revoked_at === null) ?? [];
  const options =
    kind === 'role'
      ? roles.data.roles.map((r) => ({ value: r.name, label: r.name }))
      : kind === 'key'
        ? keyList.map((k) => ({ value: k.id, label: `${k.name} (${k.prefix}…)` }))
        : grants.data.grants.map((g) => ({ value: g.principal, label: g.principal }));
  const chosen = options.some((o) => o.value === subject) ? subject : (options[0]?.value ?? '');

  let subjectRoles: string[] = [];
  if (kind === 'role' && chosen) subjectRoles = [chosen];
  if (kind === 'key') {
    const key = keyList.find((k) => k.id === chosen);
    if (key) subjectRoles = rolesOfKey(key, grants.data.grants);
  }
  if (kind === 'principal' && chosen) subjectRoles = rolesOfPrincipal(chosen, grants.data.grants);
  const permissions = permissionsOfRoles(subjectRoles, roles.data.roles);
  const names = collections.data?.collections.map((c) => c.name) ?? [];

  const checkSubject: Omit<CheckInput, 'action' | 'collection'> | null = !chosen
    ? null
    : kind === 'role'
      ? { roles: [chosen] }
      : kind === 'key'
        ? { key_id: chosen }
        : { principal: chosen };

  return (
    <div className={styles.column}>
      <section className="card" aria-labelledby="sim-title">
        <h2 id="sim-title">Effective permissions</h2>
        <div className={styles.grid}>
          <div className="field">
            <label htmlFor={ids.kind}>Of a</label>
            <select
              id={ids.kind}
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as SubjectKind);
                setSubject('');
              }}
            >
              <option value="role">role</option>
              {grantsOfMe.can('keys.manage') && <option value="key">API key</option>}
              <option value="principal">principal (grants)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.subject}>Which</label>
            <select id={ids.subject} value={chosen} onChange={(e) => setSubject(e.target.value)}>
              {options.length === 0 && <option value="">none</option>}
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="muted" data-testid="sim-roles">
          Roles: {subjectRoles.length ? subjectRoles.join(', ') : 'none'} · permissions:{' '}
          {permissions.length
            ? permissions.map((p) => `${p.collections}:${p.action}`).join(', ')
            : 'none'}
        </p>
        {collections.error && (
          <p className="hint">
            The collections could not be listed ({toApiErrorInfo(collections.error).code}): only
            “any collection” is shown.
          </p>
        )}
        <div className="table-wrap">
          <table className="table" data-testid="sim-matrix">
            <caption>Actions on collections</caption>
            <thead>
              <tr>
                <th scope="col">Collection</th>
                {COLLECTION_ACTIONS.map((a) => (
                  <th key={a} scope="col">
                    {a}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...names, undefined].map((c) => (
                <tr key={c ?? '*'} data-collection={c ?? '*'}>
                  <th scope="row">{c ?? <em>every collection (*)</em>}</th>
                  {COLLECTION_ACTIONS.map((a) => (
                    <Cell key={a} allowed={anyAllows(permissions, a, c)} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="table-wrap" style={{ marginTop: '0.75rem' }}>
          <table className="table">
            <caption>System actions</caption>
            <thead>
              <tr>
                {SYSTEM_ACTIONS.map((a) => (
                  <th key={a} scope="col">
                    {a}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {SYSTEM_ACTIONS.map((a) => (
                  <Cell key={a} allowed={anyAllows(permissions, a)} />
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      </section>
      {checkSubject && <RequestCheck subject={checkSubject} collections={names} />}
    </div>
  );
}

function Cell({ allowed }: { allowed: boolean }) {
  return (
    <td className={allowed ? styles.yes : styles.no}>{allowed ? '✓ allowed' : '✗ refused'}</td>
  );
}

/** One request (action and collection) checked by the server's policy. */
function RequestCheck({
  subject,
  collections,
}: {
  subject: Omit<CheckInput, 'action' | 'collection'>;
  collections: string[];
}) {
  const ids = { action: useId(), collection: useId(), list: useId() };
  const [action, setAction] = useState<Action>('search');
  const [collection, setCollection] = useState('');
  const [asked, setAsked] = useState<CheckInput | null>(null);
  const check = usePermissionCheck(asked);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked({
      ...subject,
      action,
      ...(collection.trim() ? { collection: collection.trim() } : {}),
    });
  };
  const stale = asked !== null && JSON.stringify(subject) !== JSON.stringify(pick(asked));
  return (
    <section className="card" aria-labelledby="check-title">
      <h2 id="check-title">Test a request</h2>
      <form onSubmit={submit}>
        <div className={styles.grid}>
          <div className="field">
            <label htmlFor={ids.action}>Action</label>
            <select
              id={ids.action}
              value={action}
              onChange={(e) => setAction(e.target.value as Action)}
            >
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.collection}>Collection (empty for system actions)</label>
            <input
              id={ids.collection}
              list={ids.list}
              value={collection}
              onChange={(e) => setCollection(e.target.value)}
            />
            <datalist id={ids.list}>
              {collections.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </div>
          <div>
            <button type="submit" className="button primary">
              Check
            </button>
          </div>
        </div>
      </form>
      {check.isFetching && <LoadingState label="Asking the server's policy" />}
      {check.error && <ApiErrorView error={toApiErrorInfo(check.error)} />}
      {check.data && asked && !stale && (
        <p role="status" data-testid="check-result">
          {check.data.allowed ? (
            <StatusBadge tone="ok">allowed</StatusBadge>
          ) : (
            <StatusBadge tone="bad">refused</StatusBadge>
          )}{' '}
          <code>{asked.action}</code>
          {asked.collection ? (
            <>
              {' '}
              on <code>{asked.collection}</code>
            </>
          ) : null}{' '}
          with roles {check.data.roles.join(', ') || 'none'}
          {check.data.matched.length > 0 && ` — granted by ${check.data.matched.join(', ')}`}.
        </p>
      )}
    </section>
  );
}

function pick(input: CheckInput): Omit<CheckInput, 'action' | 'collection'> {
  const { action: _a, collection: _c, ...rest } = input;
  return rest;
}
