import { z } from 'zod';

/** A snapshot name: 1 to 128 letters, digits, `_`, `-` or `.`. */
export const snapshotName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'use 1 to 128 letters, digits, "_", "-" or "."')
  .refine((name) => name !== '.' && name !== '..', 'is not a name')
  .meta({ description: 'Snapshot name: 1 to 128 letters, digits, "_", "-" or ".".' });

/** Path parameters of routes under `/collections/{name}/snapshots/{snapshot}`. */
export const snapshotParams = z.object({ name: z.string(), snapshot: z.string() });

export const listSnapshotsResponse = z.object({
  snapshots: z.array(
    z.object({
      name: z.string(),
      created_at: z.string().meta({ description: 'ISO 8601 time it was taken.' }),
      count: z.number().int(),
      bytes: z.number().int(),
    }),
  ),
});

/** `POST /collections/{name}/snapshots`; without a name, one is made from the time. */
export const createSnapshotBody = z.object({ name: snapshotName.optional() });
export const createSnapshotResponse = z.object({
  created: z.literal(true),
  name: z.string(),
  count: z.number().int(),
  created_at: z.string(),
});

export const restoreSnapshotResponse = z.object({
  restored: z.literal(true),
  count: z.number().int().meta({ description: 'Vectors the collection holds now.' }),
});

export const deleteSnapshotResponse = z.object({ deleted: z.string() });
