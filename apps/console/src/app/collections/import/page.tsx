import type { Metadata } from 'next';
import { Suspense } from 'react';

import { ImportVectors } from '@/components/collections/import-vectors';
import { LoadingState } from '@/components/states/loading-state';

export const metadata: Metadata = { title: 'Import vectors' };

/** `/collections/import/?name=docs`: import a file of vectors into a collection. */
export default function ImportVectorsPage() {
  return (
    // The query string is known only in the browser (static export).
    <Suspense fallback={<LoadingState />}>
      <ImportVectors />
    </Suspense>
  );
}
