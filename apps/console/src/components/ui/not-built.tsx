import { EmptyState } from '@/components/states/empty-state';

import { PageHeader } from './page-header';

/** A page of the navigation whose content is not part of this console version yet. */
export function NotBuilt({ title, what }: { title: string; what: string }) {
  return (
    <>
      <PageHeader title={title} />
      <EmptyState title="Not in this version of the console yet">
        <p>{what}</p>
      </EmptyState>
    </>
  );
}
