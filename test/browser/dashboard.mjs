// Drives the dashboard in a real browser, headless, for test/functional/test_dashboard_browser.py,
// which starts the daemon, replays and scans the traffic and passes what the server counted in
// MW_EXPECT (JSON). Every view is opened, its contents asserted, screenshots saved in
// MW_SHOTS. Any console error fails the run (except the one the dashboard provokes on purpose:
// the 403 of the login probe).
//
// One script, two browsers, both driven by puppeteer-core (pinned in package.json): Debian's
// chromium over the DevTools protocol and Debian's firefox-esr over WebDriver BiDi
// (MW_BROWSER=chromium|firefox, MW_BROWSER_PATH). MW_OPERATOR names the operator the writes
// are audited under, so that the runs of the two browsers can be told apart.
//
//   node dashboard.mjs main|after-restart
import puppeteer from 'puppeteer-core';
import assert from 'node:assert/strict';
import path from 'node:path';

const phase = process.argv[2] || 'main';
const url = process.env.MW_URL;
const shots = process.env.MW_SHOTS;
const expect = JSON.parse(process.env.MW_EXPECT || '{}');
const browserName = process.env.MW_BROWSER || 'chromium';
const operator = process.env.MW_OPERATOR || 'e2e-operator';
const consoleErrors = [];

function expectedNetworkError(msg) {
  const where = (msg.location() && msg.location().url) || '';
  return /^Failed to load resource/.test(msg.text()) && / 403 /.test(msg.text()) &&
    where.endsWith('/auth');
}

const browser = await puppeteer.launch({
  browser: browserName === 'firefox' ? 'firefox' : 'chrome',
  executablePath: process.env.MW_BROWSER_PATH ||
    (browserName === 'firefox' ? '/usr/bin/firefox-esr' : '/usr/bin/chromium'),
  headless: true,
  defaultViewport: { width: 1366, height: 900 },
  args: browserName !== 'firefox' && process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});
const page = await browser.newPage();
page.setDefaultTimeout(15000);
page.on('console', (msg) => {
  if (msg.type() === 'error' && !expectedNetworkError(msg)) consoleErrors.push(`${msg.text()} @ ${JSON.stringify(msg.location())}`);
});
page.on('pageerror', (err) => consoleErrors.push('page error: ' + (err.message || err)));

const shot = (name) => page.screenshot({ path: path.join(shots, `${browserName}-${phase}-${name}.png`), fullPage: true });
const view = async (id) => {
  await page.click(`#tab-${id}`);
  await page.waitForFunction((v) => document.body.dataset.view === v && !document.querySelector('#view .notice.info'), {}, id);
};

// The text of the first element matching `sel` (waits for it).
async function text(sel) {
  await page.waitForSelector(sel);
  return (await page.$eval(sel, (e) => e.textContent)) || '';
}
const attribute = (sel, name) => page.$eval(sel, (e, n) => e.getAttribute(n), name);
const count = (sel) => page.$$eval(sel, (els) => els.length);
// Replace the value of an input as typing would (input and change events).
async function fill(sel, value) {
  await page.waitForSelector(sel);
  await page.$eval(sel, (e, v) => {
    e.focus();
    e.value = v;
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}
async function press(sel, key) {
  await page.focus(sel);
  await page.keyboard.press(key);
}
// Click the element `inner` inside the first element matching `outer` whose text contains
// `needle` (or, with no `inner`, that element itself).
async function clickWithText(outer, needle, inner) {
  const handle = await page.evaluateHandle(([o, n, i]) => {
    const hit = [...document.querySelectorAll(o)].find((e) => e.textContent.includes(n));
    return hit && i ? hit.querySelector(i) : hit || null;
  }, [outer, needle, inner || '']);
  const el = handle.asElement();
  assert.ok(el, `no ${outer} with "${needle}"${inner ? ' and ' + inner : ''}`);
  await el.click();
}

async function login(password, who) {
  await page.goto(url);
  await page.waitForSelector('#login-form', { visible: true });
  await fill('#password', password);
  await fill('#operator', who);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#app', { visible: true });
  await page.waitForSelector('#view table');
}

async function logout() {
  await page.click('#logout');
  await page.waitForSelector('#login-form', { visible: true });
}

async function reasonDialog(reason) {
  await page.waitForSelector('dialog[open] #reason-input');
  // Confirm without a reason: refused.
  await page.click('#reason-ok');
  assert.match(await text('dialog[open] .error'), /required/);
  await fill('#reason-input', reason);
  await page.click('#reason-ok');
  await page.waitForFunction(() => !document.querySelector('dialog'));
}

if (phase === 'main') {
  // Login page, then the read-only password: no write buttons anywhere.
  await page.goto(url);
  await page.waitForSelector('#login-form', { visible: true });
  await shot('login');
  await login(expect.reader, 'reader');
  assert.match(await text('#who'), /read-only/);
  await view('defense');
  assert.equal(await count('#view [data-act]'), 0, 'read-only sees hold/release buttons');
  assert.ok((await text('#view')).includes(expect.user));
  await view('symbols');
  assert.equal(await count('#save-symbols'), 0);
  assert.ok(await page.$eval('input.score', (e) => e.disabled));
  await view('learning');
  assert.match(await text('#view'), /read-only/);
  await logout();

  // The enable password.
  await login(expect.writer, operator);
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
  const heldCaption = await page.$$eval('#view h2', (hs) => hs.map((h) => h.textContent).find((t) => t.startsWith('Held accounts')));
  assert.equal(heldCaption, `Held accounts (${expect.held_count})`);
  // The live account: held with its masked tuple; release and hold it again.
  const held = await text('#held');
  assert.ok(held.includes(expect.user), held);
  assert.ok(held.includes(expect.tuple), `masked tuple ${expect.tuple} not in ${held}`);
  assert.ok(!held.includes('Sakura'), 'secret shown');
  const timelineKinds = () => page.$$eval('.timeline li', (lis) => lis.map((li) => li.dataset.what));
  if (expect.fresh_hold) {
    // As the detection held it: the user's own mail and the burst's first messages refused
    // (no burst yet), then the message that started the burst.
    await clickWithText('#view button.link', expect.user);
    await page.waitForSelector('.timeline li');
    assert.deepEqual(await timelineKinds(), expect.timeline);
  }
  const released = `checked with the user by phone (${browserName})`;
  await clickWithText('#held tbody tr', expect.user, '[data-act=release]');
  await reasonDialog(released);
  await page.waitForFunction((r) => document.body.innerText.includes(r), {}, released);
  let audit = await text('#audit');
  assert.ok(audit.includes(`release${expect.user}${released}${operator}`), audit);
  assert.equal(await accountRow('held', expect.user), null, 'still held after the release');
  // Released: the refused count starts again (the next hold is a new incident).
  assert.match(await text('#suspected'), /taro\.yamada/);
  const holdReason = `second test mail seen (${browserName})`;
  await clickWithText('#suspected tbody tr', expect.user, '[data-act=hold]');
  await reasonDialog(holdReason);
  await page.waitForFunction((r) => document.body.innerText.includes(r), {}, holdReason);
  audit = await text('#audit');
  assert.ok(audit.includes(`hold${expect.user}${holdReason}${operator}`), audit);
  await clickWithText('#view button.link', expect.user);
  await page.waitForSelector('.timeline li');
  // Released and held again: the refusals of the old hold are gone, its burst stays, and
  // the operator's hold sorts after it (by time; at equal times the hold comes first).
  await page.waitForFunction((r) => (document.querySelector('.timeline') || {}).innerText?.includes(r), {}, holdReason);
  const kinds = await timelineKinds();
  assert.equal(kinds[0], 'detected', kinds.join());
  assert.ok(!kinds.includes('refused'), kinds.join());
  assert.deepEqual(kinds.slice(-2).sort(), ['held', 'hold'], kinds.join());
  assert.ok(kinds.indexOf('burst refused') < kinds.indexOf('release'), kinds.join());
  // The incidents (the month's and the live account's) are in the chart, bucket by bucket.
  const bars = await page.$$eval('#burst-delay tbody tr', (rows) => rows.map((r) => ({
    days: r.cells[0].textContent.trim(), count: Number(r.cells[1].textContent.trim()) })));
  assert.deepEqual(bars, expect.burst);
  const total = expect.burst.reduce((a, b) => a + b.count, 0);
  assert.equal(await text('#burst-delay caption'), `${total} incidents`);
  // The collectors are the server's records, row by row.
  const collectors = await page.$$eval('#collectors tbody tr', (rows) => rows.map((r) =>
    [...r.cells].map((c) => c.textContent.trim())));
  assert.deepEqual(collectors, expect.collectors);
  await shot('defense');

  // Sender authentication: the shares are the server's counts.
  await view('senderauth');
  for (const [metric, count] of Object.entries(expect.auth)) {
    if (metric === 'checked') continue;
    const got = await attribute(`#view [data-metric=${metric}]`, 'data-count');
    assert.equal(Number(got), count, metric);
    const shown = await text(`#view [data-metric=${metric}]`);
    const share = expect.auth.checked ? (100 * count / expect.auth.checked).toFixed(1) + '%' : '0.0%';
    assert.ok(shown.startsWith(share), `${metric}: ${shown} vs ${share}`);
  }
  assert.ok((await text('#auth-shares caption')).includes(`${expect.auth.checked} messages`));
  assert.ok((await text('#view .columns')).includes('quar.example'));
  await page.waitForSelector('#auth-chart .uplot canvas');
  await fill('#domain-input', 'quar.example');
  await page.click('#view form.inline button');
  await page.waitForFunction(() => !document.querySelector('#domain-result').innerText.includes('checking'));
  const dom = await text('#domain-result');
  // The controller's /checkdomain report (as `mailward check-domain --json`): the domain and
  // the DMARC policy it publishes.
  assert.ok(/quar\.example/.test(dom) && /quarantine/.test(dom), dom);
  await shot('senderauth');

  // History: filter by symbol, open one scan with the symbols' descriptions.
  await view('history');
  await fill('#hist-symbol', 'DMARC_POLICY_QUARANTINE');
  await page.click('#view form.filters button[type=submit]');
  await page.waitForFunction((n) => document.querySelector('#history-table caption').innerText === `${n} scans`,
    {}, expect.quarantined);
  await page.click('#history-table tbody tr:first-child button.link');
  await page.waitForSelector('#view .details');
  assert.match(await text('#view .details'), /DMARC_POLICY_QUARANTINE[\s\S]*DMARC quarantine policy/);
  assert.doesNotMatch(await text('#view .details'), /object HTML/);
  assert.match(await text('#view .details dl'), /message-id\s*\S+@quar\.example/);
  await shot('history');

  // Symbols and actions: change a score and save it.
  await view('symbols');
  await fill('#symbol-filter', 'R_SPF_SOFTFAIL');
  await press('#symbol-filter', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('input.score').length === 1);
  await fill('input[data-symbol=R_SPF_SOFTFAIL]', '2.75');
  await page.click('#save-symbols');
  await page.waitForFunction(() => /saved/.test(document.getElementById('flash').innerText));
  await shot('symbols');

  // Learning.
  await view('learning');
  await fill('#learn-text', expect.learn_message);
  await page.click('#learn-spam');
  await page.waitForFunction(() => document.getElementById('learn-result').innerText !== '');
  const learned = await text('#learn-result');
  // The daemon runs with the Bayes classifier on: the message must really be learned.
  assert.ok(/^Learned as spam\.$/.test(learned.trim()), learned);
  await shot('learning');

  // Dark mode.
  await view('overview');
  await page.click('#theme');
  assert.equal(await attribute('html', 'data-theme'), 'dark');
  await page.waitForSelector('#throughput-chart .uplot canvas');
  await shot('overview-dark');
} else {
  // After the daemon restarted: the saved score is still there.
  await login(expect.writer, operator);
  await view('symbols');
  await fill('#symbol-filter', 'R_SPF_SOFTFAIL');
  await press('#symbol-filter', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('input.score').length === 1);
  assert.equal(await page.$eval('input[data-symbol=R_SPF_SOFTFAIL]', (e) => e.value), '2.75');
  await shot('symbols');
}

const version = await browser.version();
await browser.close();
if (consoleErrors.length) {
  console.error('console errors:\n' + consoleErrors.join('\n'));
  process.exit(1);
}
console.log(`dashboard ${phase} in ${browserName} (${version}): ok`);
