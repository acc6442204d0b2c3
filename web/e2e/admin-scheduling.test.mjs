// The administrators' scheduling screens, end to end in a real browser against a real server: a
// diagnostic centre open round the clock (set up through the API, so a booking can fall within
// the check-in window of 2 hours before its hour), a patient's booking there (through the API),
// and the admin checking it in on the test desk by its token typed in lower case without the
// dash, seeing the patient and the test; an unknown token and a malformed one each get a plain
// error beside the field. Then the admin edits the centre's phone and the test's price on the
// scheduling page, with a wrong time zone and a price with too many decimals shown beside their
// fields, and finds both edits kept after reloading. Pages checked at 360 and 1280 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Journey, launchBrowser, PASSWORD, SmtpSink, VitalisServer } from './harness.mjs';

const ADMIN = { email: 'admin.desk@example.org' };
const PATIENT = { email: 'pat.desk@example.org', name: 'Pat Desk' };
const CENTRE = 'Round the Clock Diagnostics';
const TEST = { code: 'desk-panel', name: 'Desk blood panel' };
const TOKEN = /^[ACDEFHJKMNPRTUVWXY34679]{4}-[ACDEFHJKMNPRTUVWXY34679]{4}$/;

const journey = new Journey('admin-scheduling');
let smtp, server, adminToken, centreId, testId, booking;

/** An instant as the API's query parameters take it (RFC 3339 UTC, whole seconds). */
const iso = (ms) => new Date(ms).toISOString().slice(0, 19) + 'Z';

/** The API answer's body after checking its status. */
async function expectStatus(expected, method, path, options) {
  const answer = await server.request(method, path, options);
  assert.equal(answer.status, expected, `${method} ${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  journey.server = server;
  journey.browser = await launchBrowser();
  await server.createAdmin(ADMIN.email);
  adminToken = (await server.signedIn(ADMIN.email)).access_token;
  const token = adminToken;

  // A centre taking bookings every hour of every day, offering one test.
  const centre = await expectStatus(201, 'POST', '/api/v1/care/clinics', {
    token,
    body: {
      kind: 'diagnostic_centre',
      name: CENTRE,
      address: '1 Night Street',
      city: 'London',
      postcode: 'E1 6AN',
      latitude: 51.52,
      longitude: -0.07,
      phone: '020 7946 0000',
      opening_hours: 'Always open',
      time_zone: 'Europe/London',
      services: ['Blood tests'],
    },
  });
  centreId = centre.id;
  const created = await expectStatus(201, 'POST', '/api/v1/care/tests', {
    token,
    body: { ...TEST, category: 'blood', duration_minutes: 15, price_minor: 2500, currency: 'GBP', preparation: '' },
  });
  testId = created.id;
  await expectStatus(204, 'PUT', `/api/v1/care/centres/${centreId}/tests`, {
    token,
    body: { offers: [{ test_id: testId, per_hour: 4 }] },
  });
  await expectStatus(204, 'PUT', `/api/v1/care/centres/${centreId}/hours`, {
    token,
    body: { sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) },
  });

  // The patient books the next hour that starts within 2 hours (the check-in window).
  await expectStatus(202, 'POST', '/api/v1/auth/signup/patient', {
    body: {
      email: PATIENT.email,
      password: PASSWORD,
      full_name: PATIENT.name,
      date_of_birth: '1984-05-06',
      sex: 'male',
    },
  });
  const code = await smtp.codeFor(PATIENT.email, 'Confirm your email');
  await expectStatus(200, 'POST', '/api/v1/auth/verify-email', { body: { email: PATIENT.email, code } });
  const patientToken = (await server.signedIn(PATIENT.email)).access_token;
  const now = Date.now();
  const hours = await expectStatus(
    200,
    'GET',
    `/api/v1/care/centres/${centreId}/tests/${testId}/hours?from=${iso(now)}&to=${iso(now + 3 * 3600_000)}`,
    { token: patientToken },
  );
  const soon = hours.items.find((h) => Date.parse(h.starts_at) > now + 60_000 && h.left > 0);
  assert.ok(soon, `no hour to book within the window: ${JSON.stringify(hours.items)}`);
  assert.ok(Date.parse(soon.starts_at) - now < 2 * 3600_000, 'the hour booked starts within 2 hours');
  booking = await expectStatus(201, 'POST', '/api/v1/care/test-bookings', {
    token: patientToken,
    body: { centre_id: centreId, test_id: testId, starts_at: soon.starts_at },
  });
  assert.match(booking.token, TOKEN);
});

after(async () => {
  await journey.close();
  await journey.browser?.close();
  try {
    await server?.stop(); // fails the file on a bad exit or a sanitizer report
  } finally {
    smtp?.stop();
  }
});

test('the admin checks a booking in on the test desk by its token, typed any way; wrong tokens are refused plainly', async () => {
  const admin = await journey.visitor('admin');
  await admin.signIn(ADMIN.email);
  await journey.page(admin, '/admin/test-desk', 'test-desk');
  const form = admin.page.getByRole('form', { name: 'Check in by token' });
  const field = form.getByLabel('Booking token');

  // A well-formed token nobody holds, and text that is no token at all: said beside the field.
  admin.expect('/api/v1/care/test-bookings/check-in', 404);
  const unknown = booking.token.startsWith('ACDE') ? 'FHJK-MNPR' : 'ACDE-FHJK';
  await field.fill(unknown);
  await form.getByRole('button', { name: 'Check in' }).click();
  await form.locator('.field-error').filter({ hasText: 'no booking has this token' }).waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  admin.expect('/api/v1/care/test-bookings/check-in', 422);
  await field.fill('K7RX-M4P');
  await form.getByRole('button', { name: 'Check in' }).click();
  await form.locator('.field-error').filter({ hasText: 'a booking token is 8 letters and digits' }).waitFor();
  await journey.check(admin, 'test-desk-wrong-token');

  // The real one, in lower case without the dash: the server reads it as the token.
  await field.fill(booking.token.replace('-', '').toLowerCase());
  await form.getByRole('button', { name: 'Check in' }).click();
  const done = form.getByRole('status').filter({ hasText: `Checked in: ${PATIENT.name}, ${TEST.name}` });
  await done.waitFor();
  assert.equal(await field.inputValue(), '', 'the token field is cleared for the next patient');
  assert.equal(await field.getAttribute('aria-invalid'), null, 'the earlier error is gone');
  await admin.page.getByRole('region', { name: `Results for ${PATIENT.name}` }).waitFor();
  await journey.check(admin, 'test-desk-checked-in');

  // The booking is checked in, as the server keeps it.
  const from = Date.parse(booking.starts_at);
  const centreBookings = await expectStatus(
    200,
    'GET',
    `/api/v1/care/centres/${centreId}/test-bookings?from=${iso(from)}&to=${iso(from + 3600_000)}`,
    { token: adminToken },
  );
  assert.equal(centreBookings.items.find((b) => b.id === booking.id)?.status, 'checked_in');
  assert.deepEqual(admin.problems, [], 'the page logged problems');
});

test('the admin edits a centre’s phone and a test’s price; both are kept after a reload', async () => {
  const admin = await journey.visitor('admin-edits');
  await admin.signIn(ADMIN.email);
  await journey.page(admin, '/admin/scheduling', 'admin-scheduling');
  const p = admin.page;

  // The centre: a wrong time zone is refused beside its field in plain words; then a new phone.
  const clinics = p.getByRole('list', { name: 'Clinics' });
  await clinics.getByRole('button', { name: `Edit ${CENTRE}` }).click();
  const details = p.getByRole('form', { name: `Details of ${CENTRE}` });
  assert.equal(await details.getByLabel('Phone').inputValue(), '020 7946 0000');
  admin.expect(`/api/v1/care/clinics/${centreId}`, 422);
  await details.getByLabel('Time zone (e.g. Europe/London)').fill('Mars/Olympus');
  await details.getByRole('button', { name: 'Save the details' }).click();
  await details.locator('.field-error').filter({ hasText: 'Enter a time zone from the tz database' }).waitFor();
  assert.equal(await details.getByLabel('Time zone (e.g. Europe/London)').getAttribute('aria-invalid'), 'true');
  await details.getByLabel('Time zone (e.g. Europe/London)').fill('Europe/London');
  await details.getByLabel('Phone').fill('020 7946 0999');
  await details.getByRole('button', { name: 'Save the details' }).click();
  await details
    .getByRole('status')
    .filter({ hasText: `Saved the details of ${CENTRE}.` })
    .waitFor();
  await journey.check(admin, 'admin-scheduling-clinic-edited');

  // The test: a price with three decimals is refused beside the field; 0.29 is kept as 29 pence.
  const tests = p.getByRole('list', { name: 'Tests' });
  await tests.getByRole('button', { name: `Edit ${TEST.name}` }).click();
  const testForm = p.getByRole('form', { name: `Details of ${TEST.name}` });
  const priceField = testForm.getByLabel('Price (£)');
  assert.equal(await priceField.inputValue(), '25.00');
  await priceField.fill('0.295');
  await testForm.getByRole('button', { name: 'Save the test' }).click();
  await testForm.locator('.field-error').filter({ hasText: 'Price: enter at most 2 decimal places' }).waitFor();
  await priceField.fill('0.29');
  await testForm.getByRole('button', { name: 'Save the test' }).click();
  await testForm
    .getByRole('status')
    .filter({ hasText: `Saved: ${TEST.name} costs £0.29` })
    .waitFor();
  await journey.check(admin, 'admin-scheduling-test-edited');

  // Kept: the server holds 29 pence exactly and the phone; the page read again shows both.
  const catalogue = await expectStatus(200, 'GET', '/api/v1/care/tests', { token: adminToken });
  assert.equal(catalogue.items.find((t) => t.id === testId)?.price_minor, 29);
  await journey.page(admin, '/admin/scheduling', 'admin-scheduling-reloaded');
  await clinics.getByRole('listitem').filter({ hasText: CENTRE }).getByText('020 7946 0999').waitFor();
  await tests.getByRole('listitem').filter({ hasText: TEST.name }).getByText('£0.29').waitFor();
  await clinics.getByRole('button', { name: `Edit ${CENTRE}` }).click();
  assert.equal(await details.getByLabel('Phone').inputValue(), '020 7946 0999');
  await tests.getByRole('button', { name: `Edit ${TEST.name}` }).click();
  assert.equal(await priceField.inputValue(), '0.29');
  assert.deepEqual(admin.problems, [], 'the page logged problems');
});
