// A page appears whole: while its first data loads, the page is laid out but not painted
// (visibility: hidden) behind one "Loading…" line, and it is shown once nothing in it is loading
// (or after `maxMs`). Cards that fill in one by one would otherwise push each other down while
// the person reads (cumulative layout shift); hidden content does not count as shifting, and
// once shown nothing moves. Later reloads inside the page show their own loading states.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Loading } from './status';

export function Settled({ children, maxMs = 1500 }: { children: ReactNode; maxMs?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(false);
  useLayoutEffect(() => {
    const node = box.current;
    if (!node || shown) return;
    const reveal = () => setShown(true);
    const check = () => {
      if (!node.querySelector('.loading')) reveal();
    };
    const observer = new MutationObserver(check);
    observer.observe(node, { childList: true, subtree: true });
    const timer = window.setTimeout(reveal, maxMs);
    check();
    return () => {
      observer.disconnect();
      window.clearTimeout(timer);
    };
  }, [shown, maxMs]);
  return (
    <>
      {!shown && <Loading />}
      <div ref={box} className={shown ? 'settled' : 'settled settling'} aria-hidden={shown ? undefined : true}>
        {children}
      </div>
    </>
  );
}
