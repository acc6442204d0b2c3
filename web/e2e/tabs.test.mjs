// Two tabs of one browser, one session: the refresh token is a cookie both tabs send, and the
// server rotates it on every use and ends the whole session when a used one comes back (a stolen
// token). Reloading both tabs at the same moment makes both refresh at once; the web app takes
// turns across tabs (Web Locks), so the person stays signed in in both, however often it
// happens, and the server never sees a reused token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, SmtpSink, Visitor, VitalisServer } from './harness.mjs';

const ADMIN = { email: 'tabs.admin@example.org', name: 'Tia Tabs' };
const ROUNDS = 6;

let smtp, server, browser, visitor;

before(async () => {
  smtp = await new SmtpSink().start();
  server = await new VitalisServer(smtp).start();
  await server.createAdmin(ADMIN.email, ADMIN.name);
  browser = await launchBrowser();
  visitor = await new Visitor(browser, server, 'two tabs').open();
  visitor.expect('/api/v1/auth/refresh', 401); // the first visit, before signing in
});

after(async () => {
  await visitor?.close();
  await browser?.close();
  try {
    await server?.stop(); // fails the file on a bad exit or a sanitizer report
  } finally {
    smtp?.stop();
  }
});

/** The page's heading once it has settled: the signed-in page, or "Sign in" when the session ended. */
async function heading(page) {
  await page.locator('main h1').first().waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelectorAll('.loading').length === 0);
  return (await page.locator('main h1').first().textContent()).trim();
}

test('two tabs reloaded together both stay signed in, round after round', async () => {
  const first = visitor.page;
  await visitor.signIn(ADMIN.email);
  const signedIn = await heading(first);
  assert.notEqual(signedIn, 'Sign in');

  const second = await visitor.context.newPage(); // the same browser: the same cookie jar
  const refreshes = [];
  for (const page of [first, second]) {
    page.on('response', (response) => {
      if (response.url().endsWith('/api/v1/auth/refresh')) refreshes.push(response.status());
    });
  }
  await second.goto(server.url + '/');
  assert.notEqual(await heading(second), 'Sign in', 'the second tab starts signed in');

  for (let round = 1; round <= ROUNDS; round += 1) {
    refreshes.length = 0;
    await Promise.all([first.reload({ waitUntil: 'commit' }), second.reload({ waitUntil: 'commit' })]);
    const [one, two] = await Promise.all([heading(first), heading(second)]);
    assert.notEqual(one, 'Sign in', `round ${round}: the first tab was signed out`);
    assert.notEqual(two, 'Sign in', `round ${round}: the second tab was signed out`);
    assert.ok(refreshes.length >= 2, `round ${round}: both tabs renewed their session`);
    assert.deepEqual(
      refreshes.filter((status) => status !== 200),
      [],
      `round ${round}: every refresh succeeded`,
    );
  }
  // The server still knows the session: a third tab opened now is signed in too.
  const third = await visitor.context.newPage();
  await third.goto(server.url + '/');
  assert.notEqual(await heading(third), 'Sign in');
  assert.deepEqual(visitor.problems, []);
});
