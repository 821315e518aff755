// Drives the dashboard in the real Debian chromium (headless) for
// test/functional/test_dashboard_browser.py, which starts the daemon, scans the traffic and
// passes what the server counted in MW_EXPECT (JSON). Every view is opened, its contents
// asserted, screenshots saved in MW_SHOTS. Any console error fails the run (except the one
// the dashboard provokes on purpose: the 403 of the login probe).
//
//   node dashboard.mjs main|after-restart
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import path from 'node:path';

const phase = process.argv[2] || 'main';
const url = process.env.MW_URL;
const shots = process.env.MW_SHOTS;
const expect = JSON.parse(process.env.MW_EXPECT || '{}');
const consoleErrors = [];

function expectedNetworkError(msg) {
  const where = (msg.location() && msg.location().url) || '';
  return msg.text().startsWith('Failed to load resource') &&
    / 403 /.test(msg.text()) && where.endsWith('/auth');
}

const browser = await chromium.launch({
  executablePath: process.env.MW_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(15000);
page.on('console', (msg) => {
  if (msg.type() === 'error' && !expectedNetworkError(msg)) consoleErrors.push(`${msg.text()} @ ${JSON.stringify(msg.location())}`);
});
page.on('pageerror', (err) => consoleErrors.push('page error: ' + err.message));

const shot = (name) => page.screenshot({ path: path.join(shots, `${phase}-${name}.png`), fullPage: true });
const view = async (id) => {
  await page.click(`#tab-${id}`);
  await page.waitForFunction((v) => document.body.dataset.view === v && !document.querySelector('#view .notice.info'), id);
};

async function login(password, operator) {
  await page.goto(url);
  await page.waitForSelector('#login-form', { state: 'visible' });
  await page.fill('#password', password);
  await page.fill('#operator', operator);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#app', { state: 'visible' });
  await page.waitForSelector('#view table');
}

async function logout() {
  await page.click('#logout');
  await page.waitForSelector('#login-form', { state: 'visible' });
}

async function text(sel) { return (await page.textContent(sel)) || ''; }

async function reasonDialog(reason) {
  await page.waitForSelector('dialog[open] #reason-input');
  // Confirm without a reason: refused.
  await page.click('#reason-ok');
  assert.match(await text('dialog[open] .error'), /required/);
  await page.fill('#reason-input', reason);
  await page.click('#reason-ok');
  await page.waitForSelector('dialog', { state: 'detached' });
}

if (phase === 'main') {
  // Login page, then the read-only password: no write buttons anywhere.
  await page.goto(url);
  await page.waitForSelector('#login-form', { state: 'visible' });
  await shot('login');
  await login(expect.reader, 'reader');
  assert.match(await text('#who'), /read-only/);
  await view('defense');
  assert.equal(await page.locator('#view [data-act]').count(), 0, 'read-only sees hold/release buttons');
  assert.ok((await text('#view')).includes(expect.user));
  await view('symbols');
  assert.equal(await page.locator('#save-symbols').count(), 0);
  assert.ok(await page.locator('input.score').first().isDisabled());
  await view('learning');
  assert.match(await text('#view'), /read-only/);
  await logout();

  // The enable password.
  await login(expect.writer, 'e2e-operator');
  assert.doesNotMatch(await text('#who'), /read-only/);

  // Overview: chart, counts, percentiles, workers.
  await view('overview');
  await page.waitForSelector('#throughput-chart .uplot canvas');
  assert.equal((await text('[data-card="Scanned"] .v')).trim(), String(expect.scanned));
  assert.match((await text('[data-card="p50 scan time"] .v')).trim(), /^\d+\.\d ms$/);
  const workers = await text('#workers');
  assert.match(workers, /normal\s*ok/);
  assert.match(workers, /controller\s*ok/);
  await page.click('[data-period=daily]');
  await page.waitForSelector('[data-period=daily][aria-pressed=true]');
  await page.waitForSelector('#throughput-chart .uplot canvas');
  await shot('overview');

  // Keyboard: arrow keys move between the views.
  await page.focus('#tab-overview');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.body.dataset.view === 'defense');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-defense');

  // Defensive action: every account of the replayed month the server detected, held or
  // suspected, with the masked tuple of its detection.
  await page.waitForSelector('#view code.tuple');
  const accountRow = (table, user) => page.evaluate(([t, u]) => {
    for (const tr of document.querySelectorAll(`#${t} tbody tr`)) {
      const first = tr.querySelector('td');
      if (first && first.textContent.trim() === u) {
        return { tuple: tr.querySelector('code.tuple').textContent, text: tr.textContent };
      }
    }
    return null;
  }, [table, user]);
  for (const acc of expect.accounts) {
    const row = await accountRow(acc.held ? 'held' : 'suspected', acc.user);
    assert.ok(row, `${acc.user} not ${acc.held ? 'held' : 'suspected'}`);
    assert.equal(row.tuple, acc.tuple, acc.user);
  }
  const heldCaption = await text('#view h2:has-text("Held accounts")');
  assert.equal(heldCaption, `Held accounts (${expect.held_count})`);
  // The live account: held with its masked tuple; release and hold it again.
  const held = await text('#held');
  assert.ok(held.includes(expect.user), held);
  assert.ok(held.includes(expect.tuple), `masked tuple ${expect.tuple} not in ${held}`);
  assert.ok(!held.includes('Sakura'), 'secret shown');
  await page.click(`#held tr:has-text("${expect.user}") [data-act=release]`);
  await reasonDialog('checked with the user by phone');
  await page.waitForFunction(() => document.body.innerText.includes('checked with the user by phone'));
  let audit = await text('#audit');
  assert.match(audit, /release\s*taro\.yamada\s*checked with the user by phone\s*e2e-operator/);
  assert.equal(await accountRow('held', expect.user), null, 'still held after the release');
  // Released: the refused count starts again (the next hold is a new incident).
  assert.match(await text('#suspected'), /taro\.yamada/);
  await page.click(`#suspected tr:has-text("${expect.user}") [data-act=hold]`);
  await reasonDialog('second test mail seen');
  await page.waitForFunction(() => document.body.innerText.includes('second test mail seen'));
  audit = await text('#audit');
  assert.match(audit, /hold\s*taro\.yamada\s*second test mail seen\s*e2e-operator/);
  await page.click(`#view button.link:has-text("${expect.user}")`);
  await page.waitForSelector('.timeline li');
  assert.match(await text('.timeline'), /detected[\s\S]*burst refused[\s\S]*held/);
  // The incidents (the month's and the live account's) are in the chart, bucket by bucket.
  const bars = await page.$$eval('#burst-delay tbody tr', (rows) => rows.map((r) => ({
    days: r.cells[0].textContent.trim(), count: Number(r.cells[1].textContent.trim()) })));
  assert.deepEqual(bars, expect.burst);
  const total = expect.burst.reduce((a, b) => a + b.count, 0);
  assert.equal(await text('#burst-delay caption'), `${total} incidents`);
  assert.ok((await text('#view')).includes('resultbox77@freemail.example'));
  await shot('defense');

  // Sender authentication: the shares are the server's counts.
  await view('senderauth');
  for (const [metric, count] of Object.entries(expect.auth)) {
    if (metric === 'checked') continue;
    const got = await page.getAttribute(`#view [data-metric=${metric}]`, 'data-count');
    assert.equal(Number(got), count, metric);
    const shown = await text(`#view [data-metric=${metric}]`);
    const share = expect.auth.checked ? (100 * count / expect.auth.checked).toFixed(1) + '%' : '0.0%';
    assert.ok(shown.startsWith(share), `${metric}: ${shown} vs ${share}`);
  }
  assert.ok((await text('#auth-shares caption')).includes(`${expect.auth.checked} messages`));
  assert.ok((await text('#view .columns')).includes('quar.example'));
  await page.waitForSelector('#auth-chart .uplot canvas');
  await page.fill('#domain-input', 'quar.example');
  await page.click('#view form.inline button');
  await page.waitForFunction(() => !document.querySelector('#domain-result').innerText.includes('checking'));
  const dom = await text('#domain-result');
  // The controller's /checkdomain report (as `mailward check-domain --json`): the domain and
  // the DMARC policy it publishes.
  assert.ok(/quar\.example/.test(dom) && /quarantine/.test(dom), dom);
  await shot('senderauth');

  // History: filter by symbol, open one scan with the symbols' descriptions.
  await view('history');
  await page.fill('#hist-symbol', 'DMARC_POLICY_QUARANTINE');
  await page.click('#view form.filters button[type=submit]');
  await page.waitForFunction((n) => document.querySelector('#history-table caption').innerText === `${n} scans`,
    expect.quarantined);
  await page.click('#history-table tbody tr:first-child button.link');
  await page.waitForSelector('#view .details');
  assert.match(await text('#view .details'), /DMARC_POLICY_QUARANTINE[\s\S]*DMARC quarantine policy/);
  assert.doesNotMatch(await text('#view .details'), /object HTML/);
  assert.match(await text('#view .details dl'), /message-id\s*\S+@quar\.example/);
  await shot('history');

  // Symbols and actions: change a score and save it.
  await view('symbols');
  await page.fill('#symbol-filter', 'R_SPF_SOFTFAIL');
  await page.press('#symbol-filter', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('input.score').length === 1);
  await page.fill('input[data-symbol=R_SPF_SOFTFAIL]', '2.75');
  await page.click('#save-symbols');
  await page.waitForFunction(() => /saved/.test(document.getElementById('flash').innerText));
  await shot('symbols');

  // Learning.
  await view('learning');
  await page.fill('#learn-text', expect.learn_message);
  await page.click('#learn-spam');
  await page.waitForFunction(() => document.getElementById('learn-result').innerText !== '');
  const learned = await text('#learn-result');
  // The daemon runs with the Bayes classifier on: the message must really be learned.
  assert.ok(/^Learned as spam\.$/.test(learned.trim()), learned);
  await shot('learning');

  // Dark mode.
  await view('overview');
  await page.click('#theme');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.waitForSelector('#throughput-chart .uplot canvas');
  await shot('overview-dark');
} else {
  // After the daemon restarted: the saved score is still there.
  await login(expect.writer, 'e2e-operator');
  await view('symbols');
  await page.fill('#symbol-filter', 'R_SPF_SOFTFAIL');
  await page.press('#symbol-filter', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('input.score').length === 1);
  assert.equal(await page.inputValue('input[data-symbol=R_SPF_SOFTFAIL]'), '2.75');
  await shot('symbols');
}

await browser.close();
if (consoleErrors.length) {
  console.error('console errors:\n' + consoleErrors.join('\n'));
  process.exit(1);
}
console.log(`dashboard ${phase}: ok`);
