import { createHash, randomUUID } from 'node:crypto';

import type { AlertEvent } from '@needle/telemetry';

/** The rule name of test notifications. */
export const TEST_RULE = 'NeedleTestNotification';

/**
 * The event of `POST /admin/notifiers/:name/test`: a firing warning with its own
 * fingerprint (so receivers that deduplicate show every test), labelled `needle_test`.
 */
export function testEvent(now = new Date()): AlertEvent {
  const labels = { alertname: TEST_RULE, severity: 'warning', test_id: randomUUID() };
  return {
    status: 'firing',
    rule: TEST_RULE,
    severity: 'warning',
    labels,
    value: 1,
    threshold: 1,
    summary: 'Test notification from Needle',
    description:
      'Sent on request to check that this notifier reaches its receiver. Nothing is wrong.',
    runbook: 'docs/runbooks/alerts.md#test-notifications',
    startsAt: now.toISOString(),
    fingerprint: createHash('sha256')
      .update(JSON.stringify(Object.entries(labels).sort()))
      .digest('hex')
      .slice(0, 16),
  };
}
