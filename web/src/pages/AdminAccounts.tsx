// Administration of accounts: find any account by email or name, disable it (with a reason; its
// sessions end at once) or enable it again, after confirming; and open a patient's record in an
// emergency (break-glass).
import { useState } from 'react';
import { accountsAdmin, type AccountSummary } from '../api/identity';
import { ConfirmButton, ReasonButton } from '../components/confirm';
import {
  Field,
  FormError,
  messageOf,
  MoreResults,
  SelectField,
  SubmitButton,
  useFields,
  usePagedSearch,
  useSubmit,
} from '../components/forms';
import { formatDate } from '../metrics';
import { ApiError } from '../api/client';
import { navigate } from '../router';
import { Card } from '../components/card';

const STATES: Record<AccountSummary['state'], string> = {
  active: 'active',
  unverified: 'email not confirmed',
  unclaimed: 'waiting for the patient to set a password',
  pending_approval: 'waiting for approval',
  rejected: 'rejected',
  disabled: 'disabled',
};

function AccountRow({
  item,
  onChanged,
}: {
  item: AccountSummary;
  onChanged: (updated: AccountSummary, message: string) => void;
}) {
  const [error, setError] = useState<string>();
  const disable = async (reason: string) => {
    setError(undefined);
    try {
      const updated = await accountsAdmin.disable(item.id, reason);
      onChanged(updated, `${item.full_name} is disabled; every session of the account has ended.`);
      return true;
    } catch (failure) {
      setError(messageOf(failure));
      return false;
    }
  };
  const enable = async () => {
    setError(undefined);
    try {
      const updated = await accountsAdmin.enable(item.id);
      onChanged(updated, `${item.full_name} is enabled again (${STATES[updated.state]}).`);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const off = item.state === 'disabled' || item.state === 'rejected';
  return (
    <li>
      <span>
        <strong>{item.full_name}</strong> · {item.role} ·{' '}
        <span className={`status status-${off ? 'revoked' : item.state === 'active' ? 'active' : 'pending'}`}>
          {STATES[item.state]}
        </span>
        <br />
        <span className="muted">
          {item.email} · #{item.id} · since {formatDate(item.created_at)}
          {item.disabled_reason && <> · reason: “{item.disabled_reason}”</>}
        </span>
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </span>
      {off ? (
        <ConfirmButton
          label={`Enable ${item.full_name}`}
          question={`Enable ${item.full_name}'s account again?`}
          confirmLabel="Yes, enable"
          onConfirm={() => void enable()}
        />
      ) : (
        <ReasonButton
          label={`Disable ${item.full_name}`}
          reasonLabel="Reason for disabling"
          hint="Every session of the account ends at once. The reason is kept in the audit log."
          confirmLabel={`Disable ${item.full_name}`}
          onConfirm={disable}
        />
      )}
    </li>
  );
}

export function Accounts({ onChanged }: { onChanged: () => void }) {
  const [filter, set] = useFields({ query: '', role: '', status: '' });
  const [message, setMessage] = useState<string>();
  const paged = usePagedSearch(
    ['query', 'role', 'status'],
    (before) => accountsAdmin.list({ ...filter, before }),
    () => setMessage(undefined),
  );
  const { items, setItems, search } = paged;
  const changed = (updated: AccountSummary, text: string) => {
    setItems((old) => old?.map((item) => (item.id === updated.id ? updated : item)));
    setMessage(text);
    onChanged();
  };
  return (
    <Card title="Accounts" id="accounts-title">
      <form onSubmit={search.submit} noValidate>
        <div className="grid">
          <Field
            label="Email or name"
            name="query"
            value={filter.query}
            onChange={set('query')}
            error={search.errors.query}
          />
          <SelectField
            label="Role"
            name="role"
            value={filter.role}
            onChange={set('role')}
            error={search.errors.role}
            options={[
              { value: '', label: 'Any' },
              { value: 'patient', label: 'Patients' },
              { value: 'doctor', label: 'Doctors' },
              { value: 'admin', label: 'Administrators' },
            ]}
          />
          <SelectField
            label="Account status"
            name="status"
            value={filter.status}
            onChange={set('status')}
            error={search.errors.status}
            options={[
              { value: '', label: 'Any' },
              { value: 'active', label: 'Active' },
              { value: 'disabled', label: 'Disabled or rejected' },
              { value: 'pending_approval', label: 'Waiting for approval' },
              { value: 'unverified', label: 'Not confirmed or not claimed' },
            ]}
          />
        </div>
        <FormError message={search.formError} />
        <SubmitButton busy={search.busy}>Find accounts</SubmitButton>
      </form>
      {message && (
        <p role="status" className="saved">
          {message}
        </p>
      )}
      {items &&
        (items.length === 0 ? (
          <p className="empty" role="status">
            No account matches.
          </p>
        ) : (
          <ul className="people" aria-label="Accounts found">
            {items.map((item) => (
              <AccountRow key={item.id} item={item} onChanged={changed} />
            ))}
          </ul>
        ))}
      <MoreResults paged={paged} label="More accounts" />
    </Card>
  );
}

/** Opens a patient's record page, where the administrator states the emergency's reason. */
export function EmergencyRecord() {
  const [number, setNumber] = useState('');
  const open = useSubmit(['patient_id'], async () => {
    const id = Number(number.trim());
    if (!Number.isInteger(id) || id <= 0) {
      throw new ApiError(422, 'validation_failed', 'Enter the patient number.', 'patient_id');
    }
    navigate(`/admin/patients/${id}`);
  });
  return (
    <form className="card" onSubmit={open.submit} noValidate aria-labelledby="emergency-title">
      <h2 id="emergency-title">Emergency access to a patient's record</h2>
      <p className="hint">Read-only and time-limited, with a reason the patient sees in their access log.</p>
      <Field
        label="Patient number"
        name="patient_id"
        inputMode="numeric"
        value={number}
        onChange={(e) => setNumber(e.target.value)}
        error={open.errors.patient_id}
      />
      <SubmitButton busy={open.busy}>Continue</SubmitButton>
    </form>
  );
}
