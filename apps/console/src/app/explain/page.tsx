import type { Metadata } from 'next';
import { Suspense } from 'react';

import { ExplainView } from '@/components/explain/explain-view';
import { LoadingState } from '@/components/states/loading-state';

export const metadata: Metadata = { title: 'Query explain' };

/**
 * `/explain/`: the search playground and the slow-query log
 * (`?tab=slow&collection=&from=&to=`).
 */
export default function ExplainPage() {
  return (
    // The query string is known only in the browser (static export).
    <Suspense fallback={<LoadingState />}>
      <ExplainView />
    </Suspense>
  );
}
