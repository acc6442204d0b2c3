// Loading and error states, and the view of a query's result (api/query.ts loads the data).
import type { ReactNode } from 'react';
import type { Loaded } from '../api/query';
import { messageOf } from './forms';

export type Reserve = 'chart' | 'short' | 'table';

/**
 * `reserve` keeps the room the content will take (a chart, a short list), so the page does not
 * jump when it arrives (cumulative layout shift).
 */
export function Loading({ label = 'Loading…', reserve }: { label?: string; reserve?: Reserve }) {
  return (
    <p className={reserve ? `loading reserve-${reserve}` : 'loading'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <p>{messageOf(error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Shows loading, then the error (with retry), the `empty` text when there is nothing, or the content. */
export function Async<T>({
  state,
  children,
  label,
  reserve,
  empty,
  isEmpty = hasNoItems,
}: {
  state: Loaded<T>;
  children: (data: T) => ReactNode;
  label?: string;
  reserve?: Reserve;
  /** Shown instead of the content when `isEmpty(data)` (by default: `data.items` is empty). */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
}) {
  if (state.error) return <ErrorMessage error={state.error} retry={() => void state.refetch()} />;
  if (state.data === undefined) return <Loading label={label} reserve={reserve} />;
  if (empty !== undefined && isEmpty(state.data)) return <p className="empty">{empty}</p>;
  return <>{children(state.data)}</>;
}

function hasNoItems(data: unknown): boolean {
  if (Array.isArray(data)) return data.length === 0;
  const items = (data as { items?: unknown[] } | null)?.items;
  return Array.isArray(items) && items.length === 0;
}
