// History: the recent scans, searchable and filterable on the server, with a message's full
// symbol list and the symbols' descriptions. Subject, sender and recipients are kept by the
// server only for flagged messages (and never when credentials were found).
import * as api from './api.js';
import { el, table, time } from './ui.js';
import { ACTIONS } from './overview.js';

const filter = { action: '', symbol: '', domain: '', user: '', q: '' };
let openId = '';

function filters(state) {
  const field = (key, label, extra = {}) => el('label', {}, label + ' ',
    el('input', Object.assign({ id: `hist-${key}`, value: filter[key], size: 14 }, extra)));
  const action = el('select', { id: 'hist-action' }, el('option', { value: '' }, 'any'),
    ACTIONS.map((a) => el('option', { value: a, selected: filter.action === a }, a)));
  return el('form', { class: 'filters', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    for (const k of Object.keys(filter)) filter[k] = ev.target.querySelector(`#hist-${k}`).value.trim();
    state.refresh();
  } },
  el('label', {}, 'Action ', action), field('symbol', 'Symbol'), field('domain', 'Sender domain'),
  field('user', 'User'), field('q', 'Text', { placeholder: 'id, message-id, IP, subject' }),
  el('button', { type: 'submit' }, 'Search'));
}

function details(row, descriptions) {
  const syms = Object.entries(row.symbols || {}).sort((a, b) => Math.abs(b[1].score) - Math.abs(a[1].score));
  return el('section', { class: 'details', 'aria-label': 'Message details', tabindex: '-1' },
    el('h3', {}, `Scan ${row.id}`),
    el('dl', {},
      ['message-id', 'ip', 'user', 'sender_smtp', 'subject'].filter((k) => row[k]).map((k) => [el('dt', {}, k), el('dd', {}, row[k])]),
      el('dt', {}, 'recipients'), el('dd', {}, (row.rcpt_smtp || []).join(', ') || '(not kept: message not flagged)')),
    table('Symbols', ['Symbol', 'Score', 'Options', 'Description'],
      syms.map(([name, s]) => [name, s.score, (s.options || []).join(', '), descriptions[name] || ''])));
}

export async function render(root, state) {
  const [hist, counters] = await Promise.all([api.get('/history', Object.assign({ count: 200 }, filter)), api.get('/counters')]);
  const descriptions = {};
  for (const c of counters) descriptions[c.symbol] = c.description || '';
  const rows = hist.rows || [];
  const open = rows.find((r) => r.id === openId);
  root.replaceChildren(
    el('p', { class: 'explain' }, 'The last scans the server kept (newest first). Subject, sender and recipients are ',
      'kept only for flagged messages; choose a scan to see all its symbols.'),
    filters(state),
    table(`${rows.length} scans`, ['Time', 'ID', 'IP', 'Action', 'Score', 'Sender', 'Subject', 'Symbols'],
      rows.map((r) => [time(r.unix_time),
        el('button', { type: 'button', class: 'link', onclick: () => { openId = r.id; state.focusDetails = true; state.refresh(); } }, r.id),
        r.ip || '', el('span', { class: 'action-' + r.action.replace(/ /g, '-') }, r.action),
        `${r.score} / ${r.required_score}`, r.sender_smtp || '', r.subject || '',
        Object.keys(r.symbols || {}).length]), 'no scan matches', 'history-table'),
    open ? details(open, descriptions) : '');
  const shown = root.querySelector('.details');
  if (shown && state.focusDetails) {
    state.focusDetails = false;
    shown.focus();  // keyboard users land on what they opened
  }
}
