/** Reads the value at a pre-split dotted path; `undefined` means the field is missing. */
export type PathGetter = (document: unknown) => unknown;

interface Segment {
  readonly key: string;
  /** The array index this segment names, or -1 when it is not a canonical index. */
  readonly index: number;
  /** The key also exists on `Object.prototype` (`constructor`, `__proto__`...). */
  readonly inherited: boolean;
}

const CANONICAL_INDEX = /^(?:0|[1-9][0-9]{0,8})$/;

/**
 * Turns a dotted path (`a.b`, `tags.0`) into a getter, split once so evaluation only walks.
 * A segment reads an object's own property; on an array it must be a canonical index
 * (`0`, `12`, not `01`), any other segment of an array (`tags.length`, `items.name`) is
 * missing. Scalars have no fields. The path must be non-empty without empty segments
 * (`compileFilter` checks that).
 *
 * @example
 * ```ts
 * compilePath('a.0.b')({ a: [{ b: 1 }] }); // 1
 * ```
 */
export function compilePath(path: string): PathGetter {
  const segments = path.split('.').map(toSegment);
  const [first, second] = segments;
  if (first !== undefined && segments.length === 1) {
    return (document) => step(document, first);
  }
  if (first !== undefined && second !== undefined && segments.length === 2) {
    return (document) => step(step(document, first), second);
  }
  return (document) => {
    let value = document;
    for (let i = 0; i < segments.length && value !== undefined; i++) {
      value = step(value, segments[i] as Segment);
    }
    return value;
  };
}

function toSegment(key: string): Segment {
  return {
    key,
    index: CANONICAL_INDEX.test(key) ? Number(key) : -1,
    inherited: key in Object.prototype,
  };
}

function step(value: unknown, segment: Segment): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) return segment.index >= 0 ? value[segment.index] : undefined;
  // Metadata is plain JSON, so only keys shadowing Object.prototype need the slower own check.
  if (segment.inherited && !Object.hasOwn(value, segment.key)) return undefined;
  return (value as Record<string, unknown>)[segment.key];
}
