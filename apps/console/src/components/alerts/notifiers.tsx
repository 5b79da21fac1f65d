'use client';

import { useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useDeleteNotifier, useNotifiers, useTestNotifier } from '@/data/alerts';
import { toApiErrorInfo } from '@/lib/api-error';
import { useConfirmedMutation } from '@/lib/use-confirmed-mutation';

import styles from './alerts.module.css';
import { NotifierForm, type NotifierView } from './notifier-form';

/** The notifiers: list, create, edit, delete (confirmed) and send a test to each. */
export function Notifiers() {
  const notifiers = useNotifiers(true);
  const [form, setForm] = useState<{ editing?: NotifierView } | undefined>();
  const remove = useDeleteNotifier();
  const confirm = useConfirmedMutation(remove, (name: string) => ({ name }));
  const deleting = confirm.target;
  return (
    <>
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => setForm({})}
          disabled={form !== undefined}
        >
          New notifier
        </button>
      </div>
      {form && (
        <NotifierForm
          key={form.editing?.name ?? 'new'}
          existing={form.editing}
          onDone={() => setForm(undefined)}
        />
      )}
      <QueryView
        query={notifiers}
        loading="Loading the notifiers"
        isEmpty={(data) => data.notifiers.length === 0}
        empty={
          <EmptyState title="No notifier yet">
            <p>Alerts show here and in the log; add a notifier to be told.</p>
          </EmptyState>
        }
      >
        {(data) => (
          <div className="table-wrap">
            <table className="table" data-testid="notifiers">
              <caption className="visually-hidden">Notifiers</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Sends to</th>
                  <th scope="col">Alerts</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.notifiers.map((n) => (
                  <tr key={n.name} data-testid={`notifier-${n.name}`}>
                    <th scope="row">
                      {n.name}
                      <br />
                      <span className={`muted ${styles.small}`}>
                        {n.kind}
                        {n.source === 'config' && ' · from the config file'}
                      </span>
                    </th>
                    <td>
                      <code>
                        {n.kind === 'slack'
                          ? `Slack webhook at ${n.host ?? '?'}${n.channel ? ` → ${n.channel}` : ''}`
                          : n.kind === 'alertmanager'
                            ? (n.urls ?? []).join(', ')
                            : n.url}
                      </code>
                      {n.secret === 'set' && <span className="muted"> · signed</span>}
                      {n.auth && <span className="muted"> · {n.auth.type} auth</span>}
                    </td>
                    <td>
                      {n.enabled ? '' : 'disabled · '}
                      {n.min_severity === 'critical' ? 'critical only' : 'warning and critical'}
                      {n.send_resolved ? ', resolved too' : ''}
                    </td>
                    <td className={styles.wrap}>
                      <div className="actions">
                        <TestButton name={n.name} />
                        <button
                          type="button"
                          className="button"
                          onClick={() => setForm({ editing: n })}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button danger"
                          onClick={() => confirm.ask(n.name)}
                        >
                          Delete…
                        </button>
                      </div>
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
        title={`Delete the notifier ${deleting ?? ''}?`}
        confirmLabel="Delete"
      >
        <p>Alerts will no longer be sent to it. Its past deliveries stay in the log.</p>
        {remove.error && <ApiErrorView error={toApiErrorInfo(remove.error)} />}
      </ConfirmDialog>
    </>
  );
}

/** Sends one test notification and shows what the receiver did. */
function TestButton({ name }: { name: string }) {
  const test = useTestNotifier();
  const delivery = test.data?.delivery;
  return (
    <div>
      <button
        type="button"
        className="button"
        disabled={test.isPending}
        onClick={() => test.mutate({ name })}
      >
        {test.isPending ? 'Sending…' : 'Send test'}
      </button>
      {delivery && (
        <p className={`${styles.outcome} ${styles.small}`} role="status" data-testid="test-outcome">
          <span className={`${styles.state} ${styles[delivery.outcome] ?? ''}`}>
            {delivery.outcome}
          </span>{' '}
          {delivery.http_status !== null && `HTTP ${String(delivery.http_status)} · `}
          {Math.round(delivery.duration_ms)} ms
          {delivery.error && ` · ${delivery.error}`}
        </p>
      )}
      {test.error && <ApiErrorView error={toApiErrorInfo(test.error)} title="The test failed" />}
    </div>
  );
}
