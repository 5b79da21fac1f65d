import type { z } from 'zod';

import { EngineError } from './errors.js';

/** Parses with zod and turns a failure into an `INVALID_INPUT` EngineError naming the field. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new EngineError(
    'INVALID_INPUT',
    `invalid ${what}: ${path}: ${issue?.message ?? 'invalid value'}`,
    {
      help: `Fix the field "${path}" of the ${what}.`,
      details: {
        path,
        issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
      cause: result.error,
    },
  );
}
