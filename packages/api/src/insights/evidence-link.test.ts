import { describe, expect, it } from 'vitest';

import { slowQueriesLink, slowQueryLink } from './evidence-link.js';

describe('slowQueriesLink', () => {
  it('builds the slow-queries URL of an alert window from dates, milliseconds or ISO text', () => {
    const from = Date.UTC(2026, 0, 1, 0, 0, 0);
    const to = Date.UTC(2026, 0, 1, 0, 5, 0);
    const expected =
      '/v1/slow-queries?collection=docs&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-01T00%3A05%3A00.000Z';
    expect(slowQueriesLink({ collection: 'docs', from, to })).toBe(expected);
    expect(slowQueriesLink({ collection: 'docs', from: new Date(from), to: new Date(to) })).toBe(
      expected,
    );
    expect(
      slowQueriesLink({
        collection: 'docs',
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-01T00:05:00Z',
      }),
    ).toBe(expected);
    expect(slowQueriesLink({ from, to })).toBe(
      '/v1/slow-queries?from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-01T00%3A05%3A00.000Z',
    );
  });

  it('refuses a window bound that is not a time', () => {
    expect(() => slowQueriesLink({ from: 'yesterday', to: 0 })).toThrow(RangeError);
  });

  it('links one slow query', () => {
    expect(slowQueryLink(42)).toBe('/v1/slow-queries/42');
  });
});
