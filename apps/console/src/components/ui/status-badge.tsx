import type { ReactNode } from 'react';

import styles from './status-badge.module.css';

/** A short state word in a pill: good (`ok`), bad, or neither. The text carries the meaning. */
export function StatusBadge({
  tone,
  children,
}: {
  tone: 'ok' | 'bad' | 'neutral';
  children: ReactNode;
}) {
  return <span className={`${styles.badge} ${styles[tone]}`}>{children}</span>;
}
