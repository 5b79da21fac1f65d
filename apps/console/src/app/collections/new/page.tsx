import type { Metadata } from 'next';

import { CreateCollectionForm } from '@/components/collections/create-collection-form';

export const metadata: Metadata = { title: 'New collection' };

export default function NewCollectionPage() {
  return <CreateCollectionForm />;
}
