/**
 * The admin shell: sign-in with the administrator token, the side menu built from `GET /api/collections`
 * (category → collections, in the server's order), and hash routing to each collection's pages:
 *   #/c/<collection>[?tab=all|published|draft|trash]   the list
 *   #/c/<collection>/new                               the "Add new" form
 *   #/c/<collection>/<id>                              one document
 * Plugin-specific panels come from each collection's `uiModule` (see js/extensions.js).
 */
import { h, replaceChildren } from './js/dom.js';
import { api, session, whenUnauthorized } from './js/api.js';
import { hooksFor } from './js/extensions.js';
import { renderList, renderNew, renderDocument } from './js/views.js';

const root = document.getElementById('app');
let collections = [];
let main = null;
let menu = null;

whenUnauthorized(() => {
  session.signOut();
  showSignIn('Your session has ended: the server no longer accepts this token. Please sign in again.');
});

function showSignIn(message) {
  document.title = 'Sign in · Console CMS';
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-help token-error' });
  const error = h('p', { id: 'token-error', class: 'field-error', role: 'alert', hidden: !message, text: message || '' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Sign in' });
  const form = h('form', { class: 'signin', novalidate: true },
    h('div', { class: 'brand brand-large' }, logo(), h('span', { text: 'Console CMS' })),
    h('h1', { text: 'Sign in' }),
    h('div', { class: 'field' },
      h('label', { for: 'token', class: 'field-label', text: 'Administrator token' }),
      input,
      h('p', { id: 'token-help', class: 'help', text: 'The token set in CMS_ADMIN_TOKEN, or the one the CMS generated into the admin-token file of its data folder. It is kept only in this browser tab.' }),
      error),
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    const fail = (text) => {
      error.textContent = text;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    };
    if (!token) { fail('Enter the administrator token.'); return; }
    submit.disabled = true;
    try {
      const answer = await api.probe(token);
      session.signIn(token);
      collections = Array.isArray(answer) ? answer : [];
      showShell();
    } catch (failure) {
      fail(failure.status === 401 || failure.status === 403
        ? 'This token is not valid. Check it and try again.'
        : failure.message);
    } finally {
      submit.disabled = false;
    }
  });
  main = null;
  replaceChildren(root, h('main', { class: 'signin-page' }, form));
  input.focus();
}

function logo() {
  return h('span', { class: 'logo', 'aria-hidden': 'true', text: 'C' });
}

/** Groups collections by category, keeping the server's order of both. */
function categories() {
  const groups = new Map();
  for (const collection of collections) {
    const category = collection.category || 'Other';
    if (!groups.has(category)) groups.set(category, []);
    groups.get(category).push(collection);
  }
  return [...groups.entries()];
}

function showShell() {
  const toggle = h('button', {
    type: 'button', class: 'menu-toggle button', 'aria-expanded': 'false', 'aria-controls': 'side-menu', text: 'Menu',
  });
  menu = h('nav', { id: 'side-menu', class: 'side-menu', 'aria-label': 'Collections' },
    categories().map(([category, items]) => h('div', { class: 'menu-group' },
      h('h2', { class: 'menu-category', text: category }),
      h('ul', null, items.map((collection) => h('li', null, h('a', {
        href: `#/c/${encodeURIComponent(collection.name)}`,
        dataset: { collection: collection.name },
        text: collection.label,
      })))))),
    collections.length === 0 ? h('p', { class: 'menu-empty', text: 'No plugin contributes a collection yet.' }) : null);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    menu.classList.toggle('open', open);
  });
  menu.addEventListener('click', (event) => {
    if (event.target.closest('a')) { toggle.setAttribute('aria-expanded', 'false'); menu.classList.remove('open'); }
  });
  const signOut = h('button', { type: 'button', class: 'button button-quiet', text: 'Sign out', dataset: { action: 'sign-out' } });
  signOut.addEventListener('click', () => { session.signOut(); showSignIn(); });
  main = h('main', { id: 'main', class: 'content', tabindex: '-1' });
  replaceChildren(root,
    h('a', { class: 'skip-link', href: '#main', text: 'Skip to content', onclick: (event) => { event.preventDefault(); main.focus(); } }),
    h('header', { class: 'top-bar' }, toggle, h('div', { class: 'brand' }, logo(), h('span', { text: 'Console CMS' })), h('span', { class: 'spacer' }), signOut),
    h('div', { class: 'layout' }, menu, main));
  route();
}

function parseHash() {
  const hash = window.location.hash.replace(/^#/, '');
  const [path, search] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: Object.fromEntries(new URLSearchParams(search || '')) };
}

async function route() {
  if (!main) return;
  const { parts, params } = parseHash();
  const collection = parts[0] === 'c' ? collections.find((c) => c.name === parts[1]) : null;
  if (!collection) {
    if (collections.length > 0) {
      window.location.replace(`#/c/${encodeURIComponent(collections[0].name)}`);
    } else {
      replaceChildren(main, h('header', { class: 'page-header' }, h('h1', { text: 'Nothing to manage yet' })),
        h('p', { text: 'Install a plugin that contributes a collection (e.g. the webhooks plugin) and reload this page.' }));
    }
    return;
  }
  menu.querySelectorAll('a').forEach((link) => {
    if (link.dataset.collection === collection.name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
  document.title = `${collection.label} · Console CMS`;
  const hooks = await hooksFor(collection);
  if (!main) return;
  if (parts[2] === 'new') renderNew(main, { collection, hooks });
  else if (parts[2]) await renderDocument(main, { collection, hooks, id: parts[2] });
  else renderList(main, { collection, hooks, params });
}

window.addEventListener('hashchange', () => route());

async function start() {
  if (!session.token()) { showSignIn(); return; }
  try {
    const answer = await api.get('/api/collections');
    collections = Array.isArray(answer) ? answer : [];
    showShell();
  } catch (failure) {
    if (failure.status !== 401) {
      replaceChildren(root, h('main', { class: 'signin-page' }, h('div', { class: 'signin' },
        h('h1', { text: 'Console CMS' }),
        h('p', { class: 'notice notice-error', role: 'alert', text: failure.message }),
        h('button', { type: 'button', class: 'button', text: 'Try again', onclick: start }))));
    }
  }
}

start();
