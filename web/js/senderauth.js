// Sender authentication (inbound): shares of SPF pass, valid DKIM, DMARC pass and the DMARC
// policy the sender domains publish, per day, for two periods; the top failing domains; a
// per-domain check.
import * as api from './api.js';
import { lineChart } from './chart.js';
import { el, table, percent, notice } from './ui.js';

export const METRICS = {
  spf_pass: 'SPF pass', dkim_pass: 'Valid DKIM signature', dmarc_pass: 'DMARC pass',
  policy_reject: 'Policy reject', policy_quarantine: 'Policy quarantine', policy_none: 'Policy none',
  policy_absent: 'No DMARC record', policy_unknown: 'Policy unknown (DNS failure, broken record)',
};

function day(offset) {
  const d = new Date(Date.now() + offset * 86400000);
  return d.toISOString().slice(0, 10);
}

const periods = { a: { from: day(-6), to: day(0) }, b: { from: day(-13), to: day(-7) } };
let chart = null;

function periodForm(name, label, state) {
  const p = periods[name];
  const input = (key) => el('input', { type: 'date', id: `auth-${name}-${key}`, value: p[key],
    onchange: (ev) => { p[key] = ev.target.value; state.refresh(); } });
  return el('fieldset', { class: 'period' }, el('legend', {}, label),
    el('label', {}, 'From ', input('from')), el('label', {}, ' to ', input('to')));
}

function drawChart(box, days) {
  const xs = days.map((d) => Date.parse(d.date + 'T00:00:00Z') / 1000);
  const share = (k) => days.map((d) => (d.checked ? d[k] / d.checked : null));
  const keys = ['spf_pass', 'dkim_pass', 'dmarc_pass'];
  const colors = ['#1f77b4', '#2ca02c', '#d62728'];
  chart = lineChart(box, chart, {
    height: 220, xs, ys: keys.map(share),
    lines: keys.map((k, i) => ({ label: METRICS[k], stroke: colors[i], value: (v) => percent(v) })),
    y: { range: [0, 1], tick: (x) => Math.round(x * 100) + '%' },
  });
}

async function checkDomain(form, out) {
  const domain = form.querySelector('input').value.trim();
  if (!domain) return;
  out.replaceChildren(el('p', {}, 'checking…'));
  try {
    const r = await api.get('/checkdomain', { domain });
    out.replaceChildren(el('pre', { class: 'json' }, JSON.stringify(r, null, 2)));
  } catch (e) {
    out.replaceChildren(el('p', { class: 'notice' }, e.status === 404
      ? 'Domain checks are not available on this server (no /checkdomain).'
      : `Check failed: ${e.message}`));
  }
}

export async function render(root, state) {
  let a;
  let b;
  try {
    [a, b] = await Promise.all([api.get('/authstats', periods.a), api.get('/authstats', periods.b)]);
  } catch (e) {
    notice(root, e.message, 'error');
    return;
  }
  const chartBox = el('div', { id: 'auth-chart', class: 'chart' });
  const domainOut = el('div', { id: 'domain-result' });
  const domainForm = el('form', { class: 'inline', onsubmit: (ev) => { ev.preventDefault(); checkDomain(domainForm, domainOut); } },
    el('label', { for: 'domain-input' }, 'Domain '), el('input', { id: 'domain-input', placeholder: 'example.org' }),
    el('button', { type: 'submit' }, 'Check'));
  const diff = (k) => {
    if (!a.totals.checked || !b.totals.checked) return 'n/a';
    const d = (a.shares[k] || 0) - (b.shares[k] || 0);
    return (d >= 0 ? '+' : '') + (100 * d).toFixed(1) + ' pt';
  };
  root.replaceChildren(
    el('p', { class: 'explain' }, 'Of the inbound messages whose sender authentication the server checked (mail from ',
      'authenticated users is outbound and not counted): the share that passed SPF, carried at least one valid DKIM ',
      'signature, passed DMARC, and the DMARC policy the From domain publishes. Counted by the server per UTC day.'),
    el('div', { class: 'periods' }, periodForm('a', 'Period A', state), periodForm('b', 'Period B (comparison)', state)),
    table(`Period A: ${a.totals.checked} messages, period B: ${b.totals.checked} messages`,
      ['Measure', 'Period A', 'Period B', 'Change'],
      Object.entries(METRICS).map(([k, label]) => [label,
        el('span', { 'data-metric': k, 'data-count': a.totals[k] }, `${percent(a.shares[k])} (${a.totals[k]})`),
        `${percent(b.shares[k])} (${b.totals[k]})`, diff(k)]), '', 'auth-shares'),
    el('h2', {}, 'Per day, period A'), chartBox,
    table('', ['Date', 'Checked', ...Object.values(METRICS)],
      a.days.map((d) => [d.date, d.checked, ...Object.keys(METRICS).map((k) => d[k])])),
    el('h2', {}, 'Top failing sender domains, period A'),
    el('div', { class: 'columns' }, ['spf', 'dkim', 'dmarc'].map((c) =>
      table(`${c.toUpperCase()} not passing`, ['Domain', 'Messages'],
        (a.failing[c] || []).map((f) => [f.domain, f.count]), 'none'))),
    el('h2', {}, 'Check a domain'),
    el('p', { class: 'explain' }, 'Looks up the domain\'s SPF record (DNS lookups it needs) and DMARC policy, with advice.'),
    domainForm, domainOut);
  drawChart(chartBox, a.days);
}

export function stop() {
  if (chart) { chart.destroy(); chart = null; }
}
