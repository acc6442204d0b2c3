// End to end, in a real browser against a real server, database and SMTP sink: a patient signs
// up with the emailed code (which signs them in), records readings, sees them charted, runs a
// risk prediction; a doctor signs up and is approved by an admin, gets linked, asks for
// consent, enters the patient's emailed code and records an observation; the patient sees it
// and sees the doctor in the access log. Every page is screenshotted at 360 and 1280 px,
// checked for horizontal overflow and for console errors; load times go to
// e2e-artifacts/report.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { journeySteps, launchBrowser, PASSWORD, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

// The app's feature flags (src/features.ts): a module's journey runs once the app shows it.
const features = readFileSync(new URL('../src/features.ts', import.meta.url), 'utf8');
const enabled = (name) => new RegExp(`\\b${name}: true`).test(features);
const CLINICAL = enabled('clinical');
const MONITORING = enabled('monitoring');

const PATIENT = { email: 'ana.silva@example.org', name: 'Ana Silva' };
const DOCTOR = { email: 'bruno.costa@example.org', name: 'Dr Bruno Costa' };
const ADMIN = { email: 'ada@example.org' };

let smtp, server, browser;
const report = new Report();
const visitors = [];
let patient, doctor, admin;
let patientId;

async function visitor(name) {
  const v = await new Visitor(browser, server, name).open();
  // Opening the app asks to restore a session from the refresh cookie; without one the answer is
  // 204 (nothing to restore), so a public page logs nothing in the console.
  visitors.push(v);
  return v;
}

// Visit a page (timed), check and screenshot it at both widths; sign in through the form.
const { check, page, signIn } = journeySteps(report);

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  await server.createAdmin(ADMIN.email);
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

test('public pages render at both widths', async () => {
  const v = await visitor('anonymous');
  await page(v, '/', 'landing');
  assert.match(await v.page.locator('main h1').textContent(), /health record/);
  await page(v, '/signup', 'signup');
  await page(v, '/reset', 'password-reset');
  await page(v, '/nowhere', 'not-found');
  // A protected page without a session lands on sign-in.
  await v.page.goto(server.url + '/dashboard');
  await v.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.deepEqual(v.problems, []);
});

test('a patient signs up, confirms the emailed code and signs in', async () => {
  patient = await visitor('patient');
  const p = patient.page;
  await page(patient, '/signup', 'signup-patient');
  await p.getByLabel('Full name').fill(PATIENT.name);
  await p.getByLabel('Email').fill(PATIENT.email);
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByLabel('Date of birth').fill('1971-04-12');
  await p.getByLabel('Sex').selectOption('female');
  await p.getByRole('button', { name: 'Create account' }).click();
  await p.getByRole('heading', { name: 'Confirm your email' }).waitFor();
  await check(patient, 'verify');

  // A wrong code is refused next to the code field.
  patient.expect('/api/v1/auth/verify-email', 422);
  await p.getByLabel('Code').fill('000000');
  await p.getByRole('button', { name: 'Confirm' }).click();
  await p.locator('.field-invalid').getByText(/code/i).first().waitFor();

  const code = await smtp.codeFor(PATIENT.email, 'Confirm your email');
  await p.getByLabel('Code').fill(code);
  await p.getByRole('button', { name: 'Confirm' }).click();
  // Confirming the address signs the patient in, straight to the dashboard.
  await p.getByRole('heading', { name: `Hello, ${PATIENT.name}` }).waitFor();
  assert.deepEqual(patient.problems, []);
});

test('the session survives a reload and an expired access token, invisibly', async () => {
  const p = patient.page;
  // A reload forgets the in-memory access token; the refresh cookie brings the session back.
  await p.reload();
  await p.getByRole('heading', { name: `Hello, ${PATIENT.name}` }).waitFor();
  // The server answers 401 once, as for an expired token: the app refreshes and retries.
  patient.expect('/observations', 401);
  let refused = 0;
  await p.route('**/api/v1/patients/*/observations?*', async (route) => {
    if (refused++ === 0) {
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: '{"error":{"code":"unauthenticated","message":"expired"}}',
      });
    } else {
      await route.continue();
    }
  });
  const refreshes = patient.responses.filter((r) => r.url.endsWith('/api/v1/auth/refresh') && r.status === 200).length;
  await p.getByRole('navigation').getByRole('link', { name: 'My record' }).click(); // no page load
  await p.getByRole('heading', { name: 'My record' }).waitFor();
  await patient.settled();
  await p.unroute('**/api/v1/patients/*/observations?*');
  assert.equal(refused >= 2, true);
  assert.equal(
    patient.responses.filter((r) => r.url.endsWith('/api/v1/auth/refresh') && r.status === 200).length,
    refreshes + 1,
  );
  await p.getByText('No readings yet.').waitFor();
  assert.equal(await p.locator('.error-box, .form-error').count(), 0);
  assert.deepEqual(patient.problems, []);
});

test('navigation works by keyboard at 360 px', async () => {
  const p = patient.page;
  await p.setViewportSize({ width: 360, height: 780 });
  await p.goto(server.url + '/dashboard');
  await patient.settled();
  const menu = p.getByRole('button', { name: 'Menu' });
  await menu.focus();
  await p.keyboard.press('Enter');
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await p.getByRole('link', { name: 'Risk check' }).focus();
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { name: 'Risk check' }).waitFor();
  // Focus moved to the new content; the focused element shows an outline.
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'main');
  await p.keyboard.press('Tab');
  const outline = await p.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await p.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(patient.problems, []);
});

test('the patient records readings, with unit choice and inline errors', async () => {
  const p = patient.page;
  await page(patient, '/record', 'record-empty');
  const form = p.locator('form.obs-form');

  await form.getByLabel('Measurement').selectOption('blood_pressure');
  await form.getByLabel('Systolic').fill('148');
  await form.getByLabel('Diastolic').fill('94');
  await form.getByRole('button', { name: 'Save reading' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved blood pressure' }).waitFor();

  // The server's validation error shows next to the field that caused it.
  patient.expect('/observations', 422);
  await form.getByLabel('Measurement').selectOption('heart_rate');
  await form.getByLabel('Value').fill('1000');
  await form.getByRole('button', { name: 'Save reading' }).click();
  const error = form.locator('.field-invalid').filter({ has: p.getByLabel('Value') });
  await error.locator('.field-error').waitFor();
  assert.match(await error.locator('.field-error').textContent(), /from 20 to 300/);
  // Focus lands on the field to fix, not on the page's start.
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('name')), 'value');
  await check(patient, 'record-field-error');

  await form.getByLabel('Value').fill('72');
  await form.getByRole('button', { name: 'Save reading' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved heart rate' }).waitFor();

  // Glucose entered in mmol/L is stored in mg/dL.
  await form.getByLabel('Measurement').selectOption('glucose');
  await form.getByLabel('Unit').selectOption('mmol/L');
  await form.getByLabel('Value').fill('8.5');
  await form.getByRole('button', { name: 'Save reading' }).click();
  await p.getByRole('status').filter({ hasText: 'Saved blood glucose' }).waitFor();
  await p.getByText('(entered 8.5 mmol/L)').waitFor();

  for (const [metric, value, label] of [
    ['body_weight', '82', 'body weight'],
    ['body_height', '168', 'body height'],
  ]) {
    await form.getByLabel('Measurement').selectOption(metric);
    await form.getByLabel('Value').fill(value);
    await form.getByRole('button', { name: 'Save reading' }).click();
    await p
      .getByRole('status')
      .filter({ hasText: `Saved ${label}` })
      .waitFor();
  }
  // Weight and height complete a pair: the server derives the BMI.
  await p.locator('.obs-name', { hasText: 'Body mass index' }).first().waitFor();

  // Correct the heart rate; the history keeps both.
  const heart = p
    .locator('li.obs')
    .filter({ has: p.locator('.obs-name', { hasText: 'Heart rate' }) })
    .first();
  await heart.getByRole('button', { name: 'Correct' }).click();
  await heart.getByLabel('Corrected value').fill('76');
  await heart.getByLabel('Reason').fill('misread the monitor');
  await heart.getByRole('button', { name: 'Save correction' }).click();
  const corrected = p
    .locator('li.obs')
    .filter({ hasText: '76' })
    .filter({ has: p.locator('.obs-name', { hasText: 'Heart rate' }) })
    .first();
  await corrected.getByRole('button', { name: 'History' }).click();
  await corrected.locator('.history li').nth(1).waitFor();
  assert.match(await corrected.locator('.history').textContent(), /misread the monitor/);
  await check(patient, 'record');
  assert.deepEqual(patient.problems, []);
});

test('the dashboard shows the latest readings with flags and a chart', async () => {
  const p = patient.page;
  await page(patient, '/dashboard', 'dashboard');
  const latest = p.locator('table.latest');
  const glucose = latest.locator('tr', { hasText: 'Blood glucose' });
  await glucose.waitFor();
  assert.match(await glucose.textContent(), /153\.1 mg\/dL/);
  assert.equal(await glucose.locator('.flag').textContent(), 'high');
  await p.locator('.chart canvas').first().waitFor();
  assert.match(
    await p.locator('.chart figcaption').first().textContent(),
    /Blood pressure \(mmHg\), last 1 year: 1 reading/,
  );
  await p.getByLabel('Show').selectOption('body_weight');
  await p.locator('.chart figcaption', { hasText: 'Body weight' }).waitFor();
  await p.getByRole('button', { name: 'Weekly average' }).click();
  await p.locator('.chart figcaption', { hasText: 'Body weight, weekly average' }).waitFor();
  await check(patient, 'dashboard-weekly');
  assert.deepEqual(patient.problems, []);
});

test('the patient runs a diabetes prediction and sees the explanation', async () => {
  const p = patient.page;
  await page(patient, '/predict', 'predict');
  // Prefilled from the record: BMI from weight and height, age from the date of birth.
  const bmi = p.getByLabel(/^Body mass index/);
  await bmi.waitFor();
  assert.equal(await bmi.inputValue(), '29.1');
  await p.getByLabel(/^Glucose/).fill('168');
  await p.getByRole('button', { name: 'Estimate my risk' }).click();
  const result = p.locator('section.result');
  await result.waitFor();
  assert.match(await result.locator('.big').textContent(), /^\d+%$/);
  assert.match(await result.locator('.badge').textContent(), /(low|moderate|high) risk/);
  await result.locator('canvas').waitFor();
  assert.ok((await result.locator('.summary li').count()) >= 1);
  assert.match(await result.locator('.imputed').textContent(), /Insulin/);
  await check(patient, 'predict-result');

  // An out-of-range value is refused next to its field.
  patient.expect('/predictions/diabetes', 422);
  await p.getByLabel(/^Glucose/).fill('5000');
  await p.getByRole('button', { name: 'Estimate my risk' }).click();
  await p
    .locator('.field-invalid')
    .filter({ has: p.getByLabel(/^Glucose/) })
    .locator('.field-error')
    .waitFor();

  await result.getByRole('link', { name: /model card/ }).click();
  await p.getByText(/Pima/).first().waitFor();
  await check(patient, 'model-card');

  // The result is stored in the record: the dashboard lists it.
  await page(patient, '/dashboard', 'dashboard-with-risk');
  await p.locator('.risk-list li', { hasText: 'diabetes' }).waitFor();

  await page(patient, '/predict', 'predict-heart');
  await p.getByRole('button', { name: 'Heart disease' }).click();
  await p.getByLabel('Chest pain type').waitFor();
  await check(patient, 'predict-heart-form');
  assert.deepEqual(patient.problems, []);
});

test('the symptom checker gives triage advice', async () => {
  const p = patient.page;
  await page(patient, '/symptoms', 'symptoms');
  for (const name of ['itching', 'skin rash']) {
    await p.getByLabel('Symptom', { exact: true }).fill(name);
    await p.getByRole('button', { name: 'Add', exact: true }).click();
  }
  await p.getByRole('button', { name: 'Log and check' }).click();
  await p.locator('.triage-callout').waitFor();
  assert.ok((await p.locator('.conditions li').count()) >= 1);
  await check(patient, 'symptoms-result');
  assert.deepEqual(patient.problems, []);
});

test('a doctor signs up and an admin approves them', async () => {
  doctor = await visitor('doctor');
  const d = doctor.page;
  await page(doctor, '/signup', 'signup-doctor-start');
  await d.getByLabel('a doctor').check();
  await d.getByLabel('Full name').fill(DOCTOR.name);
  await d.getByLabel('Email').fill(DOCTOR.email);
  await d.getByLabel('Password').fill(PASSWORD);
  await d.getByLabel('Licence number').fill('GMC-7654321');
  await d.getByLabel('Specialty').fill('Cardiology');
  await d.getByLabel('Clinic').fill('Lisbon Heart Clinic');
  await check(doctor, 'signup-doctor');
  await d.getByRole('button', { name: 'Create account' }).click();
  await d.getByRole('heading', { name: 'Confirm your email' }).waitFor();
  await d.getByLabel('Code').fill(await smtp.codeFor(DOCTOR.email, 'Confirm your email'));
  await d.getByRole('button', { name: 'Confirm' }).click();
  await d.getByText(/administrator checks every doctor/).waitFor();
  await check(doctor, 'verify-doctor-pending');

  admin = await visitor('admin');
  const a = admin.page;
  await signIn(admin, ADMIN.email);
  await a.getByRole('heading', { name: 'Administration' }).waitFor();
  await admin.settled();
  await check(admin, 'admin', undefined);
  await a.getByRole('button', { name: `Approve ${DOCTOR.name}` }).click();
  await a.getByRole('status').filter({ hasText: 'is approved' }).waitFor();
  await a.getByLabel('Action').fill('account.approve');
  await a.getByLabel('Action').fill('');
  await a.getByRole('button', { name: 'Search' }).click();
  await a.locator('table.audit tbody tr').first().waitFor();
  await check(admin, 'admin-audit');
  await page(admin, '/admin', 'admin-reload');
  assert.deepEqual(admin.problems, []);
  await smtp.codeFor(DOCTOR.email, 'approved').catch(() => {}); // the approval mail has no code
  assert.ok(smtp.messages.some((m) => m.to.includes(DOCTOR.email) && /approved/.test(m.data)));
});

test('the patient links the doctor, who gets consent with the emailed code and records', async () => {
  const p = patient.page;
  await page(patient, '/access', 'access-empty');
  patientId = Number((await p.getByText(/patient number: \d+/).textContent()).match(/(\d+)/)[1]);
  await p.getByLabel('Find a doctor').fill('Cardiology');
  await p.getByRole('button', { name: 'Search' }).click();
  await p.getByRole('button', { name: `Link ${DOCTOR.name}` }).click();
  await p.locator('#team-title + p + ul, .people').filter({ hasText: DOCTOR.name }).first().waitFor();

  const d = doctor.page;
  await signIn(doctor, DOCTOR.email);
  await d.getByRole('heading', { name: 'Patients', exact: true }).waitFor();
  await check(doctor, 'doctor-home');
  await d.getByLabel('Patient number').fill(String(patientId));
  await d.getByRole('button', { name: 'Open record' }).click();
  await d.getByRole('heading', { name: PATIENT.name }).waitFor();
  await doctor.settled();
  await check(doctor, 'doctor-patient');
  // The chart is in sections; readings are added under Results.
  await d.getByRole('navigation', { name: 'Patient chart' }).getByRole('link', { name: 'Results' }).click();
  await d.locator('form.obs-form').waitFor();
  await doctor.settled();
  await check(doctor, 'doctor-patient-results');

  // Without consent the form is closed up front (accounts.test.mjs covers the states).
  const form = d.locator('form.obs-form');
  assert.equal(await form.getByRole('button', { name: 'Save reading' }).isDisabled(), true);

  await d.getByRole('button', { name: 'Request consent' }).click();
  await d.getByLabel("Patient's code").waitFor();
  const code = await smtp.codeFor(PATIENT.email, 'consent');
  doctor.expect('/confirm', 422);
  await d.getByLabel("Patient's code").fill(code === '000000' ? '111111' : '000000');
  await d.getByRole('button', { name: 'Confirm code' }).click();
  await d
    .locator('.field-invalid')
    .filter({ has: d.getByLabel("Patient's code") })
    .locator('.field-error')
    .waitFor();
  await d.getByLabel("Patient's code").fill(code);
  await d.getByRole('button', { name: 'Confirm code' }).click();
  await d.getByText(/You may add to this record until/).waitFor();

  await form.getByLabel('Measurement').selectOption('heart_rate');
  await form.getByLabel('Value').fill('64');
  await form.getByRole('button', { name: 'Save reading' }).click();
  await d.getByRole('status').filter({ hasText: 'Saved heart rate' }).waitFor();
  await d.locator('li.obs', { hasText: 'recorded by a doctor' }).first().waitFor();
  await page(doctor, `/doctor/patients/${patientId}/summary`, 'doctor-patient-summary');
  await d.getByLabel('Area (English local authority)').fill('Hartlepool');
  await d.getByRole('button', { name: 'Look up' }).click();
  await d.locator('table.latest', { hasText: 'Hartlepool' }).waitFor();
  await check(doctor, 'doctor-patient-recorded');
  assert.deepEqual(doctor.problems, []);
});

test(
  'the doctor records a diagnosis and a prescription',
  { skip: !CLINICAL && 'clinical module not in the app yet' },
  async () => {
    const d = doctor.page;
    await page(doctor, `/doctor/patients/${patientId}/problems`, 'doctor-patient-problems');
    const diagnosis = d.locator('form', { has: d.getByRole('heading', { name: 'Record a diagnosis' }) });
    await diagnosis.getByLabel('Diagnosis').fill('Essential hypertension');
    await diagnosis.getByLabel('ICD-10 code (optional)').fill('I10');
    await diagnosis.getByRole('button', { name: 'Save diagnosis' }).click();
    await d.getByRole('status').filter({ hasText: 'Essential hypertension' }).waitFor();
    // A bad ICD-10 code is refused next to its field.
    doctor.expect('/diagnoses', 422);
    await diagnosis.getByLabel('Diagnosis').fill('Something');
    await diagnosis.getByLabel('ICD-10 code (optional)').fill('not a code');
    await diagnosis.getByRole('button', { name: 'Save diagnosis' }).click();
    await diagnosis.locator('.field-invalid .field-error').waitFor();
    const prescription = d.locator('form', { has: d.getByRole('heading', { name: 'Prescribe' }) });
    for (const [label, value] of [
      ['Medicine', 'Amlodipine'],
      ['Strength', '5 mg'],
      ['Dose', '1 tablet'],
      ['Frequency', 'once a day'],
      ['Duration', '3 months'],
    ]) {
      await prescription.getByLabel(label, { exact: true }).fill(value);
    }
    await prescription.getByRole('button', { name: 'Save prescription' }).click();
    await d.getByRole('status').filter({ hasText: 'Amlodipine prescribed' }).waitFor();
    await d
      .getByRole('region', { name: 'Current diagnoses and medicines' })
      .locator('li', { hasText: 'Essential hypertension' })
      .waitFor();
    // A diagnosis that ends is resolved with a reason and leaves the current list.
    await diagnosis.getByLabel('Diagnosis').fill('Acute upper respiratory infection');
    await diagnosis.getByLabel('ICD-10 code (optional)').fill('J06.9');
    await diagnosis.getByRole('button', { name: 'Save diagnosis' }).click();
    const care = d.getByRole('region', { name: 'Current diagnoses and medicines' });
    const infection = care.locator('li', { hasText: 'Acute upper respiratory infection' });
    await infection.getByRole('button', { name: 'Resolve' }).click();
    await infection.getByLabel('Why resolve?').fill('recovered');
    await infection.getByRole('button', { name: 'Resolve' }).last().click();
    await infection.waitFor({ state: 'detached' });
    await care.locator('li', { hasText: 'Amlodipine' }).waitFor();
    await check(doctor, 'doctor-clinical');
    await page(doctor, `/doctor/patients/${patientId}/timeline`, 'doctor-patient-timeline');
    await d.locator('.timeline li', { hasText: 'Essential hypertension' }).first().waitFor();
    assert.deepEqual(doctor.problems, []);
  },
);

test(
  'the patient sees the diagnosis in the timeline and logs a symptom',
  { skip: !CLINICAL && 'clinical module not in the app yet' },
  async () => {
    const p = patient.page;
    await page(patient, '/record', 'record-timeline');
    await p.locator('.timeline li', { hasText: 'Essential hypertension' }).first().waitFor();
    const care = p.getByRole('region', { name: 'Current diagnoses and medicines' });
    await care.locator('li', { hasText: 'Amlodipine 5 mg' }).waitFor();
    assert.doesNotMatch(await care.textContent(), /respiratory infection/);
    assert.equal(await care.getByRole('button').count(), 0);
    await page(patient, '/symptoms', 'symptom-tracker');
    await p.getByLabel('Symptom', { exact: true }).fill('headache');
    await p.getByRole('button', { name: 'Add', exact: true }).click();
    await p.getByRole('button', { name: 'Log and check' }).click();
    await p.locator('.chart figcaption', { hasText: /Severity/ }).waitFor();
    await page(patient, '/profile', 'profile');
    await p.getByLabel('Local authority code (optional)').fill('E06000001');
    await p.getByRole('button', { name: 'Add an allergy' }).click();
    await p.getByRole('group', { name: 'Allergy 1' }).getByLabel('Substance').fill('latex');
    await p.getByRole('button', { name: 'Save profile' }).click();
    await p.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    assert.deepEqual(patient.problems, []);

    // The doctor's view shows the air-quality burden of the patient's area.
    await page(doctor, `/doctor/patients/${patientId}`, 'doctor-patient-area');
    await doctor.page.locator('#air-title + p', { hasText: 'Hartlepool' }).waitFor();
    assert.deepEqual(doctor.problems, []);
  },
);

test(
  'an alert reaches the doctor and the patient; the doctor finds patients by name',
  { skip: !MONITORING && 'monitoring module not in the app yet' },
  async () => {
    const d = doctor.page;
    await page(doctor, `/doctor/patients/${patientId}/results`, 'doctor-patient-monitoring');
    const form = d.locator('form.obs-form');
    await form.getByLabel('Measurement').selectOption('spo2');
    await form.getByLabel('Value').fill('89');
    await form.getByRole('button', { name: 'Save reading' }).click();
    await d.getByRole('status').filter({ hasText: 'Saved oxygen saturation' }).waitFor();

    await page(doctor, '/doctor', 'doctor-home-monitoring');
    const mine = d.getByRole('region', { name: 'My patients' });
    const row = mine.getByRole('row').filter({ has: d.getByRole('link', { name: PATIENT.name }) });
    await row.waitFor();
    assert.equal(await row.getByRole('cell').last().textContent(), '1'); // open alerts
    const inbox = d.getByRole('region', { name: 'Alerts inbox' });
    await inbox.locator('li', { hasText: PATIENT.name }).waitFor();
    const notifications = d.getByRole('region', { name: 'Notifications' });
    await notifications.locator('li').first().waitFor();
    await check(doctor, 'doctor-inbox');
    await inbox.getByRole('button', { name: 'Acknowledge' }).first().click();
    await inbox.getByText('No open alerts for your patients.').waitFor();

    await d.getByLabel('Find a patient').fill('silva');
    await d.getByRole('button', { name: 'Search' }).click();
    await d
      .getByRole('table', { name: /Patients matching/ })
      .getByRole('link', { name: PATIENT.name })
      .waitFor();
    assert.deepEqual(doctor.problems, []);

    const p = patient.page;
    await page(patient, '/dashboard', 'dashboard-alert');
    const alerts = p.getByRole('region', { name: 'Alerts', exact: true });
    await alerts.locator('li', { hasText: `Seen by ${DOCTOR.name}` }).waitFor();
    assert.deepEqual(patient.problems, []);
  },
);

test("the patient sees the doctor's entry and the doctor in the access log", async () => {
  const p = patient.page;
  await page(patient, '/record', 'record-with-clinical');
  await p.locator('li.obs', { hasText: 'recorded by a doctor' }).first().waitFor();
  await page(patient, '/access', 'access');
  const log = p.locator('ul.access-log');
  await log.waitFor();
  assert.match(await log.textContent(), new RegExp(`${DOCTOR.name}.*doctor`));
  assert.match(await p.locator('#grants-title').locator('..').textContent(), /active/);
  assert.deepEqual(patient.problems, []);
});

test('signing out clears the session', async () => {
  const p = patient.page;
  await p.getByRole('button', { name: 'Menu' }).isVisible();
  await p.getByRole('button', { name: 'Sign out' }).click();
  await p.getByRole('heading', { name: 'Sign in' }).waitFor();
  // The refresh cookie is gone too: a reload does not bring the session back.
  await p.goto(server.url + '/dashboard');
  await p.getByRole('heading', { name: 'Sign in' }).waitFor();
  const stored = await p.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(stored, 0);
  assert.deepEqual(patient.problems, []);
});
