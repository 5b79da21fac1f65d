import type { Metadata } from 'next';

import { NotBuilt } from '@/components/ui/not-built';

export const metadata: Metadata = { title: 'Query explain' };

export default function ExplainPage() {
  return (
    <NotBuilt
      title="Query explain"
      what="A search playground with the explain trace of each query and the slow-query log."
    />
  );
}
