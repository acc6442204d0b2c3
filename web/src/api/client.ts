// The one door to the server. The access token lives in this object only (never in
// localStorage or sessionStorage); the refresh token is an HttpOnly cookie the browser sends to
// /api/v1/auth. A 401 on an authenticated call triggers one refresh (shared by concurrent
// callers, because the server ends the whole session when a refresh token is reused) and one
// retry; if the refresh fails the session is over and listeners hear `null`.

import type { components, operations } from './schema';

// The API's types come from its description (docs/openapi.yaml -> schema.ts, npm run api-types),
// never written by hand, so the app cannot drift from what the server sends.

/** A named type of the API description. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

type Json<Response> = Response extends { content: { 'application/json': infer Type } } ? Type : never;
type Success<Responses> = Responses extends { 200: infer Response }
  ? Response
  : Responses extends { 201: infer Response }
    ? Response
    : Responses extends { 202: infer Response }
      ? Response
      : never;
/** The JSON answer of an operation (by its operationId) when it succeeds. */
export type Answer<Operation extends keyof operations> = Json<Success<operations[Operation]['responses']>>;
/** The JSON body an operation takes. */
export type Body<Operation extends keyof operations> = operations[Operation] extends {
  requestBody?: { content: { 'application/json': infer Type } };
}
  ? Type
  : never;
/** One item of an operation's `items` list. */
export type Item<Operation extends keyof operations> =
  Answer<Operation> extends { items: (infer Type)[] } ? Type : never;

export type Role = Schema<'Role'>;
export type Account = Schema<'Account'>;
export type TokenAnswer = Schema<'Tokens'>;
/** The password was right and the account has two-step sign-in on: answer the challenge. */
export type SecondFactorChallenge = Schema<'SecondFactorChallenge'>;

/** An error answer of the server: `{"error": {"code", "message", "field"}}`. */
/** The Web Locks name every tab of this origin refreshes under. */
export const REFRESH_LOCK = 'vitalis-refresh';

/**
 * Runs `work` holding the browser-wide refresh lock (the Web Locks API), so two tabs never present
 * the same refresh cookie at once: the server rotates the token on every use and treats a used
 * one as stolen, ending the session, so two tabs refreshing together (both reloaded, or both woken
 * up) would sign the person out. Where the API is missing, runs at once.
 */
function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return work();
  return locks.request(REFRESH_LOCK, work) as Promise<T>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly retryAfter?: number;
  /** "Did you mean": values the server offers instead (confirmation_required, range errors). */
  readonly suggestions: string[];
  /** The whole `error` object of the answer, for errors that carry more (e.g. a 409's conflicts). */
  readonly detail?: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    field?: string,
    retryAfter?: number,
    suggestions: string[] = [],
    detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
    this.suggestions = suggestions;
    this.detail = detail;
  }
}

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Send the access token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
  /** Headers of the request itself (e.g. `Idempotency-Key`). */
  headers?: Record<string, string>;
}

type Listener = (account: Account | null) => void;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function toError(response: Response): Promise<ApiError> {
  let code = 'http_' + response.status;
  let message = response.statusText || `request failed (${response.status})`;
  let field: string | undefined;
  let suggestions: string[] = [];
  let detail: Record<string, unknown> | undefined;
  try {
    const body = await response.json();
    if (body && typeof body === 'object' && body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      field = body.error.field ?? undefined;
      if (Array.isArray(body.error.suggestions)) suggestions = body.error.suggestions.map(String);
      detail = body.error;
    }
  } catch {
    // not JSON: keep the status text
  }
  const retry = Number(response.headers.get('Retry-After'));
  return new ApiError(
    response.status,
    code,
    message,
    field,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
    suggestions,
    detail,
  );
}

export class ApiClient {
  private token: string | null = null;
  private current: Account | null = null;
  private refreshing: Promise<Account | null> | null = null;
  private listeners = new Set<Listener>();
  private readonly fetchImpl: typeof fetch;

  constructor(
    fetchImpl?: typeof fetch,
    private readonly base = '',
  ) {
    this.fetchImpl = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  }

  get account(): Account | null {
    return this.current;
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  /**
   * The access token, for the one caller that cannot send it as a header: the chat's WebSocket,
   * which signs in with its first message (chat/connection.ts). Never put it in a URL or storage.
   */
  get accessToken(): string | null {
    return this.token;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setSession(answer: TokenAnswer | null) {
    this.token = answer ? answer.access_token : null;
    this.current = answer ? answer.account : null;
    for (const listener of this.listeners) listener(this.current);
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (options.auth !== false && this.token) headers.Authorization = `Bearer ${this.token}`;
    try {
      return await this.fetchImpl(this.base + withQuery(path, options.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
    }
  }

  /** One API call; JSON answer (or undefined for 204). Throws ApiError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    let response = await this.send(method, path, options);
    if (response.status === 401 && options.auth !== false && this.token) {
      const account = await this.refresh();
      if (!account) throw new ApiError(401, 'unauthenticated', 'Your session has ended. Please sign in again.');
      response = await this.send(method, path, options);
    }
    if (!response.ok) throw await toError(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  /**
   * Trades the refresh cookie for a new access token. Concurrent callers share one request, and
   * tabs take turns (acrossTabs): the cookie is the browser's, so a tab that waits sends the one
   * the tab before it received. Resolves to the account, or null when there is no session (the
   * user must sign in).
   */
  refresh(): Promise<Account | null> {
    if (!this.refreshing) {
      this.refreshing = acrossTabs(async () => {
        try {
          const response = await this.send('POST', '/api/v1/auth/refresh', { auth: false });
          // 204: no refresh cookie, so no session to restore.
          if (!response.ok || response.status === 204) {
            this.setSession(null);
            return null;
          }
          const answer = (await response.json()) as TokenAnswer;
          this.setSession(answer);
          return answer.account;
        } catch {
          this.setSession(null);
          return null;
        } finally {
          this.refreshing = null;
        }
      });
    }
    return this.refreshing;
  }

  /** The account, or the challenge of the second step when two-step sign-in is on. */
  async signIn(email: string, password: string): Promise<Account | SecondFactorChallenge> {
    const answer = await this.request<TokenAnswer | SecondFactorChallenge>('POST', '/api/v1/auth/signin', {
      body: { email, password },
      auth: false,
    });
    if ('challenge' in answer) return answer;
    this.setSession(answer);
    return answer.account;
  }

  /** The second step: a code from the authenticator app, or a recovery code. */
  async signInSecondStep(challenge: string, code: string): Promise<Account> {
    const answer = await this.request<TokenAnswer>('POST', '/api/v1/auth/second-factor', {
      body: { challenge, code },
      auth: false,
    });
    this.setSession(answer);
    return answer.account;
  }

  /** Starts the session a server answer carries (verifying an email, claiming an account). */
  adopt(answer: TokenAnswer): Account {
    this.setSession(answer);
    return answer.account;
  }

  /** Ends this device's session on the server (best effort) and forgets everything here. */
  async signOut(): Promise<void> {
    try {
      if (this.token) await this.request('POST', '/api/v1/auth/signout');
    } catch {
      // the session is forgotten locally either way
    } finally {
      this.setSession(null);
    }
  }
}

export const api = new ApiClient();

export const patientPath = (id: number) => `/api/v1/patients/${id}`;

/** A list the server answers whole: `{"items": [...]}`. */
export interface Items<T> {
  items: T[];
}

/** What the server pages by: an id (`next_before`) or an opaque text (`next_cursor`). */
export type Cursor = string | number;

/**
 * One page of a list, the one paging shape of the app whichever cursor the server names:
 * `next` is passed back to get the page after this one, and is null on the last page.
 */
export interface Page<T> extends Items<T> {
  next: Cursor | null;
}

/** A page as the server writes it (docs/API.md: `next_before` or `next_cursor`). */
interface ServerPage<T> extends Items<T> {
  next_before?: Cursor | null;
  next_cursor?: Cursor | null;
}

export function toPage<T>(answer: ServerPage<T>): Page<T> {
  return { items: answer.items, next: answer.next_before ?? answer.next_cursor ?? null };
}

/** GET of one page of a paged list. */
export function getPage<T>(path: string, query?: Query, signal?: AbortSignal): Promise<Page<T>> {
  return api.get<ServerPage<T>>(path, query, signal).then(toPage);
}

/**
 * A page of a list that pages by its rows' ids instead of naming a cursor (docs/API.md: `before`
 * = the last `id`): a full page of `limit` rows may have more after it, a shorter one is the last.
 */
export function pageByLastId<T extends { id: number }>(answer: Items<T>, limit: number): Page<T> {
  const last = answer.items.at(-1);
  return { items: answer.items, next: last && answer.items.length >= limit ? last.id : null };
}

/** GET of one page, `limit` rows before the row `before` (pageByLastId). */
export function getPageBefore<T extends { id: number }>(
  path: string,
  query: Query,
  limit: number,
  before?: Cursor,
): Promise<Page<T>> {
  return api.get<Items<T>>(path, { ...query, before, limit }).then((answer) => pageByLastId(answer, limit));
}
