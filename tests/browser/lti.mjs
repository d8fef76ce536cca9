// End-to-end test of Amphi as an LTI 1.3 platform in headless Chromium, with a real tool: the
// pylti1p3 + Flask tool of tests/peers/lti (tool.py) on a free loopback port, its keys made
// with openssl. A course team member adds the tool's activity to a module through deep linking
// (the outline's "Add from Circuit lab" button, the tool's page, its answer posted back to
// Amphi); once the item is published, a learner opens it, the tool loads in the item's frame,
// the learner sends a score from inside the frame and finds it on their grades page. axe-core
// checks the outline, the item page with the frame and the grades page.
//
//   cd tests/browser && npm ci && node lti.mjs
//   (needs python3 with tests/peers/lti/requirements.txt and openssl: scripts/install.sh)
//
// Environment: AMPHI_BIN, AMPHI_TEST_DATABASE_URL, CHROMIUM, SCREENSHOTS_DIR (see lib.mjs).
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
  assert,
  checkAccessibility,
  expectOk,
  expectVisible,
  freePort,
  heading,
  runScenario,
  screenshot,
} from './lib.mjs';

const TOOL_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'lti', 'tool.py');
const PASSWORD = 'correct horse battery staple';
const TEACHER = { name: 'Tess Teacher', email: 'tess@example.test', password: PASSWORD };
const LEARNER = { name: 'Lena Learner', email: 'lena@example.test', password: PASSWORD };
const TOOL_NAME = 'Circuit lab';
const COURSE = { code: 'LAB1', title: 'Circuits', summary: 'Build circuits.' };
const RUN_NAME = 'Spring';
const MODULE = 'Week 1';
const ACTIVITY = 'Series and parallel';
const SCORE = '80';

let tool = null;
let toolDir = null;
const stopTool = () => {
  if (tool && tool.exitCode === null) tool.kill('SIGTERM');
};
process.on('exit', stopTool);

// The pylti1p3 tool, trusting the platforms written to platforms.json in its folder (re-read on
// every request, so the platform is registered after it started).
async function startTool() {
  toolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amphi-lti-tool-'));
  const key = path.join(toolDir, 'tool.key');
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'ignore' });
  execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-out', path.join(toolDir, 'tool.pub')], { stdio: 'ignore' });
  const port = await freePort();
  const log = fs.openSync(path.join(toolDir, 'tool.log'), 'w');
  // Its stdin stays open while we run: the tool exits when it closes (even if we are killed).
  tool = spawn('python3', [TOOL_SCRIPT, '--dir', toolDir, '--config', path.join(toolDir, 'platforms.json'), '--port', String(port)], {
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', log, log],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (tool.exitCode !== null) {
      throw new Failure(`the LTI tool exited (${tool.exitCode}); run scripts/install.sh (pip install -r tests/peers/lti/requirements.txt):\n${toolLog()}`);
    }
    try {
      const r = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200 && (await r.text()) === 'ok') return base;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Failure(`the LTI tool did not answer within 60 s:\n${toolLog()}`);
    await sleep(200);
  }
}

function toolLog() {
  try {
    return fs.readFileSync(path.join(toolDir, 'tool.log'), 'utf8').slice(-3000);
  } catch {
    return '(no log)';
  }
}

// pylti1p3's ToolConfJsonFile: registrations per issuer.
function registerPlatform(reg) {
  const config = {
    [reg.issuer]: [
      {
        default: true,
        client_id: reg.clientId,
        auth_login_url: reg.authorizationUrl,
        auth_token_url: reg.tokenUrl,
        auth_audience: null,
        key_set_url: reg.jwksUrl,
        key_set: null,
        private_key_file: path.join(toolDir, 'tool.key'),
        public_key_file: path.join(toolDir, 'tool.pub'),
        deployment_ids: reg.deploymentIds,
      },
    ],
  };
  const fresh = path.join(toolDir, 'platforms.json.new');
  fs.writeFileSync(fresh, JSON.stringify(config, null, 2));
  fs.renameSync(fresh, path.join(toolDir, 'platforms.json'));
}

// The JSON API with the teacher's token.
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

function scenario(s) {
  const go = async (page, p) => {
    const resp = await page.goto(`${s.base}${p}`);
    expectOk(resp, `GET ${p}`);
  };
  // The tool has no favicon: Chromium's request for it would log a 404 as a page error.
  const quietFavicon = (page) =>
    page.route(
      (u) => u.toString().startsWith(s.toolBase) && u.pathname === '/favicon.ico',
      (route) => route.fulfill({ status: 204, body: '' }),
    );
  const signIn = async (page, who) => {
    await quietFavicon(page);
    await go(page, '/signin');
    await page.getByLabel('Email address').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectVisible(page, heading(page, `Hello, ${who.name}`), `the home page of ${who.name}`);
  };
  // Fails with the tool's log when the tool's page shows its error paragraph.
  const toolError = async (where) => {
    const err = where.locator('#error');
    if (await err.count()) throw new Failure(`the tool refused: ${await err.innerText()}\n${toolLog()}`);
  };
  return [
    [
      'the course team member signs in and makes an API token',
      async () => {
        const page = s.page;
        s.teacherPage = page;
        await signIn(page, TEACHER);
        await go(page, '/account/tokens');
        await page.getByLabel('Token name').fill('lti set-up');
        for (const scope of [/^Read/, /^Write/, /^Admin/]) {
          const box = page.getByRole('checkbox', { name: scope });
          if (await box.count()) await box.check();
        }
        await page.getByRole('button', { name: 'Create the token' }).click();
        const tokenEl = page.locator('#new-token');
        await expectVisible(page, tokenEl, 'the new token (#new-token)');
        s.token = (await tokenEl.textContent()).trim();
        assert(/^amphi_pat_\S+$/.test(s.token), `the token does not look right: ${JSON.stringify(s.token)}`);
      },
    ],
    [
      'the tool is registered with Amphi (API) and Amphi with the tool; a course is made (API)',
      async () => {
        const launch = `${s.toolBase}/launch`;
        const reg = await api(s, 'POST', '/lti/tools', {
          name: TOOL_NAME,
          login_url: `${s.toolBase}/login`,
          target_link_uri: launch,
          deep_link_url: launch,
          jwks_url: `${s.toolBase}/jwks`,
        });
        s.toolId = reg.id;
        const p = reg.platform;
        assert(p && p.issuer === s.base, `the registration's platform issuer is ${p && p.issuer}, expected ${s.base}`);
        registerPlatform({
          issuer: p.issuer,
          clientId: reg.client_id,
          authorizationUrl: p.authorization_url,
          tokenUrl: p.token_url,
          jwksUrl: p.jwks_url,
          deploymentIds: [reg.deployment_ids[0]],
        });
        const course = await api(s, 'POST', '/courses', COURSE);
        const run = await api(s, 'POST', `/courses/${course.id}/runs`, { name: RUN_NAME, published: true });
        s.run = run.id;
        const m = await api(s, 'POST', `/runs/${s.run}/modules`, { title: MODULE, published: true });
        s.module = m.id;
        await api(s, 'POST', `/runs/${s.run}/modules/${s.module}/items`, {
          kind: 'page', title: 'Welcome', body: 'Hello.', published: true,
        });
      },
    ],
    [
      'the course team member adds the activity through deep linking (axe on the outline)',
      async () => {
        const page = s.teacherPage;
        s.page = page;
        await go(page, `/teach/runs/${s.run}/outline`);
        const pick = page.getByRole('link', { name: `Add from ${TOOL_NAME}`, exact: true });
        await expectVisible(page, pick, `the link "Add from ${TOOL_NAME}"`);
        const href = await pick.getAttribute('href');
        assert(href === `/teach/runs/${s.run}/modules/${s.module}/tools/${s.toolId}/pick`, `the picker link is ${href}`);
        await checkAccessibility(page, 'the outline with the tool picker');
        await pick.click();
        // Amphi's launch form posts itself to the tool (static/lti-post.js), which shows its
        // deep linking page.
        await page
          .waitForURL((u) => u.toString().startsWith(`${s.toolBase}/launch`), { timeout: 15_000 })
          .catch(() => {
            throw new Failure(`expected the tool's launch page, got ${page.url()}\n${toolLog()}`);
          });
        await toolError(page);
        await expectVisible(page, heading(page, 'Choose an activity'), "the tool's deep linking page");
        const claims = JSON.parse(await page.locator('#launch').innerText());
        const type = claims['https://purl.imsglobal.org/spec/lti/claim/message_type'];
        assert(type === 'LtiDeepLinkingRequest', `the tool got a ${type}`);
        await page.getByLabel('Title').fill(ACTIVITY);
        await page.getByRole('button', { name: 'Add this activity' }).click();
        // The tool's answer is a form that posts itself back to Amphi, which shows the outline.
        await page
          .waitForURL((u) => u.toString().startsWith(`${s.base}/teach/runs/${s.run}/outline`), { timeout: 15_000 })
          .catch(async () => {
            await toolError(page);
            throw new Failure(`expected to come back to the outline, got ${page.url()}`);
          });
        await expectVisible(page, page.getByText(ACTIVITY).first(), `the new item "${ACTIVITY}" on the outline`);
        const outline = await api(s, 'GET', `/runs/${s.run}/outline`);
        const item = outline.items.find((i) => i.title === ACTIVITY);
        assert(item, `no item "${ACTIVITY}" in the outline: ${JSON.stringify(outline.items)}`);
        assert(item.kind === 'tool' && item.published === false, `the new item is ${JSON.stringify(item)}, expected an unpublished tool item`);
        s.item = item.id;
        await checkAccessibility(page, 'the outline with the new tool item');
      },
    ],
    [
      'the course team member publishes the new item (API)',
      async () => {
        await api(s, 'PATCH', `/runs/${s.run}/items/${s.item}`, { published: true });
      },
    ],
    [
      'the learner enrols and opens the item: the tool loads in its frame (axe, screenshots)',
      async () => {
        const { page } = await s.newPage();
        s.page = page;
        s.learnerPage = page;
        await signIn(page, LEARNER);
        await go(page, `/courses/${COURSE.code}`);
        await page
          .getByRole('region', { name: RUN_NAME, exact: true })
          .getByRole('button', { name: 'Enrol', exact: true })
          .click();
        await page.waitForURL((u) => u.pathname === `/learn/${s.run}`, { timeout: 10_000 });
        await page.getByRole('link', { name: ACTIVITY }).first().click();
        await page.waitForURL((u) => u.pathname === `/learn/${s.run}/items/${s.item}`, { timeout: 10_000 });
        await expectVisible(page, heading(page, ACTIVITY), `the heading "${ACTIVITY}"`);
        const iframe = page.locator('.tool-frame iframe');
        await expectVisible(page, iframe, 'the tool frame');
        const frame = page.frameLocator('.tool-frame iframe');
        await frame.locator('h1').first().waitFor({ timeout: 20_000 }).catch(() => {
          throw new Failure(`nothing loaded in the tool frame\n${toolLog()}`);
        });
        await toolError(frame);
        await expectVisible(page, frame.getByRole('heading', { name: 'Tool activity', level: 1 }), "the tool's launch page in the frame", 20_000);
        const claims = JSON.parse(await frame.locator('#launch').innerText());
        const type = claims['https://purl.imsglobal.org/spec/lti/claim/message_type'];
        assert(type === 'LtiResourceLinkRequest', `the tool got a ${type}`);
        const custom = claims['https://purl.imsglobal.org/spec/lti/claim/custom'] || {};
        assert(custom.level === '2', `the launch's custom claim is ${JSON.stringify(custom)}, expected the deep linked level=2`);
        await expectVisible(page, frame.getByRole('button', { name: 'Send score' }), 'the "Send score" button in the frame');
        await checkAccessibility(page, 'the item page with the tool frame');
        await screenshot(page, 'lti-item');
      },
    ],
    [
      'the tool posts a score from inside the frame',
      async () => {
        const page = s.learnerPage;
        const frame = page.frameLocator('.tool-frame iframe');
        // screenshot() reloaded the page: the frame launched again.
        await expectVisible(page, frame.getByRole('button', { name: 'Send score' }), 'the "Send score" button in the frame', 20_000);
        await frame.getByLabel('Score (0 to 100)').fill(SCORE);
        await frame.getByRole('button', { name: 'Send score' }).click();
        const result = frame.locator('#score-result');
        await result.waitFor({ timeout: 20_000 }).catch(async () => {
          await toolError(frame);
          throw new Failure(`the frame did not say the score was sent\n${toolLog()}`);
        });
        const text = await result.innerText();
        assert(/^Score sent \(20[0-9]\)\.$/.test(text.trim()), `the tool says: ${text}`);
      },
    ],
    [
      'the learner sees the score on their grades page (axe)',
      async () => {
        const page = s.learnerPage;
        await go(page, `/learn/${s.run}/grades`);
        const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: ACTIVITY }) });
        await expectVisible(page, row, `a row for "${ACTIVITY}"`);
        const text = (await row.innerText()).replace(/\s+/g, ' ');
        assert(/\b80 \/ 100\b/.test(text), `the row of "${ACTIVITY}" says ${JSON.stringify(text)}, expected 80 / 100`);
        await checkAccessibility(page, 'the grades page');
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
  s.toolBase = await startTool();
  console.log(`    pylti1p3 tool at ${s.toolBase} (folder ${toolDir})`);
}

try {
  await runScenario({ scenario, setup });
} finally {
  stopTool();
}
