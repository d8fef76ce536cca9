// End-to-end test of SCORM packages in headless Chromium, with Rustici's public golf example
// "SCORM 1.2 run-time basic calls" read from ../shared/fixtures (never copied here). The course
// team uploads a broken zip (every problem listed) and then the package; a learner plays it in
// the item's frame: the player and the SCO come from the content origin (another port), whose
// scripts cannot read Amphi's cookies or pages. The learner moves on a few pages, reloads and
// resumes where they left, takes the final test, passes, and finds the item done and the score
// on their grades page; the course team sees it in the results. axe-core checks every page.
//
//   cd tests/browser && npm ci && node packages.mjs
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM, SCREENSHOTS_DIR, AMPHI_FIXTURES
// (default ../../../shared/fixtures from this folder; see lib.mjs).
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

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
const FIXTURES = process.env.AMPHI_FIXTURES || path.join(HERE, '..', '..', '..', 'shared', 'fixtures');
const GOLF = path.join(FIXTURES, 'scorm', 'singlescobasic.zip');
const PASSWORD = 'correct horse battery staple';
const TEACHER = { name: 'Tess Teacher', email: 'tess@example.test', password: PASSWORD };
const LEARNER = { name: 'Lena Learner', email: 'lena@example.test', password: PASSWORD };
const COURSE = { code: 'GOLF1', title: 'Golf for beginners', summary: 'Learn golf.' };
const RUN_NAME = 'Spring';
const ITEM = 'Golf explained';

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

// The golf SCO's frame (its launch page) once it has loaded, and the page it shows.
async function scoFrame(page) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().includes('/f/shared/launchpage.html'));
    if (f) {
      const content = f.childFrames().find((c) => /\/f\/(Playing|Etiquette|Handicapping|HavingFun|shared)\//.test(c.url()));
      if (content) return { sco: f, content };
    }
    if (Date.now() > deadline) {
      throw new Failure(`the golf SCO did not load; frames: ${page.frames().map((fr) => fr.url()).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Clicks the golf SCO's "Next" and waits for its next page.
async function next(page) {
  const { sco, content } = await scoFrame(page);
  const before = content.url();
  await sco.locator('#butNext').click();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = (await scoFrame(page)).content;
    if (now.url() !== before) {
      await now.waitForLoadState('load');
      return now;
    }
    if (Date.now() > deadline) throw new Failure(`"Next" did not leave ${before}`);
    await new Promise((r) => setTimeout(r, 100));
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
  const packagePage = () => `/teach/runs/${s.run}/items/${s.item}/package`;
  const upload = async (page, file) => {
    await go(page, packagePage());
    await page.getByLabel('Package (.zip)').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.waitForLoadState('load');
  };
  return [
    [
      'the course team member signs in, makes an API token and a course with a package item',
      async () => {
        const page = s.page;
        s.teacherPage = page;
        assert(fs.existsSync(GOLF), `the golf fixture is expected at ${GOLF}`);
        await signIn(page, TEACHER);
        await go(page, '/account/tokens');
        await page.getByLabel('Token name').fill('packages set-up');
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
          kind: 'package', title: ITEM, body: 'Everything a beginner needs.', published: true,
        });
        s.item = it.id;
      },
    ],
    [
      'a file that is no package is refused with its problem listed (axe)',
      async () => {
        const page = s.teacherPage;
        const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'amphi-pkg-')), 'notes.zip');
        fs.writeFileSync(bad, 'these are notes, not a zip');
        await upload(page, bad);
        const problems = page.locator('#package-problems');
        await expectVisible(page, problems, 'the list of problems');
        const text = await problems.innerText();
        assert(/not a zip file/.test(text), `the problems say: ${text}`);
        await checkAccessibility(page, 'the package page with problems');
      },
    ],
    [
      'the golf package is uploaded: version 1 (axe, screenshot)',
      async () => {
        const page = s.teacherPage;
        await upload(page, GOLF);
        await expectVisible(page, page.getByText('Learners get version 1: Golf Explained - Run-time Basic Calls'), 'the current version');
        await expectVisible(page, page.getByRole('cell', { name: 'SCORM 1.2' }), 'the standard in the versions table');
        await checkAccessibility(page, 'the package page');
        await screenshot(page, 'package-teach');
      },
    ],
    [
      'the learner opens the item: the golf course plays from the content origin (axe)',
      async () => {
        const { page } = await s.newPage();
        s.page = page;
        s.learnerPage = page;
        page.on('dialog', (d) => d.accept());
        await signIn(page, LEARNER);
        await go(page, `/courses/${COURSE.code}`);
        await page.getByRole('region', { name: RUN_NAME, exact: true }).getByRole('button', { name: 'Enrol', exact: true }).click();
        await page.waitForURL((u) => u.pathname === `/learn/${s.run}`, { timeout: 10_000 });
        await go(page, `/learn/${s.run}/items/${s.item}`);
        await expectVisible(page, heading(page, ITEM), `the heading "${ITEM}"`);
        const src = await page.locator('.package-frame iframe').getAttribute('src');
        assert(src.startsWith(`${s.server.content}/p/`), `the player comes from ${src}, expected the content origin ${s.server.content}`);
        const { sco, content } = await scoFrame(page);
        await content.waitForLoadState('load');
        assert(/Playing\/Playing\.html$/.test(content.url()), `the first page is ${content.url()}`);
        await checkAccessibility(page, 'the item page with the package');
      },
    ],
    [
      "the package's scripts cannot read Amphi's cookies or pages",
      async () => {
        const { sco } = await scoFrame(s.learnerPage);
        const seen = await sco.evaluate(async (base) => {
          const out = { cookie: document.cookie, top: 'readable', fetch: 'readable' };
          try {
            out.top = String(window.top.document.title);
          } catch (e) {
            out.top = 'blocked';
          }
          // Without CORS from Amphi, a cross-origin answer is opaque: no status, no body.
          const r = await fetch(`${base}/account`, { credentials: 'include', mode: 'no-cors' });
          const body = await r.text();
          out.fetch = r.type === 'opaque' && r.status === 0 && body === '' ? 'blocked' : `answered ${r.status}: ${body.slice(0, 80)}`;
          return out;
        }, s.base);
        assert(seen.cookie === '', `the package sees cookies: ${seen.cookie}`);
        assert(seen.top === 'blocked', `the package reads the Amphi page: ${seen.top}`);
        assert(seen.fetch === 'blocked', `the package fetched an Amphi page: ${seen.fetch}`);
      },
    ],
    [
      'the learner moves on two pages, leaves, comes back and resumes there',
      async () => {
        const page = s.learnerPage;
        let content = null;
        for (let i = 0; i < 2; i++) content = await next(page);
        assert(/Playing\/Scoring\.html$/.test(content.url()), `after two pages the SCO shows ${content.url()}`);
        // Leaving the page: the SCO suspends in its unload handler, the player sends it out.
        await go(page, `/learn/${s.run}`);
        await go(page, `/learn/${s.run}/items/${s.item}`);
        ({ content } = await scoFrame(page));
        await content.waitForLoadState('load');
        const deadline = Date.now() + 10_000;
        while (!/Playing\/Scoring\.html$/.test(content.url()) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          ({ content } = await scoFrame(page));
        }
        assert(/Playing\/Scoring\.html$/.test(content.url()), `after coming back the SCO shows ${content.url()}, expected the bookmark (Scoring)`);
      },
    ],
    [
      'the learner reaches the test, answers it and exits: passed, the item is done',
      async () => {
        const page = s.learnerPage;
        for (let i = 0; i < 30; i++) {
          const { content } = await scoFrame(page);
          if (/assessmenttemplate\.html/.test(content.url())) break;
          await next(page);
        }
        const { sco, content } = await scoFrame(page);
        await content.waitForLoadState('load');
        assert(/assessmenttemplate\.html/.test(content.url()), `the SCO shows ${content.url()}, expected the test`);
        // Every answer the test's own data says is right.
        await content.evaluate(() => {
          /* global test, QUESTION_TYPE_CHOICE, QUESTION_TYPE_TF */
          for (const q of test.Questions) {
            if (q.Type === QUESTION_TYPE_CHOICE) {
              document.getElementById(`question_${q.Id}_${q.Answers.indexOf(q.CorrectAnswer)}`).checked = true;
            } else if (q.Type === QUESTION_TYPE_TF) {
              document.getElementById(`question_${q.Id}_${q.CorrectAnswer ? 'True' : 'False'}`).checked = true;
            } else {
              document.getElementById(`question_${q.Id}_Text`).value = String(q.CorrectAnswer);
            }
          }
        });
        await content.getByRole('button', { name: 'Submit Answers' }).click();
        await expectVisible(page, content.getByText('Score: 100'), 'the score of the test');
        await sco.locator('#butExit').click();
        // The item's page (as the learner's browser asks for it) says done, passed, 100 %.
        const deadline = Date.now() + 15_000;
        for (;;) {
          const r = await page.request.get(`${s.base}/learn/${s.run}/items/${s.item}`);
          const html = await r.text();
          const done = /class="badge ok">completed</i.test(html);
          const row = /<td>1<\/td><td>Completed<\/td><td>Passed<\/td><td>100 %<\/td>/.test(html);
          if (done && row) break;
          if (Date.now() > deadline) throw new Failure(`the item is not done and passed: done=${done}, attempt row=${row}`);
          await new Promise((r2) => setTimeout(r2, 300));
        }
      },
    ],
    [
      'the learner finds the score on their grades page (axe)',
      async () => {
        const page = s.learnerPage;
        await go(page, `/learn/${s.run}/grades`);
        const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: ITEM }) });
        await expectVisible(page, row, `a row for "${ITEM}"`);
        const text = (await row.innerText()).replace(/\s+/g, ' ');
        assert(/\b100 \/ 100\b/.test(text), `the row says ${JSON.stringify(text)}, expected 100 / 100`);
        await checkAccessibility(page, 'the grades page');
      },
    ],
    [
      "the course team sees the learner's result and interactions (axe, screenshot)",
      async () => {
        const page = s.teacherPage;
        s.page = page;
        await go(page, `/teach/runs/${s.run}/items/${s.item}/package/report`);
        const row = page.getByRole('row').filter({ hasText: LEARNER.name });
        await expectVisible(page, row, 'the learner in the results');
        const text = (await row.innerText()).replace(/\s+/g, ' ');
        assert(/Passed/.test(text) && /100 %/.test(text), `the row says ${JSON.stringify(text)}`);
        await checkAccessibility(page, 'the results page');
        await screenshot(page, 'package-report');
        await row.getByRole('link', { name: LEARNER.name }).click();
        // This golf example records no interactions (the Rust tests cover their report).
        await expectVisible(page, heading(page, `${LEARNER.name}, attempt 1`), "the attempt's page");
        await expectVisible(page, page.getByText('This part recorded no interaction.'), 'the SCO of the attempt');
        await checkAccessibility(page, "an attempt's page");
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
