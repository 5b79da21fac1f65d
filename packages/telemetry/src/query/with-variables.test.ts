import { describe, expect, it } from 'vitest';

import { namedQuery } from './named-queries.js';
import { withVariables } from './query-expr.js';
import { renderPromQL } from './render-promql.js';

const byCollection = namedQuery('needle-collections/vectors-by-collection/0')!.query;

describe('withVariables', () => {
  it('puts a given collection in the regex matcher, as the ring evaluation matches it', () => {
    expect(renderPromQL(withVariables(byCollection, { collection: 'docs' }))).toBe(
      'sum by (collection) (needle_vector_count{collection=~"docs"})',
    );
  });

  it('matches every collection with .* when none is given', () => {
    expect(renderPromQL(withVariables(byCollection, {}))).toBe(
      'sum by (collection) (needle_vector_count{collection=~".*"})',
    );
  });

  it('keeps an escaped name escaped in the PromQL string', () => {
    expect(renderPromQL(withVariables(byCollection, { collection: 'a\\.b' }))).toBe(
      'sum by (collection) (needle_vector_count{collection=~"a\\\\.b"})',
    );
  });

  it('leaves queries without variables as they are', () => {
    const throughput = namedQuery('needle-overview/query-throughput/0')!;
    expect(renderPromQL(withVariables(throughput.query, { collection: 'docs' }))).toBe(
      throughput.expr,
    );
  });
});
