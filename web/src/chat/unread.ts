// The number of unread messages beside "Messages" in the navigation, on every page. While the chat
// session is live (a chat page open, or lingering after one), it is the chat's own count, which
// moves with its events (session.ts reports it); otherwise the server's total,
// GET /api/v1/chat/unread, asked when the app starts for a patient or a doctor, every minute while
// the tab is seen, when the tab comes back into view, and at once when the chat's live count goes.
// It never opens the chat's WebSocket: being online means having the chat open, and the server
// emails the offline.
import { useEffect, useSyncExternalStore } from 'react';
import { chat, type UnreadTotals } from '../api/chat';
import { api, type Role } from '../api/client';

/** How often the server is asked while the tab is seen and the chat is not live. */
export const POLL_EVERY_MS = 60000;

/** Past this the navigation shows "99+". */
export const MOST_SHOWN = 99;

/** The roles that have a chat: the unread count is never asked for administrators. */
export function hasChat(role: Role | undefined): boolean {
  return role === 'patient' || role === 'doctor';
}

/** The count as the badge shows it: "99+" past MOST_SHOWN, nothing at 0. */
export function badgeText(count: number): string {
  return count > MOST_SHOWN ? `${MOST_SHOWN}+` : count > 0 ? String(count) : '';
}

/**
 * The same count in words, for screen readers ("3 unread", "99+ unread"): it holds the number as
 * shown, so people who speak to their computer can say what they see ("click Messages 3").
 */
export function badgeWords(count: number): string {
  return `${badgeText(count)} unread`;
}

export interface UnreadDeps {
  ask: () => Promise<UnreadTotals>;
  /** The server may be asked now (someone with a chat is signed in). */
  allowed: () => boolean;
  visible: () => boolean;
  everyMs?: number;
}

/**
 * The count and when to ask the server for it: a store React reads with useSyncExternalStore. One
 * per page (`unreadMessages`); the browser's single thread is its only user.
 */
export class UnreadCounter {
  private live: number | null = null;
  private polled: number | null = null;
  private running = false;
  private timer?: ReturnType<typeof setInterval>;
  /** Counts requests: only the answer of the latest one is kept. */
  private asked = 0;
  private inFlight = false;
  /** Ask again as soon as the request in flight returns (its answer may predate what changed). */
  private again = false;
  private readonly listeners = new Set<() => void>();
  private readonly onShown = () => {
    if (this.deps.visible()) this.poll();
  };

  constructor(private readonly deps: UnreadDeps) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The number of unread messages: the live one while the chat has it, else the server's. */
  getSnapshot = (): number => this.live ?? this.polled ?? 0;

  private changed() {
    for (const listener of this.listeners) listener();
  }

  /** Starts asking the server (a patient or doctor is signed in). Returns what stops it. */
  start(): () => void {
    if (!this.running) {
      this.running = true;
      this.timer = setInterval(this.onShown, this.deps.everyMs ?? POLL_EVERY_MS);
      document.addEventListener('visibilitychange', this.onShown);
      window.addEventListener('focus', this.onShown);
      this.poll();
    }
    return () => this.stop();
  }

  /** Stops asking and forgets the server's count (sign-out); an answer still on its way is dropped. */
  stop() {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.onShown);
    window.removeEventListener('focus', this.onShown);
    this.asked += 1;
    this.inFlight = false;
    this.again = false;
    if (this.polled !== null) {
      this.polled = null;
      this.changed();
    }
  }

  /**
   * The chat session's total (null: it has none, or no longer has one). When the live count goes
   * (the chat pages were left and the session closed), the server is asked at once; meanwhile the
   * last live count stands, not the older polled one.
   */
  setLive(total: number | null) {
    if (total === this.live) return;
    const ended = total === null && this.live !== null;
    if (ended && this.running) this.polled = this.live;
    this.live = total;
    this.changed();
    if (ended) this.poll(true);
  }

  /** Asks the server, unless the chat's count is live; `fresh`: the answer must be asked after now. */
  private poll(fresh = false) {
    if (!this.running || this.live !== null || !this.deps.allowed()) return;
    if (this.inFlight) {
      this.again ||= fresh;
      return;
    }
    this.inFlight = true;
    const request = ++this.asked;
    this.deps
      .ask()
      .then((answer) => {
        if (request !== this.asked) return;
        this.polled = answer.unread;
        this.changed();
      })
      // Only a hint: a failed request keeps the last count, and the next one tries again.
      .catch(() => {})
      .finally(() => {
        if (request !== this.asked) return;
        this.inFlight = false;
        if (this.again) {
          this.again = false;
          this.poll();
        }
      });
  }
}

export const unreadMessages = new UnreadCounter({
  ask: chat.unread,
  allowed: () => api.signedIn && hasChat(api.account?.role),
  visible: () => document.visibilityState === 'visible',
});

/** The unread count for the navigation of `account`; asks the server only for roles with a chat. */
export function useUnreadMessages(account: { id: number; role: Role } | null): number {
  const chats = account !== null && hasChat(account.role);
  const id = account?.id;
  useEffect(() => (chats ? unreadMessages.start() : undefined), [chats, id]);
  const count = useSyncExternalStore(unreadMessages.subscribe, unreadMessages.getSnapshot);
  return chats ? count : 0;
}
