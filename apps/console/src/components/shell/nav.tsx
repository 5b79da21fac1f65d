'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

import { useGrants } from '@/lib/auth/auth-provider';

import { isCurrent, visibleNavItems } from './nav-items';
import styles from './shell.module.css';

/** The page list: only the pages the principal may use, the current one marked. */
export function Nav() {
  const pathname = usePathname();
  const items = visibleNavItems(useGrants());
  return (
    <nav aria-label="Main" className={styles.nav}>
      <ul>
        {items.map((item) => {
          const current = isCurrent(item.href, pathname);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                className={styles.navLink}
                aria-current={current ? 'page' : undefined}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
