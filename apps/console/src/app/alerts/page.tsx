import type { Metadata } from 'next';

import { NotBuilt } from '@/components/ui/not-built';

export const metadata: Metadata = { title: 'Alerts' };

export default function AlertsPage() {
  return (
    <NotBuilt
      title="Alerts"
      what="Alert rules and thresholds, their state and history, and the notifiers."
    />
  );
}
