/**
 * The webhooks plugin's part of the admin UI, served by the host at /plugins/webhooks/webhooks-ui.js and loaded
 * by the admin shell (see the shell's js/extensions.js for the interface). It adds what only webhooks have:
 * the event-catalog picker with each event's description, the scope and last-delivery columns, and a
 * Deliveries panel with attempts, Redeliver, Retry failed since…, Send test event and Refresh; a Signing secret
 * panel with Rotate secret; and each webhook's health (webhooks-health.js): a 24-hour sparkline in the list,
 * charts on its page.
 * Every value from the server is rendered as text through ctx.h.
 */
import { healthOf, listCell, attemptsChart, latencyChart, summary } from './webhooks-health.js';

const DELIVERY_PAGE = 20;
const HEALTH_WINDOWS = [[24, 'Last 24 hours'], [72, 'Last 3 days'], [168, 'Last 7 days']];

/** The plugin's stylesheet, next to this module (a link, as the Content-Security-Policy allows only 'self'). */
function addStylesheet() {
  if (document.querySelector('link[data-webhooks-ui]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('webhooks-ui.css', import.meta.url).href;
  link.dataset.webhooksUi = '';
  document.head.appendChild(link);
}

export default function webhooksUi(ctx) {
  const { api, h, badge, formatTime, busy, toast, join, query, openDialog } = ctx;
  let catalog = null;
  const statsOf = healthOf(api);
  addStylesheet();

  /** The event catalog, fetched once (and again after a failure). */
  function events() {
    if (!catalog) {
      catalog = api.get('/api/webhooks/events').then((list) => (Array.isArray(list) ? list : []));
      catalog.catch(() => { catalog = null; });
    }
    return catalog;
  }

  function hostOf(target) {
    try { return new URL(target).host; } catch (notUrl) { return String(target || ''); }
  }

  /** A picker of the catalog's events that shows the chosen event's description and example payload. */
  function eventPicker(field, { id, value, describedBy }) {
    const descriptionId = `${id}-description`;
    const select = h('select', {
      id, name: field.name, disabled: true, 'aria-required': field.required ? 'true' : null,
      'aria-describedby': `${descriptionId} ${describedBy}`,
    }, h('option', { value: '', text: 'Loading events…' }));
    const description = h('div', { id: descriptionId, class: 'option-description', 'aria-live': 'polite', hidden: true });
    const holder = h('div', { class: 'event-picker' }, select, description);
    let byName = new Map();
    let fallback = null;

    function describe() {
      const event = byName.get(select.value);
      description.replaceChildren();
      if (!event) { description.hidden = true; return; }
      description.hidden = false;
      description.append(h('strong', { text: event.name }), ': ', event.description || 'No description.');
      if (event.example !== undefined && event.example !== null) {
        description.append(h('details', null, h('summary', { text: 'Example payload' }),
          h('pre', { class: 'mono example', text: JSON.stringify(event.example, null, 2) })));
      }
    }

    events().then((list) => {
      byName = new Map(list.map((event) => [event.name, event]));
      select.replaceChildren(h('option', { value: '', text: 'Choose an event…' }),
        ...list.map((event) => h('option', {
          value: event.name,
          text: event.description ? `${event.name} — ${event.description}` : event.name,
        })));
      if (value && !byName.has(value)) select.append(h('option', { value, text: `${value} (not in the catalog)` }));
      select.value = value || '';
      select.disabled = false;
      describe();
    }).catch((error) => {
      // Without the catalog the name can still be typed; the server checks it.
      fallback = h('input', { id, name: field.name, type: 'text', value, 'aria-describedby': describedBy, autocomplete: 'off' });
      holder.replaceChildren(fallback, h('p', { class: 'help', text: `The event list could not be loaded (${error.message}); type the event name.` }));
    });
    select.addEventListener('change', describe);
    return {
      control: holder,
      read: () => (fallback ? fallback.value.trim() : select.value),
    };
  }

  function scopeCell(doc) {
    if (doc.tenantId && doc.projectId) return [h('span', { text: 'Project' }), h('span', { class: 'cell-sub', text: `${doc.tenantId} / ${doc.projectId}` })];
    if (doc.projectId) return [h('span', { text: 'Project' }), h('span', { class: 'cell-sub', text: doc.projectId })];
    if (doc.tenantId) return [h('span', { text: 'Company' }), h('span', { class: 'cell-sub', text: doc.tenantId })];
    return [h('span', { text: 'Instance' }), h('span', { class: 'cell-sub', text: 'every company' })];
  }

  /** The webhook's latest delivery in the delivery log's words: a `succeeded` or `failed` badge, as its deliveries have. */
  function lastDeliveryCell(doc) {
    const last = doc.lastDelivery;
    if (!last) return h('span', { class: 'cell-sub', text: 'Never' });
    const status = String(last.status || 'unknown');
    return [
      badge(status, status),
      last.statusCode ? h('span', { text: ` HTTP ${last.statusCode}` }) : null,
      h('span', { class: 'cell-sub', text: [formatTime(last.at), last.eventName].filter(Boolean).join(' · ') }),
    ];
  }

  /**
   * Badges about the webhook's target beside its last 24 hours: the target's circuit breaker when it is not healthy
   * (`targetHealth` open or probing) and an automatic disabling with its reason (`disabledReason`, `disabledAt`).
   */
  function healthBadges(doc) {
    const badges = [];
    if (doc.targetHealth === 'open' || doc.targetHealth === 'probing') {
      const paused = doc.targetHealth === 'open';
      const breaker = badge(paused ? 'Target paused' : 'Target probing', `breaker-${doc.targetHealth}`);
      breaker.title = paused
        ? 'Attempts to this target failed too many times in a row: they pause for a cool-down, then one probe decides'
        : 'One probe attempt decides whether attempts to this target resume';
      breaker.dataset.targetHealth = doc.targetHealth;
      badges.push(breaker);
    }
    if (doc.disabledReason) {
      const disabled = badge('Disabled', 'auto-disabled');
      disabled.dataset.disabled = '';
      const when = doc.disabledAt ? ` (${formatTime(doc.disabledAt)})` : '';
      badges.push(disabled, h('span', { class: 'cell-sub disabled-reason', text: doc.disabledReason + when }));
    }
    return badges;
  }

  /** The last 24 hours: filled in when the webhook's stats arrive (from a cache, while its last delivery is the same). */
  function healthCell(doc) {
    const cell = h('span', { class: 'health-cell', dataset: { health: 'loading' } }, healthBadges(doc));
    statsOf(doc).then((stats) => {
      cell.replaceChildren(...listCell(h, stats), ...healthBadges(doc));
      cell.dataset.health = 'loaded';
    }).catch(() => {
      cell.replaceChildren(h('span', { class: 'cell-sub', text: 'Stats unavailable' }), ...healthBadges(doc));
      cell.dataset.health = 'failed';
    });
    return cell;
  }

  /**
   * Event (a link to the webhook's page) and target always show, whatever the fields' `listed` flags say;
   * scope replaces the tenant and project columns.
   */
  function columns(defaults) {
    const event = {
      key: 'eventName', label: 'Event',
      render: (doc) => h('a', { class: 'row-link', href: ctx.href(doc), text: doc.eventName || doc._id }),
    };
    const target = { key: 'target', label: 'Target URL', render: (doc) => h('span', { class: 'cell-url', text: doc.target || '' }) };
    const rest = defaults.filter((c) => !['eventName', 'target', 'tenantId', 'projectId', 'updatedAt'].includes(c.key));
    const keep = [event, target, ...rest];
    const state = keep.findIndex((c) => c.key === '__STATE__');
    const scope = { key: 'scope', label: 'Scope', render: (doc) => h('span', null, scopeCell(doc)) };
    const last = { key: 'lastDelivery', label: 'Last delivery', render: (doc) => h('span', null, lastDeliveryCell(doc)) };
    const health = { key: 'health', label: 'Last 24 h', render: healthCell };
    const at = state < 0 ? keep.length : state;
    return [...keep.slice(0, at), scope, ...keep.slice(at, at + 1), last, health, ...keep.slice(at + 1)];
  }

  function attemptsTable(attempts) {
    if (!attempts || attempts.length === 0) return h('p', { class: 'cell-sub', text: 'No attempt yet.' });
    return h('table', { class: 'table attempts' },
      h('caption', { class: 'visually-hidden', text: 'Attempts' }),
      h('thead', null, h('tr', null, ['#', 'At', 'Status code', 'Duration', 'Error', 'Response body'].map((label) => h('th', { scope: 'col', text: label })))),
      h('tbody', null, attempts.map((attempt, index) => h('tr', { class: 'attempt' },
        h('td', { text: String(index + 1) }),
        h('td', { text: formatTime(attempt.at) }),
        h('td', { dataset: { column: 'statusCode' }, text: attempt.statusCode != null ? String(attempt.statusCode) : '—' }),
        h('td', { text: attempt.durationMs != null ? `${attempt.durationMs} ms` : '' }),
        h('td', { class: 'cell-error', text: attempt.error || '' }),
        h('td', null, attempt.responseBody ? h('pre', { class: 'mono response-body', text: attempt.responseBody }) : '')))));
  }

  /** Asks from when to retry failed deliveries (24 hours ago by default); resolves to an ISO time, or null. */
  async function askSince() {
    const local = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    const now = new Date();
    const input = h('input', { id: 'retry-since', type: 'datetime-local', value: local(new Date(now.getTime() - 86400000)), max: local(now), required: true, 'data-autofocus': true });
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const content = h('div', { class: 'field' },
      h('label', { for: 'retry-since', class: 'field-label', text: 'Failed deliveries created since' }), input,
      h('p', { class: 'help', text: 'Each failed delivery of this webhook created since then is sent again with a fresh set of attempts and the same webhook-id.' }),
      error);
    for (;;) {
      const choice = await openDialog({ title: 'Retry failed deliveries', content, actions: [
        { label: 'Cancel', value: 'cancel' }, { label: 'Retry', kind: 'primary', value: 'retry' }] });
      if (choice !== 'retry') return null;
      const date = new Date(input.value);
      if (!Number.isNaN(date.getTime())) return date.toISOString();
      error.textContent = 'Enter a date and time.';
      error.hidden = false;
    }
  }

  /** The webhook's health: attempts per hour by outcome and latency p50/p95 over a window of hours. */
  function healthPanel(doc, container) {
    const windowSelect = h('select', { id: 'health-window', name: 'hours' },
      HEALTH_WINDOWS.map(([value, label]) => h('option', { value: String(value), text: label })));
    const body = h('div', { class: 'health-body', 'aria-live': 'polite' });
    container.append(h('div', { class: 'panel-toolbar' }, h('label', { for: 'health-window', text: 'Window' }), windowSelect), body);

    async function load() {
      body.setAttribute('aria-busy', 'true');
      try {
        const stats = await api.get(`/api/webhooks/${encodeURIComponent(doc._id)}/stats${query({ hours: windowSelect.value })}`);
        body.replaceChildren(summary(h, stats), h('div', { class: 'charts' }, attemptsChart(h, stats), latencyChart(h, stats)));
        body.dataset.hours = String(stats.hours);
      } catch (error) {
        body.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert', text: `Could not load the health: ${error.message}` }));
      } finally {
        body.removeAttribute('aria-busy');
      }
    }
    windowSelect.addEventListener('change', load);
    load();
  }

  function deliveriesPanel(doc, container, { refresh: refreshPage }) {
    const status = h('select', { id: 'delivery-status', name: 'status' },
      [['', 'All'], ['pending', 'Pending'], ['succeeded', 'Succeeded'], ['failed', 'Failed']]
        .map(([value, label]) => h('option', { value, text: label })));
    const testButton = h('button', { type: 'button', class: 'button button-primary', text: 'Send test event', dataset: { action: 'send-test' } });
    const refreshButton = h('button', { type: 'button', class: 'button', text: 'Refresh', dataset: { action: 'refresh-deliveries' } });
    const retryButton = h('button', { type: 'button', class: 'button', text: 'Retry failed since…', dataset: { action: 'retry-failed' } });
    const outcome = h('div', { class: 'test-outcome', role: 'status', 'aria-live': 'polite' });
    const list = h('div', { class: 'deliveries' });
    let skip = 0;

    container.append(
      h('p', { class: 'help', text: 'Every event sent to this webhook, newest first. A delivery is retried on failure; open its attempts to see what the target answered.' }),
      h('div', { class: 'panel-toolbar' }, testButton, retryButton, refreshButton,
        h('label', { for: 'delivery-status', text: 'Status' }), status),
      outcome, list);

    async function load() {
      list.setAttribute('aria-busy', 'true');
      try {
        const deliveries = await api.get(`${join(`/api/webhooks/${encodeURIComponent(doc._id)}`, 'deliveries')}${query({ _l: DELIVERY_PAGE, _sk: skip, status: status.value })}`);
        paint(Array.isArray(deliveries) ? deliveries : []);
      } catch (error) {
        list.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert', text: `Could not load the deliveries: ${error.message}` }));
      } finally {
        list.removeAttribute('aria-busy');
      }
    }

    function paint(deliveries) {
      if (deliveries.length === 0 && skip === 0) {
        list.replaceChildren(h('p', { class: 'empty', text: doc.__STATE__ === 'PUBLIC'
          ? 'No delivery yet. Events of this type will appear here; use Send test event to try the target now.'
          : 'No delivery yet. Only published webhooks receive events; Send test event works in any state.' }));
        return;
      }
      const rows = deliveries.flatMap((delivery) => deliveryRows(delivery));
      const pager = h('div', { class: 'pager' },
        h('button', { type: 'button', class: 'button button-small', text: 'Newer', disabled: skip === 0, onclick: () => { skip = Math.max(0, skip - DELIVERY_PAGE); load(); } }),
        h('button', { type: 'button', class: 'button button-small', text: 'Older', disabled: deliveries.length < DELIVERY_PAGE, onclick: () => { skip += DELIVERY_PAGE; load(); } }));
      list.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'table stack delivery-table' },
        h('caption', { class: 'visually-hidden', text: 'Deliveries' }),
        h('thead', null, h('tr', null, ['Event', 'Status', 'Attempts', 'Last error', 'Actions']
          .map((label) => h('th', { scope: 'col', text: label })))),
        h('tbody', null, rows))), pager);
    }

    function deliveryRows(delivery) {
      const detailsId = `attempts-${delivery._id}`;
      const detailsCell = h('td', { colspan: 5 });
      const detailsRow = h('tr', { id: detailsId, class: 'attempts-row', hidden: true }, detailsCell);
      const toggle = h('button', {
        type: 'button', class: 'button button-small', text: 'Attempts', 'aria-expanded': 'false',
        'aria-controls': detailsId, dataset: { action: 'attempts' },
      });
      toggle.addEventListener('click', () => busy(toggle, async () => {
        if (toggle.getAttribute('aria-expanded') === 'true') {
          toggle.setAttribute('aria-expanded', 'false');
          detailsRow.hidden = true;
          return;
        }
        const full = await api.get(`/api/deliveries/${encodeURIComponent(delivery._id)}`);
        detailsCell.replaceChildren(
          h('p', { class: 'cell-sub' }, 'webhook-id (the same on every attempt): ', h('code', { text: delivery._id }),
            delivery.eventId ? ' · event id: ' : null, delivery.eventId ? h('code', { text: delivery.eventId }) : null),
          h('div', { class: 'table-wrap' }, attemptsTable(full && full.attempts)));
        detailsRow.hidden = false;
        toggle.setAttribute('aria-expanded', 'true');
      }));
      const redeliver = h('button', { type: 'button', class: 'button button-small', text: 'Redeliver', dataset: { action: 'redeliver' } });
      redeliver.addEventListener('click', () => busy(redeliver, async () => {
        await api.post(`/api/deliveries/${encodeURIComponent(delivery._id)}/redeliver`, {});
        toast('Redelivery started: a new attempt with the same webhook-id.', 'success');
        await load();
      }));
      const row = h('tr', { class: 'delivery', dataset: { id: delivery._id, status: delivery.status } },
        h('td', { dataset: { column: 'event', label: 'Event' } }, h('span', { text: delivery.eventName || '' }),
          h('span', { class: 'cell-sub', text: formatTime(delivery.createdAt) })),
        h('td', { dataset: { column: 'status', label: 'Status' } }, badge(String(delivery.status || ''), delivery.status),
          delivery.lastStatusCode != null ? h('span', { text: ` HTTP ${delivery.lastStatusCode}` }) : null,
          delivery.status === 'pending' && delivery.nextAttemptAt
            ? h('span', { class: 'cell-sub', text: `next attempt ${formatTime(delivery.nextAttemptAt)}` }) : null),
        h('td', { dataset: { column: 'attempts', label: 'Attempts' }, text: String(delivery.attempts ?? 0) }),
        h('td', { class: 'cell-error', dataset: { column: 'lastError', label: 'Last error' }, text: delivery.lastError || '' }),
        h('td', { class: 'row-actions', dataset: { label: 'Actions' } }, toggle, redeliver));
      return [row, detailsRow];
    }

    testButton.addEventListener('click', () => busy(testButton, async () => {
      outcome.replaceChildren(h('p', { class: 'notice', text: 'Sending a webhook_ping event…' }));
      try {
        const result = await api.post(`/api/webhooks/${encodeURIComponent(doc._id)}/test`, {});
        const code = result && result.statusCode != null ? `HTTP ${result.statusCode}` : 'no answer';
        const time = result && result.durationMs != null ? ` in ${result.durationMs} ms` : '';
        outcome.replaceChildren(h('div', { class: `notice ${result && result.succeeded ? 'notice-success' : 'notice-error'}`, dataset: { outcome: result && result.succeeded ? 'succeeded' : 'failed' } },
          h('strong', { text: result && result.succeeded ? 'Test event delivered' : 'Test event failed' }),
          `: ${code}${time}.`,
          result && result.error ? h('span', { class: 'cell-sub', text: result.error }) : null,
          result && result.responseBody ? h('details', null, h('summary', { text: 'Response body' }), h('pre', { class: 'mono response-body', text: result.responseBody })) : null));
      } catch (error) {
        outcome.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert', text: `The test event could not be sent: ${error.message}` }));
      }
      await load();
    }));
    refreshButton.addEventListener('click', () => busy(refreshButton, load));
    retryButton.addEventListener('click', () => busy(retryButton, async () => {
      const since = await askSince();
      if (!since) return;
      const answer = await api.post('/api/deliveries/redeliver', { since, status: 'failed', webhookId: doc._id });
      const queued = Number(answer && answer.queued) || 0;
      outcome.replaceChildren(h('p', { class: 'notice notice-success', dataset: { outcome: 'retried', queued: String(queued) },
        text: queued === 0 ? `No failed delivery since ${formatTime(since)}.`
          : `${queued} failed ${queued === 1 ? 'delivery' : 'deliveries'} since ${formatTime(since)} queued again, with the same webhook-id.` }));
      await load();
    }));
    status.addEventListener('change', () => { skip = 0; load(); });
    load();
    return refreshPage;
  }

  /**
   * The webhook's signing secret: whether it has one, and Rotate secret, a dialog that replaces it while the old one
   * keeps signing for a while (POST /api/webhooks/{_id}/secret). The server's messages show beside the fields and the
   * dialog stays open with what was typed until the rotation is accepted or cancelled. No secret is ever shown.
   */
  function secretPanel(doc, container, { refresh: refreshPage }) {
    const rotate = h('button', { type: 'button', class: 'button', text: 'Rotate secret', dataset: { action: 'rotate-secret' } });
    const outcome = h('div', { role: 'status', 'aria-live': 'polite' });
    container.append(
      h('p', { class: 'help', text: doc.hasSecret
        ? 'Deliveries are signed with this webhook\'s secret: X-Mia-Signature and webhook-signature (Standard Webhooks). '
          + 'Rotating it signs with the new secret at once; during the overlap webhook-signature also carries the old '
          + 'secret\'s signature, so receivers can switch without rejecting a delivery.'
        : 'This webhook has no secret: its deliveries are not signed. Rotate secret sets one.' }),
      h('div', { class: 'panel-toolbar' }, rotate), outcome);
    rotate.addEventListener('click', () => busy(rotate, async () => {
      const result = await rotateDialog(doc);
      if (!result) return;
      const until = result.previousSecretUntil;
      outcome.replaceChildren(h('p', { class: 'notice notice-success', dataset: { outcome: 'rotated' },
        text: until ? `Secret rotated. The previous secret also signs deliveries until ${formatTime(until)}.`
          : 'Secret rotated. Deliveries are signed with the new secret only.' }));
      toast('Secret rotated.', 'success');
    }));
    return refreshPage;
  }

  async function rotateDialog(doc) {
    let typed = { secret: '', keepPreviousFor: doc.hasSecret ? '24h' : '0' };
    let problems = [];
    for (;;) {
      const secret = h('input', { id: 'rotate-secret', name: 'secret', type: 'password', autocomplete: 'new-password',
        value: typed.secret, dataset: { autofocus: '' }, 'aria-describedby': 'rotate-secret-help rotate-secret-error' });
      const keep = h('input', { id: 'rotate-keep', name: 'keepPreviousFor', type: 'text', autocomplete: 'off',
        value: typed.keepPreviousFor, 'aria-describedby': 'rotate-keep-help rotate-keep-error' });
      const errorOf = (name) => problems.filter((p) => p.field === name).map((p) => p.message).join('; ');
      const row = (input, label, helpText, name) => {
        const message = errorOf(name);
        if (message) input.setAttribute('aria-invalid', 'true');
        return h('div', { class: `field${message ? ' has-error' : ''}`, dataset: { field: name } },
          h('label', { for: input.id, class: 'field-label', text: label }), input,
          h('p', { id: `${input.id}-help`, class: 'help', text: helpText }),
          h('p', { id: `${input.id}-error`, class: 'field-error', hidden: !message, text: message }));
      };
      const general = problems.filter((p) => !p.field || !['secret', 'keepPreviousFor'].includes(p.field));
      const content = h('div', { class: 'rotate-secret' },
        general.length ? h('p', { class: 'notice notice-error', role: 'alert',
          text: general.map((p) => (p.field ? `${p.field} ${p.message}` : p.message)).join('; ') }) : null,
        row(secret, 'New secret', '1 to 256 characters. A secret starting with whsec_ is a Standard Webhooks secret '
          + '(base64 key after the prefix). It is never shown again.', 'secret'),
        row(keep, 'Keep the previous secret for', 'How long the old secret keeps signing next to the new one: '
          + 'e.g. 30m, 24h, 7d (at most 30d); 0 for no overlap.', 'keepPreviousFor'));
      const answer = await ctx.openDialog({
        title: 'Rotate secret', content,
        actions: [{ label: 'Cancel', value: 'cancel' }, { label: 'Rotate secret', kind: 'primary', value: 'rotate' }],
      });
      if (answer !== 'rotate') return null;
      typed = { secret: secret.value, keepPreviousFor: keep.value.trim() };
      try {
        return await api.post(`/api/webhooks/${encodeURIComponent(doc._id)}/secret`,
          { secret: typed.secret, keepPreviousFor: typed.keepPreviousFor || null });
      } catch (error) {
        if (error.status !== 400 || !Array.isArray(error.errors) || error.errors.length === 0) throw error;
        problems = error.errors;
      }
    }
  }

  return {
    description: 'A webhook POSTs every Console event of its type to your URL, signed with X-Mia-Signature when '
      + 'it has a secret. Only published webhooks receive events; open one to see its deliveries or send a test event.',
    title: (doc) => `${doc.eventName || 'Webhook'} → ${hostOf(doc.target)}`,
    fieldEditors: { eventName: eventPicker },
    columns,
    detailPanels: [
      { id: 'health', title: 'Health', placement: 'before-form', render: healthPanel },
      { id: 'deliveries', title: 'Deliveries', placement: 'before-form', render: deliveriesPanel },
      { id: 'secret', title: 'Signing secret', placement: 'before-form', render: secretPanel },
    ],
  };
}
