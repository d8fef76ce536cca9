// End-to-end test of Amphi in headless Chromium.
//
// Starts `amphi serve` in a fresh temporary folder on a free loopback port (embedded SQLite, or
// a fresh PostgreSQL database when AMPHI_TEST_DATABASE_URL is set), then drives one person
// through sign-up, email confirmation, sign-in, the language switcher, an API token and the
// API, with axe-core accessibility checks on the way.
//
//   cd tests/browser && npm ci && node run.mjs
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM (see lib.mjs, which this file
// shares with courses.mjs).
//
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Failure,
  assert,
  SCREENSHOTS_DIR,
  checkAccessibility,
  screenshot,
  expectVisible as expectVisibleOn,
  heading as headingOn,
  readOutbox,
  runScenario,
} from './lib.mjs';

const USER = {
  name: 'Ada Lovelace',
  email: 'ada@example.test',
  password: 'correct horse battery staple',
};

// ---------------------------------------------------------------------------------------------
// The scenario

function scenario(s) {
  // s: { base, port, tmp, outbox, page, browser, token }
  // Built when used: the port is known only once the server is up.
  const verifyRe = () =>
    new RegExp(`http://127\\.0\\.0\\.1:${s.port}/verify-email\\?token=[0-9a-f]{64}`);
  const heading = (name) => headingOn(s.page, name);
  const expectVisible = (locator, what) => expectVisibleOn(s.page, locator, what);
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
      'accessibility (axe: wcag2a, wcag2aa, best practices) of sign-up, dashboard and account',
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
      'at 375 px the menu folds behind a Menu button, with the language switch inside',
      async () => {
        const { page } = s;
        await page.setViewportSize({ width: 375, height: 812 });
        try {
          await page.goto(`${s.base}/`);
          // The <summary> of <details class="menu">: browsers expose it as a button that says
          // whether it is expanded (Playwright's role queries do not map <summary>).
          const menu = page.locator('header summary', { hasText: 'Menu' });
          const catalog = page.getByRole('link', { name: 'Catalog', exact: true });
          const french = page.getByRole('button', { name: 'Français', exact: true });
          await expectVisible(menu, 'the Menu button');
          assert(!(await catalog.isVisible()), 'the menu entries show at 375 px before opening the menu');
          const header = await page.locator('header').boundingBox();
          assert(header.height <= 100, `the folded header is ${header.height} px high`);
          // Keyboard: Tab to the button, Enter opens it.
          await menu.focus();
          await page.keyboard.press('Enter');
          await expectVisible(catalog, 'the Catalog entry in the open menu');
          await expectVisible(french, 'the language switch in the open menu');
          assert(await page.locator('details.menu').evaluate((d) => d.open), 'the menu is not open');
          await checkAccessibility(page, 'the open menu at 375 px');
          if (SCREENSHOTS_DIR && SCREENSHOTS_DIR !== 'off') {
            await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'menu-open.en.375.png') });
          }
          await page.keyboard.press('Enter');
          assert(!(await catalog.isVisible()), 'Enter on the Menu button does not close the menu');
        } finally {
          await page.setViewportSize({ width: 1280, height: 720 });
        }
        // Wider, the same entries show in the header without the button.
        await page.goto(`${s.base}/`);
        assert(!(await page.locator('header summary').isVisible()), 'a Menu button on a desktop');
        await expectVisible(page.getByRole('link', { name: 'Catalog', exact: true }), 'the Catalog entry on a desktop');
      },
    ],
    [
      'screenshots: home, sign-in and sign-up as a visitor, the empty dashboard (axe on each)',
      async () => {
        const visitor = await s.browser.newContext({ locale: 'en-US' });
        try {
          const vp = await visitor.newPage();
          for (const [name, p] of [
            ['home', '/'],
            ['signin', '/signin'],
            ['signup', '/signup'],
          ]) {
            const resp = await vp.goto(`${s.base}${p}`);
            assert(resp && resp.status() === 200, `GET ${p} answered ${resp && resp.status()}`);
            await screenshot(vp, name);
          }
        } finally {
          await visitor.close();
        }
        const { page } = s;
        await page.goto(`${s.base}/`);
        await expectVisible(heading(`Hello, ${USER.name}`), `the heading "Hello, ${USER.name}"`);
        await screenshot(page, 'dashboard-empty');
      },
    ],
  ];
}

// ---------------------------------------------------------------------------------------------
// Main

await runScenario({ scenario });
