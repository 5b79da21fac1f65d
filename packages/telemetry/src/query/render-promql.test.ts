import { describe, expect, it } from 'vitest';

import { DASHBOARDS } from '../dashboards/default-dashboards.js';
import { ALERT_RULE_LIST } from '../rules/default-rules.js';
import { NAMED_QUERIES, namedQuery } from './named-queries.js';
import {
  add,
  avg,
  div,
  durationMs,
  histogramQuantile,
  increase,
  metric,
  metricsOf,
  mul,
  rate,
  round,
  sub,
  sum,
  time,
} from './query-expr.js';
import { renderPromQL } from './render-promql.js';

describe('renderPromQL', () => {
  it('writes selectors, range functions and aggregations as PromQL does', () => {
    expect(renderPromQL(metric('up'))).toBe('up');
    expect(
      renderPromQL(
        metric('x', [
          ['a', '=', 'b"c'],
          ['d', '!~', 'e.*'],
        ]),
      ),
    ).toBe('x{a="b\\"c", d!~"e.*"}');
    expect(renderPromQL(rate(metric('x_total'), '5m'))).toBe('rate(x_total[5m])');
    expect(renderPromQL(sum(increase(metric('x_total'), '7d'), ['type']))).toBe(
      'sum by (type) (increase(x_total[7d]))',
    );
    expect(renderPromQL(avg(metric('x')))).toBe('avg(x)');
    expect(
      renderPromQL(histogramQuantile(0.99, sum(rate(metric('h_bucket'), '5m'), ['c', 'le']))),
    ).toBe('histogram_quantile(0.99, sum by (c, le) (rate(h_bucket[5m])))');
    expect(renderPromQL(round(time()))).toBe('round(time())');
  });

  it('puts parentheses only where precedence and left associativity need them', () => {
    const [a, b, c] = [metric('a'), metric('b'), metric('c')];
    expect(renderPromQL(sub(1, div(a, b)))).toBe('1 - a / b');
    expect(renderPromQL(div(sub(1, a), b))).toBe('(1 - a) / b');
    expect(renderPromQL(sub(a, sub(b, c)))).toBe('a - (b - c)');
    expect(renderPromQL(sub(sub(a, b), c))).toBe('a - b - c');
    expect(renderPromQL(div(a, mul(b, c)))).toBe('a / (b * c)');
    expect(renderPromQL(add(mul(a, 2), c))).toBe('a * 2 + c');
  });

  it('lists the metrics a query reads and parses durations', () => {
    expect(metricsOf(div(sum(rate(metric('e'), '5m')), add(metric('h'), metric('e'))))).toEqual([
      'e',
      'h',
    ]);
    expect(durationMs('5m')).toBe(300_000);
    expect(durationMs('7d')).toBe(7 * 86_400_000);
    expect(durationMs('1.5s')).toBe(1500);
    expect(durationMs('5 minutes')).toBeUndefined();
  });
});

describe('the one definition', () => {
  it('renders every rule expression from its query', () => {
    for (const rule of ALERT_RULE_LIST) {
      expect(rule.expression, rule.name).toBe(renderPromQL(rule.query));
    }
  });

  it('names every rule and every panel query once', () => {
    const ids = NAMED_QUERIES.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    const panelQueries = DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => p.queries)).length;
    expect(ids.length).toBe(ALERT_RULE_LIST.length + panelQueries);
    expect(namedQuery('NeedleWalLagHigh')?.expr).toBe('max(needle_wal_bytes)');
    expect(namedQuery('needle-overview/query-throughput/0')?.expr).toBe(
      'sum by (operation) (rate(needle_query_throughput[1m]))',
    );
    expect(namedQuery('nope')).toBeUndefined();
  });
});
