/**
 * The extension interface of the admin shell.
 *
 * A collection from `GET /api/collections` may name a `uiModule`: the URL of an ES module (usually
 * `/plugins/<plugin>/<file>.js`). The shell loads it with dynamic `import()` the first time the collection is
 * shown. Its default export is a function called once per collection with a context, returning hooks:
 *
 *   export default function (ctx) { return { fieldEditors, columns, rowActions, detailPanels, title, description }; }
 *
 * ctx (everything a module needs, so that it imports nothing from the shell):
 *   - collection: the collection's metadata as the server sent it ({plugin, name, label, path, fields, …});
 *   - api: {get, post, patch, delete}(path[, body]) → Promise of the parsed JSON; rejects with an error that has
 *     `status` and `errors` ([{field, message}]); the admin token is added for you;
 *   - h(tag, attrs, ...children): safe element builder (strings become text nodes; never HTML);
 *   - toast(message, kind?): a short message ('info' | 'success' | 'error');
 *   - confirm({title, message, confirmLabel, danger}) → Promise<boolean>; openDialog({title, content, actions});
 *   - badge(text, kind?), formatTime(millis), busy(button, asyncAction), query(params), join(base, sub);
 *   - navigate(hash): goes to another page of the shell; href(doc): the link to one document's page.
 *
 * Hooks (each optional; a collection without a module gets the generic table and form):
 *   - fieldEditors: {[fieldName]: (field, {id, value, doc, mode, describedBy}) → {control, read(), focus?()}}
 *     replaces the input of one field (see fields.js for the contract); label, help, required mark and error
 *     messages stay the shell's;
 *   - columns(defaults) → columns: the table's columns, given the shell's ([{key, label, render(doc)}], render
 *     returns a node or a string); return a new array to add, drop or reorder columns;
 *   - rowActions: [{label, when?(doc), run(doc, {refresh})}]: extra buttons in each row;
 *   - detailPanels: [{id, title, placement?, render(doc, container, {refresh})}]: sections of one document's
 *     page, below its edit form (placement 'after-form', the default) or above it ('before-form');
 *     `refresh()` reloads the document page;
 *   - title(doc) → string: how one document is named in headings;
 *   - description: a sentence shown under the list's heading, for newcomers.
 *
 * A module that fails to load or throws is reported in a toast and the generic UI is used instead.
 */
import { h, formatTime } from './dom.js';
import { api, query, join } from './api.js';
import { toast, confirmAction, openDialog, badge, busy } from './ui.js';

const loaded = new Map();

/** The hooks of a collection (an empty object when it has no module or its module failed). */
export function hooksFor(collection) {
  if (!loaded.has(collection.name)) loaded.set(collection.name, load(collection));
  return loaded.get(collection.name);
}

async function load(collection) {
  if (!collection.uiModule) return {};
  try {
    const module = await import(new URL(collection.uiModule, document.baseURI).href);
    const hooks = typeof module.default === 'function' ? await module.default(context(collection)) : null;
    return hooks && typeof hooks === 'object' ? hooks : {};
  } catch (error) {
    console.warn(`The UI module of ${collection.name} could not be used`, error);
    toast(`The extra panels of ${collection.label} could not be loaded; showing the basic view.`, 'error');
    return {};
  }
}

function context(collection) {
  return Object.freeze({
    collection,
    api,
    h,
    toast,
    confirm: confirmAction,
    openDialog,
    badge,
    formatTime,
    busy,
    query,
    join,
    navigate: (hash) => { window.location.hash = hash; },
    href: (doc) => `#/c/${encodeURIComponent(collection.name)}/${encodeURIComponent(doc._id)}`,
  });
}
