import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatApi, ChatMessage } from '../api/chat';
import type { ConnectionOptions } from './connection';
import { ChatSession, newClientId, socketUrl } from './session';
import { conversation, DOCTOR_ID, message, PATIENT_ID } from './testing';

const ME = PATIENT_ID;
/** Two messages from the doctor not read yet. */
const unread = conversation({ last_seq: 3, last_read_seq: 1, unread: 2, last_sender_id: DOCTOR_ID });

function setUp() {
  const connection = {
    start: vi.fn(),
    stop: vi.fn(),
    send: vi.fn(),
    typing: vi.fn(),
    receipt: vi.fn(),
    noteSeen: vi.fn(),
    retryNow: vi.fn(),
  };
  let options: ConnectionOptions | undefined;
  let history: (page: { items: ChatMessage[]; more: boolean }) => void = () => {};
  const rest = {
    conversations: vi.fn(async () => ({ items: [unread] })),
    conversation: vi.fn(async () => unread),
    history: vi.fn(() => new Promise<{ items: ChatMessage[]; more: boolean }>((resolve) => (history = resolve))),
  } as unknown as ChatApi;
  const unreadTotals: (number | null)[] = [];
  const session = new ChatSession({
    rest,
    connect: (given) => {
      options = given;
      return connection;
    },
    me: () => ME,
    unread: (total) => unreadTotals.push(total),
  });
  return {
    session,
    unreadTotals,
    connection,
    rest,
    emit: (event: Parameters<ConnectionOptions['onEvent']>[0]) => options!.onEvent(event),
    answerHistory: (items: ChatMessage[]) => history({ items, more: false }),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatSession', () => {
  it('loads a thread asked for before the page connected (children’s effects run first)', async () => {
    const { session, connection, answerHistory } = setUp();
    session.open(1);
    const release = session.acquire();
    answerHistory([message(3), message(2)]);
    await vi.waitFor(() => expect(session.getSnapshot().threads[1]?.loaded).toBe(true));
    expect(session.getSnapshot().threads[1].messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(connection.noteSeen).toHaveBeenCalledWith(1, 3);
    release();
  });

  it('says a message arrived (received) once, and reads what the page shows', async () => {
    const { session, connection, emit, answerHistory } = setUp();
    const release = session.acquire();
    emit({ type: 'conversations', conversations: [unread] });
    expect(connection.receipt).toHaveBeenCalledWith(1, 'received', 3);
    emit({ type: 'conversations', conversations: [unread] });
    expect(connection.receipt).toHaveBeenCalledTimes(1);
    session.open(1);
    answerHistory([message(3), message(2)]);
    await vi.waitFor(() => expect(session.getSnapshot().threads[1]?.loaded).toBe(true));
    session.markRead(1);
    expect(connection.receipt).toHaveBeenLastCalledWith(1, 'read', 3);
    expect(session.getSnapshot().conversations![0]).toMatchObject({ last_read_seq: 3, unread: 0 });
    session.markRead(1); // nothing new
    expect(connection.receipt).toHaveBeenCalledTimes(2);
    emit({ type: 'message', message: message(4) });
    expect(connection.receipt).toHaveBeenLastCalledWith(1, 'received', 4);
    emit({ type: 'message', message: message(5, { sender_id: ME }) }); // its own, from another device
    expect(connection.receipt).toHaveBeenCalledTimes(3);
    release();
  });

  it('sends each message under a new client id, and a retry under the same one', () => {
    const { session, connection } = setUp();
    const release = session.acquire();
    session.send(1, 'Hello');
    session.send(1, 'Hello');
    const [first, second] = connection.send.mock.calls.map((call) => call[1] as string);
    expect(first).not.toBe(second);
    session.retry(first);
    expect(connection.send).toHaveBeenLastCalledWith(1, first, 'Hello');
    release();
  });

  it('keeps the connection a little after the last page goes, then closes it', () => {
    vi.useFakeTimers();
    const { session, connection } = setUp();
    session.acquire()();
    const again = session.acquire(); // the next conversation's page
    vi.advanceTimersByTime(60000);
    expect(connection.stop).not.toHaveBeenCalled();
    again();
    vi.advanceTimersByTime(10000);
    expect(connection.stop).toHaveBeenCalledOnce();
    expect(session.getSnapshot().conversations).toBeNull();
  });
});

describe('the unread total the navigation shows', () => {
  it('is the sum over the conversations while the chat is live, and none once it closes', async () => {
    vi.useFakeTimers();
    const { session, emit, answerHistory, unreadTotals } = setUp();
    const release = session.acquire();
    emit({
      type: 'conversations',
      conversations: [unread, conversation({ id: 2, last_seq: 9, last_read_seq: 4, unread: 5 })],
    });
    expect(unreadTotals.at(-1)).toBe(7);
    emit({ type: 'message', message: message(4) });
    expect(unreadTotals.at(-1)).toBe(8);
    session.open(1);
    answerHistory([message(4), message(3)]);
    await vi.waitFor(() => expect(session.getSnapshot().threads[1]?.loaded).toBe(true));
    session.markRead(1);
    expect(unreadTotals.at(-1)).toBe(5);
    release();
    vi.advanceTimersByTime(10000); // the pages were left: the chat closes
    expect(unreadTotals.at(-1)).toBeNull();
  });
});

describe('socketUrl and newClientId', () => {
  it('uses wss behind https and never carries a token', () => {
    expect(socketUrl({ protocol: 'https:', host: 'clinic.example' })).toBe('wss://clinic.example/ws/chat');
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/ws/chat');
  });

  it('makes UUIDs without crypto.randomUUID too (pages served over plain http)', () => {
    const randomUUID = crypto.randomUUID;
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(newClientId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: randomUUID, configurable: true });
    }
  });
});
