/**
 * A webhook's health, drawn from `GET /api/webhooks/{id}/stats?hours=N` (see the README): a sparkline of the last
 * 24 hours with the success rate for the list, and on a webhook's page attempts per hour by outcome and latency
 * p50/p95. Charts are inline SVG built with DOM calls (no chart library, no inline style: colours come from
 * webhooks-ui.css), and every value from the server is set as text or as a number attribute.
 */

const SVG = 'http://www.w3.org/2000/svg';
const OUTCOMES = ['succeeded', 'failed', 'error'];
const OUTCOME_LABELS = { succeeded: 'Succeeded (2xx)', failed: 'Failed (other status)', error: 'No answer (timeout, network)' };
/** How long the list reuses a webhook's stats when its last delivery has not changed. */
const STATS_MAX_AGE_MS = 5 * 60 * 1000;

/** An SVG element; attribute values are set as attributes (never parsed as markup). */
function svg(tag, attrs, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === 'text') element.textContent = String(value);
    else element.setAttribute(key, String(value));
  }
  children.flat().filter(Boolean).forEach((child) => element.appendChild(child));
  return element;
}

function attemptsOf(hour) {
  return OUTCOMES.reduce((sum, outcome) => sum + (Number(hour[outcome]) || 0), 0);
}

function percent(rate) {
  if (rate === null || rate === undefined) return '–';
  const value = Math.round(rate * 1000) / 10;
  return `${value}%`;
}

function hourLabel(iso) {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:00`;
}

export function healthOf(api) {
  const cache = new Map();
  /**
   * A webhook's 24-hour stats, fetched again only when its last delivery changed or the copy is 5 minutes old, so
   * that the self-refreshing list does not ask for every row's stats on every refresh.
   */
  return function stats(doc) {
    const last = doc.lastDelivery ? String(doc.lastDelivery.at) : '';
    const cached = cache.get(doc._id);
    if (cached && cached.last === last && Date.now() - cached.at < STATS_MAX_AGE_MS) return cached.promise;
    const promise = api.get(`/api/webhooks/${encodeURIComponent(doc._id)}/stats?hours=24`);
    cache.set(doc._id, { last, at: Date.now(), promise });
    promise.catch(() => cache.delete(doc._id));
    return promise;
  };
}

/** 24 stacked bars, one per hour, scaled to the busiest hour. */
export function sparkline(stats) {
  const hours = Array.isArray(stats.hourly) ? stats.hourly : [];
  const busiest = Math.max(1, ...hours.map(attemptsOf));
  const width = 4;
  const height = 24;
  const total = stats.attempts ? Number(stats.attempts.total) || 0 : 0;
  const label = total === 0 ? 'No attempt in the last 24 hours'
    : `${total} attempts in the last 24 hours, ${percent(stats.attempts.successRate)} succeeded`;
  const chart = svg('svg', {
    class: 'spark', viewBox: `0 0 ${hours.length * width} ${height}`, width: hours.length * width, height,
    role: 'img', 'aria-label': label, 'data-total': total,
  }, svg('title', { text: label }));
  hours.forEach((hour, index) => {
    const count = attemptsOf(hour);
    if (count === 0) {
      chart.appendChild(svg('rect', { class: 'none', x: index * width, y: height - 1, width: width - 1, height: 1 }));
      return;
    }
    let y = height;
    for (const outcome of OUTCOMES) {
      const n = Number(hour[outcome]) || 0;
      if (n === 0) continue;
      const barHeight = Math.max(1, (n / busiest) * height);
      y -= barHeight;
      chart.appendChild(svg('rect', {
        class: outcome, x: index * width, y, width: width - 1, height: barHeight, 'data-outcome': outcome, 'data-count': n,
      }));
    }
  });
  return chart;
}

/** The list cell: sparkline, success rate and deliveries of the last 24 hours. */
export function listCell(h, stats) {
  const attempts = stats.attempts || {};
  const deliveries = stats.deliveries || {};
  const rate = attempts.total ? percent(attempts.successRate) : 'no attempt';
  return [
    sparkline(stats),
    h('span', { class: 'cell-sub health-summary', dataset: { successRate: attempts.successRate ?? '', deliveries: deliveries.total ?? 0 } },
      h('span', { class: 'health-rate', text: rate }),
      ` · ${deliveries.total || 0} ${deliveries.total === 1 ? 'delivery' : 'deliveries'}`),
  ];
}

function legend(h, items) {
  return h('ul', { class: 'chart-legend' }, items.map(([kind, text]) => h('li', null,
    h('span', { class: `swatch swatch-${kind}`, 'aria-hidden': 'true' }), text)));
}

function xLabels(chart, hours, step, left, barWidth, y) {
  const every = Math.max(1, Math.ceil(hours.length / 8));
  hours.forEach((hour, index) => {
    if (index % every !== 0) return;
    chart.appendChild(svg('text', { class: 'axis', x: left + index * step + barWidth / 2, y, 'text-anchor': 'middle', text: hourLabel(hour.hour) }));
  });
}

/** Attempts per hour, stacked by outcome. */
export function attemptsChart(h, stats) {
  const hours = stats.hourly || [];
  const width = 720;
  const height = 170;
  const left = 40;
  const top = 10;
  const plot = height - 30 - top;
  const step = (width - left - 8) / Math.max(1, hours.length);
  const barWidth = Math.max(1, step * 0.75);
  const busiest = Math.max(1, ...hours.map(attemptsOf));
  const chart = svg('svg', {
    class: 'chart chart-attempts', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Attempts per hour by outcome over the last ${hours.length} hours; the busiest hour had ${busiest}.`,
  });
  chart.appendChild(svg('line', { class: 'grid', x1: left, x2: width - 8, y1: top, y2: top }));
  chart.appendChild(svg('line', { class: 'baseline', x1: left, x2: width - 8, y1: top + plot, y2: top + plot }));
  chart.appendChild(svg('text', { class: 'axis', x: left - 6, y: top + 4, 'text-anchor': 'end', text: busiest }));
  chart.appendChild(svg('text', { class: 'axis', x: left - 6, y: top + plot, 'text-anchor': 'end', text: 0 }));
  hours.forEach((hour, index) => {
    let y = top + plot;
    const group = svg('g', { 'data-hour': hour.hour, 'data-attempts': attemptsOf(hour) },
      svg('title', { text: `${hourLabel(hour.hour)}: ${hour.succeeded} succeeded, ${hour.failed} failed, ${hour.error} without answer` }));
    for (const outcome of OUTCOMES) {
      const n = Number(hour[outcome]) || 0;
      if (n === 0) continue;
      const barHeight = Math.max(1, (n / busiest) * plot);
      y -= barHeight;
      group.appendChild(svg('rect', {
        class: `bar ${outcome}`, x: left + index * step, y, width: barWidth, height: barHeight, 'data-outcome': outcome, 'data-count': n,
      }));
    }
    chart.appendChild(group);
  });
  xLabels(chart, hours, step, left, barWidth, height - 10);
  return h('figure', { class: 'chart-figure' },
    h('figcaption', { text: 'Attempts per hour' }), chart,
    legend(h, OUTCOMES.map((outcome) => [outcome, OUTCOME_LABELS[outcome]])));
}

/** Latency p50 and p95 per hour, as two lines; hours without attempts leave a gap. */
export function latencyChart(h, stats) {
  const hours = stats.hourly || [];
  const width = 720;
  const height = 140;
  const left = 56;
  const top = 10;
  const plot = height - 30 - top;
  const step = (width - left - 8) / Math.max(1, hours.length);
  const slowest = Math.max(1, ...hours.map((hour) => Number(hour.p95Ms) || 0));
  const chart = svg('svg', {
    class: 'chart chart-latency', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Latency per hour, p50 and p95; the slowest p95 was ${slowest} ms.`,
  });
  chart.appendChild(svg('line', { class: 'grid', x1: left, x2: width - 8, y1: top, y2: top }));
  chart.appendChild(svg('line', { class: 'baseline', x1: left, x2: width - 8, y1: top + plot, y2: top + plot }));
  chart.appendChild(svg('text', { class: 'axis', x: left - 6, y: top + 4, 'text-anchor': 'end', text: `${slowest} ms` }));
  chart.appendChild(svg('text', { class: 'axis', x: left - 6, y: top + plot, 'text-anchor': 'end', text: '0' }));
  for (const key of ['p50Ms', 'p95Ms']) {
    const kind = key === 'p50Ms' ? 'p50' : 'p95';
    let run = [];
    const flush = () => {
      if (run.length > 1) chart.appendChild(svg('polyline', { class: `line ${kind}`, points: run.join(' ') }));
      run = [];
    };
    hours.forEach((hour, index) => {
      const value = hour[key];
      if (value === null || value === undefined) { flush(); return; }
      const x = left + index * step + step * 0.375;
      const y = top + plot - (Number(value) / slowest) * plot;
      run.push(`${x.toFixed(1)},${y.toFixed(1)}`);
      chart.appendChild(svg('circle', { class: `point ${kind}`, cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, 'data-hour': hour.hour, 'data-ms': value },
        svg('title', { text: `${hourLabel(hour.hour)}: ${kind} ${value} ms` })));
    });
    flush();
  }
  xLabels(chart, hours, step, left, step * 0.75, height - 10);
  return h('figure', { class: 'chart-figure' },
    h('figcaption', { text: 'Latency per hour' }), chart,
    legend(h, [['p50', 'p50 (median)'], ['p95', 'p95']]));
}

/** The numbers of the window, as text. */
export function summary(h, stats) {
  const attempts = stats.attempts || {};
  const deliveries = stats.deliveries || {};
  const item = (key, label, value) => h('div', { class: 'stat', dataset: { stat: key } },
    h('dt', { text: label }), h('dd', { text: value }));
  return h('dl', { class: 'stats' },
    item('attempts', 'Attempts', String(attempts.total || 0)),
    item('successRate', 'Succeeded', attempts.total ? percent(attempts.successRate) : '–'),
    item('p50', 'Latency p50', attempts.p50Ms != null ? `${attempts.p50Ms} ms` : '–'),
    item('p95', 'Latency p95', attempts.p95Ms != null ? `${attempts.p95Ms} ms` : '–'),
    item('deliveries', 'Deliveries', `${deliveries.total || 0} (${deliveries.failed || 0} failed, ${deliveries.pending || 0} pending)`));
}
