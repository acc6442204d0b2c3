// Booking an appointment, end to end in real browsers against a real server on the demo clinic:
// the demo patient finds a cardiologist nearest to a point in London (the browser's geolocation),
// picks a time from a week of free slots and books it; the confirmation email arrives at the real
// SMTP sink with its calendar entry; a second patient who had chosen the same time a moment
// earlier is told it is taken and offered other times, books one of them, and the doctor sees
// that booking on her agenda. Pages checked at 360 and 1280 px for overflow, accessibility and console errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, PASSWORD, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

const DEMO_PASSWORD = 'vitalis-demo-2026';
const report = new Report('appointments');
let smtp, server, browser;
const visitors = [];

async function signIn(email, password, geolocation) {
  const v = await new Visitor(browser, server, email).open();
  visitors.push(v);
  if (geolocation) {
    await v.context.grantPermissions(['geolocation']);
    await v.context.setGeolocation(geolocation);
  }
  return v.signIn(email, password);
}

/** Opens the doctor's free times from the booking card (search already filled in). */
async function openFreeTimes(v) {
  const card = v.page.getByRole('region', { name: 'Book an appointment' });
  await card.getByRole('button', { name: 'Find doctors' }).click();
  const found = card.getByRole('list', { name: 'Doctors found' });
  await found.getByText('Dr. Amara Okafor').first().waitFor();
  await found
    .getByRole('button', { name: /See free times with Dr\. Amara Okafor/ })
    .first()
    .click();
  const picker = card.getByRole('form', { name: 'Time' });
  await picker.getByRole('radio').first().waitFor();
  return { card, picker };
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = new VitalisServer(smtp);
  server.loadDemo(['--patients=2', '--observations=200']);
  await server.start();
  browser = await launchBrowser();
  // A second patient, signed up through the API.
  const email = 'nina.second@example.org';
  const signup = await server.post('/api/v1/auth/signup/patient', {
    email,
    password: PASSWORD,
    full_name: 'Nina Second',
    date_of_birth: '1990-02-03',
    sex: 'female',
  });
  assert.equal(signup.status, 202, JSON.stringify(signup.body));
  const code = await smtp.codeFor(email, 'Confirm your email');
  const verified = await server.post('/api/v1/auth/verify-email', { email, code });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));
});

after(async () => {
  report.write();
  for (const v of visitors) await v.close();
  await browser?.close();
  try {
    await server?.stop();
  } finally {
    smtp?.stop();
  }
});

test('find a cardiologist nearby, book, get the email; the doctor sees it; a second patient gets alternatives', async () => {
  const maria = await signIn('patient@demo.vitalis.test', DEMO_PASSWORD, { latitude: 51.52, longitude: -0.1 });
  const nina = await signIn('nina.second@example.org', PASSWORD);

  // Nina looks first: she finds Dr Okafor by name and chooses her first free time.
  await nina.visit('/appointments');
  await nina.settled();
  await nina.page.getByLabel('Doctor or clinic name').fill('Okafor');
  const second = await openFreeTimes(nina);
  const taken = await second.picker.getByRole('radio').first().getAttribute('value');
  await second.picker.getByRole('radio').first().check();

  // Maria: cardiology, nearest to her, the same first free time.
  const ms = await maria.visit('/appointments');
  await maria.settled();
  await maria.page.getByLabel('Specialty').selectOption('Cardiology');
  await maria.page.getByRole('button', { name: 'Nearest to me' }).click();
  await maria.page.getByRole('button', { name: 'Nearest to you first' }).waitFor();
  const first = await openFreeTimes(maria);
  await first.card
    .getByText(/km away/)
    .first()
    .waitFor();
  await first.picker.locator(`input[value="${taken}"]`).check();
  await first.picker.getByRole('button', { name: 'Book', exact: true }).click();
  await first.card.getByRole('status').filter({ hasText: 'Booked with Dr. Amara Okafor' }).waitFor();
  const overflowing = await maria.capture('appointments-booked');
  report.add('appointments-booked', ms, overflowing);
  assert.deepEqual(overflowing, [], 'the appointments page overflows');
  // Listed as upcoming.
  await maria.page.getByRole('region', { name: 'My appointments' }).getByText('Dr. Amara Okafor').first().waitFor();

  // The confirmation email, with its calendar entry, names no reason.
  const deadline = Date.now() + 15000;
  let mail;
  while (!mail && Date.now() < deadline) {
    mail = smtp.messages.find(
      (m) => m.to.includes('patient@demo.vitalis.test') && /Subject: Your Vitalis appointment is booked/.test(m.data),
    );
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(mail, 'no confirmation email');
  assert.match(mail.data, /Content-Type: text\/calendar/);
  assert.match(mail.data, /filename="appointment\.ics"/);

  // Nina presses Book on the time Maria has just taken: told so, offered others, books one.
  nina.expect('/api/v1/care/appointments', 409);
  await second.picker.getByRole('button', { name: 'Book', exact: true }).click();
  const others = second.picker.getByRole('group', { name: 'Other free times' });
  await others.getByRole('button').first().waitFor();
  assert.match(await second.picker.locator('.form-error').textContent(), /already booked/);
  await others.getByRole('button').first().click();
  await second.picker.getByRole('button', { name: 'Book', exact: true }).click();
  await second.card.getByRole('status').filter({ hasText: 'Booked with Dr. Amara Okafor' }).waitFor();
  assert.deepEqual(await nina.capture('appointments-alternative'), [], 'the page overflows');

  // Dr Okafor's agenda shows Nina's new appointment (this week or a later one).
  const doctor = await signIn('doctor@demo.vitalis.test', DEMO_PASSWORD);
  await doctor.visit('/doctor/agenda');
  await doctor.settled();
  const agenda = doctor.page.getByRole('region', { name: 'Appointments' });
  for (let week = 0; week < 4; week += 1) {
    if (await agenda.getByText('Nina Second').count()) break;
    await doctor.page.getByRole('button', { name: 'Next week' }).click();
    await doctor.settled();
  }
  await agenda.getByText('Nina Second').first().waitFor();
  assert.deepEqual(await doctor.capture('agenda'), [], 'the agenda overflows');
  for (const v of [maria, nina, doctor]) assert.deepEqual(v.problems, [], `${v.name} logged problems`);
});

test('the doctor adds a weekly session and takes a day of leave, then removes it', async () => {
  const doctor = await signIn('doctor@demo.vitalis.test', DEMO_PASSWORD);
  const ms = await doctor.visit('/doctor/availability');
  await doctor.settled();
  const hours = doctor.page.getByRole('region', { name: 'Weekly hours' });
  const form = hours.getByRole('form').first();
  const sessions = form.locator('li.session');
  const before = await sessions.count();
  assert.ok(before > 0, 'the demo doctor has weekly hours');
  await form.getByRole('button', { name: 'Add a session' }).click();
  assert.equal(await sessions.count(), before + 1);
  const added = sessions.last();
  await added.getByLabel('Day', { exact: true }).selectOption('6');
  await added.getByLabel('From', { exact: true }).fill('10:00');
  await added.getByLabel('Until', { exact: true }).fill('12:00');
  await form.getByRole('button', { name: /^Save hours at/ }).click();
  await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  // Kept: the page read again shows the Saturday session.
  await doctor.visit('/doctor/availability');
  await doctor.settled();
  assert.equal(await sessions.count(), before + 1);
  assert.equal(await sessions.last().getByLabel('Day', { exact: true }).inputValue(), '6');

  // A day of leave in two months: listed, then removed.
  const day = new Date(Date.now() + 60 * 86400_000).toISOString().slice(0, 10);
  const leave = doctor.page.getByRole('form', { name: 'Add leave or an extra session' });
  await leave.getByLabel('First day').fill(day);
  await leave.getByLabel('Note (for you and the admins)').fill('Conference');
  await leave.getByRole('button', { name: 'Add', exact: true }).click();
  const listed = doctor.page.getByRole('list', { name: 'Leave, extra sessions and closures' });
  await listed.getByText(`Leave, ${day} (every clinic) · Conference`).waitFor();
  const overflowing = await doctor.capture('availability');
  report.add('availability', ms, overflowing);
  assert.deepEqual(overflowing, [], 'the availability page overflows');
  await listed.getByRole('button', { name: new RegExp(`^Remove: Leave, ${day}`) }).click();
  await doctor.page.getByText('No leave or extra sessions ahead.').waitFor();
  assert.deepEqual(doctor.problems, [], 'the doctor logged problems');
});
