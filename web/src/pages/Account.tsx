// The signed-in person's account, for every role: name and phone, email address (changed only
// with a code sent to the new address), password, and the devices signed in (end any one, or all
// others).
import { useEffect, useState } from 'react';
import { account, type AccountDetails, type Session } from '../api/identity';
import { api } from '../api/client';
import { useSession } from '../auth';
import { ConfirmButton } from '../components/confirm';
import { Field, FormError, Saved, SubmitButton, useAction, useSubmit } from '../components/forms';
import { Card } from '../components/card';
import { Async } from '../components/status';
import { queryClient, useApiQuery } from '../api/query';
import { takeFragment } from '../fragment';
import { formatDate } from '../metrics';
import { Link, navigate } from '../router';

// An email link's code for the new address (/account#email=…&code=…), read once.
let linkValues: Record<string, string> | null = null;
function emailLink(): Record<string, string> {
  if (linkValues === null) linkValues = takeFragment();
  return linkValues;
}

function Details({ details, onSaved }: { details: AccountDetails; onSaved: (d: AccountDetails) => void }) {
  const patient = details.role === 'patient';
  const [name, setName] = useState(details.full_name);
  const [phone, setPhone] = useState(details.phone ?? '');
  const [saved, setSaved] = useState(false);
  const save = useSubmit(
    ['full_name', 'phone'],
    () => account.update(patient ? { full_name: name, phone: phone.trim() } : { full_name: name }),
    (d) => {
      onSaved(d);
      setSaved(true);
      void api.refresh(); // the header shows the new name
    },
  );
  return (
    <form className="card" onSubmit={save.submit} noValidate aria-labelledby="details-title">
      <h2 id="details-title">Your details</h2>
      <Field
        label="Full name"
        name="full_name"
        autoComplete="name"
        value={name}
        onChange={(e) => (setSaved(false), setName(e.target.value))}
        error={save.errors.full_name}
      />
      {patient && (
        <Field
          label="Phone"
          name="phone"
          type="tel"
          autoComplete="tel"
          value={phone}
          onChange={(e) => (setSaved(false), setPhone(e.target.value))}
          error={save.errors.phone}
          hint="Leave empty to remove it."
        />
      )}
      <FormError message={save.formError} />
      <SubmitButton busy={save.busy} busyText="Saving…">
        Save details
      </SubmitButton>
      <Saved message={saved ? 'Your details are saved.' : undefined} />
    </form>
  );
}

function EmailChange({ details, onChanged }: { details: AccountDetails; onChanged: (d: AccountDetails) => void }) {
  const link = emailLink();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState(link.code ?? '');
  const [sentTo, setSentTo] = useState(details.pending_email ?? '');
  const [done, setDone] = useState<string>();
  const request = useSubmit(
    ['email', 'current_password'],
    () => account.requestEmailChange(email.trim(), password),
    () => {
      setSentTo(email.trim().toLowerCase());
      setPassword('');
      setDone(undefined);
      requestAnimationFrame(() => document.getElementById('email-code')?.focus());
    },
  );
  const confirm = useSubmit(
    ['code'],
    () => account.confirmEmailChange(code.trim()),
    (d) => {
      setDone(`Your email address is now ${d.email}. We told your old address.`);
      setSentTo('');
      setCode('');
      onChanged(d);
      void api.refresh();
    },
  );
  return (
    <Card title="Email address" id="email-title">
      <p>
        Now: <strong>{details.email}</strong>
      </p>
      {sentTo ? (
        <form onSubmit={confirm.submit} noValidate>
          <p role="status">We sent a 6-digit code to {sentTo}. Enter it to use that address from now on.</p>
          <Field
            id="email-code"
            label="Code from the new address"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={confirm.errors.code}
          />
          <FormError message={confirm.formError} />
          <div className="row">
            <SubmitButton busy={confirm.busy}>Confirm new address</SubmitButton>
            <button type="button" onClick={() => setSentTo('')}>
              Use another address
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={request.submit} noValidate>
          <Field
            label="New email address"
            name="email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={request.errors.email}
          />
          <Field
            label="Current password"
            name="current_password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={request.errors.current_password}
          />
          <FormError message={request.formError} />
          <SubmitButton busy={request.busy} busyText="Sending…">
            Send a code to the new address
          </SubmitButton>
        </form>
      )}
      <Saved message={done} />
    </Card>
  );
}

function PasswordChange() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const change = useSubmit(
    ['current_password', 'new_password'],
    () => account.changePassword(current, next),
    () => {
      setDone(true);
      setCurrent('');
      setNext('');
    },
  );
  return (
    <form className="card" onSubmit={change.submit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <Field
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => (setDone(false), setCurrent(e.target.value))}
        error={change.errors.current_password}
      />
      <Field
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(e) => (setDone(false), setNext(e.target.value))}
        error={change.errors.new_password}
        hint="At least 10 characters; a few words make a good one."
      />
      <FormError message={change.formError} />
      <SubmitButton busy={change.busy} busyText="Changing…">
        Change password
      </SubmitButton>
      <Saved message={done ? 'Your password is changed. Your other devices are signed out.' : undefined} />
    </form>
  );
}

/** A browser's User-Agent in a few words ("Firefox on Linux"), or the text itself. */
export function deviceName(agent: string): string {
  if (!agent) return 'Unknown device';
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : null;
  const system = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Windows/.test(agent)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(agent)
          ? 'macOS'
          : /Linux/.test(agent)
            ? 'Linux'
            : null;
  if (browser && system) return `${browser} on ${system}`;
  return agent.length > 60 ? agent.slice(0, 57) + '…' : agent;
}

function Sessions() {
  const sessions = useApiQuery(['sessions'], () => account.sessions());
  const [message, setMessage] = useState<string>();
  const action = useAction(() => void sessions.refetch());
  const run = (what: () => Promise<unknown>, done: string) =>
    action.run(async () => {
      await what();
      setMessage(done);
    });
  const signOutHere = async () => {
    await api.signOut();
    navigate('/signin');
  };
  return (
    <Card
      title="Devices signed in"
      id="sessions-title"
      query={sessions}
      label="Loading your devices…"
      footer={
        <>
          <FormError message={action.error} />
          <Saved message={message} />
        </>
      }
    >
      {(page) => (
        <>
          <ul className="people sessions">
            {page.items.map((s: Session) => (
              <li key={s.id}>
                <span>
                  <strong>{deviceName(s.user_agent)}</strong>{' '}
                  {s.current && <span className="status status-active">this device</span>}
                  <br />
                  <span className="muted">
                    {s.client_address || 'unknown address'} · signed in {formatDate(s.started_at)} · last used{' '}
                    {formatDate(s.last_used_at)}
                  </span>
                </span>
                {s.current ? (
                  <button type="button" onClick={() => void signOutHere()}>
                    Sign out here
                  </button>
                ) : (
                  <ConfirmButton
                    label={`Sign out ${deviceName(s.user_agent)}`}
                    question={`Sign out ${deviceName(s.user_agent)}?`}
                    confirmLabel="Yes, sign out"
                    onConfirm={() =>
                      void run(() => account.endSession(s.id), `${deviceName(s.user_agent)} is signed out.`)
                    }
                  />
                )}
              </li>
            ))}
          </ul>
          {page.items.some((s) => !s.current) && (
            <ConfirmButton
              label="Sign out all other devices"
              question="Sign out every device but this one?"
              confirmLabel="Yes, sign them out"
              onConfirm={() => void run(() => account.endOtherSessions(), 'Every other device is signed out.')}
            />
          )}
        </>
      )}
    </Card>
  );
}

export function AccountPage() {
  const { account: me } = useSession();
  const key = ['me', me?.id];
  const details = useApiQuery(key, () => account.details());
  const setDetails = (data: AccountDetails) => queryClient.setQueryData(key, data);
  useEffect(() => {
    emailLink();
  }, []);
  return (
    <section>
      <h1>My account</h1>
      <Async state={details} label="Loading your account…">
        {(d) => (
          <>
            <p className="muted">
              {d.role} · account #{d.id} · since {formatDate(d.created_at)}
            </p>
            <div className="columns">
              <Details details={d} onSaved={setDetails} />
              <EmailChange details={d} onChanged={setDetails} />
            </div>
            <div className="columns">
              <PasswordChange />
              <Sessions />
            </div>
            <section className="card" aria-labelledby="two-step-title">
              <h2 id="two-step-title">Two-step sign-in</h2>
              <p>Ask for a code from an app on your phone as well as your password when you sign in.</p>
              <Link to="/two-step">Set up or change two-step sign-in</Link>
            </section>
          </>
        )}
      </Async>
    </section>
  );
}
