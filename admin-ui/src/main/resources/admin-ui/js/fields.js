/**
 * Field editors for the generic form, one per field type (see FieldType in the plugin API). A plugin may replace
 * any of them for one of its fields through its `fieldEditors` hook; the contract is the same:
 *
 *   editor(field, { id, value, doc, mode, describedBy }) → { control, read(), focus?() }
 *
 * - `id`: the id the labelled element (input, select, textarea) must carry, so that `<label for>` works;
 * - `value`: the stored value as a string ('' when none); `doc`: the stored document, or null when adding;
 * - `mode`: 'create' | 'edit'; `describedBy`: ids to put in the element's `aria-describedby`;
 * - `control`: the node to place below the label; `read()`: the current value as the string to send, '' for none.
 */
import { h, uid } from './dom.js';

/** Base64 of the UTF-8 bytes of a text. */
export function base64OfText(text) {
  return base64OfBytes(new TextEncoder().encode(text));
}

/** Base64 of bytes (a Uint8Array). */
export function base64OfBytes(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The text a base64 value decodes to when it is a PEM, else null. */
function pemOfBase64(value) {
  try {
    const binary = atob(value.replace(/\s+/g, ''));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('-----BEGIN') ? text : null;
  } catch (notText) {
    return null;
  }
}

/** What a certificate box holds, as the API wants it: PEM text → base64 of the text; base64 stays as it is. */
export function certificateValue(text) {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return trimmed.includes('-----BEGIN') ? base64OfText(`${trimmed}\n`) : trimmed.replace(/\s+/g, '');
}

function textInput(field, { id, value, describedBy }, type) {
  const input = h('input', {
    id, name: field.name, type, value,
    'aria-describedby': describedBy,
    'aria-required': field.required ? 'true' : null,
    autocomplete: 'off',
    spellcheck: type === 'url' ? 'false' : null,
    inputmode: type === 'url' ? 'url' : null,
    placeholder: type === 'url' ? 'https://' : null,
  });
  return { control: input, read: () => input.value.trim() };
}

/** A whole number: a number input bounded by the field's minimum and maximum; read as its text. */
function integerInput(field, { id, value, describedBy }) {
  const input = h('input', {
    id, name: field.name, type: 'number', step: 1, value,
    min: field.minimum ?? null,
    max: field.maximum ?? null,
    inputmode: 'numeric',
    'aria-describedby': describedBy,
    'aria-required': field.required ? 'true' : null,
    autocomplete: 'off',
  });
  return { control: input, read: () => input.value.trim() };
}

function secretInput(field, { id, doc, mode, describedBy }) {
  const stored = doc && doc[`has${field.name.charAt(0).toUpperCase()}${field.name.slice(1)}`] === true;
  const input = h('input', {
    id, name: field.name, type: 'password', autocomplete: 'new-password',
    'aria-describedby': describedBy,
    placeholder: mode === 'edit' ? (stored ? 'leave empty to keep' : 'not set') : null,
  });
  return { control: input, read: () => input.value, secretStored: stored };
}

function textArea(field, { id, value, describedBy }) {
  const area = h('textarea', { id, name: field.name, rows: 4, 'aria-describedby': describedBy, value });
  return { control: area, read: () => area.value.trim() };
}

/** A textarea for a pasted PEM (or base64), plus a file picker for `.pem`/`.crt`/`.cer`/`.der` files. */
function certificateInput(field, { id, value, describedBy }) {
  const shown = value ? (pemOfBase64(value) || value) : '';
  const area = h('textarea', {
    id, name: field.name, rows: 6, class: 'mono', spellcheck: 'false', 'aria-describedby': describedBy,
    placeholder: '-----BEGIN CERTIFICATE-----', value: shown,
  });
  const fileId = uid('file');
  const note = h('span', { class: 'file-note', 'aria-live': 'polite' });
  const file = h('input', {
    id: fileId, type: 'file', accept: '.pem,.crt,.cer,.der', class: 'visually-hidden',
    onchange: () => {
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      const reader = new FileReader();
      reader.onload = () => {
        const bytes = new Uint8Array(reader.result);
        let text = null;
        try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch (binary) { text = null; }
        // A PEM file is shown as its text (encoded on save); a DER file is binary, shown as base64 of its bytes.
        area.value = text && text.includes('-----BEGIN') ? text.trim() : base64OfBytes(bytes);
        note.textContent = `Loaded ${chosen.name} (${bytes.length} bytes).`;
        file.value = '';
      };
      reader.onerror = () => { note.textContent = `Could not read ${chosen.name}.`; };
      reader.readAsArrayBuffer(chosen);
    },
  });
  const control = h('div', { class: 'certificate' }, area,
    h('div', { class: 'file-row' }, file,
      h('label', { for: fileId, class: 'button button-small' }, 'Upload .pem / .crt file'), note));
  const originalShown = shown.trim();
  return {
    control,
    // Unchanged text keeps the stored value byte for byte.
    read: () => (area.value.trim() === originalShown && value ? value : certificateValue(area.value)),
  };
}

/** The built-in editor for a field, chosen by type (and `secret`). */
export function defaultEditor(field, options) {
  if (field.secret) return secretInput(field, options);
  switch (field.type) {
    case 'URL': return textInput(field, options, 'url');
    case 'TEXT': return textArea(field, options);
    case 'CERTIFICATE': return certificateInput(field, options);
    case 'INTEGER': return integerInput(field, options);
    default: return textInput(field, options, 'text');
  }
}

/** A read value as the API takes it: a whole number as a JSON number; anything else as the text it is. */
export function jsonValue(field, value) {
  return field.type === 'INTEGER' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
}

/** Client-side hints that mirror the server's rules; the server's answer is what counts. */
export function checkField(field, value, mode) {
  if (value === '') {
    return field.required && !(field.secret && mode === 'edit') ? 'This field is required.' : null;
  }
  if (field.maxLength > 0 && value.length > field.maxLength) {
    return `At most ${field.maxLength} characters (now ${value.length}).`;
  }
  if (field.type === 'INTEGER') {
    const number = /^-?[0-9]+$/.test(value) ? Number(value) : NaN;
    const min = field.minimum ?? -Infinity;
    const max = field.maximum ?? Infinity;
    if (Number.isNaN(number)) return 'Enter a whole number.';
    if (number < min || number > max) {
      return field.minimum != null && field.maximum != null
        ? `Enter a whole number from ${field.minimum} to ${field.maximum}.`
        : `Enter a whole number ${number < min ? `of at least ${field.minimum}` : `of at most ${field.maximum}`}.`;
    }
  }
  if (field.type === 'URL') {
    let url = null;
    try { url = new URL(value); } catch (invalid) { url = null; }
    if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
      return 'Enter an absolute http:// or https:// URL.';
    }
  }
  if (field.pattern) {
    let pattern = null;
    try { pattern = new RegExp(`^(?:${field.pattern})$`); } catch (notJavaScript) { pattern = null; }
    if (pattern && !pattern.test(value)) return 'This value does not have the expected format.';
  }
  return null;
}
