'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';

import { LoadingState } from '@/components/states/loading-state';
import { useAuth } from '@/lib/auth/auth-provider';

import { Nav } from './nav';
import { SessionMenu } from './session-menu';
import styles from './shell.module.css';
import { SignInForm } from './sign-in-form';
import { ThemeToggle } from './theme-toggle';

/**
 * The frame of every page: a skip link, the header (name, session, theme), the navigation
 * and the page. Until the server has said who the tab is signed in as, the page waits; when
 * nobody is, the sign-in form takes its place, so every page's URL can be opened directly.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skipLink}>
        Skip to content
      </a>
      <header className={styles.header}>
        <Link href="/" className={styles.brand}>
          Needle <span className={styles.brandSub}>console</span>
        </Link>
        <div className={styles.headerEnd}>
          {state.status === 'signed-in' && <SessionMenu />}
          <ThemeToggle />
        </div>
      </header>
      <div className={styles.body}>
        {state.status === 'signed-in' && <Nav />}
        <main id="main" tabIndex={-1} className={styles.main}>
          {state.status === 'checking' && <LoadingState label="Connecting to the server" />}
          {state.status === 'signed-out' && <SignInForm error={state.error} />}
          {state.status === 'signed-in' && children}
        </main>
      </div>
    </div>
  );
}
