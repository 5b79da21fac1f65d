'use client';

import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';

import { LoadingState } from '@/components/states/loading-state';
import { QueryView } from '@/components/states/query-view';
import { PageHeader } from '@/components/ui/page-header';
import { useActiveAlerts, useAlertRules } from '@/data/alerts';
import { useGrants } from '@/lib/auth/auth-provider';

import { AlertHistory } from './alert-history';
import styles from './alerts.module.css';
import { Deliveries } from './deliveries';
import { Notifiers } from './notifiers';
import { RulesTable } from './rules-table';

/** Alerts: the rules and their state, thresholds, history, notifiers and deliveries. */
export function AlertsView() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Alerts />
    </Suspense>
  );
}

function Alerts() {
  const highlight = useSearchParams().get('rule') ?? undefined;
  const canManage = useGrants().can('alerts.manage');
  const rules = useAlertRules();
  const active = useActiveAlerts();
  const units = new Map((rules.data?.rules ?? []).map((r) => [r.name, r.unit]));
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules the server evaluates over its own samples, their state, history and notifiers."
      />
      <section className={styles.section} aria-labelledby="alerts-rules">
        <h2 id="alerts-rules">Rules</h2>
        <QueryView
          query={rules}
          loading="Loading the rules"
          isEmpty={(data) => data.rules.length === 0}
        >
          {(data) => (
            <RulesTable
              rules={data.rules}
              active={active.data?.alerts ?? []}
              canManage={canManage}
              highlight={highlight}
            />
          )}
        </QueryView>
      </section>
      <section className={styles.section} aria-labelledby="alerts-history">
        <h2 id="alerts-history">History</h2>
        <AlertHistory units={units} />
      </section>
      {canManage && (
        <>
          <section className={styles.section} aria-labelledby="alerts-notifiers">
            <h2 id="alerts-notifiers">Notifiers</h2>
            <Notifiers />
          </section>
          <section className={styles.section} aria-labelledby="alerts-deliveries">
            <h2 id="alerts-deliveries">Delivery log</h2>
            <Deliveries />
          </section>
        </>
      )}
    </>
  );
}
