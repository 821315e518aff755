// Small DOM helpers shared by the views.

// el('tr', {class: 'x', onclick: fn}, child, 'text', ...): an element.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

export function time(epoch) {
  return epoch ? new Date(epoch * 1000).toLocaleString() : '';
}

export function percent(x, digits = 1) {
  return (100 * (x || 0)).toFixed(digits) + '%';
}

export function ms(seconds) {
  return seconds === null || seconds === undefined ? 'n/a' : (1000 * seconds).toFixed(1) + ' ms';
}

// A table: headers, rows (arrays of cells), and a caption saying what it shows.
export function table(caption, headers, rows, empty = 'nothing to show', id = undefined) {
  const body = rows.length
    ? rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))
    : [el('tr', {}, el('td', { colspan: headers.length, class: 'empty' }, empty))];
  return el('table', { id },
    caption ? el('caption', {}, caption) : null,
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, body));
}

// A status line in a view ("loading", errors).
export function notice(target, text, kind = 'info') {
  target.replaceChildren(el('p', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text));
}

// Ask for a reason (required) in a modal dialog; resolves to the text, or null if cancelled.
export function askReason(title) {
  return new Promise((resolve) => {
    const input = el('textarea', { id: 'reason-input', 'aria-required': 'true', rows: 3, 'aria-label': 'Reason' });
    const error = el('p', { class: 'error', role: 'alert' });
    const dialog = el('dialog', { class: 'reason-dialog', 'aria-label': title },
      el('form', { method: 'dialog' },
        el('h3', {}, title),
        el('label', { for: 'reason-input' }, 'Reason (required, written to the audit log)'),
        input, error,
        el('div', { class: 'buttons' },
          el('button', { value: 'cancel', type: 'submit', formnovalidate: true }, 'Cancel'),
          el('button', { value: 'ok', type: 'submit', class: 'primary', id: 'reason-ok' }, 'Confirm'))));
    dialog.addEventListener('close', () => {
      const text = input.value.trim();
      dialog.remove();
      resolve(dialog.returnValue === 'ok' && text ? text : null);
    });
    dialog.querySelector('form').addEventListener('submit', (ev) => {
      if (ev.submitter && ev.submitter.value === 'ok' && !input.value.trim()) {
        ev.preventDefault();
        error.textContent = 'A reason is required.';
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
