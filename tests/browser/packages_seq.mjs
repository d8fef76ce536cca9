// End-to-end test of SCORM 2004 sequencing in headless Chromium, with Amphi's own sequenced
// package (tests/fixtures/scorm-sequenced, zipped here): a pretest that skips the lessons when
// passed, lessons in a flow-only, forward-only cluster, a post-test of two attempts at most, a
// custom rollup where only the post-test counts. scorm-again's engine runs in the player; the
// table of contents and Previous / Next follow it; its state survives a reload; a long suspend
// data is not lost when the tab closes (keepalive and beacons carry 64 KB at most); the result
// reaches the item, the gradebook and the course team's results, where the team resets the
// learner's attempts. axe-core checks the pages and the player.
//
//   cd tests/browser && npm ci && node packages_seq.mjs
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM, SCREENSHOTS_DIR (see lib.mjs).
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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
const SOURCE = path.join(HERE, '..', 'fixtures', 'scorm-sequenced');
const PASSWORD = 'correct horse battery staple';
const TEACHER = { name: 'Tess Teacher', email: 'tess@example.test', password: PASSWORD };
const LEARNER = { name: 'Lena Learner', email: 'lena@example.test', password: PASSWORD };
const COURSE = { code: 'SEQ1', title: 'Sequencing', summary: 'A sequenced package.' };
const RUN_NAME = 'Spring';
const ITEM = 'Sequenced course';

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

// The package zipped from its source (python's zipfile: flat, as the manifest expects).
function zipPackage(dir) {
  const out = path.join(dir, 'sequenced.zip');
  const files = fs.readdirSync(SOURCE).map((f) => path.join(SOURCE, f));
  execFileSync('python3', ['-m', 'zipfile', '-c', out, ...files]);
  return out;
}

// The player's frame (content origin) in the item page.
async function playerFrame(page) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const f = page.frames().find((fr) => /\/p\/[^/]+\/$/.test(fr.url()));
    if (f) return f;
    if (Date.now() > deadline) throw new Failure(`no player; frames: ${page.frames().map((fr) => fr.url()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The SCO loaded in the player (`name`: pretest, lesson or posttest), once it has initialised.
async function sco(page, name, extra = () => true) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().includes(`/f/${name}.html`));
    if (f) {
      const ready = await f.evaluate(() => document.body && document.body.getAttribute('data-ready')).catch(() => null);
      if (ready === '1' && (await extra(f))) return f;
    }
    if (Date.now() > deadline) throw new Failure(`the SCO ${name} did not load; frames: ${page.frames().map((fr) => fr.url()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function tocButton(player, title) {
  return player.locator('.toc-item', { hasText: title });
}

async function expectDisabled(locator, disabled, what) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await locator.isDisabled();
    if (now === disabled) return;
    if (Date.now() > deadline) throw new Failure(`${what} is ${now ? 'disabled' : 'enabled'}, expected ${disabled ? 'disabled' : 'enabled'}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

// What the server says of the learner's attempts (the item's API, as the learner).
async function attemptsOf(page, s) {
  const r = await page.request.get(`${s.base}/learn/${s.run}/items/${s.item}`);
  return r.text();
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
  const itemPage = () => `/learn/${s.run}/items/${s.item}`;
  return [
    [
      'the course team makes a package item and uploads the sequenced package',
      async () => {
        const page = s.page;
        s.teacherPage = page;
        await signIn(page, TEACHER);
        await go(page, '/account/tokens');
        await page.getByLabel('Token name').fill('sequencing set-up');
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
          kind: 'package', title: ITEM, body: 'Pretest, lessons, post-test.', published: true, max_points: '20',
        });
        s.item = it.id;
        await go(page, `/teach/runs/${s.run}/items/${s.item}/package`);
        await page.getByLabel('Package (.zip)').setInputFiles(zipPackage(s.tmp));
        await page.getByRole('button', { name: 'Upload', exact: true }).click();
        await page.waitForLoadState('load');
        await expectVisible(page, page.getByText('Learners get version 1: Sequenced course'), 'the current version');
      },
    ],
    [
      'the learner starts: the pretest; the lessons cannot be chosen, Previous is refused (axe)',
      async () => {
        const { context, page } = await s.newPage();
        s.page = page;
        s.learnerPage = page;
        s.learnerContext = context;
        await signIn(page, LEARNER);
        await go(page, `/courses/${COURSE.code}`);
        await page.getByRole('region', { name: RUN_NAME, exact: true }).getByRole('button', { name: 'Enrol', exact: true }).click();
        await page.waitForURL((u) => u.pathname === `/learn/${s.run}`, { timeout: 10_000 });
        await go(page, itemPage());
        const pre = await sco(page, 'pretest');
        assert((await pre.evaluate(() => document.body.getAttribute('data-valid-previous'))) === 'false', 'adl.nav.request_valid.previous is false at the start');
        const player = await playerFrame(page);
        await expectDisabled(player.locator('#nav-prev'), true, 'Previous');
        await expectDisabled(player.locator('#nav-next'), false, 'Next');
        await expectDisabled(await tocButton(player, 'Lesson 1'), true, 'Lesson 1 in the contents (choice is off in the cluster)');
        await expectDisabled(await tocButton(player, 'Post-test'), false, 'the post-test in the contents');
        await checkAccessibility(page, 'the item page with the sequenced package');
        await checkAccessibility(player, 'the player');
      },
    ],
    [
      'the pretest failed: nothing follows by itself; Next goes to lesson 1, whose Previous is refused',
      async () => {
        const page = s.learnerPage;
        const pre = await sco(page, 'pretest');
        await pre.locator('#fail').click();
        const player = await playerFrame(page);
        await expectVisible(page, player.getByText('This part has ended'), 'the end of the pretest');
        await expectDisabled(player.locator('#nav-next'), false, 'Next');
        await player.locator('#nav-next').click();
        const l1 = await sco(page, 'lesson', (f) => f.url().includes('n=1'));
        assert((await l1.evaluate(() => document.body.getAttribute('data-valid-previous'))) === 'false', 'forward only: no previous from lesson 1');
        await expectDisabled(player.locator('#nav-prev'), true, 'Previous in lesson 1');
        await l1.locator('#next').click();
        await sco(page, 'lesson', (f) => f.url().includes('n=2'));
        await expectDisabled(player.locator('#nav-prev'), true, 'Previous in lesson 2 (forward only)');
      },
    ],
    [
      'lesson 2 keeps a 64,000-character state, moves a page and the tab closes: nothing is lost',
      async () => {
        let page = s.learnerPage;
        let l2 = await sco(page, 'lesson', (f) => f.url().includes('n=2'));
        await l2.locator('#big').click();
        await expectVisible(page, l2.getByText('kept'), 'the long state set');
        // Committed at once (it is long); then a small change that only the last commit carries.
        await page.waitForTimeout(1500);
        await l2.locator('#page').click();
        await expectVisible(page, l2.getByText('page 8'), 'the page moved');
        // The tab closes: the SCO suspends and terminates as it goes, its last commit (the
        // location) leaves as a beacon, without the long state the server already has.
        await page.close({ runBeforeUnload: true });
        await new Promise((r) => setTimeout(r, 500));
        page = await s.learnerContext.newPage();
        s.page = page;
        s.learnerPage = page;
        await go(page, itemPage());
        l2 = await sco(page, 'lesson', (f) => f.url().includes('n=2'));
        const seen = await l2.evaluate(() => ({
          entry: document.body.getAttribute('data-entry'),
          location: document.body.getAttribute('data-location'),
          length: window.sco.get('cmi.suspend_data').length,
        }));
        assert(seen.entry === 'resume', `the closing tab's last commit arrived: lesson 2 resumes (cmi.entry ${seen.entry})`);
        assert(seen.location === 'page-8', `the closing tab's last commit arrived (location ${seen.location})`);
        assert(seen.length === 64000, `the long state is whole (${seen.length} characters)`);
        const player = await playerFrame(page);
        await expectDisabled(player.locator('#nav-prev'), true, 'Previous in a new tab (the state is back)');
      },
    ],
    [
      'the post-test: failed, then passed on the second and last attempt; it is then disabled',
      async () => {
        const page = s.learnerPage;
        const l2 = await sco(page, 'lesson', (f) => f.url().includes('n=2'));
        await l2.locator('#next').click();
        let post = await sco(page, 'posttest');
        await post.locator('#fail').click();
        const player = await playerFrame(page);
        const entry = await tocButton(player, 'Post-test');
        await expectDisabled(entry, false, 'the post-test after one attempt');
        await entry.click();
        post = await sco(page, 'posttest');
        await post.locator('#pass').click();
        await expectDisabled(entry, true, 'the post-test after its two attempts');
        // The engine's rollup and the server's agree.
        const root = await player.evaluate(() => {
          const st = JSON.parse(window.API_1484_11.serializeSequencingState()).sequencing.activityStates.course;
          return `${st.completionStatus}/${st.successStatus}`;
        });
        assert(root === 'completed/passed', `the engine's course is ${root}`);
        const deadline = Date.now() + 15_000;
        for (;;) {
          const html = await attemptsOf(page, s);
          const done = /class="badge ok">completed</i.test(html);
          const row = /<td>1<\/td><td>Completed<\/td><td>Passed<\/td><td>85 %<\/td>/.test(html);
          if (done && row) break;
          if (Date.now() > deadline) throw new Failure(`the item is not done and passed at 85 %: done=${done}, attempt row=${row}`);
          await new Promise((r) => setTimeout(r, 300));
        }
      },
    ],
    [
      'a new session: the post-test stays disabled; the grade is 17 / 20 (axe)',
      async () => {
        const page = s.learnerPage;
        await go(page, `/learn/${s.run}`);
        await go(page, itemPage());
        const player = await playerFrame(page);
        await expectDisabled(await tocButton(player, 'Post-test'), true, 'the post-test in a new session');
        await go(page, `/learn/${s.run}/grades`);
        const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: ITEM }) });
        await expectVisible(page, row, `a row for "${ITEM}"`);
        const text = (await row.innerText()).replace(/\s+/g, ' ');
        assert(/\b17 \/ 20\b/.test(text), `the row says ${JSON.stringify(text)}, expected 17 / 20`);
        await checkAccessibility(page, 'the grades page');
      },
    ],
    [
      "the course team resets the learner's attempts, after confirming (axe, screenshot)",
      async () => {
        const page = s.teacherPage;
        s.page = page;
        await go(page, `/teach/runs/${s.run}/items/${s.item}/package/report`);
        const row = page.getByRole('row').filter({ hasText: LEARNER.name });
        await expectVisible(page, row, 'the learner in the results');
        await row.getByText(`Reset the attempts of ${LEARNER.name}`).click();
        await checkAccessibility(page, 'the results page with the reset confirmation');
        await screenshot(page, 'package-reset');
        // The screenshots reloaded the page (in each language): the confirmation opens again.
        await row.getByText(`Reset the attempts of ${LEARNER.name}`).click();
        await row.getByRole('button', { name: 'Reset attempts' }).click();
        await expectVisible(page, page.getByText("The learner's attempts were reset"), 'the reset said');
        await expectVisible(page, page.getByText('No learner has opened this package yet.'), 'no attempt left');
      },
    ],
    [
      'attempt 1 afresh: the pretest passed skips the lessons to the post-test and hides them; Previous leaves the open post-test',
      async () => {
        const page = s.learnerPage;
        s.page = page;
        await go(page, itemPage());
        const pre = await sco(page, 'pretest');
        const player = await playerFrame(page);
        await expectVisible(page, player.getByRole('button', { name: 'Lesson 1' }), 'the lessons in the contents before the pretest');
        await pre.locator('#pass').click();
        await sco(page, 'posttest');
        // The lessons' cluster reads the pretest's global objective: hidden from choice now.
        const deadline = Date.now() + 10_000;
        while (await player.getByRole('button', { name: 'Lesson 1' }).isVisible()) {
          if (Date.now() > deadline) throw new Failure('the lessons are still in the contents after the pretest passed');
          await new Promise((r) => setTimeout(r, 150));
        }
        // Previous while the post-test is open: it is left (it suspends and terminates as it
        // unloads), then the engine flows backwards; a forward-only cluster is entered at its
        // first child (SN book SB.2.1), whatever the cluster's skip rule says.
        await expectDisabled(player.locator('#nav-prev'), false, 'Previous in the post-test');
        await player.locator('#nav-prev').click();
        await sco(page, 'lesson', (f) => f.url().includes('n=1'));
        const html = await attemptsOf(page, s);
        assert(!/class="badge ok">completed</i.test(html), 'the item is no longer done after the reset');
      },
    ],
  ];
}

async function setup(s) {
  assert(fs.existsSync(path.join(SOURCE, 'imsmanifest.xml')), `the package source is expected in ${SOURCE}`);
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
