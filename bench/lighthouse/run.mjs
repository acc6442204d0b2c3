// Lighthouse (Google's page-quality auditor, npm) over every page of the web app on the demo clinic,
// as a desktop and as a throttled mobile, in Debian's Chromium. Prints performance score, layout
// shift (CLS), largest contentful paint and total blocking time per page; nothing is asserted (the
// machine is shared: numbers go to docs/PERFORMANCE.md beside the run's conditions).
//   cd bench/lighthouse && npm ci && node run.mjs [--bin=PATH] [--only=desktop|mobile] [--pages=/,/signin] [--why]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, desktopConfig, navigation } from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const bin = arg('bin', path.join(root, 'build', 'release', 'vitalis'));
const only = arg('only', '');
const pageFilter = arg('pages', '');
const PASSWORD = 'vitalis-demo-2026';

async function startServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'vitalis-lh-'));
  const database = `sqlite:${path.join(dir, 'vitalis.db')}`;
  const demo = spawnSync(bin, ['demo-data', `--database=${database}`, '--log-level=warn'], { cwd: root, encoding: 'utf8' });
  if (demo.status !== 0) throw new Error('demo-data failed: ' + demo.stderr);
  const server = spawn(bin, ['serve', '--port=0', `--database=${database}`, `--web-root=${path.join(root, 'web', 'dist')}`, '--access-log=false', `--mail-dir=${path.join(dir, 'mail')}`], { cwd: root });
  const port = await new Promise((resolve, reject) => {
    let pending = '';
    const onData = (chunk) => {
      pending += chunk;
      const line = pending.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) resolve(JSON.parse(line).port);
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${pending}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => (server.kill('SIGTERM'), rmSync(dir, { recursive: true, force: true })) };
}

async function signIn(page, url, email) {
  await page.goto(url + '/signin', { waitUntil: 'networkidle0' });
  await page.waitForSelector('input[type=email]');
  await page.type('input[type=email]', email);
  await page.type('input[type=password]', PASSWORD);
  await Promise.all([page.waitForFunction(() => !location.pathname.startsWith('/signin')), page.click('button[type=submit]')]);
}

const server = await startServer();
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
const rows = [];
try {
  const journeys = [
    { role: 'anonymous', pages: ['/', '/signin', '/signup', '/reset', '/models/diabetes'] },
    { role: 'patient', email: 'patient@demo.vitalis.test', pages: ['/dashboard', '/record', '/predict', '/symptoms', '/access', '/profile'] },
    { role: 'doctor', email: 'doctor@demo.vitalis.test', pages: ['/doctor', '/doctor/patients/PATIENT/summary', '/doctor/patients/PATIENT/results', '/doctor/patients/PATIENT/problems'] },
    { role: 'admin', email: 'admin@demo.vitalis.test', pages: ['/admin'] },
  ];
  for (const journey of journeys) {
    // Each role in a fresh browser context: its own cookies, signed in once.
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    if (journey.email) await signIn(page, server.url, journey.email);
    let patientId = '';
    if (journey.role === 'doctor') {
      await page.goto(server.url + '/doctor', { waitUntil: 'networkidle0' });
      patientId = await page.$eval('a[href^="/doctor/patients/"]', (a) => a.getAttribute('href').match(/\d+/)[0]);
    }
    for (const template of journey.pages) {
      const pathname = template.replace('PATIENT', patientId);
      if (pageFilter && !pageFilter.split(',').includes(template)) continue;
      for (const [form, config] of [['desktop', desktopConfig], ['mobile', defaultConfig]]) {
        if (only && only !== form) continue;
        const result = await navigation(page, server.url + pathname, {
          config,
          flags: { onlyCategories: ['performance'], disableStorageReset: true },
        });
        const audits = result.lhr.audits;
        if (result.lhr.runtimeError) console.error(`    lighthouse could not measure: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
        rows.push({
          role: journey.role,
          page: template,
          form,
          score: Math.round(result.lhr.categories.performance.score * 100),
          cls: audits['cumulative-layout-shift'].numericValue ?? NaN,
          lcp: audits['largest-contentful-paint'].numericValue,
          tbt: audits['total-blocking-time'].numericValue,
        });
        const row = rows[rows.length - 1];
        console.error(`${row.form} ${row.role} ${row.page}: ${row.score} (CLS ${row.cls?.toFixed(3)}, LCP ${Math.round(row.lcp)} ms, TBT ${Math.round(row.tbt)} ms)`);
        // What blocked the main thread (script by script), for whoever chases a low score.
        if (process.argv.includes('--why')) {
          for (const item of (audits['bootup-time']?.details?.items ?? []).slice(0, 4)) {
            console.error(`    script ${Math.round(item.total)} ms (eval ${Math.round(item.scripting)} ms): ${item.url}`);
          }
          for (const item of (audits['long-tasks']?.details?.items ?? []).slice(0, 5)) {
            console.error(`    long task ${Math.round(item.duration)} ms at ${Math.round(item.startTime)} ms: ${item.url}`);
          }
        }
        // What moved, for whoever chases a layout shift.
        for (const item of audits['layout-shifts']?.details?.items ?? []) {
          console.error(`    shift ${item.score?.toFixed(3)}: ${item.node?.snippet ?? item.node?.nodeLabel ?? '?'}`);
        }
      }
    }
    await context.close();
  }
} finally {
  await browser.disconnect();
  await chrome.kill();
  server.stop();
}
const lines = ['| role | page | form | performance | CLS | LCP ms | TBT ms |', '|---|---|---|---|---|---|---|'];
for (const r of rows) lines.push(`| ${r.role} | \`${r.page}\` | ${r.form} | ${r.score} | ${r.cls.toFixed(3)} | ${Math.round(r.lcp)} | ${Math.round(r.tbt)} |`);
console.log(lines.join('\n'));
writeFileSync(path.join(here, 'results.json'), JSON.stringify(rows, null, 2) + '\n');
