// Data loading through TanStack Query: one cache for the app, the hooks views load with, and
// the invalidation that replaces reloading by hand after a write. The hooks pass the one client
// explicitly, so a component renders the same in the app and in a unit test (no provider).
//
// Every read of a record is audited on the server, so the cache asks the server only when a view
// needs it: when it mounts or is invalidated after a write, never on window focus, on reconnect
// or by retrying a failure (a failure shows at once, with "Try again").
import {
  keepPreviousData,
  QueryClient,
  useInfiniteQuery,
  useQuery,
  type InfiniteData,
  type Query,
  type QueryKey,
} from '@tanstack/react-query';
import { api, type Cursor, type Page } from './client';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: false,
      // Ask the server even when the browser thinks it is offline: the answer says so.
      networkMode: 'always',
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      // While other arguments load (a new filter, another range), the view keeps what it shows.
      placeholderData: keepPreviousData,
    },
    mutations: { retry: false, networkMode: 'always' },
  },
});

// Signing out forgets everything loaded for that person.
api.subscribe((account) => {
  if (!account) queryClient.clear();
});

/**
 * Query keys. Everything under `record(patientId)` is what a write to the patient's record
 * changes (readings, the timeline, current care, the banner, charts, symptoms): `reloadRecord`
 * refreshes exactly that.
 */
export const keys = {
  record: (patientId: number, ...rest: unknown[]) => ['record', patientId, ...rest] as const,
  alerts: (...rest: unknown[]) => ['alerts', ...rest] as const,
};

/** The result a view shows: data, or the error with a way to try again. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
}

/** Loads `load` under `key`; a new key loads again (the view keeps the old data meanwhile). */
export function useApiQuery<T>(
  key: QueryKey,
  load: () => Promise<T>,
  options: {
    refetchInterval?: number | ((query: Query<T, Error, T, QueryKey>) => number | false | undefined);
    refetchIntervalInBackground?: boolean;
    refetchOnWindowFocus?: boolean;
    /** Show nothing, not the previous key's data, while a new key loads. */
    placeholderData?: undefined;
  } = {},
) {
  return useQuery({ queryKey: key, queryFn: () => load(), ...options }, queryClient);
}

/** A paged list: the first page under `key`, the next ones on `fetchNextPage`. */
export function usePagedQuery<T>(key: QueryKey, load: (cursor: Cursor | undefined) => Promise<Page<T>>) {
  return useInfiniteQuery(
    {
      queryKey: key,
      queryFn: ({ pageParam }) => load(pageParam ?? undefined),
      initialPageParam: null as Cursor | null,
      getNextPageParam: (last: Page<T>) => last.next ?? undefined,
    },
    queryClient,
  );
}

function isPaged(data: unknown): data is InfiniteData<unknown, unknown> {
  return typeof data === 'object' && data !== null && 'pages' in data && 'pageParams' in data;
}

/**
 * After a write to a patient's record: the views of it on screen load again (paged lists from
 * their first page, as a fresh view would), the others when they next show.
 */
export function reloadRecord(patientId: number): Promise<void> {
  const key = keys.record(patientId);
  queryClient.setQueriesData({ queryKey: key }, (data: unknown) =>
    isPaged(data) ? { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) } : data,
  );
  return queryClient.invalidateQueries({ queryKey: key });
}

/** Loads the queries under `key` again (after a write that changes them). */
export function reload(key: QueryKey): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: key });
}
