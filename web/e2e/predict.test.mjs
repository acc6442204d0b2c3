// Honest risk checks and urgent symptom advice, in a real browser against a real server: a man's
// risk check does not ask about pregnancies; a check with too little information says "not
// enough information" and what to add instead of a number; a decimal comma is accepted and
// "abc" is refused next to its field with nothing sent; chest pain at 9 of 10 says to call the
// emergency number; doctors see the clinician's inputs patients are not asked; model cards are
// rendered documents with the plain summary first. Each page is checked for horizontal overflow
// at 360 and 1280 px and for console errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { journeySteps, launchBrowser, PASSWORD, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

const MAN = { email: 'jose.almeida@example.org', name: 'José Almeida' };
const DOCTOR = { email: 'clara.reis@example.org', name: 'Dr Clara Reis' };
const ADMIN = { email: 'ada@example.org' };

let smtp, server, browser;
const report = new Report();
const visitors = [];
let man, manId;

/** A JSON call to the server, outside the browser (for setting up accounts). */
function call(method, pathname, options) {
  return server.request(method, pathname, options);
}

async function visitor(name) {
  const v = await new Visitor(browser, server, name).open();
  v.expect('/api/v1/auth/refresh', 401);
  visitors.push(v);
  return v;
}

const { check, page, signIn } = journeySteps(report);

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  await server.createAdmin(ADMIN.email);
  browser = await launchBrowser();
  await server.confirmedAccount('patient', {
    email: MAN.email,
    full_name: MAN.name,
    date_of_birth: '1968-02-03',
    sex: 'male',
  });
  man = await visitor('man');
  await signIn(man, MAN.email);
  manId = (await server.signedIn(MAN.email)).account.id;
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

test("a man's risk check does not ask about pregnancies", async () => {
  const p = man.page;
  await page(man, '/predict', 'predict-man');
  await p.getByLabel(/^Glucose 2 hours/).waitFor();
  assert.equal(await p.getByLabel(/pregnan/i).count(), 0);
  await p.getByText('Number of pregnancies: not asked of men (counted as 0).').waitFor();
  assert.equal(await p.getByLabel('Sex').inputValue(), 'male'); // from his profile
  assert.deepEqual(man.problems, []);
});

test('too little information gives "not enough information" and what to add', async () => {
  const p = man.page;
  await page(man, '/predict', 'predict-heart-empty');
  await p.getByRole('button', { name: 'Heart disease' }).click();
  await p.getByLabel('Chest pain type').waitFor();
  // A patient is not asked a clinician's test results.
  assert.equal(await p.getByLabel('Thallium stress test').count(), 0);
  await p.getByLabel('Chest pain type').selectOption('atypical_angina');
  await p.getByRole('button', { name: 'Estimate my risk' }).click();
  const alert = p.getByRole('alert').filter({ hasText: 'Not enough information for an estimate' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Add .+ and .+\./);
  const added = p.locator('.add-list li');
  assert.ok((await added.count()) >= 1);
  assert.match(await added.first().textContent(), /from a test a clinician does/);
  assert.equal(await p.locator('section.result .big').count(), 0); // no bare percentage
  // Focus moves to the answer.
  await p.waitForFunction(() => document.activeElement?.textContent === 'Not enough information for an estimate');
  await check(man, 'predict-not-enough');
  assert.deepEqual(man.problems, []);
});

test('a decimal comma is accepted and "abc" is refused next to its field', async () => {
  const p = man.page;
  await page(man, '/predict', 'predict-numbers');
  const glucose = p.getByLabel(/^Glucose 2 hours/);
  await glucose.waitFor();
  assert.equal(await glucose.getAttribute('type'), 'text');
  assert.equal(await glucose.getAttribute('inputmode'), 'decimal');
  const insulin = p.getByLabel(/^Insulin 2 hours/);

  // "abc": a message next to the field, and nothing goes to the server.
  let sent = 0;
  const counter = (request) => {
    if (request.url().includes('/predictions/diabetes') && request.method() === 'POST') sent += 1;
  };
  p.on('request', counter);
  await glucose.fill('147,5');
  await insulin.fill('abc');
  await p.getByRole('button', { name: 'Estimate my risk' }).click();
  const field = p.locator('.field-invalid').filter({ has: insulin });
  await field.locator('.field-error', { hasText: 'Enter a number such as 5.8.' }).waitFor();
  assert.equal(await insulin.getAttribute('aria-invalid'), 'true');
  await p.waitForFunction(() => document.activeElement?.getAttribute('name') === 'insulin');
  assert.equal(sent, 0);
  await check(man, 'predict-number-error');
  p.off('request', counter);

  // "147,5" is 147.5, sent as a number, never null.
  await insulin.fill('120,5');
  const [request] = await Promise.all([
    p.waitForRequest((r) => r.url().includes('/predictions/diabetes') && r.method() === 'POST'),
    p.getByRole('button', { name: 'Estimate my risk' }).click(),
  ]);
  const body = JSON.parse(request.postData());
  assert.equal(body.glucose, 147.5);
  assert.equal(body.insulin, 120.5);
  assert.ok(!Object.values(body).includes(null));
  assert.ok(!('pregnancies' in body));
  await p.locator('section.result h2').first().waitFor();
  assert.equal(await p.locator('.field-invalid').count(), 0);
  assert.deepEqual(man.problems, []);
});

test('chest pain at 9 of 10 says to call the emergency number', async () => {
  const p = man.page;
  await page(man, '/symptoms', 'symptoms-check');
  await p.getByLabel('Symptom', { exact: true }).fill('Chest pain');
  await p.getByRole('button', { name: 'Add', exact: true }).click();
  const severity = p.getByLabel(/How bad is it now/);
  await severity.focus();
  for (let step = 5; step < 9; step += 1) await p.keyboard.press('ArrowRight');
  assert.equal(await severity.inputValue(), '9');
  await p.getByRole('button', { name: 'Log and check' }).click();
  const advice = p.getByRole('alert').filter({ hasText: 'Call your emergency number now' });
  await advice.waitFor();
  assert.match(await advice.textContent(), /Chest pain at 9 of 10/);
  // He has no doctor on his care team: the answer says nobody was told, rather than nothing.
  assert.match(await advice.textContent(), /no doctor on your care team/);
  assert.doesNotMatch(await p.locator('main').textContent(), /Self-care is probably enough/);
  // Logged as well: the severity chart of the log shows it.
  await p.locator('.chart figcaption', { hasText: /Severity/ }).waitFor();
  await check(man, 'symptoms-emergency');
  assert.deepEqual(man.problems, []);
});

test('a model card is a rendered document with the plain summary first', async () => {
  const p = man.page;
  await page(man, '/models/stroke', 'model-card-stroke');
  const headings = await p.locator('main h2').allTextContents();
  assert.deepEqual(headings.slice(0, 2), ['In plain words', 'Technical model card']);
  await p.locator('.plain-summary li', { hasText: 'What it estimates' }).waitFor();
  await p.locator('main table').first().waitFor();
  const text = await p.locator('main').textContent();
  assert.doesNotMatch(text, /##|\|---|\*\*/);
  await page(man, '/models/symptoms', 'model-card-symptoms');
  assert.deepEqual(man.problems, []);
});

test("a doctor sees the clinician's inputs the patient is not asked", async () => {
  await server.confirmedAccount('doctor', {
    email: DOCTOR.email,
    full_name: DOCTOR.name,
    licence_number: 'GMC-1112223',
    specialty: 'Cardiology',
    clinic: 'Porto Heart Clinic',
  });
  const admin = (await server.signedIn(ADMIN.email)).access_token;
  const pending = await call('GET', '/api/v1/admin/doctors', { token: admin });
  const doctorId = pending.body.items.find((d) => d.email === DOCTOR.email).id;
  assert.equal((await call('POST', `/api/v1/admin/doctors/${doctorId}/approve`, { token: admin })).status, 200);
  const patientToken = (await server.signedIn(MAN.email)).access_token;
  assert.equal(
    (await call('POST', `/api/v1/patients/${manId}/care-team`, { token: patientToken, body: { doctor_id: doctorId } }))
      .status,
    201,
  );

  const doctor = await visitor('doctor');
  await signIn(doctor, DOCTOR.email);
  const d = doctor.page;
  await page(doctor, `/doctor/patients/${manId}/risk`, 'doctor-risk-checks');
  await d.getByRole('button', { name: 'Heart disease' }).click();
  await d.getByLabel('Thallium stress test').waitFor();
  await d.getByLabel(/Highest heart rate in an exercise test/).waitFor();
  await check(doctor, 'doctor-risk-heart');
  assert.deepEqual(doctor.problems, []);
});
