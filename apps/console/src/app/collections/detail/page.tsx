import type { Metadata } from 'next';
import { Suspense } from 'react';

import { CollectionDetail } from '@/components/collections/collection-detail';
import { LoadingState } from '@/components/states/loading-state';

export const metadata: Metadata = { title: 'Collection' };

/** `/collections/detail/?name=docs`: the collection is named in the query string. */
export default function CollectionDetailPage() {
  return (
    // The query string is known only in the browser (static export).
    <Suspense fallback={<LoadingState />}>
      <CollectionDetail />
    </Suspense>
  );
}
