import { z } from 'zod';

/**
 * How long backups are kept. A backup expires when it is older than `maxAgeMs` or is not
 * among the newest `maxCount`; the newest `minCount` never expire. Whatever the rules say,
 * a backup that a kept backup builds on (its parent, the parent's parent... down to the full
 * backup) is kept too: retention never breaks a chain it keeps.
 */
export const retentionPolicySchema = z
  .object({
    maxAgeMs: z.number().int().positive().optional(),
    maxCount: z.number().int().positive().optional(),
    minCount: z.number().int().min(1).default(1),
  })
  .strict();

/** What a caller writes as a retention policy. */
export type RetentionPolicy = z.input<typeof retentionPolicySchema>;

/** The links of a backup that retention looks at. */
export interface RetentionItem {
  id: string;
  parentId: string | null;
  createdAt: number;
}

/** What a retention policy decides, with the reason for every backup it keeps. */
export interface RetentionPlan {
  keep: { id: string; reason: 'policy' | 'min-count' | 'pinned' | 'chain' }[];
  remove: string[];
}

/**
 * Decides which backups a policy keeps and which go; `pinned` backups are kept whatever the
 * policy says (the backup the database's next incremental builds on). Pure: the caller deletes.
 *
 * @example
 * ```ts
 * planRetention(backups, { maxAgeMs: 30 * 86_400_000, maxCount: 60 }, Date.now());
 * ```
 */
export function planRetention(
  items: readonly RetentionItem[],
  policy: RetentionPolicy,
  now: number,
  pinned: readonly string[] = [],
): RetentionPlan {
  const { maxAgeMs, maxCount, minCount } = retentionPolicySchema.parse(policy);
  const newestFirst = [...items].sort(
    (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
  const byId = new Map(items.map((i) => [i.id, i]));
  const reasons = new Map<string, RetentionPlan['keep'][number]['reason']>();
  newestFirst.forEach((item, rank) => {
    const expired =
      (maxAgeMs !== undefined && now - item.createdAt > maxAgeMs) ||
      (maxCount !== undefined && rank >= maxCount);
    if (rank < minCount) reasons.set(item.id, 'min-count');
    else if (!expired) reasons.set(item.id, 'policy');
    else if (pinned.includes(item.id)) reasons.set(item.id, 'pinned');
  });
  for (const id of [...reasons.keys()]) {
    for (let parent = byId.get(id)?.parentId; parent; parent = byId.get(parent)?.parentId) {
      if (reasons.has(parent)) break;
      if (byId.has(parent)) reasons.set(parent, 'chain');
    }
  }
  return {
    keep: newestFirst
      .filter((i) => reasons.has(i.id))
      .map((i) => ({ id: i.id, reason: reasons.get(i.id)! })),
    remove: newestFirst.filter((i) => !reasons.has(i.id)).map((i) => i.id),
  };
}

/** The backups that build on `id`, directly or through others. */
export function dependentsOf(items: readonly RetentionItem[], id: string): string[] {
  const children = new Map<string, string[]>();
  for (const item of items) {
    if (item.parentId === null) continue;
    const list = children.get(item.parentId) ?? [];
    list.push(item.id);
    children.set(item.parentId, list);
  }
  const out: string[] = [];
  const stack = [...(children.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    out.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return out;
}
