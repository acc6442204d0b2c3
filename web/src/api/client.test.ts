import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, REFRESH_LOCK, pageByLastId, withQuery } from './client';

const account = {
  id: 7,
  email: 'ana@example.org',
  role: 'patient',
  status: 'active',
  full_name: 'Ana',
  created_at: '',
};

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** A fake server: routes by "METHOD path"; records every call with its Authorization header. */
function fakeServer(routes: Record<string, (auth: string | null, call: number) => Response>) {
  const calls: { key: string; auth: string | null }[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${String(input)}`;
    const auth = new Headers(init?.headers).get('Authorization');
    calls.push({ key, auth });
    const handler = routes[key];
    if (!handler) return json(404, { error: { code: 'not_found', message: 'no route' } });
    return handler(auth, calls.filter((c) => c.key === key).length);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const signIn = () => json(200, { access_token: 'token-1', expires_in: 900, account });

describe('ApiClient', () => {
  it('starts no session on a second-factor challenge; the second step does', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/signin': () =>
        json(200, { status: 'second_factor_required', challenge: 'c-1', expires_in: 300 }),
      'POST /api/v1/auth/second-factor': () => json(200, { access_token: 'token-1', expires_in: 900, account }),
    });
    const client = new ApiClient(server.fetch);
    expect(await client.signIn('ana@example.org', 'secret passphrase')).toEqual({
      status: 'second_factor_required',
      challenge: 'c-1',
      expires_in: 300,
    });
    expect(client.signedIn).toBe(false);
    expect(await client.signInSecondStep('c-1', '123456')).toEqual(account);
    expect(client.signedIn).toBe(true);
    expect(server.calls.map((c) => c.auth)).toEqual([null, null]);
  });

  it('sends the access token it holds in memory and nothing in web storage', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/signin': signIn,
      'GET /api/v1/me': (auth) => (auth === 'Bearer token-1' ? json(200, account) : json(401, {})),
    });
    const client = new ApiClient(server.fetch);
    await client.signIn('ana@example.org', 'secret passphrase');
    expect(await client.get('/api/v1/me')).toEqual(account);
    expect(server.calls[1].auth).toBe('Bearer token-1');
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
  });

  it('refreshes once on 401 and retries the call with the new token', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/signin': signIn,
      'POST /api/v1/auth/refresh': () => json(200, { access_token: 'token-2', expires_in: 900, account }),
      'GET /api/v1/me': (auth) =>
        auth === 'Bearer token-2'
          ? json(200, account)
          : json(401, { error: { code: 'unauthenticated', message: 'expired' } }),
    });
    const client = new ApiClient(server.fetch);
    await client.signIn('ana@example.org', 'x');
    expect(await client.get('/api/v1/me')).toEqual(account);
    expect(server.calls.map((c) => c.key)).toEqual([
      'POST /api/v1/auth/signin',
      'GET /api/v1/me',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/me',
    ]);
    expect(server.calls[2].auth).toBeNull();
  });

  it('shares one refresh between concurrent calls (a reused refresh token ends the session)', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/signin': signIn,
      'POST /api/v1/auth/refresh': (_auth, call) =>
        call === 1 ? json(200, { access_token: 'token-2', expires_in: 900, account }) : json(401, {}),
      'GET /api/v1/me': (auth) => (auth === 'Bearer token-2' ? json(200, account) : json(401, {})),
    });
    const client = new ApiClient(server.fetch);
    await client.signIn('ana@example.org', 'x');
    const answers = await Promise.all([client.get('/api/v1/me'), client.get('/api/v1/me'), client.get('/api/v1/me')]);
    expect(answers).toEqual([account, account, account]);
    expect(server.calls.filter((c) => c.key === 'POST /api/v1/auth/refresh')).toHaveLength(1);
  });

  it('takes turns with other tabs to refresh (the cookie is shared; a reused one ends the session)', async () => {
    // The browser's refresh cookie, rotated by every refresh; presenting an old one ends it all.
    let cookie = 1;
    let inFlight = 0;
    let most = 0;
    const fetch = (async () => {
      const sent = cookie;
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      if (sent !== cookie) return json(401, { error: { code: 'unauthenticated', message: 'reused' } });
      cookie += 1;
      return json(200, { access_token: `token-${cookie}`, expires_in: 900, account });
    }) as unknown as typeof globalThis.fetch;
    // Web Locks as the browser keeps them: one holder per name at a time, in request order.
    let tail: Promise<unknown> = Promise.resolve();
    const names: string[] = [];
    const locks = {
      request: (name: string, work: () => Promise<unknown>) => {
        names.push(name);
        const run = tail.then(work);
        tail = run.catch(() => undefined);
        return run;
      },
    };
    const tabs = [new ApiClient(fetch), new ApiClient(fetch)];
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
    try {
      expect(await Promise.all(tabs.map((tab) => tab.refresh()))).toEqual([account, account]);
      expect(most).toBe(1);
      expect(names).toEqual([REFRESH_LOCK, REFRESH_LOCK]);
    } finally {
      Reflect.deleteProperty(navigator, 'locks');
    }
    // Without the lock both tabs send the same cookie at once and one is signed out: what the
    // lock prevents.
    expect(await Promise.all(tabs.map((tab) => tab.refresh()))).toContain(null);
  });

  it('ends the session when the refresh fails and tells listeners', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/signin': signIn,
      'POST /api/v1/auth/refresh': () => json(401, { error: { code: 'unauthenticated', message: 'gone' } }),
      'GET /api/v1/me': () => json(401, {}),
    });
    const client = new ApiClient(server.fetch);
    const heard: unknown[] = [];
    client.subscribe((a) => heard.push(a));
    await client.signIn('ana@example.org', 'x');
    await expect(client.get('/api/v1/me')).rejects.toMatchObject({ status: 401 });
    expect(client.signedIn).toBe(false);
    expect(client.account).toBeNull();
    expect(heard).toEqual([account, null]);
  });

  it('restores a session from the refresh cookie', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/refresh': () => json(200, { access_token: 'token-9', expires_in: 900, account }),
    });
    const client = new ApiClient(server.fetch);
    expect(await client.refresh()).toEqual(account);
    expect(client.signedIn).toBe(true);
  });

  it('turns the server error body into an ApiError naming the field', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/signin': () =>
        json(422, { error: { code: 'validation_failed', message: 'email is not valid', field: 'email' } }),
    });
    const client = new ApiClient(server.fetch);
    const error = await client.signIn('nope', 'x').catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: 'validation_failed',
      field: 'email',
      message: 'email is not valid',
    });
  });

  it('reads Retry-After on 429 and reports a network failure plainly', async () => {
    const limited = fakeServer({
      'POST /api/v1/auth/signin': () =>
        json(429, { error: { code: 'rate_limited', message: 'too many attempts' } }, { 'Retry-After': '30' }),
    });
    const error = await new ApiClient(limited.fetch).signIn('a@b.c', 'x').catch((e) => e);
    expect(error).toMatchObject({ status: 429, retryAfter: 30 });
    const down = new ApiClient((async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch);
    await expect(down.get('/api/v1/me')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('signs out on the server and forgets the session even if the server fails', async () => {
    const server = fakeServer({
      'POST /api/v1/auth/signin': signIn,
      'POST /api/v1/auth/signout': () => json(500, {}),
    });
    const client = new ApiClient(server.fetch);
    await client.signIn('ana@example.org', 'x');
    await client.signOut();
    expect(client.signedIn).toBe(false);
    expect(server.calls.at(-1)).toEqual({ key: 'POST /api/v1/auth/signout', auth: 'Bearer token-1' });
  });

  it('builds query strings without empty values', () => {
    expect(withQuery('/x', { a: 1, b: '', c: undefined, d: 'q r' })).toBe('/x?a=1&d=q+r');
    expect(withQuery('/x', {})).toBe('/x');
  });
});

describe('pageByLastId', () => {
  const rows = (...ids: number[]) => ({ items: ids.map((id) => ({ id })) });

  it('offers the page after a full page, from its last id', () => {
    expect(pageByLastId(rows(30, 29, 28), 3)).toEqual({ items: [{ id: 30 }, { id: 29 }, { id: 28 }], next: 28 });
  });

  it('ends at a page shorter than the limit, or an empty one', () => {
    expect(pageByLastId(rows(5, 4), 3).next).toBeNull();
    expect(pageByLastId(rows(), 3)).toEqual({ items: [], next: null });
  });
});
