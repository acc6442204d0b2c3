// The signed-in account as React state, from the API client's session.
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { api, type Account } from './api/client';

interface Session {
  account: Account | null;
  /** False until the first refresh attempt (restoring a session after a reload) settles. */
  ready: boolean;
}

const SessionContext = createContext<Session>({ account: null, ready: false });

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
  return <SessionContext.Provider value={{ account, ready }}>{children}</SessionContext.Provider>;
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
