// The two shapes most views are made of: a card (a titled section that shows its data's loading
// state, error with "Try again", an empty message, or the content) and a paged list (the items
// loaded so far, then "older entries" on demand or as the end scrolls into view).
import { useEffect, useRef, type ReactNode } from 'react';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { Page } from '../api/client';
import type { Loaded } from '../api/query';
import { MoreButton } from './forms';
import { Async, ErrorMessage, Loading, type Reserve } from './status';

interface CardFrame {
  title: ReactNode;
  /** The heading's id; the section is labelled by it (a region landmark). */
  id: string;
  className?: string;
  /** Between the heading and the content (a hint). */
  intro?: ReactNode;
  /** After the content (a form, an error of an action). */
  footer?: ReactNode;
  /** Marks the section busy (aria-busy) while it loads again. */
  busy?: boolean;
}

type CardProps<T> = CardFrame &
  (
    | { query?: undefined; children: ReactNode }
    | {
        query: Loaded<T>;
        label?: string;
        reserve?: Reserve;
        /** Shown instead of the content when there is nothing (by default: `items` is empty). */
        empty?: ReactNode;
        isEmpty?: (data: T) => boolean;
        children: (data: T) => ReactNode;
      }
  );

export function Card<T>(props: CardProps<T>) {
  const { title, id, className = 'card', intro, footer, busy } = props;
  return (
    <section className={className} aria-labelledby={id} aria-busy={busy}>
      <h2 id={id}>{title}</h2>
      {intro}
      {props.query ? (
        <Async
          state={props.query}
          label={props.label}
          reserve={props.reserve}
          empty={props.empty}
          isEmpty={props.isEmpty}
        >
          {props.children}
        </Async>
      ) : (
        props.children
      )}
      {footer}
    </section>
  );
}

export type PagedQuery<T> = UseInfiniteQueryResult<InfiniteData<Page<T>>>;

/**
 * The items of a paged query: loading, error (with retry), `empty`, or `list(items)`, then the
 * way to the next page. With `auto` the next page also loads when the end scrolls into view.
 */
export function PagedList<T>({
  query,
  list,
  label,
  empty,
  more = 'Older entries',
  auto = false,
}: {
  query: PagedQuery<T>;
  list: (items: T[]) => ReactNode;
  label?: string;
  empty: ReactNode;
  more?: string;
  auto?: boolean;
}) {
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  if (query.error && !query.isFetchNextPageError)
    return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  if (!query.data) return <Loading label={label} />;
  return (
    <>
      {items.length === 0 ? <p className="empty">{empty}</p> : list(items)}
      {query.isFetchNextPageError && <ErrorMessage error={query.error} retry={() => void query.fetchNextPage()} />}
      {auto ? (
        query.isFetchingNextPage ? (
          <Loading label={label} />
        ) : (
          query.hasNextPage &&
          !query.isFetchNextPageError && <NextWhenSeen onSeen={() => void query.fetchNextPage()} label={more} />
        )
      ) : (
        <MoreButton
          hasMore={query.hasNextPage}
          busy={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
          label={more}
        />
      )}
    </>
  );
}

/** A "more" button that also presses itself when it scrolls into view. */
export function NextWhenSeen({ onSeen, label }: { onSeen: () => void; label: string }) {
  const sentinel = useRef<HTMLDivElement>(null);
  const latest = useRef(onSeen);
  useEffect(() => {
    latest.current = onSeen;
  });
  useEffect(() => {
    const node = sentinel.current;
    if (!node || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) latest.current();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={sentinel}>
      <button type="button" onClick={onSeen}>
        {label}
      </button>
    </div>
  );
}
