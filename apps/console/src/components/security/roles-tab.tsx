'use client';

import {
  ACTIONS,
  COLLECTION_ACTIONS,
  SYSTEM_ACTIONS,
  parsePermission,
  PermissionSyntaxError,
} from '@needle/security/permissions';
import { useId, useState, type FormEvent } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { QueryView } from '@/components/states/query-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { StatusBadge } from '@/components/ui/status-badge';
import { useCreateRole, useDeleteRole, useRoles } from '@/data/security';
import { toApiErrorInfo } from '@/lib/api-error';
import { useConfirmedMutation } from '@/lib/use-confirmed-mutation';

import styles from './security.module.css';
import type { Role } from './security-types';

/** The roles with their permissions; custom roles are made with a builder and deleted. */
export function RolesTab() {
  const roles = useRoles();
  const remove = useDeleteRole();
  const confirm = useConfirmedMutation(remove, (role: Role) => ({ role: role.name }));
  const deleting = confirm.target;
  return (
    <div className={styles.column}>
      <QueryView query={roles} loading="Loading roles">
        {(data) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Roles</caption>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Permissions</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.roles.map((role) => (
                  <tr key={role.name} data-testid="role-row">
                    <th scope="row">
                      {role.name}{' '}
                      {role.built_in && <StatusBadge tone="neutral">built-in</StatusBadge>}
                      {role.description && <p className="hint">{role.description}</p>}
                    </th>
                    <td>
                      <ul className={styles.chips}>
                        {role.permissions.map((p) => (
                          <li key={p}>
                            <code>{p}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {!role.built_in && (
                        <button
                          type="button"
                          className="button danger"
                          aria-label={`Delete role ${role.name}`}
                          onClick={() => confirm.ask(role)}
                        >
                          Delete…
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
      <CreateRoleForm />
      <ConfirmDialog
        {...confirm.dialog}
        title={`Delete role ${deleting?.name ?? ''}?`}
        confirmLabel="Delete role"
      >
        <p>
          The role and its {deleting?.permissions.length} permission(s) are deleted. A role still
          held by a key or a principal cannot be deleted: revoke it first.
        </p>
        {remove.error && (
          <ApiErrorView error={toApiErrorInfo(remove.error)} title="The role was not deleted" />
        )}
      </ConfirmDialog>
    </div>
  );
}

const SCOPES_HELP = (
  <>
    <code>*</code> for every collection, a collection name, or a prefix ending in <code>*</code> (
    <code>logs-*</code>). System actions take <code>*</code>.
  </>
);

/** Name, description and a list of permissions built from a scope and an action, checked as typed. */
function CreateRoleForm() {
  const create = useCreateRole();
  const ids = { name: useId(), desc: useId(), scope: useId(), action: useId() };
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [scope, setScope] = useState('*');
  const [action, setAction] = useState<string>('search');
  const [permissions, setPermissions] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const candidate = `${scope.trim()}:${action}`;
  let candidateError: string | null = null;
  try {
    parsePermission(candidate);
  } catch (err) {
    candidateError = err instanceof PermissionSyntaxError ? err.help : String(err);
  }
  const nameError = name.length > 64 ? 'at most 64 characters' : null;

  const add = () => {
    if (candidateError || permissions.includes(candidate)) return;
    setPermissions([...permissions, candidate]);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name === '' || nameError || permissions.length === 0) return;
    create.mutate(
      { name, permissions, ...(description ? { description } : {}) },
      {
        onSuccess: (role) => {
          setDone(role.name);
          setName('');
          setDescription('');
          setPermissions([]);
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby="new-role-title">
      <h2 id="new-role-title">New role</h2>
      <form className="form" onSubmit={submit} style={{ maxWidth: 'none' }}>
        <div className={styles.grid}>
          <div className="field">
            <label htmlFor={ids.name}>Name</label>
            <input
              id={ids.name}
              value={name}
              aria-invalid={nameError !== null}
              onChange={(e) => {
                setName(e.target.value);
                setDone(null);
              }}
            />
            {nameError && <p className="field-error">{nameError}</p>}
          </div>
          <div className="field">
            <label htmlFor={ids.desc}>Description (optional)</label>
            <input
              id={ids.desc}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
        </div>
        <fieldset className={styles.builder}>
          <legend>Permissions</legend>
          <div className={styles.grid}>
            <div className="field">
              <label htmlFor={ids.scope}>Collections</label>
              <input
                id={ids.scope}
                value={scope}
                aria-invalid={candidateError !== null}
                aria-describedby={`${ids.scope}-help`}
                onChange={(e) => setScope(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.action}>Action</label>
              <select id={ids.action} value={action} onChange={(e) => setAction(e.target.value)}>
                <option value="*">* (every action)</option>
                <optgroup label="On collections">
                  {COLLECTION_ACTIONS.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="System (scope *)">
                  {SYSTEM_ACTIONS.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </optgroup>
              </select>
            </div>
            <div>
              <button
                type="button"
                className="button"
                disabled={candidateError !== null || permissions.includes(candidate)}
                onClick={add}
              >
                Add <code>{candidate}</code>
              </button>
            </div>
          </div>
          <p id={`${ids.scope}-help`} className={candidateError ? 'field-error' : 'hint'}>
            {candidateError ?? SCOPES_HELP}
          </p>
          {permissions.length === 0 ? (
            <p className="hint">No permissions yet: a role needs at least one.</p>
          ) : (
            <ul className={styles.chips} aria-label="Permissions of the new role">
              {permissions.map((p) => (
                <li key={p}>
                  <code>{p}</code>
                  <button
                    type="button"
                    className="button ghost"
                    aria-label={`Remove ${p}`}
                    onClick={() => setPermissions(permissions.filter((x) => x !== p))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div className="actions">
          <button
            type="submit"
            className="button primary"
            disabled={
              create.isPending || name === '' || nameError !== null || permissions.length === 0
            }
          >
            Create role
          </button>
          {done && <span role="status">Role {done} created.</span>}
        </div>
        {create.error && (
          <ApiErrorView error={toApiErrorInfo(create.error)} title="The role was not created" />
        )}
      </form>
    </section>
  );
}

/** Every action a permission may name, for other tabs. */
export const ALL_ACTIONS = ACTIONS;
