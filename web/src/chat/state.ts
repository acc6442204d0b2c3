// What the chat page shows, as one value changed only by `reduce`: the conversations with the
// server's counts (unread, how far the other has received and read), the loaded part of each
// thread, the messages on their way, who is typing and the connection's state. Counts come from
// the server and move with its events (a receipt of one's own account read on another device
// lowers the unread count here too), so they stay right across devices.
import type { ChatMessage, Conversation, MessagePage } from '../api/chat';
import type { ChatEvent, ConnectionState } from './connection';

/** The other's "is typing" shows this long after their last "started". */
export const TYPING_SHOWN_MS = 6000;

export interface Thread {
  /** Oldest first, one per seq. */
  messages: ChatMessage[];
  /** The latest page has arrived. */
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder?: boolean;
  error?: unknown;
  /** The other person's newest message that arrived while the chat was open (read out to screen readers). */
  incoming?: ChatMessage;
}

/** A message written on this device that the server has not stored yet (or refused). */
export interface Outgoing {
  clientId: string;
  conversationId: number;
  text: string;
  /** Why it was not sent (an error code of the server), when it was refused. */
  failed?: string;
}

export interface ChatState {
  me: number | null;
  connection: ConnectionState;
  /** Latest activity first; null until the first list arrives. */
  conversations: Conversation[] | null;
  threads: Record<number, Thread>;
  outbox: Outgoing[];
  /** Conversation -> until when (ms) the other is shown typing. */
  typing: Record<number, number>;
}

export type ChatAction =
  | ChatEvent
  | { type: 'conversation-loaded'; conversation: Conversation }
  | { type: 'history'; conversationId: number; page: MessagePage; older: boolean }
  | { type: 'history-loading'; conversationId: number; older: boolean }
  | { type: 'history-failed'; conversationId: number; error: unknown; older: boolean }
  | { type: 'sending'; outgoing: Outgoing }
  | { type: 'retrying'; clientId: string }
  | { type: 'discarded'; clientId: string }
  | { type: 'read'; conversationId: number; seq: number };

export function initialState(me: number | null): ChatState {
  return { me, connection: 'connecting', conversations: null, threads: {}, outbox: [], typing: {} };
}

const EMPTY_THREAD: Thread = { messages: [], loaded: false, hasOlder: false };

function mergeMessages(have: ChatMessage[], more: ChatMessage[]): ChatMessage[] {
  const bySeq = new Map(have.map((message) => [message.seq, message]));
  for (const message of more) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function withUnread(conversation: Conversation): Conversation {
  return { ...conversation, unread: Math.max(0, conversation.last_seq - conversation.last_read_seq) };
}

function updateConversation(
  state: ChatState,
  id: number,
  change: (conversation: Conversation) => Conversation,
  toTop = false,
): ChatState {
  if (!state.conversations) return state;
  const index = state.conversations.findIndex((conversation) => conversation.id === id);
  if (index < 0) return state;
  const changed = change(state.conversations[index]);
  const rest = state.conversations.filter((_, i) => i !== index);
  const conversations = toTop ? [changed, ...rest] : state.conversations.map((c, i) => (i === index ? changed : c));
  return { ...state, conversations };
}

function setThread(state: ChatState, id: number, change: (thread: Thread) => Thread): ChatState {
  return { ...state, threads: { ...state.threads, [id]: change(state.threads[id] ?? EMPTY_THREAD) } };
}

/** A stored message (someone's, or an acknowledged one of this device): thread, counts, order. */
function stored(state: ChatState, message: ChatMessage): ChatState {
  const id = message.conversation_id;
  const mine = message.sender_id === state.me;
  let next = setThread(state, id, (thread) => ({
    ...thread,
    messages: mergeMessages(thread.messages, [message]),
    incoming: mine || thread.messages.some((m) => m.seq === message.seq) ? thread.incoming : message,
  }));
  next = { ...next, outbox: next.outbox.filter((outgoing) => outgoing.clientId !== message.client_id) };
  if (!mine && next.typing[id] !== undefined) {
    const typing = { ...next.typing };
    delete typing[id];
    next = { ...next, typing };
  }
  return updateConversation(
    next,
    id,
    (conversation) => {
      if (message.seq <= conversation.last_seq && conversation.last_message_at !== null) return conversation;
      const changed = {
        ...conversation,
        last_seq: Math.max(conversation.last_seq, message.seq),
        last_message_at: message.sent_at,
        last_sender_id: message.sender_id,
        // Sending reads the conversation up to the message sent.
        last_read_seq: mine ? Math.max(conversation.last_read_seq, message.seq) : conversation.last_read_seq,
      };
      return withUnread(changed);
    },
    true,
  );
}

export function reduce(state: ChatState, action: ChatAction, now = Date.now()): ChatState {
  switch (action.type) {
    case 'state':
      return { ...state, connection: action.state };
    case 'conversations':
      return { ...state, conversations: action.conversations };
    case 'conversation-loaded': {
      const others = (state.conversations ?? []).filter((c) => c.id !== action.conversation.id);
      const known = state.conversations?.some((c) => c.id === action.conversation.id);
      if (known) return updateConversation(state, action.conversation.id, () => action.conversation);
      return { ...state, conversations: [action.conversation, ...others] };
    }
    case 'message':
    case 'ack':
      return stored(state, action.message);
    case 'failed':
      return {
        ...state,
        outbox: state.outbox.map((o) => (o.clientId === action.clientId ? { ...o, failed: action.code } : o)),
      };
    case 'sending':
      return { ...state, outbox: [...state.outbox, action.outgoing] };
    case 'retrying':
      return {
        ...state,
        outbox: state.outbox.map((o) => (o.clientId === action.clientId ? { ...o, failed: undefined } : o)),
      };
    case 'discarded':
      return { ...state, outbox: state.outbox.filter((o) => o.clientId !== action.clientId) };
    case 'receipt':
      return updateConversation(state, action.conversation_id, (conversation) =>
        action.account_id === state.me
          ? withUnread({ ...conversation, last_read_seq: Math.max(conversation.last_read_seq, action.read_seq) })
          : {
              ...conversation,
              other_read_seq: Math.max(conversation.other_read_seq, action.read_seq),
              other_received_seq: Math.max(conversation.other_received_seq, action.received_seq),
            },
      );
    case 'read':
      return updateConversation(state, action.conversationId, (conversation) =>
        withUnread({ ...conversation, last_read_seq: Math.max(conversation.last_read_seq, action.seq) }),
      );
    case 'typing': {
      if (action.account_id === state.me) return state;
      const typing = { ...state.typing };
      if (action.state === 'started') typing[action.conversation_id] = now + TYPING_SHOWN_MS;
      else delete typing[action.conversation_id];
      return { ...state, typing };
    }
    case 'presence':
      if (!state.conversations) return state;
      return {
        ...state,
        conversations: state.conversations.map((c) =>
          c.other_id === action.account_id ? { ...c, other_online: action.online } : c,
        ),
      };
    case 'conversation':
      return state; // the session loads it (conversation-loaded)
    case 'history-loading':
      return setThread(state, action.conversationId, (thread) => ({
        ...thread,
        error: undefined,
        loadingOlder: action.older || thread.loadingOlder,
      }));
    case 'history-failed':
      return setThread(state, action.conversationId, (thread) => ({
        ...thread,
        error: action.error,
        loadingOlder: false,
      }));
    case 'history':
      return setThread(state, action.conversationId, (thread) => ({
        ...thread,
        messages: mergeMessages(thread.messages, action.page.items),
        loaded: true,
        // The first page says whether there is more before it; a later live message does not.
        hasOlder: action.page.more,
        loadingOlder: false,
      }));
  }
}

export type Tick = 'sent' | 'delivered' | 'read';

/** How far the other person has got with one's own message `seq`. */
export function tickOf(conversation: Conversation, seq: number): Tick {
  if (conversation.other_read_seq >= seq) return 'read';
  if (conversation.other_received_seq >= seq) return 'delivered';
  return 'sent';
}

/** Unread messages over all the conversations; null until the first list arrives. */
export function unreadTotal(state: ChatState): number | null {
  return state.conversations?.reduce((total, conversation) => total + conversation.unread, 0) ?? null;
}

/** The last message of a thread as loaded: reading it reads the conversation up to there. */
export function lastSeqOf(thread: Thread | undefined): number {
  return thread?.messages.at(-1)?.seq ?? 0;
}
