// End-to-end test of the dashboard: a real Chromium (Debian's, never a downloaded one) driven by playwright-core
// against a running `entourage serve`. Run by examples/dashboard/run-e2e.sh, which sets:
//   ENTOURAGE_URL, ENTOURAGE_ADMIN_KEY, ENTOURAGE_AGENT_ID, ENTOURAGE_AGENT_NAME, CHROMIUM, E2E_NODE_MODULES (where playwright-core is),
//   E2E_USER_DATA_DIR, E2E_SCREENSHOT, E2E_FULL_SCREENSHOT, E2E_VIEWER_EMAIL, E2E_VIEWER_PASSWORD,
//   E2E_ENTOURAGE (the launcher) and E2E_DB (the bridge's database file).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`e2e: ${name} is not set (run examples/dashboard/run-e2e.sh)`);
  return value;
};
const base = env('ENTOURAGE_URL');
const adminKey = env('ENTOURAGE_ADMIN_KEY');
const agentId = env('ENTOURAGE_AGENT_ID');
const agentName = env('ENTOURAGE_AGENT_NAME', 'eng-1');
const require = createRequire(join(env('E2E_NODE_MODULES'), 'noop.js'));
const { chromium } = require('playwright-core');

let failures = 0;
const ok = (text) => console.log('ok: ' + text);
function check(condition, text) {
  if (!condition) throw new Error('FAIL: ' + text);
  ok(text);
}

async function restText(path, accept) {
  const response = await fetch(base + path, { headers: { 'X-API-Key': adminKey, Accept: accept } });
  if (!response.ok) throw new Error(`GET ${path} -> ${response.status}`);
  return response.text();
}

async function rest(method, path, body, key = adminKey) {
  const response = await fetch(base + path, {
    method,
    headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
  return json;
}

const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const userDataDir = process.env.E2E_USER_DATA_DIR || mkdtempSync(join(tmpdir(), 'entourage-e2e-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  args,
  viewport: { width: 1366, height: 768 },
  timezoneId: 'UTC',
});
const page = context.pages()[0] || await context.newPage();

// Whatever the page does: no script error, no blocked content (CSP), no credential in any URL.
const problems = [];
const consoleErrors = [];
page.on('pageerror', (e) => problems.push('page error: ' + e.message));
page.on('console', (m) => {
  if (m.type() !== 'error' && m.type() !== 'warning') return;
  const text = m.text();
  if (/Content.Security.Policy|Refused to/i.test(text)) problems.push('CSP: ' + text);
  else if (m.type() === 'error') consoleErrors.push(text);
});
page.on('request', (r) => {
  if (r.url().includes(adminKey) || /oc_[A-Za-z0-9]{10}/.test(r.url())) problems.push('a key in a URL: ' + r.url());
  if (!r.url().startsWith(base) && !r.url().startsWith('blob:' + base)) problems.push('a request elsewhere: ' + r.url());
});

try {
  // ------------------------------------------------------------ signing in
  await page.goto(base + '/');
  await page.locator('#signin').waitFor();
  check(await page.locator('#connection').textContent() === 'signed out', 'the page opens on the sign-in form');

  // The event-stream parser on awkward input: CRLF split across chunks, CR alone, multi-line data, comments,
  // a field without a space, an event without data (ignored), retry.
  const parsed = await page.evaluate(() => {
    const out = [];
    const p = new window.EntourageDashboard.SseParser((type, data) => out.push([type, data]));
    for (const chunk of ['retry: 1000\r', '\n: keep-alive\r\n\r\nevent: usage\r\ndata: {"a":', '1}\r', '\n\r\n',
      'event:kill\ndata:x\ndata: y\n\n', 'event: hello\n\n', 'data: plain\r\r', 'id: 7\nevent: alert\ndata: {}\n']) {
      p.push(chunk);
    }
    return { out, retry: p.retry };
  });
  check(JSON.stringify(parsed) === JSON.stringify({ out: [['usage', '{"a":1}'], ['kill', 'x\ny'], ['message', 'plain']],
    retry: 1000 }), 'the event-stream parser handles split CRLF, CR, multi-line data, comments and retry: '
    + JSON.stringify(parsed));

  await page.fill('#api-key', 'oc_not_a_real_key_at_all');
  await page.click('#signin-submit');
  await page.locator('#signin-error', { hasText: 'not accepted' }).waitFor({ timeout: 5000 });
  ok('a wrong key is refused with a message');

  const agentKey = await rest('POST', '/api/v1/auth/keys', { role: 'agent', agent: agentName, name: 'e2e agent key' });
  await page.fill('#api-key', agentKey.key);
  await page.click('#signin-submit');
  await page.locator('#signin-error', { hasText: 'agent key' }).waitFor({ timeout: 5000 });
  ok('an agent key is refused: "This key is an agent key; use an admin or viewer key."');

  await page.fill('#api-key', adminKey);
  await page.click('#signin-submit');
  await page.locator('#dashboard-view').waitFor({ state: 'visible', timeout: 10000 });
  check(await page.locator('#signin-view').isHidden(), 'signed in with the admin key');
  await page.waitForFunction(() => document.querySelector('#connection').textContent === 'live', null, { timeout: 10000 });
  ok('#connection says "live" (the event stream is open)');
  check(await page.evaluate(() => sessionStorage.getItem('entourage.credential') !== null),
    'the credential is kept in sessionStorage');
  check(/^\$\d/.test(await page.locator('#today-spent').textContent()), 'today\'s spend is shown: '
    + await page.locator('#today-spent').textContent());
  check(await page.locator(`#agents tr[data-agent-id="${agentId}"]`).count() === 1, 'the agent is listed');
  check(await page.locator('#sessions-empty').isVisible(), 'honest empty state: "No active sessions"');

  // A marker that a reload would lose: the updates below must come without one.
  await page.evaluate(() => { window.__e2eNoReload = true; });

  // ------------------------------------------------------------ a live session
  const session = await rest('POST', `/api/v1/agents/${agentId}/sessions`, { model: 'claude-sonnet-4-20250514' });
  const row = page.locator(`#sessions tr[data-session-id="${session.id}"]`);
  await row.waitFor({ timeout: 5000 });
  ok(`session ${session.id} appears in #sessions without reload`);

  const sent = Date.now();
  const usage = await rest('POST', `/api/v1/sessions/${session.id}/usage`,
    { input_tokens: 2500, output_tokens: 800, cost_usd: 0.012 });
  check(usage.action === 'continue', 'the usage report is recorded: action continue');
  await page.waitForFunction((id) => {
    const cell = document.querySelector(`#sessions tr[data-session-id="${id}"] .cost`);
    return cell && cell.textContent.trim() === '$0.0120';
  }, session.id, { timeout: 2000 });
  ok(`the row shows $0.0120 ${Date.now() - sent} ms after the report (limit 2000 ms)`);
  check((await row.locator('.tokens').textContent()).includes('2,500'), 'the row shows the tokens: '
    + await row.locator('.tokens').textContent());
  check(await page.evaluate(() => window.__e2eNoReload === true), 'no reload happened');
  await page.locator('#chart-today .uplot').waitFor({ timeout: 3000 });
  ok('the today chart took the usage event at once (drawn without another read)');

  // ------------------------------------------------------------ kill with confirmation
  await row.locator('button.kill').click();
  await page.locator('#confirm-dialog[open]').waitFor({ timeout: 2000 });
  ok('the kill button asks for confirmation (#confirm-dialog)');
  await page.keyboard.press('Escape');
  await page.locator('#confirm-dialog[open]').waitFor({ state: 'detached', timeout: 2000 });
  check(await row.locator('.status').textContent() === 'active', 'Escape cancels: the session is still active');
  await row.locator('button.kill').click();
  await page.locator('#confirm-dialog[open]').waitFor({ timeout: 2000 });
  await page.click('#confirm-yes');
  const killedRow = page.locator(`tr[data-session-id="${session.id}"]`);
  await page.waitForFunction((id) => {
    const cell = document.querySelector(`#recent-sessions tr[data-session-id="${id}"] .status`);
    return cell && cell.textContent.trim() === 'killed';
  }, session.id, { timeout: 5000 });
  check(await killedRow.count() === 1, 'the session moved to #recent-sessions with .status "killed"');
  const after = await rest('POST', `/api/v1/sessions/${session.id}/usage`, { input_tokens: 10, output_tokens: 5 });
  check(after.action === 'stop', `a report after the kill answers "action": "stop" (stop_reason ${after.stop_reason})`);
  await page.waitForTimeout(300);
  await killedRow.scrollIntoViewIfNeeded();
  mkdirSync(dirname(env('E2E_SCREENSHOT')), { recursive: true });
  await page.screenshot({ path: env('E2E_SCREENSHOT') });
  ok('screenshot ' + env('E2E_SCREENSHOT'));

  // ------------------------------------------------------------ keyboard only: pause and resume an agent
  const pause = page.locator(`#agents tr[data-agent-id="${agentId}"] button.pause`);
  await pause.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector(`#agents tr[data-agent-id="${id}"] .state`)
    .textContent === 'paused', agentId, { timeout: 5000 });
  check((await rest('GET', `/api/v1/agents/${agentId}/budget`)).over_budget === true,
    'Enter on the focused "Pause" button pauses the agent (its budget says over_budget)');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector(`#agents tr[data-agent-id="${id}"] .state`)
    .textContent === 'running', agentId, { timeout: 5000 });
  ok('Enter again resumes it, and the focus stayed on the button');

  // ------------------------------------------------------------ drill-down: by click, then by deep link
  await page.locator(`#recent-sessions tr[data-session-id="${session.id}"] th.id a`).click();
  await page.locator('#session-view').waitFor({ state: 'visible', timeout: 5000 });
  check(await page.evaluate(() => location.hash) === `#/sessions/${session.id}` && await page.locator('#dashboard-view').isHidden(),
    `a click on session #${session.id} opens its drill-down at #/sessions/${session.id}`);
  const drillRows = page.locator('#session-events tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('#session-events tbody tr').length === 2, null, { timeout: 5000 });
  const drill = await drillRows.evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
  check(drill[0][4] === 'priced' && drill[0][5] === 'stop (killed)' && drill[0][2].startsWith('10 in · 5 out')
    && drill[1][3] === '$0.0120' && drill[1][4] === 'reported' && drill[1][5] === 'continue' && drill[1][2].startsWith('2,500 in'),
  'the drill-down lists its two usage events newest first with tokens, cost, cost source and answer: ' + JSON.stringify(drill));
  const factOf = (name) => page.locator(`#session-facts [data-field="${name}"]`).textContent();
  check(await factOf('stop_reason') === 'killed' && await factOf('stop_detail') === 'killed from the dashboard'
    && await factOf('status') === 'killed', 'it shows the stop reason and the kill text');
  await page.locator('#session-facts [data-field="agent"] a').click();
  await page.locator(`#agent-sessions tr[data-session-id="${session.id}"]`).waitFor({ timeout: 5000 });
  check(await page.evaluate(() => location.hash) === `#/agents/${agentId}/sessions`,
    'the agent link lists the agent\'s sessions (#/agents/ID/sessions)');
  await page.goto(base + `/#/sessions/${session.id}`);
  await page.reload();
  await page.locator('#session-view').waitFor({ state: 'visible', timeout: 10000 });
  await page.waitForFunction(() => document.querySelectorAll('#session-events tbody tr').length === 2, null, { timeout: 5000 });
  ok('a deep link (#/sessions/ID, loaded afresh) opens the same drill-down');
  await page.click('#session-view a[href="#/"]');
  await page.locator('#dashboard-view').waitFor({ state: 'visible', timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('#connection').textContent === 'live', null, { timeout: 10000 });
  ok('"Back to the dashboard" returns to it');

  // ------------------------------------------------------------ realistic data for the full-page picture
  await rest('PATCH', '/api/v1/settings/teams/default', { daily_cost_limit_usd: 10.0 });
  const eng2 = await rest('POST', '/api/v1/teams/default/agents', { name: 'eng-2', daily_limit_usd: 5.0 });
  const reviewer = await rest('POST', '/api/v1/teams/default/agents', { name: 'reviewer', daily_limit_usd: 2.0 });
  const task = await rest('POST', '/api/v1/teams/default/tasks',
    { title: 'Fix login bug', priority: 'high', task_type: 'bugfix', tags: ['budget:0.50'] });
  const docsTask = await rest('POST', '/api/v1/teams/default/tasks',
    { title: 'Write the release notes', priority: 'low', task_type: 'docs' });
  const a = await rest('POST', `/api/v1/agents/${agentId}/sessions`, { model: 'claude-sonnet-4-20250514', task_id: task.id });
  const b = await rest('POST', `/api/v1/agents/${eng2.id}/sessions`, { model: 'claude-opus-4-5', task_id: docsTask.id });
  const c = await rest('POST', `/api/v1/agents/${reviewer.id}/sessions`, { model: 'claude-haiku-4-5' });
  for (let i = 0; i < 4; i++) {
    await rest('POST', `/api/v1/sessions/${a.id}/usage`, { input_tokens: 18000 + 1000 * i, output_tokens: 4200 });
    await rest('POST', `/api/v1/sessions/${b.id}/usage`, { input_tokens: 9000, output_tokens: 2600,
      cache_read_input_tokens: 40000 });
    await rest('POST', `/api/v1/sessions/${c.id}/usage`, { input_tokens: 12000, output_tokens: 900 });
  }
  await rest('POST', `/api/v1/sessions/${c.id}/end`);
  const d = await rest('POST', `/api/v1/agents/${reviewer.id}/sessions`, { model: 'claude-haiku-4-5' });
  await rest('POST', `/api/v1/sessions/${d.id}/usage`, { input_tokens: 6000, output_tokens: 700 });
  await page.waitForFunction((id) => {
    const cell = document.querySelector(`#sessions tr[data-session-id="${id}"] .cost`);
    return cell && cell.textContent.trim() !== '$0.0000';
  }, d.id, { timeout: 5000 });
  ok('sessions of three agents show live');
  // An agent whose open hold fills what is left of its limit is "held", not "running".
  const room = (await rest('GET', `/api/v1/agents/${reviewer.id}/budget`)).daily_remaining_usd;
  const hold = await rest('POST', `/api/v1/agents/${reviewer.id}/budget/holds`, { estimated_cost_usd: room });
  // The page reads tasks and alerts with /dashboard; a reload shows the new tasks (the credential stays).
  await page.reload();
  await page.waitForFunction((id) => document.querySelector(`#agents tr[data-agent-id="${id}"] .state`)
    ?.textContent === 'held', reviewer.id, { timeout: 10000 });
  ok(`an agent whose open hold ($${room}) fills its limit shows "held"`);
  const pctText = await page.locator(`#agents tr[data-agent-id="${reviewer.id}"] .pct`).textContent();
  check(/^\d+%$/.test(pctText), 'the percent used stands beside the bar: ' + pctText);
  await rest('DELETE', `/api/v1/holds/${hold.hold_id}`);
  await page.waitForFunction(() => document.querySelector('#connection').textContent === 'live', null, { timeout: 10000 });
  await page.locator(`#tasks tr[data-task-id="${task.id}"]`).waitFor({ timeout: 5000 });
  const taskBar = page.locator(`#tasks tr[data-task-id="${task.id}"] [role="progressbar"]`);
  check(Number(await taskBar.getAttribute('aria-valuenow')) > 0, 'the task with budget:0.50 has a budget bar: '
    + await taskBar.getAttribute('aria-valuetext'));
  await page.waitForFunction(() => document.querySelector('#chart-today .uplot, #chart-today .empty'), null,
    { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('#chart-days .uplot, #chart-days .empty'), null,
    { timeout: 10000 });
  check(await page.locator('#chart-today .uplot').count() === 1, 'the today chart is drawn (uPlot)');
  await page.selectOption('#days-by', 'model');
  await page.waitForFunction(() => [...document.querySelectorAll('#chart-days-table th')]
    .some((th) => th.textContent.includes('claude-')), null, { timeout: 5000 });
  ok('#days-by "model" splits the days chart per model (its table names the models)');
  await page.waitForTimeout(500);
  mkdirSync(dirname(env('E2E_FULL_SCREENSHOT')), { recursive: true });
  await page.screenshot({ path: env('E2E_FULL_SCREENSHOT'), fullPage: true });
  ok('full-page screenshot ' + env('E2E_FULL_SCREENSHOT'));

  // ------------------------------------------------------------ a custom range and its CSV export
  const today = (await rest('GET', '/api/v1/dashboard')).today.date;
  const yesterday = new Date(Date.parse(today + 'T12:00:00Z') - 86400000).toISOString().slice(0, 10);
  await page.selectOption('#range', 'custom');
  await page.fill('#range-from', yesterday);
  await page.fill('#range-to', today);
  await page.locator('#costs-title', { hasText: `Costs ${yesterday} to ${today}` }).waitFor({ timeout: 5000 });
  const restCosts = await rest('GET', `/api/v1/teams/default/costs?since=${yesterday}&until=${today}`);
  const shownTotal = await page.locator('#costs tr.total td').first().textContent();
  const costNames = await page.locator('#costs tbody tr th').allTextContents();
  check(costNames.includes('eng-1') && costNames.includes('eng-2') && costNames.includes('reviewer')
    && shownTotal === '$' + Number(restCosts.total_cost_usd).toFixed(Number(restCosts.total_cost_usd) >= 1 ? 2 : 4),
  `the custom range ${yesterday} to ${today} shows the costs by agent (${costNames.join(', ')}; total ${shownTotal})`);
  await page.locator('#chart-days-title', { hasText: `${yesterday} to ${today}` }).waitFor({ timeout: 5000 });
  ok('the days chart follows the custom range');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#export-csv')]);
  const csv = readFileSync(await download.path(), 'utf8');
  const expected = await restText(`/api/v1/teams/default/costs?format=csv&since=${yesterday}&until=${today}&by=agent`, 'text/csv');
  const csvLines = csv.trim().split(/\r?\n/);
  check(csv === expected && csvLines.length === 5 && csvLines.slice(1, 4).map((l) => l.split(',')[1]).sort().join(' ')
    === 'eng-1 eng-2 reviewer' && csvLines[4].startsWith('total,'), `"Export CSV" downloads the costs on screen (${download.suggestedFilename()}): `
    + JSON.stringify(csvLines));

  // ------------------------------------------------------------ a phone: 390 px wide, no horizontal scroll
  await page.setViewportSize({ width: 390, height: 844 });
  await page.selectOption('#range', '7d');
  await page.waitForTimeout(700);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  const phoneShot = env('E2E_SCREENSHOT').replace(/\.png$/, '-390.png');
  await page.screenshot({ path: phoneShot, fullPage: true });
  check(scroll <= 390, `at 390 px the dashboard has no horizontal scroll (scrollWidth ${scroll}); screenshot ${phoneShot}`);
  await page.locator(`#recent-sessions tr[data-session-id="${session.id}"] th.id a`).click();
  await page.locator('#session-view').waitFor({ state: 'visible', timeout: 5000 });
  await page.waitForFunction(() => document.querySelectorAll('#session-events tbody tr').length > 0, null, { timeout: 5000 });
  const drillScroll = await page.evaluate(() => document.documentElement.scrollWidth);
  check(drillScroll <= 390, `nor has the drill-down (scrollWidth ${drillScroll})`);
  await page.click('#session-view a[href="#/"]');
  await page.setViewportSize({ width: 1366, height: 768 });

  // ------------------------------------------------------------ another process writes: `entourage kill`
  const other = await rest('POST', `/api/v1/agents/${agentId}/sessions`, { model: 'claude-sonnet-4-20250514' });
  await page.locator(`#sessions tr[data-session-id="${other.id}"]`).waitFor({ timeout: 5000 });
  execFileSync(env('E2E_ENTOURAGE'), ['kill', String(other.id), '--reason', 'stopped from the command line',
    '--db', env('E2E_DB')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const killedAt = Date.now();
  await page.waitForFunction((id) => {
    const cell = document.querySelector(`#recent-sessions tr[data-session-id="${id}"] .status`);
    return cell && cell.textContent.trim() === 'killed'
      && !document.querySelector(`#sessions tr[data-session-id="${id}"]`);
  }, other.id, { timeout: 8000 });
  ok(`a kill by another process (entourage kill on the database file) shows in ${Date.now() - killedAt} ms`);
  const reasonCell = await page.locator(`#recent-sessions tr[data-session-id="${other.id}"] .reason`).textContent();
  check(reasonCell.trim() === 'killed: stopped from the command line',
    `the Reason column shows the stop reason and what the person wrote (${reasonCell.trim()})`);

  // ------------------------------------------------------------ sign-out
  await page.click('#signout');
  await page.locator('#signin-view').waitFor({ state: 'visible' });
  check(await page.evaluate(() => sessionStorage.getItem('entourage.credential') === null),
    'sign-out forgets the credential');

  // ------------------------------------------------------------ a key revoked while the page is open
  const spare = await rest('POST', '/api/v1/auth/keys', { role: 'viewer', name: 'e2e spare viewer' });
  await page.fill('#api-key', spare.key);
  await page.click('#signin-submit');
  await page.waitForFunction(() => document.querySelector('#connection').textContent === 'live', null, { timeout: 10000 });
  await rest('DELETE', `/api/v1/auth/keys/${spare.id}`);
  await rest('POST', `/api/v1/sessions/${d.id}/end`); // an event: the page reads /dashboard again, with the revoked key
  await page.locator('#signin-error', { hasText: 'signed out' }).waitFor({ timeout: 10000 });
  check(await page.locator('#signin-view').isVisible()
    && await page.evaluate(() => sessionStorage.getItem('entourage.credential') === null),
  'a revoked key sends the page back to sign-in with a message: ' + await page.locator('#signin-error').textContent());
  const d2 = await rest('POST', `/api/v1/agents/${reviewer.id}/sessions`, { model: 'claude-haiku-4-5' });

  // ------------------------------------------------------------ a viewer, with email and password (JWT)
  await page.fill('#email', env('E2E_VIEWER_EMAIL'));
  await page.fill('#password', 'not-the-password-at-all');
  await page.click('#signin-submit');
  await page.locator('#signin-error', { hasText: 'Wrong email or password' }).waitFor({ timeout: 5000 });
  ok('a wrong password is refused with a message');
  await page.fill('#password', env('E2E_VIEWER_PASSWORD'));
  await page.click('#signin-submit');
  await page.locator('#dashboard-view').waitFor({ state: 'visible', timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('#connection').textContent === 'live', null, { timeout: 10000 });
  check(await page.evaluate(() => JSON.parse(sessionStorage.getItem('entourage.credential')).kind === 'bearer'),
    'a viewer signs in with email and password (a bearer token in sessionStorage) and the stream is live');
  await page.locator(`#sessions tr[data-session-id="${d2.id}"]`).waitFor({ timeout: 5000 });
  check(await page.locator('#sessions button.kill').first().isHidden()
    && await page.locator('#agents button.pause').first().isHidden(), 'a viewer sees no kill or pause buttons');
  await rest('POST', `/api/v1/sessions/${d2.id}/usage`, { input_tokens: 1000, output_tokens: 100, cost_usd: 0.5 });
  await page.waitForFunction((id) => {
    const cell = document.querySelector(`#sessions tr[data-session-id="${id}"] .cost`);
    return cell && Number(cell.textContent.replace('$', '')) >= 0.5;
  }, d2.id, { timeout: 2000 });
  ok('the viewer\'s page updates live too');

  for (const text of consoleErrors) console.log('note: browser console error: ' + text);
  check(problems.length === 0, 'no page error, no CSP violation, no key in a URL, no request elsewhere'
    + (problems.length ? ':\n  ' + problems.join('\n  ') : ''));
} catch (e) {
  failures++;
  console.error(e.message);
  for (const text of problems) console.error('  ' + text);
  for (const text of consoleErrors) console.error('  console: ' + text);
  try {
    await page.screenshot({ path: env('E2E_SCREENSHOT').replace(/\.png$/, '-failure.png'), fullPage: true });
    console.error('  screenshot of the failure: ' + env('E2E_SCREENSHOT').replace(/\.png$/, '-failure.png'));
  } catch { /* the page is gone */ }
} finally {
  await context.close();
}
process.exit(failures ? 1 : 0);
