/** A region that is waiting for the server; screen readers hear the label once. */
export function LoadingState({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}
