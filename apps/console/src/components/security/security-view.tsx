'use client';

import { useState, type KeyboardEvent } from 'react';

import { EmptyState } from '@/components/states/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { useGrants } from '@/lib/auth/auth-provider';

import { AuditTab } from './audit-tab';
import { GrantsTab } from './grants-tab';
import { KeysTab } from './keys-tab';
import { RolesTab } from './roles-tab';
import { SimulatorTab } from './simulator-tab';
import styles from './security.module.css';

const TABS = [
  { id: 'roles', label: 'Roles', requires: 'roles.manage' },
  { id: 'grants', label: 'Grants', requires: 'roles.manage' },
  { id: 'keys', label: 'API keys', requires: 'keys.manage' },
  { id: 'audit', label: 'Audit log', requires: 'audit.read' },
  { id: 'simulator', label: 'Permission simulator', requires: 'roles.manage' },
] as const;

type TabId = (typeof TABS)[number]['id'];

/** Roles, grants, API keys, the audit log and the permission simulator, each a tab gated on its action. */
export function SecurityView() {
  const grants = useGrants();
  const tabs = TABS.filter((t) => grants.can(t.requires));
  const [chosen, setChosen] = useState<TabId | null>(null);
  const current = tabs.find((t) => t.id === chosen) ?? tabs[0];

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!current || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    const i = tabs.indexOf(current);
    const next = tabs[(i + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    setChosen(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };

  return (
    <>
      <PageHeader
        title="Security"
        description="Who may do what: roles, grants, API keys, the audit log, and a simulator of the policy."
      />
      {!current ? (
        <EmptyState title="Nothing here for this key">
          <p>These tabs need roles.manage, keys.manage or audit.read.</p>
        </EmptyState>
      ) : (
        <>
          <div role="tablist" aria-label="Security" className={styles.tabs}>
            {tabs.map((t) => (
              <button
                key={t.id}
                id={`tab-${t.id}`}
                type="button"
                role="tab"
                aria-selected={t.id === current.id}
                aria-controls={`panel-${t.id}`}
                tabIndex={t.id === current.id ? 0 : -1}
                className={styles.tab}
                onClick={() => setChosen(t.id)}
                onKeyDown={onKeyDown}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
            {current.id === 'roles' && <RolesTab />}
            {current.id === 'grants' && <GrantsTab />}
            {current.id === 'keys' && <KeysTab />}
            {current.id === 'audit' && <AuditTab />}
            {current.id === 'simulator' && <SimulatorTab />}
          </div>
        </>
      )}
    </>
  );
}
