import type { Metadata } from 'next';

import { CapacityPlanner } from '@/components/collections/capacity-planner';

export const metadata: Metadata = { title: 'Capacity planner' };

/** `/collections/planner/`: index settings, memory and a 12-month projection for a plan. */
export default function CapacityPlannerPage() {
  return <CapacityPlanner />;
}
