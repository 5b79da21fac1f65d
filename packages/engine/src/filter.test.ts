import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { validateFilter } from './filter.js';

describe('validateFilter (@needle/engine/filter)', () => {
  it('answers the fields a valid filter reads', () => {
    expect(
      validateFilter({ lang: 'en', $or: [{ year: { $gte: 2020 } }, { tags: { $in: ['a'] } }] }),
    ).toEqual({ ok: true, fields: ['lang', 'year', 'tags'] });
  });

  it('answers the engine error of a malformed filter with its path and help', () => {
    const result = validateFilter({ $and: [{ a: 1 }, { price: { $gt: 'cheap' } }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('INVALID_FILTER');
    expect(result.message).toMatch(/^filter\.\$and\[1\]\.price\.\$gt: /);
    expect(result.help).not.toBe('');
    expect(validateFilter({ $nope: 1 })).toMatchObject({ ok: false, code: 'INVALID_FILTER' });
    expect(validateFilter([1])).toMatchObject({ ok: false, code: 'INVALID_FILTER' });
  });

  it('imports nothing from Node, so a browser bundle can use it', () => {
    const src = dirname(fileURLToPath(import.meta.url));
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/^(?:import|export)[^'"]*from '([^']+)';/gm)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^node:|^better-sqlite|^usearch/);
        if (spec!.startsWith('.')) visit(join(dirname(file), spec!.replace(/\.js$/, '.ts')));
      }
    };
    visit(join(src, 'filter.ts'));
    expect(seen.size).toBeGreaterThan(5);
  });
});
