import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { parseRetryAfter } from './deliver.js';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const SECRET = 'whsec-unit-0123456789abcdef';
const BODY = '{"version":"1","status":"firing"}';
const AT = new Date('2026-12-01T10:00:00.000Z');

describe('signWebhook', () => {
  it('is t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>" in hex>', () => {
    const t = AT.getTime() / 1000;
    const hex = createHmac('sha256', SECRET).update(`${t}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, AT)).toBe(`t=${t},v1=${hex}`);
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook(SECRET, BODY, AT);

  it('accepts the signature of the body within the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: AT })).toEqual({
      ok: true,
      timestamp: AT.getTime() / 1000,
    });
  });

  it('refuses another body, another key, a replay and a malformed header', () => {
    const later = new Date(AT.getTime() + 301_000);
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, { now: AT })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature(`${SECRET}x`, header, BODY, { now: AT }).ok).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: later })).toEqual({
      ok: false,
      reason: 'stale',
    });
    for (const bad of [undefined, '', 'v1=abc', 't=abc,v1=00', `t=${AT.getTime() / 1000}`]) {
      expect(verifyWebhookSignature(SECRET, bad, BODY, { now: AT })).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('Tue, 01 Dec 2026 10:00:00 GMT');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
