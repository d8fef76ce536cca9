// End-to-end test of cmi5 in headless Chromium. The AU is ours (fixtures/cmi5-au: one
// question) and speaks through the real @xapi/cmi5 library (npm), zipped here with it. The
// course team uploads the course; a learner opens the item: Amphi launches the AU in the
// player's frame on the content origin, the library fetches its token, reads LMS.LaunchData,
// says initialized; the learner answers, the AU says progressed, completed, passed, terminated
// and returns; the player shows the course satisfied, the item is done and the gradebook has
// the score; the LRS holds the registration in cmi5's order. axe-core checks every page.
//
//   cd tests/browser && npm ci && node cmi5.mjs
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM, SCREENSHOTS_DIR (see lib.mjs).
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Failure,
  amphiCli,
  assert,
  checkAccessibility,
  expectOk,
  expectVisible,
  heading,
  runScenario,
  screenshot,
} from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const AU_SOURCE = path.join(HERE, 'fixtures', 'cmi5-au');
const LIBRARY = path.join(HERE, 'node_modules', '@xapi', 'cmi5', 'dist', 'Cmi5.umd.js');
const PASSWORD = 'correct horse battery staple';
const TEACHER = { name: 'Tess Teacher', email: 'tess@example.test', password: PASSWORD };
const LEARNER = { name: 'Lena Learner', email: 'lena@example.test', password: PASSWORD };
const COURSE = { code: 'ARITH1', title: 'Arithmetic', summary: 'Sums.' };
const RUN_NAME = 'Spring';
const ITEM = 'Arithmetic check';

/** The AU's zip: cmi5.xml, the AU's page and script, and the library as lib/cmi5.umd.js. */
function buildZip() {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'amphi-cmi5-')), 'arithmetic.zip');
  const py = `
import sys, zipfile
out, src, lib = sys.argv[1:4]
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for name in ('cmi5.xml', 'index.html', 'au.js'):
        z.write(f'{src}/{name}', name)
    z.write(lib, 'lib/cmi5.umd.js')
`;
  execFileSync('python3', ['-c', py, out, AU_SOURCE, LIBRARY]);
  return out;
}

async function api(s, method, p, body) {
  const r = await fetch(`${s.base}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${s.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status >= 300) throw new Failure(`${method} /api/v1${p} answered ${r.status}: ${text.slice(0, 600)}`);
  return text ? JSON.parse(text) : null;
}

// The player's frame (cmi5 player on the content origin) and the AU's frame inside it.
async function frames(page, wantAu = true) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const player = page.frames().find((f) => /\/p\/[^/]+\/$/.test(f.url()));
    const au = player && player.childFrames().find((f) => f.url().includes('/f/index.html'));
    if (player && (au || !wantAu)) return { player, au };
    if (Date.now() > deadline) {
      throw new Failure(`the cmi5 player or AU did not load; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function scenario(s) {
  const go = async (page, p) => {
    const resp = await page.goto(`${s.base}${p}`);
    expectOk(resp, `GET ${p}`);
  };
  const signIn = async (page, who) => {
    await go(page, '/signin');
    await page.getByLabel('Email address').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectVisible(page, heading(page, `Hello, ${who.name}`), `the home page of ${who.name}`);
  };
  return [
    [
      'the course team uploads a cmi5 course to a package item (axe)',
      async () => {
        const page = s.page;
        s.teacherPage = page;
        assert(fs.existsSync(LIBRARY), `@xapi/cmi5 is expected at ${LIBRARY} (npm ci)`);
        await signIn(page, TEACHER);
        await go(page, '/account/tokens');
        await page.getByLabel('Token name').fill('cmi5 set-up');
        for (const scope of [/^Read/, /^Write/, /^Admin/]) {
          const box = page.getByRole('checkbox', { name: scope });
          if (await box.count()) await box.check();
        }
        await page.getByRole('button', { name: 'Create the token' }).click();
        const tokenEl = page.locator('#new-token');
        await expectVisible(page, tokenEl, 'the new token (#new-token)');
        s.token = (await tokenEl.textContent()).trim();
        const course = await api(s, 'POST', '/courses', COURSE);
        const run = await api(s, 'POST', `/courses/${course.id}/runs`, { name: RUN_NAME, published: true });
        s.run = run.id;
        const m = await api(s, 'POST', `/runs/${s.run}/modules`, { title: 'Week 1', published: true });
        const it = await api(s, 'POST', `/runs/${s.run}/modules/${m.id}/items`, {
          kind: 'package', title: ITEM, body: 'One question.', published: true, max_points: '10',
        });
        s.item = it.id;
        await go(page, `/teach/runs/${s.run}/items/${s.item}/package`);
        await page.getByLabel('Package (.zip)').setInputFiles(buildZip());
        await page.getByRole('button', { name: 'Upload', exact: true }).click();
        await page.waitForLoadState('load');
        await expectVisible(page, page.getByText('Learners get version 1: Arithmetic check'), 'the current version');
        await expectVisible(page, page.getByRole('cell', { name: 'cmi5' }), 'the standard in the versions table');
        await checkAccessibility(page, 'the package page with a cmi5 course');
      },
    ],
    [
      'the learner opens the item: the AU launches, fetches its token and initializes (axe)',
      async () => {
        const { page } = await s.newPage();
        s.page = page;
        s.learnerPage = page;
        await signIn(page, LEARNER);
        await go(page, `/courses/${COURSE.code}`);
        await page.getByRole('region', { name: RUN_NAME, exact: true }).getByRole('button', { name: 'Enrol', exact: true }).click();
        await page.waitForURL((u) => u.pathname === `/learn/${s.run}`, { timeout: 10_000 });
        await go(page, `/learn/${s.run}/items/${s.item}`);
        await expectVisible(page, heading(page, ITEM), `the heading "${ITEM}"`);
        const { player, au } = await frames(page);
        assert(player.url().startsWith(`${s.server.content}/p/`), `the player comes from ${player.url()}`);
        const params = new URL(au.url()).searchParams;
        for (const p of ['endpoint', 'fetch', 'actor', 'registration', 'activityId']) {
          assert(params.get(p), `the launch URL lacks ${p}: ${au.url()}`);
        }
        s.registration = params.get('registration');
        await expectVisible(page, au.getByText('Ready (Normal)'), 'the AU initialized in Normal mode');
        await expectVisible(page, au.getByText('no cookie'), 'the AU sees no cookie');
        await checkAccessibility(page, 'the item page with the cmi5 player');
        await screenshot(page, 'cmi5-learner');
      },
    ],
    [
      "the course team sees the learner's attempt with its unit and the waiver form (axe)",
      async () => {
        const page = s.teacherPage;
        s.page = page;
        await go(page, `/teach/runs/${s.run}/items/${s.item}/package/attempts/${s.registration}`);
        await expectVisible(page, page.getByRole('heading', { name: 'Assignable units' }), 'the units of the attempt');
        const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Two plus two' }) });
        await expectVisible(page, row.getByRole('button', { name: 'Waive this unit' }), 'the waiver form of the unit');
        await checkAccessibility(page, "a cmi5 attempt's page");
        s.page = s.learnerPage;
      },
    ],
    [
      'the learner answers: completed, passed, terminated; the player shows the course satisfied',
      async () => {
        const page = s.learnerPage;
        const { au } = await frames(page);
        await au.getByLabel('4').check();
        await au.getByRole('button', { name: 'Submit' }).click();
        const { player } = await frames(page, false);
        await expectVisible(page, player.getByText('You have met every requirement of this course.'), 'the course satisfied');
        const state = await player.locator('[data-au]').getAttribute('data-state');
        assert(state === 'passed', `the AU's state in the contents is ${state}`);
        await checkAccessibility(page, 'the cmi5 player after the AU returned');
      },
    ],
    [
      'the item is done and the gradebook has 9 / 10 (axe)',
      async () => {
        const page = s.learnerPage;
        await go(page, `/learn/${s.run}/grades`);
        const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: ITEM }) });
        await expectVisible(page, row, `a row for "${ITEM}"`);
        const text = (await row.innerText()).replace(/\s+/g, ' ');
        assert(/\b9 \/ 10\b/.test(text), `the row says ${JSON.stringify(text)}, expected 9 / 10`);
        await checkAccessibility(page, 'the grades page');
        const html = await (await page.request.get(`${s.base}/learn/${s.run}/items/${s.item}`)).text();
        assert(/class="badge ok">completed</i.test(html), 'the item is done');
      },
    ],
    [
      "the tenant's LRS holds the registration in cmi5's order",
      async () => {
        const made = await api(s, "POST", "/xapi/clients", { name: "report", scopes: ["statements/read"] });
        const auth = `Basic ${Buffer.from(`${made.client.key}:${made.secret}`).toString('base64')}`;
        const r = await fetch(`${s.base}/xapi/statements?registration=${s.registration}&ascending=true`, {
          headers: { Authorization: auth, 'X-Experience-API-Version': '1.0.3' },
        });
        const body = await r.json();
        const verbs = body.statements.map((st) => st.verb.id.split('/').pop());
        // Each reload of the item page launched the AU again: the session it left is abandoned.
        const last = verbs.lastIndexOf('launched');
        const want = ['launched', 'initialized', 'progressed', 'completed', 'passed', 'satisfied', 'satisfied', 'terminated'];
        assert(JSON.stringify(verbs.slice(last)) === JSON.stringify(want), `the registration says ${verbs.join(', ')}`);
        const earlier = verbs.slice(0, last).join(',').split('launched,').filter(Boolean);
        assert(earlier.every((session) => /abandoned,?$/.test(session)), `sessions left without terminated: ${verbs.join(', ')}`);
      },
    ],
  ];
}

async function setup(s) {
  for (const [who, extra] of [
    [TEACHER, ['--admin']],
    [LEARNER, []],
  ]) {
    const out = amphiCli(
      s.server,
      ['admin', 'create-user', '--email', who.email, '--name', who.name, ...extra, '--password-stdin'],
      `${who.password}\n`,
    );
    console.log(`    amphi admin create-user ${who.email}${extra.length ? ' --admin' : ''}: ${out.trim()}`);
  }
}

await runScenario({ scenario, setup });
