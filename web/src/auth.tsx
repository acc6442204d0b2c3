// The signed-in account as React state, from the API client's session.
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { api, type Account } from './api/client';

interface Session {
  account: Account | null;
  /** False until the first refresh attempt (restoring a session after a reload) settles. */
  ready: boolean;
  /**
   * An administrator without two-step sign-in: the server refuses everything but its set-up, so
   * the app shows only that page. null while it is being found out (administrators only).
   */
  mustSetUpSecondFactor: boolean | null;
  /** Called once set-up is confirmed. */
  secondFactorSetUp: () => void;
}

const SessionContext = createContext<Session>({
  account: null,
  ready: false,
  mustSetUpSecondFactor: false,
  secondFactorSetUp: () => {},
});

export function SessionProvider({ children }: { children: ReactNode }) {
  const account = useSyncExternalStore(
    (listener) => api.subscribe(listener),
    () => api.account,
  );
  const [ready, setReady] = useState(api.signedIn);
  useEffect(() => {
    if (api.signedIn) return;
    let live = true;
    api.refresh().finally(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, []);
  const [setUp, setSetUp] = useState<{ id: number; must: boolean } | null>(null);
  const adminId = account?.role === 'admin' ? account.id : null;
  useEffect(() => {
    if (adminId === null) return;
    let live = true;
    api
      .get<{ enabled: boolean }>('/api/v1/me/second-factor')
      .then((status) => live && setSetUp({ id: adminId, must: !status.enabled }))
      .catch(() => live && setSetUp({ id: adminId, must: false }));
    return () => {
      live = false;
    };
  }, [adminId]);
  const mustSetUpSecondFactor = adminId === null ? false : setUp?.id === adminId ? setUp.must : null;
  const secondFactorSetUp = () => adminId !== null && setSetUp({ id: adminId, must: false });
  return (
    <SessionContext.Provider value={{ account, ready, mustSetUpSecondFactor, secondFactorSetUp }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  return useContext(SessionContext);
}

export function homeOf(account: Account | null): string {
  if (!account) return '/signin';
  if (account.role === 'doctor') return '/doctor';
  if (account.role === 'admin') return '/admin';
  return '/dashboard';
}

/** The sign-in page, coming back to `path` (a page of this app) once signed in. */
export function signInFor(path: string): string {
  return `/signin?next=${encodeURIComponent(path)}`;
}

/**
 * Where to go once signed in: `next`, the page that sent the person to sign in (signInFor; only a
 * path of this app, never another site), else their home page.
 */
export function afterSignIn(account: Account, next: string): string {
  return /^\/(?![/\\])/.test(next) ? next : homeOf(account);
}
