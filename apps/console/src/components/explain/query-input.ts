import { validateFilter } from '@needle/engine/filter';

/** A parsed field of the playground: its value, or what to fix in it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; help?: string };

/**
 * The query vector typed or pasted as a JSON array: numbers only, all finite, as many as the
 * collection's dimensions.
 */
export function parseVector(text: string, dimensions: number | undefined): Parsed<number[]> {
  if (text.trim() === '') {
    return { ok: false, error: 'Paste a vector (a JSON array of numbers) or pick a stored one.' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { ok: false, error: 'Expected a JSON array of numbers.' };
  const bad = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad !== -1) {
    return {
      ok: false,
      error: `Element ${bad} is not a finite number: ${JSON.stringify(value[bad])}.`,
    };
  }
  if (dimensions !== undefined && value.length !== dimensions) {
    return {
      ok: false,
      error: `The collection has ${dimensions} dimensions; this vector has ${value.length}.`,
    };
  }
  return { ok: true, value: value as number[] };
}

/**
 * The filter typed as JSON, checked with the engine's own filter compiler (the rules the
 * server applies: operators, operand types, paths, nesting and term limits). Empty means
 * no filter.
 */
export function parseFilter(text: string): Parsed<Record<string, unknown> | null> {
  if (text.trim() === '') return { ok: true, value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      error: `Not JSON: ${(err as Error).message}`,
      help: 'Write the filter as JSON: quote keys and operators, e.g. {"year": {"$gte": 2020}}.',
    };
  }
  const checked = validateFilter(value);
  if (!checked.ok) return { ok: false, error: checked.message, help: checked.help };
  return { ok: true, value: value as Record<string, unknown> };
}

/** An optional positive integer field (k, ef_search) in 1..max; empty gives `fallback`. */
export function parseCount(
  text: string,
  name: string,
  max: number,
  fallback: number | undefined,
): Parsed<number | undefined> {
  if (text.trim() === '') return { ok: true, value: fallback };
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    return { ok: false, error: `${name} must be a whole number from 1 to ${max}.` };
  }
  return { ok: true, value: n };
}
