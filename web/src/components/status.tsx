// Loading and error states, and a hook that loads data for a view.
import { useCallback, useEffect, useState, type DependencyList, type ReactNode } from 'react';
import { messageOf } from './forms';

/**
 * `reserve` keeps the room the content will take (a chart, a short list), so the page does not
 * jump when it arrives (cumulative layout shift).
 */
export function Loading({ label = 'Loading…', reserve }: { label?: string; reserve?: 'chart' | 'short' | 'table' }) {
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

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/** Runs `load` when the dependencies change; `reload` runs it again. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(undefined);
    run(controller.signal)
      .then((value) => {
        if (!controller.signal.aborted) setData(value);
      })
      .catch((failure) => {
        if (!controller.signal.aborted) setError(failure);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [run, round]);
  return { data, error, loading, reload: () => setRound((n) => n + 1), setData };
}

/** Shows loading, then the error (with retry) or the content. */
export function Async<T>({
  state,
  children,
  label,
  reserve,
}: {
  state: Loaded<T>;
  children: (data: T) => ReactNode;
  label?: string;
  reserve?: 'chart' | 'short' | 'table';
}) {
  if (state.error) return <ErrorMessage error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading label={label} reserve={reserve} />;
  return <>{children(state.data)}</>;
}
