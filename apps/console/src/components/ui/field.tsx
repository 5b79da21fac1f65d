import type { ReactNode } from 'react';

/** What {@link Field} hands its control: its id and name, and its state for screen readers. */
export interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/**
 * A labelled control with its hint and its validation message (and the server's help, when
 * there is one), tied together for screen readers. The error has the test id `<id>-error`.
 */
export function Field({
  id,
  label,
  hint,
  error,
  errorHelp,
  children,
}: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  errorHelp?: string | undefined;
  children: (props: ControlProps) => ReactNode;
}) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name: id,
        'aria-invalid': error !== undefined,
        'aria-describedby': described || undefined,
      })}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <div id={`${id}-error`} className="field-error" data-testid={`${id}-error`}>
          <p>{error}</p>
          {errorHelp && <p>{errorHelp}</p>}
        </div>
      )}
    </div>
  );
}
