'use client';

import { useTheme } from 'next-themes';
import { useSyncExternalStore } from 'react';

const subscribeNever = () => () => undefined;

/**
 * Switches between the light and dark themes. The choice is remembered (localStorage); until
 * one is made the system's preference applies.
 */
export function ThemeToggle() {
  const { resolvedTheme, setTheme } = useTheme();
  // The theme is known only in the browser: render a neutral label until hydrated.
  const hydrated = useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
  const dark = hydrated && resolvedTheme === 'dark';
  return (
    <button
      type="button"
      className="button ghost"
      onClick={() => setTheme(dark ? 'light' : 'dark')}
      aria-label={hydrated ? `Switch to ${dark ? 'light' : 'dark'} theme` : 'Switch theme'}
      aria-pressed={hydrated ? dark : undefined}
    >
      {dark ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
