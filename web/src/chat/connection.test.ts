import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation, PollAnswer } from '../api/chat';
import { ApiError } from '../api/client';
import { ChatConnection, freshEvents, TIMING, type ChatEvent, type SocketLike } from './connection';
import { conversation, message, PATIENT_ID } from './testing';

/** A socket the test drives: it records what the page sends and plays the server's part. */
class FakeSocket implements SocketLike {
  sent: Record<string, unknown>[] = [];
  closedWith?: number;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  open() {
    this.onopen?.();
  }
  receive(event: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
  ready(conversations: Conversation[] = []) {
    this.open();
    this.receive({ type: 'ready', account_id: PATIENT_ID, conversations });
  }
  /** The server (or the network) closes the socket. */
  end(code: number) {
    this.onerror?.();
    this.onclose?.({ code });
  }
  sentOfType(type: string) {
    return this.sent.filter((message) => message.type === type);
  }
}

function setUp(options: { openSocket?: (url: string) => SocketLike; refresh?: () => Promise<boolean> } = {}) {
  const sockets: FakeSocket[] = [];
  const events: ChatEvent[] = [];
  const polls: ((answer: PollAnswer) => void)[] = [];
  const rest = {
    poll: vi.fn(
      (_cursor: string | undefined, _timeout: number, signal?: AbortSignal) =>
        new Promise<PollAnswer>((resolve, reject) => {
          polls.push(resolve);
          signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    ),
    since: vi.fn(async (conversationId: number, after: number) => ({
      items: [message(after + 1, { conversation_id: conversationId })],
      more: false,
    })),
    send: vi.fn(async (conversationId: number, clientId: string, text: string) =>
      message(5, { conversation_id: conversationId, sender_id: PATIENT_ID, client_id: clientId, text }),
    ),
    receipt: vi.fn(async (conversationId: number) => ({
      conversation_id: conversationId,
      read_seq: 1,
      received_seq: 1,
    })),
    typing: vi.fn(async () => undefined),
  };
  let token = 'token-1';
  const signedOut = vi.fn();
  const connection = new ChatConnection({
    url: 'ws://vitalis.test/ws/chat',
    openSocket:
      options.openSocket ??
      ((url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      }),
    token: () => token,
    refresh:
      options.refresh ??
      (async () => {
        token = 'token-2';
        return true;
      }),
    signedOut,
    rest,
    onEvent: (event) => events.push(event),
    random: () => 1,
  });
  const states = () => events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
  return { connection, sockets, events, rest, polls, signedOut, states, last: () => sockets[sockets.length - 1] };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ChatConnection over WebSocket', () => {
  it('signs in with its first message, never with a token in the URL, and is live on ready', () => {
    const { connection, sockets, events, states } = setUp();
    connection.start();
    const socket = sockets[0];
    expect(socket.url).toBe('ws://vitalis.test/ws/chat');
    socket.open();
    expect(socket.sent).toEqual([{ type: 'auth', token: 'token-1', resume: {} }]);
    socket.ready([conversation({ last_seq: 3 })]);
    expect(connection.current).toBe('live');
    expect(states()).toEqual(['live']);
    expect(events).toContainEqual({ type: 'conversations', conversations: [conversation({ last_seq: 3 })] });
    socket.receive({ type: 'typing', conversation_id: 1, account_id: 8, state: 'started' });
    expect(events.at(-1)).toEqual({ type: 'typing', conversation_id: 1, account_id: 8, state: 'started' });
  });

  it('reconnects with backoff and resumes from the last message it has', async () => {
    const { connection, sockets, states } = setUp();
    connection.start();
    sockets[0].ready([conversation({ last_seq: 3 })]);
    connection.noteSeen(1, 3);
    sockets[0].receive({ type: 'message', message: message(4) });
    sockets[0].end(1006);
    expect(connection.current).toBe('reconnecting');
    // The first retry waits half a second at most (jitter), the next ones longer.
    await vi.advanceTimersByTimeAsync(TIMING.firstRetryMs);
    expect(sockets).toHaveLength(2);
    sockets[1].end(1006);
    await vi.advanceTimersByTimeAsync(TIMING.firstRetryMs);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(TIMING.firstRetryMs * 2);
    expect(sockets).toHaveLength(3);
    sockets[2].open();
    expect(sockets[2].sent[0]).toEqual({ type: 'auth', token: 'token-1', resume: { '1': 4 } });
    sockets[2].ready();
    expect(states()).toEqual(['live', 'reconnecting', 'live']);
  });

  it('sends a message again after a reconnect under the same client_id, and forgets it once acknowledged', async () => {
    const { connection, sockets, events } = setUp();
    connection.start();
    sockets[0].ready();
    connection.send(1, 'client-a', 'Hello');
    expect(sockets[0].sentOfType('send')).toEqual([
      { type: 'send', conversation_id: 1, client_id: 'client-a', text: 'Hello' },
    ]);
    // Written while the connection is down: it waits.
    sockets[0].end(1001);
    connection.send(1, 'client-b', 'Are you there?');
    await vi.advanceTimersByTimeAsync(TIMING.firstRetryMs);
    sockets[1].ready();
    expect(sockets[1].sentOfType('send').map((m) => m.client_id)).toEqual(['client-a', 'client-b']);
    sockets[1].receive({ type: 'ack', client_id: 'client-a', message: message(5, { sender_id: PATIENT_ID }) });
    expect(events.at(-1)).toEqual({
      type: 'ack',
      clientId: 'client-a',
      message: message(5, { sender_id: PATIENT_ID }),
    });
    sockets[1].receive({
      type: 'error',
      code: 'forbidden',
      message: 'not on the care team',
      field: 'conversation_id',
      ref: 'client-b',
    });
    expect(events.at(-1)).toEqual({ type: 'failed', clientId: 'client-b', code: 'forbidden' });
    // Nothing left to send on the next connection.
    sockets[1].end(1001);
    await vi.advanceTimersByTimeAsync(TIMING.firstRetryMs);
    sockets[2].ready();
    expect(sockets[2].sentOfType('send')).toEqual([]);
  });

  it('keeps receipts made while disconnected and sends them once live', async () => {
    const { connection, sockets } = setUp();
    connection.start();
    connection.receipt(1, 'read', 3);
    connection.receipt(1, 'read', 5);
    connection.receipt(1, 'read', 4);
    sockets[0].ready();
    expect(sockets[0].sentOfType('read')).toEqual([{ type: 'read', conversation_id: 1, seq: 5 }]);
    connection.typing(1, 'started');
    expect(sockets[0].sentOfType('typing')).toEqual([{ type: 'typing', conversation_id: 1, state: 'started' }]);
  });

  it('asks for a pong when the line is quiet and drops a socket that says nothing for 70 s', async () => {
    const { connection, sockets } = setUp();
    connection.start();
    sockets[0].ready();
    await vi.advanceTimersByTimeAsync(TIMING.pingAfterMs);
    expect(sockets[0].sentOfType('ping')).toHaveLength(1);
    sockets[0].receive({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(TIMING.deadAfterMs - 1000);
    expect(sockets[0].closedWith).toBeUndefined();
    // Two pings unanswered: dead.
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets[0].closedWith).toBe(4000);
    expect(connection.current).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(TIMING.firstRetryMs);
    expect(sockets).toHaveLength(2);
  });

  it('on 4401 gets a new token and signs in with it', async () => {
    const { connection, sockets, signedOut } = setUp();
    connection.start();
    sockets[0].open();
    sockets[0].end(4401);
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(sockets[1].sent[0]).toMatchObject({ type: 'auth', token: 'token-2' });
    sockets[1].ready();
    expect(connection.current).toBe('live');
    expect(signedOut).not.toHaveBeenCalled();
  });

  it('on 4409 with a session that cannot be renewed sends the person to sign in', async () => {
    const { connection, sockets, signedOut } = setUp({ refresh: async () => false });
    connection.start();
    sockets[0].ready();
    sockets[0].end(4409);
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.current).toBe('closed');
    expect(signedOut).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(TIMING.maxRetryMs);
    expect(sockets).toHaveLength(1);
  });

  it('stops after a renewed token is refused again and again', async () => {
    const { connection, sockets, signedOut } = setUp();
    connection.start();
    for (let round = 0; round < 3; round++) {
      sockets[round].open();
      sockets[round].end(4401);
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(sockets).toHaveLength(3);
    expect(connection.current).toBe('closed');
    expect(signedOut).toHaveBeenCalledOnce();
  });

  it('does not come back after 4403 (an account chat is not for)', async () => {
    const { connection, sockets } = setUp();
    connection.start();
    sockets[0].open();
    sockets[0].end(4403);
    await vi.advanceTimersByTimeAsync(TIMING.maxRetryMs);
    expect(sockets).toHaveLength(1);
    expect(connection.current).toBe('closed');
  });

  it('asks the server for what a `more` says is left', async () => {
    const { connection, sockets, rest, events } = setUp();
    connection.start();
    sockets[0].ready();
    connection.noteSeen(1, 200);
    sockets[0].receive({ type: 'more', conversation_id: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.since).toHaveBeenCalledWith(1, 200);
    expect(events.at(-1)).toEqual({ type: 'message', message: message(201) });
  });

  it('stop closes the socket and nothing reconnects', async () => {
    const { connection, sockets } = setUp();
    connection.start();
    sockets[0].ready();
    connection.stop();
    expect(sockets[0].closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(TIMING.maxRetryMs);
    expect(sockets).toHaveLength(1);
  });
});

describe('ChatConnection fallback to the long poll', () => {
  async function blocked() {
    const setup = setUp();
    setup.connection.start();
    for (let attempt = 0; attempt < TIMING.failuresBeforeFallback; attempt++) {
      await vi.advanceTimersByTimeAsync(TIMING.maxRetryMs);
      setup.last().end(1006); // the upgrade never goes through
    }
    return setup;
  }

  it('falls back after 3 failed connections in a row and says so', async () => {
    const { connection, sockets, rest, states } = await blocked();
    expect(sockets).toHaveLength(3);
    expect(connection.current).toBe('fallback');
    expect(states()).toEqual(['fallback']);
    expect(rest.poll).toHaveBeenCalledWith(undefined, 20, expect.any(AbortSignal));
  });

  it('falls back at once when the browser refuses to open a WebSocket', () => {
    const { connection, rest } = setUp({
      openSocket: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    connection.start();
    expect(connection.current).toBe('fallback');
    expect(rest.poll).toHaveBeenCalledOnce();
  });

  it('polls with the cursor, reads new messages with after=, and passes on only new events', async () => {
    const { connection, rest, polls, events } = await blocked();
    connection.noteSeen(1, 3);
    const typing = { type: 'typing', conversation_id: 1, account_id: 8, state: 'started' };
    polls[0]({ cursor: 'c1', conversations: [conversation({ last_seq: 4 })], events: [typing as never] });
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.since).toHaveBeenCalledWith(1, 3);
    expect(events.filter((e) => e.type === 'message')).toEqual([{ type: 'message', message: message(4) }]);
    expect(events.filter((e) => e.type === 'typing')).toHaveLength(1);
    expect(rest.poll).toHaveBeenLastCalledWith('c1', 20, expect.any(AbortSignal));
    // The same event again (the server keeps ten seconds of them): not passed on, and the next
    // poll waits a moment instead of spinning.
    polls[1]({ cursor: 'c1', conversations: [conversation({ last_seq: 4 })], events: [typing as never] });
    await vi.advanceTimersByTimeAsync(0);
    expect(events.filter((e) => e.type === 'typing')).toHaveLength(1);
    expect(rest.poll).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(TIMING.pollPauseMs);
    expect(rest.poll).toHaveBeenCalledTimes(3);
  });

  it('sends through the REST routes, and a message refused there is reported once', async () => {
    const { connection, rest, events } = await blocked();
    connection.send(1, 'client-a', 'Hello');
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.send).toHaveBeenCalledWith(1, 'client-a', 'Hello');
    expect(events.at(-1)).toMatchObject({ type: 'ack', clientId: 'client-a' });
    rest.send.mockRejectedValueOnce(new ApiError(403, 'forbidden', 'not on the care team', 'conversation_id'));
    connection.send(1, 'client-b', 'Hello again');
    await vi.advanceTimersByTimeAsync(0);
    expect(events.at(-1)).toEqual({ type: 'failed', clientId: 'client-b', code: 'forbidden' });
    connection.receipt(1, 'read', 4);
    connection.typing(1, 'stopped');
    expect(rest.receipt).toHaveBeenCalledWith(1, 'read', 4);
    expect(rest.typing).toHaveBeenCalledWith(1, 'stopped');
  });

  it('keeps a message whose POST found no network and sends it again with the same client_id', async () => {
    const { connection, rest, polls } = await blocked();
    rest.send.mockRejectedValueOnce(new ApiError(0, 'network', 'The server cannot be reached.'));
    connection.send(1, 'client-a', 'Hello');
    await vi.advanceTimersByTimeAsync(0);
    polls[0]({ cursor: 'c1', conversations: [], events: [] });
    await vi.advanceTimersByTimeAsync(0);
    expect(rest.send.mock.calls.map((call) => call[1])).toEqual(['client-a', 'client-a']);
  });

  it('goes back to WebSocket when a later try connects, and stops polling', async () => {
    const { connection, sockets, rest, polls } = await blocked();
    polls[0]({ cursor: 'c1', conversations: [], events: [] });
    await vi.advanceTimersByTimeAsync(TIMING.probeEveryMs);
    expect(sockets).toHaveLength(4);
    sockets[3].ready();
    expect(connection.current).toBe('live');
    const calls = rest.poll.mock.calls.length;
    await vi.advanceTimersByTimeAsync(TIMING.probeEveryMs);
    expect(rest.poll.mock.calls.length).toBe(calls);
  });
});

describe('freshEvents', () => {
  it('returns what follows the overlap with the previous answer', () => {
    expect(freshEvents([], ['a'])).toEqual(['a']);
    expect(freshEvents(['a', 'b'], ['b', 'c'])).toEqual(['c']);
    expect(freshEvents(['a'], ['a'])).toEqual([]);
    expect(freshEvents(['a'], ['a', 'a'])).toEqual(['a']);
    expect(freshEvents(['a', 'b'], ['c'])).toEqual(['c']);
  });
});
