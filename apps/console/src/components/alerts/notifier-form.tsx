'use client';

import { useId, useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { useCreateNotifier, useUpdateNotifier } from '@/data/alerts';
import { toApiErrorInfo } from '@/lib/api-error';

import styles from './alerts.module.css';

type Kind = 'webhook' | 'alertmanager' | 'slack';
type Severity = 'warning' | 'critical';
type AuthType = 'none' | 'basic' | 'bearer';

/** A notifier as the API shows it (secrets masked as `"set"`). */
export interface NotifierView {
  name: string;
  kind: Kind;
  url?: string | undefined;
  host?: string | undefined;
  urls?: string[] | undefined;
  secret?: 'set' | undefined;
  auth?: { type: 'basic' | 'bearer'; username?: string | undefined } | undefined;
  channel?: string | undefined;
  username?: string | undefined;
  enabled: boolean;
  send_resolved: boolean;
  min_severity: Severity;
}

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Creates a notifier (no `existing`) or edits one. Secrets are write-only: the form never
 * shows them; left empty when editing, the stored secret stays.
 */
export function NotifierForm({
  existing,
  onDone,
}: {
  existing?: NotifierView | undefined;
  onDone: () => void;
}) {
  const id = useId();
  const editing = existing !== undefined;
  const [name, setName] = useState(existing?.name ?? '');
  const [kind, setKind] = useState<Kind>(existing?.kind ?? 'webhook');
  const [url, setUrl] = useState(existing?.kind === 'webhook' ? (existing.url ?? '') : '');
  const [urls, setUrls] = useState((existing?.urls ?? []).join('\n'));
  const [secret, setSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [authType, setAuthType] = useState<AuthType>(existing?.auth?.type ?? 'none');
  const [authUser, setAuthUser] = useState(existing?.auth?.username ?? '');
  const [authSecret, setAuthSecret] = useState('');
  const [channel, setChannel] = useState(existing?.channel ?? '');
  const [slackUser, setSlackUser] = useState(existing?.username ?? '');
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [sendResolved, setSendResolved] = useState(existing?.send_resolved ?? true);
  const [minSeverity, setMinSeverity] = useState<Severity>(existing?.min_severity ?? 'warning');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateNotifier();
  const update = useUpdateNotifier();
  const mutation = editing ? update : create;

  const validate = (): Record<string, string> => {
    const e: Record<string, string> = {};
    if (!editing && !NAME.test(name)) e.name = 'Use 1–64 of a-z, 0-9 and "-", not at the ends.';
    if (kind === 'webhook' && !isHttpUrl(url)) e.url = 'Give an http(s) URL.';
    if (kind === 'webhook' && /^[a-z]+:\/\/[^/]*@/i.test(url))
      e.url = 'Put no user name or password in the URL.';
    if (kind === 'slack' && (!editing || url !== '') && !isHttpUrl(url))
      e.url = 'Give the incoming-webhook URL.';
    if (kind === 'webhook' && secret !== '' && secret.length < 16)
      e.secret = 'Use at least 16 characters.';
    if (kind === 'alertmanager') {
      const list = urls.split(/\s+/).filter(Boolean);
      if (list.length === 0 || list.length > 10 || !list.every(isHttpUrl))
        e.urls = 'Give 1 to 10 http(s) URLs, one a line.';
      if (authType === 'basic' && authUser === '') e.authUser = 'Give a user name.';
      if (authType !== 'none' && authSecret === '' && existing?.auth?.type !== authType)
        e.authSecret = authType === 'basic' ? 'Give a password.' : 'Give a token.';
    }
    return e;
  };

  const auth = () => {
    if (authType === 'none') return editing ? null : undefined;
    if (authSecret === '') return undefined; // unchanged
    return authType === 'basic'
      ? { type: 'basic' as const, username: authUser, password: authSecret }
      : { type: 'bearer' as const, token: authSecret };
  };

  const submit = () => {
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const common = { enabled, send_resolved: sendResolved, min_severity: minSeverity };
    const list = urls.split(/\s+/).filter(Boolean);
    if (editing) {
      const change = {
        name,
        ...common,
        ...(kind === 'webhook' && { url, secret: removeSecret ? null : secret || undefined }),
        ...(kind === 'alertmanager' && { urls: list, auth: auth() }),
        ...(kind === 'slack' && {
          url: url || undefined,
          channel: channel || null,
          username: slackUser || null,
        }),
      };
      update.mutate(change, { onSuccess: onDone });
      return;
    }
    const body =
      kind === 'webhook'
        ? { name, kind, url, secret: secret || undefined, ...common }
        : kind === 'alertmanager'
          ? { name, kind, urls: list, auth: auth() ?? undefined, ...common }
          : {
              name,
              kind,
              url,
              channel: channel || undefined,
              username: slackUser || undefined,
              ...common,
            };
    create.mutate(body, { onSuccess: onDone });
  };

  const text = (
    field: string,
    label: string,
    value: string,
    set: (v: string) => void,
    opts: { type?: string; hint?: string; autoComplete?: string } = {},
  ) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        type={opts.type ?? 'text'}
        value={value}
        autoComplete={opts.autoComplete ?? 'off'}
        spellCheck={false}
        aria-invalid={errors[field] ? 'true' : undefined}
        aria-describedby={`${id}-${field}-note`}
        onChange={(event) => set(event.target.value)}
      />
      {errors[field] ? (
        <p className="field-error" id={`${id}-${field}-note`}>
          {errors[field]}
        </p>
      ) : (
        <p className="hint" id={`${id}-${field}-note`}>
          {opts.hint ?? ''}
        </p>
      )}
    </div>
  );

  return (
    <form
      className="form card"
      aria-label={editing ? `Edit notifier ${name}` : 'New notifier'}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <h3>{editing ? `Edit ${name}` : 'New notifier'}</h3>
      {!editing && text('name', 'Name', name, setName, { hint: 'e.g. ops-webhook' })}
      <div className="field">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select
          id={`${id}-kind`}
          value={kind}
          disabled={editing}
          onChange={(event) => setKind(event.target.value as Kind)}
        >
          <option value="webhook">Webhook (JSON POST)</option>
          <option value="alertmanager">Alertmanager</option>
          <option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      {kind === 'webhook' && (
        <>
          {text('url', 'URL', url, setUrl, { type: 'url', hint: 'Where the JSON body is POSTed.' })}
          {text('secret', 'Signing secret', secret, setSecret, {
            type: 'password',
            autoComplete: 'new-password',
            hint:
              existing?.secret === 'set'
                ? 'Set. Leave empty to keep it; type a new one to replace it.'
                : 'Optional: signs each request (X-Needle-Signature). Write-only.',
          })}
          {existing?.secret === 'set' && (
            <label>
              <input
                type="checkbox"
                checked={removeSecret}
                onChange={(event) => setRemoveSecret(event.target.checked)}
              />{' '}
              Remove the signing secret
            </label>
          )}
        </>
      )}
      {kind === 'alertmanager' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-urls`}>Alertmanager URLs</label>
            <textarea
              id={`${id}-urls`}
              className={styles.textarea}
              value={urls}
              rows={3}
              spellCheck={false}
              aria-invalid={errors.urls ? 'true' : undefined}
              aria-describedby={`${id}-urls-note`}
              onChange={(event) => setUrls(event.target.value)}
            />
            <p className={errors.urls ? 'field-error' : 'hint'} id={`${id}-urls-note`}>
              {errors.urls ?? 'One a line, e.g. http://alertmanager:9093'}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-auth`}>Authentication</label>
            <select
              id={`${id}-auth`}
              value={authType}
              onChange={(event) => setAuthType(event.target.value as AuthType)}
            >
              <option value="none">None</option>
              <option value="basic">Basic (user name and password)</option>
              <option value="bearer">Bearer token</option>
            </select>
          </div>
          {authType === 'basic' && text('authUser', 'User name', authUser, setAuthUser)}
          {authType !== 'none' &&
            text(
              'authSecret',
              authType === 'basic' ? 'Password' : 'Token',
              authSecret,
              setAuthSecret,
              {
                type: 'password',
                autoComplete: 'new-password',
                hint:
                  existing?.auth?.type === authType
                    ? 'Set. Leave empty to keep it.'
                    : 'Write-only: never shown again.',
              },
            )}
        </>
      )}
      {kind === 'slack' && (
        <>
          {text('url', 'Incoming-webhook URL', url, setUrl, {
            type: 'password',
            autoComplete: 'new-password',
            hint: editing
              ? `Set (${existing.host ?? 'hidden'}). Leave empty to keep it.`
              : 'A secret: never shown again.',
          })}
          {text('channel', 'Channel', channel, setChannel, { hint: 'Optional, e.g. #ops' })}
          {text('slackUser', 'Post as', slackUser, setSlackUser, { hint: 'Optional' })}
        </>
      )}
      <div className="field">
        <label htmlFor={`${id}-severity`}>Send alerts from</label>
        <select
          id={`${id}-severity`}
          value={minSeverity}
          onChange={(event) => setMinSeverity(event.target.value as Severity)}
        >
          <option value="warning">warning and critical</option>
          <option value="critical">critical only</option>
        </select>
      </div>
      <div className="actions">
        <label>
          <input
            type="checkbox"
            checked={enabled}
            onChange={(event) => setEnabled(event.target.checked)}
          />{' '}
          Enabled
        </label>
        <label>
          <input
            type="checkbox"
            checked={sendResolved}
            onChange={(event) => setSendResolved(event.target.checked)}
          />{' '}
          Send resolved events
        </label>
      </div>
      {mutation.error && (
        <ApiErrorView error={toApiErrorInfo(mutation.error)} title="The notifier was not saved" />
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : editing ? 'Save notifier' : 'Create notifier'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
