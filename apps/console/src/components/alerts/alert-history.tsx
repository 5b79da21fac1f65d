'use client';

import { useState } from 'react';

import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { useAlertHistory } from '@/data/alerts';
import { formatValue } from '@/lib/units';

import styles from './alerts.module.css';

/** The alert transitions, newest first, a page at a time (the server's cursor). */
export function AlertHistory({ units }: { units: Map<string, string> }) {
  // The cursors of the pages before this one; the last is this page's.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const history = useAlertHistory(cursor);
  return (
    <QueryView
      query={history}
      loading="Loading the history"
      isEmpty={(data) => data.entries.length === 0 && cursors.length === 1}
      empty={<EmptyState title="No alert has changed state yet" />}
    >
      {(data) => (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="alert-history">
              <caption className="visually-hidden">Alert history</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Transition</th>
                  <th scope="col">Labels</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col" className="num">
                    Threshold
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.entries.map((e) => {
                  const unit = units.get(e.rule) ?? '';
                  return (
                    <tr key={e.seq}>
                      <td>{new Date(e.at).toLocaleString()}</td>
                      <td>{e.rule}</td>
                      <td>{e.severity}</td>
                      <td>
                        <span className={`${styles.state} ${styles[e.transition] ?? ''}`}>
                          {e.transition}
                        </span>
                      </td>
                      <td>
                        <code>
                          {Object.entries(e.labels)
                            .filter(([k]) => k !== 'alertname' && k !== 'severity')
                            .map(([k, v]) => `${k}=${v}`)
                            .join(' ')}
                        </code>
                      </td>
                      <td className="num">{formatValue(unit, e.value)}</td>
                      <td className="num">{formatValue(unit, e.threshold)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className={styles.pager}>
            <button
              type="button"
              className="button"
              disabled={cursors.length === 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Newer
            </button>
            <span className="muted">Page {cursors.length}</span>
            <button
              type="button"
              className="button"
              disabled={data.next === null}
              onClick={() => setCursors([...cursors, data.next ?? undefined])}
            >
              Older
            </button>
          </div>
        </>
      )}
    </QueryView>
  );
}
