// Real parts for the end-to-end tests: an SMTP sink on loopback, a `vitalis serve` on a temp
// SQLite database that mails to it, and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const BIN = process.env.VITALIS_BIN ?? path.join(ROOT, 'build', 'ci', 'vitalis');
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? path.join(ROOT, 'web', 'e2e-artifacts');
export const PASSWORD = 'a sound passphrase for tests';
const FAST_HASH = ['--argon2-opslimit=1', '--argon2-memlimit-mb=8', '--test-only-weak-password-hashing=true'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The 6-digit TOTP code (RFC 6238: HMAC-SHA1, 30-second steps) of a base32 secret for a time step. */
export function totpCode(secret, step = Math.floor(Date.now() / 30000)) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** A minimal SMTP server (RFC 5321 subset) that keeps every message it receives. */
export class SmtpSink {
  messages = []; // { to: string[], data: string }

  async start() {
    this.server = net.createServer((socket) => this.session(socket));
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this;
  }

  session(socket) {
    let buffer = '';
    let inData = false;
    let envelope = { to: [], data: '' };
    const reply = (line) => socket.write(line + '\r\n');
    reply('220 sink ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          envelope.data = buffer.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
          buffer = buffer.slice(end + 5);
          this.messages.push(envelope);
          envelope = { to: [], data: '' };
          inData = false;
          reply('250 OK');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-sink\r\n250 8BITMIME');
        else if (verb === 'HELO') reply('250 sink');
        else if (verb === 'MAIL') reply('250 OK');
        else if (verb === 'RCPT') {
          envelope.to.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, '$1'));
          reply('250 OK');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
          return;
        } else reply('250 OK');
      }
    });
    socket.on('error', () => {});
  }

  /** The 6-digit code of the count-th message to `address` whose subject has `word`. */
  async codeFor(address, word, count = 1, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m) => m.to.includes(address) && subjectOf(m.data).includes(word));
      if (found.length >= count) {
        const match = found[count - 1].data.match(/\r?\n {4}(\d{6})\r?\n/);
        if (!match) throw new Error(`no code in the '${word}' message to ${address}`);
        return match[1];
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no '${word}' mail for ${address}; got: ${this.messages.map((m) => subjectOf(m.data)).join(' | ')}`,
        );
      }
      await sleep(100);
    }
  }

  stop() {
    this.server?.close();
  }
}

function subjectOf(data) {
  const match = data.match(/^Subject: (.*)$/im);
  return match ? match[1] : '';
}

// What the sanitizers of the ci build print when they find something (ASan, LSan, UBSan, TSan).
const SANITIZER_REPORTS = ['ERROR: AddressSanitizer', 'runtime error:', 'LeakSanitizer', 'ThreadSanitizer'];

/** `vitalis serve` on a fresh SQLite file, port chosen by the OS and read from its log. */
export class VitalisServer {
  /** `args`: more `vitalis serve` flags for this test file (e.g. shorter chat timings). */
  constructor(smtp, { args = [] } = {}) {
    this.smtp = smtp;
    this.extraArgs = args;
    this.dir = mkdtempSync(path.join(tmpdir(), 'vitalis-e2e-'));
    this.database = `sqlite:${path.join(this.dir, 'vitalis.db')}`;
    this.log = [];
  }

  async start() {
    const args = [
      'serve',
      '--port=0',
      `--database=${this.database}`,
      `--web-root=${path.join(ROOT, 'web', 'dist')}`,
      `--models=${path.join(ROOT, 'models')}`,
      `--smtp-url=smtp://127.0.0.1:${this.smtp.port}`,
      '--threads=2',
      ...FAST_HASH,
      ...this.extraArgs,
    ];
    this.process = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.closed = new Promise((resolve) => this.process.once('close', resolve)); // output read
    this.port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start:\n' + this.log.join('\n'))), 30000);
      let pending = '';
      const onData = (chunk) => {
        pending += chunk.toString();
        let eol;
        while ((eol = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, eol);
          pending = pending.slice(eol + 1);
          this.log.push(line);
          if (line.includes('"msg":"listening"')) {
            clearTimeout(timer);
            resolve(JSON.parse(line).port);
          }
        }
      };
      this.process.stdout.on('data', onData);
      this.process.stderr.on('data', onData);
      this.process.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}):\n` + this.log.join('\n')));
      });
    });
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  /** Loads the demo clinic (`vitalis demo-data`) into the database; call before start(). */
  loadDemo(extra = []) {
    const result = spawnSync(
      BIN,
      ['demo-data', `--database=${this.database}`, '--log-level=warn', ...FAST_HASH, ...extra],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 300000,
      },
    );
    if (result.status !== 0) throw new Error('demo-data failed: ' + result.stderr);
  }

  /** A request with a JSON body (none when `body` is undefined), as `token`'s holder: { status, body }. */
  async request(method, pathname, { body, token } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(this.url + pathname, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** POST with JSON; { status, body }. */
  post(pathname, body, token) {
    return this.request('POST', pathname, { body: body ?? {}, token });
  }

  /**
   * Sets up two-step sign-in for a signed-in account as its owner would with an app, and keeps
   * the secret so later sign-ins (signInAnswer, nextCode) can answer the second step.
   */
  async enrolSecondFactor(email, token) {
    const enrolment = await this.post('/api/v1/me/second-factor/enrol', {}, token);
    if (enrolment.status !== 200) throw new Error('enrol: ' + JSON.stringify(enrolment.body));
    const step = Math.floor(Date.now() / 30000);
    const confirmed = await this.post(
      '/api/v1/me/second-factor/confirm',
      { code: totpCode(enrolment.body.secret, step) },
      token,
    );
    if (confirmed.status !== 200) throw new Error('confirm: ' + JSON.stringify(confirmed.body));
    this.authenticators ??= new Map();
    this.authenticators.set(email, {
      secret: enrolment.body.secret,
      lastStep: step,
      recoveryCodes: [...confirmed.body.recovery_codes],
    });
    return enrolment.body.secret;
  }

  /** A code the server has not accepted yet for this account (a time step in reach, else a recovery code). */
  nextCode(email) {
    const app = this.authenticators.get(email);
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now - 1, app.lastStep + 1);
    if (step > now + 1) return app.recoveryCodes.pop();
    app.lastStep = step;
    return totpCode(app.secret, step);
  }

  /** Signs in through the API, answering the second step when the account has one: { status, body }. */
  async signInAnswer(email, password = PASSWORD) {
    const answer = await this.post('/api/v1/auth/signin', { email, password });
    if (answer.status !== 200 || answer.body.status !== 'second_factor_required') return answer;
    return this.post('/api/v1/auth/second-factor', { challenge: answer.body.challenge, code: this.nextCode(email) });
  }

  /**
   * Signs in through the API, answering the second step when the account has one, and returns
   * the answer's body (`access_token`, `account`); throws when the sign-in is refused.
   */
  async signedIn(email, password = PASSWORD) {
    const answer = await this.signInAnswer(email, password);
    if (answer.status !== 200) throw new Error(`sign-in of ${email}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * A patient or a doctor (`kind`) signed up through the API (`body`: email and the sign-up's
   * fields) with the email confirmed by the code the SMTP sink received.
   */
  async confirmedAccount(kind, body) {
    const created = await this.post(`/api/v1/auth/signup/${kind}`, { ...body, password: PASSWORD });
    if (created.status !== 202) throw new Error(`sign-up of ${body.email}: ${JSON.stringify(created.body)}`);
    const code = await this.smtp.codeFor(body.email, 'Confirm your email');
    const verified = await this.post('/api/v1/auth/verify-email', { email: body.email, code });
    if (verified.status !== 200) throw new Error(`verify ${body.email}: ${JSON.stringify(verified.body)}`);
  }

  /**
   * A patient with an approved doctor on their care team, as people make it: both sign up
   * (confirmedAccount), the administrator `adminEmail` approves the doctor and the patient links
   * them. Returns { patientId, patientToken, doctorId }.
   */
  async patientWithDoctor(patient, doctor, adminEmail) {
    await this.confirmedAccount('patient', patient);
    await this.confirmedAccount('doctor', doctor);
    const admin = (await this.signedIn(adminEmail)).access_token;
    const pending = await this.request('GET', '/api/v1/admin/doctors', { token: admin });
    const doctorId = pending.body.items.find((d) => d.email === doctor.email).id;
    const approved = await this.post(`/api/v1/admin/doctors/${doctorId}/approve`, undefined, admin);
    if (approved.status !== 200) throw new Error(`approve ${doctor.email}: ${JSON.stringify(approved.body)}`);
    const { access_token: patientToken, account } = await this.signedIn(patient.email);
    const linked = await this.post(`/api/v1/patients/${account.id}/care-team`, { doctor_id: doctorId }, patientToken);
    if (linked.status !== 201) throw new Error(`care team of ${patient.email}: ${JSON.stringify(linked.body)}`);
    return { patientId: account.id, patientToken, doctorId };
  }

  /** An administrator (`vitalis user create-admin`) with two-step sign-in set up, as they must. */
  async createAdmin(email, fullName = 'Ada Admin', { enrol = true } = {}) {
    const result = spawnSync(
      BIN,
      [
        'user',
        'create-admin',
        `--email=${email}`,
        `--full-name=${fullName}`,
        `--database=${this.database}`,
        ...FAST_HASH,
      ],
      {
        cwd: this.dir,
        input: PASSWORD + '\n',
        encoding: 'utf8',
        timeout: 60000,
      },
    );
    if (result.status !== 0) throw new Error('create-admin failed: ' + result.stderr);
    if (!enrol) return; // left to the admin's first sign-in (the forced set-up page)
    const signedIn = await this.signInAnswer(email);
    if (signedIn.status !== 200) throw new Error('admin sign-in: ' + JSON.stringify(signedIn.body));
    await this.enrolSecondFactor(email, signedIn.body.access_token);
  }

  /**
   * Stops the server (SIGTERM), then throws unless it exited with 0 and printed no sanitizer
   * report (the ci build has ASan and UBSan), so the test file fails with the lines.
   */
  async stop() {
    if (!this.process) return;
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGTERM');
      await Promise.race([this.closed, sleep(15000)]);
      if (this.process.exitCode === null) this.process.kill('SIGKILL');
    }
    await Promise.race([this.closed, sleep(5000)]);
    rmSync(this.dir, { recursive: true, force: true });
    const problems = [];
    const { exitCode, signalCode } = this.process;
    if (exitCode !== 0) problems.push(`vitalis serve exited with ${exitCode ?? signalCode}, expected 0`);
    const first = this.log.findIndex((line) => SANITIZER_REPORTS.some((m) => line.includes(m)));
    if (first >= 0) {
      problems.push(
        'sanitizer report in its output:\n' + this.log.slice(Math.max(0, first - 2), first + 60).join('\n'),
      );
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const WIDTHS = [360, 1280];

// axe-core (Deque's accessibility engine, npm) checks every captured page at every width against
// its default rules (WCAG 2.0/2.1 A and AA plus best practices). Injected through the DevTools
// protocol, which the server's Content-Security-Policy does not govern.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The page's accessibility violations as readable lines (empty when there are none). */
export async function axeViolations(page) {
  const installed = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!installed) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const run = await window.axe.run(document, { resultTypes: ['violations'] });
    return run.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes
        .slice(0, 5)
        .map((n) => `${n.target.join(' ')}${n.failureSummary ? ' — ' + n.failureSummary.replace(/\s+/g, ' ') : ''}`),
      count: v.nodes.length,
    }));
  });
  return results.map((v) => `${v.impact} ${v.id} (${v.count}×): ${v.help}\n      ${v.nodes.join('\n      ')}`);
}
const BUDGET_MS = 1000;
// A page that shows no heading by then is broken, not slow (the machine is shared, so generous).
const VISIT_LIMIT_MS = 20000;

/**
 * One person's browser tab, with the checks every page gets: no console errors (HTTP error
 * answers are allowed only when the test said it expects them), load time, no horizontal
 * overflow and a screenshot at each width.
 */
export class Visitor {
  constructor(browser, server, name) {
    this.browser = browser;
    this.server = server;
    this.name = name;
    this.problems = [];
    this.expected = []; // [{ path, status }]
    this.responses = []; // every API answer: [{ url, status }]
  }

  async open() {
    this.context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Every document records its layout shifts (the browser's own Layout Instability API), so a
    // test can ask how much the page moved while it loaded (cumulative layout shift).
    await this.context.addInitScript(() => {
      window.__layoutShift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    this.page = await this.context.newPage();
    this.page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    this.page.on('response', (response) => {
      if (response.url().includes('/api/')) this.responses.push({ url: response.url(), status: response.status() });
    });
    this.page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      const url = message.location()?.url ?? '';
      const status = Number(text.match(/status of (\d{3})/)?.[1]);
      if (status && this.expected.some((e) => url.includes(e.path) && e.status === status)) return;
      this.problems.push(`console error: ${text} ${url}`);
    });
    return this;
  }

  /** Allows an HTTP error answer the test provokes on purpose (the browser logs those). */
  expect(pathPart, status) {
    this.expected.push({ path: pathPart, status });
  }

  /** Waits until the page shows its heading and no loading indicator. */
  async settled() {
    await this.page.locator('main h1').first().waitFor({ state: 'visible' });
    await this.page.waitForFunction(() => document.querySelectorAll('.loading').length === 0);
  }

  /**
   * Navigates, waits for the content and returns the load time in ms: from the start of the
   * navigation (the browser's clock) to the moment the heading shows and nothing is loading.
   */
  async visit(pathname) {
    await this.page.goto(this.server.url + pathname, { waitUntil: 'commit' });
    const ms = await this.page.evaluate(
      (limit) =>
        new Promise((resolve) => {
          const ready = () =>
            document.querySelector('main h1') !== null && document.querySelectorAll('.loading').length === 0;
          const poll = () => {
            if (ready()) resolve(Math.round(performance.now()));
            else if (performance.now() > limit) resolve(null);
            else requestAnimationFrame(poll);
          };
          poll();
        }),
      VISIT_LIMIT_MS,
    );
    if (ms === null) throw new Error(`${pathname}: no heading shown, or still loading, after ${VISIT_LIMIT_MS} ms`);
    return ms;
  }

  /** How much the page has moved since it loaded without the person doing anything (CLS). */
  async layoutShift() {
    return this.page.evaluate(() => window.__layoutShift ?? 0);
  }

  async overflow() {
    return this.page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
  }

  /**
   * Screenshots the current page at each width and runs axe-core there; returns the widths that
   * overflow, and throws when axe finds any accessibility violation.
   */
  async capture(label) {
    const overflowing = [];
    const violations = [];
    mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
    for (const width of WIDTHS) {
      await this.page.setViewportSize({ width, height: width < 600 ? 780 : 900 });
      await this.page.waitForTimeout(50); // let Chart.js react to the resize
      const { scroll, client } = await this.overflow();
      if (scroll > client) overflowing.push(`${width}px (${scroll} > ${client})`);
      await this.page.screenshot({
        path: path.join(ARTIFACTS, 'screenshots', `${label}-${width}.png`),
        fullPage: true,
      });
      for (const line of await axeViolations(this.page)) violations.push(`${width}px ${line}`);
    }
    await this.page.setViewportSize({ width: 1280, height: 900 });
    if (violations.length) {
      throw new Error(`${label}: axe-core found accessibility violations:\n  ${violations.join('\n  ')}`);
    }
    return overflowing;
  }

  /**
   * Signs in through the form: visits the sign-in page (unless `visit` is false: already there),
   * types the email and password, waits for the next page and, when it asks for the second step,
   * answers it (unless `secondStep` is false) with the account's code (VitalisServer.nextCode).
   */
  async signIn(email, password = PASSWORD, { visit = true, secondStep = true } = {}) {
    if (visit) await this.visit('/signin');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.locator('main h1').filter({ hasNotText: 'Sign in' }).first().waitFor();
    if (secondStep) await answerSecondStep(this, email);
    return this;
  }

  async close() {
    await this.context?.close();
  }
}

/**
 * After the sign-in form: when the page asks for the second step (two-step sign-in is on, as for
 * administrators), types the code of the account's "authenticator app" (VitalisServer.nextCode).
 */
export async function answerSecondStep(v, email) {
  if ((await v.page.locator('main h1').first().textContent()) !== 'Enter your code') return;
  await v.page.getByLabel('Code').fill(v.server.nextCode(email));
  await v.page.getByRole('button', { name: 'Sign in' }).click();
  await v.page.locator('main h1').filter({ hasNotText: 'Enter your code' }).first().waitFor();
}

/**
 * The steps every journey repeats: `page` visits (timed) and then `check`s a page, which
 * screenshots it at both widths into `report` and fails on horizontal overflow; `signIn` signs a
 * visitor in through the form.
 */
export function journeySteps(report) {
  async function check(v, label, ms) {
    const overflowing = await v.capture(label);
    report.add(label, ms, overflowing);
    if (overflowing.length > 0) throw new Error(`${label} overflows horizontally: ${overflowing.join(', ')}`);
  }
  async function page(v, pathname, label) {
    const ms = await v.visit(pathname);
    await check(v, label, ms);
  }
  async function signIn(v, email) {
    await page(v, '/signin', 'signin');
    await v.signIn(email, PASSWORD, { visit: false });
  }
  return { check, page, signIn };
}

export class Report {
  rows = [];
  /** `name`: the report's file name without extension (each test file its own). */
  constructor(name = 'report') {
    this.name = name;
  }
  add(page, ms, overflowing) {
    this.rows.push({ page, ms, overflowing });
  }
  /** Writes e2e-artifacts/<name>.md and .json (each test file its own). */
  write(name = this.name) {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Recorded, not asserted: the machine is shared, so a time is evidence, not a verdict.
    const timed = this.rows.filter((r) => r.ms !== undefined);
    const over = timed.filter((r) => r.ms > BUDGET_MS);
    const lines = [
      `# Page load times (loopback, budget ${BUDGET_MS} ms) and horizontal overflow at ${WIDTHS.join(' and ')} px`,
      '',
      `Load time: from the start of navigation to the page's heading shown with nothing loading (browser clock). ` +
        `${timed.length} loads, ${over.length} over budget. Rows without a time are states reached inside a page.`,
      '',
      '| page | load ms | overflow |',
      '|---|---|---|',
    ];
    for (const row of this.rows) {
      const ms = row.ms === undefined ? '—' : row.ms > BUDGET_MS ? `**${row.ms}** (over)` : String(row.ms);
      lines.push(`| ${row.page} | ${ms} | ${row.overflowing.length ? row.overflowing.join(', ') : 'none'} |`);
    }
    writeFileSync(path.join(ARTIFACTS, `${name}.md`), lines.join('\n') + '\n');
    writeFileSync(path.join(ARTIFACTS, `${name}.json`), JSON.stringify(this.rows, null, 2) + '\n');
  }
}

/**
 * The glue of a journey test file: its visitors, visits that are timed, checked for overflow and screenshotted at both
 * widths into the file's own report, and signing in through the form. Set `browser` and
 * `server` before the first visitor; `close()` writes the report and closes the visitors.
 */
export class Journey {
  constructor(name) {
    this.report = new Report(name);
    this.visitors = [];
  }

  async visitor(name) {
    const v = await new Visitor(this.browser, this.server, name).open();
    this.visitors.push(v);
    return v;
  }

  /** Check and screenshot the page as it is now; fails on horizontal overflow. */
  async check(v, label, ms) {
    const overflowing = await v.capture(label);
    this.report.add(label, ms, overflowing);
    if (overflowing.length) throw new Error(`${label} overflows horizontally: ${overflowing.join(', ')}`);
  }

  /** Visit a page (timed), then check it. */
  async page(v, pathname, label) {
    const ms = await v.visit(pathname);
    await this.check(v, label, ms);
  }

  signIn(v, email, password = PASSWORD) {
    return v.signIn(email, password);
  }

  async close() {
    this.report.write();
    for (const v of this.visitors) await v.close();
  }
}
