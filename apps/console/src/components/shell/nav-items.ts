import type { Action } from '@needle/security/permissions';

import type { Grants } from '@/lib/auth/permissions';

/** One page of the console's navigation. */
export interface NavItem {
  href: string;
  label: string;
  /** Shown only to principals allowed this (somewhere, for collection actions), or any of these. */
  requires: Action | readonly Action[];
}

/** The console's pages, in the order the navigation lists them. Add a page here. */
export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview', requires: 'collections.list' },
  { href: '/collections/', label: 'Collections', requires: 'collections.list' },
  { href: '/explain/', label: 'Query explain', requires: 'search' },
  { href: '/alerts/', label: 'Alerts', requires: 'metrics.read' },
  { href: '/backups/', label: 'Backups', requires: 'backups.manage' },
  {
    href: '/security/',
    label: 'Security',
    requires: ['roles.manage', 'keys.manage', 'audit.read'],
  },
];

/** The items the principal may use. */
export function visibleNavItems(grants: Grants): NavItem[] {
  return NAV_ITEMS.filter((item) =>
    (typeof item.requires === 'string' ? [item.requires] : item.requires).some((action) =>
      grants.canSomewhere(action),
    ),
  );
}

/** True when `pathname` (without the base path) is `href`'s page or below it. */
export function isCurrent(href: string, pathname: string): boolean {
  const path = pathname.endsWith('/') ? pathname : `${pathname}/`;
  return href === '/' ? path === '/' : path.startsWith(href);
}
