import type { Metadata } from 'next';

import { NotBuilt } from '@/components/ui/not-built';

export const metadata: Metadata = { title: 'Backups' };

export default function BackupsPage() {
  return (
    <NotBuilt
      title="Backups"
      what="Backup chains, verification and restore drills, and creating and restoring backups."
    />
  );
}
