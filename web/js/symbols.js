// Symbols and actions: scores and thresholds, editable with the enable password and saved by
// the server (/savesymbols, /saveactions) into a local.d file that survives restarts.
import * as api from './api.js';
import { el, table, percent } from './ui.js';

let filterText = '';

export async function render(root, state) {
  const [groups, actions] = await Promise.all([api.get('/symbols'), api.get('/actions')]);
  const ro = state.readOnly;
  const changed = new Map();
  const scoreInput = (r) => el('input', { type: 'number', step: '0.01', value: r.weight, 'aria-label': `Score of ${r.symbol}`,
    'data-symbol': r.symbol, disabled: ro, class: 'score', oninput: (ev) => changed.set(r.symbol, Number(ev.target.value)) });
  const actionInputs = actions.map((a) => el('input', { type: 'number', step: '0.1', value: a.value ?? '', 'data-action': a.action,
    'aria-label': `Threshold of ${a.action}`, disabled: ro, placeholder: 'disabled' }));
  const saveActions = async () => {
    const body = actions.map((a, i) => ({ action: a.action, value: actionInputs[i].value === '' ? null : Number(actionInputs[i].value) }));
    try {
      await api.post('/saveactions', body);
      state.flash('Thresholds saved; the server reloads to apply them.');
    } catch (e) { state.flash(e.message, 'error'); }
  };
  const saveSymbols = async () => {
    if (!changed.size) return state.flash('Nothing changed.');
    try {
      await api.post('/savesymbols', [...changed].map(([name, value]) => ({ name, value })));
      state.flash(`${changed.size} score(s) saved; the server reloads to apply them.`);
      changed.clear();
    } catch (e) { state.flash(e.message, 'error'); }
  };
  const rows = [];
  for (const g of groups) {
    for (const r of g.rules) {
      const f = filterText.toLowerCase();
      if (f && !r.symbol.toLowerCase().includes(f) && !g.group.toLowerCase().includes(f) &&
          !(r.description || '').toLowerCase().includes(f)) continue;
      rows.push([g.group, r.symbol, scoreInput(r), r.hits, percent(r.frequency, 2), r.description || '']);
    }
  }
  const filterBox = el('input', { id: 'symbol-filter', type: 'search', value: filterText, placeholder: 'filter symbols',
    'aria-label': 'Filter symbols', onchange: (ev) => { filterText = ev.target.value; state.refresh(); } });
  root.replaceChildren(
    el('p', { class: 'explain' }, 'The score each symbol adds when it fires, and the score at which each action applies. ',
      ro ? 'You are logged in read-only: log in with the enable password to change them.'
        : 'Saved values go to the server\'s local.d file, are kept across restarts and apply after the reload the save triggers.'),
    el('h2', {}, 'Actions'),
    table('Score thresholds (empty: the action is disabled)', ['Action', 'Threshold'],
      actions.map((a, i) => [a.action, actionInputs[i]])),
    ro ? '' : el('button', { type: 'button', id: 'save-actions', class: 'primary', onclick: saveActions }, 'Save thresholds'),
    el('h2', {}, 'Symbols'), filterBox,
    table('', ['Group', 'Symbol', 'Score', 'Hits', 'Frequency', 'Description'], rows),
    ro ? '' : el('button', { type: 'button', id: 'save-symbols', class: 'primary', onclick: saveSymbols }, 'Save scores'));
}
