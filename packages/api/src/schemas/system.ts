import { z } from 'zod';

export const healthResponse = z.object({ status: z.literal('healthy'), version: z.string() });

export const readyResponse = z.object({
  status: z.literal('ready'),
  version: z.string(),
  collections: z.number().int(),
  total_vectors: z.number().int(),
});

export const notReadyResponse = z.object({
  status: z.literal('not_ready'),
  reason: z.string(),
  progress: z.number().nullable(),
  error: z.string(),
  code: z.literal('NOT_READY'),
  help: z.string(),
  request_id: z.string(),
});

export const infoResponse = z.object({
  collections: z.number().int(),
  total_vectors: z.number().int(),
  version: z.string(),
});

export const saveResponse = z.object({ saved: z.literal(true) });

/** The body of every error response. */
export const errorResponse = z
  .object({
    error: z.string().meta({ description: 'What went wrong, in a sentence.' }),
    code: z.string().meta({ description: 'Stable UPPER_SNAKE code.' }),
    help: z.string().meta({ description: 'What to do about it.' }),
    request_id: z.string(),
    limit: z.string().optional().meta({ description: 'The limit that refused the request.' }),
    scope: z.string().optional(),
    current: z.number().optional(),
    threshold: z.number().optional(),
    retry_after: z
      .number()
      .nullable()
      .optional()
      .meta({ description: 'Seconds after which a retry can succeed; null: not as it is.' }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ description: 'Every 4xx and 5xx answer has this body.' });
