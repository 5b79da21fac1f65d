'use client';

import { Fragment, useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { LoadingState } from '@/components/states/loading-state';
import { QueryView } from '@/components/states/query-view';
import {
  type SlowQueryGroup,
  useCollectionChoices,
  useSlowQueries,
  useSlowQuery,
} from '@/data/explain';
import { toApiErrorInfo } from '@/lib/api-error';
import { formatCount } from '@/lib/format';

import { ExplainTrace } from './explain-trace';
import {
  describeShape,
  type SlowLogWindow,
  WINDOW_PRESETS,
  windowQuery,
} from './slow-query-window';

/**
 * The slow-query log of a window (`?collection=&from=&to=`, the link an alert gives): slow
 * searches grouped by collection and query shape, slowest first; a group opens to its newest
 * examples, each with its explain trace.
 */
export function SlowQueryLog({
  window,
  onWindow,
}: {
  window: SlowLogWindow;
  onWindow: (next: SlowLogWindow) => void;
}) {
  const query = windowQuery(window);
  const list = useSlowQueries(query);
  return (
    <section aria-labelledby="slow-title" className="stack">
      <h2 id="slow-title">Slow-query log</h2>
      <WindowPicker window={window} onWindow={onWindow} />
      <QueryView
        query={list}
        loading="Loading slow queries"
        isEmpty={(data) => data.groups.length === 0}
        empty={
          <EmptyState title="No slow queries in this window">
            <p>
              Searches slower than the server&apos;s threshold are recorded here; widen the window
              or pick another collection.
            </p>
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <p className="muted" data-testid="slow-summary">
              {formatCount(data.total)} slow {data.total === 1 ? 'search' : 'searches'} (at least{' '}
              {data.threshold_ms} ms) from {formatTime(data.from)} to {formatTime(data.to)}
              {data.collection ? ` on ${data.collection}` : ''}.
            </p>
            <GroupTable groups={data.groups} />
          </>
        )}
      </QueryView>
    </section>
  );
}

function WindowPicker({
  window,
  onWindow,
}: {
  window: SlowLogWindow;
  onWindow: (next: SlowLogWindow) => void;
}) {
  const choices = useCollectionChoices();
  const custom = window.preset === 'custom';
  return (
    <div className="field-row window-picker" role="group" aria-label="Time window">
      <div className="field">
        <label htmlFor="slow-collection">Collection</label>
        <select
          id="slow-collection"
          value={window.collection}
          onChange={(e) => onWindow({ ...window, collection: e.target.value })}
        >
          <option value="">All collections</option>
          {choices.data?.collections.map((c) => (
            <option key={c.name}>{c.name}</option>
          ))}
          {window.collection !== '' &&
            !choices.data?.collections.some((c) => c.name === window.collection) && (
              <option>{window.collection}</option>
            )}
        </select>
      </div>
      <div className="field">
        <label htmlFor="slow-window">Window</label>
        <select
          id="slow-window"
          value={window.preset}
          onChange={(e) =>
            onWindow({ ...window, preset: e.target.value as SlowLogWindow['preset'] })
          }
        >
          {WINDOW_PRESETS.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom</option>
        </select>
      </div>
      {custom && (
        <>
          <div className="field">
            <label htmlFor="slow-from">From</label>
            <input
              id="slow-from"
              type="datetime-local"
              value={toLocalInput(window.from)}
              onChange={(e) => onWindow({ ...window, from: fromLocalInput(e.target.value) })}
            />
          </div>
          <div className="field">
            <label htmlFor="slow-to">To</label>
            <input
              id="slow-to"
              type="datetime-local"
              value={toLocalInput(window.to)}
              onChange={(e) => onWindow({ ...window, to: fromLocalInput(e.target.value) })}
            />
          </div>
        </>
      )}
    </div>
  );
}

function GroupTable({ groups }: { groups: SlowQueryGroup[] }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="slow-groups">
        <caption className="visually-hidden">Slow queries by shape</caption>
        <thead>
          <tr>
            <th scope="col">Collection</th>
            <th scope="col">Shape</th>
            <th scope="col" className="num">
              Count
            </th>
            <th scope="col" className="num">
              p50
            </th>
            <th scope="col" className="num">
              p95
            </th>
            <th scope="col" className="num">
              Max
            </th>
            <th scope="col">Last seen</th>
            <th scope="col">
              <span className="visually-hidden">Examples</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const key = `${g.collection}/${g.shape_id}`;
            const expanded = open === key;
            return (
              <Fragment key={key}>
                <tr>
                  <td className="wrap">{g.collection}</td>
                  <td className="wrap">
                    <code className="shape" data-testid="slow-shape">
                      {describeShape(g.shape)}
                    </code>
                  </td>
                  <td className="num">{formatCount(g.count)}</td>
                  <td className="num">{formatMs(g.p50_ms)}</td>
                  <td className="num">{formatMs(g.p95_ms)}</td>
                  <td className="num">{formatMs(g.max_ms)}</td>
                  <td className="wrap">{formatTime(g.last_seen)}</td>
                  <td>
                    <button
                      type="button"
                      className="button ghost"
                      aria-expanded={expanded}
                      aria-controls={`examples-${g.shape_id}`}
                      onClick={() => setOpen(expanded ? null : key)}
                    >
                      {expanded ? 'Hide examples' : `Examples (${g.example_ids.length})`}
                    </button>
                  </td>
                </tr>
                {expanded && (
                  <tr>
                    <td colSpan={8} id={`examples-${g.shape_id}`} className="wrap">
                      <ExampleList ids={g.example_ids} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ExampleList({ ids }: { ids: string[] }) {
  const [shown, setShown] = useState<string | null>(ids[0] ?? null);
  return (
    <div className="examples">
      <div className="actions" role="group" aria-label="Example queries, newest first">
        {ids.map((id) => (
          <button
            key={id}
            type="button"
            className={id === shown ? 'button primary' : 'button'}
            aria-pressed={id === shown}
            onClick={() => setShown(id)}
          >
            Query #{id}
          </button>
        ))}
      </div>
      {shown !== null && <SlowQueryDetail id={shown} />}
    </div>
  );
}

function SlowQueryDetail({ id }: { id: string }) {
  const one = useSlowQuery(id);
  if (one.isPending) return <LoadingState label={`Loading query #${id}`} />;
  if (one.error) {
    return <ApiErrorView error={toApiErrorInfo(one.error)} onRetry={() => void one.refetch()} />;
  }
  const q = one.data;
  return (
    <div className="stack" data-testid="slow-query-detail">
      <dl className="facts">
        <dt>Recorded</dt>
        <dd>{formatTime(q.at)}</dd>
        <dt>Duration</dt>
        <dd data-testid="slow-duration">{formatMs(q.duration_ms)}</dd>
        <dt>Request id</dt>
        <dd>{q.request_id ?? '—'}</dd>
        <dt>Trace</dt>
        <dd data-testid="trace-status">
          {q.trace_status}
          {q.trace_status === 'ready' &&
            (q.trace_rerun
              ? ` — taken by running the same search again${q.traced_at ? ` at ${formatTime(q.traced_at)}` : ''}: its plan and work are the re-run's, on that moment's data`
              : ' — the slow search was itself explained')}
        </dd>
      </dl>
      {q.trace_status === 'pending' && (
        <LoadingState label="Trace pending: the search is queued to run again with explain" />
      )}
      {q.trace_status === 'unavailable' && (
        <EmptyState title="No trace for this query">
          <p>
            The background queue that re-runs slow searches with explain was full when it was
            recorded, so it was never traced.
          </p>
        </EmptyState>
      )}
      {q.trace && <ExplainTrace trace={q.trace} title={`Trace of query #${q.id}`} />}
    </div>
  );
}

/** `12.345` → `12.3 ms`. */
function formatMs(ms: number): string {
  return `${ms >= 100 ? formatCount(Math.round(ms)) : ms.toFixed(1)} ms`;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** An ISO time as a `datetime-local` input's value (local time, to the minute). */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
