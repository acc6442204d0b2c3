// Keeps a view current without a reload: polls while the tab is visible (none while it is hidden,
// and at once when it shows again). Only the notifications are polled — a small, indexed,
// unaudited read — and views of audited data (alerts) reload when a new notification arrives,
// so an open tab costs one cheap request per interval and the access log stays meaningful.
import { useEffect } from 'react';

export const LIVE_INTERVAL_MS = 15000;

/** Runs `reload` every `intervalMs` while the document is visible, and when it becomes visible. */
export function useLiveReload(reload: () => void, intervalMs = LIVE_INTERVAL_MS) {
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      if (timer === undefined) timer = setInterval(reload, intervalMs);
    };
    const stop = () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') {
        reload();
        start();
      } else {
        stop();
      }
    };
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
    // `reload` changes identity on every render; the interval only needs the latest one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [intervalMs]);
}

type Listener = () => void;
const listeners = new Set<Listener>();

/** Tells the views that follow notifications (alert lists) that a new one arrived. */
export function announceNewNotifications() {
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever a new notification arrives. */
export function useOnNewNotifications(listener: Listener) {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}
