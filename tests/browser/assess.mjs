// End-to-end test of assessment in headless Chromium: an instructor builds a course with a
// question bank (imported as GIFT text) and a timed quiz drawing from it; a learner takes the
// quiz (the countdown shows, answers are saved as they go, the attempt is submitted), sees the
// score, the feedback and the course grade on their grades page; the instructor sees the grade
// in the gradebook. Then a peer-assessed essay: the learner and three others hand in, the
// instructor opens the review phase, the three others review the learner's essay with the
// rubric, the instructor publishes the results; the grade appears, the course is passed, and the
// certificate PDF downloads and verifies on the public page. axe-core checks the quiz settings,
// the attempt, the grades page, the gradebook and the verification page.
//
//   cd tests/browser && npm ci && node assess.mjs
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM (see lib.mjs).
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

import {
  Failure,
  amphiCli,
  assert,
  checkAccessibility,
  screenshot,
  expectOk,
  expectVisible,
  heading,
  runScenario,
} from './lib.mjs';

const PASSWORD = 'correct horse battery staple';
const TEACHER = { name: 'Teacher Q', email: 'teacher@example.test', password: PASSWORD };
const LEARNER = { name: 'Quinn Learner', email: 'quinn@example.test', password: PASSWORD };
const PEERS = ['Rita', 'Sam', 'Tom'].map((n) => ({
  name: `${n} Peer`,
  email: `${n.toLowerCase()}@example.test`,
  password: PASSWORD,
}));
const ESSAY = 'Peer-reviewed essay';
const RUBRIC = 'Argument: Weak = 0; Fair = 2; Strong = 4';

const COURSE = { code: 'QUIZ101', title: 'Quizzes for everyone', summary: 'A course with a quiz.' };
const RUN_NAME = 'Winter session';
const MODULE = 'Week 1';
const QUIZ = 'Check your knowledge';
const GIFT = `$CATEGORY: Basics

::Capital::The capital of France? {=Paris ~London ~Berlin}

::Sky::The sky is blue. {T}

::Half::One half as a decimal? {#0.5:0.01}
`;

function scenario(s) {
  const as = (who) => {
    s.page = who === 'learner' ? s.learner.page : s.teacherPage;
    return s.page;
  };
  const go = async (page, p) => {
    const resp = await page.goto(`${s.base}${p}`);
    expectOk(resp, `GET ${p}`);
  };
  const landOn = async (page, test, what) => {
    await page.waitForURL((u) => test(u), { timeout: 10_000 }).catch(() => {
      throw new Failure(`expected to land on ${what}, got ${page.url()}`);
    });
  };
  const flash = (page, text) => page.getByRole('status').filter({ hasText: text });
  const expectFlash = (page, text) => expectVisible(page, flash(page, text), `the notice "${text}"`);
  const region = (page, name) => page.getByRole('region', { name, exact: true });
  const signIn = async (page, who) => {
    await go(page, '/signin');
    await page.getByLabel('Email address').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectVisible(page, heading(page, `Hello, ${who.name}`), `the heading "Hello, ${who.name}"`);
  };

  return [
    [
      'the instructor creates a course and an edition',
      async () => {
        s.teacherPage = s.page;
        const page = as('teacher');
        await signIn(page, TEACHER);
        await go(page, '/teach');
        await page.getByRole('link', { name: 'Create the first course', exact: true }).click();
        await page.getByRole('textbox', { name: 'Course code' }).fill(COURSE.code);
        await page.getByRole('textbox', { name: 'Title', exact: true }).fill(COURSE.title);
        await page.getByRole('textbox', { name: 'Summary' }).fill(COURSE.summary);
        await page.getByRole('radio', { name: 'MOOC', exact: true }).check();
        await page.getByRole('button', { name: 'Create the course' }).click();
        await landOn(page, (u) => /^\/teach\/courses\/[0-9a-f-]{36}$/.test(u.pathname), 'the course page');
        s.courseId = new URL(page.url()).pathname.split('/')[3];
        // The "New edition" panel of a course without one is open.
        await page.getByRole('textbox', { name: 'Edition name' }).fill(RUN_NAME);
        await page.getByRole('checkbox', { name: 'Published (visible to learners)' }).check();
        await page.getByRole('button', { name: 'Create the edition' }).click();
        await landOn(page, (u) => /^\/teach\/runs\/[0-9a-f-]{36}\/outline$/.test(u.pathname), 'the outline');
        s.runId = new URL(page.url()).pathname.split('/')[3];
        console.log(`    run ${s.runId}`);
      },
    ],
    [
      'the instructor imports a question bank as GIFT text',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/courses/${s.courseId}/questions`);
        await page.getByRole('textbox', { name: 'Or paste GIFT text' }).fill(GIFT);
        await page.getByRole('button', { name: 'Import', exact: true }).click();
        await expectVisible(page, page.getByText('3 questions imported'), 'the import notice');
      },
    ],
    [
      'the instructor adds a timed quiz drawing from the bank (axe on its settings)',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/outline`);
        const form = region(page, 'New module');
        await form.getByRole('textbox', { name: 'Title', exact: true }).fill(MODULE);
        await form.getByRole('checkbox', { name: 'Published', exact: true }).check();
        await form.getByRole('button', { name: 'Add the module' }).click();
        await expectFlash(page, 'The module has been added.');
        const m = region(page, MODULE);
        await m.getByRole('combobox', { name: 'Kind' }).selectOption('quiz');
        await m.getByRole('textbox', { name: 'Title of the item' }).fill(QUIZ);
        await m.getByRole('button', { name: 'Add the item' }).click();
        await landOn(page, (u) => /^\/teach\/runs\/[^/]+\/items\/[^/]+$/.test(u.pathname), 'the item editor');
        s.quizId = new URL(page.url()).pathname.split('/').pop();
        await page.getByRole('checkbox', { name: 'Published', exact: true }).check();
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expectFlash(page, 'The item has been saved.');
        await page.getByRole('link', { name: 'Quiz settings', exact: true }).click();
        await expectVisible(page, heading(page, `Quiz settings: ${QUIZ}`), 'the quiz settings page');
        // The picker finds questions by words and names their types.
        const picker = region(page, 'Add questions from the bank');
        await picker.getByRole('searchbox', { name: 'Words of the title' }).fill('sky');
        await picker.getByRole('button', { name: 'Show', exact: true }).click();
        await expectVisible(page, picker.getByRole('checkbox', { name: 'Sky' }), 'Sky in the picker');
        assert((await picker.getByRole('checkbox', { name: 'Capital' }).count()) === 0, 'the search did not filter');
        assert(/True\/false/.test(await picker.innerText()), 'the type is not shown by its name');
        // Random questions: the category says what it holds; asking for more is refused there.
        const draw = region(page, 'Add random questions from a category');
        await draw.getByRole('combobox', { name: 'Category' }).selectOption('Basics');
        await expectVisible(page, draw.getByText('The category holds 3 questions.'), 'the live count');
        await draw.getByRole('spinbutton', { name: 'How many questions to draw' }).fill('9');
        await draw.getByRole('textbox', { name: 'Points for each question' }).fill('1');
        await draw.getByRole('button', { name: 'Add the random questions' }).click();
        const again = region(page, 'Add random questions from a category');
        await expectVisible(page, again.getByText('The category does not have that many questions.').first(), 'the refusal at the count');
        await again.getByRole('spinbutton', { name: 'How many questions to draw' }).fill('3');
        await again.getByRole('button', { name: 'Add the random questions' }).click();
        await expectFlash(page, 'The random questions have been added at the end of the quiz.');
        const list = page.locator('table.quiz-slots');
        await expectVisible(page, list, 'the question list');
        const listText = (await list.innerText()).replace(/[\u2068\u2069]/g, '');
        assert(listText.includes('3 random questions from “Basics”'), `the draw is not listed: ${listText}`);
        // Reordering by drag: a question ticked in the picker lands last, is dragged above the
        // draw (the page says to save), keeps its place once saved, then is removed again.
        await region(page, 'Add questions from the bank').getByRole('checkbox', { name: 'Sky' }).check();
        await region(page, 'Add questions from the bank').getByRole('button', { name: 'Add the ticked questions' }).click();
        await expectFlash(page, 'The ticked questions have been added at the end of the quiz.');
        const rows = page.locator('table.quiz-slots tbody tr');
        assert((await rows.count()) === 2, 'Sky was not added to the list');
        await rows.nth(1).dragTo(rows.nth(0));
        await expectVisible(page, page.getByText('Moved. Save the quiz to keep this order.'), 'the note after a drag');
        assert((await rows.nth(0).innerText()).includes('Sky'), 'the drag did not move Sky up');
        assert(await rows.nth(0).getByRole('button', { name: /Move up/ }).isDisabled(), 'the first row can still move up');
        await page.getByRole('button', { name: 'Save the quiz', exact: true }).click();
        await expectFlash(page, 'The quiz settings are saved.');
        assert((await rows.nth(0).innerText()).includes('Sky'), 'the dragged order was not saved');
        await rows.nth(0).getByRole('button', { name: 'Remove Sky' }).click();
        await expectFlash(page, 'The quiz settings are saved.');
        assert((await rows.count()) === 1, 'Sky was not removed');
        await page.getByRole('spinbutton', { name: 'Time limit (minutes, empty for none)' }).fill('5');
        await page.getByRole('spinbutton', { name: 'Attempts allowed' }).fill('2');
        await page.getByRole('combobox', { name: 'Show the correct answers' }).selectOption('immediately');
        await page.getByRole('button', { name: 'Save the quiz', exact: true }).click();
        await expectFlash(page, 'The quiz settings are saved.');
        await checkAccessibility(page, 'the quiz settings page');
      },
    ],
    [
      'the learner enrols and starts the timed quiz (axe on the attempt)',
      async () => {
        s.learner = await s.newPage();
        const page = as('learner');
        await signIn(page, LEARNER);
        await go(page, `/courses/${COURSE.code}`);
        await region(page, RUN_NAME).getByRole('button', { name: 'Enrol', exact: true }).click();
        await landOn(page, (u) => u.pathname === `/learn/${s.runId}`, 'the course home');
        await page.getByRole('link', { name: QUIZ, exact: true }).click();
        await expectVisible(page, heading(page, QUIZ), `the heading "${QUIZ}"`);
        await expectVisible(page, page.getByText('Once started, you have 5 minutes.'), 'the timer warning');
        await page.getByRole('button', { name: 'Start the quiz' }).click();
        await landOn(page, (u) => /\/attempts\/[0-9a-f-]{36}$/.test(u.pathname), 'the attempt');
        const timer = page.getByRole('timer');
        await expectVisible(page, timer, 'the countdown');
        const t1 = await timer.innerText();
        await page.waitForTimeout(1500);
        const t2 = await timer.innerText();
        assert(/[0-4]:[0-5]\d/.test(t2) && t1 !== t2, `the countdown does not run: "${t1}" then "${t2}"`);
        // The sticky countdown never covers a question's text: at the top of the page, and
        // when a link leads to the first question (the page has scrolled under the timer).
        for (const where of ['the top of the page', '#question-1']) {
          if (where !== 'the top of the page') {
            await page.evaluate((h) => { window.location.hash = h; }, where);
            await page.waitForTimeout(200);
          }
          const overlap = await page.evaluate(() => {
            const t = document.getElementById('quiz-timer').getBoundingClientRect();
            const q = document.querySelector('#question-1 .prose, #question-1 legend').getBoundingClientRect();
            return { timerBottom: t.bottom, textTop: q.top };
          });
          assert(
            overlap.timerBottom <= overlap.textTop + 1,
            `at ${where}, the timer (bottom ${overlap.timerBottom}) covers the first question (top ${overlap.textTop})`,
          );
        }
        // A number asked without units has no "Unit" box, and its field starts at the left.
        const half = page.getByRole('group').filter({ hasText: 'One half as a decimal?' });
        assert((await half.getByRole('textbox', { name: 'Unit' }).count()) === 0, 'a "Unit" box nobody asked for');
        const placed = await half.evaluate((fs) => {
          const input = fs.querySelector('input[inputmode="decimal"]').getBoundingClientRect();
          const legend = fs.querySelector('legend').getBoundingClientRect();
          return { input: input.left, legend: legend.left };
        });
        assert(placed.input - placed.legend < 40, `the numeric field is not at the left: ${JSON.stringify(placed)}`);
        await checkAccessibility(page, 'the quiz attempt');
      },
    ],
    [
      'the learner answers; answers are saved as they go',
      async () => {
        const page = as('learner');
        const question = (text) => page.getByRole('group').filter({ hasText: text });
        const saved = page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url().endsWith('/save'),
          { timeout: 10_000 },
        );
        await question('The capital of France?').getByLabel('Paris').check();
        const resp = await saved.catch(() => {
          throw new Failure('no autosave request after choosing an answer');
        });
        assert(resp.status() === 200, `autosave answered ${resp.status()}`);
        await expectVisible(page, page.getByRole('status').filter({ hasText: 'Saved (1 answered)' }), 'the saved notice');
        // Submitting now warns about the two questions left, naming them; the learner stays.
        let warned = '';
        page.once('dialog', (d) => {
          warned = d.message();
          d.dismiss();
        });
        await page.getByRole('button', { name: 'Submit the attempt' }).click();
        assert(
          /Not answered yet: Question \d, Question \d\./.test(warned),
          `the confirmation does not name the unanswered questions: ${JSON.stringify(warned)}`,
        );
        assert(/\/attempts\/[0-9a-f-]{36}$/.test(new URL(page.url()).pathname), 'the attempt was left');
        await question('The sky is blue.').getByLabel('True').check();
        await question('One half as a decimal?').getByRole('textbox', { name: 'Your answer' }).fill('0.5');
        // A reload keeps what was saved (the numeric answer is saved after its change event).
        await page.getByRole('textbox', { name: 'Your answer' }).blur();
        await page.waitForResponse((r) => r.url().endsWith('/save'), { timeout: 10_000 });
        await page.reload();
        assert(await question('The capital of France?').getByLabel('Paris').isChecked(), 'Paris is not kept after a reload');
        await screenshot(page, 'quiz');
      },
    ],
    [
      'the learner submits and sees the score and feedback',
      async () => {
        const page = as('learner');
        let asked = '';
        page.once('dialog', (d) => {
          asked = d.message();
          d.accept();
        });
        await page.getByRole('button', { name: 'Submit the attempt' }).click();
        await expectFlash(page, 'Your attempt is submitted.');
        assert(!/Not answered/.test(asked), `all answered, yet the confirmation says: ${JSON.stringify(asked)}`);
        const result = region(page, 'Result');
        await expectVisible(page, result.getByText('3 / 3 points'), 'the score "3 / 3 points"');
        await expectVisible(page, result.getByText('100 %'), 'the percentage "100 %"');
        const correct = page.getByText('Correct answer:').first();
        await expectVisible(page, correct, 'the correct answers');
        const sky = page.getByRole('group').filter({ hasText: 'The sky is blue.' });
        const skyText = await sky.innerText();
        assert(/Correct answer: True/.test(skyText), `the true/false answer is not said as "True": ${JSON.stringify(skyText)}`);
        assert(/1 of 1 point\b/.test(skyText) && !/points/.test(skyText), `points without plural rules: ${JSON.stringify(skyText)}`);
        await screenshot(page, 'quiz-result');
      },
    ],
    [
      'the learner sees the course grade on their grades page (axe)',
      async () => {
        const page = as('learner');
        await go(page, `/learn/${s.runId}/grades`);
        await expectVisible(page, heading(page, 'My grades'), 'the heading "My grades"');
        await expectVisible(page, page.getByText('100 %').first(), 'the course grade 100 %');
        await expectVisible(page, page.getByText('Passed', { exact: true }).first(), 'the badge "Passed"');
        await checkAccessibility(page, 'the grades page');
        await screenshot(page, 'grades');
      },
    ],
    [
      'the instructor sees the grade in the gradebook (axe)',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/gradebook`);
        await expectVisible(page, heading(page, 'Gradebook'), 'the heading "Gradebook"');
        const row = page.getByRole('row').filter({ hasText: LEARNER.email });
        await expectVisible(page, row, `the row of ${LEARNER.email}`);
        const text = await row.innerText();
        assert(/100 %/.test(text) && /\b3\b/.test(text), `the gradebook row says ${JSON.stringify(text)}`);
        await checkAccessibility(page, 'the gradebook');
        await screenshot(page, 'gradebook');
        const csv = await page.request.get(`${s.base}/teach/runs/${s.runId}/gradebook.csv`);
        const body = await csv.text();
        assert(csv.status() === 200 && body.includes(`${LEARNER.email},3,100,yes`), `gradebook.csv: ${body}`);
      },
    ],
    [
      'the instructor adds a peer-assessed essay and turns certificates on',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/outline`);
        const m = region(page, MODULE);
        await m.getByRole('combobox', { name: 'Kind' }).selectOption('peer');
        await m.getByRole('textbox', { name: 'Title of the item' }).fill(ESSAY);
        await m.getByRole('button', { name: 'Add the item' }).click();
        await landOn(page, (u) => /^\/teach\/runs\/[^/]+\/items\/[^/]+$/.test(u.pathname), 'the item editor');
        s.essayId = new URL(page.url()).pathname.split('/').pop();
        await page.getByRole('checkbox', { name: 'Published', exact: true }).check();
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expectFlash(page, 'The item has been saved.');
        await go(page, `/teach/runs/${s.runId}/items/${s.essayId}/assessment`);
        await page.getByRole('textbox', { name: 'Rubric' }).fill(RUBRIC);
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expectFlash(page, 'The settings are saved.');
        await go(page, `/teach/runs/${s.runId}/certificates`);
        await page.getByRole('checkbox', { name: 'This edition gives certificates to the learners who pass it' }).check();
        await page.getByRole('spinbutton', { name: 'Minimum completion (%)' }).fill('0');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await landOn(page, (u) => u.pathname === `/teach/runs/${s.runId}/certificates`, 'the certificates page');
      },
    ],
    [
      'four learners hand in their essays',
      async () => {
        const handIn = async (page, text) => {
          await go(page, `/learn/${s.runId}/items/${s.essayId}`);
          await page.getByRole('textbox', { name: 'Your answer' }).fill(text);
          await page.getByRole('button', { name: 'Hand in', exact: true }).click();
          await landOn(page, (u) => u.pathname === `/learn/${s.runId}/items/${s.essayId}`, 'the essay page');
        };
        await handIn(as('learner'), 'Photosynthesis turns light, water and carbon dioxide into sugar.');
        s.peers = [];
        for (const who of PEERS) {
          const p = await s.newPage();
          s.peers.push(p);
          s.page = p.page;
          await signIn(p.page, who);
          await go(p.page, `/courses/${COURSE.code}`);
          await region(p.page, RUN_NAME).getByRole('button', { name: 'Enrol', exact: true }).click();
          await landOn(p.page, (u) => u.pathname === `/learn/${s.runId}`, 'the course home');
          await handIn(p.page, `An essay by ${who.name}.`);
        }
      },
    ],
    [
      'the instructor opens the review phase; the three others review the essay',
      async () => {
        const page = as('teacher');
        const minuteAgo = new Date(Date.now() - 60_000).toISOString().slice(0, 16);
        await go(page, `/teach/runs/${s.runId}/items/${s.essayId}/assessment`);
        await page.getByLabel('Reviews open').fill(minuteAgo);
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expectFlash(page, 'The settings are saved.');
        for (const p of s.peers) {
          s.page = p.page;
          const tasks = region(p.page, 'Reviews to do');
          // The allocation job runs in the server's worker: wait for it.
          for (let i = 0; i < 40; i++) {
            await go(p.page, `/learn/${s.runId}/items/${s.essayId}`);
            if ((await tasks.count()) > 0) break;
            await p.page.waitForTimeout(500);
          }
          await expectVisible(p.page, tasks, 'the reviews to do');
          const links = await tasks.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
          assert(links.length === 3, `expected 3 reviews to do, got ${links.length}`);
          for (const href of links) {
            await go(p.page, href);
            await p.page.getByRole('group', { name: 'Argument' }).getByLabel('Strong (4').check();
            await p.page.getByRole('textbox', { name: 'Comment for the author' }).fill('Clear and well argued.');
            await p.page.getByRole('button', { name: 'Send the review' }).click();
            await expectFlash(p.page, 'Your review is sent.');
          }
        }
      },
    ],
    [
      'the instructor publishes the results; the grade appears and the course is passed',
      async () => {
        const page = as('teacher');
        const minuteAgo = new Date(Date.now() - 60_000).toISOString().slice(0, 16);
        await go(page, `/teach/runs/${s.runId}/items/${s.essayId}/assessment`);
        await page.getByLabel('Results', { exact: true }).fill(minuteAgo);
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expectFlash(page, 'The settings are saved.');
        const learner = as('learner');
        const grade = region(learner, 'Your grade');
        for (let i = 0; i < 40; i++) {
          await go(learner, `/learn/${s.runId}/items/${s.essayId}`);
          if ((await grade.count()) > 0) break;
          await learner.waitForTimeout(500);
        }
        await expectVisible(learner, grade.getByText('4 out of 4'), 'the essay grade 4 out of 4');
        await go(learner, `/learn/${s.runId}/grades`);
        await expectVisible(learner, learner.getByText('Passed', { exact: true }).first(), 'the badge "Passed"');
      },
    ],
    [
      'the certificate PDF downloads and verifies on the public page (axe)',
      async () => {
        const page = as('learner');
        const download = page.getByRole('link', { name: /Download the certificate/ }).first();
        for (let i = 0; i < 40; i++) {
          await go(page, '/certificates');
          if ((await download.count()) > 0) break;
          await page.waitForTimeout(500);
        }
        await expectVisible(page, download, 'the certificate download link');
        const pdf = await page.request.get(`${s.base}${await download.getAttribute('href')}`);
        const bytes = await pdf.body();
        assert(
          pdf.status() === 200 && pdf.headers()['content-type'] === 'application/pdf' && bytes.subarray(0, 5).toString() === '%PDF-',
          `the certificate download answered ${pdf.status()} ${pdf.headers()['content-type']}`,
        );
        const code = (await page.locator('td code').first().innerText()).trim();
        const anon = await s.newPage();
        s.page = anon.page;
        await go(anon.page, `/verify/${code}`);
        await expectVisible(anon.page, anon.page.getByText('This certificate is valid.'), 'the valid certificate');
        await expectVisible(anon.page, anon.page.getByText(LEARNER.name), 'the learner name');
        await checkAccessibility(anon.page, 'the verification page');
      },
    ],
  ];
}

async function setup(s) {
  for (const [who, extra] of [
    [TEACHER, ['--admin']],
    [LEARNER, []],
    ...PEERS.map((p) => [p, []]),
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
