// The chat module's API (docs/API.md "Chat"): conversations, their history, and the REST routes the
// live connection falls back on when a network blocks WebSocket (sending, receipts, typing, the
// long poll). The WebSocket's events are written here by hand: the protocol is in API.md, not in
// the OpenAPI description, but the conversation and message inside them are the described ones.
import { api, type Answer, type Schema } from './client';

export type Conversation = Schema<'ChatConversation'>;
export type ChatMessage = Schema<'ChatMessage'>;
export type MessagePage = Answer<'listChatMessages'>;
export type ReadState = Answer<'sendChatReceipt'>;
export type PollAnswer = Answer<'pollChat'>;
export type ReceiptKind = 'read' | 'received';
export type TypingState = 'started' | 'stopped';
/** GET /api/v1/chat/unread: unread messages in all, and in how many conversations. */
export type UnreadTotals = Answer<'getChatUnread'>;

/** The longest message the server stores, in bytes of UTF-8. */
export const MAX_MESSAGE_BYTES = 4000;

export function messageBytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** A receipt moved: whose (`account_id`) and how far they have received and read. */
export interface ReceiptEvent {
  type: 'receipt';
  conversation_id: number;
  account_id: number;
  read_seq: number;
  received_seq: number;
}

export interface TypingEvent {
  type: 'typing';
  conversation_id: number;
  account_id: number;
  state: TypingState;
}

export interface PresenceEvent {
  type: 'presence';
  account_id: number;
  online: boolean;
}

/** What the server sends on /ws/chat (docs/API.md, "The chat WebSocket"). */
export type ServerEvent =
  | { type: 'ready'; account_id: number; conversations: Conversation[] }
  | { type: 'message'; message: ChatMessage }
  | { type: 'ack'; client_id: string; message: ChatMessage }
  | ReceiptEvent
  | TypingEvent
  | PresenceEvent
  | { type: 'conversation'; conversation_id: number }
  | { type: 'more'; conversation_id: number }
  | { type: 'error'; code: string; message: string; field: string | null; ref?: string }
  | { type: 'pong' };

const conversationPath = (id: number) => `/api/v1/chat/conversations/${id}`;

export const chat = {
  conversations: () => api.get<Answer<'listChatConversations'>>('/api/v1/chat/conversations'),
  conversation: (id: number) => api.get<Conversation>(conversationPath(id)),
  /** The conversation with `otherId` (a doctor of the patient's care team, or a doctor's patient), new or existing. */
  start: (otherId: number) => api.post<Conversation>('/api/v1/chat/conversations', { other_id: otherId }),
  /** Latest first, before the message `before` (a seq; none: from the newest). */
  history: (id: number, before?: number, limit = 50) =>
    api.get<MessagePage>(`${conversationPath(id)}/messages`, { before, limit }),
  /** Oldest first, after the message `after` (a seq). */
  since: (id: number, after: number, limit = 100) =>
    api.get<MessagePage>(`${conversationPath(id)}/messages`, { after, limit }),
  send: (id: number, clientId: string, text: string) =>
    api.post<ChatMessage>(`${conversationPath(id)}/messages`, { client_id: clientId, text }),
  receipt: (id: number, kind: ReceiptKind, seq: number) =>
    api.post<ReadState>(`${conversationPath(id)}/receipts`, { kind, seq }),
  typing: (id: number, state: TypingState) => api.post<void>(`${conversationPath(id)}/typing`, { state }),
  /** The signed-in patient's or doctor's unread messages (the app never asks for administrators). */
  unread: () => api.get<UnreadTotals>('/api/v1/chat/unread'),
  poll: (cursor: string | undefined, timeout: number, signal?: AbortSignal) =>
    api.get<PollAnswer>('/api/v1/chat/poll', { cursor, timeout }, signal),
};

export type ChatApi = typeof chat;
