// Mailward dashboard: talks to the controller API of the server it is served from.
'use strict';

let password = sessionStorage.getItem('mw-password') || '';

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (password) headers['Password'] = password;
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 403) { showLogin(); throw new Error('unauthorized'); }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function showLogin() {
  document.getElementById('login').hidden = false;
  document.querySelectorAll('.tab').forEach(t => { t.hidden = true; });
}

function bars(container, entries) {
  container.replaceChildren();
  const max = Math.max(1, ...entries.map(e => e[1]));
  for (const [label, n] of entries) {
    const bar = el('div', { class: 'bar' }, el('span', { class: 'l' }, label),
      el('div', { style: `width:${Math.round(300 * n / max)}px` }), el('span', { class: 'n' }, n));
    container.append(bar);
  }
}

async function loadStatus() {
  const st = await api('/stat');
  const cards = document.getElementById('cards');
  cards.replaceChildren();
  const add = (k, v) => cards.append(el('div', { class: 'card' }, el('div', { class: 'v' }, v), el('div', { class: 'k' }, k)));
  add('Scanned', st.scanned);
  add('Flagged', st.spam_count);
  add('Clean', st.ham_count);
  add('Errors', st.errors || 0);
  add('Avg scan time', `${(1000 * (st.scan_time_avg || 0)).toFixed(1)} ms`);
  add('Uptime', `${Math.floor(st.uptime / 3600)} h ${Math.floor(st.uptime % 3600 / 60)} min`);
  document.getElementById('who').textContent = `mailward ${st.version} · config ${st.config_id}`;
  bars(document.getElementById('actions'), Object.entries(st.actions));
  // Authentication shares over the recent history rows (SPF, DKIM, DMARC symbols).
  const hist = await api('/history');
  const counts = {};
  const groups = { 'SPF pass': 'R_SPF_ALLOW', 'SPF fail': 'R_SPF_FAIL', 'SPF softfail': 'R_SPF_SOFTFAIL',
    'DKIM signed+valid': 'R_DKIM_ALLOW', 'DKIM invalid': 'R_DKIM_REJECT', 'DMARC pass': 'DMARC_POLICY_ALLOW',
    'DMARC reject policy': 'DMARC_POLICY_REJECT', 'DMARC quarantine policy': 'DMARC_POLICY_QUARANTINE',
    'DMARC none (no record)': 'DMARC_NA' };
  for (const label of Object.keys(groups)) counts[label] = 0;
  for (const row of hist.rows || []) {
    for (const [label, sym] of Object.entries(groups)) if (row.symbols && row.symbols[sym]) counts[label]++;
  }
  bars(document.getElementById('auth'), Object.entries(counts));
}

async function loadHistory() {
  const hist = await api('/history');
  const body = document.getElementById('history-rows');
  body.replaceChildren();
  for (const row of hist.rows || []) {
    const syms = el('td', { class: 'sym' });
    for (const [name, s] of Object.entries(row.symbols || {})) {
      syms.append(el('span', { class: 'tag ' + (s.score > 0 ? 'pos' : s.score < 0 ? 'neg' : '') }, `${name} ${s.score}`));
    }
    body.append(el('tr', {}, el('td', {}, new Date(row.unix_time * 1000).toLocaleString()),
      el('td', {}, row.id), el('td', {}, row.ip || ''),
      el('td', { class: 'action-' + row.action.replace(' ', '-') }, row.action),
      el('td', {}, `${row.score} / ${row.required_score}`), el('td', {}, row.subject || ''), syms));
  }
}

async function loadSymbols() {
  const groups = await api('/symbols');
  const body = document.getElementById('symbol-rows');
  const filter = document.getElementById('symbol-filter').value.toLowerCase();
  body.replaceChildren();
  for (const g of groups) {
    for (const r of g.rules) {
      if (filter && !r.symbol.toLowerCase().includes(filter) && !g.group.includes(filter)) continue;
      body.append(el('tr', {}, el('td', {}, g.group), el('td', {}, r.symbol), el('td', {}, r.weight),
        el('td', {}, r.hits), el('td', {}, (100 * r.frequency).toFixed(2) + '%'),
        el('td', {}, (1000 * r.time).toFixed(2) + ' ms'), el('td', {}, r.description || '')));
    }
  }
}

async function loadOutbound() {
  const holds = document.getElementById('hold-rows');
  const events = document.getElementById('event-rows');
  holds.replaceChildren();
  events.replaceChildren();
  let data;
  try { data = await api('/outbound/holds'); } catch (e) { holds.append(el('tr', {}, el('td', {}, 'outbound protection is not enabled'))); return; }
  for (const h of data.holds || []) {
    const btn = el('button', {}, 'Release');
    btn.onclick = async () => { await api('/outbound/release', { method: 'POST', headers: { 'User': h.user } }); loadOutbound(); };
    holds.append(el('tr', {}, el('td', {}, h.user), el('td', {}, new Date(h.since * 1000).toLocaleString()),
      el('td', {}, (h.reasons || []).join(', ')), el('td', {}, btn)));
  }
  for (const ev of data.events || []) {
    events.append(el('tr', {}, el('td', {}, new Date(ev.time * 1000).toLocaleString()), el('td', {}, ev.user),
      el('td', {}, ev.probability.toFixed(3)), el('td', {}, ev.ip || ''), el('td', {}, (ev.reasons || []).join(', '))));
  }
}

async function loadErrors() {
  const rows = await api('/errors');
  const body = document.getElementById('error-rows');
  body.replaceChildren();
  for (const e of rows) {
    body.append(el('tr', {}, el('td', {}, new Date(e.ts * 1000).toLocaleString()), el('td', {}, e.type),
      el('td', {}, e.module), el('td', {}, e.id || ''), el('td', {}, e.message)));
  }
}

const loaders = { status: loadStatus, history: loadHistory, symbols: loadSymbols, outbound: loadOutbound, errors: loadErrors };
let current = 'status';

function show(tab) {
  current = tab;
  document.querySelectorAll('nav button').forEach(b => b.classList.toggle('active', b.dataset.tab === tab));
  document.querySelectorAll('.tab').forEach(t => { t.hidden = t.id !== tab; });
  loaders[tab]().catch(err => console.warn(err));
}

document.querySelectorAll('nav button').forEach(b => { b.onclick = () => show(b.dataset.tab); });
document.getElementById('symbol-filter').oninput = () => loadSymbols();
document.getElementById('login-form').onsubmit = async (ev) => {
  ev.preventDefault();
  password = document.getElementById('password').value;
  sessionStorage.setItem('mw-password', password);
  try {
    await api('/auth');
    document.getElementById('login').hidden = true;
    show(current);
  } catch (e) {
    document.getElementById('login-error').textContent = 'wrong password';
  }
};
show('status');
setInterval(() => { if (document.getElementById('login').hidden) loaders[current]().catch(() => {}); }, 10000);
