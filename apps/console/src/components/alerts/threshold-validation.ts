/** What the threshold form says about one field, or undefined when it is fine. */
export interface ThresholdErrors {
  warning?: string;
  critical?: string;
}

/**
 * The server's checks of new thresholds (`checkThresholds` in the server), before sending:
 * both finite numbers, and the warning less severe than the critical one — below it for a
 * rule firing on `>`, above it for one firing on `<`.
 */
export function validateThresholds(
  comparison: '>' | '<',
  warningText: string,
  criticalText: string,
): { errors: ThresholdErrors; value?: { warning: number; critical: number } } {
  const errors: ThresholdErrors = {};
  const warning = parseNumber(warningText);
  const critical = parseNumber(criticalText);
  if (warning === undefined) errors.warning = 'Give a finite number.';
  if (critical === undefined) errors.critical = 'Give a finite number.';
  if (warning === undefined || critical === undefined) return { errors };
  const ordered = comparison === '>' ? warning < critical : warning > critical;
  if (!ordered) {
    errors.warning =
      comparison === '>'
        ? `This rule fires above its thresholds: the warning must be below the critical one (${String(critical)}).`
        : `This rule fires below its thresholds: the warning must be above the critical one (${String(critical)}).`;
    return { errors };
  }
  return { errors, value: { warning, critical } };
}

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}
