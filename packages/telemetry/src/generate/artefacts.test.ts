import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALERT_RULES } from '../rules/default-rules.js';
import { ARTEFACTS_DIR, generateArtefacts } from './artefacts.js';
import { promtoolTestsFile } from './promtool-tests.js';
import { toYaml } from './yaml.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
const REGENERATE = 'run `npm run generate -w @needle/telemetry` and commit the result';

describe('generated Grafana, Prometheus and Alertmanager files', () => {
  it('match the committed ones', () => {
    const files = generateArtefacts();
    expect(files.size).toBeGreaterThan(5);
    for (const [path, content] of files) {
      let committed: string | undefined;
      try {
        committed = readFileSync(resolve(REPO_ROOT, path), 'utf8');
      } catch {
        committed = undefined;
      }
      expect(committed, `${path} is missing: ${REGENERATE}`).toBeDefined();
      expect(
        committed === content,
        `${path} differs from what the definitions generate: ${REGENERATE}`,
      ).toBe(true);
    }
    const dashboards = readdirSync(resolve(REPO_ROOT, ARTEFACTS_DIR, 'dashboards'));
    for (const name of dashboards) {
      expect(
        files.has(`${ARTEFACTS_DIR}/dashboards/${name}`),
        `${name} is not generated: ${REGENERATE}`,
      ).toBe(true);
    }
  });

  it('are valid JSON where JSON', () => {
    for (const [path, content] of generateArtefacts()) {
      if (path.endsWith('.json')) expect(() => JSON.parse(content) as unknown, path).not.toThrow();
    }
  });

  it('refuse a rule whose test values do not breach its thresholds', () => {
    const lowered = {
      ...ALERT_RULES.walLag,
      thresholds: { warning: 600 * 1024 * 1024, critical: 1e12 },
    };
    expect(() => promtoolTestsFile([lowered])).toThrow(/NeedleWalLagHigh: the warning test value/);
    const unknown = { ...ALERT_RULES.walLag, name: 'NeedleUntested' };
    expect(() => promtoolTestsFile([unknown])).toThrow(/NeedleUntested has no promtool fixture/);
  });
});

describe('toYaml', () => {
  it('quotes every string and nests mappings and sequences', () => {
    expect(
      toYaml(
        { a: "it's", b: ['x', { c: 1, d: [] }], 'e-f': { g: true, h: null }, i: 'two\nlines' },
        'top',
      ),
    ).toBe(
      [
        '# top',
        'a: "it\'s"',
        'b:',
        "  - 'x'",
        '  - c: 1',
        '    d: []',
        "'e-f':",
        '  g: true',
        '  h: null',
        'i: "two\\nlines"',
        '',
      ].join('\n'),
    );
  });
});
