// The pharmacy, end to end in real browsers against a real server: an administrator (through the
// API) adds two medicines containing paracetamol and receives stock for both; the patient types
// "paracetamol" in the search, opens and adds both to the cart, checks out for pickup with a
// double click (one order), and sees the order; the confirmation email arrives at the SMTP sink
// without naming the medicines; the administrator, in the browser, receives a lot (a batch the
// item has is refused beside its field), marks the pickup order ready then collected, and a
// delivery order (placed through the API, its Idempotency-Key sent twice) dispatched then
// delivered; records returns of the delivered order (2 sealed units back on the shelf, then one
// opened; a missing reason and more than is left refused beside their fields) and sees the stock
// and a `returned` ledger row; adds a medicine (a price with too many decimals refused beside the
// price), finds it, changes its price (only the price sent), retires it, finds it among the
// retired medicines and sells it again. The patient's history shows the units returned and, past
// 20 orders, pages to older ones.
// Afterwards, through the API, every lot's stock equals the sum of its ledger rows, the ordered
// units were dispensed first-expiry-first-out, and `vitalis pharmacy verify` on the server's
// database exits 0. Pages checked at 360 and 1280 px (overflow, axe, console errors).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { BIN, Journey, launchBrowser, PASSWORD, SmtpSink, VitalisServer } from './harness.mjs';

const ADMIN = 'pharmacist@example.org';
const PATIENT = 'pat.buyer@example.org';
const journey = new Journey('pharmacy');
let smtp, server, adminToken, patientToken, patientId;
const items = {}; // name -> item
const lots = {}; // batch -> lot

const day = (fromToday) => new Date(Date.now() + fromToday * 86400_000).toISOString().slice(0, 10);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function ok(answer, status, what) {
  const got = await answer;
  assert.equal(got.status, status, `${what}: ${JSON.stringify(got.body)}`);
  return got.body;
}

before(async () => {
  smtp = await new SmtpSink().start();
  server = new VitalisServer(smtp);
  await server.start();
  journey.server = server;
  journey.browser = await launchBrowser();
  await server.createAdmin(ADMIN, 'Phil Pharmacist');
  adminToken = (await server.signedIn(ADMIN)).access_token;
  await ok(
    server.post('/api/v1/auth/signup/patient', {
      email: PATIENT,
      password: PASSWORD,
      full_name: 'Pat Buyer',
      date_of_birth: '1985-06-07',
      sex: 'female',
    }),
    202,
    'sign-up',
  );
  const code = await smtp.codeFor(PATIENT, 'Confirm your email');
  const verified = await ok(server.post('/api/v1/auth/verify-email', { email: PATIENT, code }), 200, 'verify');
  patientToken = verified.access_token;
  patientId = verified.account.id;

  for (const [name, price] of [
    ['Paracip 500', 250],
    ['Calpol 500', 199],
  ]) {
    items[name] = await ok(
      server.post(
        '/api/v1/pharmacy/items',
        {
          name,
          composition: 'Paracetamol (500mg)',
          manufacturer: 'Example Pharma Ltd',
          uses: ['Headache', 'Fever'],
          side_effects: ['Nausea'],
          price_minor: price,
          prescription_only: false,
        },
        adminToken,
      ),
      201,
      `create ${name}`,
    );
  }
  // Paracip has two lots: the one expiring first is sold first.
  for (const [name, batch, expires, quantity] of [
    ['Paracip 500', 'PA-SOON', day(200), 20],
    ['Paracip 500', 'PA-LATE', day(400), 20],
    ['Calpol 500', 'CA-1', day(300), 20],
  ]) {
    lots[batch] = await ok(
      server.post(
        `/api/v1/pharmacy/items/${items[name].id}/lots`,
        { batch, expires_on: expires, quantity, supplier: 'Wholesale Ltd', cost_minor: 1000 },
        adminToken,
      ),
      201,
      `receive ${batch}`,
    );
  }
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

let pickupOrderId, deliveryOrderId;

test('the patient searches "paracetamol", adds two items, checks out with a double click and sees one order', async () => {
  const v = await journey.visitor('patient');
  await journey.signIn(v, PATIENT);
  await v.visit('/pharmacy');
  // Typed as a person types: the search asks as the typing pauses, the last word a prefix.
  await v.page.getByLabel('Search medicines').pressSequentially('paracetamol', { delay: 20 });
  const results = v.page.getByRole('region', { name: 'Medicines' });
  await results.getByRole('link', { name: 'Paracip 500' }).waitFor();
  await results.getByRole('link', { name: 'Calpol 500' }).waitFor();
  await results.getByText('£2.50').waitFor();
  await v.settled();
  await journey.check(v, 'pharmacy-search');

  for (const [name, quantity] of [
    ['Paracip 500', '2'],
    ['Calpol 500', '1'],
  ]) {
    await v.page.getByRole('region', { name: 'Medicines' }).getByRole('link', { name }).click();
    await v.page.getByRole('heading', { level: 1, name }).waitFor();
    await v.settled();
    await v.page.getByText('In stock').first().waitFor();
    await v.page.getByText('Paracetamol (500mg)').waitFor();
    if (name === 'Paracip 500') {
      await journey.check(v, 'pharmacy-item');
      // Above the order limit (10): the server's 422 shows beside the quantity.
      v.expect('/api/v1/pharmacy/cart/items/', 422);
      await v.page.getByLabel('Quantity').fill('11');
      await v.page.getByRole('button', { name: 'Add to cart' }).click();
      await v.page.getByLabel('Quantity').and(v.page.locator('[aria-invalid="true"]')).waitFor();
      const refusal = await v.page.locator('.field-error').first().textContent();
      assert.ok(refusal.length > 0, 'the refusal is shown beside the quantity');
      await journey.check(v, 'pharmacy-item-over-limit');
    }
    await v.page.getByLabel('Quantity').fill(quantity);
    await v.page.getByRole('button', { name: 'Add to cart' }).click();
    await v.page
      .getByRole('status')
      .filter({ hasText: `Your cart holds ${quantity} of this medicine` })
      .waitFor();
    await v.page.getByRole('link', { name: 'Back to the search' }).click();
    await v.page.getByRole('heading', { level: 1, name: 'Pharmacy' }).waitFor();
    await v.page.getByLabel('Search medicines').fill('paracetamol');
    await v.page.getByRole('region', { name: 'Medicines' }).getByRole('link', { name: 'Calpol 500' }).waitFor();
  }

  const ms = await v.visit('/pharmacy/cart');
  const cart = v.page.getByRole('region', { name: 'In your cart' });
  await cart.getByText('Total: £6.99').waitFor(); // 2 × 250 + 199 pence
  await journey.check(v, 'pharmacy-cart', ms);
  // A double click sends one checkout attempt with one Idempotency-Key: one order.
  await cart.getByRole('button', { name: 'Place the order' }).dblclick();
  const placed = v.page.getByRole('status').filter({ hasText: /Order \d+ placed: £6\.99, pay when you collect it/ });
  await placed.waitFor();
  pickupOrderId = Number((await placed.textContent()).match(/Order (\d+)/)[1]);
  await journey.check(v, 'pharmacy-placed');
  const mine = await ok(server.request('GET', `/api/v1/patients/${patientId}/orders`, { token: patientToken }), 200);
  assert.equal(mine.items.length, 1, 'one order however often the button was pressed');
  assert.equal(mine.items[0].id, pickupOrderId);
  assert.equal(mine.items[0].total_minor, 699);

  const listed = await v.visit('/pharmacy/orders');
  const order = v.page.getByRole('listitem').filter({ hasText: `Order ${pickupOrderId}` });
  await order.getByText('Placed: being prepared').waitFor();
  await order.getByText('2 × Paracip 500 at £2.50').waitFor();
  await order.getByRole('button', { name: 'Cancel this order' }).waitFor();
  await journey.check(v, 'pharmacy-orders', listed);
  assert.deepEqual(v.problems, []);

  // The confirmation email: the order's number and total, never the medicines.
  const deadline = Date.now() + 15000;
  let mail;
  while (!mail && Date.now() < deadline) {
    mail = smtp.messages.find((m) => m.to.includes(PATIENT) && /Subject: Your Vitalis order is placed/.test(m.data));
    if (!mail) await sleep(100);
  }
  assert.ok(mail, 'no order email: ' + smtp.messages.map((m) => m.data.match(/Subject: .*/)?.[0]).join(' | '));
  assert.match(mail.data, new RegExp(`\\b${pickupOrderId}\\b`));
  assert.match(mail.data, /6\.99/);
  for (const word of ['Paracip', 'Calpol', 'aracetamol']) assert.doesNotMatch(mail.data, new RegExp(word, 'i'));
});

test('a delivery order through the API: the same Idempotency-Key twice places one order', async () => {
  const body = {
    fulfilment: 'delivery',
    payment: 'cash_on_delivery',
    address: '1 High Street, Oxford',
    items: [{ item_id: items['Calpol 500'].id, quantity: 3 }],
  };
  const send = () =>
    fetch(`${server.url}/api/v1/pharmacy/orders`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${patientToken}`,
        'Idempotency-Key': 'e2e-delivery-1',
      },
      body: JSON.stringify(body),
    });
  const first = await send();
  assert.equal(first.status, 201);
  const second = await send();
  assert.equal(second.status, 201);
  assert.equal(second.headers.get('Idempotent-Replayed'), 'true');
  const [a, b] = [await first.json(), await second.json()];
  assert.equal(a.id, b.id);
  deliveryOrderId = a.id;
  const mine = await ok(server.request('GET', `/api/v1/patients/${patientId}/orders`, { token: patientToken }), 200);
  assert.equal(mine.items.length, 2);
});

test('the administrator receives a lot and moves both orders on in the browser', async () => {
  const v = await journey.visitor('admin');
  await journey.signIn(v, ADMIN);
  const ms = await v.visit('/admin/pharmacy');
  await journey.check(v, 'admin-pharmacy', ms);

  // Stock: find Paracip, see its lots; a batch it already has is refused beside the batch field.
  const stock = v.page.getByRole('region', { name: 'Medicines and stock' });
  await stock.getByLabel('Find an item').fill('paracip');
  await stock.getByRole('button', { name: 'Find' }).click();
  await stock.getByRole('button', { name: 'Stock of Paracip 500' }).click();
  await stock.getByRole('rowheader', { name: 'PA-SOON' }).waitFor();
  const receive = stock.getByRole('form', { name: 'Receive stock of Paracip 500' });
  v.expect('/lots', 409);
  await receive.getByLabel('Batch number').fill('PA-SOON');
  await receive.getByLabel('Expiry date').fill(day(500));
  await receive.getByLabel('Quantity').fill('5');
  await receive.getByLabel('Supplier').fill('Wholesale Ltd');
  await receive.getByLabel('Cost of the lot (GBP)').fill('12.50');
  await receive.getByRole('button', { name: 'Receive the lot' }).click();
  await receive.getByLabel('Batch number').and(v.page.locator('[aria-invalid="true"]')).waitFor();
  await receive.locator('.field-error').first().waitFor();
  await journey.check(v, 'admin-pharmacy-batch-refused');
  await receive.getByLabel('Batch number').fill('PA-NEW');
  await receive.getByRole('button', { name: 'Receive the lot' }).click();
  await receive.getByRole('status').filter({ hasText: 'Received 5 of batch PA-NEW.' }).waitFor();
  await stock.getByRole('rowheader', { name: 'PA-NEW' }).waitFor();
  await journey.check(v, 'admin-pharmacy-stock');

  // The queue: the pickup order ready, then collected; the delivery dispatched, then delivered.
  const queue = v.page.getByRole('region', { name: 'Orders' });
  const show = queue.getByLabel('Show orders that are');
  await queue.getByRole('button', { name: `Mark ready to collect: order ${pickupOrderId}` }).click();
  await queue.getByRole('button', { name: `Mark dispatched: order ${deliveryOrderId}` }).click();
  await queue.getByText('No orders in this state.').waitFor();
  await show.selectOption({ label: 'Ready to collect' });
  await queue.getByRole('button', { name: `Mark collected: order ${pickupOrderId}` }).click();
  await queue.getByText('No orders in this state.').waitFor();
  await show.selectOption({ label: 'On its way' });
  await queue.getByRole('button', { name: `Mark delivered: order ${deliveryOrderId}` }).click();
  await queue.getByText('No orders in this state.').waitFor();
  await show.selectOption({ label: 'Delivered' });
  await queue.getByText(`Order ${pickupOrderId}`, { exact: true }).waitFor();
  await queue.getByText(`Order ${deliveryOrderId}`, { exact: true }).waitFor();
  await journey.check(v, 'admin-pharmacy-delivered');
  assert.deepEqual(v.problems, []);
});

let admin; // the administrator's browser tab, shared by the tests below

test('the administrator records returns of the delivered order: the stock and the ledger show them', async () => {
  admin = await journey.visitor('admin-returns');
  const v = admin;
  await journey.signIn(v, ADMIN);
  await v.visit('/admin/pharmacy');
  const queue = v.page.getByRole('region', { name: 'Orders' });
  await queue.getByLabel('Show orders that are').selectOption({ label: 'Delivered' });
  const order = queue.locator('li.order').filter({ hasText: new RegExp(`Order ${deliveryOrderId} —`) });
  const opener = order.getByRole('button', { name: `Record a return of Calpol 500 (order ${deliveryOrderId})` });
  await opener.click();
  const form = order.getByRole('form', { name: `Return of Calpol 500 (order ${deliveryOrderId})` });
  const invalid = v.page.locator('[aria-invalid="true"]');
  const record = async (quantity, reason) => {
    await form.getByLabel('Units brought back').fill(quantity);
    await form.getByLabel('Reason').fill(reason);
    await form.getByRole('button', { name: 'Record the return' }).click();
  };
  const recorded = async (message, returned) => {
    await order.getByRole('status').filter({ hasText: message }).waitFor();
    await order.getByText(`3 × Calpol 500 at £1.99, returned ${returned}`).waitFor();
  };

  // A reason is required: said beside it before anything is sent.
  await record('1', '');
  await form.getByLabel('Reason').and(invalid).waitFor();
  await form.getByText('Say why the medicine came back').waitFor();

  // Two sealed units back on the shelf.
  await form.getByLabel('Sealed and fit to sell again (put back on the shelf)').check();
  await record('2', 'Delivered twice, still sealed');
  await recorded('2 returned, 2 put back on the shelf. Refund due: £3.98', 2);

  // More than is left: the server's refusal beside the quantity, saying how many can come back.
  v.expect('/returns', 409);
  await opener.click();
  await record('2', 'Opened');
  await form.getByLabel('Units brought back').and(invalid).waitFor();
  await form.getByText(/only 1 of the 3 ordered can still be returned/).waitFor();
  await journey.check(v, 'admin-pharmacy-return-refused');

  // The last unit, opened: counted, not put back; nothing is left to return.
  await record('1', 'Opened');
  await recorded('1 returned, none put back on the shelf. Refund due: £1.99', 3);
  await opener.waitFor({ state: 'detached' });
  await journey.check(v, 'admin-pharmacy-returned');

  // The stock: CA-1 had 20, sold 1 + 3, and 2 came back on the shelf.
  const stock = v.page.getByRole('region', { name: 'Medicines and stock' });
  await stock.getByLabel('Find an item').fill('calpol');
  await stock.getByRole('button', { name: 'Find' }).click();
  await stock.locator('.result-title').filter({ hasText: 'Calpol 500 — £1.99, 18 to sell' }).waitFor();
  await stock.getByRole('button', { name: 'Stock of Calpol 500' }).click();
  const lotRow = stock.getByRole('region', { name: 'Lots of Calpol 500' }).getByRole('row', { name: /CA-1/ });
  await lotRow.getByRole('cell', { name: '18', exact: true }).waitFor();
  const movements = stock.getByRole('region', { name: 'Movements of Calpol 500' });
  const returnedRow = movements.getByRole('row').filter({ hasText: 'returned' });
  await returnedRow.filter({ hasText: `Order ${deliveryOrderId}: Delivered twice, still sealed` }).waitFor();
  assert.equal(await returnedRow.count(), 1, 'one returned row: the opened unit stays off the shelf');
  assert.match(await returnedRow.textContent(), /CA-1\+2/);
  await v.settled();
  await journey.check(v, 'admin-pharmacy-ledger-returned');

  const calpol = await ok(
    server.request('GET', `/api/v1/pharmacy/items/${items['Calpol 500'].id}`, { token: adminToken }),
    200,
    'item',
  );
  assert.equal(calpol.available, 18);
  const ledger = await ok(
    server.request('GET', `/api/v1/pharmacy/items/${items['Calpol 500'].id}/ledger`, { token: adminToken }),
    200,
    'ledger',
  );
  const returned = ledger.items.filter((row) => row.kind === 'returned');
  assert.deepEqual(
    returned.map((row) => [row.batch, row.on_hand_change, row.reserved_change, row.order_id]),
    [['CA-1', 2, 0, deliveryOrderId]],
  );
  assert.deepEqual(v.problems, []);
});

let newItemId;

test('the administrator adds a medicine, finds it, changes its price, retires it and sells it again', async () => {
  const v = admin;
  const card = v.page.getByRole('region', { name: 'Add a medicine' });
  await card.getByLabel('Name', { exact: true }).fill('Ibuprofen Example 200');
  await card.getByLabel('What it contains').fill('Ibuprofen (200mg)');
  await card.getByLabel('Manufacturer').fill('Example Pharma Ltd');
  await card.getByLabel('Uses, one per line').fill('Pain\nFever\n');
  await card.getByLabel('Side effects, one per line').fill('Stomach upset');
  // Read from its digits: a third decimal is refused beside the price, before anything is sent.
  await card.getByLabel('Price (£)').fill('3.499');
  await card.getByRole('button', { name: 'Add the medicine' }).click();
  await card.getByLabel('Price (£)').and(v.page.locator('[aria-invalid="true"]')).waitFor();
  await card.getByText('Price: enter at most 2 decimal places, such as 25.50.').waitFor();
  await card.getByLabel('Price (£)').fill('3.49');
  const created = v.page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/pharmacy/items') && r.request().method() === 'POST',
  );
  await card.getByRole('button', { name: 'Add the medicine' }).click();
  // The prescription rule decided from the ingredients: ibuprofen is sold without one.
  await card
    .getByRole('status')
    .filter({ hasText: 'Ibuprofen Example 200 added at £3.49, sold without a prescription.' })
    .waitFor();
  const item = await (await created).json();
  newItemId = item.id;
  assert.deepEqual([item.price_minor, item.uses, item.prescription_only], [349, ['Pain', 'Fever'], false]);
  await journey.check(v, 'admin-pharmacy-new-item');

  const stock = v.page.getByRole('region', { name: 'Medicines and stock' });
  await stock.getByLabel('Find an item').fill('ibuprofen example');
  await stock.getByRole('button', { name: 'Find' }).click();
  await stock.getByRole('button', { name: 'Edit Ibuprofen Example 200' }).click();
  const details = stock.getByRole('form', { name: 'Details of Ibuprofen Example 200' });
  await details.getByLabel('Price (£)').fill('2.99');
  const patch = v.page.waitForRequest((r) => r.method() === 'PATCH');
  await details.getByRole('button', { name: 'Save the details' }).click();
  assert.deepEqual((await patch).postDataJSON(), { price_minor: 299 }, 'only the changed field is sent');
  await details
    .getByRole('status')
    .filter({ hasText: 'Saved: Ibuprofen Example 200 costs £2.99, sold without a prescription.' })
    .waitFor();
  await stock.locator('.result-title').filter({ hasText: 'Ibuprofen Example 200 — £2.99' }).waitFor();
  await journey.check(v, 'admin-pharmacy-edit-item');

  await stock.getByRole('button', { name: 'Retire Ibuprofen Example 200' }).click();
  await stock.getByText('Retired: patients cannot find or order it.').waitFor();
  const path = `/api/v1/pharmacy/items/${newItemId}`;
  assert.equal((await ok(server.request('GET', path, { token: adminToken }), 200, 'item')).active, false);
  // Found again through the list of retired medicines (the search shows only those for sale).
  await stock.getByRole('button', { name: 'Show retired medicines' }).click();
  await stock.locator('.result-title').filter({ hasText: 'Ibuprofen Example 200' }).waitFor();
  await stock.getByRole('button', { name: 'Edit Ibuprofen Example 200' }).click();
  await stock.getByRole('button', { name: 'Sell Ibuprofen Example 200 again' }).click();
  await stock.getByRole('button', { name: 'Retire Ibuprofen Example 200' }).waitFor();
  const now = await ok(server.request('GET', path, { token: adminToken }), 200, 'item');
  assert.deepEqual([now.active, now.price_minor], [true, 299]);
  assert.deepEqual(v.problems, []);
});

test("the patient's history shows the units returned and pages to older orders", async () => {
  await ok(
    server.post(
      `/api/v1/pharmacy/items/${newItemId}/lots`,
      { batch: 'IB-1', expires_on: day(300), quantity: 50 },
      adminToken,
    ),
    201,
    'receive IB-1',
  );
  // 19 more orders make 21: one more than a page.
  for (let n = 0; n < 19; n++) {
    await ok(
      server.post(
        '/api/v1/pharmacy/orders',
        { fulfilment: 'pickup', items: [{ item_id: newItemId, quantity: 1 }] },
        patientToken,
      ),
      201,
      `order ${n}`,
    );
  }
  const v = await journey.visitor('patient-history');
  await journey.signIn(v, PATIENT);
  const ms = await v.visit('/pharmacy/orders');
  const orders = v.page.getByRole('region', { name: 'Orders' });
  await orders
    .locator('li.order')
    .filter({ hasText: `Order ${deliveryOrderId} —` })
    .getByText('3 × Calpol 500 at £1.99, returned 3')
    .waitFor();
  assert.equal(await orders.locator('li.order').count(), 20);
  const oldest = orders.locator('li.order').filter({ hasText: `Order ${pickupOrderId} —` });
  assert.equal(await oldest.count(), 0, 'the oldest order is on the next page');
  await journey.check(v, 'pharmacy-orders-returned', ms);
  await orders.getByRole('button', { name: 'Show older orders' }).click();
  await oldest.waitFor();
  assert.equal(await orders.locator('li.order').count(), 21);
  await orders.getByRole('button', { name: 'Show older orders' }).waitFor({ state: 'detached' });
  await journey.check(v, 'pharmacy-orders-older');
  assert.deepEqual(v.problems, []);
});

test('afterwards every lot equals its ledger, the units were dispensed first-expiry-first-out, and verify passes', async () => {
  const expected = {
    'PA-SOON': 18, // the 2 units of the pickup order, from the lot that expires first
    'PA-LATE': 20,
    'PA-NEW': 5,
    'CA-1': 18, // 1 in the pickup order, 3 delivered, 2 of them back on the shelf
  };
  const seen = new Set();
  for (const item of Object.values(items)) {
    const lotList = await ok(
      server.request('GET', `/api/v1/pharmacy/items/${item.id}/lots`, { token: adminToken }),
      200,
      'lots',
    );
    const ledger = await ok(
      server.request('GET', `/api/v1/pharmacy/items/${item.id}/ledger?limit=200`, { token: adminToken }),
      200,
      'ledger',
    );
    for (const lot of lotList.items) {
      seen.add(lot.batch);
      assert.equal(lot.on_hand, expected[lot.batch], `${lot.batch} on hand`);
      assert.equal(lot.reserved, 0, `${lot.batch} still holds units`);
      const rows = ledger.items.filter((row) => row.lot_id === lot.id);
      const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
      assert.equal(sum('on_hand_change'), lot.on_hand, `${lot.batch}: on hand is the sum of its ledger`);
      assert.equal(sum('reserved_change'), lot.reserved, `${lot.batch}: reserved is the sum of its ledger`);
    }
    const dispensed = ledger.items.filter((row) => row.kind === 'dispensed');
    const reserved = ledger.items.filter((row) => row.kind === 'reserved');
    const units = (list) => list.reduce((total, row) => total - row.on_hand_change, 0);
    const held = reserved.reduce((total, row) => total + row.reserved_change, 0);
    assert.equal(units(dispensed), held, `${item.name}: what was reserved was dispensed`);
    assert.equal(units(dispensed), item.name === 'Paracip 500' ? 2 : 4);
  }
  assert.deepEqual([...seen].sort(), Object.keys(expected).sort());

  // In the server's folder: the command writes var/secret.key where it runs.
  const verify = spawnSync(BIN, ['pharmacy', 'verify', `--database=${server.database}`, '--log-level=warn'], {
    cwd: server.dir,
    encoding: 'utf8',
    timeout: 60000,
  });
  assert.equal(verify.status, 0, `pharmacy verify: ${verify.stdout}\n${verify.stderr}`);
});
