import { describe, expect, it } from 'vitest';

import {
  ACTIONS,
  BUILT_IN_ROLES,
  PermissionSyntaxError,
  allows,
  formatPermission,
  parsePermission,
  type Action,
} from './permissions.js';

describe('parsePermission', () => {
  it('reads scope and action, with a bare scope meaning every action', () => {
    expect(parsePermission('docs:search')).toEqual({ collections: 'docs', action: 'search' });
    expect(parsePermission('docs')).toEqual({ collections: 'docs', action: '*' });
    expect(parsePermission('logs-*:write')).toEqual({ collections: 'logs-*', action: 'write' });
    expect(formatPermission(parsePermission('*:keys.manage'))).toBe('*:keys.manage');
  });

  it.each([
    ['docs:fly', /action/],
    ['do cs:search', /collections/],
    ['a:b:c', /collections/],
    ['docs:keys.manage', /system action/],
    ['', /collections/],
  ])('refuses %j', (text, help) => {
    try {
      parsePermission(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PermissionSyntaxError);
      expect((err as PermissionSyntaxError).help).toMatch(help);
    }
  });
});

describe('allows', () => {
  it('matches exact names, prefixes and wildcards, and never a system action by collection', () => {
    const p = (t: string) => parsePermission(t);
    expect(allows(p('docs:search'), 'search', 'docs')).toBe(true);
    expect(allows(p('docs:search'), 'search', 'docs2')).toBe(false);
    expect(allows(p('docs:search'), 'write', 'docs')).toBe(false);
    expect(allows(p('logs-*:write'), 'write', 'logs-2026')).toBe(true);
    expect(allows(p('logs-*:write'), 'write', 'log')).toBe(false);
    expect(allows(p('docs'), 'delete', 'docs')).toBe(true);
    expect(allows(p('docs'), 'keys.manage')).toBe(false);
    expect(allows(p('*:keys.manage'), 'keys.manage')).toBe(true);
  });
});

describe('built-in roles', () => {
  const can = (role: keyof typeof BUILT_IN_ROLES, action: Action) =>
    BUILT_IN_ROLES[role].some((t) => allows(parsePermission(t), action, 'docs'));

  it('give reader search and get, writer also insert and delete, admin everything', () => {
    expect(ACTIONS.filter((a) => can('reader', a))).toEqual([
      'search',
      'read',
      'collections.list',
      'metrics.read',
    ]);
    expect(ACTIONS.filter((a) => can('writer', a))).toEqual([
      'search',
      'read',
      'write',
      'delete',
      'collections.list',
      'metrics.read',
    ]);
    expect(ACTIONS.filter((a) => can('admin', a))).toEqual(ACTIONS);
  });
});
