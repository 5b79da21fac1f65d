'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type KeyboardEvent, useRef } from 'react';

import { PageHeader } from '@/components/ui/page-header';
import { useGrants } from '@/lib/auth/auth-provider';

import './explain.css';
import { SearchPlayground } from './search-playground';
import { SlowQueryLog } from './slow-query-log';
import { type SlowLogWindow, windowFromParams, windowParams } from './slow-query-window';

type Tab = 'playground' | 'slow';

/**
 * `/explain/`: the search playground and the slow-query log, as two tabs. The query string
 * picks the tab (`?tab=slow`) and the log's window (`?collection=&from=&to=`, what an alert
 * links to: times alone open the log).
 */
export function ExplainView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const grants = useGrants();
  const canSearch = grants.canSomewhere('search');
  const canReadLog = grants.can('metrics.read');
  const asked = params.get('tab');
  const linkedWindow = params.has('from') || params.has('to');
  let tab: Tab = asked === 'slow' || (asked === null && linkedWindow) ? 'slow' : 'playground';
  if (tab === 'slow' && !canReadLog) tab = 'playground';
  if (tab === 'playground' && !canSearch && canReadLog) tab = 'slow';
  const tabs: { key: Tab; label: string }[] = [
    ...(canSearch ? [{ key: 'playground' as const, label: 'Search playground' }] : []),
    ...(canReadLog ? [{ key: 'slow' as const, label: 'Slow-query log' }] : []),
  ];
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});

  function go(next: Record<string, string>) {
    router.replace(`${pathname}?${new URLSearchParams(next).toString()}`, { scroll: false });
  }
  function select(key: Tab) {
    const window = windowFromParams(params);
    go(key === 'slow' ? { tab: 'slow', ...windowParams(window) } : { tab: 'playground' });
  }
  function onWindow(next: SlowLogWindow) {
    go({ tab: 'slow', ...windowParams(next) });
  }
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  function onTabKey(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const at = tabs.findIndex((t) => t.key === tab);
    const next = tabs[(at + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    select(next.key);
    refs.current[next.key]?.focus();
  }

  return (
    <>
      <PageHeader
        title="Query explain"
        description="Run a search and see how the engine answered it; find the slow ones."
      />
      <div className="tabs" role="tablist" aria-label="Query explain">
        {tabs.map((t) => (
          <button
            key={t.key}
            ref={(el) => {
              refs.current[t.key] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls={`panel-${t.key}`}
            tabIndex={tab === t.key ? 0 : -1}
            className="tab"
            onClick={() => select(t.key)}
            onKeyDown={onTabKey}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="stack">
        {tab === 'playground' ? (
          <SearchPlayground initialCollection={params.get('collection') ?? ''} />
        ) : (
          <SlowQueryLog window={windowFromParams(params)} onWindow={onWindow} />
        )}
      </div>
    </>
  );
}
