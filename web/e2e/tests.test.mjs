// Diagnostic tests, end to end in a real browser against a real server on the demo clinic: the
// demo patient sees the test they already hold (with its token), books a lipid profile at a
// London centre on a weekday through the screens (test, centre, day, an hour with places left),
// gets the token on screen and by email (the real SMTP sink; the email names no test), and
// cancels it with a reason. Checked at 360 and 1280 px for overflow, accessibility and console
// errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

const DEMO_PASSWORD = 'vitalis-demo-2026';
const PATIENT = 'patient@demo.vitalis.test';
const TOKEN = /[ACDEFHJKMNPRTUVWXY34679]{4}-[ACDEFHJKMNPRTUVWXY34679]{4}/;
const report = new Report('tests');
let smtp, server, browser, v;

/** A weekday 8 to 14 days ahead (London's calendar is the centre's), as YYYY-MM-DD. */
function weekdayAhead() {
  const day = new Date(Date.now() + 8 * 86400_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = new VitalisServer(smtp);
  server.loadDemo(['--patients=2', '--observations=200']);
  await server.start();
  browser = await launchBrowser();
  v = await new Visitor(browser, server, 'patient').open();
  await v.signIn(PATIENT, DEMO_PASSWORD);
});

after(async () => {
  report.write();
  await v?.close();
  await browser?.close();
  try {
    await server?.stop();
  } finally {
    smtp?.stop();
  }
});

test('the patient books a test, gets the token on screen and by email, and cancels it', async () => {
  const ms = await v.visit('/tests');
  await v.settled();
  const mine = v.page.getByRole('region', { name: 'My test bookings' });
  // The demo's booking: an HbA1c test with its token.
  await mine.getByText(/HbA1c/).first().waitFor();
  assert.match(await mine.locator('.token-value').first().textContent(), TOKEN);
  const overflowing = await v.capture('tests-page');
  report.add('tests-page', ms, overflowing);
  assert.deepEqual(overflowing, [], 'the tests page overflows');

  const form = v.page.getByRole('form', { name: 'Book a test' });
  const lipids = await form.getByLabel('Test').locator('option', { hasText: 'Lipid profile' }).getAttribute('value');
  await form.getByLabel('Test').selectOption(lipids);
  await form.getByText(/Do not eat for 10 to 12 hours/).waitFor();
  await form.getByLabel('Centre').selectOption({ label: 'Thames Diagnostics, London' });
  await form.getByLabel('Day').fill(weekdayAhead());
  const first = form.getByRole('radio').first();
  await first.waitFor();
  assert.match((await form.locator('.hour-list label').first().textContent()) ?? '', /\d{2}:\d{2} — 6 places left/);
  await first.check();
  await form.getByRole('button', { name: 'Book', exact: true }).click();
  const confirmation = v.page.getByRole('status').filter({ hasText: 'Booked. Your token is' });
  await confirmation.waitFor();
  const token = (await confirmation.locator('.token-value').textContent()).trim();
  assert.match(token, TOKEN);
  // The new booking is listed; the hour has one place fewer.
  const item = mine.getByRole('listitem').filter({ hasText: token });
  await item.getByText(/Lipid profile/).waitFor();
  await form.locator('.hour-list label').first().filter({ hasText: '5 places left' }).waitFor();
  assert.deepEqual(await v.capture('tests-booked'), [], 'the booked page overflows');

  // The email: the token, the centre, no test name.
  const deadline = Date.now() + 15000;
  let mail;
  while (!mail && Date.now() < deadline) {
    mail = smtp.messages.find((m) => m.to.includes(PATIENT) && m.data.includes(token));
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(mail, 'no booking email with the token');
  assert.match(mail.data, /Subject: Your Vitalis booking is confirmed/);
  assert.match(mail.data, /Thames Diagnostics/);
  assert.doesNotMatch(mail.data, /Lipid|cholesterol/i);

  // Cancel it, with a reason; it stays in the list as cancelled, without its token.
  await item.getByRole('button', { name: 'Cancel this booking' }).click();
  await item.getByLabel('Why are you cancelling?').fill('I will be away that week');
  await item.getByRole('button', { name: 'Cancel the booking' }).click();
  await mine.getByRole('listitem').filter({ hasText: 'Lipid profile' }).filter({ hasText: 'Cancelled' }).waitFor();
  assert.deepEqual(v.problems, [], 'the page logged problems');
});
