// Messages between a patient and their doctors (issue 19), for both roles: the conversations with
// their unread counts, starting one (a patient with a doctor of their care team, a doctor with one
// of their patients, found by typing part of the name), and the open conversation at its own address, /chat/:id (the link of the
// offline email): its history, older pages as it scrolls up, the message box (Enter sends,
// Shift+Enter starts a new line), the other person typing and online, ticks on one's own messages,
// and the state of the connection in plain words. chat/session.ts holds the connection and state.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { MAX_MESSAGE_BYTES, messageBytes, type ChatMessage, type Conversation } from '../api/chat';
import { ApiError, type Role } from '../api/client';
import { access } from '../api/identity';
import { monitoring } from '../api/monitor';
import { useApiQuery, type Loaded } from '../api/query';
import { useSession } from '../auth';
import { chatSession, useChat } from '../chat/session';
import { tickOf, type ChatState, type Outgoing, type Tick } from '../chat/state';
import type { ConnectionState } from '../chat/connection';
import { Card, NextWhenSeen } from '../components/card';
import {
  Field,
  FieldError,
  FormError,
  SelectField,
  SubmitButton,
  TextAreaField,
  useDebounced,
  useSubmit,
} from '../components/forms';
import { ErrorMessage, Loading } from '../components/status';
import { Link, navigate } from '../router';

/** "typing" goes at most this often while the person types, and "stopped" after this long idle. */
const TYPING_EVERY_MS = 2000;
const TYPING_IDLE_MS = 3000;
const COMPOSER_ID = 'chat-message';

const CONNECTION_WORDS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Connected — messages arrive live.',
  reconnecting: 'Connection lost. Reconnecting… Messages you write will be sent when it is back.',
  fallback: 'Live connection blocked by your network — messages may take a few seconds.',
  closed: 'Messages are not connected. Sign in again to continue.',
};

const TICK_WORDS: Record<Tick, { marks: string; words: string }> = {
  sent: { marks: '✓', words: 'Sent' },
  delivered: { marks: '✓✓', words: 'Delivered' },
  read: { marks: '✓✓', words: 'Read' },
};

const TOO_LONG =
  'This message is too long to send (the limit is about 4,000 letters). Please shorten it or send it in parts.';

/** Why a message was refused, by the server's error code, in the writer's terms. */
function notSentReason(code: string | undefined, role: Role | undefined): string {
  if (code === 'forbidden') {
    return role === 'doctor'
      ? 'Not sent: you are no longer on this patient’s care team. Earlier messages stay here.'
      : 'Not sent: this doctor is no longer on your care team. Earlier messages stay here.';
  }
  if (code === 'validation_failed') return 'Not sent: the message is empty or too long.';
  return 'Not sent: something went wrong. Please try again.';
}

/** The time of a message: the hour today, else the day too. */
function messageTime(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`;
}

function usePageVisible(): boolean {
  return useSyncExternalStore(
    (listener) => {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
    () => document.visibilityState === 'visible',
  );
}

/** True until the time `until` (ms) has passed. */
function useUntil(until: number | undefined): boolean {
  const [passed, setPassed] = useState<number>();
  useEffect(() => {
    if (until === undefined) return;
    const timer = setTimeout(() => setPassed(until), Math.max(0, until - Date.now()));
    return () => clearTimeout(timer);
  }, [until]);
  return until !== undefined && passed !== until;
}

export function ChatPage({ conversationId }: { conversationId?: number }) {
  const state = useChat();
  return (
    <section className="chat">
      <h1>Messages</h1>
      <p className={`chat-connection chat-${state.connection}`} role="status">
        {CONNECTION_WORDS[state.connection]}
      </p>
      <div className={conversationId ? 'chat-layout chat-open' : 'chat-layout'}>
        <div className="chat-side">
          <ConversationList conversations={state.conversations} />
          <StartConversation />
        </div>
        {conversationId ? (
          <Thread key={conversationId} id={conversationId} state={state} />
        ) : (
          <p className="chat-choose muted">Choose a conversation, or start one.</p>
        )}
      </div>
    </section>
  );
}

function ConversationList({ conversations }: { conversations: Conversation[] | null }) {
  return (
    <section className="card" aria-labelledby="conversations-title">
      <h2 id="conversations-title">Conversations</h2>
      {conversations === null ? (
        <Loading label="Loading your conversations…" reserve="short" />
      ) : conversations.length === 0 ? (
        <p className="empty">No conversations yet.</p>
      ) : (
        <ul className="conversations">
          {conversations.map((c) => (
            <li key={c.id}>
              <Link to={`/chat/${c.id}`} className={c.unread > 0 ? 'conversation has-unread' : 'conversation'}>
                <span className="conversation-name">{c.other_name}</span>
                {c.unread > 0 && (
                  <span className="unread-count">
                    {c.unread}
                    <span className="visually-hidden"> unread</span>
                  </span>
                )}
                <span className="conversation-meta">
                  {c.other_online ? 'Online' : 'Offline'}
                  {c.last_message_at && ` · ${messageTime(c.last_message_at)}`}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface Candidate {
  id: number;
  label: string;
}

function StartConversation() {
  const { account } = useSession();
  return account?.role === 'doctor' ? <StartWithPatient /> : <StartWithDoctor patientId={account!.id} />;
}

function StartWithDoctor({ patientId }: { patientId: number }) {
  const team = useApiQuery(['care-team', patientId], () => access.careTeam(patientId));
  const candidates = {
    ...team,
    data: team.data?.items.map((d) => ({ id: d.id, label: `${d.full_name} · ${d.specialty}` })),
  };
  return (
    <StartForm
      candidates={candidates}
      label="Doctor on your care team"
      refused="You can write only to doctors on your care team."
      empty={
        <>
          No doctor on your care team yet. <Link to="/access">Add one on the Access page</Link>.
        </>
      }
    />
  );
}

/**
 * The doctor's patients, found as the doctor types part of a name (or a patient number): the
 * matches are the choice below, and what was found is said in a status line screen readers hear.
 */
export function StartWithPatient() {
  const [text, setText] = useState('');
  const asked = useDebounced(text.trim());
  const patients = useApiQuery(['patients', 'mine', 'by-name', asked], () =>
    monitoring.myPatients(asked, undefined, 'name'),
  );
  const items = patients.data?.items;
  const candidates = {
    ...patients,
    data: items?.map((p) => ({ id: p.id, label: `${p.full_name} · #${p.id}` })),
  };
  const searching = text.trim() !== asked || patients.isPlaceholderData;
  const more = Boolean(patients.data?.next);
  let found = '';
  if (asked && items && !searching) {
    if (items.length === 0) found = `No patient matches “${asked}”.`;
    else found = `${items.length === 1 ? 'One patient matches' : `${items.length} patients match`} “${asked}”.`;
  }
  // A doctor nobody has added yet has nothing to search.
  const nobody = asked === '' && !patients.isPlaceholderData && items?.length === 0;
  return (
    <StartForm
      candidates={candidates}
      label="Patient"
      refused="You can write only to patients who have you on their care team."
      empty={nobody ? 'No patient has added you to their care team yet.' : undefined}
      hint={
        more
          ? asked
            ? 'The first 100 matches, by name. Type more of the name to narrow them.'
            : 'Your first 100 patients, by name.'
          : undefined
      }
      search={
        !nobody && (
          <form role="search" aria-label="Your patients" onSubmit={(event) => event.preventDefault()}>
            <Field
              label="Find a patient"
              type="search"
              name="patient-search"
              value={text}
              onChange={(event) => setText(event.target.value)}
              hint="Type part of the name, or the patient number."
              autoComplete="off"
            />
            <p role="status" className={found ? 'search-found' : 'empty-status'}>
              {found}
            </p>
          </form>
        )
      }
    />
  );
}

function StartForm({
  candidates,
  label,
  empty,
  refused,
  hint,
  search,
}: {
  candidates: Loaded<Candidate[]>;
  label: string;
  /** Shown instead of the form when there is nobody to write to. */
  empty?: ReactNode;
  /** Said when the server refuses the choice (no longer linked). */
  refused: string;
  hint?: string;
  /** Above the choice, whatever it shows (a search that narrows it). */
  search?: ReactNode;
}) {
  const [choice, setChoice] = useState('');
  const items = candidates.data ?? [];
  const chosen = items.some((c) => String(c.id) === choice) ? choice : String(items[0]?.id ?? '');
  const { busy, errors, formError, submit } = useSubmit(
    ['other_id'],
    async () => {
      try {
        return await chatSession.start(Number(chosen));
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) throw new FieldError('other_id', refused);
        throw error;
      }
    },
    (conversation) => navigate(`/chat/${conversation.id}`),
  );
  return (
    <Card
      title="Start a conversation"
      id="start-title"
      intro={search}
      query={candidates}
      label="Loading who you can write to…"
      empty={empty}
      isEmpty={(items) => items.length === 0}
    >
      {(items) =>
        items.length > 0 && (
          <form onSubmit={submit} noValidate>
            <SelectField
              label={label}
              name="other_id"
              value={chosen}
              onChange={(e) => setChoice(e.target.value)}
              options={items.map((c) => ({ value: String(c.id), label: c.label }))}
              error={errors.other_id}
              hint={hint}
            />
            <FormError message={formError} />
            <SubmitButton busy={busy} busyText="Opening…">
              Open the conversation
            </SubmitButton>
          </form>
        )
      }
    </Card>
  );
}

function threadError(error: unknown): unknown {
  if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
    return new Error('This conversation was not found. It may belong to another account.');
  }
  return error;
}

function Thread({ id, state }: { id: number; state: ChatState }) {
  const { account } = useSession();
  const conversation = state.conversations?.find((c) => c.id === id);
  const thread = state.threads[id];
  const ready = conversation !== undefined && thread?.loaded === true;
  const last = thread?.messages.at(-1)?.seq ?? 0;
  const visible = usePageVisible();
  useEffect(() => chatSession.open(id), [id]);
  // What is on screen is read (and the other person's ticks say so).
  useEffect(() => {
    if (ready && visible) chatSession.markRead(id);
  }, [id, ready, visible, last, conversation?.last_read_seq]);
  // Opening a conversation puts the cursor in its message box (after the app's own focus move).
  useEffect(() => {
    if (!ready) return;
    let frame = 0;
    let tries = 0;
    const focus = () => {
      const box = document.getElementById(COMPOSER_ID);
      box?.focus({ preventScroll: true });
      // The page is painted once nothing in it loads (Settled): until then focus does not take.
      if (document.activeElement !== box && tries++ < 60) frame = requestAnimationFrame(focus);
    };
    frame = requestAnimationFrame(focus);
    return () => cancelAnimationFrame(frame);
  }, [id, ready]);

  if (thread?.error && !ready) {
    return (
      <section className="card chat-thread" aria-label="Conversation">
        <BackLink />
        <ErrorMessage error={threadError(thread.error)} retry={() => chatSession.open(id)} />
      </section>
    );
  }
  if (!ready) {
    return (
      <section className="card chat-thread" aria-label="Conversation">
        <Loading label="Loading the conversation…" />
      </section>
    );
  }
  const name = conversation.other_name;
  const pending = state.outbox.filter((o) => o.conversationId === id);
  return (
    <section className="card chat-thread" aria-labelledby="thread-title">
      <BackLink />
      <div className="thread-head">
        <h2 id="thread-title">{name}</h2>
        {/* Known only while connected. */}
        {(state.connection === 'live' || state.connection === 'fallback') && (
          <p className={conversation.other_online ? 'presence online' : 'presence'}>
            <span className="presence-dot" aria-hidden="true" />
            {conversation.other_online ? 'Online' : 'Offline'}
          </p>
        )}
      </div>
      <Messages
        key={id}
        state={state}
        conversation={conversation}
        pending={pending}
        role={account?.role}
        loadOlder={() => chatSession.loadOlder(id)}
      />
      <Typing name={name} until={state.typing[id]} />
      <p className="visually-hidden" aria-live="polite">
        {thread.incoming && `${name}: ${thread.incoming.text}`}
      </p>
      <Composer id={id} name={name} />
    </section>
  );
}

function BackLink() {
  return (
    <Link to="/chat" className="back-link">
      ← All conversations
    </Link>
  );
}

function Typing({ name, until }: { name: string; until: number | undefined }) {
  const shown = useUntil(until);
  return <p className="typing">{shown ? `${name} is typing…` : ''}</p>;
}

/** The history in a box of its own that follows new messages while it is scrolled to the end. */
function Messages({
  state,
  conversation,
  pending,
  role,
  loadOlder,
}: {
  state: ChatState;
  conversation: Conversation;
  pending: Outgoing[];
  role: Role | undefined;
  loadOlder: () => void;
}) {
  const thread = state.threads[conversation.id];
  const box = useRef<HTMLDivElement>(null);
  // Follows new messages (and ticks) while at the end; keeps its place while older ones are added
  // above; goes to the end when the person sends one.
  const atEnd = useRef(true);
  const fromEnd = useRef(0);
  const shown = useRef({ first: 0, pending: 0 });
  const first = thread.messages[0]?.seq ?? 0;
  const onScroll = () => {
    const node = box.current!;
    fromEnd.current = node.scrollHeight - node.scrollTop;
    atEnd.current = node.scrollHeight - node.scrollTop - node.clientHeight < 48;
  };
  useLayoutEffect(() => {
    const node = box.current!;
    const before = shown.current;
    shown.current = { first, pending: pending.length };
    if (pending.length > before.pending) atEnd.current = true;
    if (atEnd.current) node.scrollTop = node.scrollHeight;
    else if (first !== before.first) node.scrollTop = node.scrollHeight - fromEnd.current;
    fromEnd.current = node.scrollHeight - node.scrollTop;
  });
  return (
    <div
      className="thread-scroll"
      ref={box}
      onScroll={onScroll}
      tabIndex={0}
      role="region"
      aria-label={`Messages with ${conversation.other_name}`}
    >
      {thread.loadingOlder ? (
        <p className="muted">Loading older messages…</p>
      ) : thread.error ? (
        <ErrorMessage error={thread.error} retry={loadOlder} />
      ) : (
        thread.hasOlder && <NextWhenSeen onSeen={loadOlder} label="Load older messages" />
      )}
      {thread.messages.length === 0 && pending.length === 0 ? (
        <p className="empty">No messages yet. Write the first one below.</p>
      ) : (
        <ol className="messages">
          {thread.messages.map((message) => (
            <MessageItem
              key={message.seq}
              message={message}
              mine={message.sender_id === state.me}
              who={conversation.other_name}
              tick={message.sender_id === state.me ? tickOf(conversation, message.seq) : undefined}
            />
          ))}
          {pending.map((outgoing) => (
            <PendingItem key={outgoing.clientId} outgoing={outgoing} role={role} />
          ))}
        </ol>
      )}
    </div>
  );
}

function MessageItem({ message, mine, who, tick }: { message: ChatMessage; mine: boolean; who: string; tick?: Tick }) {
  return (
    <li className={mine ? 'message mine' : 'message theirs'}>
      <p className="message-meta">
        <span className="message-who">{mine ? 'You' : who}</span>{' '}
        <time dateTime={message.sent_at}>{messageTime(message.sent_at)}</time>
      </p>
      <p className="message-text">{message.text}</p>
      {tick && (
        <p className={`message-tick tick-${tick}`}>
          <span aria-hidden="true">{TICK_WORDS[tick].marks}</span> {TICK_WORDS[tick].words}
        </p>
      )}
    </li>
  );
}

function PendingItem({ outgoing, role }: { outgoing: Outgoing; role: Role | undefined }) {
  const refused = outgoing.failed !== undefined;
  const final = outgoing.failed === 'forbidden' || outgoing.failed === 'validation_failed';
  return (
    <li className={refused ? 'message mine refused' : 'message mine pending'}>
      <p className="message-meta">
        <span className="message-who">You</span>
      </p>
      <p className="message-text">{outgoing.text}</p>
      {refused ? (
        <div className="message-refused">
          <p className="field-error">{notSentReason(outgoing.failed, role)}</p>
          {!final && (
            <button type="button" onClick={() => chatSession.retry(outgoing.clientId)}>
              Try again
            </button>
          )}
          <button type="button" onClick={() => chatSession.discard(outgoing.clientId)}>
            Remove
          </button>
        </div>
      ) : (
        <p className="message-tick">Sending…</p>
      )}
    </li>
  );
}

function Composer({ id, name }: { id: number; name: string }) {
  const [draft, setDraft] = useState(() => chatSession.drafts.get(id) ?? '');
  const [error, setError] = useState<string>();
  const startedAt = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout>>(undefined);
  const stopTyping = useCallback(() => {
    clearTimeout(idle.current);
    if (startedAt.current === 0) return;
    startedAt.current = 0;
    chatSession.typing(id, 'stopped');
  }, [id]);
  useEffect(() => stopTyping, [stopTyping]);

  const change = (text: string) => {
    setDraft(text);
    chatSession.drafts.set(id, text);
    setError(undefined);
    if (!text.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - startedAt.current >= TYPING_EVERY_MS) {
      startedAt.current = now;
      chatSession.typing(id, 'started');
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };
  const send = () => {
    if (!draft.trim()) return;
    if (messageBytes(draft) > MAX_MESSAGE_BYTES) {
      setError(TOO_LONG);
      return;
    }
    stopTyping();
    chatSession.send(id, draft);
    chatSession.drafts.delete(id);
    setDraft('');
  };
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
      noValidate
    >
      <TextAreaField
        id={COMPOSER_ID}
        label={`Message to ${name}`}
        name="message"
        rows={3}
        value={draft}
        onChange={(event) => change(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            send();
          }
        }}
        error={error}
        hint="Enter sends. Shift+Enter starts a new line."
      />
      <button type="submit" className="primary">
        Send
      </button>
    </form>
  );
}
