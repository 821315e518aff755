// Learning: teach the Bayes classifier a message as spam or ham (upload or paste).
import * as api from './api.js';
import { el } from './ui.js';

export async function render(root, state) {
  const st = await api.get('/stat');
  const statfiles = st.statfiles || [];
  const result = el('p', { id: 'learn-result', role: 'status' });
  if (state.readOnly) {
    root.replaceChildren(el('p', { class: 'notice' }, 'Learning needs the enable password: you are logged in read-only.'));
    return;
  }
  const text = el('textarea', { id: 'learn-text', rows: 12, 'aria-label': 'Message to learn', placeholder: 'Paste a whole message, headers included' });
  const file = el('input', { type: 'file', id: 'learn-file', accept: '.eml,message/rfc822,text/plain' });
  const learn = async (cls) => {
    const body = file.files.length ? file.files[0] : text.value;
    if (!body || (typeof body === 'string' && !body.trim())) { result.textContent = 'Give a message first.'; return; }
    try {
      const r = await api.post(cls === 'spam' ? '/learnspam' : '/learnham', body);
      result.textContent = r && r.success ? `Learned as ${cls}.` : `Not learned: ${typeof r === 'string' ? r : JSON.stringify(r)}`;
    } catch (e) {
      result.textContent = e.status === 503 ? 'Learning is not available (the classifier is disabled).' : e.message;
    }
  };
  root.replaceChildren(
    el('p', { class: 'explain' }, 'The message goes to the server\'s Bayes classifier (/learnspam, /learnham). ',
      `It has learned ${st.learned || 0} messages: `,
      statfiles.map((s) => `${s.symbol} ${s.revision} `).join(', ') || 'no statistics yet', '.'),
    el('label', { for: 'learn-file' }, 'Upload a message: '), file,
    el('p', {}, 'or paste it:'), text,
    el('div', { class: 'buttons' },
      el('button', { type: 'button', id: 'learn-spam', onclick: () => learn('spam') }, 'Learn as spam'),
      el('button', { type: 'button', id: 'learn-ham', onclick: () => learn('ham') }, 'Learn as ham')),
    result);
}
