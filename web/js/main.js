// The dashboard shell: login, navigation between the views, live refresh, dark mode.
import * as api from './api.js';
import { el, notice } from './ui.js';
import * as overview from './overview.js';
import * as defense from './defense.js';
import * as senderauth from './senderauth.js';
import * as history from './history.js';
import * as symbols from './symbols.js';
import * as learning from './learning.js';

const VIEWS = {
  overview: { label: 'Overview', module: overview, live: true },
  defense: { label: 'Defensive action', module: defense, live: true },
  senderauth: { label: 'Sender authentication', module: senderauth },
  history: { label: 'History', module: history },
  symbols: { label: 'Symbols and actions', module: symbols },
  learning: { label: 'Learning', module: learning },
};

const state = {
  view: 'overview',
  readOnly: true,
  operator: sessionStorage.getItem('mw-operator') || '',
  refresh: () => show(state.view),
  flash(text, kind = 'info') { notice(document.getElementById('flash'), text, kind); },
};

const main = () => document.getElementById('view');
let rendering = Promise.resolve();

// The tabs are built once (so that focus stays on them) and updated on every view change.
function nav() {
  const bar = document.getElementById('tabs');
  if (!bar.children.length) {
    bar.replaceChildren(...Object.entries(VIEWS).map(([id, v]) => el('button', {
      type: 'button', role: 'tab', id: `tab-${id}`, 'data-view': id, 'aria-controls': 'view',
      onclick: () => { location.hash = id; },
    }, v.label)));
    // Arrow keys move between tabs (the tab pattern of WAI-ARIA).
    bar.addEventListener('keydown', (ev) => {
      const ids = Object.keys(VIEWS);
      const i = ids.indexOf(state.view);
      const next = ev.key === 'ArrowRight' ? ids[(i + 1) % ids.length]
        : ev.key === 'ArrowLeft' ? ids[(i + ids.length - 1) % ids.length]
          : ev.key === 'Home' ? ids[0] : ev.key === 'End' ? ids[ids.length - 1] : null;
      if (!next) return;
      ev.preventDefault();
      location.hash = next;
      document.getElementById(`tab-${next}`).focus();
    });
  }
  for (const b of bar.children) {
    const on = b.dataset.view === state.view;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
}

function show(id) {
  if (!VIEWS[id]) id = 'overview';
  const changed = id !== state.view;
  if (changed && VIEWS[state.view].module.stop) VIEWS[state.view].module.stop();
  state.view = id;
  nav();
  document.body.dataset.view = id;
  const root = main();
  root.setAttribute('aria-labelledby', `tab-${id}`);
  if (changed) {
    notice(root, 'loading…');
    document.getElementById('flash').replaceChildren();
  }
  rendering = rendering.then(() => VIEWS[id].module.render(root, state)).catch((e) => {
    if (e.status !== 403) notice(root, e.message, 'error');
  });
  return rendering;
}

function showLogin(message = '') {
  document.getElementById('login').hidden = false;
  document.getElementById('app').hidden = true;
  document.getElementById('login-error').textContent = message;
  document.getElementById('password').focus();
}

async function start() {
  let auth;
  try {
    auth = await api.get('/auth');
  } catch (e) {
    showLogin(api.password() ? 'Wrong password.' : '');
    return;
  }
  state.readOnly = !!auth.read_only;
  document.body.classList.toggle('read-only', state.readOnly);
  document.getElementById('login').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('who').textContent =
    `mailward ${auth.version}${state.readOnly ? ' · read-only' : ''}${state.operator ? ' · ' + state.operator : ''}`;
  show((location.hash || '#overview').slice(1));
}

function setTheme(theme) {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('mw-theme', theme);
  document.getElementById('theme').setAttribute('aria-pressed', String(theme === 'dark'));
}

api.onUnauthorized(() => showLogin('Log in to continue.'));
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
document.getElementById('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  api.setPassword(document.getElementById('password').value);
  state.operator = document.getElementById('operator').value.trim();
  sessionStorage.setItem('mw-operator', state.operator);
  start();
});
document.getElementById('logout').addEventListener('click', () => {
  api.clearPassword();
  showLogin();
});
document.getElementById('theme').addEventListener('click', () => {
  setTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
});
setTheme(localStorage.getItem('mw-theme') ||
  (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
setInterval(() => {
  if (!document.getElementById('app').hidden && VIEWS[state.view].live && !document.querySelector('dialog[open]')) {
    show(state.view);
  }
}, 10000);
start();
