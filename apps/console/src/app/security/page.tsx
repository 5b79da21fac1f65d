import type { Metadata } from 'next';

import { NotBuilt } from '@/components/ui/not-built';

export const metadata: Metadata = { title: 'Security' };

export default function SecurityPage() {
  return (
    <NotBuilt
      title="Security"
      what="Roles, grants, API keys, the audit log and the effective-permission simulator."
    />
  );
}
