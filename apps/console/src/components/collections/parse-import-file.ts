/** One vector read from an import file, with the line (or array position) it came from. */
export interface ImportRecord {
  line: number;
  id: string;
  vector: number[];
  metadata?: Record<string, unknown> | null;
}

/** A line of the file that cannot be imported, and why. */
export interface ImportLineError {
  line: number;
  id?: string;
  message: string;
}

/**
 * Reads an import file: JSON Lines (`{"id","vector","metadata"?}` per line), or one JSON
 * array of such objects (or `{"vectors": [...]}`, what the export route answers). Each entry is
 * checked on its own (an id, a vector of `dimensions` finite numbers, metadata an object), so
 * one bad line is reported by its number and the rest still imports.
 */
export function parseImportFile(
  text: string,
  dimensions: number,
): { records: ImportRecord[]; errors: ImportLineError[] } {
  const records: ImportRecord[] = [];
  const errors: ImportLineError[] = [];
  const trimmed = text.trimStart();
  let entries: { line: number; value: unknown; parseError?: string }[];
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && /^\{\s*"vectors"\s*:/.test(trimmed))) {
    try {
      const parsed: unknown = JSON.parse(text);
      const list: unknown = Array.isArray(parsed)
        ? parsed
        : (parsed as { vectors?: unknown } | null)?.vectors;
      if (!Array.isArray(list)) throw new Error('expected an array of vectors');
      entries = (list as unknown[]).map((value, i) => ({ line: i + 1, value }));
    } catch (err) {
      return {
        records,
        errors: [{ line: 1, message: `not valid JSON: ${String((err as Error).message)}` }],
      };
    }
  } else {
    entries = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === '') return;
      try {
        entries.push({ line: i + 1, value: JSON.parse(raw) as unknown });
      } catch {
        entries.push({ line: i + 1, value: undefined, parseError: 'not valid JSON' });
      }
    });
  }
  for (const entry of entries) {
    if (entry.parseError) {
      errors.push({ line: entry.line, message: entry.parseError });
      continue;
    }
    const problem = check(entry.value, dimensions);
    const id = idOf(entry.value);
    if (problem) errors.push({ line: entry.line, ...(id ? { id } : {}), message: problem });
    else {
      const v = entry.value as {
        id: string;
        vector: number[];
        metadata?: Record<string, unknown> | null;
      };
      records.push({
        line: entry.line,
        id: v.id,
        vector: v.vector,
        ...(v.metadata === undefined ? {} : { metadata: v.metadata }),
      });
    }
  }
  return { records, errors };
}

function idOf(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

function check(value: unknown, dimensions: number): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'expected an object {"id", "vector", "metadata"}';
  const v = value as { id?: unknown; vector?: unknown; metadata?: unknown };
  if (typeof v.id !== 'string' || v.id === '') return '"id" must be a non-empty string';
  if (!Array.isArray(v.vector)) return '"vector" must be an array of numbers';
  if (v.vector.length !== dimensions)
    return `"vector" has ${v.vector.length} numbers; the collection has ${dimensions} dimensions`;
  const bad = v.vector.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) return `"vector"[${bad}] is not a finite number`;
  if (
    v.metadata !== undefined &&
    v.metadata !== null &&
    (typeof v.metadata !== 'object' || Array.isArray(v.metadata))
  )
    return '"metadata" must be an object or null';
  return null;
}
