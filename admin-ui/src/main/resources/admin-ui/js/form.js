/**
 * The "Add new" / edit form of any collection, built from its field metadata. Creating POSTs the document;
 * editing PATCHes only what changed (`$set`, and `$unset` for emptied optional fields or a removed secret).
 * The server's 400 `{"errors":[{field, message}]}` are shown beside their fields; the typed values stay.
 */
import { h, uid, getPath, setPath } from './dom.js';
import { ApiError, join } from './api.js';
import { defaultEditor, checkField, jsonValue } from './fields.js';

/**
 * Builds the form. `doc` is null to add a new document.
 * `onSaved(id)` is called after a successful save; `onCancel()` when the user cancels.
 */
export function buildForm({ collection, doc, hooks, api, toast, onSaved, onCancel }) {
  const mode = doc ? 'edit' : 'create';
  const noun = collection.label.endsWith('s') ? collection.label.slice(0, -1) : collection.label;
  const summary = h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });
  const rows = collection.fields.map((field) => fieldRow(field, doc, mode, hooks));
  const saveButton = h('button', { type: 'submit', class: 'button button-primary', text: 'Save' });
  const draftButton = mode === 'create'
    ? h('button', { type: 'submit', class: 'button', value: 'DRAFT', text: 'Save as draft' }) : null;
  const form = h('form', { class: 'form', novalidate: true, dataset: { collection: collection.name } },
    summary,
    rows.map((row) => row.element),
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'button', text: 'Cancel', onclick: () => onCancel() }),
      draftButton, saveButton));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const asDraft = event.submitter && event.submitter.value === 'DRAFT';
    clearErrors();
    const problems = rows
      .map((row) => ({ row, message: checkField(row.field, row.read(), mode) }))
      .filter((problem) => problem.message);
    if (problems.length > 0) {
      problems.forEach(({ row, message }) => row.showError(message));
      showSummary(['Please correct the highlighted fields.']);
      problems[0].row.focus();
      return;
    }
    const buttons = form.querySelectorAll('button');
    buttons.forEach((button) => { button.disabled = true; });
    try {
      if (mode === 'create') {
        const body = {};
        rows.forEach((row) => {
          const value = row.read();
          if (value !== '') setPath(body, row.field.name, jsonValue(row.field, value));
        });
        if (asDraft) body.__STATE__ = 'DRAFT';
        const created = await api.post(join(collection.path, '/'), body);
        toast(asDraft ? `${noun} saved as draft.` : `${noun} saved.`, 'success');
        onSaved(created && created._id);
      } else {
        const patch = changes(rows, doc);
        if (!patch) {
          toast('Nothing changed.', 'info');
          return;
        }
        // Any state, like the document page that shows this form.
        await api.patch(`${join(collection.path, encodeURIComponent(doc._id))}?_st=PUBLIC,DRAFT,TRASH`, patch);
        toast(`${noun}: changes saved.`, 'success');
        onSaved(doc._id);
      }
    } catch (error) {
      showServerErrors(error);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });

  function clearErrors() {
    rows.forEach((row) => row.showError(null));
    summary.hidden = true;
    summary.replaceChildren();
  }

  function showSummary(messages) {
    summary.replaceChildren(h('ul', null, messages.map((message) => h('li', { text: message }))));
    summary.hidden = false;
  }

  function showServerErrors(error) {
    if (!(error instanceof ApiError) || error.errors.length === 0) {
      showSummary([error.message || String(error)]);
      summary.focus();
      return;
    }
    const general = [];
    let firstRow = null;
    for (const problem of error.errors) {
      const row = rowFor(rows, problem.field);
      if (row) {
        row.showError(String(problem.message || 'Invalid value.'));
        firstRow = firstRow || row;
      } else {
        general.push(problem.field ? `${problem.field}: ${problem.message}` : String(problem.message));
      }
    }
    showSummary(general.length > 0 ? general : ['The server did not accept some fields; see the messages below.']);
    if (firstRow) firstRow.focus(); else summary.focus();
  }

  return form;
}

/** The form row of the field an error names: exact name, else a nested or parent path of it. */
function rowFor(rows, name) {
  if (!name) return null;
  return rows.find((row) => row.field.name === name)
    || rows.find((row) => row.field.name.startsWith(`${name}.`))
    || rows.find((row) => name.startsWith(`${row.field.name}.`) || name.startsWith(`${row.field.name}[`))
    || null;
}

/** `{$set, $unset}` of what the user changed, or null when nothing did. */
function changes(rows, doc) {
  const set = {};
  const unset = {};
  for (const row of rows) {
    const { name } = row.field;
    if (row.field.secret) {
      if (row.removeSecret()) unset[name] = true;
      else if (row.read() !== '') set[name] = row.read();
      continue;
    }
    const stored = getPath(doc, name);
    const before = stored === undefined || stored === null ? '' : String(stored);
    const now = row.read();
    if (now === before) continue;
    if (now === '') unset[name] = true;
    else set[name] = jsonValue(row.field, now);
  }
  const patch = {};
  if (Object.keys(set).length > 0) patch.$set = set;
  if (Object.keys(unset).length > 0) patch.$unset = unset;
  return Object.keys(patch).length > 0 ? patch : null;
}

/** One labelled field: label (with required mark), the editor, help text, error text, and the secret's options. */
function fieldRow(field, doc, mode, hooks) {
  const id = uid(`field-${field.name.replace(/[^A-Za-z0-9_-]/g, '-')}`);
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const stored = doc ? getPath(doc, field.name) : undefined;
  const value = stored === undefined || stored === null || field.secret ? '' : String(stored);
  const custom = hooks.fieldEditors && hooks.fieldEditors[field.name];
  const options = { id, value, doc, mode, describedBy: field.help ? `${helpId} ${errorId}` : errorId };
  const editor = (custom && custom(field, options)) || defaultEditor(field, options);
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  let removeBox = null;
  if (field.secret && mode === 'edit' && editor.secretStored !== false) {
    const removeId = `${id}-remove`;
    removeBox = h('input', { id: removeId, type: 'checkbox', name: `${field.name}-remove` });
    removeBox.addEventListener('change', () => {
      const input = document.getElementById(id);
      if (input) { input.disabled = removeBox.checked; if (removeBox.checked) input.value = ''; }
    });
    removeBox = h('div', { class: 'check' }, removeBox, h('label', { for: removeId, text: `Remove the stored ${field.label.toLowerCase()}` }));
  }
  const element = h('div', { class: 'field', dataset: { field: field.name } },
    h('label', { for: id, class: 'field-label' }, field.label,
      field.required ? h('span', { class: 'required', 'aria-hidden': 'true', text: ' *' }) : null,
      field.required ? h('span', { class: 'visually-hidden', text: ' (required)' }) : null),
    editor.control,
    field.help ? h('p', { id: helpId, class: 'help', text: field.help }) : null,
    removeBox,
    error);
  const target = () => document.getElementById(id) || element.querySelector('input, textarea, select');
  return {
    field,
    element,
    read: () => editor.read(),
    removeSecret: () => Boolean(removeBox && removeBox.querySelector('input').checked),
    focus: () => (editor.focus ? editor.focus() : target() && target().focus()),
    showError(message) {
      const input = target();
      error.textContent = message || '';
      error.hidden = !message;
      element.classList.toggle('has-error', Boolean(message));
      if (input) {
        if (message) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    },
  };
}
