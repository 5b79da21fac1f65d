import { describe, expect, it } from 'vitest';

import { parseBytes, positiveInt } from '../parse-options.js';
import { runTune } from './tune.js';

describe('needle tune', () => {
  it('prints the plan of the checklist formula', () => {
    const lines: string[] = [];
    const estimate = runTune(
      { vectors: 10_000_000, dimensions: 384, profile: 'balanced', quantization: 'f32' },
      (l) => lines.push(l),
    );
    // 10M × (384 × 4 + 16 × 8 × 1.5) bytes
    expect(estimate.expectedMemoryBytes).toBe(10_000_000 * (384 * 4 + 16 * 8 * 1.5));
    expect(lines.join('\n')).toContain('HNSW');
    expect(lines.join('\n')).toContain('17,280,000,000 bytes');
  });

  it('says when the budget does not fit and what to do', () => {
    const lines: string[] = [];
    const e = runTune(
      {
        vectors: 10_000_000,
        dimensions: 384,
        memory: parseBytes('8GiB'),
        profile: 'balanced',
        quantization: 'f32',
      },
      (l) => lines.push(l),
    );
    expect(e.fitsBudget).toBe(false);
    expect(lines.join('\n')).toContain('does NOT fit now');
    expect(e.recommendations.length).toBeGreaterThan(0);
  });

  it('prints JSON on request', () => {
    const lines: string[] = [];
    runTune(
      { vectors: 1000, dimensions: 8, profile: 'low-latency', quantization: 'i8', json: true },
      (l) => lines.push(l),
    );
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ m: 8, efSearch: 20, quantization: 'i8' });
  });

  it('refuses a bad profile with the engine error', () => {
    expect(() =>
      runTune({ vectors: 10, dimensions: 8, profile: 'fastest', quantization: 'f32' }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('parses sizes and counts', () => {
    expect(parseBytes('8GiB')).toBe(8 * 2 ** 30);
    expect(parseBytes('512MB')).toBe(512e6);
    expect(parseBytes('1024')).toBe(1024);
    expect(() => parseBytes('lots')).toThrow(/expected a size/);
    expect(positiveInt('1_000_000')).toBe(1_000_000);
    expect(() => positiveInt('0')).toThrow(/positive integer/);
  });
});
