import Link from 'next/link';

import { EmptyState } from '@/components/states/empty-state';

export default function NotFound() {
  return (
    <EmptyState title="No such page">
      <p>
        <Link href="/">Go to the overview</Link>
      </p>
    </EmptyState>
  );
}
