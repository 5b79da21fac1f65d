import { useState } from 'react';

/** What {@link useConfirmedMutation} needs of a TanStack mutation. */
interface Mutation<V> {
  isPending: boolean;
  reset(): void;
  mutate(variables: V, options: { onSuccess: () => void }): void;
}

/**
 * A mutation run on one item after the user confirms it in a `ConfirmDialog`: `ask(item)`
 * clears the previous attempt's error and opens the dialog; `dialog` holds the dialog's
 * `open`, `busy`, `onCancel` and `onConfirm`, which runs the mutation on `variables(item)`
 * and closes the dialog once it succeeds (on failure it stays open with the error).
 *
 * @example
 * const confirm = useConfirmedMutation(useDeleteRole(), (role: Role) => ({ role: role.name }));
 * <button onClick={() => confirm.ask(role)}>Delete…</button>
 * <ConfirmDialog {...confirm.dialog} title={`Delete ${confirm.target?.name}?`} … />
 */
export function useConfirmedMutation<T, V>(mutation: Mutation<V>, variables: (item: T) => V) {
  const [target, setTarget] = useState<T | null>(null);
  return {
    /** The item waiting for confirmation, or null when the dialog is closed. */
    target,
    ask: (item: T) => {
      mutation.reset();
      setTarget(item);
    },
    dialog: {
      open: target !== null,
      busy: mutation.isPending,
      onCancel: () => setTarget(null),
      onConfirm: () => {
        if (target !== null)
          mutation.mutate(variables(target), { onSuccess: () => setTarget(null) });
      },
    },
  };
}
