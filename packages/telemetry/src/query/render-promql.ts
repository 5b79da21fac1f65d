import type { BinaryExpr, LabelMatcher, QueryExpr } from './query-expr.js';

const PRECEDENCE: Record<BinaryExpr['op'], number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

/** A label matcher as PromQL writes it: `collection=~"$collection"`. */
function renderMatcher(m: LabelMatcher): string {
  return `${m.label}${m.op}${JSON.stringify(m.value)}`;
}

function renderOperand(e: QueryExpr, parent: BinaryExpr['op'], side: 'left' | 'right'): string {
  const text = renderPromQL(e);
  if (e.kind !== 'binary') return text;
  const child = PRECEDENCE[e.op];
  const own = PRECEDENCE[parent];
  // Operators are left-associative: a right operand of equal precedence needs parentheses.
  const needs = side === 'left' ? child < own : child <= own;
  return needs ? `(${text})` : text;
}

/**
 * The PromQL text of a query, as Prometheus rules and Grafana panels carry it: aggregations as
 * `sum by (a, b) (expr)`, binary operators with spaces and only the parentheses precedence
 * needs.
 *
 * @example
 * ```ts
 * renderPromQL(histogramQuantile(0.99, sum(rate(metric('x_bucket'), '5m'), ['le'])));
 * // 'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))'
 * ```
 */
export function renderPromQL(expr: QueryExpr): string {
  switch (expr.kind) {
    case 'selector':
      return expr.matchers.length === 0
        ? expr.metric
        : `${expr.metric}{${expr.matchers.map(renderMatcher).join(', ')}}`;
    case 'range-function':
      return `${expr.fn}(${renderPromQL(expr.selector)}[${expr.window}])`;
    case 'aggregate':
      return expr.by === undefined
        ? `${expr.op}(${renderPromQL(expr.expr)})`
        : `${expr.op} by (${expr.by.join(', ')}) (${renderPromQL(expr.expr)})`;
    case 'histogram-quantile':
      return `histogram_quantile(${String(expr.quantile)}, ${renderPromQL(expr.expr)})`;
    case 'binary':
      return `${renderOperand(expr.left, expr.op, 'left')} ${expr.op} ${renderOperand(expr.right, expr.op, 'right')}`;
    case 'round':
      return `round(${renderPromQL(expr.expr)})`;
    case 'number':
      return String(expr.value);
    case 'time':
      return 'time()';
  }
}
