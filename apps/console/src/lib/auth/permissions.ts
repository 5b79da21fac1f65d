import {
  type Action,
  type Permission,
  allows,
  parsePermission,
} from '@needle/security/permissions';

/**
 * What the signed-in principal may do, from the permissions `whoami` answered
 * (`docs:search`, `*:*`...), with the server's own matching rules. The UI only hides what
 * would be refused; the server decides regardless.
 */
export class Grants {
  readonly #permissions: readonly Permission[];

  constructor(permissions: readonly string[]) {
    this.#permissions = permissions.flatMap((text) => {
      try {
        return [parsePermission(text)];
      } catch {
        return [];
      }
    });
  }

  /**
   * True when `action` is allowed on `collection`; without a collection, on every
   * collection (what system actions and creating a collection need).
   */
  can(action: Action, collection?: string): boolean {
    return this.#permissions.some((p) => allows(p, action, collection));
  }

  /** True when `action` is allowed on at least some collections. */
  canSomewhere(action: Action): boolean {
    return this.#permissions.some((p) => p.action === '*' || p.action === action);
  }
}
