// End-to-end test of a course's life in headless Chromium: an instructor creates a MOOC with two
// modules (a page, a video with subtitles) and publishes an edition; a learner finds it in the
// catalog, enrols, watches the video, completes the page (the item page places it in the
// course outline, confirms and leads on to the next module, then to the end of the course) and
// sees the progress on the dashboard; the instructor sees the learner's progress. axe-core
// checks the outline editor, the catalog, the course home, the video page, an item page with
// its outline, the dashboard and the learners page.
//
// Starts `amphi serve` in a fresh temporary folder (embedded SQLite, or a fresh PostgreSQL
// database when AMPHI_TEST_DATABASE_URL is set); both accounts are made beforehand with
// `amphi admin create-user --password-stdin` on the same database.
//
//   cd tests/browser && npm ci && node courses.mjs
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM (see lib.mjs).
// Fixtures (committed; running this needs no ffmpeg):
//   fixtures/sample.webm    3 s, 160×90, 10 fps, VP8, no sound (23 KB), made with ffmpeg 5.1:
//     ffmpeg -f lavfi -i testsrc2=size=160x90:rate=10:duration=3 -c:v libvpx -b:v 60k \
//       -deadline good -auto-alt-ref 0 -an -pix_fmt yuv420p -map_metadata -1 \
//       -fflags +bitexact -flags:v +bitexact sample.webm
//   fixtures/sample.fr.vtt  French subtitles for it (two cues), written by hand
//
// Prints one line per step and ends with `N passed, M failed`; exits 1 on any failure.

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

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const VIDEO_FILE = path.join(FIXTURES, 'sample.webm');
const SUBTITLES_FILE = path.join(FIXTURES, 'sample.fr.vtt');

const PASSWORD = 'correct horse battery staple';
const TEACHER = { name: 'Teacher T', email: 'teacher@example.test', password: PASSWORD };
const LEARNER = { name: 'Lea Learner', email: 'learner@example.test', password: PASSWORD };

const COURSE = {
  code: 'RUST101',
  title: 'Rust from scratch',
  summary: 'A first course in Rust: **ownership**, borrowing and lifetimes, with exercises.',
  // A word of the summary only (not of the title), for the catalog search.
  searchWord: 'lifetimes',
};
const RUN_NAME = 'Autumn session';
const PAGE_ITEM = {
  module: 'Week 1',
  title: 'Ownership in one page',
  body: '# Ownership\n\nEvery value has **one owner**; when the owner goes, the value is dropped.\n',
  rendered: 'Every value has one owner',
};
const VIDEO_ITEM = {
  module: 'Week 2',
  title: 'Meet the borrow checker',
  transcript: 'Bonjour et bienvenue dans ce cours. Voici une courte vidéo de démonstration.',
};

// ---------------------------------------------------------------------------------------------
// The scenario

function scenario(s) {
  // s: { base, tmp, server, page (the instructor's), newPage, learner, runId, ... }
  // Who acts: makes that person's page the current one (photographed when a step fails).
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
  const signIn = async (page, who) => {
    await go(page, '/signin');
    await page.getByLabel('Email address').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectVisible(page, heading(page, `Hello, ${who.name}`), `the heading "Hello, ${who.name}"`);
  };
  // A section of the outline editor or of the course home (aria-labelledby its heading).
  const region = (page, name) => page.getByRole('region', { name, exact: true });
  const progressValue = async (locator, what) => {
    await expectVisible(s.page, locator, what);
    return locator.getAttribute('value');
  };
  const addModule = async (page, title) => {
    const form = region(page, 'New module');
    await form.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
    await form.getByRole('checkbox', { name: 'Published', exact: true }).check();
    await form.getByRole('button', { name: 'Add the module' }).click();
    await expectFlash(page, 'The module has been added.');
    // Its heading says "draft" unless it is published.
    await expectVisible(page, region(page, title), `the published module "${title}"`);
  };
  const addItem = async (page, module, kind, title) => {
    const m = region(page, module);
    await m.getByRole('combobox', { name: 'Kind' }).selectOption(kind);
    await m.getByRole('textbox', { name: 'Title of the item' }).fill(title);
    await m.getByRole('button', { name: 'Add the item' }).click();
    await landOn(page, (u) => /^\/teach\/runs\/[^/]+\/items\/[^/]+$/.test(u.pathname), 'the item editor');
    await expectFlash(page, 'The item has been added. Write its content, then publish it.');
    s.itemIds = { ...(s.itemIds || {}), [title]: new URL(page.url()).pathname.split('/').pop() };
  };
  const publishItem = async (page) => {
    const published = page.getByRole('checkbox', { name: 'Published', exact: true });
    await published.check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectFlash(page, 'The item has been saved.');
    assert(await published.isChecked(), 'the item is not published after saving');
  };

  return [
    [
      'the instructor signs in',
      async () => {
        s.teacherPage = s.page;
        await signIn(as('teacher'), TEACHER);
      },
    ],
    [
      'the instructor creates a listed MOOC',
      async () => {
        const page = as('teacher');
        await go(page, '/teach');
        await page.getByRole('link', { name: 'New course', exact: true }).click();
        await expectVisible(page, heading(page, 'New course'), 'the heading "New course"');
        await page.getByRole('textbox', { name: 'Course code' }).fill(COURSE.code);
        await page.getByRole('textbox', { name: 'Title', exact: true }).fill(COURSE.title);
        await page.getByRole('textbox', { name: 'Summary' }).fill(COURSE.summary);
        await page.getByRole('radio', { name: 'MOOC', exact: true }).check();
        await page.getByRole('radio', { name: 'Listed in the catalog' }).check();
        await page.getByRole('button', { name: 'Create the course' }).click();
        const coursePath = /^\/teach\/courses\/[0-9a-f-]{36}$/;
        await landOn(page, (u) => coursePath.test(u.pathname), '/teach/courses/{id}');
        await expectFlash(page, 'The course has been created. Now add an edition.');
        await expectVisible(page, heading(page, COURSE.title), `the heading "${COURSE.title}"`);
      },
    ],
    [
      'the instructor publishes an edition',
      async () => {
        const page = as('teacher');
        // A course without an edition opens its "New edition" panel: the next step.
        const name = page.getByRole('textbox', { name: 'Edition name' });
        await expectVisible(page, name, 'the open "New edition" panel');
        // Only the fields of the chosen policy show: no enrolment code for an open edition.
        const code = page.getByRole('textbox', { name: 'Enrolment code' });
        assert(!(await code.isVisible()), 'the enrolment code shows for an open edition');
        await page.getByRole('radio', { name: 'People with the enrolment code' }).check();
        await expectVisible(page, code, 'the enrolment code once the code policy is chosen');
        const domains = page.getByRole('textbox', { name: 'Allowed email domains' });
        assert(!(await domains.isVisible()), 'the email domains show for a code policy');
        await page.getByRole('radio', { name: 'Anyone signed in' }).check();
        assert(!(await code.isVisible()), 'the enrolment code still shows after going back to open');
        await name.fill(RUN_NAME);
        const open = page.getByRole('radio', { name: 'Anyone signed in' });
        assert(await open.isChecked(), 'a MOOC edition is not open to anyone signed in by default');
        await page.getByRole('checkbox', { name: 'Published (visible to learners)' }).check();
        await page.getByRole('button', { name: 'Create the edition' }).click();
        const outlinePath = /^\/teach\/runs\/[0-9a-f-]{36}\/outline$/;
        await landOn(page, (u) => outlinePath.test(u.pathname), 'the outline editor');
        await expectFlash(page, 'The edition has been created. Add modules and items.');
        await expectVisible(page, heading(page, 'Edit the outline'), 'the heading "Edit the outline"');
        s.runId = new URL(page.url()).pathname.split('/')[3];
        console.log(`    run ${s.runId}`);
      },
    ],
    [
      'the instructor adds two published modules',
      async () => {
        const page = as('teacher');
        await addModule(page, PAGE_ITEM.module);
        await addModule(page, VIDEO_ITEM.module);
      },
    ],
    [
      'the instructor writes and publishes a page in Week 1',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/outline`);
        await addItem(page, PAGE_ITEM.module, 'page', PAGE_ITEM.title);
        await page.getByRole('textbox', { name: 'Text', exact: true }).fill(PAGE_ITEM.body);
        await publishItem(page);
        const preview = region(page, 'Preview');
        const rendered = preview.getByText(PAGE_ITEM.rendered);
        await expectVisible(page, rendered, 'the rendered page in the preview');
      },
    ],
    [
      'the instructor adds a video with French subtitles in Week 2',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/outline`);
        await addItem(page, VIDEO_ITEM.module, 'video', VIDEO_ITEM.title);
        // The files panel is loaded by htmx: wait for it, or its swap would drop the chosen file.
        const files = region(page, 'Video file and subtitles');
        const subtitlesHeading = files.getByRole('heading', { name: 'Subtitles', level: 3 });
        await expectVisible(page, subtitlesHeading, 'the files panel (heading "Subtitles")');

        await files.getByLabel('Video file (MP4 or WebM)').setInputFiles(VIDEO_FILE);
        await files.getByRole('button', { name: 'Upload', exact: true }).click();
        await expectFlash(page, 'The file has been uploaded.');
        const videoLink = files.getByRole('link', { name: 'sample.webm' });
        await expectVisible(page, videoLink, 'the link to sample.webm');

        await files.getByRole('combobox', { name: 'Language of the subtitles' }).selectOption('fr');
        await files.getByLabel('Subtitle file (WebVTT)').setInputFiles(SUBTITLES_FILE);
        await files.getByRole('button', { name: 'Upload subtitles' }).click();
        await expectFlash(page, 'The file has been uploaded.');
        const sub = files.getByRole('listitem').filter({ hasText: '(fr)' });
        await expectVisible(page, sub.getByRole('link', { name: 'sample.fr.vtt' }), 'the French subtitles');

        await page.getByRole('textbox', { name: 'Transcript', exact: true }).fill(VIDEO_ITEM.transcript);
        await publishItem(page);
      },
    ],
    [
      'the outline lists both items, published (axe on the outline editor)',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/outline`);
        for (const it of [PAGE_ITEM, VIDEO_ITEM]) {
          const li = region(page, it.module).getByRole('listitem').filter({ hasText: it.title });
          const link = li.getByRole('link', { name: it.title });
          await expectVisible(page, link, `"${it.title}" in ${it.module}`);
          const text = await li.innerText();
          assert(!/\bdraft\b/i.test(text), `"${it.title}" is still a draft: ${JSON.stringify(text)}`);
        }
        await checkAccessibility(page, 'the outline editor');
      },
    ],
    [
      'the outline keeps a refused link, shows its error at its address, asks before deleting (axe)',
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/outline`);
        const m = region(page, PAGE_ITEM.module);
        const address = m.getByRole('textbox', { name: 'Address (link or video page)' });
        assert(!(await address.isVisible()), 'a page asks for an address');
        await m.getByRole('combobox', { name: 'Kind' }).selectOption('link');
        await expectVisible(page, address, 'the address field of a link');
        await m.getByRole('textbox', { name: 'Title of the item' }).fill('The Rust book');
        await address.fill('not an address');
        await m.getByRole('button', { name: 'Add the item' }).click();
        const again = region(page, PAGE_ITEM.module);
        const kept = again.getByRole('textbox', { name: 'Address (link or video page)' });
        await expectVisible(page, kept, 'the address field, shown again');
        assert((await kept.inputValue()) === 'not an address', 'the typed address was lost');
        const title = again.getByRole('textbox', { name: 'Title of the item' });
        assert((await title.inputValue()) === 'The Rust book', 'the typed title was lost');
        const kind = again.getByRole('combobox', { name: 'Kind' });
        assert((await kind.inputValue()) === 'link', 'the chosen kind was lost');
        assert((await kept.getAttribute('aria-invalid')) === 'true', 'the address is not marked invalid');
        const newModule = region(page, 'New module').getByRole('textbox', { name: 'Title', exact: true });
        assert((await newModule.getAttribute('aria-invalid')) !== 'true', 'the error went to the new module field');
        await checkAccessibility(page, 'the outline with a refused item');

        // Deleting a module asks first, on a page of its own, saying what goes with it.
        await addModule(page, 'Week 3');
        const w3 = region(page, 'Week 3');
        await w3.getByText('Module settings').click();
        await w3.getByRole('link', { name: 'Delete this module… Week 3' }).click();
        await expectVisible(page, heading(page, 'Delete the module “Week 3”?'), 'the confirmation');
        await checkAccessibility(page, 'the confirmation of a deletion');
        await page.getByRole('link', { name: 'No, keep it' }).click();
        await expectVisible(page, region(page, 'Week 3'), 'Week 3, kept');
        await go(page, `/teach/runs/${s.runId}/outline`);
        await region(page, 'Week 3').getByText('Module settings').click();
        await region(page, 'Week 3').getByRole('link', { name: 'Delete this module… Week 3' }).click();
        await page.getByRole('button', { name: 'Yes, delete the module and its items' }).click();
        await expectFlash(page, 'The module and its items have been deleted.');
        assert((await region(page, 'Week 3').count()) === 0, 'Week 3 is still there');
      },
    ],
    [
      'the learner signs in',
      async () => {
        s.learner = await s.newPage();
        await signIn(as('learner'), LEARNER);
      },
    ],
    [
      'the learner finds the course in the catalog (axe)',
      async () => {
        const page = as('learner');
        await go(page, '/catalog');
        await expectVisible(page, heading(page, 'Course catalog'), 'the heading "Course catalog"');
        await page.getByRole('searchbox', { name: 'Search courses' }).fill(COURSE.searchWord);
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        const q = COURSE.searchWord;
        await landOn(page, (u) => u.searchParams.get('q') === q, `/catalog?q=${q}`);
        const link = page.getByRole('link', { name: COURSE.title });
        const card = page.getByRole('listitem').filter({ has: link });
        await expectVisible(page, card, `a card for "${COURSE.title}"`);
        const cardText = await card.innerText();
        const quoted = JSON.stringify(cardText);
        assert(cardText.includes(RUN_NAME), `the card does not name the edition: ${quoted}`);
        assert(/enrolment open/.test(cardText), `the card does not say "enrolment open": ${quoted}`);
        await checkAccessibility(page, '/catalog (search results)');
      },
    ],
    [
      'the learner enrols and lands on the course home (axe)',
      async () => {
        const page = as('learner');
        await page.getByRole('link', { name: COURSE.title, exact: true }).click();
        await landOn(page, (u) => u.pathname === `/courses/${COURSE.code}`, `/courses/${COURSE.code}`);
        await expectVisible(page, heading(page, COURSE.title), `the heading "${COURSE.title}"`);
        const run = region(page, RUN_NAME);
        await run.getByRole('button', { name: 'Enrol', exact: true }).click();
        await landOn(page, (u) => u.pathname === `/learn/${s.runId}`, `/learn/${s.runId}`);
        await expectFlash(page, 'You are enrolled. Welcome!');
        await expectVisible(page, heading(page, COURSE.title), `the heading "${COURSE.title}"`);
        const bar = page.getByRole('progressbar', { name: 'Progress', exact: true });
        const value = await progressValue(bar, 'the course progress');
        assert(value === '0', `the course progress is ${value} right after enrolling, expected 0`);
        // Nothing done yet: "Start", not "Resume".
        await expectVisible(page, page.getByRole('link', { name: 'Start', exact: true }), 'the button "Start"');
        assert(
          (await page.getByRole('link', { name: 'Resume', exact: true }).count()) === 0,
          'the course home says "Resume" at 0 %',
        );
        await checkAccessibility(page, 'the course home');
      },
    ],
    [
      'the learner watches the video with its French track (axe)',
      async () => {
        const page = as('learner');
        await go(page, `/learn/${s.runId}`);
        await page.getByRole('link', { name: VIDEO_ITEM.title, exact: true }).click();
        await expectVisible(page, heading(page, VIDEO_ITEM.title), `the heading "${VIDEO_ITEM.title}"`);
        await page.waitForLoadState('load');
        const video = page.locator('video');
        await expectVisible(page, video, 'the <video>');
        const tracks = await page.locator('video track').evaluateAll((ts) =>
          ts.map((t) => ({ kind: t.kind, srclang: t.srclang, label: t.label })),
        );
        assert(
          tracks.length === 1 && tracks[0].kind === 'subtitles' && tracks[0].srclang === 'fr',
          `expected one <track kind="subtitles" srclang="fr">, got ${JSON.stringify(tracks)}`,
        );
        assert(
          (await video.getAttribute('data-track-progress')) === 'true',
          'the player does not report progress for this learner (no data-track-progress="true")',
        );
        await checkAccessibility(page, 'the video page');

        const progressPath = `/learn/${s.runId}/items/${s.itemIds[VIDEO_ITEM.title]}/progress`;
        const reported = page.waitForResponse(
          (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === progressPath,
          { timeout: 30_000 },
        );
        // The subtitles load once their track is enabled (hidden: loaded, not drawn).
        const cues = await video.evaluate(async (v) => {
          const el = v.querySelector('track');
          const loaded = new Promise((resolve) => {
            if (el.readyState === 2) resolve('loaded');
            el.addEventListener('load', () => resolve('loaded'), { once: true });
            el.addEventListener('error', () => resolve('error'), { once: true });
            setTimeout(() => resolve('timeout'), 10_000);
          });
          v.textTracks[0].mode = 'hidden';
          const state = await loaded;
          return { state, count: v.textTracks[0].cues ? v.textTracks[0].cues.length : 0 };
        });
        assert(
          cues.state === 'loaded' && cues.count === 2,
          `the French subtitles did not load in the player: ${JSON.stringify(cues)}, expected 2 cues`,
        );
        const played = await video.evaluate(async (v) => {
          const ended = new Promise((resolve) => v.addEventListener('ended', resolve, { once: true }));
          const canPlay = v.canPlayType('video/webm; codecs="vp8"');
          v.muted = true;
          await v.play();
          await ended;
          const ranges = [];
          for (let i = 0; i < v.played.length; i++) ranges.push([v.played.start(i), v.played.end(i)]);
          return { canPlay, duration: v.duration, ranges };
        });
        console.log(`    played ${JSON.stringify(played)}, ${cues.count} French cues`);
        assert(played.canPlay !== '', 'Chromium says it cannot play WebM/VP8');
        assert(
          Math.abs(played.duration - 3) < 0.5 && played.ranges.length === 1 && played.ranges[0][1] >= 2.7,
          `the video did not play through: ${JSON.stringify(played)}`,
        );
        const resp = await reported.catch(() => {
          throw new Failure('the player posted no progress within 30 s of the video ending');
        });
        const body = await resp.text().catch(() => '');
        assert(
          resp.status() === 204,
          `POST ${progressPath} answered ${resp.status()}: ${body.slice(0, 300)}`,
        );
        const form = new URLSearchParams(resp.request().postData() || '');
        console.log(
          `    progress posted: watched=${form.get('watched')} duration=${form.get('duration')}` +
            ` → ${resp.status()}`,
        );

        // Watched to the end (over 90 %): the item is complete.
        await page.reload();
        const done = page.getByText('completed', { exact: true });
        await expectVisible(page, done, 'the video marked "completed"');
        assert(
          (await page.getByRole('button', { name: 'Mark as complete' }).count()) === 0,
          'the video still offers "Mark as complete" after being watched',
        );
      },
    ],
    [
      'the learner completes the page: the outline, a confirmation, on to Week 2 (axe)',
      async () => {
        const page = as('learner');
        await go(page, `/learn/${s.runId}`);
        await page.getByRole('link', { name: PAGE_ITEM.title, exact: true }).click();
        await expectVisible(page, heading(page, PAGE_ITEM.title), `the heading "${PAGE_ITEM.title}"`);
        await expectVisible(page, page.getByText(PAGE_ITEM.rendered), 'the text of the page');
        const position = `Item 1 of 1 · ${PAGE_ITEM.module}`;
        await expectVisible(page, page.getByText(position), `the position "${position}"`);
        // The course outline, collapsed: opened, it marks this item and checks the watched video.
        const nav = page.getByRole('navigation', { name: 'Course outline' });
        assert(!(await nav.isVisible()), 'the course outline is open before being asked');
        await page.locator('details.course-outline > summary').click();
        await expectVisible(page, nav, 'the course outline');
        const current = nav.locator('a[aria-current="page"]');
        const currentText = await current.innerText();
        assert(currentText === PAGE_ITEM.title, `the outline marks "${currentText}" as the current item`);
        const video = nav.locator('li.outline-item').filter({ hasText: VIDEO_ITEM.title });
        const videoText = await video.textContent();
        assert(/✓/.test(videoText) && /\(completed\)/.test(videoText), `the watched video is not checked: ${JSON.stringify(videoText)}`);
        await checkAccessibility(page, 'an item page with its outline open');

        const pagePath = `/learn/${s.runId}/items/${s.itemIds[PAGE_ITEM.title]}`;
        await page.getByRole('button', { name: 'Mark as complete' }).click();
        await expectFlash(page, 'Marked as complete. Well done!');
        assert(new URL(page.url()).pathname === pagePath, `completing the page left it for ${page.url()}`);
        // The last item of Week 1 leads on to Week 2.
        const next = region(page, `End of ${PAGE_ITEM.module}`);
        const start = next.getByRole('link', { name: `Start ${VIDEO_ITEM.module}` });
        await expectVisible(page, start, `the link "Start ${VIDEO_ITEM.module}"`);
        await checkAccessibility(page, 'an item page once completed');
        await start.click();
        const videoPath = `/learn/${s.runId}/items/${s.itemIds[VIDEO_ITEM.title]}`;
        await landOn(page, (u) => u.pathname === videoPath, 'the first item of Week 2');
        // The last item of the course leads to the grades.
        const end = region(page, 'You have reached the end of the course');
        await expectVisible(page, end.getByRole('link', { name: 'My grades' }), 'the link to the grades at the end');

        await go(page, `/learn/${s.runId}`);
        const bar = page.getByRole('progressbar', { name: 'Progress', exact: true });
        const value = await progressValue(bar, 'the course progress');
        assert(value === '100', `the course home shows progress ${value}, expected 100`);
        const summary = '100 % (2 of 2 items)';
        await expectVisible(page, page.getByText(summary), `the text "${summary}"`);
      },
    ],
    [
      'the dashboard shows the course at 100 %',
      async () => {
        const page = as('learner');
        await go(page, '/');
        const link = page.getByRole('link', { name: COURSE.title, exact: true });
        const card = page.getByRole('listitem').filter({ has: link });
        await expectVisible(page, card, `the card of "${COURSE.title}" on the dashboard`);
        const bar = card.getByRole('progressbar', { name: 'Progress' });
        const value = await progressValue(bar, 'the progress on the card');
        assert(value === '100', `the dashboard card shows progress ${value}, expected 100`);
        const text = await card.innerText();
        assert(/100 %/.test(text), `the card does not say "100 %": ${JSON.stringify(text)}`);
        assert(/Completed/.test(text), `the card does not say "Completed": ${JSON.stringify(text)}`);
        // Every card has a button; a finished course is to view again.
        const view = card.getByRole('link', { name: `View ${COURSE.title}` });
        await expectVisible(page, view, `the button "View" on the card`);
        await checkAccessibility(page, 'the dashboard');
      },
    ],
    [
      "the instructor sees the learner's progress (axe on the learners page)",
      async () => {
        const page = as('teacher');
        await go(page, `/teach/runs/${s.runId}/learners`);
        await expectVisible(page, heading(page, 'Learners'), 'the heading "Learners"');
        const row = page.getByRole('row').filter({ hasText: LEARNER.email });
        await expectVisible(page, row, `the row of ${LEARNER.email}`);
        const bar = row.getByRole('progressbar', { name: `Progress of ${LEARNER.name}` });
        const value = await progressValue(bar, `the progress of ${LEARNER.name}`);
        assert(value === '100', `the learners page shows ${value} for ${LEARNER.name}, expected 100`);
        const text = await row.innerText();
        assert(/100 %/.test(text), `the row does not say "100 %": ${JSON.stringify(text)}`);
        await checkAccessibility(page, 'the learners page');
      },
    ],
    [
      'screenshots of the main pages (both languages, desktop and 375 px, axe on each)',
      async () => {
        const learner = as('learner');
        const shots = [
          ['catalog', '/catalog'],
          ['course-about', `/courses/${COURSE.code}`],
          ['course-home', `/learn/${s.runId}`],
          ['item-page', `/learn/${s.runId}/items/${s.itemIds[PAGE_ITEM.title]}`],
          ['item-video', `/learn/${s.runId}/items/${s.itemIds[VIDEO_ITEM.title]}`],
          ['dashboard', '/'],
        ];
        for (const [name, p] of shots) {
          await go(learner, p);
          await screenshot(learner, name);
        }
        const teacher = as('teacher');
        for (const [name, p] of [
          ['teach', '/teach'],
          ['teacher-outline', `/teach/runs/${s.runId}/outline`],
          ['teacher-learners', `/teach/runs/${s.runId}/learners`],
          ['admin', '/admin'],
          ['admin-users', '/admin/users'],
        ]) {
          await go(teacher, p);
          await screenshot(teacher, name);
        }
      },
    ],
  ];
}

// ---------------------------------------------------------------------------------------------
// Main

// Both accounts come from the command line, on the server's database, before the browser.
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
