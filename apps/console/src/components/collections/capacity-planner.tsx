'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';

import { QueryView } from '@/components/states/query-view';
import { EmptyState } from '@/components/states/empty-state';
import { Field } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { useTune } from '@/data/collections';
import { formatBytes, formatCount } from '@/lib/format';

import styles from './collections.module.css';
import { GrowthProjectionChart } from './growth-projection-chart';
import {
  plannerErrors,
  plannerForm,
  type PlannerFields,
  type PlannerInput,
} from './planner-form-schema';

const INITIAL: PlannerFields = {
  expected_vectors: '1000000',
  dimensions: '768',
  growth_percent: '10',
  budget_gib: '8',
  profile: 'balanced',
  quantization: 'f32',
};

/**
 * The capacity planner: the engine's `autoTune` for a plan (index type, HNSW settings, the
 * quantization that fits the budget, memory and disk) and its memory month by month for a
 * year at the growth asked for, against the memory budget.
 */
export function CapacityPlanner() {
  const [fields, setFields] = useState<PlannerFields>(INITIAL);
  const [errors, setErrors] = useState<ReturnType<typeof plannerErrors>>({});
  const [input, setInput] = useState<PlannerInput | null>(null);
  const plan = useTune(input);
  const set = (field: keyof PlannerFields) => (value: string) =>
    setFields((f) => ({ ...f, [field]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = plannerForm.safeParse(fields);
    if (!parsed.success) return setErrors(plannerErrors(parsed.error));
    setErrors({});
    setInput(parsed.data);
  }

  const field = (id: keyof PlannerFields, label: string, hint?: string) => (
    <Field id={`plan-${id}`} label={label} error={errors[id]} hint={hint}>
      {(props) => (
        <input
          {...props}
          inputMode="decimal"
          value={fields[id]}
          onChange={(e) => set(id)(e.target.value)}
        />
      )}
    </Field>
  );

  return (
    <>
      <PageHeader
        title="Capacity planner"
        description={<Link href="/collections/">← All collections</Link>}
      />
      <div className={styles.planner}>
        <form className="form card" noValidate onSubmit={submit} aria-label="Plan">
          {field('expected_vectors', 'Vectors now')}
          {field('dimensions', 'Dimensions')}
          {field('growth_percent', 'Growth per month (%)', 'Compounded monthly; 0 for none.')}
          {field('budget_gib', 'Memory budget (GiB)', 'RAM for the index; empty for none.')}
          <Field id="plan-profile" label="Profile">
            {(props) => (
              <select
                {...props}
                value={fields.profile}
                onChange={(e) => set('profile')(e.target.value)}
              >
                <option value="balanced">balanced</option>
                <option value="high-recall">high recall</option>
                <option value="low-latency">low latency</option>
              </select>
            )}
          </Field>
          <Field id="plan-quantization" label="Quantization">
            {(props) => (
              <select
                {...props}
                value={fields.quantization}
                onChange={(e) => set('quantization')(e.target.value)}
              >
                <option value="f32">f32 (exact)</option>
                <option value="f16">f16</option>
                <option value="i8">i8</option>
              </select>
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="button primary">
              Plan
            </button>
          </div>
        </form>
        {input === null ? (
          <EmptyState title="Enter a plan">
            <p>The recommendation and a 12-month projection appear here.</p>
          </EmptyState>
        ) : (
          <QueryView query={plan} loading="Planning">
            {(p) => (
              <section
                className="card stack"
                aria-labelledby="plan-title"
                data-testid="plan-result"
              >
                <h2 id="plan-title">Recommendation</h2>
                <dl className="facts">
                  <dt>Index</dt>
                  <dd>
                    {p.recommendation.index_type} · M {p.recommendation.m} · ef_construction{' '}
                    {p.recommendation.ef_construction} · ef_search {p.recommendation.ef_search} (
                    {p.recommendation.profile})
                  </dd>
                  <dt>Quantization</dt>
                  <dd>
                    {p.recommendation.quantization}
                    {p.recommendation.quantization !== p.recommendation.requested_quantization &&
                      ` (instead of ${p.recommendation.requested_quantization}, to fit the budget)`}
                  </dd>
                  <dt>Memory now</dt>
                  <dd>
                    {formatBytes(p.recommendation.memory_bytes)}{' '}
                    {!p.recommendation.fits_budget && (
                      <span className="badge warning">over budget</span>
                    )}
                  </dd>
                  <dt>Disk now</dt>
                  <dd>
                    {formatBytes(p.recommendation.disk_bytes)} (twice the index, for compaction)
                  </dd>
                  <dt>In 12 months</dt>
                  <dd>
                    {formatCount(p.projected.vectors)} vectors,{' '}
                    {formatBytes(p.projected.memory_bytes)} of memory,{' '}
                    {formatBytes(p.projected.disk_bytes)} of disk
                  </dd>
                  <dt>Budget</dt>
                  <dd data-testid="plan-budget">
                    {p.memory_budget_bytes === null
                      ? 'none given'
                      : p.budget_exceeded_month === null
                        ? `${formatBytes(p.memory_budget_bytes)}: enough for the 12 months`
                        : p.budget_exceeded_month === 0
                          ? `${formatBytes(p.memory_budget_bytes)}: already too small`
                          : `${formatBytes(p.memory_budget_bytes)}: crossed in month ${p.budget_exceeded_month}`}
                  </dd>
                </dl>
                <GrowthProjectionChart
                  projection={p.projection}
                  budget={p.memory_budget_bytes}
                  exceededMonth={p.budget_exceeded_month}
                />
                {p.recommendation.notes.length > 0 && (
                  <ul>
                    {p.recommendation.notes.map((note) => (
                      <li key={note}>{note}</li>
                    ))}
                  </ul>
                )}
              </section>
            )}
          </QueryView>
        )}
      </div>
    </>
  );
}
