'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { Field } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { useCreateCollection } from '@/data/collections';
import { toApiErrorInfo } from '@/lib/api-error';

import { collectionHref } from './collection-href';
import {
  type CreateCollectionFields,
  createCollectionForm,
  fieldErrors,
} from './create-collection-schema';

const INITIAL: CreateCollectionFields = {
  name: '',
  dimensions: '',
  distance: 'cosine',
  quantization: 'f32',
  m: '',
  ef_construction: '',
  ef_search: '',
};

/** Creates a collection; on success opens its page. */
export function CreateCollectionForm() {
  const router = useRouter();
  const create = useCreateCollection();
  const [fields, setFields] = useState<CreateCollectionFields>(INITIAL);
  const [errors, setErrors] = useState<ReturnType<typeof fieldErrors>>({});

  const set = (field: keyof CreateCollectionFields) => (value: string) =>
    setFields((f) => ({ ...f, [field]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createCollectionForm.safeParse(fields);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: ({ created }) => router.push(collectionHref(created)),
    });
  }

  return (
    <>
      <PageHeader
        title="New collection"
        description={<Link href="/collections/">← All collections</Link>}
      />
      <form className="form card" noValidate onSubmit={submit}>
        <Field id="name" label="Name" error={errors.name} hint="Letters, digits, _ and -.">
          {(props) => (
            <input {...props} value={fields.name} onChange={(e) => set('name')(e.target.value)} />
          )}
        </Field>
        <Field
          id="dimensions"
          label="Dimensions"
          error={errors.dimensions}
          hint="The length of every vector."
        >
          {(props) => (
            <input
              {...props}
              inputMode="numeric"
              value={fields.dimensions}
              onChange={(e) => set('dimensions')(e.target.value)}
            />
          )}
        </Field>
        <Field id="distance" label="Metric" error={errors.distance}>
          {(props) => (
            <select
              {...props}
              value={fields.distance}
              onChange={(e) => set('distance')(e.target.value)}
            >
              <option value="cosine">cosine</option>
              <option value="euclidean">euclidean</option>
              <option value="dot">dot product</option>
            </select>
          )}
        </Field>
        <Field id="quantization" label="Quantization" error={errors.quantization}>
          {(props) => (
            <select
              {...props}
              value={fields.quantization}
              onChange={(e) => set('quantization')(e.target.value)}
            >
              <option value="f32">f32 (exact)</option>
              <option value="f16">f16</option>
              <option value="i8">i8</option>
            </select>
          )}
        </Field>
        <fieldset className="field-row">
          <legend>HNSW parameters (empty: the server&apos;s defaults)</legend>
          <Field id="m" label="M" error={errors.m}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={fields.m}
                onChange={(e) => set('m')(e.target.value)}
              />
            )}
          </Field>
          <Field id="ef_construction" label="ef_construction" error={errors.ef_construction}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={fields.ef_construction}
                onChange={(e) => set('ef_construction')(e.target.value)}
              />
            )}
          </Field>
          <Field id="ef_search" label="ef_search" error={errors.ef_search}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={fields.ef_search}
                onChange={(e) => set('ef_search')(e.target.value)}
              />
            )}
          </Field>
        </fieldset>
        {create.error && (
          <ApiErrorView
            error={toApiErrorInfo(create.error)}
            title="The collection was not created"
          />
        )}
        <div className="actions">
          <button type="submit" className="button primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create collection'}
          </button>
        </div>
      </form>
    </>
  );
}
