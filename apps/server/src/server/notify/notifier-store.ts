import { ApiError, notifierDefinition } from '@needle/api';
import type { NotifierDefinition, StoredNotifier } from '@needle/api';
import type { Database, SystemRecords } from '@needle/engine';
import { z } from 'zod';

/** The system record set holding the notifiers, secrets included. */
export const NOTIFIER_RECORDS = 'alert-notifiers';

const storedSchema = z.object({
  definition: notifierDefinition,
  source: z.enum(['api', 'config']),
  createdAt: z.number(),
});

/**
 * The notifiers, kept in the database (`db.system.records`): the file is encrypted at rest
 * when the database is, and backups carry the notifiers with the rest of the configuration.
 * Secrets are stored as given, since they must be sent; the API never shows them.
 */
export class NotifierStore {
  readonly #records: SystemRecords<z.output<typeof storedSchema>>;

  constructor(db: Database) {
    this.#records = db.system.records(NOTIFIER_RECORDS, storedSchema);
  }

  list(): StoredNotifier[] {
    return this.#records
      .list()
      .map((r) => stored(r.value, r.updatedAt))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): StoredNotifier | undefined {
    return this.list().find((n) => n.name === name);
  }

  async create(definition: NotifierDefinition): Promise<StoredNotifier> {
    if (this.#records.get(definition.name) !== undefined) {
      throw new ApiError(
        409,
        'NOTIFIER_EXISTS',
        `a notifier named "${definition.name}" exists already`,
        `Change it with POST /v1/admin/notifiers/${definition.name}, or choose another name.`,
      );
    }
    return this.#put(definition, 'api', Date.now());
  }

  async replace(definition: NotifierDefinition): Promise<StoredNotifier> {
    const current = this.#records.get(definition.name);
    if (current === undefined) {
      throw new ApiError(
        404,
        'NOTIFIER_NOT_FOUND',
        `no notifier is named "${definition.name}"`,
        'GET /v1/admin/notifiers lists the notifiers.',
      );
    }
    return this.#put(definition, current.source, current.createdAt);
  }

  /** Writes a notifier of the config file, replacing one of the same name. */
  async seed(definition: NotifierDefinition): Promise<void> {
    const current = this.#records.get(definition.name);
    await this.#put(definition, 'config', current?.createdAt ?? Date.now());
  }

  delete(name: string): Promise<boolean> {
    return this.#records.delete(name);
  }

  async #put(
    definition: NotifierDefinition,
    source: 'api' | 'config',
    createdAt: number,
  ): Promise<StoredNotifier> {
    await this.#records.put(definition.name, { definition, source, createdAt });
    return stored({ definition, source, createdAt }, Date.now());
  }
}

function stored(value: z.output<typeof storedSchema>, updatedAt: number): StoredNotifier {
  return { ...value.definition, source: value.source, createdAt: value.createdAt, updatedAt };
}
