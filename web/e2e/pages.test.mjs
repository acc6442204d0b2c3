// Every page of the app, as each role sees it on the demo clinic (three years of readings, alerts,
// diagnoses, prescriptions), at 360 and 1280 px: axe-core finds no accessibility violation, nothing
// overflows sideways, and nothing is logged in the console. The journeys in the other files check
// what the pages do; this file makes sure none is left out of the accessibility check.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

const DEMO_PASSWORD = 'vitalis-demo-2026';
const report = new Report();
let smtp, server, browser;
const visitors = {};

async function signedIn(role, email) {
  const v = await new Visitor(browser, server, role).open();
  await v.visit('/signin');
  await v.page.getByLabel('Email').fill(email);
  await v.page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await v.page.getByRole('button', { name: 'Sign in' }).click();
  await v.page.locator('main h1').filter({ hasNotText: 'Sign in' }).first().waitFor();
  visitors[role] = v;
  return v;
}

async function checkPage(v, pathname, label) {
  const ms = await v.visit(pathname);
  await v.settled();
  const overflowing = await v.capture(label);
  report.add(label, ms, overflowing);
  assert.deepEqual(overflowing, [], `${label} overflows horizontally`);
  assert.deepEqual(v.problems, [], `${label} logged problems`);
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = new VitalisServer(smtp);
  server.loadDemo();
  await server.start();
  browser = await launchBrowser();
  visitors.anonymous = await new Visitor(browser, server, 'anonymous').open();
  await signedIn('patient', 'patient@demo.vitalis.test');
  await signedIn('doctor', 'doctor@demo.vitalis.test');
  await signedIn('admin', 'admin@demo.vitalis.test');
});

after(async () => {
  report.write('pages');
  for (const v of Object.values(visitors)) await v.close();
  await browser?.close();
  await server?.stop();
  smtp?.stop();
});

const PUBLIC = ['/', '/signin', '/signup', '/verify', '/reset', '/models/diabetes', '/models/heart', '/models/stroke', '/models/symptoms', '/no-such-page'];
for (const pathname of PUBLIC) {
  test(`anonymous ${pathname}`, () => checkPage(visitors.anonymous, pathname, `all-anonymous${pathname.replaceAll('/', '-')}`));
}

const PATIENT = ['/dashboard', '/record', '/predict', '/symptoms', '/access', '/profile'];
for (const pathname of PATIENT) {
  test(`patient ${pathname}`, () => checkPage(visitors.patient, pathname, `all-patient${pathname.replaceAll('/', '-')}`));
}

test('doctor /doctor', () => checkPage(visitors.doctor, '/doctor', 'all-doctor-home'));

test('doctor: every section of the demo patient’s chart', async () => {
  const v = visitors.doctor;
  await v.visit('/doctor');
  await v.settled();
  // The demo doctor's first listed patient.
  const link = v.page.getByRole('region', { name: 'My patients' }).getByRole('link').first();
  const href = await link.getAttribute('href');
  const id = Number(href.match(/\/doctor\/patients\/(\d+)/)[1]);
  for (const section of ['summary', 'results', 'problems', 'visits', 'timeline']) {
    await checkPage(v, `/doctor/patients/${id}/${section}`, `all-doctor-patient-${section}`);
  }
});

test('admin /admin, with the audit log searched', async () => {
  const v = visitors.admin;
  await checkPage(v, '/admin', 'all-admin');
  await v.page.getByRole('button', { name: 'Search' }).click();
  await v.page.locator('table.audit tbody tr').first().waitFor();
  report.add('all-admin-audit', undefined, await v.capture('all-admin-audit'));
});
