// A doctor's (or admin's) standing with one patient, as the server sees it (GET .../my-access),
// shared by every part of the chart: the gate (no access: ask the patient or break the glass),
// the banner (emergency time limit, consent state), the consent panel and the write forms, which
// stay disabled until a write grant is active. While something is pending (a consent request, an
// access request) the state is polled, and it is checked again when a time limit runs out, so
// the chart follows the patient's answer without a reload.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { access, recordAccess, type MyAccess } from '../api/identity';
import { queryClient, useApiQuery } from '../api/query';
import { formatDate } from '../metrics';
import { Field, FormError, SubmitButton, useSubmit } from './forms';
import { ErrorMessage, Loading } from './status';
import { Card } from './card';

/** How often a pending request is checked for the patient's answer. */
export const POLL_MS = 3000;

/**
 * When to look again (ms), or undefined: soon while the patient has not answered, else just
 * after the earliest time limit (break-glass, write grant) runs out, at least once a minute.
 */
export function nextCheck(state: MyAccess, serverNow: number): number | undefined {
  if (state.write_grant?.status === 'pending' || state.access_request?.status === 'pending') return POLL_MS;
  const ends = [
    state.break_glass?.expires_at,
    state.write_grant?.status === 'active' ? state.write_grant.expires_at : null,
  ]
    .filter((t): t is string => !!t)
    .map((t) => Date.parse(t) - serverNow);
  if (ends.length === 0) return undefined;
  return Math.min(60_000, Math.max(1_000, Math.min(...ends) + 500));
}

/** The standing, and the server clock minus this clock in ms (time limits count down on the server's time). */
interface Standing {
  state: MyAccess;
  offset: number;
}

const myAccessKey = (patientId: number) => ['my-access', patientId];

/** Asks the server again (after an action); every part of the chart follows the answer. */
export function refreshMyAccess(patientId: number): Promise<void> {
  return queryClient.refetchQueries({ queryKey: myAccessKey(patientId) });
}

/**
 * The caller's standing with a patient: fetched fresh whenever a part of the chart mounts (one
 * request for all of them), then again when `nextCheck` says, while the chart is open.
 */
export function useMyAccess(patientId: number) {
  const query = useApiQuery(
    myAccessKey(patientId),
    async (): Promise<Standing> => {
      const state = await recordAccess.mine(patientId);
      return { state, offset: Date.parse(state.server_time) - Date.now() };
    },
    {
      refetchInterval: (last) => {
        const standing = last.state.data as Standing | undefined;
        return (standing && nextCheck(standing.state, Date.now() + standing.offset)) ?? false;
      },
      // The patient answers on another device: follow it in a hidden tab too.
      refetchIntervalInBackground: true,
      // Never another patient's standing while this one's loads.
      placeholderData: undefined,
    },
  );
  return {
    data: query.data?.state,
    error: query.error,
    offset: query.data?.offset ?? 0,
    reload: () => void query.refetch(),
  };
}

/**
 * The server's time now, re-rendered every 15 s, and every second in the last two minutes before
 * `deadline` (server time, 0 for none) so a countdown shows its seconds.
 */
function useServerNow(offset: number, deadline: number): number {
  const [clock, setClock] = useState(() => Date.now());
  const now = clock + offset;
  const left = deadline ? deadline - now : Infinity;
  const wait = left < 120_000 ? 1000 : Math.min(15_000, Math.max(1000, left - 120_000));
  useEffect(() => {
    const timer = setTimeout(() => setClock(Date.now()), wait);
    return () => clearTimeout(timer);
  }, [clock, wait]);
  return now;
}

/** "14:05" in the reader's time zone. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** "59 min", "1 min 05 s", "40 s": what is left of a time limit. */
export function timeLeft(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds >= 120) return `${Math.floor(seconds / 60)} min`;
  if (seconds >= 60) return `1 min ${String(seconds - 60).padStart(2, '0')} s`;
  return `${seconds} s`;
}

export type ConsentState = 'none' | 'pending' | 'active' | 'expired';

/** The write-grant state a doctor sees up front. */
export function consentState(state: MyAccess | undefined): ConsentState {
  const grant = state?.write_grant;
  if (!grant || grant.status === 'revoked') return 'none';
  return grant.status;
}

/** While the caller may not open the record: nothing but `closed`. */
export function AccessGate({
  patientId,
  closed,
  children,
}: {
  patientId: number;
  closed: (state: MyAccess) => ReactNode;
  children: ReactNode;
}) {
  const { data, error, reload } = useMyAccess(patientId);
  if (error && !data) {
    if (error instanceof ApiError && error.status === 404) {
      return (
        <section>
          <h1>No such patient</h1>
          <p>There is no patient with the number {patientId}. Check the number the patient gave you.</p>
        </section>
      );
    }
    return (
      <section>
        <h1>Patient #{patientId}</h1>
        <ErrorMessage error={error} retry={reload} />
      </section>
    );
  }
  if (!data) return <Loading label="Checking your access to this record…" />;
  if (data.access === 'none') return <>{closed(data)}</>;
  return <>{children}</>;
}

/**
 * Up front on the chart: an emergency access's time limit (counting down) and reason, and for
 * care-team doctors whether they may add to the record.
 */
export function AccessStatus({ patientId }: { patientId: number }) {
  const { data, offset } = useMyAccess(patientId);
  const glass = data?.break_glass;
  const left = glass ? Date.parse(glass.expires_at) : 0;
  const now = useServerNow(offset, left);
  if (!data) return null;
  const state = consentState(data);
  const grant = data.write_grant;
  return (
    <section className="access-status" aria-label="Your access to this record">
      {data.emergency && glass && (
        <div className="emergency-banner">
          <p>
            <strong>Emergency access (break-glass)</strong>, read-only:{' '}
            <strong className="time-left">{timeLeft(left - now)} left</strong> (until {clockTime(glass.expires_at)}).
          </p>
          <p className="muted-strong">
            Your reason, shown to the patient: “{glass.reason}”. To keep access, ask the patient to add you to their
            care team.
          </p>
        </div>
      )}
      {data.care_team && (
        <p className="consent-line" role="status">
          Adding to this record:{' '}
          {state === 'active' && grant?.expires_at && (
            <span className="status status-active">allowed until {clockTime(grant.expires_at)}</span>
          )}
          {state === 'pending' && (
            <span className="status status-pending">consent requested, waiting for the patient</span>
          )}
          {state === 'expired' && grant?.expires_at && (
            <span className="status status-expired">consent ended at {clockTime(grant.expires_at)}</span>
          )}
          {state === 'none' && <span className="status status-expired">no consent yet</span>}
        </p>
      )}
    </section>
  );
}

/** Whether the caller may add to the record now. */
export function useCanWrite(patientId: number): boolean {
  return useMyAccess(patientId).data?.access === 'read_write';
}

/**
 * Write forms: disabled (with the reason said above them) until the patient's consent is active.
 * A disabled fieldset disables every control inside it, whichever form they belong to.
 */
export function WriteGate({ patientId, children }: { patientId: number; children: ReactNode }) {
  const { data } = useMyAccess(patientId);
  const open = data?.access === 'read_write';
  return (
    <fieldset className="write-gate" disabled={!open}>
      {!open && (
        <legend className="write-gate-note">
          {data?.emergency
            ? 'Emergency access is read-only.'
            : 'Needs the patient’s consent first: request it under “Consent to add to this record”.'}
        </legend>
      )}
      {children}
    </fieldset>
  );
}

/**
 * Consent to add to the record, from the server: request it, enter the code the patient reads
 * out (or wait: this panel follows the patient's approval in the app), see until when it lasts.
 */
export function ConsentPanel({ patientId, onActive }: { patientId: number; onActive?: () => void }) {
  const { data } = useMyAccess(patientId);
  const [code, setCode] = useState('');
  const state = consentState(data);
  const grant = data?.write_grant;
  const request = useSubmit(
    [],
    () => access.requestGrant(patientId),
    () => refreshMyAccess(patientId),
  );
  const confirm = useSubmit(
    ['code'],
    () => access.confirmGrant(grant!.id, code.trim()),
    () => {
      setCode('');
      return refreshMyAccess(patientId);
    },
  );
  // Tell the chart when consent becomes active, whoever caused it (the code here, or the patient).
  const last = useRef(state);
  useEffect(() => {
    if (state === 'active' && last.current !== 'active') onActive?.();
    last.current = state;
  }, [state, onActive]);
  if (!data || data.emergency) return null;
  return (
    <Card title="Consent to add to this record" id="consent-title">
      {(state === 'none' || state === 'expired') && (
        <form onSubmit={request.submit}>
          {state === 'expired' && grant?.expires_at ? (
            <p className="notice">Consent ended at {clockTime(grant.expires_at)}. Ask again to add more.</p>
          ) : (
            <p className="notice">No consent yet: the forms below stay closed until the patient agrees.</p>
          )}
          <p className="hint">The patient is emailed a code and sees your request in the app.</p>
          <FormError message={request.formError} />
          <SubmitButton busy={request.busy}>Request consent</SubmitButton>
        </form>
      )}
      {state === 'pending' && grant && (
        <form onSubmit={confirm.submit} noValidate>
          <p role="status">
            Requested at {clockTime(grant.requested_at)}. Enter the code the patient reads to you, or wait: this opens
            by itself when they approve in the app.
          </p>
          <Field
            label="Patient's code"
            name="code"
            inputMode="numeric"
            autoComplete="off"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={confirm.errors.code}
          />
          <FormError message={confirm.formError} />
          <SubmitButton busy={confirm.busy}>Confirm code</SubmitButton>
        </form>
      )}
      {state === 'active' && grant && (
        <p role="status" className="notice">
          You may add to this record until{' '}
          {grant.expires_at ? `${clockTime(grant.expires_at)} (${formatDate(grant.expires_at)})` : 'the grant ends'}.
        </p>
      )}
    </Card>
  );
}
