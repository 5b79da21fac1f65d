import { ALERT_RULES } from '@needle/telemetry';
import { Database } from '@needle/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';

import { tempDir } from '../../../test/helpers.js';
import { AlertHistory } from './alert-history.js';
import type { AlertTransition } from './alert-evaluator.js';

const rule = ALERT_RULES.walLag;

function transition(to: AlertTransition['to'], n: number): AlertTransition {
  return {
    to,
    at: n,
    alert: {
      rule,
      severity: 'warning',
      labels: { alertname: rule.name, severity: 'warning', n: String(n) },
      fingerprint: `f${n}`,
      state: to === 'pending' ? 'pending' : 'firing',
      value: n,
      threshold: 1,
      activeAt: n,
      firingSince: to === 'pending' ? undefined : n,
    },
  };
}

describe('AlertHistory', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database;
  beforeEach(async () => {
    dir = tempDir('needle-alert-history-');
    db = await Database.open(join(dir.path, 'h.needle'));
  });
  afterEach(async () => {
    await db.close();
    dir.remove();
  });

  it('pages newest first through entries written in one millisecond, without gaps or repeats', async () => {
    const history = new AlertHistory(() => db, { maxAgeDays: 0, maxEntries: 0 });
    // 600 transitions in one commit: one instant, more than the cursor's slack.
    await history.append(Array.from({ length: 600 }, (_, i) => transition('pending', i)));
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = history.page(70, cursor);
      seen.push(...page.entries.map((e) => e.value!));
      if (page.next === null) break;
      cursor = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 600 }, (_, i) => 599 - i));
    expect(() => history.page(10, 'nope')).toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR' }),
    );
  });

  it('filters by rule, finds alerts still firing, and prunes by count', async () => {
    const history = new AlertHistory(() => db, { maxAgeDays: 90, maxEntries: 4 });
    await history.append([transition('pending', 1), transition('firing', 1)]);
    await history.append([
      transition('pending', 2),
      transition('firing', 2),
      transition('resolved', 2),
    ]);
    expect(history.stillFiring(db).map((e) => e.fingerprint)).toEqual(['f1']);
    expect(history.page(10, undefined, 'NeedleOther').entries).toEqual([]);
    expect(history.page(10, undefined, rule.name).entries).toHaveLength(5);
    expect(await history.prune()).toBe(1);
    expect(history.page(10).entries.map((e) => [e.fingerprint, e.transition])).toEqual([
      ['f2', 'resolved'],
      ['f2', 'firing'],
      ['f2', 'pending'],
      ['f1', 'firing'],
    ]);
  });
});
