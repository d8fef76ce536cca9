// End-to-end test of Amphi in headless Chromium.
//
// Starts `amphi serve` in a fresh temporary folder on a free loopback port (embedded SQLite, or
// a fresh PostgreSQL database when AMPHI_TEST_DATABASE_URL is set), then drives one person
// through sign-up, email confirmation, sign-in, the language switcher, an API token and the
// API, with axe-core accessibility checks on the way.
//
//   cd tests/browser && npm ci && node run.mjs
//
// Environment:
//   AMPHI_BIN                 the amphi binary (default /var/cache/amphi-target/debug/amphi)
//   AMPHI_TEST_DATABASE_URL   a PostgreSQL URL with the right to CREATE DATABASE (optional)
//   CHROMIUM                  the browser (default /usr/bin/chromium)
//
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import axe from 'axe-core';
import { chromium } from 'playwright-core';

const AMPHI_BIN = process.env.AMPHI_BIN || '/var/cache/amphi-target/debug/amphi';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PG_ADMIN_URL = process.env.AMPHI_TEST_DATABASE_URL || '';

const USER = {
  name: 'Ada Lovelace',
  email: 'ada@example.test',
  password: 'correct horse battery staple',
};

// ---------------------------------------------------------------------------------------------
// Small helpers

class Failure extends Error {}

// Playwright and the server colour their messages; logs read better without.
// eslint-disable-next-line no-control-regex
const plain = (text) => String(text).replace(/\x1b\[[0-9;]*m/g, '');

function describe(e) {
  return plain(e instanceof Failure ? e.message : e && e.stack ? e.stack : e);
}

function assert(cond, message) {
  if (!cond) throw new Failure(message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function psql(url, sql) {
  return execFileSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', url, '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function withDatabase(url, dbName) {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

// Reads every complete .eml file of the outbox (the worker writes `.<name>.tmp`, then renames).
function readOutbox(dir) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.eml') && !n.startsWith('.'))
    .sort()
    .map((n) => {
      const raw = fs.readFileSync(path.join(dir, n), 'utf8');
      const split = raw.search(/\r?\n\r?\n/);
      const head = split >= 0 ? raw.slice(0, split) : raw;
      let body = split >= 0 ? raw.slice(split).replace(/^\r?\n\r?\n/, '') : '';
      const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
      const headers = {};
      for (const line of unfolded.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      if (/quoted-printable/i.test(headers['content-transfer-encoding'] || '')) {
        body = body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
      }
      return { file: path.join(dir, n), headers, body };
    });
}

// Runs axe on the current page (with the site's CSP in force) and fails on serious or
// critical violations.
async function checkAccessibility(page, label) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) {
    // Evaluated through the DevTools protocol, which the page's CSP does not restrict.
    await page.evaluate(axe.source);
  }
  const results = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return { violations: r.violations, passes: r.passes.length };
  });
  assert(results.passes > 0, `axe checked nothing on ${label}`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = results.violations.filter((v) => !bad.includes(v));
  for (const v of minor) {
    console.log(`    note (${label}, ${v.impact}): ${v.id}: ${v.help}`);
  }
  console.log(
    `    axe ${label}: ${results.passes} rules passed, ${results.violations.length} violated` +
      ` (${bad.length} serious or critical)`,
  );
  if (bad.length) {
    const lines = bad.map(
      (v) =>
        `  [${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `      at ${JSON.stringify(n.target)}`).join('\n'),
    );
    throw new Failure(`accessibility violations on ${label}:\n${lines.join('\n')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The server

async function startServer(tmp, port, databaseUrl) {
  // amphi reads every AMPHI_* variable as configuration and refuses unknown keys (AMPHI_BIN
  // would stop it), so none of the caller's reaches it: only what is set here.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.toUpperCase().startsWith('AMPHI_') && k.toUpperCase() !== 'DATABASE_URL',
    ),
  );
  Object.assign(env, {
    AMPHI_SERVER__LISTEN: `127.0.0.1:${port}`,
    AMPHI_SERVER__PUBLIC_URL: `http://127.0.0.1:${port}`,
    AMPHI_MAIL__OUTBOX_DIR: path.join(tmp, 'outbox'),
    NO_COLOR: '1',
  });
  if (databaseUrl) env.DATABASE_URL = databaseUrl;

  const output = [];
  const child = spawn(AMPHI_BIN, ['serve'], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  let exited = null;
  let spawnError = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.on('error', (e) => (spawnError = e));

  const server = { child, output, port, base: `http://127.0.0.1:${port}` };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (spawnError) throw new Failure(`cannot start ${AMPHI_BIN}: ${spawnError.message}`);
    if (exited) {
      throw new Failure(
        `amphi serve exited (${JSON.stringify(exited)}) before answering /healthz; its output:\n` +
          output.join(''),
      );
    }
    try {
      const r = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopServer(server);
      throw new Failure(
        `amphi serve did not answer 200 on /healthz within 30 s; its output:\n${output.join('')}`,
      );
    }
    await sleep(200);
  }
}

async function stopServer(server) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const done = await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await gone;
  }
}

// ---------------------------------------------------------------------------------------------
// The scenario

function scenario(s) {
  // s: { base, port, tmp, outbox, page, browser, token }
  // Built when used: the port is known only once the server is up.
  const verifyRe = () =>
    new RegExp(`http://127\\.0\\.0\\.1:${s.port}/verify-email\\?token=[0-9a-f]{64}`);
  const heading = (name) => s.page.getByRole('heading', { level: 1, name, exact: true });
  const expectVisible = async (locator, what) => {
    try {
      await locator.waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      const h1 = await s.page.locator('h1').allTextContents().catch(() => []);
      throw new Failure(
        `expected ${what} on ${s.page.url()}, but the page's h1 is ${JSON.stringify(h1)}`,
      );
    }
  };
  const expectLang = async (lang) => {
    const got = await s.page.getAttribute('html', 'lang');
    assert(got === lang, `expected <html lang="${lang}">, got lang="${got}"`);
  };

  return [
    [
      'sign up',
      async () => {
        const { page } = s;
        const resp = await page.goto(`${s.base}/signup`);
        assert(resp && resp.status() === 200, `GET /signup answered ${resp && resp.status()}`);
        await page.getByLabel('Full name').fill(USER.name);
        await page.getByLabel('Email address').fill(USER.email);
        await page.getByLabel('Password').fill(USER.password);
        await page.getByRole('button', { name: 'Create my account' }).click();
        await expectVisible(heading('Check your email'), 'the heading "Check your email"');
      },
    ],
    [
      'confirm the email address from the outbox',
      async () => {
        const { page } = s;
        let link = null;
        const deadline = Date.now() + 10_000;
        while (!link && Date.now() < deadline) {
          for (const m of readOutbox(s.outbox)) {
            if (!(m.headers.to || '').includes(USER.email)) continue;
            const found = m.body.match(verifyRe());
            if (found) link = found[0];
          }
          if (!link) await sleep(200);
        }
        const files = readOutbox(s.outbox).map((m) => `${m.file} (To: ${m.headers.to})`);
        assert(
          link,
          `no message to ${USER.email} with a link matching ${verifyRe()} within 10 s; outbox: ` +
            JSON.stringify(files),
        );
        const resp = await page.goto(link);
        assert(resp && resp.status() === 200, `GET ${link} answered ${resp && resp.status()}`);
        await page.getByRole('button', { name: 'Confirm my address' }).click();
        await page.waitForURL((u) => u.pathname === '/signin', { timeout: 10_000 }).catch(() => {
          throw new Failure(`expected to land on /signin, got ${page.url()}`);
        });
        const notice = page.getByRole('status').filter({
          hasText: 'Your email address is confirmed. You can now sign in.',
        });
        await expectVisible(notice, 'the notice "Your email address is confirmed…"');
      },
    ],
    [
      'sign in',
      async () => {
        const { page } = s;
        await page.getByLabel('Email address').fill(USER.email);
        await page.getByLabel('Password').fill(USER.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await expectVisible(heading(`Hello, ${USER.name}`), `the heading "Hello, ${USER.name}"`);
      },
    ],
    [
      'switch the language to French and back',
      async () => {
        const { page } = s;
        await expectLang('en');
        await page.getByRole('button', { name: 'Français', exact: true }).click();
        await expectVisible(heading(`Bonjour, ${USER.name}`), `the heading "Bonjour, ${USER.name}"`);
        await expectLang('fr');
        await page.getByRole('button', { name: 'English', exact: true }).click();
        await expectVisible(heading(`Hello, ${USER.name}`), `the heading "Hello, ${USER.name}"`);
        await expectLang('en');
      },
    ],
    [
      'create an API token',
      async () => {
        const { page } = s;
        const resp = await page.goto(`${s.base}/account/tokens`);
        assert(resp && resp.status() === 200, `GET /account/tokens answered ${resp && resp.status()}`);
        await page.getByLabel('Token name').fill('browser test');
        const read = page.getByRole('checkbox', { name: /^Read/ });
        assert(await read.isChecked(), 'the "read" permission is not checked by default');
        await page.getByRole('button', { name: 'Create the token' }).click();
        const tokenEl = page.locator('#new-token');
        await expectVisible(tokenEl, 'the new token (#new-token)');
        const token = (await tokenEl.textContent()).trim();
        assert(/^amphi_pat_\S+$/.test(token), `the token does not look right: ${JSON.stringify(token)}`);
        s.token = token;
      },
    ],
    [
      'use the token on the API',
      async () => {
        assert(s.token, 'no token from the previous step');
        const url = `${s.base}/api/v1/users/self`;
        const ok = await fetch(url, { headers: { Authorization: `Bearer ${s.token}` } });
        const okText = await ok.text();
        assert(ok.status === 200, `GET ${url} with the token answered ${ok.status}: ${okText}`);
        const me = JSON.parse(okText);
        assert(me.email === USER.email, `email is ${JSON.stringify(me.email)}, expected ${USER.email}`);
        assert(me.name === USER.name, `name is ${JSON.stringify(me.name)}, expected ${USER.name}`);

        const anon = await fetch(url);
        const anonText = await anon.text();
        assert(anon.status === 401, `GET ${url} without a token answered ${anon.status}: ${anonText}`);
        let code;
        try {
          code = JSON.parse(anonText)?.error?.code;
        } catch {
          throw new Failure(`the 401 body is not JSON: ${anonText}`);
        }
        assert(code === 'unauthenticated', `error.code is ${JSON.stringify(code)}, expected "unauthenticated"`);
      },
    ],
    [
      'accessibility (axe: wcag2a, wcag2aa) of sign-up, dashboard and account',
      async () => {
        // The sign-up page as a visitor sees it: a separate, signed-out context.
        const visitor = await s.browser.newContext({ locale: 'en-US' });
        try {
          const vp = await visitor.newPage();
          const resp = await vp.goto(`${s.base}/signup`);
          assert(resp && resp.status() === 200, `GET /signup answered ${resp && resp.status()}`);
          await checkAccessibility(vp, '/signup');
        } finally {
          await visitor.close();
        }
        for (const p of ['/', '/account']) {
          const resp = await s.page.goto(`${s.base}${p}`);
          assert(resp && resp.status() === 200, `GET ${p} answered ${resp && resp.status()}`);
          await checkAccessibility(s.page, p);
        }
      },
    ],
    [
      'screenshot of the dashboard',
      async () => {
        const { page } = s;
        await page.goto(`${s.base}/`);
        await expectVisible(heading(`Hello, ${USER.name}`), `the heading "Hello, ${USER.name}"`);
        const file = path.join(s.tmp, 'dashboard.png');
        await page.screenshot({ path: file, fullPage: true });
        assert(fs.statSync(file).size > 0, 'the screenshot is empty');
        console.log(`    screenshot: ${file}`);
      },
    ],
  ];
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amphi-browser-'));
  const outbox = path.join(tmp, 'outbox');
  const s = { tmp, outbox };
  const steps = scenario(s);
  let passed = 0;
  let failed = 0;
  let server = null;
  let browser = null;
  let dbName = null;
  const pageErrors = [];

  try {
    // Set-up: a failure here fails every step.
    try {
      assert(fs.existsSync(AMPHI_BIN), `the amphi binary ${AMPHI_BIN} does not exist (cargo build -p amphi)`);
      assert(fs.existsSync(CHROMIUM), `${CHROMIUM} does not exist (apt-get install -y chromium)`);
      let databaseUrl = null;
      if (PG_ADMIN_URL) {
        dbName = `amphi_browser_${randomBytes(6).toString('hex')}`;
        psql(PG_ADMIN_URL, `CREATE DATABASE ${dbName}`);
        databaseUrl = withDatabase(PG_ADMIN_URL, dbName);
      }
      const port = await freePort();
      console.log(
        `amphi: ${AMPHI_BIN} on 127.0.0.1:${port}, database: ` +
          (databaseUrl ? `PostgreSQL ${dbName}` : 'SQLite (embedded)') +
          `, folder: ${tmp}`,
      );
      server = await startServer(tmp, port, databaseUrl);
      Object.assign(s, { base: server.base, port });

      browser = await chromium.launch({
        executablePath: CHROMIUM,
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
      const context = await browser.newContext({ locale: 'en-US' });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(`${page.url()}: console: ${m.text()}`);
      });
      Object.assign(s, { browser, context, page });
    } catch (e) {
      console.log(`FAIL set-up: ${describe(e)}`);
      failed = steps.length;
      return;
    }

    let broken = false;
    for (const [i, [name, fn]] of steps.entries()) {
      const label = `${i + 1}/${steps.length} ${name}`;
      if (broken) {
        console.log(`FAIL ${label}: not run (an earlier step failed)`);
        failed++;
        continue;
      }
      const t0 = Date.now();
      const errorsBefore = pageErrors.length;
      try {
        await fn();
        const newErrors = pageErrors.slice(errorsBefore);
        assert(newErrors.length === 0, `the page reported errors:\n  ${newErrors.join('\n  ')}`);
        console.log(`ok   ${label} (${Date.now() - t0} ms)`);
        passed++;
      } catch (e) {
        console.log(`FAIL ${label}: ${describe(e)}`);
        if (s.page) {
          const shot = path.join(tmp, 'failure.png');
          const saved = await s.page
            .screenshot({ path: shot, fullPage: true, timeout: 5000 })
            .then(() => true)
            .catch(() => false);
          console.log(`     (page: ${s.page.url()}${saved ? `, screenshot: ${shot}` : ''})`);
        }
        failed++;
        broken = true;
      }
    }
  } finally {
    if (browser) await browser.close().catch((e) => console.log(`warning: closing the browser: ${e}`));
    if (server) {
      await stopServer(server);
      if (failed > 0) {
        console.log('---- amphi serve output ----');
        console.log(plain(server.output.join('')).trimEnd());
        console.log('----------------------------');
      }
    }
    if (dbName) {
      try {
        psql(PG_ADMIN_URL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      } catch (e) {
        console.log(`warning: could not drop ${dbName}: ${e.stderr || e}`);
      }
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 || passed !== steps.length ? 1 : 0;
  }
}

process.on('unhandledRejection', (e) => {
  console.log(`unhandled rejection: ${e && e.stack ? e.stack : e}`);
  process.exitCode = 1;
});

await main();
