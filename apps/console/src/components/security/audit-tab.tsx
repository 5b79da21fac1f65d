'use client';

import { ACTIONS } from '@needle/security/permissions';
import { useId, useState, type FormEvent } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { LoadingState } from '@/components/states/loading-state';
import { QueryView } from '@/components/states/query-view';
import { StatusBadge } from '@/components/ui/status-badge';
import { useAuditPage, useAuditVerification, type AuditFilters } from '@/data/security';
import { toApiErrorInfo } from '@/lib/api-error';

import styles from './security.module.css';

/** Actions the audit log records: changes, and every request's permission action. */
const AUDITED_ACTIONS = [
  ...[
    'roles.create',
    'roles.delete',
    'roles.grant',
    'roles.revoke',
    'keys.create',
    'keys.revoke',
    'backups.create',
    'backups.verify',
    'backups.restore',
    'backups.delete',
    'backups.retention',
    'alerts.thresholds.set',
    'alerts.thresholds.reset',
  ],
  ...ACTIONS,
];

/** The audit log, newest first, filtered and paged with the server's cursor; and its chain check. */
export function AuditTab() {
  const [filters, setFilters] = useState<Omit<AuditFilters, 'before_seq'>>({});
  /** Cursors of the pages shown so far; the last one is the page on screen. */
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors.at(-1);
  const page = useAuditPage({
    ...filters,
    ...(before === undefined ? {} : { before_seq: before }),
  });

  return (
    <div className={styles.column}>
      <ChainState />
      <AuditFilterForm
        onApply={(f) => {
          setFilters(f);
          setCursors([undefined]);
        }}
      />
      <QueryView
        query={page}
        loading="Loading the audit log"
        isEmpty={(d) => d.entries.length === 0}
        empty={<EmptyState title="No audit entries match these filters" />}
      >
        {(data) => (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Audit entries</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Seq
                    </th>
                    <th scope="col">Time</th>
                    <th scope="col">Principal</th>
                    <th scope="col">Action</th>
                    <th scope="col">Collection</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {data.entries.map((e) => (
                    <tr key={e.seq} data-testid="audit-row">
                      <td className="num">{e.seq}</td>
                      <td>{new Date(e.at).toLocaleString()}</td>
                      <td>
                        <code>{e.principal}</code>
                      </td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>{e.collection ?? '—'}</td>
                      <td>
                        {e.allowed ? (
                          <StatusBadge tone="ok">allowed</StatusBadge>
                        ) : (
                          <StatusBadge tone="bad">refused</StatusBadge>
                        )}
                      </td>
                      <td className={styles.detail}>
                        {e.detail &&
                          Object.entries(e.detail).map(([k, v]) => (
                            <span key={k}>
                              <span className="muted">{k}</span>{' '}
                              {typeof v === 'string' ? v : JSON.stringify(v)}
                            </span>
                          ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="actions">
              <button
                type="button"
                className="button"
                disabled={cursors.length <= 1}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                ← Newer
              </button>
              <span className="muted">Page {cursors.length}</span>
              <button
                type="button"
                className="button"
                disabled={data.next_before_seq === null}
                onClick={() => setCursors([...cursors, data.next_before_seq ?? undefined])}
              >
                Older →
              </button>
            </div>
          </>
        )}
      </QueryView>
    </div>
  );
}

/** The hash chain's verification: walked when the tab opens and on "Verify chain". */
function ChainState() {
  const verify = useAuditVerification();
  const result = verify.data;
  return (
    <section className="card" aria-labelledby="chain-title">
      <div className="page-header" style={{ marginBottom: '0.5rem' }}>
        <h2 id="chain-title">Hash chain</h2>
        <button
          type="button"
          className="button"
          disabled={verify.isFetching}
          onClick={() => void verify.refetch()}
        >
          {verify.isFetching ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>
      {verify.isPending && <LoadingState label="Walking the audit chain" />}
      {verify.error && <ApiErrorView error={toApiErrorInfo(verify.error)} />}
      {result && (
        <p role="status" data-testid="audit-chain">
          {result.ok ? (
            <StatusBadge tone="ok">chain verified</StatusBadge>
          ) : (
            <StatusBadge tone="bad">chain broken</StatusBadge>
          )}{' '}
          {result.entries} entries
          {result.head_seq != null && `, head seq ${result.head_seq}`}
          {!result.ok && ` — first bad entry: seq ${result.seq ?? '?'}: ${result.problem ?? ''}`}
          {verify.dataUpdatedAt > 0 && (
            <span className="muted">
              {' '}
              · checked {new Date(verify.dataUpdatedAt).toLocaleTimeString()}
            </span>
          )}
        </p>
      )}
    </section>
  );
}

function AuditFilterForm({ onApply }: { onApply: (f: Omit<AuditFilters, 'before_seq'>) => void }) {
  const ids = { p: useId(), a: useId(), c: useId(), s: useId(), u: useId(), list: useId() };
  const [principal, setPrincipal] = useState('');
  const [action, setAction] = useState('');
  const [collection, setCollection] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const iso = (local: string) => (local === '' ? undefined : new Date(local).toISOString());
  const rangeError =
    since !== '' && until !== '' && new Date(since) > new Date(until)
      ? '"From" is after "to"'
      : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (rangeError) return;
    const f: Omit<AuditFilters, 'before_seq'> = {};
    if (principal.trim()) f.principal = principal.trim();
    if (action.trim()) f.action = action.trim();
    if (collection.trim()) f.collection = collection.trim();
    const s = iso(since);
    const u = iso(until);
    if (s) f.since = s;
    if (u) f.until = u;
    onApply(f);
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Audit filters">
      <div className={styles.grid}>
        <div className="field">
          <label htmlFor={ids.p}>Principal</label>
          <input
            id={ids.p}
            value={principal}
            placeholder="key:…"
            onChange={(e) => setPrincipal(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.a}>Action</label>
          <input
            id={ids.a}
            list={ids.list}
            value={action}
            placeholder="keys.create, search…"
            onChange={(e) => setAction(e.target.value)}
          />
          <datalist id={ids.list}>
            {AUDITED_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.c}>Collection</label>
          <input id={ids.c} value={collection} onChange={(e) => setCollection(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.s}>From</label>
          <input
            id={ids.s}
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.u}>To</label>
          <input
            id={ids.u}
            type="datetime-local"
            value={until}
            aria-invalid={rangeError !== null}
            onChange={(e) => setUntil(e.target.value)}
          />
          {rangeError && <p className="field-error">{rangeError}</p>}
        </div>
        <div className="actions">
          <button type="submit" className="button primary">
            Apply filters
          </button>
        </div>
      </div>
    </form>
  );
}
