// Allergies and safe prescribing, end to end in a real browser against a real server (with the
// shared medicines table): a patient records a severe penicillin allergy as a row of their
// profile; their doctor (linked, holding a write grant) sees it in the banner at the top of the
// chart, prescribes amoxicillin, gets the warning in plain words with the focus on it, must give
// a reason to override, and then sees the override on the prescription and in the banner. Accounts
// are set up through the API; everything the test is about goes through the screens, checked at
// 360 and 1280 px for overflow and console errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, PASSWORD, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

const PATIENT = { email: 'maria.allergy@example.org', name: 'Maria Allergy' };
const DOCTOR = { email: 'dr.prescriber@example.org', name: 'Dr Paula Prescriber' };
const ADMIN = { email: 'admin.allergy@example.org' };
const WARNING = 'Recorded allergy: Penicillin (severe: Anaphylaxis). Amoxicillin is a penicillin.';
const REASON = 'Allergist retested in 2024, tolerated amoxicillin';

let smtp, server, browser;
const report = new Report();
const visitors = [];
let patientId;

function call(method, path, options) {
  return server.request(method, path, options);
}

async function expectStatus(expected, method, path, options) {
  const answer = await call(method, path, options);
  assert.equal(answer.status, expected, `${method} ${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function signInApi(email) {
  const answer = await server.signedIn(email); // answers a second step (admins)
  return { token: answer.access_token, id: answer.account.id };
}

async function verify(email) {
  const code = await smtp.codeFor(email, 'Confirm your email');
  await expectStatus(200, 'POST', '/api/v1/auth/verify-email', { body: { email, code } });
}

/** The patient, an approved doctor linked to them, and the doctor's write grant. */
async function setUpClinic() {
  await expectStatus(202, 'POST', '/api/v1/auth/signup/patient', {
    body: {
      email: PATIENT.email,
      password: PASSWORD,
      full_name: PATIENT.name,
      date_of_birth: '1968-09-30',
      sex: 'female',
    },
  });
  await verify(PATIENT.email);
  await expectStatus(202, 'POST', '/api/v1/auth/signup/doctor', {
    body: {
      email: DOCTOR.email,
      password: PASSWORD,
      full_name: DOCTOR.name,
      licence_number: 'GMC-7000001',
      specialty: 'General practice',
      clinic: 'Porto Family Clinic',
    },
  });
  await verify(DOCTOR.email);
  const { token: admin } = await signInApi(ADMIN.email);
  const pending = await expectStatus(200, 'GET', '/api/v1/admin/doctors', { token: admin });
  const doctorId = pending.items.find((d) => d.email === DOCTOR.email).id;
  await expectStatus(200, 'POST', `/api/v1/admin/doctors/${doctorId}/approve`, { token: admin });
  const { token: patient, id } = await signInApi(PATIENT.email);
  patientId = id;
  await expectStatus(201, 'POST', `/api/v1/patients/${patientId}/care-team`, {
    token: patient,
    body: { doctor_id: doctorId },
  });
  const { token: doctor } = await signInApi(DOCTOR.email);
  const grant = await expectStatus(202, 'POST', `/api/v1/patients/${patientId}/write-grants`, { token: doctor });
  await expectStatus(200, 'POST', `/api/v1/write-grants/${grant.id}/approve`, { token: patient });
}

async function visitor(name) {
  const v = await new Visitor(browser, server, name).open();
  v.expect('/api/v1/auth/refresh', 401);
  visitors.push(v);
  return v;
}

async function check(v, label, ms) {
  const overflowing = await v.capture(label);
  report.add(label, ms, overflowing);
  assert.deepEqual(overflowing, [], `${label} overflows horizontally`);
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  assert.ok(
    server.log.some((line) => line.includes('medicines table loaded')),
    'the server reads the medicines table from the shared datasets',
  );
  await server.createAdmin(ADMIN.email);
  browser = await launchBrowser();
  await setUpClinic();
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

test('the patient records a severe penicillin allergy as a row of the profile', async () => {
  const patient = await visitor('allergy-patient');
  const p = patient.page;
  await patient.signIn(PATIENT.email);
  const ms = await patient.visit('/profile');
  await p.getByText('Leave unticked if you are not sure').waitFor();
  await p.getByRole('button', { name: 'Add an allergy' }).click();
  const row = p.getByRole('group', { name: 'Allergy 1' });
  assert.equal(
    await row.getByLabel('Substance').evaluate((input) => input === document.activeElement),
    true,
    'the new row has the focus',
  );
  await row.getByLabel('Substance').fill('Penicillin');
  await row.getByLabel('Reaction (optional)').fill('Anaphylaxis');
  await row.getByLabel('Severity').selectOption('severe');
  await check(patient, 'allergy-profile-editing', ms);
  await p.getByRole('button', { name: 'Save profile' }).click();
  await p.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
  const saved = p.getByRole('group', { name: 'Allergy 1' });
  assert.equal(await saved.getByLabel('Substance').inputValue(), 'Penicillin');
  await saved.getByText('Prescriptions are checked against it as penicillins.').waitFor();
  assert.deepEqual(patient.problems, []);
});

test('the doctor sees the allergy in the banner, is warned, overrides with a reason and sees the override', async () => {
  const doctor = await visitor('allergy-doctor');
  const d = doctor.page;
  await doctor.signIn(DOCTOR.email);
  const ms = await doctor.visit(`/doctor/patients/${patientId}/problems`);
  const banner = d.locator('.patient-banner');
  await banner.getByRole('heading', { level: 1, name: PATIENT.name }).waitFor();
  const allergy = banner.locator('.banner-allergies li', { hasText: 'Penicillin' });
  await allergy.waitFor();
  assert.match(await allergy.textContent(), /Severe.*Anaphylaxis/);
  assert.match(await banner.textContent(), /\d+ years · female/);
  // The banner sits above the chart's section navigation.
  const order = await d.evaluate(() => {
    const bannerNode = document.querySelector('.patient-banner');
    const nav = document.querySelector('nav.chart-nav');
    return Boolean(bannerNode && nav && bannerNode.compareDocumentPosition(nav) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.equal(order, true);
  await check(doctor, 'allergy-doctor-banner', ms);

  doctor.expect('/prescriptions', 409);
  doctor.expect('/prescriptions', 422);
  const form = d.locator('form', { has: d.getByRole('heading', { name: 'Prescribe' }) });
  for (const [label, value] of [
    ['Medicine', 'Amoxicillin'],
    ['Strength', '500 mg'],
    ['Dose', '1 capsule'],
    ['Frequency', 'three times a day'],
    ['Duration', '7 days'],
  ]) {
    await form.getByLabel(label, { exact: true }).fill(value);
  }
  await form.getByRole('button', { name: 'Save prescription' }).click();
  const warning = form.getByRole('alert').filter({ hasText: WARNING });
  await warning.waitFor();
  assert.equal(
    await d.evaluate(() => document.activeElement?.id),
    'prescribing-warnings-title',
    'the focus moves to the warnings',
  );
  await check(doctor, 'allergy-doctor-warning');
  const care = d.getByRole('region', { name: 'Current diagnoses and medicines' });
  assert.doesNotMatch(await care.textContent(), /Amoxicillin/, 'nothing was prescribed');

  // An override needs a reason of a few words: none, then one word, are refused at the field.
  const reasonError = form
    .locator('.field-invalid')
    .filter({ has: d.getByLabel('Reason for the override') })
    .locator('.field-error');
  await form.getByRole('button', { name: 'Override and prescribe' }).click();
  await reasonError.filter({ hasText: 'is required' }).waitFor();
  assert.equal(await d.evaluate(() => document.activeElement?.getAttribute('name')), 'override_reason');
  await form.getByLabel('Reason for the override').fill('fine');
  await form.getByRole('button', { name: 'Override and prescribe' }).click();
  await reasonError.filter({ hasText: 'at least three words' }).waitFor();
  await form.getByLabel('Reason for the override').fill(REASON);
  await form.getByRole('button', { name: 'Override and prescribe' }).click();
  await d.getByRole('status').filter({ hasText: 'Amoxicillin prescribed (override recorded).' }).waitFor();

  const listed = care.locator('li', { hasText: 'Amoxicillin' });
  await listed.waitFor();
  assert.match(await listed.textContent(), new RegExp(`Prescribed despite a safety warning: .${REASON}`));
  const medicine = banner.locator('li', { hasText: 'Amoxicillin' });
  await medicine.waitFor();
  assert.match(await medicine.textContent(), /Prescribed despite a safety warning/);
  assert.match(await banner.locator('.banner-allergies').textContent(), /Penicillin/);
  await check(doctor, 'allergy-doctor-override');

  // The banner is on every section of the chart; the timeline shows the override too.
  const timelineMs = await doctor.visit(`/doctor/patients/${patientId}/timeline`);
  await d.locator('.patient-banner .banner-allergies li', { hasText: 'Penicillin' }).waitFor();
  await d.locator('.timeline li', { hasText: `prescribed despite a safety warning (${REASON})` }).waitFor();
  await check(doctor, 'allergy-doctor-timeline', timelineMs);
  assert.deepEqual(doctor.problems, []);
});
