import { formatCount, formatRatio } from '@/lib/format';
import type { Explanation } from '@/data/explain';

/** One bar of the stage chart. */
interface Stage {
  key: string;
  label: string;
  us: number;
}

/** `1234.5` → `1,235 µs`; `12.34` → `12.3 µs`. */
export function formatMicros(us: number): string {
  return `${us >= 100 ? formatCount(Math.round(us)) : us.toFixed(1)} µs`;
}

/**
 * The stages of a search with their time, as the engine measured them: the total, the index
 * traversal, the filter evaluation (planning and checks, which may interleave with the
 * traversal when the planner filters during it), the fetch of metadata, and whatever the
 * total holds beyond those (ranking, cursor, bookkeeping).
 */
export function traceStages(trace: Explanation): Stage[] {
  const p = trace.profiling;
  const rest = p.total_time_us - p.index_time_us - p.filter_time_us - p.enrich_time_us;
  return [
    { key: 'total', label: 'Total', us: p.total_time_us },
    { key: 'index', label: 'Index traversal', us: p.index_time_us },
    { key: 'filter', label: 'Filter evaluation', us: p.filter_time_us },
    { key: 'fetch', label: 'Fetch', us: p.enrich_time_us },
    ...(rest > 0 ? [{ key: 'other', label: 'Other', us: rest }] : []),
  ];
}

/**
 * A search's explain trace: time per stage as horizontal bars (µs), the planner's choice and
 * reason, and the work done (nodes visited, distance computations, candidates, selectivity,
 * ef). Used by the playground and by each recorded slow query.
 */
export function ExplainTrace({
  trace,
  title = 'Explain trace',
}: {
  trace: Explanation;
  title?: string;
}) {
  const stages = traceStages(trace);
  const longest = Math.max(...stages.map((s) => s.us), 1);
  const p = trace.profiling;
  const n = (value: number | null) => (value === null ? 'not reported' : formatCount(value));
  return (
    <section className="card explain-trace" aria-label={title} data-testid="explain-trace">
      <h3>{title}</h3>
      <p className="plan" data-testid="plan">
        Planner: <strong data-testid="plan-strategy">{trace.plan.strategy}</strong>
        <span className="muted"> — {trace.plan.reason}</span>
      </p>
      <figure className="waterfall" aria-label="Time per stage">
        <ul className="waterfall-list" data-testid="waterfall">
          {stages.map((stage) => (
            <li key={stage.key} className={`waterfall-row stage-${stage.key}`}>
              <span className="waterfall-label">{stage.label}</span>
              <span className="waterfall-track" aria-hidden="true">
                <span
                  className="waterfall-bar"
                  style={{ width: `${Math.max((stage.us / longest) * 100, 0.5)}%` }}
                />
              </span>
              <span className="waterfall-value num">{formatMicros(stage.us)}</span>
            </li>
          ))}
        </ul>
        <figcaption className="hint">
          Stage times in microseconds, measured by the engine; filtering may interleave with the
          traversal, so the stages need not add up to the total.
        </figcaption>
      </figure>
      <dl className="facts trace-facts">
        <dt>Nodes visited</dt>
        <dd data-testid="trace-visited">{n(p.hnsw_stats.visited_nodes)}</dd>
        <dt>Distance computations</dt>
        <dd data-testid="trace-distances">{n(p.hnsw_stats.distance_computations)}</dd>
        <dt>Candidates examined</dt>
        <dd data-testid="trace-candidates">
          {formatCount(p.candidates_before_filter)} → {formatCount(p.candidates_after_filter)} after
          the filter
        </dd>
        <dt>Estimated selectivity</dt>
        <dd data-testid="trace-selectivity">{formatRatio(trace.plan.estimated_selectivity)}</dd>
        <dt>ef used</dt>
        <dd data-testid="trace-ef">{formatCount(p.ef_search)}</dd>
        <dt>k</dt>
        <dd>
          {formatCount(p.requested_k)} asked, {formatCount(p.effective_k)} possible of{' '}
          {formatCount(p.collection_size)} vectors
        </dd>
        <dt>Filter</dt>
        <dd>{p.filter_applied ? 'applied' : 'none'}</dd>
        <dt>Metric</dt>
        <dd>{trace.distance_metric}</dd>
        <dt>Result cache</dt>
        <dd>{trace.cache_hit ? 'hit' : 'miss'}</dd>
      </dl>
    </section>
  );
}
