/**
 * Shows a caller's value in an error message: numbers, booleans and short strings as they
 * are, anything else by its kind (`an array`, `an object`), never a whole payload.
 */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
    case 'object':
      return 'an object';
    case 'undefined':
    case 'function':
    case 'symbol':
      break;
  }
  return `a ${typeof value}`;
}
