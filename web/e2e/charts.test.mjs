// Charts and readings on three years of demo data, as a patient sees them: the time range control,
// blood pressure as one chart of both parts with the healthy range shaded, the numbers as a table,
// the readings list filtered by measurement and date; Chart.js fetched only by pages that draw a
// chart; and the build's precompressed files served by Accept-Encoding.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, Report, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

const report = new Report();
let smtp, server, browser, patient;

before(async () => {
  smtp = await new SmtpSink().start();
  server = new VitalisServer(smtp);
  server.loadDemo(['--patients=3']);
  await server.start();
  browser = await launchBrowser();
  patient = await new Visitor(browser, server, 'patient').open();
  await patient.signIn('patient@demo.vitalis.test', 'vitalis-demo-2026');
  await patient.page.getByRole('heading', { name: /^Hello/ }).waitFor();
  // The dashboard's chart is drawn (so its requests are over before the tests count any).
  await patient.page.locator('figure.chart canvas').first().waitFor();
});

after(async () => {
  report.write('charts');
  await patient?.close();
  await browser?.close();
  try {
    await server?.stop(); // fails the file on a bad exit or a sanitizer report
  } finally {
    smtp?.stop();
  }
});

const chartRequests = (v) => v.scripts.filter((url) => /\/assets\/charts-[^/]*\.js$/.test(url));

test('Chart.js is fetched only by pages that draw a chart', async () => {
  const v = patient;
  v.scripts = [];
  v.page.on('request', (request) => {
    if (request.resourceType() === 'script') v.scripts.push(request.url());
  });
  await v.visit('/access');
  await v.settled();
  assert.deepEqual(chartRequests(v), [], 'the access page has no chart');
  await v.visit('/dashboard');
  await v.settled();
  await v.page.locator('figure.chart canvas').first().waitFor();
  assert.equal(chartRequests(v).length, 1);
});

test('blood pressure: both parts in one chart, a time range control and the numbers', async () => {
  const p = patient.page;
  await patient.visit('/dashboard');
  await patient.settled();
  const card = p.getByRole('region', { name: 'Trend' });
  await card.getByLabel('Show').selectOption('blood_pressure');
  const caption = card.locator('figure.chart figcaption');
  await caption.filter({ hasText: 'last 1 year' }).waitFor();
  assert.match(await caption.textContent(), /healthy range for adults \(systolic 90–129, diastolic 60–79 mmHg\)/);
  const oneYear = Number((await caption.textContent()).match(/(\d+) readings?/)[1]);

  const ranges = card.getByRole('group', { name: 'Time range' });
  await ranges.getByRole('button', { name: '3 months' }).click();
  await caption.filter({ hasText: 'last 3 months' }).waitFor();
  const threeMonths = Number((await caption.textContent()).match(/(\d+) readings?/)[1]);
  await ranges.getByRole('button', { name: '3 years' }).click();
  await caption.filter({ hasText: 'last 3 years' }).waitFor();
  const threeYears = Number((await caption.textContent()).match(/(\d+) readings?/)[1]);
  assert.ok(threeMonths < oneYear && oneYear < threeYears, `${threeMonths} < ${oneYear} < ${threeYears}`);
  assert.equal(await ranges.getByRole('button', { name: '3 years' }).getAttribute('aria-pressed'), 'true');

  // The canvas describes both lines; the numbers table has a column for each.
  const label = await card.locator('canvas').getAttribute('aria-label');
  assert.match(label, /latest systolic .* mmHg, latest diastolic .* mmHg/);
  await card.getByRole('button', { name: 'Show the numbers' }).click();
  const table = card.getByRole('region', { name: /the numbers/ });
  const headers = await table.locator('thead th').allTextContents();
  assert.deepEqual(headers, ['When', 'Systolic', 'Diastolic']);
  const firstRow = await table.locator('tbody tr').first().locator('td').allTextContents();
  for (const cell of firstRow) assert.match(cell, /^\d+(\.\d)? mmHg/);
  await patient.settled();
  report.add('dashboard-bp-numbers', undefined, await patient.capture('dashboard-bp-numbers'));
  assert.deepEqual(patient.problems, []);
});

test('the readings list filters by measurement and date', async () => {
  const p = patient.page;
  await patient.visit('/record');
  await patient.settled();
  const readings = p.getByRole('region', { name: 'Readings' });
  const filter = readings.getByRole('form', { name: 'Filter readings' });
  await filter.getByLabel('Measurement').selectOption('heart_rate');
  const year = new Date().getUTCFullYear() - 2;
  await filter.getByLabel('Taken on or before').fill(`${year}-01-15`);
  await filter.getByRole('button', { name: 'Show' }).click();
  await p.waitForFunction(() => {
    const names = [...document.querySelectorAll('li.obs .obs-name')].map((n) => n.textContent);
    return names.length > 0 && names.every((n) => n === 'Heart rate');
  });
  const years = (await readings.locator('li.obs .obs-meta').allTextContents()).map((t) =>
    Number(t.match(/\b(20\d\d)\b/)[1]),
  );
  assert.ok(
    years.every((y) => y <= year),
    `taken on or before ${year}-01-15: ${years.join(', ')}`,
  );
  const values = await readings.locator('li.obs .obs-value').allTextContents();
  assert.ok(
    values.every((v) => /bpm/.test(v)),
    'heart rate in bpm',
  );
  report.add('record-filtered', undefined, await patient.capture('record-filtered'));
  await filter.getByRole('button', { name: 'Clear' }).click();
  await readings
    .getByRole('form', { name: 'Filter readings' })
    .getByRole('button', { name: 'Clear' })
    .waitFor({ state: 'detached' });
  assert.deepEqual(patient.problems, []);
});

test('static files come precompressed when the browser takes them', async () => {
  const index = await fetch(server.url + '/', { headers: { 'Accept-Encoding': 'br, gzip' } });
  assert.equal(index.headers.get('content-encoding'), 'br');
  assert.equal(index.headers.get('vary'), 'Accept-Encoding');
  assert.match(await index.text(), /<div id="root">/);
  const script = (await (await fetch(server.url + '/')).text()).match(/src="(\/assets\/[^"]+\.js)"/)[1];
  const gzip = await fetch(server.url + script, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(gzip.headers.get('content-encoding'), 'gzip');
  const plain = await fetch(server.url + script, { headers: { 'Accept-Encoding': 'identity' } });
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(await gzip.text(), await plain.text());
});
