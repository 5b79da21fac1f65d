'use client';

import Link from 'next/link';
import { Fragment, useEffect, useId, useRef, useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { type useAlertRules, useResetThresholds, useSetThresholds } from '@/data/alerts';
import { toApiErrorInfo } from '@/lib/api-error';
import { formatSeconds, formatValue, unitName } from '@/lib/units';

import styles from './alerts.module.css';
import { type ThresholdErrors, validateThresholds } from './threshold-validation';

export type AlertRule = NonNullable<ReturnType<typeof useAlertRules>['data']>['rules'][number];
type ActiveAlert = { rule: string; labels: Record<string, string>; active_at: string };

/** Rules whose evidence is the slow queries of the alert's window. */
const LATENCY_RULES = new Set(['NeedleSearchLatencyHigh']);

/**
 * The alert rules: default and effective thresholds, `for`, and the value and state of each
 * label set at each severity. Admins edit thresholds inline and reset them; `highlight`
 * (`?rule=`) marks a rule and scrolls to it.
 */
export function RulesTable({
  rules,
  active,
  canManage,
  highlight,
}: {
  rules: AlertRule[];
  active: ActiveAlert[];
  canManage: boolean;
  highlight: string | undefined;
}) {
  const [editing, setEditing] = useState<string | undefined>();
  const highlighted = useRef<HTMLTableRowElement>(null);
  const found = highlight !== undefined && rules.some((r) => r.name === highlight);
  useEffect(() => {
    if (found) highlighted.current?.scrollIntoView({ block: 'center', inline: 'nearest' });
  }, [found]);

  return (
    <div className="table-wrap">
      <table className="table" data-testid="rules-table">
        <caption className="visually-hidden">Alert rules</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Thresholds (warning / critical)</th>
            <th scope="col">Now</th>
            {canManage && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <Fragment key={rule.name}>
              <tr
                id={`rule-${rule.name}`}
                ref={rule.name === highlight ? highlighted : undefined}
                className={rule.name === highlight ? styles.highlight : undefined}
                data-testid={`rule-${rule.name}`}
                aria-current={rule.name === highlight ? 'true' : undefined}
              >
                <th scope="row" className={styles.ruleCell}>
                  <span>{rule.name}</span>
                  <br />
                  <span className={`muted ${styles.small}`}>
                    {rule.summary} · {rule.unit} · fires after{' '}
                    {rule.for_seconds === 0 ? 'one evaluation' : formatSeconds(rule.for_seconds)}
                  </span>
                </th>
                <td>
                  <span data-testid="effective-thresholds">
                    {formatValue(rule.unit, rule.thresholds.warning)} /{' '}
                    {formatValue(rule.unit, rule.thresholds.critical)}
                    {rule.override && (
                      <>
                        <br />
                        <span className={`muted ${styles.small}`}>
                          changed by {rule.override.updated_by} at{' '}
                          {new Date(rule.override.updated_at).toLocaleString()}
                        </span>
                      </>
                    )}
                  </span>
                  <br />
                  <span className={`muted ${styles.small}`} data-testid="default-thresholds">
                    default {formatValue(rule.unit, rule.defaults.warning)} /{' '}
                    {formatValue(rule.unit, rule.defaults.critical)}
                  </span>
                </td>
                <td className={styles.wrap}>
                  <SeriesStates rule={rule} active={active} />
                </td>
                {canManage && (
                  <td className={styles.wrap}>
                    <div className="actions">
                      <button
                        type="button"
                        className="button"
                        aria-expanded={editing === rule.name}
                        onClick={() => setEditing(editing === rule.name ? undefined : rule.name)}
                      >
                        Edit thresholds
                      </button>
                      {rule.override && <ResetButton rule={rule.name} />}
                    </div>
                  </td>
                )}
              </tr>
              {canManage && editing === rule.name && (
                <tr>
                  <td colSpan={4}>
                    <ThresholdForm rule={rule} onDone={() => setEditing(undefined)} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SeriesStates({ rule, active }: { rule: AlertRule; active: ActiveAlert[] }) {
  if (rule.series.length === 0) return <span className="muted">No data yet</span>;
  return (
    <ul className={styles.series}>
      {rule.series.map((s) => {
        const labels = Object.entries(s.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        return (
          <li key={labels} data-testid="rule-series">
            {labels && <code>{labels} </code>}
            <strong data-testid="rule-value">{formatValue(rule.unit, s.value)}</strong>{' '}
            <StateBadge severity="warning" state={s.states.warning} />{' '}
            <StateBadge severity="critical" state={s.states.critical} />
            {LATENCY_RULES.has(rule.name) && (
              <>
                {' '}
                <Link href={evidenceHref(rule, s.labels, active)}>Slow queries</Link>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A state of a severity: inactive, pending or firing. */
export function StateBadge({ severity, state }: { severity: string; state: string }) {
  return (
    <span className={`${styles.state} ${styles[state] ?? ''}`} data-testid={`state-${severity}`}>
      {severity} {state}
    </span>
  );
}

/**
 * The console's slow-query page over the alert's window (from when it became pending, or
 * the last `for` and 15 minutes without an alert) for the label set's collection: the
 * console form of the API's `slowQueriesLink`.
 */
function evidenceHref(
  rule: AlertRule,
  labels: Record<string, string>,
  active: ActiveAlert[],
): string {
  const now = Date.now();
  const alert = active.find(
    (a) => a.rule === rule.name && a.labels.collection === labels.collection,
  );
  const from = alert
    ? new Date(alert.active_at).getTime() - rule.for_seconds * 1000
    : now - Math.max(rule.for_seconds * 1000, 15 * 60_000);
  const params = new URLSearchParams();
  if (labels.collection !== undefined) params.set('collection', labels.collection);
  params.set('from', new Date(from).toISOString());
  params.set('to', new Date(now).toISOString());
  return `/explain/?${params.toString()}`;
}

function ResetButton({ rule }: { rule: string }) {
  const reset = useResetThresholds();
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={reset.isPending}
        onClick={() => reset.mutate({ rule })}
      >
        {reset.isPending ? 'Resetting…' : 'Reset to defaults'}
      </button>
      {reset.error && <ApiErrorView error={toApiErrorInfo(reset.error)} title="Reset failed" />}
    </>
  );
}

function ThresholdForm({ rule, onDone }: { rule: AlertRule; onDone: () => void }) {
  const [warning, setWarning] = useState(String(rule.thresholds.warning));
  const [critical, setCritical] = useState(String(rule.thresholds.critical));
  const [errors, setErrors] = useState<ThresholdErrors>({});
  const save = useSetThresholds();
  const id = useId();
  const hint = `In ${unitName(rule.unit)}. Fires when the value is ${rule.comparison} the threshold for ${formatSeconds(rule.for_seconds)}.`;

  const field = (name: 'warning' | 'critical', value: string, set: (v: string) => void) => {
    const inputId = `${id}-${name}`;
    const errorId = `${inputId}-error`;
    const parsed = Number(value);
    return (
      <div className="field">
        <label htmlFor={inputId}>{name === 'warning' ? 'Warning' : 'Critical'}</label>
        <input
          id={inputId}
          inputMode="decimal"
          value={value}
          aria-invalid={errors[name] ? 'true' : undefined}
          aria-describedby={errors[name] ? errorId : `${id}-hint`}
          onChange={(event) => set(event.target.value)}
        />
        {errors[name] ? (
          <p className="field-error" id={errorId}>
            {errors[name]}
          </p>
        ) : (
          <p className="hint">
            ={' '}
            {value.trim() !== '' && Number.isFinite(parsed) ? formatValue(rule.unit, parsed) : '—'}
          </p>
        )}
      </div>
    );
  };

  return (
    <form
      className={styles.inlineForm}
      aria-label={`Thresholds of ${rule.name}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const checked = validateThresholds(rule.comparison, warning, critical);
        setErrors(checked.errors);
        if (!checked.value) return;
        save.mutate({ rule: rule.name, ...checked.value }, { onSuccess: onDone });
      }}
    >
      {field('warning', warning, setWarning)}
      {field('critical', critical, setCritical)}
      <div className="actions">
        <button type="submit" className="button primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save thresholds'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      {save.error && (
        <ApiErrorView error={toApiErrorInfo(save.error)} title="The thresholds were not saved" />
      )}
    </form>
  );
}
