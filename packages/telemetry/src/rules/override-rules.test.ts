import { describe, expect, it } from 'vitest';

import { generateArtefacts } from '../generate/artefacts.js';
import { ALERT_RULE_LIST, ALERT_RULES } from './default-rules.js';
import { overrideRules } from './override-rules.js';

describe('overrideRules', () => {
  it('changes only the named rule’s given thresholds and for-duration', () => {
    const rules = overrideRules(ALERT_RULE_LIST, {
      NeedleWalLagHigh: { thresholds: { warning: 1024 }, for: '0s' },
    });
    expect(rules).toHaveLength(ALERT_RULE_LIST.length);
    const wal = rules.find((r) => r.name === 'NeedleWalLagHigh');
    expect(wal).toEqual({
      ...ALERT_RULES.walLag,
      thresholds: { warning: 1024, critical: ALERT_RULES.walLag.thresholds.critical },
      for: '0s',
    });
    for (const [i, rule] of rules.entries()) {
      if (rule.name !== 'NeedleWalLagHigh') expect(rule).toBe(ALERT_RULE_LIST[i]);
    }
    // The defaults are untouched.
    expect(ALERT_RULES.walLag.for).toBe('10m');
  });

  it('reaches the generated Prometheus rules', () => {
    const rules = overrideRules(ALERT_RULE_LIST, {
      NeedleWalLagHigh: { thresholds: { warning: 1024 }, for: '0s' },
    });
    const yaml = generateArtefacts(rules).get('grafana/alerts/needle-rules.yml')!;
    expect(yaml).toContain(`expr: '${ALERT_RULES.walLag.expression} > 1024'`);
    expect(yaml).toContain(
      `expr: '${ALERT_RULES.walLag.expression} > ${String(ALERT_RULES.walLag.thresholds.critical)}'`,
    );
    expect(yaml).toContain("for: '0s'");
  });

  it('refuses a name no rule has', () => {
    expect(() => overrideRules(ALERT_RULE_LIST, { NeedleNoSuchRule: { for: '0s' } })).toThrow(
      /no rule is named NeedleNoSuchRule/,
    );
  });
});

describe('the Alertmanager example with options', () => {
  it('points at the given receivers with the given waits, and is the committed one without', () => {
    const path = 'grafana/alertmanager/alertmanager.example.yml';
    const example = generateArtefacts().get(path)!;
    expect(example).toContain("url: 'http://alert-receiver.example:9099/warning'");
    const custom = generateArtefacts(ALERT_RULE_LIST, undefined, {
      alertmanager: { receiverUrl: 'http://127.0.0.1:4000', groupWait: '1s', groupInterval: '2s' },
    }).get(path)!;
    expect(custom).toContain("url: 'http://127.0.0.1:4000/warning'");
    expect(custom).toContain("url: 'http://127.0.0.1:4000/critical'");
    expect(custom).toContain("group_wait: '1s'");
    expect(custom).toContain("group_interval: '2s'");
    expect(custom).not.toContain('alert-receiver.example');
  });
});
