// What the browser scenarios share: the amphi server (and its database) in a fresh temporary
// folder, its command line, headless Chromium, step accounting, the axe-core check and the mail
// outbox. A scenario is a list of [name, async fn] steps given to runScenario(), which prints
// one line per step and ends with `N passed, M failed`.
//
// Environment:
//   AMPHI_BIN                 the amphi binary (default target/debug/amphi in the clone)
//   AMPHI_TEST_DATABASE_URL   a PostgreSQL URL with the right to CREATE DATABASE (optional;
//                             without it the server uses embedded SQLite)
//   CHROMIUM                  the browser (default /usr/bin/chromium)
//   SCREENSHOTS_DIR           where screenshot() saves its PNG files (default
//                             target/screenshots/ in the clone; "off" saves none)

import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import axe from 'axe-core';
import { chromium } from 'playwright-core';

export const AMPHI_BIN =
  process.env.AMPHI_BIN ||
  path.join(path.dirname(new URL(import.meta.url).pathname), '../../target/debug/amphi');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PG_ADMIN_URL = process.env.AMPHI_TEST_DATABASE_URL || '';
const REPO_ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), '../..');
export const SCREENSHOTS_DIR =
  process.env.SCREENSHOTS_DIR === undefined
    ? path.join(REPO_ROOT, 'target/screenshots')
    : process.env.SCREENSHOTS_DIR;

// ---------------------------------------------------------------------------------------------
// Small helpers

/** An expected failure: reported by its message alone, without a stack. */
export class Failure extends Error {}

// Playwright and the server colour their messages; logs read better without.
// eslint-disable-next-line no-control-regex
export const plain = (text) => String(text).replace(/\x1b\[[0-9;]*m/g, '');

export function describe(e) {
  return plain(e instanceof Failure ? e.message : e && e.stack ? e.stack : e);
}

export function assert(cond, message) {
  if (!cond) throw new Failure(message);
}

export function freePort() {
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

export function psql(url, sql) {
  return execFileSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', url, '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function withDatabase(url, dbName) {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

// Reads every complete .eml file of the outbox (the worker writes `.<name>.tmp`, then renames).
export function readOutbox(dir) {
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

// Runs axe on the current page (with the site's CSP in force): WCAG 2 A and AA and axe's best
// practices. Any violation fails, whatever its impact.
export async function checkAccessibility(page, label) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) {
    // Evaluated through the DevTools protocol, which the page's CSP does not restrict.
    await page.evaluate(axe.source);
  }
  const results = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] });
    return { violations: r.violations, passes: r.passes.length };
  });
  assert(results.passes > 0, `axe checked nothing on ${label}`);
  console.log(
    `    axe ${label}: ${results.passes} rules passed, ${results.violations.length} violated`,
  );
  if (results.violations.length) {
    const lines = results.violations.map(
      (v) =>
        `  [${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `      at ${JSON.stringify(n.target)}`).join('\n'),
    );
    throw new Failure(`accessibility violations on ${label}:\n${lines.join('\n')}`);
  }
}

// The widths screenshot() photographs: a desktop and a small phone.
export const WIDTHS = { desktop: { width: 1280, height: 800 }, 375: { width: 375, height: 812 } };

/**
 * Photographs the current page (whole length) in English and in French, at desktop width and
 * at 375 px, into SCREENSHOTS_DIR as NAME.LANG.WIDTH.png, and runs axe on each of the four. The
 * language is switched with the page's own switcher (saved on the account when signed in) and
 * switched back at the end; the page is reloaded by it, so use this on pages reached by GET.
 */
export async function screenshot(page, name) {
  const original = page.viewportSize();
  const startLang = await page.getAttribute('html', 'lang');
  const langs = [startLang, ...['en', 'fr'].filter((l) => l !== startLang)];
  const switchTo = async (lang) => {
    await Promise.all([
      page.waitForNavigation(),
      page.evaluate((tag) => {
        const b = document.querySelector(`form.lang-switch button[value="${tag}"]`);
        b.form.requestSubmit(b);
      }, lang),
    ]);
    const got = await page.getAttribute('html', 'lang');
    assert(got === lang, `switching ${page.url()} to ${lang} gave lang="${got}"`);
  };
  try {
    for (const lang of langs) {
      if (lang !== (await page.getAttribute('html', 'lang'))) await switchTo(lang);
      for (const [w, size] of Object.entries(WIDTHS)) {
        await page.setViewportSize(size);
        // Two frames: the page's resize observers (scrolling table boxes) have run.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        await checkAccessibility(page, `${name} (${lang}, ${w})`);
        // Nothing makes the page scroll sideways: wide tables scroll inside their own box.
        const [scroll, inner, wide] = await page.evaluate(() => {
          const w = window.innerWidth;
          // The outermost elements that reach past the window, to name in a failure.
          const past = Array.from(document.querySelectorAll('body *')).filter(
            (e) => e.checkVisibility() && e.getBoundingClientRect().right > w + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 1),
          );
          const label = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : '');
          const chain = (e) => { const out = []; for (let a = e; a && a !== document.body; a = a.parentElement) out.push(`${label(a)}[${a.clientWidth}/${a.scrollWidth} ${getComputedStyle(a).overflowX} ${getComputedStyle(a).display}]`); return out.join(' < '); };
          return [document.documentElement.scrollWidth, w, past.slice(0, 5).map((e) => chain(e))];
        });
        assert(scroll <= inner, `${name} (${lang}, ${w}) is ${scroll} px wide in a ${inner} px window: ${wide.join(', ')}`);
        if (SCREENSHOTS_DIR && SCREENSHOTS_DIR !== 'off') {
          fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
          const file = path.join(SCREENSHOTS_DIR, `${name}.${lang}.${w}.png`);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        }
      }
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
  if ((await page.getAttribute('html', 'lang')) !== startLang) await switchTo(startLang);
  if (SCREENSHOTS_DIR && SCREENSHOTS_DIR !== 'off') console.log(`    screenshots: ${name}.*.png`);
}

// ---------------------------------------------------------------------------------------------
// Page helpers

/** The page's level-1 heading with exactly this text. */
export function heading(page, name) {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

/** Waits until the locator is visible; fails naming what was expected and the page's h1. */
export async function expectVisible(page, locator, what, timeout = 10_000) {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch {
    const h1 = await page.locator('h1').allTextContents().catch(() => []);
    throw new Failure(`expected ${what} on ${page.url()}, but the page's h1 is ${JSON.stringify(h1)}`);
  }
}

/** Fails unless a navigation answered 200. */
export function expectOk(resp, what) {
  assert(resp && resp.status() === 200, `${what} answered ${resp && resp.status()}`);
}

// ---------------------------------------------------------------------------------------------
// The server

// amphi reads every AMPHI_* variable as configuration and refuses unknown keys (AMPHI_BIN
// would stop it), so none of the caller's reaches it: only what is set here. The server and
// the command line get the same environment, hence the same database and folders.
function amphiEnv(tmp, port, databaseUrl, contentPort) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.toUpperCase().startsWith('AMPHI_') && k.toUpperCase() !== 'DATABASE_URL',
    ),
  );
  Object.assign(env, {
    AMPHI_SERVER__LISTEN: `127.0.0.1:${port}`,
    AMPHI_SERVER__PUBLIC_URL: `http://127.0.0.1:${port}`,
    AMPHI_MAIL__OUTBOX_DIR: path.join(tmp, 'outbox'),
    // The content origin (SCORM and cmi5 packages): another port, so another origin.
    AMPHI_CONTENT__PACKAGE_LISTEN: `127.0.0.1:${contentPort}`,
    AMPHI_CONTENT__PACKAGE_URL: `http://localhost:${contentPort}`,
    NO_COLOR: '1',
  });
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

export async function startServer(tmp, port, databaseUrl) {
  const contentPort = await freePort();
  const env = amphiEnv(tmp, port, databaseUrl, contentPort);
  const output = [];
  const child = spawn(AMPHI_BIN, ['serve'], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  let exited = null;
  let spawnError = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.on('error', (e) => (spawnError = e));

  const server = { child, output, port, env, cwd: tmp, base: `http://127.0.0.1:${port}`, content: `http://localhost:${contentPort}` };
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

export async function stopServer(server) {
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

/**
 * Runs `amphi ARGS…` with the server's folder and environment (so, its database); `input` goes
 * to standard input. Returns the standard output; fails with both outputs on a non-zero exit.
 */
export function amphiCli(server, args, input = '') {
  try {
    return execFileSync(AMPHI_BIN, args, {
      cwd: server.cwd,
      env: server.env,
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    throw new Failure(
      `amphi ${args.join(' ')} failed (${e.status ?? e.signal ?? e.message}):\n` +
        plain(`${e.stdout || ''}${e.stderr || ''}`).trimEnd(),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The run

/**
 * Runs a scenario. `scenario(s)` returns its steps, [name, async fn] pairs; `s` is filled in
 * before the first step with:
 *   tmp, outbox          the server's folder and its mail outbox
 *   base, port, server   the running server (see startServer, amphiCli)
 *   browser, context, page   Chromium, a first context (locale en-US) and its page
 *   newPage(options)     another context (its own cookies; Playwright context options such as
 *                        timezoneId) and its page, both watched like
 *                        the first for page errors
 * `setup(s)`, when given, runs once the server answers and before the browser starts (a
 * failure there fails every step). When a step fails, the later ones are not run, `s.page` is
 * photographed and the server's output is printed. Exits 1 unless every step passed.
 */
export async function runScenario({ scenario, setup = null }) {
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

  // Stopped from outside (Ctrl-C, a CI timeout): the server must not outlive the run.
  const onSignal = (signal) => {
    console.log(`${signal}: stopping`);
    if (server && server.child.exitCode === null) server.child.kill('SIGTERM');
    if (browser) browser.close().catch(() => {});
    if (dbName) {
      try {
        psql(PG_ADMIN_URL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      } catch {
        // CI drops leftovers anyway
      }
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const watch = (page) => {
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      // A refused form answers with its page and 401, 422 or 429 (wrong password, invalid
      // fields, a paused sign-in): Chromium logs that status, which is no error of the page.
      const refusedForm = /Failed to load resource: the server responded with a status of (401|422|429)/;
      if (m.type() === 'error' && !refusedForm.test(m.text())) {
        pageErrors.push(`${page.url()}: console: ${m.text()}`);
      }
    });
    return page;
  };

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
      Object.assign(s, { base: server.base, port, server });
      if (setup) await setup(s);

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
      const newPage = async (options = {}) => {
        const context = await browser.newContext({ locale: 'en-US', ...options });
        context.setDefaultTimeout(15_000);
        const page = watch(await context.newPage());
        return { context, page };
      };
      const { context, page } = await newPage();
      Object.assign(s, { browser, context, page, newPage });
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
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 || passed !== steps.length ? 1 : 0;
  }
}

process.on('unhandledRejection', (e) => {
  console.log(`unhandled rejection: ${e && e.stack ? e.stack : e}`);
  process.exitCode = 1;
});
