// What a doctor sees on a patient they are not linked to (and an admin on any patient): not a
// dead end, but two ways in. Ask the patient for access (they approve in the app; this page then
// opens the record by itself), or, in an emergency, break the glass: read-only access for a
// limited time with a reason, which the patient is told about and sees in their access log.
import { useState } from 'react';
import { accountsAdmin, recordAccess, type MyAccess } from '../api/identity';
import { useSession } from '../auth';
import { clockTime, refreshMyAccess } from '../components/access';
import { Field, FormError, SubmitButton, useSubmit } from '../components/forms';
import { formatDate } from '../metrics';
import { Link } from '../router';
import { Card } from '../components/card';

function AskForAccess({ patientId, state }: { patientId: number; state: MyAccess }) {
  const [message, setMessage] = useState('');
  const ask = useSubmit(
    ['message'],
    () => recordAccess.ask(patientId, message.trim()),
    () => refreshMyAccess(patientId),
  );
  const request = state.access_request;
  return (
    <Card title="Ask the patient for access" id="ask-title">
      {request?.status === 'pending' ? (
        <p role="status" className="notice">
          Request sent at {clockTime(request.requested_at)}. The patient sees it in the app and by email; the record
          opens here as soon as they approve.
        </p>
      ) : (
        <form onSubmit={ask.submit} noValidate>
          {request?.status === 'declined' && request.decided_at && (
            <p role="status" className="notice">
              The patient declined your request on {formatDate(request.decided_at)}.
            </p>
          )}
          <p>The patient decides. If they approve, you join their care team and can read their record.</p>
          <Field
            label="Message to the patient (optional)"
            name="message"
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            error={ask.errors.message}
            hint="Who you are and why, e.g. “Your new GP at the Riverside practice”. No health details: it is shown in the app."
          />
          <FormError message={ask.formError} />
          <SubmitButton busy={ask.busy} busyText="Sending…">
            {request?.status === 'declined' ? 'Ask again' : 'Ask for access'}
          </SubmitButton>
        </form>
      )}
    </Card>
  );
}

function BreakGlassForm({ patientId, admin }: { patientId: number; admin: boolean }) {
  const [reason, setReason] = useState('');
  const open = useSubmit(
    ['reason'],
    () =>
      admin ? accountsAdmin.breakGlass(patientId, reason.trim()) : recordAccess.breakGlass(patientId, reason.trim()),
    () => refreshMyAccess(patientId),
  );
  return (
    <section className="card emergency" aria-labelledby="glass-title">
      <h2 id="glass-title">Emergency access (break-glass)</h2>
      <p>
        Only when the patient cannot be asked and care cannot wait. You can read the record, not change it, for a
        limited time (60 minutes unless your service set another limit). The patient is emailed at once and sees your
        name and reason in their access log; every read is audited.
      </p>
      <form onSubmit={open.submit} noValidate>
        <Field
          label="Reason"
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={open.errors.reason}
          hint="Why this is an emergency, at least 10 characters, e.g. “Unconscious in A&E, need allergies and medicines”."
        />
        <FormError message={open.formError} />
        <SubmitButton busy={open.busy} busyText="Opening…">
          Open the record in an emergency
        </SubmitButton>
      </form>
    </section>
  );
}

export function EmergencyAccess({ patientId, state }: { patientId: number; state: MyAccess }) {
  const { account } = useSession();
  const admin = account?.role === 'admin';
  return (
    <section>
      <p>
        <Link to={admin ? '/admin' : '/doctor'}>{admin ? '← Administration' : '← Patients'}</Link>
      </p>
      <h1>Patient #{patientId}</h1>
      <p className="notice">
        {admin
          ? 'Administrators open patient records only in an emergency.'
          : 'You are not on this patient’s care team, so their record is closed to you.'}
      </p>
      <div className="columns">
        {!admin && <AskForAccess patientId={patientId} state={state} />}
        <BreakGlassForm patientId={patientId} admin={admin} />
      </div>
    </section>
  );
}
