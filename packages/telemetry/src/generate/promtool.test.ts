import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { DASHBOARDS } from '../dashboards/default-dashboards.js';
import { ALERT_RULES } from '../rules/default-rules.js';
import { renderPromQL } from '../query/render-promql.js';
import { alertCondition } from './prometheus-rules.js';
import { toYaml } from './yaml.js';

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
const ALERTS_DIR = resolve(REPO_ROOT, 'grafana/alerts');
const ALERTMANAGER_EXAMPLE = resolve(REPO_ROOT, 'grafana/alertmanager/alertmanager.example.yml');

interface Outcome {
  code: number;
  output: string;
}

/** Runs a Prometheus tool; a missing binary fails the test, naming how to install it. */
async function tool(binary: string, args: string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(binary, args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string; code?: unknown };
    if (e.code === 'ENOENT') {
      throw new Error(
        `${binary} is not installed: run scripts/install-system-deps.sh as root (Debian packages prometheus and prometheus-alertmanager)`,
      );
    }
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
    };
  }
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('promtool and amtool', () => {
  it('accept the generated rules', async () => {
    const { code, output } = await tool(
      'promtool',
      ['check', 'rules', 'needle-rules.yml'],
      ALERTS_DIR,
    );
    expect(output).toContain('SUCCESS');
    expect(code, output).toBe(0);
  });

  it('pass the generated unit tests: every rule at warning and at critical', async () => {
    const { code, output } = await tool(
      'promtool',
      ['test', 'rules', 'needle-rules.test.yml'],
      ALERTS_DIR,
    );
    expect(code, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it('fail those unit tests when a threshold in the rules moves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'needle-promtool-'));
    temps.push(dir);
    cpSync(ALERTS_DIR, dir, { recursive: true });
    const rules = readFileSync(join(dir, 'needle-rules.yml'), 'utf8');
    const critical = alertCondition(ALERT_RULES.walLag, 'critical');
    expect(rules).toContain(critical);
    writeFileSync(
      join(dir, 'needle-rules.yml'),
      rules.replace(critical, `${ALERT_RULES.walLag.expression} > 1e12`),
    );
    const { code, output } = await tool(
      'promtool',
      ['test', 'rules', 'needle-rules.test.yml'],
      dir,
    );
    expect(code).not.toBe(0);
    expect(output).toContain('NeedleWalLagHigh critical');
  });

  it('parse every dashboard query as PromQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'needle-promtool-'));
    temps.push(dir);
    const queries = DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => p.queries));
    const rules = queries.map((q, i) => ({
      record: `needle_dashboard_query_${String(i)}`,
      expr: renderPromQL(q.query).replaceAll('$collection', '.*'),
    }));
    writeFileSync(join(dir, 'queries.yml'), toYaml({ groups: [{ name: 'dashboards', rules }] }));
    const { code, output } = await tool('promtool', ['check', 'rules', 'queries.yml'], dir);
    expect(code, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${String(queries.length)} rules found`);
  });

  it('accept the Alertmanager example config', async () => {
    const { code, output } = await tool(
      'amtool',
      ['check-config', ALERTMANAGER_EXAMPLE],
      REPO_ROOT,
    );
    expect(output).toContain('SUCCESS');
    expect(code, output).toBe(0);
  });
});
