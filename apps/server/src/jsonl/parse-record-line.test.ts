import { describe, expect, it } from 'vitest';

import { parseRecordLine } from './parse-record-line.js';

describe('parseRecordLine', () => {
  it('reads a record, ignoring unknown fields', () => {
    expect(
      parseRecordLine('{"id":"a","vector":[1,2.5],"metadata":{"k":1},"ttl_seconds":30,"x":1}', 2),
    ).toEqual({
      ok: true,
      record: { id: 'a', vector: [1, 2.5], metadata: { k: 1 }, ttl_seconds: 30 },
    });
    expect(parseRecordLine('{"id":"b","vector":[1]}', null)).toEqual({
      ok: true,
      record: { id: 'b', vector: [1], metadata: null },
    });
  });

  it.each([
    ['{"id":"a","vector":[1,2]', /^not valid JSON/],
    ['[1,2]', /expected a JSON object/],
    ['{"vector":[1,2]}', /"id" must be a non-empty string/],
    ['{"id":"","vector":[1,2]}', /"id" must be a non-empty string/],
    ['{"id":"a","vector":"1,2"}', /"vector" must be an array/],
    ['{"id":"a","vector":[1,2,3]}', /"vector" has 3 dimensions, the collection has 2/],
    ['{"id":"a","vector":[1,null]}', /"vector"\[1\] is not a finite number/],
    ['{"id":"a","vector":[1,1e39]}', /"vector"\[1\] is 1e\+39, beyond the float32 range/],
    ['{"id":"a","vector":[1,2],"metadata":[1]}', /"metadata" must be an object or null/],
    ['{"id":"a","vector":[1,2],"ttl_seconds":0}', /"ttl_seconds" must be a positive number/],
  ])('explains why %s is not a record', (line, reason) => {
    const parsed = parseRecordLine(line, 2);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });
});
