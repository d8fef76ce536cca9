// End-to-end test of single sign-on in headless Chromium, through a real OpenID Connect
// provider (node oidc-provider, tests/peers/oidc) and a real SAML 2.0 IdP (pysaml2,
// tests/peers/saml_idp), each on a free loopback port: a tenant administrator adds the
// providers on the admin pages; a visitor signs in with each button, through the provider's
// login form, and lands signed in with an account made on the way; a forged callback shows the
// sign-in error page. axe-core checks the provider form, the sign-in page and the error page.
//
//   (cd tests/peers/oidc && npm ci) && cd tests/browser && npm ci && node sso.mjs
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM (see lib.mjs).
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  Failure,
  amphiCli,
  checkAccessibility,
  expectOk,
  expectVisible,
  freePort,
  heading,
  runScenario,
} from './lib.mjs';

const PEER_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'oidc');
const ADMIN = { name: 'Ada Admin', email: 'ada@example.test', password: 'correct horse battery staple' };

const SAML_IDP = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'saml_idp', 'idp.py');

let peer = null;
let samlIdp = null;
const stopPeer = () => {
  if (peer && peer.exitCode === null) peer.kill('SIGTERM');
  if (samlIdp && samlIdp.exitCode === null) samlIdp.kill('SIGTERM');
};

// The pysaml2 IdP of tests/peers/saml_idp, trusting the SP described by `spMetadata`.
async function startSamlIdp(spMetadata) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amphi-saml-idp-'));
  for (const name of ['idp', 'other']) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj',
      `/CN=amphi-test-${name}`, '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.crt`)],
    { stdio: 'ignore' });
  }
  fs.writeFileSync(path.join(dir, 'sp.xml'), spMetadata);
  const port = await freePort();
  samlIdp = spawn('python3', [SAML_IDP, '--dir', dir, '--port', String(port)], {
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (samlIdp.exitCode !== null) throw new Failure(`the SAML IdP exited (${samlIdp.exitCode}); run scripts/test.sh`);
    try {
      const r = await fetch(`${base}/metadata`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return base;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Failure('the SAML IdP did not answer within 30 s');
    await sleep(200);
  }
}
process.on('exit', stopPeer);

async function startPeer(callback) {
  const port = await freePort();
  peer = spawn('node', ['server.mjs'], {
    cwd: PEER_DIR,
    env: { ...process.env, PORT: String(port), CALLBACKS: callback },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const issuer = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (peer.exitCode !== null) throw new Failure(`oidc-provider exited (${peer.exitCode}); run npm ci in ${PEER_DIR}`);
    try {
      const r = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return issuer;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Failure('oidc-provider did not answer within 30 s');
    await sleep(200);
  }
}

function scenario(s) {
  const go = async (page, p) => {
    const resp = await page.goto(`${s.base}${p}`);
    expectOk(resp, `GET ${p}`);
  };
  return [
    [
      'the administrator adds an OpenID Connect provider on the admin pages',
      async () => {
        const page = s.page;
        s.adminPage = page;
        await go(page, '/signin');
        await page.getByLabel('Email address').fill(ADMIN.email);
        await page.getByLabel('Password').fill(ADMIN.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await expectVisible(page, heading(page, `Hello, ${ADMIN.name}`), 'the home page');
        await go(page, '/admin/identity-providers');
        await page.getByLabel('Kind').selectOption('oidc');
        await page.getByRole('button', { name: 'Add a provider' }).click();
        await expectVisible(page, heading(page, 'Add a provider — OpenID Connect'), 'the provider form');
        await checkAccessibility(page, 'the provider form');
        await page.getByLabel('Short name').fill('corp');
        await page.getByLabel('Name on the sign-in button').fill('Corp ID');
        // Plain fields, no JSON.
        await page.getByLabel('Issuer or discovery URL').fill(s.issuer);
        await page.getByLabel('Client id').fill('amphi');
        await page.getByLabel('Client secret').fill('amphi-secret');
        await page.getByLabel('Scopes').fill('email profile groups');
        await page.getByRole('button', { name: 'Save' }).click();
        await expectVisible(page, heading(page, 'Corp ID'), 'the saved provider');
        await expectVisible(page, page.getByText(`${s.base}/sso/oidc/corp/callback`), 'the callback URL');
        if ((await page.content()).includes('amphi-secret')) throw new Failure('the client secret is shown back');
        // The test button checks discovery and keys against the real provider.
        await page.getByRole('button', { name: 'Test the connection' }).click();
        await expectVisible(page, page.getByText('The connection works.'), 'the connection test');
        await checkAccessibility(page, 'the provider page with its test report');
      },
    ],
    [
      'a visitor signs in with the provider button and lands signed in',
      async () => {
        const { page } = await s.newPage();
        s.page = page;
        // The provider's built-in login page asks for a stylesheet on the internet and a
        // favicon it does not have: answer both here (this machine reaches no outside host).
        await page.route(
          (u) => !u.toString().startsWith('http://127.0.0.1') || u.pathname === '/favicon.ico',
          (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
        );
        await go(page, '/signin');
        await checkAccessibility(page, 'the sign-in page with a provider');
        await page.getByRole('link', { name: 'Sign in with Corp ID' }).click();
        await page.waitForURL((u) => u.toString().startsWith(s.issuer), { timeout: 10_000 });
        await page.locator('input[name=login]').fill('alice');
        await page.locator('input[name=password]').fill('anything');
        await page.locator('button[type=submit]').first().click();
        await page.waitForURL((u) => u.toString().startsWith(s.base), { timeout: 15_000 }).catch(() => {
          throw new Failure(`expected to come back to Amphi, got ${page.url()}`);
        });
        await expectVisible(page, heading(page, 'Hello, Alice'), 'the home page of the new account');
        await go(page, '/account');
        await expectVisible(page, page.getByText('alice@example.test').first(), 'the account email');
      },
    ],
    [
      'the administrator adds a SAML identity provider from its metadata',
      async () => {
        const page = s.adminPage;
        s.page = page;
        await go(page, '/admin/identity-providers/new?kind=saml');
        await page.getByLabel('Short name').fill('school');
        await page.getByLabel('Name on the sign-in button').fill('School SAML');
        // The IdP needs our metadata first: saved with a placeholder, then pointed at the IdP.
        await page.getByLabel('Identity provider metadata URL').fill('http://127.0.0.1:9/metadata');
        await page.getByRole('button', { name: 'Save' }).click();
        await expectVisible(page, heading(page, 'School SAML'), 'the saved provider');
        await expectVisible(page, page.getByText(`${s.base}/sso/saml/school/metadata`), 'the metadata URL');
        const md = await fetch(`${s.base}/sso/saml/school/metadata`);
        if (md.status !== 200) throw new Failure(`SP metadata: ${md.status}`);
        const spMetadata = await md.text();
        s.samlBase = await startSamlIdp(spMetadata);
        console.log(`    pysaml2 IdP at ${s.samlBase}`);
        await page.getByLabel('Identity provider metadata URL').fill(`${s.samlBase}/metadata`);
        await page.getByRole('button', { name: 'Save' }).click();
        await expectVisible(page, page.getByRole('status').filter({ hasText: 'The identity provider was saved.' }), 'the saved notice');
        await page.getByRole('button', { name: 'Test the connection' }).click();
        await expectVisible(page, page.getByText('The connection works.'), 'the SAML metadata test');
        // The SP keys survived the edit: the IdP still trusts the same metadata.
        const md2 = await (await fetch(`${s.base}/sso/saml/school/metadata`)).text();
        if (md2 !== spMetadata) throw new Failure('the SP metadata changed when the provider was edited');
      },
    ],
    [
      'a visitor signs in with the SAML button and lands signed in',
      async () => {
        const { page } = await s.newPage();
        s.page = page;
        await page.route(
          (u) => !u.toString().startsWith('http://127.0.0.1') || u.pathname === '/favicon.ico',
          (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
        );
        await go(page, '/signin?next=/catalog');
        await page.getByRole('link', { name: 'Sign in with School SAML' }).click();
        await page.waitForURL((u) => u.toString().startsWith(s.samlBase), { timeout: 10_000 });
        await page.getByLabel('User').fill('bob');
        await page.getByLabel('Password').fill('bobpw');
        await page.getByRole('button', { name: 'Sign in' }).click();
        // pysaml2's answer is a form posting the response to our ACS (submitted by script, or
        // by its button without one).
        const back = await page
          .waitForURL((u) => u.toString().startsWith(`${s.base}/catalog`), { timeout: 5_000 })
          .then(() => true)
          .catch(() => false);
        if (!back) {
          await page.locator('input[type=submit], button').first().click();
          await page.waitForURL((u) => u.toString().startsWith(`${s.base}/catalog`), { timeout: 10_000 }).catch(() => {
            throw new Failure(`expected to come back to the catalog, got ${page.url()}`);
          });
        }
        await go(page, '/account');
        await expectVisible(page, page.getByText('bob@example.test').first(), 'the account email');
      },
    ],
    [
      'signing out goes through the IdP single logout and comes back signed out',
      async () => {
        const page = s.page;
        await page.getByRole('button', { name: 'Sign out', exact: true }).click();
        // Our page goes on to the IdP by itself; the IdP answers to our SLO URL, which lands
        // on the home page with the signed-out message.
        await page
          .waitForURL((u) => u.pathname === '/' && u.toString().startsWith(s.base), { timeout: 10_000 })
          .catch(() => {
            throw new Failure(`expected to come back home after the single logout, got ${page.url()}`);
          });
        await expectVisible(page, page.getByText('You are signed out.'), 'the signed-out message');
        await checkAccessibility(page, 'the home page after single logout');
        await go(page, '/account');
        if (!new URL(page.url()).pathname.startsWith('/signin')) {
          throw new Failure(`still signed in after sign-out: ${page.url()}`);
        }
      },
    ],
    [
      'a forged callback shows the sign-in error page and signs nobody in',
      async () => {
        const { page } = await s.newPage();
        s.page = page;
        // Fetched by the page's own request context: a 401 document would be logged by
        // Chromium as a console error, which the harness counts as a failure.
        const resp = await page.request.get(`${s.base}/sso/oidc/corp/callback?state=forged&code=x`);
        if (resp.status() !== 401) throw new Failure(`expected 401, got ${resp.status()}`);
        const html = await resp.text();
        if (!html.includes('<h1>Sign-in failed</h1>') || !html.includes('data-reason="state_invalid"')) {
          throw new Failure(`not the sign-in error page: ${html.slice(0, 400)}`);
        }
        if ((resp.headers()['set-cookie'] || '').includes('amphi_session=')) {
          throw new Failure('a session cookie was set');
        }
        await page.setContent(html);
        await checkAccessibility(page, 'the sign-in error page');
        const cookies = await page.context().cookies();
        if (cookies.some((c) => c.name === 'amphi_session')) throw new Failure('a session cookie was set');
      },
    ],
  ];
}

async function setup(s) {
  const out = amphiCli(
    s.server,
    ['admin', 'create-user', '--email', ADMIN.email, '--name', ADMIN.name, '--admin', '--password-stdin'],
    `${ADMIN.password}\n`,
  );
  console.log(`    amphi admin create-user ${ADMIN.email} --admin: ${out.trim()}`);
  s.issuer = await startPeer(`${s.base}/sso/oidc/corp/callback`);
  console.log(`    oidc-provider at ${s.issuer}`);
}

try {
  await runScenario({ scenario, setup });
} finally {
  stopPeer();
}
