/**
 * The pages of one collection: the list (tabs All / Published / Draft / Trash above a table), the "Add new" form
 * and one document's page (edit form, state actions, and the plugin's detail panels).
 */
import { h, formatTime, getPath, replaceChildren } from './dom.js';
import { api, query, join, ApiError } from './api.js';
import { toast, confirmAction, badge, busy } from './ui.js';
import { buildForm } from './form.js';

const PAGE_SIZE = 25;

/**
 * How often an open list fetches its page again, so that new deliveries show without a reload. Only while the
 * browser tab is visible; never while a dialog is open or the keyboard focus is inside the table (a repaint would take
 * it away), the next tick tries again.
 */
export const LIST_REFRESH_MS = 10000;

/** Every state a document can be seen in (DELETED is gone for good). */
const ALL_STATES = 'PUBLIC,DRAFT,TRASH';

/** The list tabs, in Mia CMS order, and the CRUD states each shows. */
export const TABS = [
  { id: 'all', label: 'All', states: ALL_STATES },
  { id: 'published', label: 'Published', states: 'PUBLIC' },
  { id: 'draft', label: 'Draft', states: 'DRAFT' },
  { id: 'trash', label: 'Trash', states: 'TRASH' },
];

const STATE_LABELS = { PUBLIC: 'Published', DRAFT: 'Draft', TRASH: 'Trash', DELETED: 'Deleted' };

function singular(label) {
  return label.endsWith('s') ? label.slice(0, -1).toLowerCase() : label.toLowerCase();
}

function titleOf(collection, hooks, doc) {
  if (hooks.title) {
    try { return String(hooks.title(doc)); } catch (ignored) { /* fall back to the generic title */ }
  }
  const first = collection.fields.find((field) => field.listed && !field.secret);
  const value = first ? getPath(doc, first.name) : null;
  return value ? String(value) : String(doc._id);
}

function documentHash(collection, id) {
  return `#/c/${encodeURIComponent(collection.name)}/${encodeURIComponent(id)}`;
}

function listHash(collection, tab) {
  return `#/c/${encodeURIComponent(collection.name)}${tab && tab !== 'all' ? `?tab=${tab}` : ''}`;
}

/** The generic columns: listed fields, then state and last update. */
function defaultColumns(collection, hooks) {
  const columns = collection.fields.filter((field) => field.listed && !field.secret).map((field, index) => ({
    key: field.name,
    label: field.label,
    render: (doc) => {
      const value = getPath(doc, field.name);
      const text = value === undefined || value === null ? '' : String(value);
      // The first column links to the document, as in Mia CMS where a row opens its detail.
      if (index === 0) return h('a', { href: documentHash(collection, doc._id), class: 'row-link', text: text || doc._id });
      return h('span', { class: field.type === 'URL' ? 'cell-url' : null, text });
    },
  }));
  if (columns.length === 0) {
    columns.push({ key: '_id', label: 'Id', render: (doc) => h('a', { href: documentHash(collection, doc._id), text: doc._id }) });
  }
  columns.push({ key: '__STATE__', label: 'State', render: (doc) => badge(STATE_LABELS[doc.__STATE__] || doc.__STATE__, doc.__STATE__) });
  columns.push({ key: 'updatedAt', label: 'Updated', render: (doc) => h('time', { text: formatTime(doc.updatedAt) }) });
  if (hooks.columns) {
    try {
      const custom = hooks.columns(columns.slice());
      if (Array.isArray(custom)) return custom;
    } catch (error) {
      console.warn('columns hook failed', error);
    }
  }
  return columns;
}

/** Moves a document to another state (`POST path/{id}/state`). */
async function changeState(collection, doc, stateTo) {
  await api.post(join(collection.path, `${encodeURIComponent(doc._id)}/state`), { stateTo });
}

/** The state buttons a document has in its current state; `after()` runs once an action succeeded. */
function stateActions(collection, hooks, doc, after, { small } = {}) {
  const name = titleOf(collection, hooks, doc);
  const size = small ? ' button-small' : '';
  const trashLabel = small ? 'Trash' : 'Move to trash';
  const action = (label, key, run, kind) => {
    const button = h('button', {
      type: 'button', class: `button${size}${kind ? ` button-${kind}` : ''}`, text: label,
      'aria-label': `${key === 'trash' ? 'Move to trash' : label}: ${name}`, dataset: { action: key },
    });
    button.addEventListener('click', () => busy(button, async () => {
      const done = await run();
      if (done !== false) after(key);
    }));
    return button;
  };
  const move = (stateTo, message) => async () => { await changeState(collection, doc, stateTo); toast(message, 'success'); };
  switch (doc.__STATE__) {
    case 'PUBLIC':
      return [action('Unpublish', 'unpublish', move('DRAFT', 'Moved to Draft.')),
        action(trashLabel, 'trash', move('TRASH', 'Moved to Trash.'))];
    case 'DRAFT':
      return [action('Publish', 'publish', move('PUBLIC', 'Published.'), 'primary'),
        action(trashLabel, 'trash', move('TRASH', 'Moved to Trash.'))];
    case 'TRASH':
      return [action('Restore', 'restore', move('DRAFT', 'Restored to Draft.')),
        action('Delete', 'delete', async () => {
          const sure = await confirmAction({
            title: `Delete this ${singular(collection.label)}?`,
            message: `“${name}” will be deleted for good. This cannot be undone.`,
            confirmLabel: 'Delete', danger: true,
          });
          if (!sure) return false;
          await api.delete(join(collection.path, encodeURIComponent(doc._id)));
          toast('Deleted.', 'success');
          return true;
        }, 'danger')];
    default:
      return [];
  }
}

function pageHeader(title, ...actions) {
  return h('header', { class: 'page-header' }, h('h1', { text: title }), h('div', { class: 'page-actions' }, actions));
}

/** The list page. `params.tab`: one of TABS' ids; `params.page`: 0-based. */
export function renderList(main, { collection, hooks, params }) {
  let tab = TABS.find((t) => t.id === params.tab) || TABS[0];
  let page = Math.max(0, Number.parseInt(params.page || '0', 10) || 0);
  const addNew = h('a', { class: 'button button-primary', href: `#/c/${encodeURIComponent(collection.name)}/new`, text: 'Add new', dataset: { action: 'add-new' } });
  const tabButtons = TABS.map((t) => h('button', {
    type: 'button', role: 'tab', id: `tab-${t.id}`, class: 'tab', 'aria-controls': 'list-panel',
    dataset: { tab: t.id },
  }, h('span', { text: t.label }), h('span', { class: 'tab-count', dataset: { countFor: t.id } })));
  const tablist = h('div', { role: 'tablist', class: 'tabs', 'aria-label': `${collection.label} by state` }, tabButtons);
  const panel = h('div', { role: 'tabpanel', id: 'list-panel', class: 'list-panel' });
  const intro = typeof hooks.description === 'string' && hooks.description
    ? h('p', { class: 'page-intro', text: hooks.description }) : null;
  replaceChildren(main, pageHeader(collection.label, addNew), intro, tablist, panel);

  function select(next, focus) {
    tab = next;
    page = 0;
    window.history.replaceState(null, '', listHash(collection, tab.id));
    paintTabs(focus);
    load();
  }
  function paintTabs(focus) {
    tabButtons.forEach((button) => {
      const selected = button.dataset.tab === tab.id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      if (selected && focus) button.focus();
    });
    panel.setAttribute('aria-labelledby', `tab-${tab.id}`);
  }
  tabButtons.forEach((button, index) => {
    button.addEventListener('click', () => select(TABS[index], false));
    button.addEventListener('keydown', (event) => {
      const moves = { ArrowRight: 1, ArrowLeft: -1 };
      if (event.key in moves) {
        event.preventDefault();
        select(TABS[(index + moves[event.key] + TABS.length) % TABS.length], true);
      } else if (event.key === 'Home' || event.key === 'End') {
        event.preventDefault();
        select(TABS[event.key === 'Home' ? 0 : TABS.length - 1], true);
      }
    });
  });

  /** How many documents a tab shows, from the counts of every state. */
  function countOf(counts, t) {
    return t.states.split(',').reduce((sum, state) => sum + (Number(counts && counts[state]) || 0), 0);
  }
  function paintCounts(counts) {
    TABS.forEach((t) => { tablist.querySelector(`[data-count-for="${t.id}"]`).textContent = ` (${countOf(counts, t)})`; });
  }

  let lastPainted = null;
  /**
   * Two requests, whatever the tab: the page of documents, and the count of every state (all the tabs' counts and
   * the shown tab's total at once). `quiet`: a background refresh; no busy mark, and on failure the table shown
   * stays as it is.
   */
  async function load({ quiet } = {}) {
    const shown = tab;
    if (!quiet) panel.setAttribute('aria-busy', 'true');
    try {
      const [docs, counts] = await Promise.all([
        api.get(`${join(collection.path, '/')}${query({ _st: shown.states, _l: PAGE_SIZE, _sk: page * PAGE_SIZE, _s: '-createdAt' })}`),
        api.get(`${join(collection.path, 'count-by-state')}${query({ _st: ALL_STATES })}`),
      ]);
      if (shown !== tab) return;
      // a background refresh that brings nothing new leaves the table (and what the user points at) as it is
      const painted = JSON.stringify([shown.id, page, docs, counts]);
      if (quiet && painted === lastPainted) return;
      lastPainted = painted;
      paintCounts(counts);
      paintTable(Array.isArray(docs) ? docs : [], countOf(counts, shown));
    } catch (error) {
      if (shown !== tab || quiet) return;
      replaceChildren(panel, h('p', { class: 'notice notice-error', role: 'alert', text: `Could not load ${collection.label}: ${error.message}` }),
        h('button', { type: 'button', class: 'button', text: 'Try again', onclick: load }));
    } finally {
      panel.removeAttribute('aria-busy');
    }
  }

  function paintTable(docs, total) {
    if (docs.length === 0) {
      replaceChildren(panel, h('div', { class: 'empty' },
        h('p', { text: tab.id === 'all' ? `No ${collection.label.toLowerCase()} yet.` : `No ${collection.label.toLowerCase()} in ${tab.label}.` }),
        tab.id === 'all' || tab.id === 'published' ? h('p', null, 'Use ', h('strong', { text: 'Add new' }), ' to create the first one.') : null));
      return;
    }
    const columns = defaultColumns(collection, hooks);
    const rowActions = Array.isArray(hooks.rowActions) ? hooks.rowActions : [];
    const table = h('table', { class: 'table stack' },
      h('caption', { class: 'visually-hidden', text: `${collection.label}, ${tab.label}` }),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', text: c.label })),
        h('th', { scope: 'col', class: 'actions-col' }, h('span', { text: 'Actions' })))),
      h('tbody', null, docs.map((doc) => h('tr', { dataset: { id: doc._id } },
        columns.map((c) => h('td', { dataset: { label: c.label, column: c.key } }, safeRender(c, doc))),
        h('td', { class: 'row-actions', dataset: { label: 'Actions' } },
          h('a', { class: 'button button-small', href: documentHash(collection, doc._id), text: 'Open', 'aria-label': `Open: ${titleOf(collection, hooks, doc)}`, dataset: { action: 'open' } }),
          rowActions.filter((a) => !a.when || a.when(doc)).map((a) => {
            const button = h('button', { type: 'button', class: 'button button-small', text: a.label });
            button.addEventListener('click', () => busy(button, () => a.run(doc, { refresh: load })));
            return button;
          }),
          stateActions(collection, hooks, doc, () => load(), { small: true }))))));
    const from = page * PAGE_SIZE + 1;
    const to = page * PAGE_SIZE + docs.length;
    const pager = h('div', { class: 'pager' },
      h('span', { text: `${from}–${to} of ${total}` }),
      h('button', { type: 'button', class: 'button button-small', text: 'Previous', disabled: page === 0, onclick: () => { page -= 1; load(); } }),
      h('button', { type: 'button', class: 'button button-small', text: 'Next', disabled: to >= total, onclick: () => { page += 1; load(); } }));
    replaceChildren(panel, h('div', { class: 'table-wrap' }, table), pager);
  }

  let timer = null;
  function busyUser() {
    const focused = document.activeElement;
    return Boolean(document.querySelector('dialog[open]')) || (focused && focused !== panel && panel.contains(focused));
  }
  async function tick() {
    timer = null;
    if (!panel.isConnected) { stopRefreshing(); return; } // another page is shown
    if (document.visibilityState !== 'visible') return; // visibilitychange starts again
    if (!busyUser()) await load({ quiet: true });
    schedule();
  }
  function schedule() {
    clearTimeout(timer);
    timer = panel.isConnected && document.visibilityState === 'visible' ? setTimeout(tick, LIST_REFRESH_MS) : null;
  }
  function onVisibility() {
    if (!panel.isConnected) { stopRefreshing(); return; }
    if (document.visibilityState === 'visible') tick();
    else { clearTimeout(timer); timer = null; }
  }
  function stopRefreshing() {
    clearTimeout(timer);
    timer = null;
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('hashchange', stopRefreshing);
  }
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('hashchange', stopRefreshing);

  paintTabs(false);
  load();
  schedule();
}

function safeRender(column, doc) {
  try {
    return column.render(doc);
  } catch (error) {
    console.warn(`column ${column.key} failed`, error);
    return '';
  }
}

/** The "Add new" page. */
export function renderNew(main, { collection, hooks }) {
  const form = buildForm({
    collection, doc: null, hooks, api, toast,
    onSaved: () => { window.location.hash = listHash(collection, 'all'); },
    onCancel: () => { window.location.hash = listHash(collection); },
  });
  replaceChildren(main,
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: listHash(collection), text: collection.label })),
    pageHeader(`New ${singular(collection.label)}`),
    h('section', { class: 'panel' }, form));
  const first = form.querySelector('input, textarea, select');
  if (first) first.focus();
}

/** One document's page: state actions, edit form and the plugin's detail panels. */
export async function renderDocument(main, { collection, hooks, id }) {
  replaceChildren(main, h('p', { class: 'loading', text: 'Loading…' }));
  let doc;
  try {
    // Every state, so that a document in the Trash still opens (CRUD Service filters by state otherwise).
    doc = await api.get(`${join(collection.path, encodeURIComponent(id))}${query({ _st: ALL_STATES })}`);
  } catch (error) {
    replaceChildren(main,
      h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: listHash(collection), text: collection.label })),
      h('p', { class: 'notice notice-error', role: 'alert', text: error instanceof ApiError && error.status === 404 ? `This ${singular(collection.label)} does not exist (any more).` : `Could not load it: ${error.message}` }));
    return;
  }
  const refresh = () => renderDocument(main, { collection, hooks, id });
  const after = (key) => {
    if (key === 'delete') window.location.hash = listHash(collection);
    else refresh();
  };
  const form = buildForm({
    collection, doc, hooks, api, toast,
    onSaved: refresh,
    onCancel: () => { window.location.hash = listHash(collection); },
  });
  const meta = h('dl', { class: 'meta' },
    h('dt', { text: 'State' }), h('dd', null, badge(STATE_LABELS[doc.__STATE__] || doc.__STATE__, doc.__STATE__)),
    h('dt', { text: 'Id' }), h('dd', { class: 'mono', text: doc._id }),
    h('dt', { text: 'Created' }), h('dd', { text: formatTime(doc.createdAt) }),
    h('dt', { text: 'Updated' }), h('dd', { text: formatTime(doc.updatedAt) }));
  const panels = (Array.isArray(hooks.detailPanels) ? hooks.detailPanels : []).map((panel) => {
    const first = panel.placement === 'before-form';
    const headingId = `panel-${panel.id || 'extra'}-title`;
    const container = h('div', { class: 'panel-body' });
    const section = h('section', { class: 'panel', 'aria-labelledby': headingId, dataset: { panel: panel.id || '' } },
      h('h2', { id: headingId, text: panel.title }), container);
    try {
      panel.render(doc, container, { refresh });
    } catch (error) {
      console.warn(`panel ${panel.id} failed`, error);
      container.appendChild(h('p', { class: 'notice notice-error', text: 'This panel could not be shown.' }));
    }
    section.dataset.placement = first ? 'before-form' : 'after-form';
    return section;
  });
  const panelsBefore = panels.filter((section) => section.dataset.placement === 'before-form');
  const panelsAfter = panels.filter((section) => section.dataset.placement !== 'before-form');
  replaceChildren(main,
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: listHash(collection), text: collection.label })),
    pageHeader(titleOf(collection, hooks, doc), stateActions(collection, hooks, doc, after)),
    meta,
    panelsBefore,
    h('section', { class: 'panel', 'aria-labelledby': 'edit-title' }, h('h2', { id: 'edit-title', text: 'Settings' }), form),
    panelsAfter);
}
