'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useId, useRef, useState, type FormEvent } from 'react';

import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { PageHeader } from '@/components/ui/page-header';
import { ProgressBar } from '@/components/ui/progress-bar';
import { useCollection } from '@/data/collections';
import { toApiErrorInfo } from '@/lib/api-error';
import { useGrants } from '@/lib/auth/auth-provider';
import { formatCount } from '@/lib/format';
import { useTRPC, useTRPCClient } from '@/lib/trpc';

import { collectionHref } from './collection-href';
import styles from './collections.module.css';
import { parseImportFile, type ImportLineError } from './parse-import-file';

/** Vectors sent per batch insert. */
const BATCH = 500;

type Run =
  | { state: 'idle' }
  | {
      state: 'running' | 'done' | 'cancelled';
      total: number;
      sent: number;
      inserted: number;
      errors: ImportLineError[];
    };

/** Imports vectors from a JSONL or JSON file into the collection named by `?name=`. */
export function ImportVectors() {
  const name = useSearchParams().get('name') ?? '';
  const detail = useCollection(name);
  const canWrite = useGrants().can('write', name);
  if (name === '')
    return (
      <EmptyState title="No collection named">
        <p>
          Pick one from the <Link href="/collections/">collection list</Link>.
        </p>
      </EmptyState>
    );
  return (
    <>
      <PageHeader
        title={`Import vectors into ${name}`}
        description={<Link href={collectionHref(name)}>← {name}</Link>}
      />
      <QueryView query={detail} loading="Loading the collection">
        {(c) =>
          canWrite ? (
            <ImportForm name={name} dimensions={c.dimensions} />
          ) : (
            <EmptyState title="Your role may not write to this collection" />
          )
        }
      </QueryView>
    </>
  );
}

function ImportForm({ name, dimensions }: { name: string; dimensions: number }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queries = useQueryClient();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const cancelled = useRef(false);

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return;
    cancelled.current = false;
    const { records, errors } = parseImportFile(await file.text(), dimensions);
    const total = records.length + errors.length;
    let sent = errors.length;
    let inserted = 0;
    setRun({ state: 'running', total, sent, inserted, errors: [...errors] });
    for (let start = 0; start < records.length; start += BATCH) {
      if (cancelled.current) break;
      const batch = records.slice(start, start + BATCH);
      const lineOf = new Map(batch.map((r) => [r.id, r.line]));
      try {
        const result = await client.vectors.insertBatch.mutate({
          collection: name,
          vectors: batch.map(({ id, vector, metadata }) => ({
            id,
            vector,
            ...(metadata === undefined ? {} : { metadata }),
          })),
        });
        inserted += result.inserted;
        for (const e of result.errors)
          errors.push({ line: lineOf.get(e.id) ?? 0, id: e.id, message: `${e.code}: ${e.error}` });
      } catch (err) {
        const info = toApiErrorInfo(err);
        for (const r of batch)
          errors.push({ line: r.line, id: r.id, message: `${info.code}: ${info.error}` });
      }
      sent += batch.length;
      setRun({ state: 'running', total, sent, inserted, errors: [...errors] });
    }
    errors.sort((a, b) => a.line - b.line);
    setRun({
      state: cancelled.current ? 'cancelled' : 'done',
      total,
      sent,
      inserted,
      errors: [...errors],
    });
    await queries.invalidateQueries({ queryKey: trpc.collections.pathKey() });
  }

  const busy = run.state === 'running';
  return (
    <section className="card stack" aria-labelledby="import-title">
      <h2 id="import-title">From a file</h2>
      <form className="form" onSubmit={(e) => void start(e)}>
        <div className="field">
          <label htmlFor={fileId}>JSON Lines or JSON file</label>
          <input
            id={fileId}
            type="file"
            accept=".jsonl,.ndjson,.json,application/json"
            disabled={busy}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <p className="hint">
            One <code>{'{"id", "vector", "metadata"}'}</code> per line, or a JSON array of them;
            vectors of {dimensions} numbers. Existing ids are reported, not overwritten.
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="button primary" disabled={!file || busy}>
            Import
          </button>
          {busy && (
            <button type="button" className="button" onClick={() => (cancelled.current = true)}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {run.state !== 'idle' && (
        <div className="stack" data-testid="import-progress">
          <ProgressBar
            label={`${run.state === 'running' ? 'Importing' : run.state === 'done' ? 'Imported' : 'Cancelled'}: ${formatCount(run.sent)} of ${formatCount(run.total)} lines`}
            value={run.total === 0 ? 1 : run.sent / run.total}
          />
          <p role="status" data-testid="import-summary">
            {formatCount(run.inserted)} vectors inserted, {formatCount(run.errors.length)} lines
            refused{run.state === 'cancelled' ? '; the rest was not sent' : ''}.
          </p>
          {run.errors.length > 0 && (
            <ol className={styles.errors} aria-label="Refused lines">
              {run.errors.slice(0, 200).map((e, i) => (
                <li key={`${e.line}-${i}`}>
                  Line {e.line}
                  {e.id ? ` (${e.id})` : ''}: {e.message}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
