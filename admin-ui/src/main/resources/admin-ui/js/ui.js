/**
 * Shared widgets: toasts (announced to screen readers), modal dialogs that trap focus and close on Escape,
 * and a confirmation dialog.
 */
import { h, uid } from './dom.js';

let toasts;

/**
 * Shows a short message for a few seconds. `kind`: `info` | `success` | `error`.
 * It replaces the message shown before: each action says one thing, and the outcome of an earlier one (e.g. the
 * "saved" of the save that led to this page) is no news once another action has finished.
 */
export function toast(message, kind = 'info') {
  if (!toasts) {
    toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(toasts);
  }
  const item = h('div', { class: `toast toast-${kind}`, text: message });
  toasts.replaceChildren(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), '
  + 'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Opens a modal dialog. `content` is a node; `actions` are `[{label, kind, value}]` buttons that close the
 * dialog with their value. Resolves with that value, or `null` when dismissed (Escape or Cancel).
 * Focus stays inside while it is open and returns to where it was afterwards.
 */
export function openDialog({ title, content, actions }) {
  return new Promise((resolve) => {
    const previous = document.activeElement;
    const titleId = uid('dialog-title');
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-modal': 'true' },
      h('h2', { id: titleId, text: title }),
      h('div', { class: 'dialog-body' }, content),
      h('div', { class: 'dialog-actions' }, actions.map((action) => h('button', {
        type: 'button',
        class: `button ${action.kind ? `button-${action.kind}` : ''}`,
        dataset: { value: String(action.value) },
        text: action.label,
        onclick: () => close(action.value),
      }))));
    function close(value) {
      dialog.close();
      dialog.remove();
      if (previous && previous.focus) previous.focus();
      resolve(value);
    }
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(null); });
    dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Tab') return;
      const focusable = [...dialog.querySelectorAll(FOCUSABLE)];
      if (focusable.length === 0) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    const preferred = dialog.querySelector('[data-autofocus]') || dialog.querySelector('.dialog-actions button');
    if (preferred) preferred.focus();
  });
}

/** Asks a yes/no question; resolves true only when the user confirms. */
export async function confirmAction({ title, message, confirmLabel, danger }) {
  const answer = await openDialog({
    title,
    content: h('p', { text: message }),
    actions: [
      { label: 'Cancel', value: 'cancel' },
      { label: confirmLabel, kind: danger ? 'danger' : 'primary', value: 'confirm' },
    ],
  });
  return answer === 'confirm';
}

/** A state badge (PUBLIC, DRAFT, TRASH, succeeded, failed, …). */
export function badge(text, kind) {
  return h('span', { class: `badge badge-${String(kind || text).toLowerCase()}`, text });
}

/** Runs an async action with the button disabled meanwhile; errors become an error toast. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } catch (error) {
    toast(error.message || String(error), 'error');
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
