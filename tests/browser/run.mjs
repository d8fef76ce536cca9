// End-to-end test of Amphi in headless Chromium.
//
// Starts `amphi serve` in a fresh temporary folder on a free loopback port (embedded SQLite, or
// a fresh PostgreSQL database when AMPHI_TEST_DATABASE_URL is set), then drives one person
// through sign-up, email confirmation, sign-in, the language switcher, an API token and the
// API, with axe-core accessibility checks on the way; then an administrator's first day: the
// first-run checklist, adding and inviting people, the uploaded logo, a provider form in plain
// fields, the audit trail in French, dates in the browser's time zone.
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
  amphiCli,
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
const ADMIN = { name: 'Root Admin', email: 'root@example.test', password: 'correct horse battery staple' };
// The smallest PNG (1×1, transparent).
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082',
  'hex',
);

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
        // The counter under a limited field says the limit, then what is left as one types.
        await expectVisible(page.locator('#f-name-count').filter({ hasText: '120 characters at most.' }), 'the counter');
        await page.getByLabel('Full name').fill(USER.name);
        await expectVisible(page.locator('#f-name-count').filter({ hasText: '108 characters left.' }), 'the counter after typing');
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
      'a wrong password warns before sign-in pauses, with the way to reset it',
      async () => {
        const { page } = s;
        for (const n of [1, 2]) {
          await page.getByLabel('Email address').fill(USER.email);
          await page.getByLabel('Password').fill(`wrong ${n}`);
          await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        }
        await expectVisible(page.getByText('You have 3 tries left'), 'the warning before the pause');
        await expectVisible(page.getByRole('link', { name: 'Forgotten your password? Reset it by email' }), 'the reset link');
        await checkAccessibility(page, 'the sign-in page with its warning');
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
      'dates are shown in the browser\'s time zone when the profile has none',
      async () => {
        const { page } = await s.newPage({ timezoneId: 'Asia/Tokyo' });
        await page.goto(`${s.base}/signin`);
        await page.getByLabel('Email address').fill(USER.email);
        await page.getByLabel('Password').fill(USER.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await expectVisibleOn(page, headingOn(page, `Hello, ${USER.name}`), 'the dashboard');
        await page.goto(`${s.base}/account`);
        await expectVisibleOn(page, page.getByRole('cell', { name: / JST$/ }).first(), 'a session time in JST');
      },
    ],
    [
      'the administrator meets a first-run checklist',
      async () => {
        const { page } = await s.newPage();
        s.admin = page;
        await page.goto(`${s.base}/signin`);
        await page.getByLabel('Email address').fill(ADMIN.email);
        await page.getByLabel('Password').fill(ADMIN.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.goto(`${s.base}/admin`);
        await expectVisibleOn(page, page.getByRole('heading', { name: 'Getting your site ready' }), 'the checklist');
        await expectVisibleOn(page, page.getByText('0 of 4 steps done.'), 'the progress');
        await checkAccessibility(page, '/admin (checklist)');
        await page.getByRole('link', { name: 'Brand your site' }).click();
        await page.waitForURL((u) => u.pathname === '/admin/site');
      },
    ],
    [
      'the administrator uploads the site logo',
      async () => {
        const page = s.admin;
        await page.getByLabel('Logo (file)').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
        await page.getByRole('button', { name: 'Upload the logo' }).click();
        await expectVisibleOn(page, page.getByRole('status').filter({ hasText: 'The logo has been uploaded' }), 'the notice');
        const src = await page.locator('.brand img').getAttribute('src');
        assert(src && src.startsWith('/site/logo/'), `the header logo is ${src}`);
        await checkAccessibility(page, '/admin/site');
        await page.goto(`${s.base}/admin`);
        await expectVisibleOn(page, page.getByText('1 of 4 steps done.'), 'branding ticked');
      },
    ],
    [
      'the administrator adds a user and invites two people',
      async () => {
        const page = s.admin;
        await page.goto(`${s.base}/admin/users`);
        await page.getByText('Add a user').click();
        await page.getByRole('button', { name: 'Add user' }).click();
        await expectVisibleOn(page, page.getByRole('link', { name: 'Full name: This field is required.' }), 'the named error');
        await page.locator('#f-name').fill('Grace Hopper');
        await page.locator('#f-email').fill('grace@example.test');
        await page.getByRole('button', { name: 'Add user' }).click();
        await expectVisibleOn(page, page.getByRole('status').filter({ hasText: 'The account has been created' }), 'the notice');
        await page.getByText('Invite by email').click();
        await page.locator('#f-emails').fill('bob@example.test, cleo@example.test');
        await page.getByRole('button', { name: 'Send invitations' }).click();
        await expectVisibleOn(page, page.getByText('2 invitations sent.'), 'the invitations');
        await checkAccessibility(page, '/admin/users');
        let found = [];
        const deadline = Date.now() + 10_000;
        while (found.length < 3 && Date.now() < deadline) {
          found = readOutbox(s.outbox).filter((m) =>
            ['grace@', 'bob@', 'cleo@'].some((w) => (m.headers.to || '').includes(w)) && m.body.includes('/password/reset?token='),
          );
          if (found.length < 3) await sleep(200);
        }
        assert(found.length === 3, `expected 3 mails with a link to choose a password, got ${found.length}`);
      },
    ],
    [
      'the administrator finds a provider form in plain fields with the address to register',
      async () => {
        const page = s.admin;
        await page.goto(`${s.base}/admin/identity-providers/new?kind=oidc`);
        await page.getByLabel('Short name').fill('corp');
        await page.getByLabel('Name on the sign-in button').fill('Corp ID');
        await page.getByLabel('Issuer or discovery URL').fill('http://127.0.0.1:9');
        await page.getByLabel('Client id').fill('amphi');
        await page.getByLabel('Client secret').fill('s3cret');
        await page.getByRole('button', { name: 'Save' }).click();
        await expectVisibleOn(page, page.getByText(`${s.base}/sso/oidc/corp/callback`), 'the redirect URI');
        await expectVisibleOn(page, page.getByRole('button', { name: 'Copy' }).first(), 'the copy button');
        await page.getByRole('button', { name: 'Test the connection' }).click();
        await expectVisibleOn(page, page.getByText('The connection does not work yet.'), 'the test report');
        await checkAccessibility(page, 'the provider page with a test report');
      },
    ],
    [
      'the audit trail names its actions, in French too',
      async () => {
        const page = s.admin;
        await page.goto(`${s.base}/admin/audit`);
        await expectVisibleOn(page, page.getByRole('cell', { name: 'Sign-in failed' }).first(), 'a named action');
        await page.getByRole('button', { name: 'Français', exact: true }).click();
        await expectVisibleOn(page, page.getByRole('cell', { name: 'Échec de connexion' }).first(), 'the French name');
        await checkAccessibility(page, '/admin/audit (fr)');
        await page.getByRole('button', { name: 'English', exact: true }).click();
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

async function setup(s) {
  const out = amphiCli(
    s.server,
    ['admin', 'create-user', '--email', ADMIN.email, '--name', ADMIN.name, '--admin', '--password-stdin'],
    `${ADMIN.password}\n`,
  );
  console.log(`    amphi admin create-user ${ADMIN.email} --admin: ${out.trim()}`);
}

await runScenario({ scenario, setup });
