import type { ApiErrorInfo } from '@/lib/api-error';

/**
 * A failed call in the server's words: what went wrong, its stable code, what to do, and
 * the request id to find it in the server's log.
 */
export function ApiErrorView({
  error,
  title = 'The request failed',
  onRetry,
}: {
  error: ApiErrorInfo;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <div className="state error" role="alert">
      <p className="state-title">
        {title}: <span data-testid="error-message">{error.error}</span>
      </p>
      <p>
        <code data-testid="error-code">{error.code}</code>
        {error.status !== undefined && <span className="muted"> · HTTP {error.status}</span>}
        {error.requestId && <span className="muted"> · request {error.requestId}</span>}
      </p>
      {error.help && <p data-testid="error-help">{error.help}</p>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
