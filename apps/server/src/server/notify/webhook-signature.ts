import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying a webhook's signature. */
export const SIGNATURE_HEADER = 'X-Needle-Signature';

/**
 * The `X-Needle-Signature` value of a webhook body: `t=<unix seconds>,v1=<hex>`, where `v1`
 * is the HMAC-SHA256, keyed with the notifier's secret, of `<t>.<body>` (the timestamp, a
 * dot, and the raw body bytes). Signing the time with the body lets a receiver refuse a
 * replayed request: it checks the signature and that `t` is recent.
 *
 * @example
 * ```ts
 * signWebhook('s3cret-0123456789ab', '{"status":"firing"}', new Date());
 * // 't=1764590400,v1=5b7c…'
 * ```
 */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** Why a signature was refused, or that it holds. */
export type SignatureCheck =
  { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'mismatch' | 'stale' };

/**
 * What a receiver does with `X-Needle-Signature` (docs/adr/0019): parse `t` and every `v1`,
 * recompute the HMAC over `<t>.<raw body>`, compare in constant time, and refuse a `t` more
 * than `toleranceSeconds` away from now (a replay).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string?]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const candidates = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!Number.isInteger(t) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const matches = candidates.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return { ok: false, reason: 'mismatch' };
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale' };
  return { ok: true, timestamp: t };
}
