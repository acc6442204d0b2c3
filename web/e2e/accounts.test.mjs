// Accounts and access to records, in real browsers against a real server and SMTP sink: a
// doctor who is not on a patient's care team asks the patient for access (the patient approves
// in another browser, the doctor's page opens the chart by itself) or breaks the glass with a
// reason (the chart shows the time limit counting down, the patient sees it in their access
// log, and it ends); the consent state is shown up front and follows the patient's approval in
// another browser; a doctor registers a patient at the desk, who claims the account by email;
// an admin rejects a doctor and disables and enables an account; a patient changes their email
// and sees their devices; removing a doctor asks first. Every link of every email sent is
// followed to the page it names.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, PASSWORD, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

// Emergency access lasts this long here, so the browser can watch it end.
const GLASS_SECONDS = 40;
process.env.VITALIS_BREAK_GLASS_SECONDS = String(GLASS_SECONDS);

const PUBLIC_URL = 'http://127.0.0.1:8080'; // the server's default --public-url
const ADMIN = { email: 'ada@example.org', name: 'Ada Admin' };
const ANA = { email: 'ana@example.org', name: 'Ana Silva' };
const BRUNO = { email: 'bruno@example.org', name: 'Dr Bruno Costa' }; // on Ana's care team
const DORA = { email: 'dora@example.org', name: 'Dr Dora Reis' }; // asks for access
const EMIL = { email: 'emil@example.org', name: 'Dr Emil Nunes' }; // breaks the glass

let smtp, server, browser;
const report = new Report();
const visitors = [];
/** Whose browser opens the links sent to an address. */
const browserOf = new Map();
/** Every email link opened so far (full URL as sent). */
const followed = new Set();
let anaId;

async function visitor(name, email) {
  const v = await new Visitor(browser, server, name).open();
  v.expect('/api/v1/auth/refresh', 401);
  visitors.push(v);
  if (email) browserOf.set(email, v);
  return v;
}

async function check(v, label, ms) {
  const overflowing = await v.capture(label);
  report.add(label, ms, overflowing);
  assert.deepEqual(overflowing, [], `${label} overflows horizontally`);
}

async function page(v, pathname, label) {
  const ms = await v.visit(pathname);
  await check(v, label, ms);
}

// --- the API, for setting the scene quickly -------------------------------------------------

function call(method, path, options) {
  return server.request(method, path, options);
}

async function signInApi(email) {
  return (await server.signedIn(email)).access_token; // answers a second step (admins)
}

async function patientApi(person) {
  const body = {
    email: person.email,
    password: PASSWORD,
    full_name: person.name,
    date_of_birth: '1980-05-01',
    sex: 'female',
  };
  assert.equal((await call('POST', '/api/v1/auth/signup/patient', { body })).status, 202);
  const code = await smtp.codeFor(person.email, 'Confirm your email');
  const verified = await call('POST', '/api/v1/auth/verify-email', { body: { email: person.email, code } });
  assert.equal(verified.status, 200);
  return verified.body.account.id;
}

async function doctorApi(person, adminToken, { approve = true } = {}) {
  const body = {
    email: person.email,
    password: PASSWORD,
    full_name: person.name,
    licence_number: 'GMC-1234567',
    specialty: 'Emergency medicine',
    clinic: 'Lisbon General',
  };
  assert.equal((await call('POST', '/api/v1/auth/signup/doctor', { body })).status, 202);
  const code = await smtp.codeFor(person.email, 'Confirm your email');
  assert.equal((await call('POST', '/api/v1/auth/verify-email', { body: { email: person.email, code } })).status, 200);
  const pending = await call('GET', '/api/v1/admin/doctors?status=pending_approval', { token: adminToken });
  const id = pending.body.items.find((d) => d.email === person.email).id;
  if (approve)
    assert.equal((await call('POST', `/api/v1/admin/doctors/${id}/approve`, { token: adminToken })).status, 200);
  return id;
}

// --- email ---------------------------------------------------------------------------------

/** The plain-text part of a raw message, quoted-printable decoded. */
function textOf(message) {
  const part = message.data.split(/\r\n--=_/).find((p) => /Content-Type: text\/plain/i.test(p)) ?? message.data;
  const body = part.slice(part.indexOf('\r\n\r\n') + 4);
  const bytes = body
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function subjectOf(message) {
  return message.data.match(/^Subject: (.*)$/im)?.[1] ?? '';
}

/** The messages to `email` whose subject has `word`, waiting for the count-th. */
async function mails(email, word, count = 1) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const found = smtp.messages.filter((m) => m.to.includes(email) && subjectOf(m).includes(word));
    if (found.length >= count) return found;
    if (Date.now() > deadline)
      throw new Error(`no '${word}' mail for ${email}: ${smtp.messages.map(subjectOf).join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function linksOf(message) {
  return [...new Set(textOf(message).match(/https?:\/\/[^\s<>"]+/g) ?? [])];
}

/**
 * Opens an email's one link in `v`'s browser (the server stands where --public-url says) and
 * checks it is a page of the app, reached without a redirect; returns the URL's parts.
 */
async function follow(v, message, label) {
  const links = linksOf(message);
  assert.equal(links.length, 1, `one link in '${subjectOf(message)}': ${links}`);
  const link = new URL(links[0]);
  assert.equal(link.origin, PUBLIC_URL, links[0]);
  // As from a mail client: a fresh load (not a same-page jump to a new '#').
  await v.page.goto('about:blank');
  const ms = await v.visit(link.pathname + link.hash);
  followed.add(links[0]);
  assert.equal(new URL(v.page.url()).pathname, link.pathname, `${links[0]} ended on ${v.page.url()}`);
  assert.notEqual(await v.page.locator('main h1').first().textContent(), 'Page not found');
  if (label) await check(v, label, ms);
  return { path: link.pathname, values: Object.fromEntries(new URLSearchParams(link.hash.slice(1))) };
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  await server.createAdmin(ADMIN.email, ADMIN.name);
  browser = await launchBrowser();
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

test('the verification link fills in the code and signs the patient in', async () => {
  const ana = await visitor('ana', ANA.email);
  const p = ana.page;
  await page(ana, '/signup', 'accounts-signup');
  await p.getByLabel('Full name').fill(ANA.name);
  await p.getByLabel('Email').fill(ANA.email);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByLabel('Date of birth').fill('1980-05-01');
  await p.getByRole('button', { name: 'Create account' }).click();
  await p.getByRole('heading', { name: 'Confirm your email' }).waitFor();
  const [message] = await mails(ANA.email, 'Confirm your email');
  const { path, values } = await follow(ana, message, 'verify-from-link');
  assert.equal(path, '/verify');
  assert.equal(await p.getByLabel('Email').inputValue(), ANA.email);
  assert.equal(await p.getByLabel('Code').inputValue(), values.code);
  assert.equal(new URL(p.url()).hash, '', 'the code leaves the address bar');
  await p.getByRole('button', { name: 'Confirm' }).click();
  await p.getByRole('heading', { name: `Hello, ${ANA.name}` }).waitFor();
  assert.equal(new URL(p.url()).pathname, '/dashboard');
  anaId = (await call('GET', '/api/v1/me', { token: await signInApi(ANA.email) })).body.id;
  assert.deepEqual(ana.problems, []);
});

test('an unlinked doctor asks for access; the chart opens when the patient approves elsewhere', async () => {
  const adminToken = await signInApi(ADMIN.email);
  await doctorApi(DORA, adminToken);
  const dora = await visitor('dora', DORA.email);
  const d = dora.page;
  await dora.signIn(DORA.email);
  await page(dora, `/doctor/patients/${anaId}`, 'doctor-not-linked');
  // Not a dead end: two ways in.
  await d.getByRole('heading', { name: 'Ask the patient for access' }).waitFor();
  await d.getByRole('heading', { name: 'Emergency access (break-glass)' }).waitFor();
  await d.getByLabel('Message to the patient (optional)').fill('Your new doctor at Lisbon General');
  await d.getByRole('button', { name: 'Ask for access' }).click();
  await d.getByRole('status').filter({ hasText: 'Request sent' }).waitFor();
  await check(dora, 'doctor-access-requested');

  const ana = browserOf.get(ANA.email);
  const [message] = await mails(ANA.email, 'asks to see your Vitalis record');
  assert.match(textOf(message), /Dr Dora Reis asks to join your care team/);
  await follow(ana, message, 'access-with-request');
  const requests = ana.page.getByRole('region', { name: 'Doctors asking to see my record' });
  await requests.getByText('“Your new doctor at Lisbon General”').waitFor();
  await requests.getByRole('button', { name: `Approve ${DORA.name}` }).click();
  await ana.page.getByRole('region', { name: 'My doctors' }).locator('li', { hasText: DORA.name }).waitFor();

  // Dora's page opens the chart by itself (no reload).
  await d.getByRole('heading', { name: ANA.name }).waitFor({ timeout: 15000 });
  await d.getByRole('navigation', { name: 'Patient chart' }).waitFor();
  await check(dora, 'doctor-access-approved');
  assert.deepEqual(dora.problems, []);
  assert.deepEqual(ana.problems, []);
});

test('break-glass: a reason, a visible time limit, the patient sees it, and it ends', async () => {
  const adminToken = await signInApi(ADMIN.email);
  await doctorApi(EMIL, adminToken);
  const emil = await visitor('emil', EMIL.email);
  const e = emil.page;
  await emil.signIn(EMIL.email);
  await e.goto(`${server.url}/doctor/patients/${anaId}`);
  const reason = e.getByLabel('Reason');
  await reason.waitFor();
  emil.expect('/break-glass', 422);
  await reason.fill('urgent');
  await e.getByRole('button', { name: 'Open the record in an emergency' }).click();
  await e.locator('.field-invalid').filter({ has: reason }).locator('.field-error').waitFor();
  const why = 'Collapsed in the waiting room, unconscious; need allergies';
  await reason.fill(why);
  await e.getByRole('button', { name: 'Open the record in an emergency' }).click();

  // The chart opens read-only, with the time limit up front.
  await e.getByRole('heading', { name: ANA.name }).waitFor();
  const banner = e.locator('.emergency-banner');
  await banner.waitFor();
  const text = await banner.textContent();
  assert.match(text, /Emergency access \(break-glass\)/);
  assert.match(text, /\d+ s left|1 min \d\d s left/);
  assert.match(text, /until \d\d:\d\d/);
  assert.ok(text.includes(why));
  await check(emil, 'doctor-break-glass');
  await e.getByRole('navigation', { name: 'Patient chart' }).getByRole('link', { name: 'Results' }).click();
  await e.getByText('Emergency access is read-only.').waitFor();
  assert.equal(await e.locator('form.obs-form').getByRole('button', { name: 'Save reading' }).isDisabled(), true);

  // The patient is told, and the access log names the doctor with the reason.
  const ana = browserOf.get(ANA.email);
  const [message] = await mails(ANA.email, 'opened in an emergency');
  assert.ok(!textOf(message).includes(why), 'the reason stays out of email');
  await follow(ana, message);
  const entry = ana.page.locator('ul.access-log li.emergency-entry', { hasText: 'opened your record in an emergency' });
  await entry.waitFor();
  assert.match(await entry.textContent(), new RegExp(`${EMIL.name}.*opened your record in an emergency.*${why}`));
  // The reads made under it stand out too, with the reason.
  const reads = ana.page.locator('ul.access-log li.emergency-entry', { hasText: 'read your record' });
  assert.match(await reads.first().textContent(), new RegExp(`${EMIL.name}.*break-glass: ${why}`));
  await check(ana, 'access-log-break-glass');

  // When the time is up the record closes again.
  await e
    .getByRole('heading', { name: 'Emergency access (break-glass)' })
    .waitFor({ timeout: (GLASS_SECONDS + 15) * 1000 });
  await e.getByRole('heading', { name: `Patient #${anaId}` }).waitFor();
  assert.deepEqual(emil.problems, []);
  assert.deepEqual(ana.problems, []);
});

test('the consent state is shown up front and follows the patient approving in another browser', async () => {
  const adminToken = await signInApi(ADMIN.email);
  const brunoId = await doctorApi(BRUNO, adminToken);
  const ana = browserOf.get(ANA.email);
  const anaToken = await signInApi(ANA.email);
  assert.equal(
    (await call('POST', `/api/v1/patients/${anaId}/care-team`, { token: anaToken, body: { doctor_id: brunoId } }))
      .status,
    201,
  );
  const bruno = await visitor('bruno', BRUNO.email);
  const d = bruno.page;
  await bruno.signIn(BRUNO.email);
  await page(bruno, `/doctor/patients/${anaId}/results`, 'doctor-consent-none');
  await d.getByRole('status').filter({ hasText: 'Adding to this record: no consent yet' }).waitFor();
  const form = d.locator('form.obs-form');
  assert.equal(await form.getByLabel('Measurement').isDisabled(), true);
  await d.getByText('Needs the patient’s consent first').waitFor();

  await d.getByRole('button', { name: 'Request consent' }).click();
  await d.getByRole('status').filter({ hasText: 'consent requested, waiting for the patient' }).waitFor();
  await check(bruno, 'doctor-consent-pending');
  // Moving between sections keeps the state: it comes from the server, not the page's memory.
  await d.getByRole('navigation', { name: 'Patient chart' }).getByRole('link', { name: 'Visits' }).click();
  await d.getByRole('status').filter({ hasText: 'consent requested, waiting for the patient' }).waitFor();
  await d.getByLabel("Patient's code").waitFor();

  // The patient approves from the consent email's link, in their own browser.
  const [message] = await mails(ANA.email, 'consent');
  await follow(ana, message);
  await ana.page.locator('#grants-title').locator('..').getByRole('button', { name: 'Approve' }).click();
  await ana.page.locator('#grants-title').locator('..').locator('.status-active').waitFor();

  // The doctor's chart follows without a reload: allowed until HH:MM, forms open.
  await d
    .getByRole('status')
    .filter({ hasText: /allowed until \d\d:\d\d/ })
    .waitFor({ timeout: 15000 });
  await d.getByText(/You may add to this record until/).waitFor();
  assert.equal(
    await d
      .locator('fieldset.write-gate')
      .first()
      .evaluate((gate) => gate.disabled),
    false,
  );
  await d.getByRole('navigation', { name: 'Patient chart' }).getByRole('link', { name: 'Results' }).click();
  await form.getByLabel('Measurement').selectOption('heart_rate');
  await form.getByLabel('Value').fill('66');
  await form.getByRole('button', { name: 'Save reading' }).click();
  await d.getByRole('status').filter({ hasText: 'Saved heart rate' }).waitFor();
  await check(bruno, 'doctor-consent-active');
  assert.deepEqual(bruno.problems, []);
  assert.deepEqual(ana.problems, []);
});

test('removing a doctor from the care team asks first', async () => {
  const ana = browserOf.get(ANA.email);
  const p = ana.page;
  await page(ana, '/access', 'access-page');
  const team = p.getByRole('region', { name: 'My doctors' });
  await team.getByRole('button', { name: `Remove ${DORA.name}` }).click();
  const question = team.getByRole('group', { name: /Remove Dr Dora Reis from your doctors/ });
  await question.waitFor();
  await check(ana, 'access-remove-confirm');
  await question.getByRole('button', { name: 'Cancel' }).click();
  const row = team.locator('li', { hasText: DORA.name });
  assert.equal(await row.count(), 1);
  await team.getByRole('button', { name: `Remove ${DORA.name}` }).click();
  await team.getByRole('button', { name: 'Yes, remove' }).click();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(ana.problems, []);
});

test('a doctor registers a patient at the desk, who claims the account from the email link', async () => {
  const bruno = browserOf.get(BRUNO.email);
  const d = bruno.page;
  await page(bruno, '/doctor', 'doctor-home-desk');
  const desk = d.locator('form', { has: d.getByRole('heading', { name: 'Register a new patient' }) });
  await desk.getByLabel('Full name').fill('Rui Costa');
  await desk.getByLabel('Date of birth').fill('1957-03-09');
  await desk.getByLabel('Sex').selectOption('male');
  await desk.getByLabel('Phone (optional)').fill('+351 913 000 111');
  await desk.getByLabel('Email').fill('rui@example.org');
  await desk.getByRole('button', { name: 'Register patient' }).click();
  await desk.getByRole('status').filter({ hasText: 'Registered: Rui Costa' }).waitFor();
  await check(bruno, 'doctor-desk-registered');
  // Registering the same address again is not an error for the same doctor: a new email goes out.
  await desk.getByLabel('Full name').fill('Rui Costa');
  await desk.getByLabel('Date of birth').fill('1957-03-09');
  await desk.getByLabel('Email').fill('rui@example.org');
  await desk.getByRole('button', { name: 'Register patient' }).click();
  await desk.getByRole('status').filter({ hasText: 'a new email was sent' }).waitFor();

  const rui = await visitor('rui', 'rui@example.org');
  const messages = await mails('rui@example.org', 'Finish setting up', 2);
  const first = await follow(rui, messages[0]);
  assert.equal(first.path, '/claim');
  const { values } = await follow(rui, messages[1], 'claim-from-link');
  const p = rui.page;
  assert.equal(await p.getByLabel('Email').inputValue(), 'rui@example.org');
  assert.equal(await p.getByLabel('Code').inputValue(), values.code);
  await p.getByLabel('New password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Save password and sign in' }).click();
  await p.getByRole('heading', { name: 'Hello, Rui Costa' }).waitFor();
  assert.deepEqual(rui.problems, []);
  assert.deepEqual(bruno.problems, []);
});

test('an admin rejects a doctor with a reason, and disables and enables an account', async () => {
  const adminToken = await signInApi(ADMIN.email);
  const filipa = { email: 'filipa@example.org', name: 'Dr Filipa Lopes' };
  await doctorApi(filipa, adminToken, { approve: false });
  const admin = await visitor('admin', ADMIN.email);
  const a = admin.page;
  await admin.signIn(ADMIN.email);
  await admin.settled();
  await a.getByRole('button', { name: `Reject ${filipa.name}` }).click();
  const reason = a.getByLabel('Reason (emailed to the doctor)');
  await reason.fill('Licence number not found in the register');
  await check(admin, 'admin-reject');
  await a
    .getByRole('form', { name: `Reject ${filipa.name}` })
    .getByRole('button', { name: `Reject ${filipa.name}` })
    .click();
  await a.getByRole('status').filter({ hasText: 'is rejected and has been emailed the reason' }).waitFor();

  const [rejected] = await mails(filipa.email, 'About your Vitalis doctor account');
  assert.match(textOf(rejected), /Licence number not found in the register/);
  const refused = await visitor('filipa', filipa.email);
  await follow(refused, rejected);
  refused.expect('/api/v1/auth/signin', 403);
  await refused.page.getByLabel('Email').fill(filipa.email);
  await refused.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await refused.page.getByRole('button', { name: 'Sign in' }).click();
  await refused.page.getByRole('alert').filter({ hasText: 'did not approve this doctor account' }).waitFor();

  // Disable Rui's account (asks for a reason), then enable it again (asks first). Rui's open
  // browser may poll (notifications) at any moment after the disable: from here on its 401s
  // are the expected answer, not a console problem.
  const rui = browserOf.get('rui@example.org');
  rui.expect('/api/v1/', 401);
  const accounts = a.getByRole('region', { name: 'Accounts', exact: true });
  await accounts.getByLabel('Email or name').fill('rui');
  await accounts.getByRole('button', { name: 'Find accounts' }).click();
  await accounts.getByRole('button', { name: 'Disable Rui Costa' }).click();
  await accounts.getByLabel('Reason for disabling').fill('Duplicate account, merged');
  await accounts
    .getByRole('form', { name: 'Disable Rui Costa' })
    .getByRole('button', { name: 'Disable Rui Costa' })
    .click();
  await accounts.getByRole('status').filter({ hasText: 'every session of the account has ended' }).waitFor();
  await accounts.getByText('“Duplicate account, merged”').waitFor();
  await check(admin, 'admin-account-disabled');
  // Rui's open browser is signed out at its next request.
  await rui.page.goto(`${server.url}/dashboard`);
  await rui.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await accounts.getByRole('button', { name: 'Enable Rui Costa' }).click();
  await accounts.getByRole('button', { name: 'Yes, enable' }).click();
  await accounts.getByRole('status').filter({ hasText: 'is enabled again' }).waitFor();
  assert.deepEqual(admin.problems, []);
});

test('an admin opens a record in an emergency from the admin page', async () => {
  const admin = browserOf.get(ADMIN.email);
  const a = admin.page;
  await page(admin, '/admin', 'admin-home');
  await a.getByLabel('Patient number').fill(String(anaId));
  await a.getByRole('button', { name: 'Continue' }).click();
  await a.getByLabel('Reason').fill('Patient unconscious in A&E, record needed');
  await a.getByRole('button', { name: 'Open the record in an emergency' }).click();
  await a.getByRole('heading', { name: ANA.name }).waitFor();
  await a.locator('.emergency-banner').getByText(/left/).waitFor();
  await check(admin, 'admin-break-glass');
  assert.deepEqual(admin.problems, []);
});

test('a patient changes their email with the code from the new address, and sees their devices', async () => {
  const ana = browserOf.get(ANA.email);
  const p = ana.page;
  await page(ana, '/account', 'account');
  await p.getByRole('region', { name: 'Devices signed in' }).getByText('this device').waitFor();
  const email = p.getByRole('region', { name: 'Email address' });
  await email.getByLabel('New email address').fill('ana.silva@example.org');
  await email.getByLabel('Current password').fill(PASSWORD);
  await email.getByRole('button', { name: 'Send a code to the new address' }).click();
  await email.getByRole('status').filter({ hasText: 'We sent a 6-digit code to ana.silva@example.org' }).waitFor();
  browserOf.set('ana.silva@example.org', ana);
  const [message] = await mails('ana.silva@example.org', 'Confirm your new email');
  const { values } = await follow(ana, message, 'account-email-link');
  assert.equal(await p.getByLabel('Code from the new address').inputValue(), values.code);
  await p.getByRole('button', { name: 'Confirm new address' }).click();
  await p.getByRole('status').filter({ hasText: 'Your email address is now ana.silva@example.org' }).waitFor();
  const [told] = await mails(ANA.email, 'email address was changed');
  await follow(await visitor('old-address'), told);

  // Changing the password keeps this device signed in.
  const password = p.locator('form', { has: p.getByRole('heading', { name: 'Password' }) });
  await password.getByLabel('Current password').fill(PASSWORD);
  await password.getByLabel('New password').fill(PASSWORD + ' changed');
  await password.getByRole('button', { name: 'Change password' }).click();
  await password.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
  await check(ana, 'account-changed');
  assert.deepEqual(ana.problems, []);
});

test('every link in every email opens its page', async () => {
  // The approval email and the reset email too (not met in the journeys above).
  const adminToken = await signInApi(ADMIN.email);
  const gil = { email: 'gil@example.org', name: 'Dr Gil Matos' };
  await doctorApi(gil, adminToken);
  assert.equal(
    (await call('POST', '/api/v1/auth/password-reset/request', { body: { email: 'rui@example.org' } })).status,
    202,
  );
  const [reset] = await mails('rui@example.org', 'Reset your Vitalis password');
  const rui = browserOf.get('rui@example.org');
  const { values } = await follow(rui, reset, 'reset-from-link');
  assert.equal(await rui.page.getByLabel('Code').inputValue(), values.code);

  // Signed-in pages open in their owner's browser; public ones in a browser signed out.
  const anonymous = await visitor('link-check');
  const seen = [];
  for (const message of smtp.messages) {
    for (const link of linksOf(message)) {
      seen.push(link);
      if (followed.has(link)) continue;
      const signedIn = ['/access', '/account'].includes(new URL(link).pathname);
      const owner = signedIn ? message.to.map((to) => browserOf.get(to)).find(Boolean) : anonymous;
      assert.ok(owner, `nobody to open ${link}`);
      await follow(owner, message);
    }
  }
  const kinds = new Set(smtp.messages.map(subjectOf));
  for (const subject of [
    'Confirm your email address for Vitalis',
    'Reset your Vitalis password',
    'A doctor asks for your consent on Vitalis',
    'Your Vitalis doctor account is approved',
    'About your Vitalis doctor account',
    'Finish setting up your Vitalis account',
    'A doctor asks to see your Vitalis record',
    'Your Vitalis record was opened in an emergency',
    'Confirm your new email address for Vitalis',
    'Your Vitalis email address was changed',
  ]) {
    assert.ok(kinds.has(subject), `no '${subject}' email was sent`);
  }
  assert.ok(seen.length >= smtp.messages.length, 'every email has a link');
  for (const v of visitors) assert.deepEqual(v.problems, [], v.name);
});
