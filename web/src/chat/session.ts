// The signed-in person's chat while a chat page is open: one ChatConnection, the state the pages
// show (state.ts) and what they do (load a thread and its older pages, send, mark read, say they
// are typing). It lives outside React so that moving between conversations — each its own
// address, so its own page — keeps the connection; it closes a little after the last chat page
// is left, and at once at sign-out. Receipts: `received` for every message of the other person
// that reaches this device, `read` when the page shows the thread (Thread calls markRead).
// While it has a list, its unread total is the navigation's count (unread.ts).
import { useEffect, useSyncExternalStore } from 'react';
import { chat, type ChatApi, type Conversation, type TypingState } from '../api/chat';
import { api } from '../api/client';
import { ChatConnection, type ChatEvent, type ConnectionOptions } from './connection';
import { initialState, lastSeqOf, reduce, unreadTotal, type ChatAction, type ChatState } from './state';
import { unreadMessages } from './unread';

/** The connection stays this long after the last chat page is left (coming back is instant). */
const LINGER_MS = 10000;

export function socketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/chat`;
}

/** A random UUID (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface SessionDeps {
  rest: ChatApi;
  connect: (
    options: ConnectionOptions,
  ) => Pick<ChatConnection, 'start' | 'stop' | 'send' | 'typing' | 'receipt' | 'noteSeen' | 'retryNow'>;
  me: () => number | null;
  /** Hears the unread total whenever the state changes (null: no list, or the chat closed). */
  unread?: (total: number | null) => void;
}

export class ChatSession {
  private state: ChatState = initialState(null);
  private readonly listeners = new Set<() => void>();
  private connection: ReturnType<SessionDeps['connect']> | null = null;
  /** Counts resets: an answer that comes back after one is dropped. */
  private generation = 0;
  private users = 0;
  private lingerTimer?: ReturnType<typeof setTimeout>;
  /** The connection has sent its own list of conversations (a REST one arriving later is older). */
  private listed = false;
  /** The highest `received` receipt sent, per conversation. */
  private readonly received = new Map<number, number>();
  private readonly loading = new Set<string>();
  /** What is typed in each conversation's message box and not sent yet (memory only). */
  readonly drafts = new Map<number, string>();
  private readonly online = () => this.connection?.retryNow();

  constructor(private readonly deps: SessionDeps) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): ChatState => this.state;

  private dispatch(action: ChatAction) {
    this.state = reduce(this.state, action);
    this.changed();
  }

  private changed() {
    this.deps.unread?.(unreadTotal(this.state));
    for (const listener of this.listeners) listener();
  }

  /** A chat page is shown: connects when needed. Returns what to call when it goes. */
  acquire(): () => void {
    this.users += 1;
    clearTimeout(this.lingerTimer);
    if (!this.connection) this.connect();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users -= 1;
      if (this.users === 0) this.lingerTimer = setTimeout(() => this.reset(), LINGER_MS);
    };
  }

  private connect() {
    // A page's effects may have asked for its thread already (children's effects run first).
    this.state = { ...this.state, me: this.deps.me() };
    this.listed = false;
    const generation = this.generation;
    const connection = this.deps.connect({
      url: socketUrl(),
      token: () => api.accessToken,
      refresh: async () => (await api.refresh()) !== null,
      signedOut: () => void api.signOut(),
      rest: this.deps.rest,
      onEvent: (event) => this.onEvent(event),
    });
    this.connection = connection;
    window.addEventListener('online', this.online);
    connection.start();
    // The list shows at once, whatever the socket does meanwhile.
    this.deps.rest
      .conversations()
      .then((answer) => {
        if (this.generation === generation && !this.listed) {
          this.dispatch({ type: 'conversations', conversations: answer.items });
        }
      })
      .catch(() => {});
  }

  /** Closes the connection and forgets everything (sign-out, or no chat page for a while). */
  reset() {
    this.generation += 1;
    clearTimeout(this.lingerTimer);
    window.removeEventListener('online', this.online);
    this.connection?.stop();
    this.connection = null;
    this.received.clear();
    this.loading.clear();
    this.drafts.clear();
    this.state = initialState(null);
    this.changed();
  }

  private onEvent(event: ChatEvent) {
    this.dispatch(event);
    if (event.type === 'conversations') {
      this.listed = true;
      for (const conversation of event.conversations) {
        if (conversation.unread > 0) this.delivered(conversation.id, conversation.last_seq);
      }
    } else if (event.type === 'message' && event.message.sender_id !== this.state.me) {
      this.delivered(event.message.conversation_id, event.message.seq);
    } else if (event.type === 'conversation') {
      const generation = this.generation;
      this.deps.rest
        .conversation(event.conversation_id)
        .then((conversation) => {
          if (this.generation === generation) this.dispatch({ type: 'conversation-loaded', conversation });
        })
        .catch(() => {});
    }
  }

  /** Tells the other person's ticks that a message reached this device. */
  private delivered(conversationId: number, seq: number) {
    if (seq <= (this.received.get(conversationId) ?? 0)) return;
    this.received.set(conversationId, seq);
    this.connection?.receipt(conversationId, 'received', seq);
  }

  /** The thread is on screen: its messages are read, up to the last one shown. */
  markRead(conversationId: number) {
    const conversation = this.state.conversations?.find((c) => c.id === conversationId);
    const seq = lastSeqOf(this.state.threads[conversationId]);
    if (!conversation || seq <= conversation.last_read_seq) return;
    this.received.set(conversationId, Math.max(seq, this.received.get(conversationId) ?? 0));
    this.connection?.receipt(conversationId, 'read', seq);
    this.dispatch({ type: 'read', conversationId, seq });
  }

  /** Loads a conversation and its latest messages the first time it is opened. */
  open(conversationId: number) {
    if (!this.state.conversations?.some((c) => c.id === conversationId)) {
      const key = `${conversationId}:conversation`;
      if (!this.loading.has(key)) {
        this.loading.add(key);
        const generation = this.generation;
        this.deps.rest
          .conversation(conversationId)
          .then((conversation) => {
            if (this.generation === generation) this.dispatch({ type: 'conversation-loaded', conversation });
          })
          .catch((error: unknown) => {
            if (this.generation === generation) {
              this.dispatch({ type: 'history-failed', conversationId, error, older: false });
            }
          })
          .finally(() => this.loading.delete(key));
      }
    }
    if (!this.state.threads[conversationId]?.loaded) void this.loadHistory(conversationId, false);
  }

  /** The page of messages before the oldest one shown. */
  loadOlder(conversationId: number) {
    void this.loadHistory(conversationId, true);
  }

  private async loadHistory(conversationId: number, older: boolean) {
    const key = `${conversationId}:${older ? 'older' : 'latest'}`;
    const before = older ? this.state.threads[conversationId]?.messages[0]?.seq : undefined;
    if (this.loading.has(key) || (older && !before)) return;
    this.loading.add(key);
    const generation = this.generation;
    this.dispatch({ type: 'history-loading', conversationId, older });
    try {
      const page = await this.deps.rest.history(conversationId, before);
      if (this.generation !== generation) return;
      this.dispatch({ type: 'history', conversationId, page, older });
      if (!older) this.connection?.noteSeen(conversationId, page.items[0]?.seq ?? 0);
    } catch (error) {
      if (this.generation === generation) this.dispatch({ type: 'history-failed', conversationId, error, older });
    } finally {
      this.loading.delete(key);
    }
  }

  send(conversationId: number, text: string) {
    const clientId = newClientId();
    this.dispatch({ type: 'sending', outgoing: { clientId, conversationId, text } });
    this.connection?.send(conversationId, clientId, text);
  }

  /** Sends a refused message again, under the same client_id (stored once whatever happens). */
  retry(clientId: string) {
    const outgoing = this.state.outbox.find((o) => o.clientId === clientId);
    if (!outgoing) return;
    this.dispatch({ type: 'retrying', clientId });
    this.connection?.send(outgoing.conversationId, clientId, outgoing.text);
  }

  discard(clientId: string) {
    this.dispatch({ type: 'discarded', clientId });
  }

  typing(conversationId: number, state: TypingState) {
    this.connection?.typing(conversationId, state);
  }

  /** The conversation with `otherId`, started or found; it joins the list. */
  async start(otherId: number): Promise<Conversation> {
    const conversation = await this.deps.rest.start(otherId);
    this.dispatch({ type: 'conversation-loaded', conversation });
    return conversation;
  }
}

export const chatSession = new ChatSession({
  rest: chat,
  connect: (options) => new ChatConnection(options),
  me: () => api.account?.id ?? null,
  // The navigation's unread count follows the chat's own while it is live.
  unread: (total) => unreadMessages.setLive(total),
});

// Signing out closes the chat and forgets it.
api.subscribe((account) => {
  if (!account) chatSession.reset();
});

/** The chat's state, connected while the calling page is shown. */
export function useChat(): ChatState {
  useEffect(() => chatSession.acquire(), []);
  return useSyncExternalStore(chatSession.subscribe, chatSession.getSnapshot);
}
