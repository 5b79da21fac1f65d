'use client';

import { useState } from 'react';

import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { useDeliveries } from '@/data/alerts';

import styles from './alerts.module.css';

const PAGE = 20;

/** The delivery log of every notifier, newest first, a page at a time. */
export function Deliveries() {
  const [offset, setOffset] = useState(0);
  const deliveries = useDeliveries(true, offset, PAGE);
  return (
    <QueryView
      query={deliveries}
      loading="Loading the delivery log"
      isEmpty={(data) => data.deliveries.length === 0 && offset === 0}
      empty={<EmptyState title="Nothing was sent yet" />}
    >
      {(data) => (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="deliveries">
              <caption className="visually-hidden">Delivery log</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Notifier</th>
                  <th scope="col">Event</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {data.deliveries.map((d) => (
                  <tr key={d.seq}>
                    <td>{new Date(d.at).toLocaleString()}</td>
                    <td>
                      {d.notifier} <span className="muted">({d.kind})</span>
                    </td>
                    <td>
                      {d.test ? 'test · ' : ''}
                      {d.rule} {d.severity} {d.status}
                      {d.repeat ? ' (repeat)' : ''}
                    </td>
                    <td className={styles.wrap}>
                      <span className={`${styles.state} ${styles[d.outcome] ?? ''}`}>
                        {d.outcome}
                      </span>{' '}
                      <span className={`muted ${styles.small}`}>
                        {d.http_status !== null && `HTTP ${String(d.http_status)} · `}
                        {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'} ·{' '}
                        {Math.round(d.duration_ms)} ms
                      </span>
                      {d.error && (
                        <>
                          <br />
                          <span className={styles.small}>{d.error}</span>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className={styles.pager}>
            <button
              type="button"
              className="button"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Newer
            </button>
            <button
              type="button"
              className="button"
              disabled={!data.pagination.has_more}
              onClick={() => setOffset(offset + PAGE)}
            >
              Older
            </button>
          </div>
        </>
      )}
    </QueryView>
  );
}
