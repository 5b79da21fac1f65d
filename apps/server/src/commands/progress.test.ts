import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { formatBytes, startProgress } from './progress.js';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120 });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('startProgress', () => {
  it('prints plain lines without control characters when the stream is not a terminal', () => {
    const out = capture(false);
    const progress = startProgress({
      label: 'import docs',
      total: 2048,
      unit: 'bytes',
      enabled: true,
      stream: out.stream,
      plainIntervalMs: 60_000,
    });
    progress.update(1024, '10 vectors');
    progress.restart('import docs: index', 10);
    progress.update(10);
    progress.stop();
    progress.stop();
    const lines = out.text().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^import docs \| 50% \| 1\.0 KiB\/2\.0 KiB \| 10 vectors \| [\d.]+ s$/,
    );
    expect(lines[1]).toMatch(/^import docs: index \| 100% \| 10 B\/10 B \| [\d.]+ s$/);
    expect(lines[2]).toBe('');
    expect(out.text()).not.toContain('\u001b');
  });

  it('prints the amount alone when the total is unknown', () => {
    const out = capture(false);
    const progress = startProgress({
      label: 'import docs',
      total: null,
      unit: 'items',
      enabled: true,
      stream: out.stream,
    });
    progress.update(12_345, 'from a pipe');
    progress.stop();
    expect(out.text()).toMatch(/^import docs \| 12,345 \| from a pipe \| [\d.]+ s\n$/);
  });

  it('draws a bar with percentage on a terminal and restores the cursor at the end', () => {
    const out = capture(true);
    const progress = startProgress({
      label: 'export docs',
      total: 200,
      unit: 'items',
      enabled: true,
      stream: out.stream,
    });
    progress.update(100, '4.0 KiB');
    progress.stop();
    const text = out.text();
    expect(text).toContain('export docs [');
    expect(text).toMatch(/50% \| 100\/200 \| 4\.0 KiB/);
    // The cursor is hidden while drawing and shown again after.
    expect(text).toContain('\u001b[?25l');
    expect(text.lastIndexOf('\u001b[?25h')).toBeGreaterThan(text.lastIndexOf('\u001b[?25l'));
  });

  it('prints nothing with --no-progress', () => {
    const out = capture(false);
    const progress = startProgress({
      label: 'x',
      total: 1,
      unit: 'items',
      enabled: false,
      stream: out.stream,
    });
    progress.update(1);
    progress.stop();
    expect(out.text()).toBe('');
  });

  it('formats byte amounts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 2 ** 30)).toBe('3.0 GiB');
  });
});
