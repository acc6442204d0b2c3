// The chat's one connection to the server (docs/API.md "Chat"). A WebSocket that signs in with its
// first message (the access token never goes in the URL) and resumes from the last message it has
// of each conversation; it reconnects with backoff, asks for a pong when the line is quiet and
// treats 70 s without a word as a dead socket. When WebSocket cannot connect (3 failures in a row,
// or the browser refusing to open one) it falls back to the long poll and the REST routes, and
// tries WebSocket again now and then. Messages wait in an outbox under their client_id until the
// server acknowledges them, so a resend after a reconnect is stored once. Knows nothing of React:
// it reports `ChatEvent`s to one listener. One per page (the browser runs it on one thread).
import { ApiError } from '../api/client';
import type {
  ChatApi,
  ChatMessage,
  Conversation,
  PresenceEvent,
  ReceiptEvent,
  ReceiptKind,
  ServerEvent,
  TypingEvent,
  TypingState,
} from '../api/chat';

/** What the person is told: connecting, live, reconnecting, fallback (long poll), or closed for good. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'fallback' | 'closed';

/** What the connection reports, the same whichever way the events came. */
export type ChatEvent =
  | { type: 'state'; state: ConnectionState }
  /** Every conversation with its counts (the socket's `ready`, each poll's answer). */
  | { type: 'conversations'; conversations: Conversation[] }
  | { type: 'message'; message: ChatMessage }
  /** A message of the outbox is stored. */
  | { type: 'ack'; clientId: string; message: ChatMessage }
  /** A message of the outbox was refused (it left the outbox). */
  | { type: 'failed'; clientId: string; code: string }
  | ReceiptEvent
  | TypingEvent
  | PresenceEvent
  | { type: 'conversation'; conversation_id: number };

/** The part of a WebSocket the connection uses (a fake one in tests). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: (() => void) | null;
}

export interface ConnectionOptions {
  /** The socket's address, without any token. */
  url: string;
  /** Opens a socket; may throw (a browser or policy that refuses WebSocket). */
  openSocket?: (url: string) => SocketLike;
  /** The access token the app holds now. */
  token: () => string | null;
  /** Gets a new access token (the app's refresh); false when the session is over. */
  refresh: () => Promise<boolean>;
  /** The session cannot be renewed: the person must sign in again. */
  signedOut: () => void;
  /** The REST routes of the fallback. */
  rest: Pick<ChatApi, 'poll' | 'since' | 'send' | 'receipt' | 'typing'>;
  onEvent: (event: ChatEvent) => void;
  /** 0 to 1, for the backoff's jitter. */
  random?: () => number;
}

export const TIMING = {
  /** Nothing heard this long: ask the server for a pong (its own pings do not reach the page). */
  pingAfterMs: 30000,
  /** Nothing heard this long: the socket is dead. */
  deadAfterMs: 70000,
  /** Sockets in a row that close before `ready`, then the long poll. */
  failuresBeforeFallback: 3,
  firstRetryMs: 500,
  maxRetryMs: 30000,
  /** In the fallback, WebSocket is tried again this often. */
  probeEveryMs: 60000,
  pollTimeoutSeconds: 20,
  /**
   * A poll answered at once with nothing new (the server answers at once while typing or presence
   * events of its last ten seconds are kept): wait this long before the next.
   */
  pollPauseMs: 1000,
};

/** Close codes of /ws/chat (docs/API.md). */
const CLOSE = { unauthenticated: 4401, forbidden: 4403, sessionEnded: 4409 };

/**
 * The events of a poll's answer that the previous answer did not have. The server answers with the
 * events of its last ten seconds, oldest first: the new list starts with the end of the old one.
 */
export function freshEvents(previous: string[], current: string[]): string[] {
  for (let overlap = Math.min(previous.length, current.length); overlap > 0; overlap--) {
    const tail = previous.slice(previous.length - overlap);
    if (tail.every((event, index) => event === current[index])) return current.slice(overlap);
  }
  return current;
}

interface Outgoing {
  conversationId: number;
  text: string;
  posting?: boolean;
}

type Mode = 'socket' | 'poll';

export class ChatConnection {
  private state: ConnectionState = 'connecting';
  private mode: Mode = 'socket';
  private socket: SocketLike | null = null;
  /** Sockets in a row that closed before `ready`. */
  private failures = 0;
  /** Sign-in refusals in a row (a refreshed token refused again ends it). */
  private refusals = 0;
  private stopped = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setTimeout>;
  private deadTimer?: ReturnType<typeof setTimeout>;
  private probeTimer?: ReturnType<typeof setTimeout>;
  private readonly outbox = new Map<string, Outgoing>();
  /** The last message the page has of each conversation it shows: where a reconnect resumes. */
  private readonly seen = new Map<number, number>();
  /** Each conversation's last message as the server last said. */
  private readonly lastSeq = new Map<number, number>();
  /** Receipts waiting for a connection: "conversation:kind" -> seq. */
  private readonly receipts = new Map<string, number>();
  private readonly fetching = new Set<number>();
  private pollGeneration = 0;
  private pollAbort: AbortController | null = null;
  private pollEvents: string[] = [];
  private readonly openSocket: (url: string) => SocketLike;
  private readonly random: () => number;

  constructor(private readonly options: ConnectionOptions) {
    this.openSocket = options.openSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.random = options.random ?? Math.random;
  }

  get current(): ConnectionState {
    return this.state;
  }

  start() {
    this.open();
  }

  stop() {
    this.stopped = true;
    for (const timer of [this.retryTimer, this.pingTimer, this.deadTimer, this.probeTimer]) clearTimeout(timer);
    this.stopPolling();
    this.drop(1000);
  }

  /** A reconnect that is waiting for its backoff goes now (the browser is back online). */
  retryNow() {
    if (this.stopped || this.socket || this.mode !== 'socket' || this.state !== 'reconnecting') return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  /** Sends a message now or as soon as there is a connection, until the server acknowledges it. */
  send(conversationId: number, clientId: string, text: string) {
    this.outbox.set(clientId, { conversationId, text });
    this.transmit(clientId);
  }

  typing(conversationId: number, state: TypingState) {
    if (this.live()) this.socket!.send(JSON.stringify({ type: 'typing', conversation_id: conversationId, state }));
    else if (this.state === 'fallback') this.options.rest.typing(conversationId, state).catch(() => {});
    // otherwise dropped: typing is ephemeral
  }

  receipt(conversationId: number, kind: ReceiptKind, seq: number) {
    if (this.live()) {
      this.socket!.send(JSON.stringify({ type: kind, conversation_id: conversationId, seq }));
    } else if (this.state === 'fallback') {
      this.options.rest.receipt(conversationId, kind, seq).catch(() => {});
    } else {
      const key = `${conversationId}:${kind}`;
      this.receipts.set(key, Math.max(seq, this.receipts.get(key) ?? 0));
    }
  }

  /** The page has every message of `conversationId` up to `seq`: resume from there. */
  noteSeen(conversationId: number, seq: number) {
    if (seq < (this.seen.get(conversationId) ?? -1)) return;
    this.seen.set(conversationId, seq);
    if (this.mode === 'poll' && (this.lastSeq.get(conversationId) ?? 0) > seq) void this.catchUp(conversationId);
  }

  private live(): boolean {
    return this.state === 'live' && this.socket !== null;
  }

  private setState(state: ConnectionState) {
    if (state === this.state) return;
    this.state = state;
    this.options.onEvent({ type: 'state', state });
  }

  private open() {
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = this.openSocket(this.options.url);
    } catch {
      // Refused outright (a policy, a browser without WebSocket): no point in trying again soon.
      if (this.mode === 'socket') this.fallBack();
      else this.probeTimer = setTimeout(() => this.open(), TIMING.probeEveryMs);
      return;
    }
    this.socket = socket;
    let ready = false;
    this.listen(socket, false);
    socket.onopen = () => {
      const resume = Object.fromEntries(this.seen);
      socket.send(JSON.stringify({ type: 'auth', token: this.options.token() ?? '', resume }));
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      let parsed: ServerEvent;
      try {
        parsed = JSON.parse(String(event.data)) as ServerEvent;
      } catch {
        return;
      }
      if (parsed.type === 'ready') {
        ready = true;
        this.listen(socket, true);
        this.becameLive(parsed.conversations);
      } else {
        this.listen(socket, ready);
        this.handle(parsed);
      }
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.closed(event.code, ready);
    };
    socket.onerror = () => {}; // a close follows
  }

  /** Something was heard (or the socket opened): the dead-socket clock starts again. */
  private listen(socket: SocketLike, ready: boolean) {
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadTimer);
    // Before `ready` the server takes nothing but `auth`: no ping then.
    if (ready) this.pingTimer = setTimeout(() => socket.send('{"type":"ping"}'), TIMING.pingAfterMs);
    this.deadTimer = setTimeout(() => {
      if (this.socket !== socket) return;
      this.drop(4000);
      this.closed(1006, ready);
    }, TIMING.deadAfterMs);
  }

  /** Forgets the socket (no more events from it) and closes it. */
  private drop(code: number) {
    const socket = this.socket;
    this.socket = null;
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadTimer);
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(code);
    } catch {
      // closing a socket that never opened
    }
  }

  private becameLive(conversations: Conversation[]) {
    if (this.mode === 'poll') {
      this.mode = 'socket';
      this.stopPolling();
    }
    clearTimeout(this.probeTimer);
    this.failures = 0;
    this.refusals = 0;
    this.setState('live');
    this.snapshot(conversations);
    for (const clientId of this.outbox.keys()) this.transmit(clientId);
    this.flushReceipts();
  }

  private closed(code: number, wasReady: boolean) {
    this.socket = null;
    clearTimeout(this.pingTimer);
    clearTimeout(this.deadTimer);
    if (this.stopped) return;
    if (this.mode === 'poll') {
      // A try at WebSocket from the fallback failed: keep polling, try later.
      this.probeTimer = setTimeout(() => this.open(), TIMING.probeEveryMs);
      return;
    }
    if (code === CLOSE.unauthenticated || code === CLOSE.sessionEnded) {
      void this.signInAgain();
      return;
    }
    if (code === CLOSE.forbidden) {
      this.setState('closed');
      return;
    }
    this.failures = wasReady ? 0 : this.failures + 1;
    if (this.failures >= TIMING.failuresBeforeFallback) {
      this.fallBack();
      return;
    }
    if (this.state !== 'connecting' || wasReady) this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.open(), this.backoff(this.failures));
  }

  private backoff(failures: number): number {
    const full = Math.min(TIMING.maxRetryMs, TIMING.firstRetryMs * 2 ** failures);
    return full / 2 + (full / 2) * this.random();
  }

  /** The token was refused (4401) or the session ended (4409): a new token, else sign in again. */
  private async signInAgain() {
    this.refusals += 1;
    if (this.refusals <= 2) {
      this.setState('reconnecting');
      const renewed = await this.options.refresh();
      if (this.stopped) return;
      if (renewed) {
        this.open();
        return;
      }
    }
    this.setState('closed');
    this.options.signedOut();
  }

  private fallBack() {
    this.mode = 'poll';
    this.setState('fallback');
    this.probeTimer = setTimeout(() => this.open(), TIMING.probeEveryMs);
    for (const clientId of this.outbox.keys()) this.transmit(clientId);
    this.flushReceipts();
    void this.poll();
  }

  private stopPolling() {
    this.pollGeneration += 1;
    this.pollAbort?.abort();
    this.pollAbort = null;
    this.pollEvents = [];
  }

  private sleep(ms: number) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private async poll() {
    const generation = ++this.pollGeneration;
    const current = () => !this.stopped && this.mode === 'poll' && generation === this.pollGeneration;
    let cursor: string | undefined;
    let failures = 0;
    while (current()) {
      const abort = new AbortController();
      this.pollAbort = abort;
      try {
        const answer = await this.options.rest.poll(cursor, TIMING.pollTimeoutSeconds, abort.signal);
        if (!current()) return;
        const unchanged = answer.cursor === cursor;
        cursor = answer.cursor;
        failures = 0;
        this.snapshot(answer.conversations);
        const events = answer.events.map((event) => JSON.stringify(event));
        const fresh = freshEvents(this.pollEvents, events);
        this.pollEvents = events;
        for (const event of fresh) this.handle(JSON.parse(event) as ServerEvent);
        await this.catchUp();
        // Messages whose POST failed for want of a network go again.
        for (const clientId of this.outbox.keys()) this.transmit(clientId);
        if (unchanged && fresh.length === 0) await this.sleep(TIMING.pollPauseMs);
      } catch (error) {
        if (!current()) return;
        if (error instanceof ApiError && error.status === 401) {
          // The API client tried a refresh already: the session is over.
          this.setState('closed');
          this.options.signedOut();
          return;
        }
        const wait = error instanceof ApiError && error.retryAfter ? error.retryAfter * 1000 : this.backoff(failures++);
        await this.sleep(wait);
      }
    }
  }

  private snapshot(conversations: Conversation[]) {
    for (const conversation of conversations) this.lastSeq.set(conversation.id, conversation.last_seq);
    this.options.onEvent({ type: 'conversations', conversations });
  }

  /** Reads the messages the server has after the page's last one (of one conversation, or of all it shows). */
  private async catchUp(only?: number) {
    for (const [conversationId, seen] of this.seen) {
      if (only !== undefined && conversationId !== only) continue;
      if ((this.lastSeq.get(conversationId) ?? 0) > seen) await this.fetchAfter(conversationId);
    }
  }

  private async fetchAfter(conversationId: number) {
    if (this.fetching.has(conversationId)) return;
    this.fetching.add(conversationId);
    try {
      for (;;) {
        const page = await this.options.rest.since(conversationId, this.seen.get(conversationId) ?? 0);
        if (this.stopped) return;
        for (const message of page.items) this.deliver(message);
        if (!page.more || page.items.length === 0) return;
      }
    } catch {
      // the next poll (or `more`) tries again
    } finally {
      this.fetching.delete(conversationId);
    }
  }

  private deliver(message: ChatMessage) {
    const seen = this.seen.get(message.conversation_id);
    if (seen !== undefined && message.seq > seen) this.seen.set(message.conversation_id, message.seq);
    this.lastSeq.set(message.conversation_id, Math.max(message.seq, this.lastSeq.get(message.conversation_id) ?? 0));
    this.options.onEvent({ type: 'message', message });
  }

  private handle(event: ServerEvent) {
    switch (event.type) {
      case 'message':
        this.deliver(event.message);
        break;
      case 'ack':
        this.outbox.delete(event.client_id);
        this.options.onEvent({ type: 'ack', clientId: event.client_id, message: event.message });
        break;
      case 'error':
        if (event.ref && this.outbox.delete(event.ref)) {
          this.options.onEvent({ type: 'failed', clientId: event.ref, code: event.code });
        }
        break;
      case 'more':
        void this.fetchAfter(event.conversation_id);
        break;
      case 'receipt':
      case 'typing':
      case 'presence':
      case 'conversation':
        this.options.onEvent(event);
        break;
      default:
        break; // pong, and a `ready` cannot come here
    }
  }

  private transmit(clientId: string) {
    const message = this.outbox.get(clientId);
    if (!message) return;
    if (this.live()) {
      this.socket!.send(
        JSON.stringify({
          type: 'send',
          conversation_id: message.conversationId,
          client_id: clientId,
          text: message.text,
        }),
      );
    } else if (this.state === 'fallback') {
      void this.post(clientId, message);
    }
    // otherwise it waits for the connection (becameLive and fallBack send the outbox)
  }

  private async post(clientId: string, message: Outgoing) {
    if (message.posting) return;
    message.posting = true;
    try {
      const stored = await this.options.rest.send(message.conversationId, clientId, message.text);
      this.outbox.delete(clientId);
      this.options.onEvent({ type: 'ack', clientId, message: stored });
    } catch (error) {
      // Refused (4xx but a rate limit): it will not go. Anything else: it stays and goes again.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
        if (this.outbox.delete(clientId)) this.options.onEvent({ type: 'failed', clientId, code: error.code });
      }
    } finally {
      message.posting = false;
    }
  }

  private flushReceipts() {
    const waiting = [...this.receipts];
    this.receipts.clear();
    for (const [key, seq] of waiting) {
      const [conversationId, kind] = key.split(':');
      this.receipt(Number(conversationId), kind as ReceiptKind, seq);
    }
  }
}
