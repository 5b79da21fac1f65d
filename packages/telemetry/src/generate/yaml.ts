/** Plain data a YAML document holds. */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | YamlObject;
/** A YAML mapping, keys in insertion order. */
export interface YamlObject {
  readonly [key: string]: YamlValue | undefined;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Single quotes (as the repository's Prettier style has it) unless double ones read better. */
function quote(s: string): string {
  if (CONTROL.test(s) || (s.includes("'") && !s.includes('"'))) return JSON.stringify(s);
  return `'${s.replaceAll("'", "''")}'`;
}

function scalar(value: string | number | boolean | null): string {
  if (typeof value === 'string') return quote(value);
  if (value === null) return 'null';
  return String(value);
}

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : quote(k);
}

function isEmpty(v: YamlValue): boolean {
  return Array.isArray(v)
    ? v.length === 0
    : typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value as readonly YamlValue[]) {
      if (typeof item === 'object' && item !== null && !isEmpty(item)) {
        const inner = lines(item, `${indent}  `);
        out.push(`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
      } else {
        out.push(`${indent}- ${emptyOrScalar(item)}`);
      }
    }
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: string[] = [];
    for (const [k, v] of Object.entries(value as YamlObject)) {
      if (v === undefined) continue;
      if (typeof v === 'object' && v !== null && !isEmpty(v)) {
        out.push(`${indent}${key(k)}:`, ...lines(v, `${indent}  `));
      } else {
        out.push(`${indent}${key(k)}: ${emptyOrScalar(v)}`);
      }
    }
    return out;
  }
  return [`${indent}${scalar(value)}`];
}

function emptyOrScalar(v: YamlValue): string {
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object' && v !== null) return '{}';
  return scalar(v);
}

/**
 * Writes plain data as block-style YAML. Strings are always quoted, so no value is ever read
 * back as another type: single-quoted, or double-quoted with JSON escapes (valid YAML) when
 * they hold control characters or single quotes only.
 */
export function toYaml(value: YamlObject, header?: string): string {
  const comment = header === undefined ? [] : header.split('\n').map((l) => `# ${l}`.trimEnd());
  return `${[...comment, ...lines(value, '')].join('\n')}\n`;
}
