// Administration: doctors waiting for approval (approve, or reject with a reason that is
// emailed), accounts (find, disable, enable: AdminAccounts.tsx), emergency access to a patient's
// record, the audit log search and the system's health.
import { useState, type ReactNode } from 'react';
import { accountsAdmin, admin, type DoctorAccount } from '../api/identity';
import { ReasonButton } from '../components/confirm';
import { Accounts, EmergencyRecord } from './AdminAccounts';
import {
  Field,
  FormError,
  messageOf,
  MoreResults,
  SelectField,
  SubmitButton,
  useFields,
  usePagedSearch,
} from '../components/forms';
import { reload, useApiQuery } from '../api/query';
import { Card } from '../components/card';
import { formatDate } from '../metrics';

function DoctorRow({ doctor, action }: { doctor: DoctorAccount; action?: ReactNode }) {
  return (
    <li>
      <span>
        <strong>{doctor.full_name}</strong> · {doctor.specialty} · {doctor.clinic}
        <br />
        <span className="muted">
          {doctor.email} · licence {doctor.licence_number}
        </span>
      </span>
      {action}
    </li>
  );
}

function Pending({ onApproved }: { onApproved: () => void }) {
  const pending = useApiQuery(['pending-doctors'], () => admin.doctors('pending_approval'));
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [reasonError, setReasonError] = useState<Record<number, string | undefined>>({});
  const reject = async (doctor: DoctorAccount, reason: string) => {
    setError(undefined);
    setReasonError((r) => ({ ...r, [doctor.id]: undefined }));
    try {
      await accountsAdmin.reject(doctor.id, reason);
      setMessage(`${doctor.full_name} is rejected and has been emailed the reason.`);
      void pending.refetch();
      onApproved();
      return true;
    } catch (failure) {
      setReasonError((r) => ({ ...r, [doctor.id]: messageOf(failure) }));
      return false;
    }
  };
  const approve = async (doctor: DoctorAccount) => {
    setError(undefined);
    try {
      await admin.approve(doctor.id);
      setMessage(`${doctor.full_name} is approved and has been emailed.`);
      void pending.refetch();
      onApproved();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <Card
      title="Doctors waiting for approval"
      id="pending-title"
      intro={
        <p className="hint">
          Check each licence with the medical register before approving. A rejection’s reason is emailed to the doctor.
        </p>
      }
      query={pending}
      label="Loading…"
      empty="Nobody is waiting."
      footer={
        <>
          <FormError message={error} />
          {message && <p role="status">{message}</p>}
        </>
      }
    >
      {(page) => (
        <ul className="people">
          {page.items.map((d) => (
            <DoctorRow
              key={d.id}
              doctor={d}
              action={
                <span className="row">
                  <button type="button" className="primary" onClick={() => approve(d)}>
                    Approve {d.full_name}
                  </button>
                  <ReasonButton
                    label={`Reject ${d.full_name}`}
                    reasonLabel="Reason (emailed to the doctor)"
                    hint="e.g. “Licence number not found in the medical register”."
                    confirmLabel={`Reject ${d.full_name}`}
                    error={reasonError[d.id]}
                    onConfirm={(reason) => reject(d, reason)}
                  />
                </span>
              }
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

function Users() {
  const [status, setStatus] = useState('active');
  const list = useApiQuery(['doctors', status], () => admin.doctors(status));
  return (
    <Card
      title="Doctor accounts"
      id="users-title"
      intro={
        <SelectField
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={[
            { value: 'active', label: 'Active' },
            { value: 'pending_approval', label: 'Pending approval' },
            { value: 'unverified', label: 'Email not confirmed' },
            { value: 'rejected', label: 'Rejected' },
            { value: 'disabled', label: 'Disabled' },
          ]}
        />
      }
      query={list}
      label="Loading…"
      empty="No accounts."
    >
      {(page) => (
        <ul className="people">
          {page.items.map((d) => (
            <DoctorRow key={d.id} doctor={d} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function Audit() {
  const [filter, set] = useFields({ actor_id: '', patient_id: '', action: '' });
  const paged = usePagedSearch(['actor_id', 'patient_id', 'action', 'before'], (before) =>
    admin.audit({ ...filter, before }),
  );
  const { items: entries, search } = paged;
  return (
    <Card title="Audit log" id="audit-title" className="card wide">
      <form onSubmit={search.submit} noValidate>
        <div className="grid">
          <Field
            label="Actor id"
            name="actor_id"
            inputMode="numeric"
            value={filter.actor_id}
            onChange={set('actor_id')}
            error={search.errors.actor_id}
          />
          <Field
            label="Patient id"
            name="patient_id"
            inputMode="numeric"
            value={filter.patient_id}
            onChange={set('patient_id')}
            error={search.errors.patient_id}
          />
          <Field
            label="Action"
            name="action"
            value={filter.action}
            onChange={set('action')}
            error={search.errors.action}
            hint="e.g. record.read"
          />
        </div>
        <FormError message={search.formError} />
        <SubmitButton busy={search.busy}>Search</SubmitButton>
      </form>
      {entries && (
        // Scrolls sideways on narrow screens: focusable, so keyboard users can scroll it too.
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Audit entries">
          <table className="audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Patient</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {entries.length === 0 && (
                <tr>
                  <td colSpan={5}>No entries.</td>
                </tr>
              )}
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.at)}</td>
                  <td>
                    {e.actor_id ?? '—'} ({e.actor_role})
                  </td>
                  <td>
                    {e.action}
                    {e.reason && <div className="muted">{e.reason}</div>}
                  </td>
                  <td>{e.patient_id ?? '—'}</td>
                  <td>{e.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreResults paged={paged} />
    </Card>
  );
}

function Health() {
  const state = useApiQuery(['health'], async () => {
    const [ready, routes] = await Promise.all([
      admin.ready().catch((e) => ({ status: messageOf(e), database: '?' })),
      admin.routes(),
    ]);
    return { ready, routes: routes.items.length, checked: new Date().toISOString() };
  });
  return (
    <Card title="System health" id="health-title" query={state} label="Checking…">
      {(h) => (
        <dl className="facts">
          <dt>Database</dt>
          <dd>
            <span className={h.ready.status === 'ready' ? 'badge ok' : 'badge bad'}>{h.ready.status}</span> (
            {h.ready.database})
          </dd>
          <dt>API routes</dt>
          <dd>{h.routes}</dd>
          <dt>Checked</dt>
          <dd>
            {formatDate(h.checked)}{' '}
            <button type="button" onClick={() => void state.refetch()}>
              Check again
            </button>
          </dd>
        </dl>
      )}
    </Card>
  );
}

export function AdminPage() {
  const doctorsChanged = () => void reload(['doctors']);
  return (
    <section>
      <h1>Administration</h1>
      <div className="columns">
        <Pending onApproved={doctorsChanged} />
        <Health />
      </div>
      <Accounts onChanged={doctorsChanged} />
      <div className="columns">
        <Users />
        <EmergencyRecord />
      </div>
      <Audit />
    </section>
  );
}
