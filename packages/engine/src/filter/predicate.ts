/** A compiled test of one value (a document or a field's value; `undefined` is missing). */
export type Predicate = (value: unknown) => boolean;

const always: Predicate = () => true;

/**
 * The conjunction of `parts`, specialised by count so the common one- and two-part cases
 * make no loop; no parts is always true.
 */
export function allOf(parts: readonly Predicate[]): Predicate {
  const [a, b, c] = parts;
  if (a === undefined) return always;
  if (b === undefined) return a;
  if (c === undefined) return (value) => a(value) && b(value);
  return (value) => {
    for (let i = 0; i < parts.length; i++) {
      if (!(parts[i] as Predicate)(value)) return false;
    }
    return true;
  };
}

/** The disjunction of `parts` (never empty: `compileFilter` rejects an empty `$or`). */
export function anyOf(parts: readonly Predicate[]): Predicate {
  const [a, b, c] = parts;
  if (a === undefined) return () => false;
  if (b === undefined) return a;
  if (c === undefined) return (value) => a(value) || b(value);
  return (value) => {
    for (let i = 0; i < parts.length; i++) {
      if ((parts[i] as Predicate)(value)) return true;
    }
    return false;
  };
}
