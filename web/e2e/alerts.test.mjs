// End to end, in a real browser against a real server and SMTP sink: a critical reading answers at
// once with urgent advice (a role=alert callout that takes focus); an unlikely value asks "did you
// mean …?" before it is kept; the When field goes back to now after a back-dated reading and the
// confirmation shows the stored time; a new alert's notification appears on the doctor's open page
// without a reload; and the links in the alert emails open real pages. Every page is checked for
// console errors and horizontal overflow at 360 and 1280 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Journey, launchBrowser, SmtpSink, VitalisServer } from './harness.mjs';

const PATIENT = { email: 'lena.martins@example.org', name: 'Lena Martins' };
const DOCTOR = { email: 'rui.alves@example.org', name: 'Dr Rui Alves' };
const ADMIN = { email: 'admin@example.org' };

let smtp, server, browser;
const journey = new Journey('report-alerts');
let patient, doctor;
let patientId, patientToken;

/** One JSON call to the API (setup steps the browser tests do not need to click through). */
function call(method, path, body, token) {
  return server.request(method, path, { body, token });
}

/** The messages to `address` whose subject is `subject`, as decoded plain text. */
function mailsTo(address, subject) {
  return smtp.messages
    .filter((m) => m.to.includes(address) && new RegExp(`^Subject: ${subject}`, 'im').test(m.data))
    .map((m) => {
      const plain = m.data.split(/Content-Type: text\/plain[^\n]*\n/i)[1]?.split(/\r?\n--/)[0] ?? m.data;
      // quoted-printable: soft line breaks and =XX escapes
      return plain
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    });
}

async function waitFor(predicate, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const visitor = (name) => journey.visitor(name);
const check = (v, label, ms) => journey.check(v, label, ms);
const page = (v, pathname, label) => journey.page(v, pathname, label);
const signIn = (v, email) => journey.signIn(v, email);

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  await server.createAdmin(ADMIN.email);
  browser = await launchBrowser();
  journey.server = server;
  journey.browser = browser;
  // A patient who linked an approved doctor.
  ({ patientId, patientToken } = await server.patientWithDoctor(
    { email: PATIENT.email, full_name: PATIENT.name, date_of_birth: '1968-02-10', sex: 'female' },
    {
      email: DOCTOR.email,
      full_name: DOCTOR.name,
      licence_number: 'GMC-7000001',
      specialty: 'General practice',
      clinic: 'Porto Family Clinic',
    },
    ADMIN.email,
  ));
});

after(async () => {
  await journey.close();
  await browser?.close();
  try {
    await server?.stop(); // fails the file on a bad exit or a sanitizer report
  } finally {
    smtp?.stop();
  }
});

test('an unlikely value asks "did you mean …?"; once confirmed, the critical value gets urgent advice', async () => {
  patient = await visitor('alerts-patient');
  const p = patient.page;
  await signIn(patient, PATIENT.email);
  await page(patient, '/record', 'alerts-record');
  const form = p.locator('form.obs-form');
  patient.expect('/observations', 422);
  await form.getByLabel('Measurement').selectOption('glucose');
  await form.getByLabel('Value').fill('2000');
  await form.getByRole('button', { name: 'Save reading' }).click();
  const question = form.locator('.confirm-value[role="alert"]');
  await question.waitFor();
  assert.match(
    await question.textContent(),
    /2000 mg\/dL is far outside the usual range for blood glucose\. Did you mean 200 mg\/dL\?/,
  );
  assert.equal(await p.evaluate(() => document.activeElement?.classList.contains('confirm-value')), true);
  await check(patient, 'alerts-confirm-question');

  // "Change it" goes back to the field; nothing was stored.
  await question.getByRole('button', { name: 'Change it' }).click();
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('name')), 'value');
  assert.equal(
    (await call('GET', `/api/v1/patients/${patientId}/observations`, undefined, patientToken)).body.items.length,
    0,
  );

  await form.getByRole('button', { name: 'Save reading' }).click();
  await question.getByRole('button', { name: 'Yes, save 2000' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved blood glucose 2000 mg/dL' }).waitFor();
  const callout = form.locator('.urgent[role="alert"]');
  await callout.waitFor();
  assert.match(await callout.textContent(), /Your blood sugar is very high/);
  assert.match(await callout.textContent(), new RegExp(`Your care team has been told: ${DOCTOR.name}\\.`));
  assert.equal(await p.evaluate(() => document.activeElement?.classList.contains('urgent')), true);
  assert.deepEqual(patient.problems, []);
});

test('a critical reading answers at once with a callout that takes focus', async () => {
  const p = patient.page;
  const form = p.locator('form.obs-form');
  await form.getByLabel('Measurement').selectOption('spo2');
  await form.getByLabel('Value').fill('88');
  await form.getByRole('button', { name: 'Save reading' }).click();
  const callout = p.getByRole('alert').filter({ hasText: 'Your oxygen level is very low' });
  await callout.waitFor();
  const text = await callout.textContent();
  assert.match(text, /Oxygen saturation 88 % \(below 92\)/);
  assert.match(text, /call your emergency number now/);
  assert.match(text, new RegExp(`Your care team has been told: ${DOCTOR.name}\\.`));
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('role')), 'alert');
  await check(patient, 'alerts-urgent-advice');
  assert.deepEqual(patient.problems, []);
});

test('a red-flag symptom rated 9 of 10 answers at once: call now, and the care team was told', async () => {
  const p = patient.page;
  await page(patient, '/symptoms', 'alerts-symptoms');
  await p.getByLabel('Symptom', { exact: true }).fill('Chest pain');
  await p.getByRole('button', { name: 'Add', exact: true }).click();
  await p.getByRole('slider', { name: /How bad is it now/ }).fill('9');
  await p.getByRole('button', { name: 'Log and check' }).click();
  const callout = p.getByRole('alert').filter({ hasText: 'Call your emergency number now' });
  await callout.waitFor();
  const text = await callout.textContent();
  assert.match(text, /Chest pain at 9 of 10/);
  assert.match(text, new RegExp(`Your care team has been told: ${DOCTOR.name}\\.`));
  assert.equal(await p.evaluate(() => document.activeElement?.closest('[role="alert"]') !== null), true);
  await check(patient, 'alerts-symptom-advice');
  assert.deepEqual(patient.problems, []);
  await page(patient, '/record', 'alerts-record-again');
});

test('the When field goes back to now after a back-dated reading, and the stored time is shown', async () => {
  const p = patient.page;
  const form = p.locator('form.obs-form');
  await form.getByLabel('Measurement').selectOption('blood_pressure');
  await form.getByLabel('Systolic').fill('132');
  await form.getByLabel('Diastolic').fill('84');
  const back = new Date(Date.now() - 3 * 86400000);
  back.setHours(7, 30, 0, 0);
  const local = `${back.getFullYear()}-${String(back.getMonth() + 1).padStart(2, '0')}-${String(back.getDate()).padStart(2, '0')}T07:30`;
  await form.getByLabel('When (optional)').fill(local);
  await form.getByRole('button', { name: 'Save reading' }).click();
  const shown = await p.evaluate(
    (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    back.toISOString(),
  );
  await p
    .getByRole('status')
    .filter({ hasText: `Saved blood pressure 132/84 mmHg, at ${shown}` })
    .waitFor();
  assert.equal(await form.getByLabel('When (optional)').inputValue(), '');

  // The next reading is stored now, not three days ago; a decimal comma is a decimal point.
  await form.getByLabel('Measurement').selectOption('body_temperature');
  await form.getByLabel('Value').fill('36,8');
  await form.getByRole('button', { name: 'Save reading' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved body temperature 36.8 °C' }).waitFor();
  const latest = (
    await call('GET', `/api/v1/patients/${patientId}/observations?code=body_temperature`, undefined, patientToken)
  ).body.items[0];
  assert.equal(latest.value, 36.8);
  assert.ok(Date.now() - Date.parse(latest.effective_at) < 10 * 60000, latest.effective_at);
  await check(patient, 'alerts-when-reset');
  assert.deepEqual(patient.problems, []);
});

test("a new alert's notification appears on the doctor's open page without a reload", async () => {
  doctor = await visitor('alerts-doctor');
  const d = doctor.page;
  await signIn(doctor, DOCTOR.email);
  await page(doctor, '/doctor', 'alerts-doctor-home');
  // The patient list: a table, open alerts first, with the last reading.
  const row = d
    .getByRole('table', { name: /Your patients/ })
    .getByRole('row')
    .filter({ hasText: PATIENT.name });
  await row.waitFor();
  assert.match(await row.textContent(), /today/);
  const notifications = d.getByRole('region', { name: 'Notifications' });
  await notifications.locator('li').first().waitFor();
  const before = await notifications.locator('li').count();
  await d.evaluate(() => {
    window.__sameDocument = true;
  });
  // The patient records a very fast pulse elsewhere (a new rule, so a new alert).
  assert.equal(
    (
      await call(
        'POST',
        `/api/v1/patients/${patientId}/observations`,
        { metric: 'heart_rate', value: 150, unit: 'bpm' },
        patientToken,
      )
    ).status,
    201,
  );
  const fresh = notifications.locator('li', { hasText: `${PATIENT.name}: Heart rate 150 per minute` });
  await fresh.waitFor({ timeout: 40000 });
  assert.equal(await notifications.locator('li').count(), before + 1);
  assert.equal(await d.evaluate(() => window.__sameDocument), true, 'no reload');
  await check(doctor, 'alerts-doctor-notified');
  // The notification opens the patient's chart.
  await fresh.getByRole('link').click();
  await d.getByRole('heading', { name: PATIENT.name }).waitFor();
  assert.equal(new URL(d.url()).pathname, `/doctor/patients/${patientId}/summary`);
  assert.deepEqual(doctor.problems, []);
});

test('the links in the alert emails open real pages, where the alerts are', async () => {
  await waitFor(() => mailsTo(DOCTOR.email, 'A new alert on Vitalis').length >= 3);
  await waitFor(() => mailsTo(PATIENT.email, 'Something in your Vitalis record needs attention').length >= 3);
  const d = doctor.page;
  for (const mail of mailsTo(DOCTOR.email, 'A new alert on Vitalis')) {
    const link = mail.match(/https?:\/\/\S+/)[0];
    await page(doctor, new URL(link).pathname, 'alerts-doctor-email-link');
    await d.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
    const inbox = d.getByRole('region', { name: 'Alerts inbox' });
    await inbox.locator('li', { hasText: 'Heart rate 150 per minute' }).waitFor();
    assert.doesNotMatch(await d.locator('main').textContent(), /Page not found/);
  }
  // Acknowledged alerts stay, with who and when.
  const inbox = d.getByRole('region', { name: 'Alerts inbox' });
  await inbox.getByRole('button', { name: /^Acknowledge: .*Heart rate 150/ }).click();
  await inbox
    .locator('li', { hasText: new RegExp(`Heart rate 150 per minute.*Acknowledged by ${DOCTOR.name} on`) })
    .waitFor();
  await check(doctor, 'alerts-doctor-acknowledged');
  assert.deepEqual(doctor.problems, []);

  const p = patient.page;
  for (const mail of mailsTo(PATIENT.email, 'Something in your Vitalis record needs attention')) {
    assert.doesNotMatch(mail, /glucose|oxygen|pulse|heart|2000|150|88/i);
    const link = mail.match(/https?:\/\/\S+/)[0];
    await page(patient, new URL(link).pathname, 'alerts-patient-email-link');
    const alerts = p.getByRole('region', { name: 'Alerts', exact: true });
    await alerts.locator('li', { hasText: 'Blood glucose 2000 mg/dL' }).waitFor();
  }
  await p
    .getByRole('region', { name: 'Alerts', exact: true })
    .locator('li', { hasText: `Seen by ${DOCTOR.name}` })
    .waitFor();
  const own = p.getByRole('region', { name: 'Notifications' });
  await own.locator('li', { hasText: 'A blood sugar reading was very high. Your care team has been told.' }).waitFor();
  assert.deepEqual(patient.problems, []);
});
