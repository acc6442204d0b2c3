// Messages between a patient and her doctor, end to end in two real browsers against a real server
// (SQLite) and SMTP sink: each sees the other typing, the message and the read tick; the unread
// count of another tab of the same person goes when one tab reads; a message over 4,000 bytes is
// refused before it is sent; once the doctor has closed the page a message brings exactly one
// email (without its text, linking to the conversation), a second one no other, and the link
// opens the conversation after sign-in. In a browser whose WebSocket is blocked the page says so
// and messages still go both ways through the long poll. Away from the chat the navigation shows
// the recipient's unread count (the server's, without opening the chat's WebSocket), and the doctor
// finds a patient for a new conversation by typing part of the name. Pages checked with axe at 360
// and 1280 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Journey, launchBrowser, PASSWORD, SmtpSink, VitalisServer } from './harness.mjs';

const PATIENT = { email: 'ines.chat@example.org', name: 'Inês Carvalho' };
const DOCTOR = { email: 'tomas.chat@example.org', name: 'Dr Tomás Pinto' };
const ADMIN = { email: 'admin.chat@example.org' };
const MAIL_SUBJECT = 'You have a new message on Vitalis';
const BLOCKED_NOTICE = 'Live connection blocked by your network — messages may take a few seconds.';

let smtp, server, browser;
const journey = new Journey('report-chat');
let patient, doctor;
let conversationId, doctorId;

/** The chat emails the doctor has had (raw messages, the plain part quoted-printable decoded). */
function chatMails() {
  return smtp.messages
    .filter((m) => m.to.includes(DOCTOR.email) && m.data.includes(`Subject: ${MAIL_SUBJECT}`))
    .map((m) => {
      const bytes = m.data
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The page's WebSockets, under the test's hand (window.__chat): `cut()` closes them, and new ones
 * hang (as over a dead network) until `mend()` lets them fail and the next ones through; with
 * `dropAfterSend` the next message goes out and its socket closes at once, losing the answer.
 */
function socketControl() {
  const Real = window.WebSocket;
  const control = { sockets: [], blocked: false, hanging: [], dropAfterSend: false, sent: [] };
  control.cut = () => {
    control.blocked = true;
    for (const socket of control.sockets) socket.close();
  };
  control.mend = () => {
    control.blocked = false;
    for (const hung of control.hanging.splice(0)) hung.onclose?.({ code: 1006 });
  };
  window.__chat = control;
  window.WebSocket = function ControlledWebSocket(url, protocols) {
    if (control.blocked) {
      const hung = { send() {}, close() {} };
      control.hanging.push(hung);
      return hung;
    }
    const socket = new Real(url, protocols);
    control.sockets.push(socket);
    socket.send = (data) => {
      Real.prototype.send.call(socket, data);
      const message = JSON.parse(data);
      if (message.type === 'send') control.sent.push(message);
      if (control.dropAfterSend && message.type === 'send') {
        control.dropAfterSend = false;
        socket.close();
      }
    };
    return socket;
  };
}

/** One message as the thread shows it: `mine` (right) or theirs. */
const bubble = (v, text, mine) => v.page.locator(mine ? '.message.mine' : '.message.theirs').filter({ hasText: text });
const composer = (v) => v.page.locator('#chat-message');

async function waitForFocusOnComposer(v) {
  await v.page.waitForFunction(() => document.activeElement?.id === 'chat-message');
}

before(async () => {
  smtp = await new SmtpSink().start();
  // The offline email after 2 s instead of 5 minutes.
  server = await new VitalisServer(smtp, { args: ['--chat-email-after-seconds=2'] }).start();
  await server.createAdmin(ADMIN.email);
  browser = await launchBrowser();
  journey.server = server;
  journey.browser = browser;
  // Inês has the doctor on her care team (what lets them write to each other).
  ({ doctorId } = await server.patientWithDoctor(
    { email: PATIENT.email, full_name: PATIENT.name, date_of_birth: '1981-11-23', sex: 'female' },
    {
      email: DOCTOR.email,
      full_name: DOCTOR.name,
      licence_number: 'GMC-7001901',
      specialty: 'Family medicine',
      clinic: 'Braga Health Centre',
    },
    ADMIN.email,
  ));
});

after(async () => {
  await journey.close();
  await browser?.close();
  try {
    await server?.stop(); // fails the file on a bad exit or a sanitizer report
  } finally {
    smtp?.stop();
  }
});

test('patient and doctor chat live: each sees the other typing, the message and the read tick', async () => {
  doctor = await journey.visitor('chat-doctor');
  patient = await journey.visitor('chat-patient');
  await patient.context.addInitScript(socketControl);
  await journey.signIn(doctor, DOCTOR.email);
  await journey.signIn(patient, PATIENT.email);
  await journey.page(doctor, '/chat', 'chat-doctor-empty');
  await doctor.page.getByText('No conversations yet.').waitFor();
  await doctor.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();

  // Inês starts the conversation with her doctor, from the nav.
  await patient.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
  const start = patient.page.getByRole('region', { name: 'Start a conversation' });
  assert.match(await start.getByLabel('Doctor on your care team').inputValue(), /^\d+$/);
  await journey.check(patient, 'chat-patient-start');
  await start.getByRole('button', { name: 'Open the conversation' }).click();
  await patient.page.waitForURL(/\/chat\/\d+$/);
  conversationId = Number(new URL(patient.page.url()).pathname.split('/').pop());
  await patient.page.getByRole('heading', { name: DOCTOR.name }).waitFor();
  await waitForFocusOnComposer(patient);
  await patient.page.getByText('No messages yet.').waitFor();

  // The new conversation reaches the doctor's open page; he opens it.
  await doctor.page.getByRole('link', { name: new RegExp(PATIENT.name) }).click();
  await doctor.page.waitForURL(`**/chat/${conversationId}`);
  await waitForFocusOnComposer(doctor);
  await patient.page.locator('.thread-head .presence').filter({ hasText: 'Online' }).waitFor();

  // Inês types: the doctor sees it, then the message, and Inês sees it read.
  await composer(patient).pressSequentially('Hello doctor, my readings are high', { delay: 20 });
  await doctor.page.getByText(`${PATIENT.name} is typing…`).waitFor();
  await journey.check(doctor, 'chat-doctor-sees-typing');
  await composer(patient).press('Enter');
  await bubble(doctor, 'Hello doctor, my readings are high', false).waitFor();
  assert.equal(await composer(patient).inputValue(), '');
  await doctor.page.getByText(`${PATIENT.name} is typing…`).waitFor({ state: 'hidden' });
  await bubble(patient, 'Hello doctor, my readings are high', true).locator('.tick-read').waitFor();

  // The doctor answers on two lines (Shift+Enter); Inês sees him typing, the answer, and it read.
  await composer(doctor).pressSequentially('Thank you for writing.', { delay: 20 });
  await patient.page.getByText(`${DOCTOR.name} is typing…`).waitFor();
  await composer(doctor).press('Shift+Enter');
  await composer(doctor).pressSequentially('Please measure again tonight.');
  await composer(doctor).press('Enter');
  const answer = bubble(patient, 'Please measure again tonight.', false);
  await answer.waitFor();
  assert.equal(
    await answer.locator('.message-text').textContent(),
    'Thank you for writing.\nPlease measure again tonight.',
  );
  await bubble(doctor, 'Please measure again tonight.', true).locator('.tick-read').waitFor();
  await journey.check(patient, 'chat-patient-thread');
  await journey.check(doctor, 'chat-doctor-thread');

  // The keyboard: from the message box, Tab reaches Send.
  await composer(patient).focus();
  await patient.page.keyboard.press('Tab');
  assert.equal(await patient.page.evaluate(() => document.activeElement?.textContent), 'Send');

  // Over 4,000 bytes: refused before sending, in plain words.
  const mine = await patient.page.locator('.message.mine').count();
  await composer(patient).fill('a'.repeat(3999) + 'é');
  await composer(patient).press('Enter');
  await patient.page.getByText('This message is too long to send').waitFor();
  assert.equal(await patient.page.locator('.message.mine').count(), mine);
  await journey.check(patient, 'chat-patient-too-long');
  await composer(patient).fill('');
  assert.deepEqual(patient.problems, []);
  assert.deepEqual(doctor.problems, []);
});

test('the unread count is the server’s: reading in another tab clears it here', async () => {
  // Inês's first tab shows the list; the doctor writes.
  await journey.page(patient, '/chat', 'chat-patient-list');
  await composer(doctor).fill('Did you take the new tablets?');
  await composer(doctor).press('Enter');
  const entry = patient.page.getByRole('link', { name: new RegExp(DOCTOR.name) });
  await entry.locator('.unread-count').filter({ hasText: '1' }).waitFor();
  await journey.check(patient, 'chat-patient-unread');
  // She reads it in a second tab (another device would do the same).
  const tab = await patient.context.newPage();
  await tab.goto(`${server.url}/chat/${conversationId}`);
  await tab.locator('.message.theirs').filter({ hasText: 'Did you take the new tablets?' }).waitFor();
  await entry.locator('.unread-count').waitFor({ state: 'detached' });
  await bubble(doctor, 'Did you take the new tablets?', true).locator('.tick-read').waitFor();
  await tab.close();
  assert.deepEqual(patient.problems, []);
});

test('away from the chat the navigation shows the unread count, without the chat’s connection', async () => {
  const sockets = [];
  patient.page.on('websocket', (socket) => sockets.push(socket.url()));
  const nav = patient.page.getByRole('navigation', { name: 'Main' });
  await patient.visit('/dashboard');
  await nav.getByRole('link', { name: 'Messages', exact: true }).waitFor();

  // The doctor writes twice: after a page load Inês sees the count beside Messages, in words for
  // screen readers too, and on the menu button of a narrow screen.
  await composer(doctor).fill('Your results are back.');
  await composer(doctor).press('Enter');
  await composer(doctor).fill('Could you book a visit?');
  await composer(doctor).press('Enter');
  await bubble(doctor, 'Could you book a visit?', true).locator('.message-tick').waitFor();
  const ms = await patient.visit('/dashboard');
  const messages = nav.getByRole('link', { name: 'Messages, 2 unread', exact: true });
  await messages.waitFor();
  assert.equal(await messages.locator('.nav-count').textContent(), '2');
  await journey.check(patient, 'chat-patient-nav-unread', ms);
  await patient.page.setViewportSize({ width: 360, height: 780 });
  await patient.page.getByRole('button', { name: 'Menu, 2 unread messages' }).waitFor();
  await patient.page.setViewportSize({ width: 1280, height: 900 });

  // One more while she stays on the page: the count follows when the tab is looked at again.
  await composer(doctor).fill('Any time this week is fine.');
  await composer(doctor).press('Enter');
  await bubble(doctor, 'Any time this week is fine.', true).locator('.message-tick').waitFor();
  await patient.page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await nav.getByRole('link', { name: 'Messages, 3 unread', exact: true }).waitFor();
  assert.deepEqual(sockets, [], 'a page away from the chat opened the chat’s WebSocket');
  assert.ok(patient.responses.some((r) => r.url.endsWith('/api/v1/chat/unread') && r.status === 200));

  // Reading them in the chat clears the count, and it stays cleared on the way back.
  await nav.getByRole('link', { name: 'Messages, 3 unread' }).click();
  await patient.page.getByRole('link', { name: new RegExp(DOCTOR.name) }).click();
  await bubble(patient, 'Any time this week is fine.', false).waitFor();
  await nav.getByRole('link', { name: 'Messages', exact: true }).waitFor();
  await bubble(doctor, 'Any time this week is fine.', true).locator('.tick-read').waitFor();
  assert.ok(sockets.length > 0, 'the chat page opened no WebSocket');
  await nav.getByRole('link', { name: 'Dashboard' }).click();
  await patient.page.waitForURL('**/dashboard');
  await patient.settled();
  assert.equal(await nav.locator('.nav-count').count(), 0);
  assert.deepEqual(patient.problems, []);
  assert.deepEqual(doctor.problems, []);
});

test('a dropped connection reconnects, gets what it missed, and a message whose answer was lost is stored once', async () => {
  await patient.visit(`/chat/${conversationId}`);
  await patient.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  // The line drops: she writes meanwhile, and the doctor writes to her.
  await patient.page.evaluate(() => window.__chat.cut());
  await patient.page.getByRole('status').filter({ hasText: 'Connection lost. Reconnecting…' }).waitFor();
  await journey.check(patient, 'chat-patient-reconnecting');
  await composer(patient).fill('Written while the line was down');
  await composer(patient).press('Enter');
  await bubble(patient, 'Written while the line was down', true).getByText('Sending…').waitFor();
  await composer(doctor).fill('Sent while you were away');
  await composer(doctor).press('Enter');
  await bubble(doctor, 'Sent while you were away', true).locator('.message-tick').waitFor();
  await patient.page.evaluate(() => window.__chat.mend());
  await patient.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  await bubble(patient, 'Sent while you were away', false).waitFor();
  await bubble(doctor, 'Written while the line was down', false).waitFor();

  // A message goes out and the socket closes before its acknowledgement: sent again under the
  // same client_id after the reconnect, it is stored once.
  await patient.page.evaluate(() => {
    window.__chat.dropAfterSend = true;
  });
  await composer(patient).fill('Is this stored twice?');
  await composer(patient).press('Enter');
  await bubble(patient, 'Is this stored twice?', true).locator('.tick-read').waitFor();
  await bubble(doctor, 'Is this stored twice?', false).waitFor();
  const { access_token: token } = await server.signedIn(PATIENT.email);
  const history = await server.request('GET', `/api/v1/chat/conversations/${conversationId}/messages?limit=10`, {
    token,
  });
  const tries = await patient.page.evaluate(() =>
    window.__chat.sent.filter((m) => m.text === 'Is this stored twice?').map((m) => m.client_id),
  );
  assert.equal(tries.length, 2, 'sent once, then again after the reconnect');
  assert.equal(tries[0], tries[1], 'under the same client_id');
  const texts = history.body.items.map((m) => m.text);
  assert.equal(texts.filter((text) => text === 'Is this stored twice?').length, 1);
  assert.equal(texts.filter((text) => text === 'Written while the line was down').length, 1);
  assert.equal(await bubble(doctor, 'Is this stored twice?', false).count(), 1);
  assert.deepEqual(patient.problems, []);
  assert.deepEqual(doctor.problems, []);
});

test('once the doctor is offline a message brings one email, without its text, linking to the conversation', async () => {
  await patient.visit(`/chat/${conversationId}`);
  await doctor.page.close();
  await patient.page.locator('.thread-head .presence').filter({ hasText: 'Offline' }).waitFor();
  await composer(patient).fill('The new tablets make me dizzy');
  await composer(patient).press('Enter');
  await bubble(patient, 'The new tablets make me dizzy', true).locator('.tick-sent').waitFor();
  const deadline = Date.now() + 20000;
  while (chatMails().length === 0 && Date.now() < deadline) await sleep(200);
  const [mail, ...more] = chatMails();
  assert.ok(mail, 'no chat email reached the SMTP sink');
  assert.deepEqual(more, []);
  assert.ok(!mail.includes('dizzy'), 'the email carries the message text');
  assert.match(mail, new RegExp(`You have a new message from ${PATIENT.name}`));
  const link = mail.match(/https?:\/\/[^\s"<>]+\/chat\/(\d+)/);
  assert.ok(link, 'no link to the conversation');
  assert.equal(Number(link[1]), conversationId);

  // A second message while the first is unread: no second email.
  await composer(patient).fill('Should I stop taking them?');
  await composer(patient).press('Enter');
  await bubble(patient, 'Should I stop taking them?', true).locator('.tick-sent').waitFor();
  await sleep(5000); // more than the 2 s and a sweep
  assert.equal(chatMails().length, 1);

  // The link opens the conversation once the doctor has signed in.
  doctor = await journey.visitor('chat-doctor-email');
  await doctor.page.goto(`${server.url}${new URL(link[0]).pathname}`);
  await doctor.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await doctor.signIn(DOCTOR.email, PASSWORD, { visit: false });
  await doctor.page.waitForURL(`**/chat/${conversationId}`);
  await bubble(doctor, 'Should I stop taking them?', false).waitFor();
  await bubble(patient, 'Should I stop taking them?', true).locator('.tick-read').waitFor();
  await journey.check(doctor, 'chat-doctor-from-email');
  assert.deepEqual(patient.problems, []);
  assert.deepEqual(doctor.problems, []);
});

test('older messages load as the thread is scrolled up, and it keeps its place', async () => {
  const lena = await server.signedIn(PATIENT.email);
  for (let n = 1; n <= 60; n++) {
    const path = `/api/v1/chat/conversations/${conversationId}/messages`;
    const sent = await server.post(path, { client_id: `older-${n}`, text: `Numbered message ${n}` }, lena.access_token);
    assert.equal(sent.status, 201);
  }
  await doctor.visit(`/chat/${conversationId}`);
  const numbered = (n) =>
    doctor.page.locator('.message-text').filter({ hasText: new RegExp(`^Numbered message ${n}$`) });
  await numbered(60).waitFor();
  assert.equal(await numbered(1).count(), 0, 'the first page holds the latest 50 only');
  const box = doctor.page.getByRole('region', { name: `Messages with ${PATIENT.name}` });
  await box.evaluate((node) => {
    node.scrollTop = 0;
  });
  await numbered(1).waitFor();
  assert.ok(doctor.responses.some((r) => /\/messages\?before=\d+/.test(r.url)));
  // The messages that were at the top are still in view, not pushed away by the older ones.
  assert.ok((await box.evaluate((node) => node.scrollTop)) > 0);
  await journey.check(doctor, 'chat-doctor-older');
  assert.deepEqual(doctor.problems, []);
});

test('with WebSocket blocked the page says so and messages still go both ways', async () => {
  await patient.page.close(); // her live tab would read the doctor's messages instead
  const blocked = await journey.visitor('chat-patient-blocked');
  // A network that refuses the upgrade: every socket fails as it opens.
  await blocked.context.addInitScript(() => {
    window.WebSocket = class BlockedWebSocket {
      constructor() {
        setTimeout(() => {
          this.onerror?.(new Event('error'));
          this.onclose?.({ code: 1006 });
        }, 50);
      }
      send() {}
      close() {}
    };
  });
  await journey.signIn(blocked, PATIENT.email);
  await blocked.visit(`/chat/${conversationId}`);
  await blocked.page.getByRole('status').filter({ hasText: BLOCKED_NOTICE }).waitFor();
  await waitForFocusOnComposer(blocked);

  // Inês to the doctor, through the REST route.
  await composer(blocked).fill('Sent without a live connection');
  await composer(blocked).press('Enter');
  await bubble(doctor, 'Sent without a live connection', false).waitFor();
  await bubble(blocked, 'Sent without a live connection', true).locator('.tick-read').waitFor();

  // The doctor to Inês: his typing and his message reach her through the long poll.
  await composer(doctor).pressSequentially('I see it', { delay: 20 });
  await blocked.page.getByText(`${DOCTOR.name} is typing…`).waitFor();
  await composer(doctor).fill('I see it. The poll works too.');
  await composer(doctor).press('Enter');
  await bubble(blocked, 'I see it. The poll works too.', false).waitFor();
  await bubble(doctor, 'I see it. The poll works too.', true).locator('.tick-read').waitFor();
  await journey.check(blocked, 'chat-patient-fallback');
  assert.ok(
    blocked.responses.some((r) => r.url.includes('/api/v1/chat/poll') && r.status === 200),
    'no long poll was answered',
  );
  assert.deepEqual(blocked.problems, []);
  assert.deepEqual(doctor.problems, []);
});

test('the doctor finds a patient by typing part of the name and starts a conversation', async () => {
  // Two more patients have the doctor on their care team.
  for (const [email, fullName] of [
    ['joana.chat@example.org', 'Joana Ferreira'],
    ['jorge.chat@example.org', 'Jorge Almeida'],
  ]) {
    await server.confirmedAccount('patient', {
      email,
      full_name: fullName,
      date_of_birth: '1990-02-03',
      sex: 'female',
    });
    const { access_token: token, account } = await server.signedIn(email);
    const linked = await server.post(`/api/v1/patients/${account.id}/care-team`, { doctor_id: doctorId }, token);
    assert.equal(linked.status, 201);
  }
  await journey.page(doctor, '/chat', 'chat-doctor-start');
  const start = doctor.page.getByRole('region', { name: 'Start a conversation' });
  const choice = start.getByRole('combobox', { name: 'Patient' });
  await choice.waitFor();
  await start.getByRole('searchbox', { name: 'Find a patient' }).pressSequentially('ferr', { delay: 30 });
  await start.getByText('One patient matches “ferr”.').waitFor();
  const options = await choice.locator('option').allTextContents();
  assert.equal(options.length, 1);
  assert.match(options[0], /^Joana Ferreira · #\d+$/);
  await journey.check(doctor, 'chat-doctor-search');

  // Nothing matches: said in words, and nothing to open.
  await start.getByRole('searchbox', { name: 'Find a patient' }).fill('xyz');
  await start.getByText('No patient matches “xyz”.').waitFor();
  assert.equal(await start.getByRole('button', { name: 'Open the conversation' }).count(), 0);

  // By keyboard: type, Tab to the choice, Tab to the button, Enter.
  await start.getByRole('searchbox', { name: 'Find a patient' }).fill('');
  await start.getByRole('searchbox', { name: 'Find a patient' }).pressSequentially('Joa', { delay: 30 });
  await start.getByText('One patient matches “Joa”.').waitFor();
  await doctor.page.keyboard.press('Tab');
  await doctor.page.keyboard.press('Tab');
  assert.equal(await doctor.page.evaluate(() => document.activeElement?.textContent), 'Open the conversation');
  await doctor.page.keyboard.press('Enter');
  await doctor.page.waitForURL(/\/chat\/\d+$/);
  assert.notEqual(Number(new URL(doctor.page.url()).pathname.split('/').pop()), conversationId);
  await doctor.page.getByRole('heading', { name: 'Joana Ferreira' }).waitFor();
  await waitForFocusOnComposer(doctor);
  await doctor.page.getByText('No messages yet.').waitFor();
  assert.deepEqual(doctor.problems, []);
});
