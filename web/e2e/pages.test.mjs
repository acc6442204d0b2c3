// Every page of the app, as each role sees it on the demo clinic (three years of readings, alerts,
// diagnoses, prescriptions), at 360 and 1280 px: axe-core finds no accessibility violation, nothing
// overflows sideways, nothing moves while it loads, and nothing is logged in the console. The journeys in the other files check
// what the pages do; this file makes sure none is left out of the accessibility check: every
// route of the app's route table (src/App.tsx) and every section of the doctor's chart
// (src/pages/chartSections.ts) must be visited here, or the last test fails.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { launchBrowser, Report, SmtpSink, totpCode, Visitor, VitalisServer } from './harness.mjs';

const DEMO_PASSWORD = 'vitalis-demo-2026';
const read = (file) => readFileSync(new URL(file, import.meta.url), 'utf8');
const ROUTES = [...read('../src/App.tsx').matchAll(/path: '([^']+)'/g)].map((m) => m[1]);
const SECTIONS = [...read('../src/pages/chartSections.ts').matchAll(/key: '([a-z]+)'/g)].map((m) => m[1]);
const report = new Report('pages');
const visited = new Set(); // route patterns
let smtp, server, browser;
const visitors = {};
let mariaId;
let conversationId;

async function signedIn(role, email) {
  const v = await new Visitor(browser, server, role).open();
  await v.signIn(email, DEMO_PASSWORD);
  visitors[role] = v;
  return v;
}

/** Visits `pathname` (an instance of the route `pattern`), checks it and counts the route. */
async function checkPage(v, pattern, pathname, label) {
  const ms = await v.visit(pathname);
  await v.settled();
  // Nothing moves while the page loads (Lighthouse's "good" is below 0.1).
  const shift = await v.layoutShift();
  assert.ok(shift < 0.1, `${label} moved while loading: cumulative layout shift ${shift.toFixed(3)}`);
  const overflowing = await v.capture(label);
  report.add(label, ms, overflowing);
  assert.deepEqual(overflowing, [], `${label} overflows horizontally`);
  assert.deepEqual(v.problems, [], `${label} logged problems`);
  visited.add(pattern);
}

const name = (pathname) => pathname.replaceAll('/', '-');

before(async () => {
  smtp = await new SmtpSink().start();
  server = new VitalisServer(smtp);
  server.loadDemo();
  await server.start();
  browser = await launchBrowser();
  visitors.anonymous = await new Visitor(browser, server, 'anonymous').open();
  const patient = await signedIn('patient', 'patient@demo.vitalis.test');
  await patient.visit('/access');
  mariaId = Number((await patient.page.getByText(/patient number: \d+/).textContent()).match(/(\d+)/)[1]);
  await signedIn('doctor', 'doctor@demo.vitalis.test');
  // The general practitioner is not on Maria's care team (she sees the endocrinologist).
  await signedIn('unlinked doctor', 'gp@demo.vitalis.test');
  await signedIn('admin', 'admin@demo.vitalis.test');
  // A conversation of Maria's with her endocrinologist, for /chat/:id.
  const maria = await server.signedIn('patient@demo.vitalis.test', DEMO_PASSWORD);
  const endocrinologist = await server.signedIn('doctor@demo.vitalis.test', DEMO_PASSWORD);
  const started = await server.post(
    '/api/v1/chat/conversations',
    { other_id: endocrinologist.account.id },
    maria.access_token,
  );
  assert.equal(started.status, 201, JSON.stringify(started.body));
  conversationId = started.body.id;
  for (const [who, text] of [
    [maria, 'Good morning. My glucose was 9.8 after breakfast today.'],
    [endocrinologist, 'Thank you. Please record it before breakfast for the next three days.'],
  ]) {
    const path = `/api/v1/chat/conversations/${conversationId}/messages`;
    const sent = await server.post(path, { client_id: `pages-${text.length}`, text }, who.access_token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
  }
});

after(async () => {
  report.write();
  for (const v of Object.values(visitors)) await v.close();
  await browser?.close();
  try {
    await server?.stop(); // fails the file on a bad exit or a sanitizer report
  } finally {
    smtp?.stop();
  }
});

for (const pathname of ['/', '/signin', '/signup', '/verify', '/reset', '/claim']) {
  test(`anonymous ${pathname}`, () =>
    checkPage(visitors.anonymous, pathname, pathname, `all-anonymous${name(pathname)}`));
}

test('anonymous: every model card, and a model that does not exist', async () => {
  for (const model of ['diabetes', 'heart', 'stroke', 'symptoms', 'no-such-model']) {
    await checkPage(visitors.anonymous, '/models/:name', `/models/${model}`, `all-anonymous-models-${model}`);
  }
});

test('anonymous: a page that does not exist', () =>
  checkPage(visitors.anonymous, '*', '/no-such-page', 'all-anonymous-not-found'));

for (const pathname of [
  '/dashboard',
  '/record',
  '/predict',
  '/symptoms',
  '/appointments',
  '/tests',
  '/pharmacy',
  '/pharmacy/cart',
  '/pharmacy/orders',
  '/chat',
  '/access',
  '/profile',
  '/account',
  '/two-step',
]) {
  test(`patient ${pathname}`, () => checkPage(visitors.patient, pathname, pathname, `all-patient${name(pathname)}`));
}

test('patient: a medicine’s page from the demo pharmacy', async () => {
  const v = visitors.patient;
  await v.visit('/pharmacy');
  await v.settled();
  const href = await v.page.getByRole('region', { name: 'Medicines' }).getByRole('link').first().getAttribute('href');
  assert.match(href, /^\/pharmacy\/items\/\d+$/);
  await checkPage(v, '/pharmacy/items/:id', href, 'all-patient-pharmacy-item');
});

for (const pathname of ['/doctor', '/doctor/agenda', '/doctor/availability', '/doctor/alerts', '/chat', '/account']) {
  test(`doctor ${pathname}`, () => checkPage(visitors.doctor, pathname, pathname, `all-doctor${name(pathname)}`));
}

test('patient and doctor: a conversation', async () => {
  await checkPage(visitors.patient, '/chat/:id', `/chat/${conversationId}`, 'all-patient-chat-conversation');
  await checkPage(visitors.doctor, '/chat/:id', `/chat/${conversationId}`, 'all-doctor-chat-conversation');
});

test('doctor: every section of a patient’s chart', async () => {
  const v = visitors.doctor;
  await checkPage(v, '/doctor/patients/:id', `/doctor/patients/${mariaId}`, 'all-doctor-patient');
  for (const section of SECTIONS) {
    await checkPage(
      v,
      '/doctor/patients/:id/:section',
      `/doctor/patients/${mariaId}/${section}`,
      `all-doctor-patient-${section}`,
    );
  }
});

test('a doctor not on the care team gets the emergency-access page', async () => {
  const v = visitors['unlinked doctor'];
  v.expect(`/patients/${mariaId}/`, 403);
  await checkPage(v, '/doctor/patients/:id', `/doctor/patients/${mariaId}`, 'all-doctor-unlinked');
  await v.page
    .getByRole('heading', { name: /emergency/i })
    .first()
    .waitFor();
});

test('admin: the demo administrator’s first sign-in sets up two-step sign-in first', async () => {
  const v = visitors.admin;
  // Every admin page leads to the set-up until it is done.
  await checkPage(v, '/two-step', '/admin', 'all-admin-two-step');
  assert.equal(new URL(v.page.url()).pathname, '/two-step');
  await v.page.getByRole('button', { name: 'Start' }).click();
  const secret = (await v.page.getByTestId('totp-secret').textContent()).replaceAll(' ', '').trim();
  await v.page.getByLabel('Code from the app').fill(totpCode(secret));
  await v.page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  await v.page.getByRole('button', { name: 'I have stored my recovery codes' }).click();
  await v.page.getByRole('heading', { name: 'Administration' }).waitFor();
});

test('admin /admin, with the audit log searched, and a patient’s page', async () => {
  const v = visitors.admin;
  await checkPage(v, '/admin', '/admin', 'all-admin');
  await v.page.getByRole('region', { name: 'Audit log' }).getByRole('button', { name: 'Search' }).click();
  await v.page.locator('table.audit tbody tr').first().waitFor();
  report.add('all-admin-audit', undefined, await v.capture('all-admin-audit'));
  v.expect(`/patients/${mariaId}/`, 403);
  await checkPage(v, '/admin/patients/:id', `/admin/patients/${mariaId}`, 'all-admin-patient');
  await checkPage(v, '/admin/test-desk', '/admin/test-desk', 'all-admin-test-desk');
  await checkPage(v, '/admin/pharmacy', '/admin/pharmacy', 'all-admin-pharmacy');
  await checkPage(v, '/admin/scheduling', '/admin/scheduling', 'all-admin-scheduling');
  // A specialty and a test added to the catalogue, then the test retired.
  const specialties = v.page.getByRole('region', { name: 'Specialties' });
  await specialties.getByLabel('New specialty').fill('Sports medicine');
  await specialties.getByRole('button', { name: 'Add the specialty' }).click();
  await specialties.getByRole('status').filter({ hasText: 'Sports medicine added.' }).waitFor();
  const catalogue = v.page.getByRole('region', { name: 'Test catalogue' });
  await catalogue.getByLabel('Short code (e.g. lipids)').fill('vitd');
  await catalogue.getByLabel('Name as patients read it').fill('Vitamin D');
  await catalogue.getByLabel('Price (£)').fill('30');
  await catalogue.getByRole('button', { name: 'Add the test' }).click();
  await catalogue.getByText('Vitamin D (vitd) — £30.00, 15 minutes').waitFor();
  await catalogue.getByRole('button', { name: 'Retire Vitamin D' }).click();
  await catalogue.getByText('Vitamin D (vitd) — £30.00, 15 minutes, retired').waitFor();
  await checkPage(v, '/account', '/account', 'all-admin-account');
});

test('every route of the app and every chart section was checked', () => {
  const missing = ROUTES.filter((route) => !visited.has(route));
  assert.deepEqual(missing, [], 'pages of src/App.tsx this file does not visit');
  assert.ok(SECTIONS.length >= 5);
});
