// Sign-up (patient or doctor), email-code verification (which signs a patient in), claiming an
// account registered at a desk, sign-in and password reset. Email links carry the address and
// code after '#' (fragment.ts): these pages fill them in.
import { useState } from 'react';
import { account as accountApi, auth, type Sex, type Verified } from '../api/identity';
import { api, type Account } from '../api/client';
import { afterSignIn, homeOf } from '../auth';
import { Field, FormError, SelectField, SubmitButton, useFields, useSubmit } from '../components/forms';
import { takeFragment } from '../fragment';
import { Link, navigate, useSearchParam } from '../router';

/** Starts the session a verification or claim answered with; null when the account must wait. */
function signedIn(answer: Verified): Account | null {
  if (!('access_token' in answer)) return null;
  return api.adopt(answer);
}

/** The sexes a patient's profile records, as people choose them. */
export const SEX_OPTIONS = [
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'other', label: 'Other' },
  { value: 'unknown', label: 'Prefer not to say' },
];

// The address being verified, kept in memory between the sign-up and verify pages (not in the URL).
let pendingEmail = '';

export function SignUp() {
  const [role, setRole] = useState<'patient' | 'doctor'>('patient');
  const [form, set] = useFields({
    email: '',
    password: '',
    full_name: '',
    date_of_birth: '',
    sex: 'female' as Sex,
    phone: '',
    licence_number: '',
    specialty: '',
    clinic: '',
  });
  const fields = Object.keys(form);
  const { busy, errors, formError, submit } = useSubmit(
    fields,
    () =>
      role === 'patient'
        ? auth.signUpPatient({
            email: form.email,
            password: form.password,
            full_name: form.full_name,
            date_of_birth: form.date_of_birth,
            sex: form.sex,
            ...(form.phone ? { phone: form.phone } : {}),
          })
        : auth.signUpDoctor({
            email: form.email,
            password: form.password,
            full_name: form.full_name,
            licence_number: form.licence_number,
            specialty: form.specialty,
            clinic: form.clinic,
          }),
    () => {
      pendingEmail = form.email;
      navigate('/verify');
    },
  );
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form onSubmit={submit} noValidate>
        <fieldset className="choice">
          <legend>I am</legend>
          <label>
            <input
              type="radio"
              name="role"
              value="patient"
              checked={role === 'patient'}
              onChange={() => setRole('patient')}
            />{' '}
            a patient
          </label>
          <label>
            <input
              type="radio"
              name="role"
              value="doctor"
              checked={role === 'doctor'}
              onChange={() => setRole('doctor')}
            />{' '}
            a doctor
          </label>
        </fieldset>
        <Field
          label="Full name"
          name="full_name"
          autoComplete="name"
          required
          value={form.full_name}
          onChange={set('full_name')}
          error={errors.full_name}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
          error={errors.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          error={errors.password}
          hint="At least 10 characters; a passphrase of a few words is good."
        />
        {role === 'patient' ? (
          <>
            <Field
              label="Date of birth"
              name="date_of_birth"
              type="date"
              required
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
              autoComplete="tel"
              value={form.phone}
              onChange={set('phone')}
              error={errors.phone}
            />
          </>
        ) : (
          <>
            <Field
              label="Licence number"
              name="licence_number"
              required
              value={form.licence_number}
              onChange={set('licence_number')}
              error={errors.licence_number}
            />
            <Field
              label="Specialty"
              name="specialty"
              required
              value={form.specialty}
              onChange={set('specialty')}
              error={errors.specialty}
            />
            <Field
              label="Clinic"
              name="clinic"
              required
              value={form.clinic}
              onChange={set('clinic')}
              error={errors.clinic}
            />
          </>
        )}
        <FormError message={formError} />
        <SubmitButton busy={busy} busyText="Creating…">
          Create account
        </SubmitButton>
      </form>
      <p>
        Already registered? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}

export function Verify() {
  const [link] = useState(takeFragment);
  const [email, setEmail] = useState(link.email ?? pendingEmail);
  const [code, setCode] = useState(link.code ?? '');
  const [result, setResult] = useState<string>();
  const [resent, setResent] = useState(false);
  const { busy, errors, formError, submit } = useSubmit(
    ['email', 'code'],
    () => accountApi.verifyEmail(email.trim(), code.trim()),
    (r) => {
      const account = signedIn(r);
      // Confirming the address signs a patient in: straight to their dashboard.
      if (account) navigate(homeOf(account), true);
      else setResult(r.status);
    },
  );
  const resend = useSubmit(
    ['email'],
    () => auth.resendVerification(email.trim()),
    () => setResent(true),
  );
  if (result) {
    return (
      <section className="narrow">
        <h1>Email confirmed</h1>
        {result === 'pending_approval' ? (
          <p className="notice" role="status">
            Thank you. An administrator checks every doctor's licence; we will email you when your account is approved.
          </p>
        ) : (
          <p className="notice" role="status">
            Your account is ready.
          </p>
        )}
        <p>
          <Link to="/signin" className="button primary">
            Sign in
          </Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Confirm your email</h1>
      <p>We sent a 6-digit code to your email address. Enter it here; it works for a limited time.</p>
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email ?? resend.errors.email}
        />
        <Field
          label="Code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={errors.code}
        />
        <FormError message={formError ?? resend.formError} />
        <div className="row">
          <SubmitButton busy={busy} busyText="Checking…">
            Confirm
          </SubmitButton>
          <button type="button" onClick={() => resend.submit()} disabled={resend.busy}>
            Send a new code
          </button>
        </div>
        {resent && <p role="status">A new code is on its way.</p>}
      </form>
      <p className="hint">If we emailed you a link to choose a password instead, follow that link.</p>
    </section>
  );
}

/** An account registered at a desk (or a sign-up repeated before it was confirmed): choose its password. */
export function Claim() {
  const [link] = useState(takeFragment);
  const [email, setEmail] = useState(link.email ?? '');
  const [code, setCode] = useState(link.code ?? '');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const { busy, errors, formError, submit } = useSubmit(
    ['email', 'code', 'new_password'],
    () => accountApi.claim(email.trim(), code.trim(), password),
    (r) => {
      const account = signedIn(r);
      if (account) navigate(homeOf(account), true);
      else setPending(true);
    },
  );
  if (pending) {
    return (
      <section className="narrow">
        <h1>Password chosen</h1>
        <p className="notice" role="status">
          Thank you. An administrator checks every doctor's licence; we will email you when your account is approved.
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Set up your account</h1>
      <p>Choose the password for your Vitalis account with the code we emailed you.</p>
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          label="Code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={errors.code}
        />
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.new_password}
          hint="At least 10 characters; a passphrase of a few words is good."
        />
        <FormError message={formError} />
        <SubmitButton busy={busy} busyText="Saving…">
          Save password and sign in
        </SubmitButton>
      </form>
    </section>
  );
}

/** The second step of sign-in: a code from the authenticator app, or a recovery code. */
function SecondStep({ challenge, next }: { challenge: string; next: string }) {
  const [code, setCode] = useState('');
  const { busy, errors, formError, submit } = useSubmit(
    ['code'],
    () => api.signInSecondStep(challenge, code.trim()),
    (account) => navigate(afterSignIn(account, next), true),
  );
  return (
    <section className="narrow">
      <h1>Enter your code</h1>
      <form onSubmit={submit} noValidate>
        <p>Open your authenticator app and type the 6-digit code it shows for Vitalis.</p>
        <Field
          label="Code"
          name="code"
          autoComplete="one-time-code"
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={errors.code}
          hint="Lost your phone? Type one of your recovery codes instead."
        />
        <FormError message={formError} />
        <SubmitButton busy={busy} busyText="Checking…">
          Sign in
        </SubmitButton>
      </form>
      <p>
        <a href="/signin" onClick={() => window.location.reload()}>
          Start again
        </a>
      </p>
    </section>
  );
}

export function SignIn() {
  // The page to come back to (signInFor), read now: once signed in the app may move on first.
  const next = useSearchParam('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<string | null>(null);
  const { busy, errors, formError, submit } = useSubmit(
    ['email', 'password'],
    () => api.signIn(email.trim(), password),
    (answer) => ('challenge' in answer ? setChallenge(answer.challenge) : navigate(afterSignIn(answer, next), true)),
  );
  if (challenge) return <SecondStep challenge={challenge} next={next} />;
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <FormError message={formError} />
        <SubmitButton busy={busy} busyText="Signing in…">
          Sign in
        </SubmitButton>
      </form>
      <p>
        <Link to="/reset">Forgot your password?</Link> · <Link to="/verify">Enter an email code</Link> ·{' '}
        <Link to="/signup">Create an account</Link>
      </p>
    </section>
  );
}

export function ResetPassword() {
  const [link] = useState(takeFragment);
  const [step, setStep] = useState<'request' | 'confirm' | 'done'>(link.code ? 'confirm' : 'request');
  const [email, setEmail] = useState(link.email ?? '');
  const [code, setCode] = useState(link.code ?? '');
  const [password, setPassword] = useState('');
  const request = useSubmit(
    ['email'],
    () => auth.requestReset(email.trim()),
    () => setStep('confirm'),
  );
  const confirm = useSubmit(
    ['email', 'code', 'new_password'],
    () => auth.confirmReset(email.trim(), code.trim(), password),
    () => setStep('done'),
  );
  return (
    <section className="narrow">
      <h1>Reset your password</h1>
      {step === 'request' && (
        <form onSubmit={request.submit} noValidate>
          <p>Enter your email; if it belongs to an account we send a code.</p>
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={request.errors.email}
          />
          <FormError message={request.formError} />
          <SubmitButton busy={request.busy}>Send code</SubmitButton>
        </form>
      )}
      {step === 'confirm' && (
        <form onSubmit={confirm.submit} noValidate>
          {link.code ? (
            <p>Choose a new password for {email}.</p>
          ) : (
            <p role="status">If {email} has an account, a code is on its way.</p>
          )}
          <Field
            label="Code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={confirm.errors.code ?? confirm.errors.email}
          />
          <Field
            label="New password"
            name="new_password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={confirm.errors.new_password}
          />
          <FormError message={confirm.formError} />
          <SubmitButton busy={confirm.busy}>Set new password</SubmitButton>
        </form>
      )}
      {step === 'done' && (
        <p className="notice">
          Your password is changed and every session is signed out. <Link to="/signin">Sign in</Link>
        </p>
      )}
    </section>
  );
}
