import type { z } from 'zod';

import { parseInput } from '../errors/parse-input.js';

/** A Standard Schema (the interface tRPC reads input parsers through), typed by a zod schema. */
export interface ApiInput<I, O> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => { readonly value: O; readonly issues?: undefined };
    readonly types?: { readonly input: I; readonly output: O };
  };
}

/**
 * A tRPC input parser that validates with a zod schema exactly as the REST routes do: a bad
 * field is an `ApiError` with the same code (`INVALID_K`, `MISSING_FILTER`...) and message,
 * while the procedure's input type is still the schema's.
 */
export function apiInput<S extends z.ZodType>(
  schema: S,
  fieldCodes?: Readonly<Record<string, string>>,
): ApiInput<z.input<S>, z.output<S>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'needle',
      validate: (value) => ({ value: parseInput(schema, value ?? {}, 'body', fieldCodes) }),
    },
  };
}
