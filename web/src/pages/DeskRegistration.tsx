// A doctor registers a patient at the desk: the account is created with its profile, the doctor
// joins the care team, and the patient gets an email to choose a password (until then nobody can
// sign in to it).
import { useRef, useState } from 'react';
import { recordAccess, type DeskPatient, type Sex } from '../api/identity';
import { Field, FormError, SelectField, SubmitButton, useFields, useSubmit } from '../components/forms';
import { Link } from '../router';
import { SEX_OPTIONS } from './AuthPages';

const EMPTY = { full_name: '', date_of_birth: '', sex: 'female' as Sex, phone: '', email: '' };

export function DeskRegistration() {
  const [form, set, setForm] = useFields(EMPTY);
  const [done, setDone] = useState<DeskPatient>();
  const result = useRef<HTMLParagraphElement>(null);
  const { busy, errors, formError, submit } = useSubmit(
    Object.keys(EMPTY),
    () =>
      recordAccess.registerPatient({
        full_name: form.full_name,
        date_of_birth: form.date_of_birth,
        sex: form.sex,
        email: form.email,
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      }),
    (patient) => {
      setDone(patient);
      setForm(EMPTY);
      requestAnimationFrame(() => result.current?.focus());
    },
  );
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="desk-title">
      <h2 id="desk-title">Register a new patient</h2>
      <p className="hint">
        For a patient in front of you. They get an email to choose their password; you join their care team at once.
      </p>
      <div className="grid">
        <Field
          label="Full name"
          name="full_name"
          autoComplete="off"
          value={form.full_name}
          onChange={set('full_name')}
          error={errors.full_name}
        />
        <Field
          label="Date of birth"
          name="date_of_birth"
          type="date"
          value={form.date_of_birth}
          onChange={set('date_of_birth')}
          error={errors.date_of_birth}
        />
        <SelectField
          label="Sex"
          name="sex"
          value={form.sex}
          onChange={set('sex')}
          error={errors.sex}
          options={SEX_OPTIONS}
        />
        <Field
          label="Phone (optional)"
          name="phone"
          type="tel"
          autoComplete="off"
          value={form.phone}
          onChange={set('phone')}
          error={errors.phone}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          value={form.email}
          onChange={set('email')}
          error={errors.email}
        />
      </div>
      <FormError message={formError} />
      <SubmitButton busy={busy} busyText="Registering…">
        Register patient
      </SubmitButton>
      {done && (
        <p role="status" className="saved" ref={result} tabIndex={-1}>
          {done.created ? 'Registered' : 'Already registered by you: a new email was sent'}: {done.full_name}, patient #
          {done.id}. They get an email to choose a password.{' '}
          <Link to={`/doctor/patients/${done.id}`}>Open {done.full_name}'s record</Link>
        </p>
      )}
    </form>
  );
}
