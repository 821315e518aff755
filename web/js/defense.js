// Defensive action (outbound): suspected and held accounts, hold / release / false positive
// with a reason, the audit log, a per-account timeline and the collector addresses.
import * as api from './api.js';
import { el, table, time, askReason, notice } from './ui.js';

let selected = '';

function reasons(row) {
  const w = row.weights || {};
  return (row.reasons || []).map((r) => el('span', { class: 'tag' }, w[r] !== undefined ? `${r} ${w[r]}` : r));
}

async function act(state, route, user, title) {
  const reason = await askReason(`${title}: ${user}`);
  if (!reason) return;
  try {
    await api.post(route, { user, reason, operator: state.operator });
  } catch (e) {
    state.flash(e.message, 'error');
  }
  state.refresh();
}

function buttons(state, user, held) {
  if (state.readOnly) return '';
  return el('span', { class: 'actions' },
    held ? el('button', { type: 'button', 'data-act': 'release', onclick: () => act(state, '/outbound/release', user, 'Release') }, 'Release')
      : el('button', { type: 'button', 'data-act': 'hold', onclick: () => act(state, '/outbound/hold', user, 'Hold') }, 'Hold'),
    el('button', { type: 'button', 'data-act': 'falsepositive', onclick: () => act(state, '/outbound/falsepositive', user, 'Mark as false positive') }, 'False positive'));
}

// What happened to `user`, oldest first: detections, the operators' actions, the hold, the
// messages refused while held before the burst and the burst start (doc/outbound.md,
// "Incidents"). Times are whole seconds, so several often fall in one second: they keep
// the order in which they are added here (a detection holds the account, an operator holds
// or releases it, then mail is refused), the sort being stable.
function timeline(user, data, audit) {
  const items = [];
  const add = (t, what, text) => items.push({ t, what, text });
  for (const ev of [...(data.events || [])].reverse()) {  // oldest first
    if (ev.user === user) {
      add(ev.time, 'detected', `test mail to ${(ev.recipients || []).join(', ')} (p=${(ev.probability || 0).toFixed(3)}${ev.tuple ? ', tuple ' + ev.tuple : ''})`);
    }
  }
  for (const a of [...audit].reverse()) {  // oldest first
    if (a.user === user) add(a.time, a.action, `${a.who.operator} (${a.who.ip}): ${a.reason}`);
  }
  const hold = (data.holds || []).find((h) => h.user === user);
  if (hold) {
    add(hold.since, 'held', `by ${hold.by || 'detection'}; ${hold.refused || 0} messages refused while held since`);
    for (const r of [...(hold.refusals || [])].reverse()) {  // oldest first
      if (!r.burst) add(r.time, 'refused', `${r.recipients} recipient(s): not a burst (${r.reached} distinct recipients refused within the burst window)`);
    }
  }
  for (const inc of [...(data.incidents || [])].reverse()) {  // oldest first
    if (inc.user === user && inc.burst_start !== undefined) {
      add(inc.burst_start, 'burst refused', `the burst started: refused mail reached ${inc.recipients} distinct recipients within the burst window`);
    }
  }
  items.sort((a, b) => a.t - b.t);  // stable
  return el('section', { class: 'timeline', 'aria-label': `Timeline of ${user}` },
    el('h3', {}, `Timeline: ${user}`),
    el('ol', {}, items.map((i) => el('li', { 'data-what': i.what }, el('time', {}, time(i.t)), ' ', el('strong', {}, i.what), ' ', i.text))));
}

// Horizontal bars: one per bucket of days.
function delayChart(buckets) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return el('table', { id: 'burst-delay', class: 'bars' },
    el('caption', {}, `${buckets.reduce((a, b) => a + b.count, 0)} incidents`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Days'), el('th', { scope: 'col' }, 'Incidents'))),
    el('tbody', {}, buckets.map((b) => el('tr', {}, el('td', {}, b.days),
      el('td', {}, el('span', { class: 'bar', style: `width:${(100 * b.count / max).toFixed(1)}%` }), ' ', b.count)))));
}

export async function render(root, state) {
  let data;
  try {
    data = await api.get('/outbound/holds');
  } catch (e) {
    notice(root, `Outbound protection is not available: ${e.message}`, 'error');
    return;
  }
  const [audit, coll] = await Promise.all([api.get('/outbound/audit'), api.get('/outbound/collectors')]);
  const held = new Set((data.holds || []).map((h) => h.user));
  // The newest detection of each account (events are newest first): an operator's hold
  // row has no detection details of its own.
  const latest = new Map();
  for (const ev of data.events || []) if (!latest.has(ev.user)) latest.set(ev.user, ev);
  const first = new Map();
  for (const ev of data.events || []) first.set(ev.user, ev.time);
  const fps = new Set((data.false_positives || []).map((f) => f.user));
  // Suspected: detected (events) and not on hold now.
  const suspected = new Map();
  for (const ev of data.events || []) {
    if (!held.has(ev.user) && !suspected.has(ev.user)) suspected.set(ev.user, ev);
  }
  const pick = (user) => el('button', { type: 'button', class: 'link', onclick: () => { selected = user; state.refresh(); } }, user);
  root.replaceChildren(
    el('p', { class: 'explain' }, 'Accounts the outbound detector held (their mail is refused until released or the hold expires) ',
      'and accounts it suspected. Credential records are shown as the verifier masked them: secrets never reach this page. ',
      'Every hold, release and false-positive mark needs a reason and is written to the audit log.'),
    el('h2', {}, `Held accounts (${held.size})`),
    table('', ['Account', 'First flagged', 'Masked credential tuple', 'Collectors', 'Reasons (weight)', 'Refused', 'State', ''],
      (data.holds || []).map((h) => {
        const ev = latest.get(h.user) || {};
        return [pick(h.user), time(Math.min(h.since, first.get(h.user) || Infinity)),
          el('code', { class: 'tuple' }, h.tuple || ev.tuple || '—'),
          (h.recipients || ev.recipients || []).join(', '), reasons(h.weights ? h : Object.assign({}, ev, { reasons: [...(h.reasons || []), ...(ev.reasons || [])] })),
          h.refused || 0, h.by === 'operator' ? 'held by operator' : 'held', buttons(state, h.user, true)];
      }),
      'no account is held', 'held'),
    el('h2', {}, `Suspected accounts (${suspected.size})`),
    table('', ['Account', 'Detected', 'Masked credential tuple', 'Recipients', 'Reasons (weight)', 'State', ''],
      [...suspected.values()].map((ev) => [pick(ev.user), time(ev.time), el('code', { class: 'tuple' }, ev.tuple || '—'),
        (ev.recipients || []).join(', '), reasons(ev), fps.has(ev.user) ? 'false positive' : 'released',
        buttons(state, ev.user, false)]),
      'no other detection', 'suspected'),
    selected ? timeline(selected, data, audit) : el('p', { class: 'hint' }, 'Choose an account to see its timeline.'),
    el('h2', {}, 'Days from test mail to burst'),
    el('p', { class: 'explain' }, 'Over all incidents the server recorded: days between the detection of the test mail ',
      'and the start of the burst the hold prevented: the first refused message with which the account\'s refused mail ',
      'reached many distinct recipients in a short time (outbound burst_recipients within burst_window). ',
      'Refused mail that does not look like a burst (the user\'s own, further test mail) is on the account\'s timeline only.'),
    delayChart(data.burst_delay || []),
    el('h2', {}, 'Collector addresses'),
    table('Addresses that received suspected test mail from several accounts (the server\'s collector records, ' +
      'shared by every scanner of the fleet): mail to them from another account is itself a sign of a stolen account. ' +
      'Accounts: how many sent suspected test mail there; detections: how many of those were detected.',
      ['Address', 'Accounts', 'Detections', 'Users'],
      (coll.collectors || []).map((c) => [c.address || '(not recorded)', c.accounts, c.confirmed, (c.users || []).join(', ')]),
      'none seen', 'collectors'),
    el('h2', {}, 'Audit log'),
    table('Who did what, when and why (newest first).', ['Time', 'Action', 'Account', 'Reason', 'Operator', 'From'],
      audit.map((a) => [time(a.time), a.action, a.user, a.reason, a.who.operator, `${a.who.ip} (${a.who.credential})`]),
      'no operator action yet', 'audit'));
}
