import { describe, expect, it } from 'vitest';

import {
  FRAME,
  decodeChangeRows,
  encodeChangeRows,
  frame,
  jsonFrame,
  readFrames,
  type ChangeRow,
} from './frame-codec.js';

async function* split(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function collect(stream: AsyncIterable<Uint8Array>) {
  const out: { kind: number; body: string }[] = [];
  for await (const f of readFrames(stream))
    out.push({ kind: f.kind, body: f.body.toString('hex') });
  return out;
}

describe('frames', () => {
  const rows: ChangeRow[] = [
    { seq: 1, op: 'put', key: 0, id: 'a', at: 1_700_000_000_000 },
    { seq: 2, op: 'metadata', key: 0, id: 'a', at: 1_700_000_000_001 },
    { seq: 9_007_199_254_740, op: 'delete', key: 4_294_967_296, id: 'ünïcødé ✓', at: 1 },
  ];

  it('round-trips change rows', () => {
    expect(decodeChangeRows(encodeChangeRows(rows))).toEqual(rows);
    expect(decodeChangeRows(encodeChangeRows([]))).toEqual([]);
  });

  it('refuses malformed change rows', () => {
    const encoded = encodeChangeRows(rows);
    expect(() => decodeChangeRows(encoded.subarray(0, encoded.length - 1))).toThrow(RangeError);
    expect(() => decodeChangeRows(Buffer.concat([encoded, Buffer.from([0])]))).toThrow(RangeError);
  });

  it('reads frames back however the stream is cut', async () => {
    const data = Buffer.concat([
      jsonFrame(FRAME.header, { version: 1 }),
      frame(FRAME.changes, encodeChangeRows(rows)),
      frame(FRAME.end, Buffer.alloc(0)),
    ]);
    const whole = await collect(split(data, data.length));
    expect(whole.map((f) => f.kind)).toEqual([FRAME.header, FRAME.changes, FRAME.end]);
    for (const size of [1, 3, 7, 64]) expect(await collect(split(data, size))).toEqual(whole);
  });

  it('refuses a stream that ends inside a frame', async () => {
    const data = jsonFrame(FRAME.header, { version: 1 });
    await expect(collect(split(data.subarray(0, data.length - 2), 4))).rejects.toThrow(RangeError);
  });
});
