'use client';

import { type FormEvent, useEffect, useEffectEvent, useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { LoadingState } from '@/components/states/loading-state';
import {
  type SearchOutput,
  useCollectionChoices,
  useCollectionSettings,
  useExplainedSearch,
  useFetchVector,
  useStoredIds,
} from '@/data/explain';
import { Field } from '@/components/ui/field';
import { toApiErrorInfo } from '@/lib/api-error';
import { useGrants } from '@/lib/auth/auth-provider';

import { ExplainTrace } from './explain-trace';
import { parseCount, parseFilter, parseVector } from './query-input';

const FILTER_EXAMPLE = '{"lang": "en", "year": {"$gte": 2020}}';

/**
 * The search playground: a collection, a query vector (pasted, or a stored one by id or at
 * random), k, ef_search and a filter checked as the engine checks it; runs an explained
 * search (button or Ctrl/Cmd+Enter) and shows the results and the explain trace.
 */
export function SearchPlayground({ initialCollection }: { initialCollection: string }) {
  const grants = useGrants();
  const choices = useCollectionChoices();
  const [collection, setCollection] = useState(initialCollection);
  const names = choices.data?.collections.map((c) => c.name) ?? [];
  const searchable = names.filter((name) => grants.can('search', name));

  if (choices.isPending) return <LoadingState label="Loading collections" />;
  if (choices.error) {
    return (
      <ApiErrorView error={toApiErrorInfo(choices.error)} onRetry={() => void choices.refetch()} />
    );
  }
  // The named collection when it can be searched, else the first that can.
  const current = searchable.includes(collection) ? collection : searchable[0];
  if (current === undefined) {
    return (
      <EmptyState title="No collection to search">
        <p>Create a collection and insert vectors, or ask for the search permission on one.</p>
      </EmptyState>
    );
  }
  return (
    <PlaygroundForm
      key={current}
      collections={searchable}
      collection={current}
      onCollection={setCollection}
    />
  );
}

function PlaygroundForm({
  collections,
  collection,
  onCollection,
}: {
  collections: string[];
  collection: string;
  onCollection: (name: string) => void;
}) {
  const grants = useGrants();
  const canRead = grants.can('read', collection);
  const settings = useCollectionSettings(collection);
  const ids = useStoredIds(collection, canRead);
  const fetchVector = useFetchVector();
  const search = useExplainedSearch();

  const [vectorText, setVectorText] = useState('');
  const [storedId, setStoredId] = useState('');
  const [kText, setKText] = useState('10');
  const [efText, setEfText] = useState('');
  const [filterText, setFilterText] = useState('');
  const [showMetadata, setShowMetadata] = useState(true);
  const [tried, setTried] = useState(false);

  const dimensions = settings.data?.dimensions;
  const vector = parseVector(vectorText, dimensions);
  const filter = parseFilter(filterText);
  const k = parseCount(kText, 'k', 10_000, 10);
  const ef = parseCount(efText, 'ef_search', 10_000, undefined);

  function pickStored(id: string) {
    if (id === '') return;
    setStoredId(id);
    fetchVector.mutate(
      { collection, id },
      { onSuccess: (v) => setVectorText(JSON.stringify(v.vector)) },
    );
  }

  function pickRandom() {
    const list = ids.data?.ids ?? [];
    if (list.length === 0) return;
    pickStored(list[Math.floor(Math.random() * list.length)]!);
  }

  function run(event?: FormEvent) {
    event?.preventDefault();
    setTried(true);
    if (!vector.ok || !k.ok || !ef.ok) return;
    // A filter the engine would refuse is still sent when it is JSON: the server's answer
    // is the authority, and it comes back with its code and help.
    let sentFilter: Record<string, unknown> | null;
    if (filter.ok) sentFilter = filter.value;
    else {
      try {
        sentFilter = JSON.parse(filterText) as Record<string, unknown>;
      } catch {
        return;
      }
    }
    search.mutate({
      collection,
      vector: vector.value,
      k: k.value ?? 10,
      ...(ef.value !== undefined ? { ef_search: ef.value } : {}),
      ...(sentFilter !== null ? { filter: sentFilter } : {}),
      include_vectors: false,
      explain: true,
    });
  }

  // Ctrl/Cmd+Enter runs the search from anywhere on the page.
  const onShortcut = useEffectEvent(() => run());
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        onShortcut();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const vectorError = vector.ok || (!tried && vectorText === '') ? undefined : vector.error;
  return (
    <>
      <form className="card playground" noValidate onSubmit={run}>
        <div className="playground-grid">
          <Field id="pg-collection" label="Collection">
            {(props) => (
              <select {...props} value={collection} onChange={(e) => onCollection(e.target.value)}>
                {collections.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="pg-k" label="k" error={k.ok ? undefined : k.error} hint="Results wanted.">
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={kText}
                onChange={(e) => setKText(e.target.value)}
              />
            )}
          </Field>
          <Field
            id="pg-ef"
            label="ef_search"
            error={ef.ok ? undefined : ef.error}
            hint={`Empty: the collection's (${settings.data?.index.ef_search ?? '…'}).`}
          >
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={efText}
                onChange={(e) => setEfText(e.target.value)}
              />
            )}
          </Field>
          <div className="field">
            <span className="field-label">Results</span>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={showMetadata}
                onChange={(e) => setShowMetadata(e.target.checked)}
              />{' '}
              Show metadata
            </label>
          </div>
        </div>

        {canRead && (
          <fieldset className="field-row stored-vector">
            <legend>Use a stored vector as the query</legend>
            <Field id="pg-stored-id" label="Vector id">
              {(props) => (
                <input
                  {...props}
                  list="pg-stored-ids"
                  value={storedId}
                  onChange={(e) => setStoredId(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
                      e.preventDefault();
                      pickStored(storedId.trim());
                    }
                  }}
                />
              )}
            </Field>
            <datalist id="pg-stored-ids">
              {ids.data?.ids.map((id) => (
                <option key={id} value={id} />
              ))}
            </datalist>
            <div className="actions stored-actions">
              <button
                type="button"
                className="button"
                disabled={storedId.trim() === '' || fetchVector.isPending}
                onClick={() => pickStored(storedId.trim())}
              >
                Use this vector
              </button>
              <button
                type="button"
                className="button"
                disabled={(ids.data?.ids.length ?? 0) === 0 || fetchVector.isPending}
                onClick={pickRandom}
              >
                Random stored vector
              </button>
            </div>
            {fetchVector.error && (
              <ApiErrorView
                error={toApiErrorInfo(fetchVector.error)}
                title="Could not read the vector"
              />
            )}
          </fieldset>
        )}

        <Field
          id="pg-vector"
          label="Query vector"
          error={vectorError}
          hint={`A JSON array of ${dimensions ?? '…'} numbers.`}
        >
          {(props) => (
            <textarea
              {...props}
              rows={3}
              spellCheck={false}
              className="mono"
              value={vectorText}
              placeholder={
                dimensions
                  ? `[${Array.from({ length: Math.min(dimensions, 4) }, () => '0.1').join(', ')}${dimensions > 4 ? ', …' : ''}]`
                  : ''
              }
              onChange={(e) => setVectorText(e.target.value)}
            />
          )}
        </Field>

        <Field
          id="pg-filter"
          label="Filter"
          error={filter.ok ? undefined : filter.error}
          errorHelp={filter.ok ? undefined : filter.help}
          hint="MongoDB-style JSON: $eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $not and more. Empty: no filter."
        >
          {(props) => (
            <textarea
              {...props}
              rows={3}
              spellCheck={false}
              className="mono"
              value={filterText}
              placeholder={FILTER_EXAMPLE}
              onChange={(e) => setFilterText(e.target.value)}
            />
          )}
        </Field>

        <div className="actions">
          <button type="submit" className="button primary" disabled={search.isPending}>
            {search.isPending ? 'Running…' : 'Run search'}
          </button>
          <span className="hint">
            <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> runs it
          </span>
        </div>
      </form>

      {search.isPending && <LoadingState label="Searching" />}
      {search.error && (
        <ApiErrorView error={toApiErrorInfo(search.error)} title="The search was refused" />
      )}
      {search.data && !search.isPending && (
        <SearchAnswer answer={search.data} showMetadata={showMetadata} />
      )}
    </>
  );
}

function SearchAnswer({ answer, showMetadata }: { answer: SearchOutput; showMetadata: boolean }) {
  return (
    <div className="playground-answer">
      <section className="card" aria-labelledby="results-title">
        <h2 id="results-title">Results ({answer.results.length})</h2>
        {answer.results.length === 0 ? (
          <EmptyState title="No vector matched">
            <p>Loosen the filter, or raise k or ef_search.</p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="search-results">
              <caption className="visually-hidden">Search results</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Id</th>
                  <th scope="col" className="num">
                    Distance
                  </th>
                  <th scope="col" className="num">
                    Score
                  </th>
                  {showMetadata && <th scope="col">Metadata</th>}
                </tr>
              </thead>
              <tbody>
                {answer.results.map((hit, i) => (
                  <tr key={hit.id}>
                    <td className="num">{i + 1}</td>
                    <th scope="row">{hit.id}</th>
                    <td className="num">{hit.distance.toFixed(6)}</td>
                    <td className="num">{hit.score.toFixed(6)}</td>
                    {showMetadata && (
                      <td className="wrap">
                        <code className="metadata">
                          {hit.metadata ? JSON.stringify(hit.metadata) : '—'}
                        </code>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {answer.explanation ? (
        <ExplainTrace trace={answer.explanation} />
      ) : (
        <EmptyState title="The server sent no explain trace" />
      )}
    </div>
  );
}
