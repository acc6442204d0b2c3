// Two-step sign-in in a real browser against a real server: a patient sets it up from the
// screens (the key shown in groups of four, the code computed here from it with node's crypto, as
// an authenticator app would), sees the recovery codes once, signs out and signs in again with a
// code and then with a recovery code; an administrator's first sign-in lands on the set-up page
// and nothing else until it is done. Every page is checked at 360 and 1280 px (overflow, axe).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jsQR from 'jsqr';
import { launchBrowser, PASSWORD, Report, SmtpSink, totpCode, Visitor, VitalisServer } from './harness.mjs';

const PATIENT = { email: 'tess.twostep@example.org', name: 'Tess Twostep' };
const ADMIN = { email: 'root.twostep@example.org', name: 'Rui Root' };

let smtp, server, browser;
const report = new Report('two-step');
const visitors = [];

async function visitor(name) {
  const v = await new Visitor(browser, server, name).open();
  v.expect('/api/v1/auth/refresh', 401);
  visitors.push(v);
  return v;
}

async function check(v, label) {
  const overflowing = await v.capture(label);
  report.add(label, undefined, overflowing);
  assert.deepEqual(overflowing, [], `${label} overflows horizontally`);
}

/** Sets up two-step sign-in on the page the visitor is on; returns the secret and the codes. */
async function setUp(v, label) {
  const p = v.page;
  v.expect('/api/v1/me/second-factor/confirm', 422); // the wrong code below
  await p.getByRole('button', { name: 'Start' }).click();
  const shown = (await p.getByTestId('totp-secret').textContent()).trim();
  assert.match(shown, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/, 'the key in groups of four');
  const secret = shown.replaceAll(' ', '');
  assert.equal(secret.length, 32);
  const link = await p.getByRole('link', { name: 'open it in your authenticator app' }).getAttribute('href');
  assert.match(link, new RegExp(`^otpauth://totp/Vitalis:.*\\?secret=${secret}&issuer=Vitalis$`));
  // The QR code is what a phone's camera reads: scanned here (jsQR) from the pixels the browser
  // drew, it must be that same link.
  const qr = p.getByRole('img', { name: /QR code of the setup key/ });
  await qr.waitFor();
  const pixels = await qr.evaluate((img) => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: canvas.width, height: canvas.height, data: Array.from(data) };
  });
  assert.equal(jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height)?.data, link);
  await check(v, `${label}-key`);
  // A wrong code first: said plainly, the focus on the field.
  const right = totpCode(secret);
  await p.getByLabel('Code from the app').fill(right === '000000' ? '111111' : '000000');
  await p.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await p.getByText('That code is not right').waitFor();
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('name')), 'code');
  const step = Math.floor(Date.now() / 30000);
  await p.getByLabel('Code from the app').fill(totpCode(secret, step));
  await p.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await p.getByText('Store these now: they will not be shown again.').waitFor();
  const codes = (await p.getByTestId('recovery-codes').locator('code').allTextContents()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  assert.ok(
    codes.every((c) => /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/.test(c)),
    codes.join(' '),
  );
  await p.getByRole('button', { name: 'Download' }).waitFor();
  await check(v, `${label}-recovery-codes`);
  await p.getByRole('button', { name: 'I have stored my recovery codes' }).click();
  return { secret, step, codes };
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  await server.createAdmin(ADMIN.email, ADMIN.name, { enrol: false });
  browser = await launchBrowser();
  const signedUp = await server.post('/api/v1/auth/signup/patient', {
    email: PATIENT.email,
    password: PASSWORD,
    full_name: PATIENT.name,
    date_of_birth: '1985-04-12',
    sex: 'female',
  });
  assert.equal(signedUp.status, 202, JSON.stringify(signedUp.body));
  const code = await smtp.codeFor(PATIENT.email, 'Confirm your email');
  assert.equal((await server.post('/api/v1/auth/verify-email', { email: PATIENT.email, code })).status, 200);
});

after(async () => {
  report.write();
  for (const v of visitors) await v.close();
  await browser?.close();
  try {
    await server?.stop(); // fails the file on a bad exit or a sanitizer report
  } finally {
    smtp?.stop();
  }
});

test('a patient sets up two-step sign-in and signs in with a code, then a recovery code', async () => {
  const v = await visitor('two-step-patient');
  const p = v.page;
  await v.signIn(PATIENT.email, PASSWORD, { secondStep: false }); // the test answers the second step
  await v.visit('/account');
  await p.getByRole('link', { name: 'Set up or change two-step sign-in' }).click();
  await p.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
  await check(v, 'two-step-start');
  const { secret, step, codes } = await setUp(v, 'two-step');
  await p.getByRole('heading', { name: 'Two-step sign-in is on' }).waitFor();
  await p.getByText('You have 10 unused recovery codes.').waitFor();

  // Signed out, the password alone asks for the code; the code signs in.
  await p.getByRole('button', { name: 'Sign out' }).click();
  await v.signIn(PATIENT.email, PASSWORD, { secondStep: false }); // the test answers the second step
  await p.getByRole('heading', { name: 'Enter your code' }).waitFor();
  await check(v, 'two-step-second-step');
  await p.getByLabel('Code').fill(totpCode(secret, step + 1));
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: `Hello, ${PATIENT.name}` }).waitFor();

  // Again, with a recovery code (a lost phone); the same code a second time is refused.
  await p.getByRole('button', { name: 'Sign out' }).click();
  await v.signIn(PATIENT.email, PASSWORD, { secondStep: false }); // the test answers the second step
  v.expect('/api/v1/auth/second-factor', 422);
  await p.getByLabel('Code').fill(totpCode(secret, step + 1));
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByText('That code is not right').waitFor();
  await p.getByLabel('Code').fill(codes[0].toUpperCase());
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: `Hello, ${PATIENT.name}` }).waitFor();
  await v.visit('/two-step');
  await p.getByText('You have 9 unused recovery codes.').waitFor();
  assert.deepEqual(v.problems, []);
});

test("an administrator's first sign-in leads to the set-up, and nothing else until it is done", async () => {
  const v = await visitor('two-step-admin');
  const p = v.page;
  v.expect('/api/v1/', 403); // anything the admin's pages ask before the set-up is refused
  await v.signIn(ADMIN.email, PASSWORD, { secondStep: false }); // the test answers the second step
  await p.getByRole('heading', { name: 'Two-step sign-in', exact: true }).waitFor();
  await p.getByText('Administrators must set up two-step sign-in before continuing.').waitFor();
  await v.visit('/admin');
  await p.getByText('Administrators must set up two-step sign-in before continuing.').waitFor();
  assert.equal(new URL(p.url()).pathname, '/two-step');
  await check(v, 'two-step-admin-forced');
  await setUp(v, 'two-step-admin');
  await p.getByRole('heading', { name: 'Administration' }).waitFor();
  // Administrators cannot turn it off; new recovery codes they can make.
  await v.visit('/two-step');
  await p.getByRole('heading', { name: 'Two-step sign-in is on' }).waitFor();
  assert.equal(await p.getByRole('heading', { name: 'Turn off two-step sign-in' }).count(), 0);
  assert.deepEqual(v.problems, []);
});
