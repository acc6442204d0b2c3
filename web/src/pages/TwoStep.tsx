// Two-step sign-in: setting it up with an authenticator app (the secret as a QR code to scan, as
// text and as a link the phone opens), the recovery codes shown once, new recovery codes, and turning it off (not for
// administrators, who must set it up before anything else).
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { secondFactor, type SecondFactorEnrolment, type SecondFactorStatus } from '../api/identity';
import { useSession } from '../auth';
import { Field, FormError, SubmitButton, useSubmit } from '../components/forms';
import { Async } from '../components/status';
import { queryClient, useApiQuery } from '../api/query';
import { homeOf } from '../auth';
import { navigate } from '../router';

const QR_SIZE = 200;

/**
 * The otpauth:// link as a QR code for the authenticator app's camera, drawn in the browser (the
 * key never leaves the page). Its square is kept while it is drawn, so nothing moves.
 */
function SetupQrCode({ uri }: { uri: string }) {
  const [image, setImage] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: QR_SIZE }).then(
      (url) => current && setImage(url),
      () => current && setImage(null),
    );
    return () => {
      current = false;
    };
  }, [uri]);
  return (
    <p className="totp-qr" style={{ width: QR_SIZE, height: QR_SIZE }}>
      {image && (
        <img
          src={image}
          width={QR_SIZE}
          height={QR_SIZE}
          alt="QR code of the setup key, to scan with your authenticator app"
        />
      )}
    </p>
  );
}

/** "JBSW Y3DP EHPK 3PXP": easier to read out and type. */
export function groupsOfFour(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = codes.join('\n') + '\n';
  const copy = async () => {
    await navigator.clipboard?.writeText(text);
    setCopied(true);
  };
  const download = () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    link.download = 'vitalis-recovery-codes.txt';
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <section className="card" aria-labelledby="recovery-title">
      <h2 id="recovery-title">Your recovery codes</h2>
      <p className="notice" role="alert">
        <strong>Store these now: they will not be shown again.</strong> Each code signs you in once if you lose your
        phone. Keep them somewhere safe, apart from your phone (printed, or in a password manager).
      </p>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <p className="actions">
        <button type="button" onClick={copy}>
          Copy
        </button>{' '}
        <button type="button" onClick={download}>
          Download
        </button>{' '}
        <span role="status">{copied ? 'Copied.' : ''}</span>
      </p>
      <button type="button" className="primary" onClick={onDone}>
        I have stored my recovery codes
      </button>
    </section>
  );
}

function SetUp({ forced, onCodes }: { forced: boolean; onCodes: (codes: string[]) => void }) {
  const [enrolment, setEnrolment] = useState<SecondFactorEnrolment | null>(null);
  const [code, setCode] = useState('');
  const start = useSubmit([], () => secondFactor.enrol(), setEnrolment);
  const confirm = useSubmit(
    ['code'],
    () => secondFactor.confirm(code.trim()),
    (answer) => onCodes(answer.recovery_codes),
  );
  return (
    <section className="card" aria-labelledby="setup-title">
      <h2 id="setup-title">Set up two-step sign-in</h2>
      {forced && <p className="notice">Administrators must set up two-step sign-in before continuing.</p>}
      <p>
        With two-step sign-in, your password alone is not enough: you also type a 6-digit code from an authenticator app
        on your phone (for example Google Authenticator, Microsoft Authenticator, FreeOTP or Aegis).
      </p>
      {!enrolment ? (
        <form onSubmit={start.submit} noValidate>
          <FormError message={start.formError} />
          <SubmitButton busy={start.busy} busyText="Starting…">
            Start
          </SubmitButton>
        </form>
      ) : (
        <form onSubmit={confirm.submit} noValidate>
          <ol>
            <li>
              In your authenticator app, add an account and scan this code:
              <SetupQrCode uri={enrolment.otpauth_uri} />
              On this phone you can instead <a href={enrolment.otpauth_uri}>open it in your authenticator app</a>; or
              choose “enter a setup key” and type this key:
              <p className="secret" data-testid="totp-secret">
                <code>{groupsOfFour(enrolment.secret)}</code>
              </p>
              <p className="muted">Account: your email. Type: time based.</p>
            </li>
            <li>Type the 6-digit code the app now shows.</li>
          </ol>
          <Field
            label="Code from the app"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={confirm.errors.code}
          />
          <FormError message={confirm.formError} />
          <SubmitButton busy={confirm.busy} busyText="Checking…">
            Turn on two-step sign-in
          </SubmitButton>
        </form>
      )}
    </section>
  );
}

function Manage({ status, onCodes }: { status: SecondFactorStatus; onCodes: (codes: string[]) => void }) {
  const [code, setCode] = useState('');
  const [offCode, setOffCode] = useState('');
  const [password, setPassword] = useState('');
  const renew = useSubmit(
    ['code'],
    () => secondFactor.newRecoveryCodes(code.trim()),
    (answer) => onCodes(answer.recovery_codes),
  );
  const off = useSubmit(
    ['password', 'code'],
    () => secondFactor.disable(password, offCode.trim()),
    () => queryClient.invalidateQueries({ queryKey: ['second-factor'] }),
  );
  return (
    <>
      <section className="card" aria-labelledby="on-title">
        <h2 id="on-title">Two-step sign-in is on</h2>
        <p>
          You have {status.recovery_codes_left} unused recovery code{status.recovery_codes_left === 1 ? '' : 's'}.
        </p>
        <form onSubmit={renew.submit} noValidate>
          <p>Make new recovery codes (the old ones stop working):</p>
          <Field
            label="Code from your app"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={renew.errors.code}
          />
          <FormError message={renew.formError} />
          <SubmitButton busy={renew.busy}>Make new recovery codes</SubmitButton>
        </form>
      </section>
      {!status.required && (
        <form className="card" onSubmit={off.submit} noValidate aria-labelledby="off-title">
          <h2 id="off-title">Turn off two-step sign-in</h2>
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={off.errors.password}
          />
          <Field
            label="Code from your app (or a recovery code)"
            name="code"
            autoComplete="one-time-code"
            value={offCode}
            onChange={(e) => setOffCode(e.target.value)}
            error={off.errors.code}
          />
          <FormError message={off.formError} />
          <SubmitButton busy={off.busy}>Turn off</SubmitButton>
        </form>
      )}
    </>
  );
}

export function TwoStepPage() {
  const { account, mustSetUpSecondFactor, secondFactorSetUp } = useSession();
  const status = useApiQuery(['second-factor'], () => secondFactor.status());
  const [codes, setCodes] = useState<string[] | null>(null);
  const done = () => {
    setCodes(null);
    const wasForced = mustSetUpSecondFactor;
    secondFactorSetUp();
    void queryClient.invalidateQueries({ queryKey: ['second-factor'] });
    if (wasForced) navigate(homeOf(account));
  };
  return (
    <section>
      <h1>Two-step sign-in</h1>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={done} />
      ) : (
        <Async state={status} label="Loading…">
          {(s) =>
            s.enabled ? (
              <Manage status={s} onCodes={setCodes} />
            ) : (
              <SetUp forced={Boolean(mustSetUpSecondFactor)} onCodes={setCodes} />
            )
          }
        </Async>
      )}
    </section>
  );
}
