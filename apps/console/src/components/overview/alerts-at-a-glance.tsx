'use client';

import Link from 'next/link';

import { ApiErrorView } from '@/components/states/api-error-view';
import { LoadingState } from '@/components/states/loading-state';
import { useActiveAlerts } from '@/data/alerts';
import { toApiErrorInfo } from '@/lib/api-error';

import styles from './overview.module.css';

/** How many alerts fire and are pending now, each linking to its rule on the Alerts page. */
export function AlertsAtAGlance() {
  const active = useActiveAlerts();
  if (active.isPending) return <LoadingState label="Loading alerts" />;
  if (!active.data) return <ApiErrorView error={toApiErrorInfo(active.error)} />;
  const alerts = active.data.alerts;
  const firing = alerts.filter((a) => a.state === 'firing');
  const pending = alerts.filter((a) => a.state === 'pending');
  return (
    <section
      className={`card ${styles.alertsAtGlance}`}
      aria-label="Alerts now"
      data-testid="alerts-at-a-glance"
    >
      <Link href="/alerts/">
        <span className={`badge ${firing.length ? styles.firing : ''}`}>
          <span className={styles.count} data-testid="alerts-firing-count">
            {firing.length}
          </span>{' '}
          firing
        </span>
      </Link>
      <Link href="/alerts/">
        <span className={`badge ${pending.length ? styles.pending : ''}`}>
          <span className={styles.count} data-testid="alerts-pending-count">
            {pending.length}
          </span>{' '}
          pending
        </span>
      </Link>
      {alerts.length === 0 ? (
        <span className="muted">No alert is pending or firing.</span>
      ) : (
        <ul>
          {[...firing, ...pending].map((a) => (
            <li key={`${a.fingerprint}-${a.severity}`}>
              <Link href={`/alerts/?rule=${encodeURIComponent(a.rule)}`}>
                {a.rule}
                {Object.entries(a.labels)
                  .filter(([k]) => k !== 'alertname' && k !== 'severity')
                  .map(([k, v]) => ` ${k}=${v}`)
                  .join('')}
              </Link>{' '}
              <span className={`badge ${a.state === 'firing' ? styles.firing : styles.pending}`}>
                {a.severity} {a.state}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
