import { describe, expect, it } from 'vitest';

import { formatNumber, formatRatio, formatTable } from './format-table.js';

describe('formatTable', () => {
  it('pads text left and numbers right under a rule', () => {
    expect(
      formatTable(
        ['lib', 'QPS'],
        [
          ['usearch', '12 000'],
          ['needle', '900'],
          ['hnswlib', '—'],
        ],
      ),
    ).toBe(
      [
        'lib      QPS',
        '-------  ------',
        'usearch  12 000',
        'needle      900',
        'hnswlib       —',
      ].join('\n'),
    );
  });
});

describe('formatNumber / formatRatio', () => {
  it('groups thousands, keeps decimals and shows missing values as —', () => {
    expect(formatNumber(1234567.891, 1)).toBe('1 234 567.9');
    expect(formatNumber(-1500)).toBe('-1 500');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatRatio(9, 10)).toBe('0.90');
    expect(formatRatio(9, null)).toBe('—');
  });
});
