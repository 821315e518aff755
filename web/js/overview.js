// Overview: throughput by action (chart), scan-time percentiles, workers, recent errors.
import * as api from './api.js';
import { lineChart } from './chart.js';
import { el, table, time, ms, notice } from './ui.js';

// The order of /graph's series (Rspamd's).
export const ACTIONS = ['reject', 'soft reject', 'rewrite subject', 'add header', 'greylist', 'no action'];
const COLORS = ['#d62728', '#ff7f0e', '#9467bd', '#e6b400', '#17becf', '#2ca02c'];
const PERIODS = { hourly: 'last hour', daily: 'last day', weekly: 'last week', monthly: 'last month' };

let period = 'hourly';
let chart = null;

function cards(st, perf) {
  const card = (label, value, help) => el('div', { class: 'card', title: help, 'data-card': label },
    el('div', { class: 'v' }, value), el('div', { class: 'k' }, label));
  const p = perf.percentiles || {};
  return el('div', { class: 'cards' },
    card('Scanned', st.scanned, 'Messages scanned since the counters were reset'),
    card('Flagged', st.spam_count, 'Scans with an action other than "no action"'),
    card('Errors', st.errors || 0, 'Requests that could not be scanned'),
    card('p50 scan time', ms(p.p50), `Median over the last ${perf.minutes} minutes`),
    card('p90', ms(p.p90), `90th percentile over the last ${perf.minutes} minutes`),
    card('p99', ms(p.p99), `99th percentile over the last ${perf.minutes} minutes`),
    card('Last hour', perf.scanned, 'Messages scanned in the last hour'),
    card('Uptime', `${Math.floor(st.uptime / 3600)} h ${Math.floor((st.uptime % 3600) / 60)} min`, ''));
}

function drawChart(box, series) {
  chart = lineChart(box, chart, {
    height: 280,
    xs: (series[0] || []).map((p) => p.x),
    ys: series.map((s) => s.map((p) => p.y)),
    lines: ACTIONS.map((a, i) => ({ label: a, stroke: COLORS[i], value: (v) => v.toFixed(2) })),
    y: { label: 'messages / minute' },
  });
}

export async function render(root, state) {
  const [st, graph, perf, workers, errors] = await Promise.all([
    api.get('/stat'), api.get('/graph', { type: period }), api.get('/perf'),
    api.get('/workers'), api.get('/errors', { count: 20 })]);
  const picker = el('div', { class: 'segmented', role: 'group', 'aria-label': 'Chart period' },
    Object.entries(PERIODS).map(([k, label]) => el('button', {
      type: 'button', 'aria-pressed': String(k === period), 'data-period': k,
      onclick: () => { period = k; state.refresh(); },
    }, label)));
  const chartBox = el('div', { id: 'throughput-chart', class: 'chart' });
  const totals = graph.map((s) => s.reduce((a, p) => a + p.y, 0));
  root.replaceChildren(
    el('p', { class: 'explain' }, 'Messages per minute by action, from the per-minute counts the server keeps ',
      '(hour and day views by minute and five minutes, week and month by hour and four hours). ',
      'Percentiles are of the scan time of the last hour, from the server\'s histogram. Refreshes every 10 s.'),
    cards(st, perf),
    el('h2', {}, 'Throughput, ', PERIODS[period]), picker, chartBox,
    el('p', { class: 'legend-totals' }, ACTIONS.map((a, i) => el('span', { class: 'chip', style: `border-color:${COLORS[i]}` },
      `${a}: ${totals[i] ? totals[i].toFixed(1) : 0} msg/min summed`))),
    el('h2', {}, 'Workers'),
    table('Each process writes a heartbeat with every statistics flush; "stale" means it missed three.',
      ['PID', 'Type', 'State', 'Started', 'Scanned', 'Errors', 'Memory'],
      (workers.workers || []).sort((a, b) => a.type.localeCompare(b.type) || a.pid - b.pid).map((w) => [
        w.pid, w.type, el('span', { class: 'state-' + w.state }, w.state), time(w.started), w.scanned, w.errors,
        `${Math.round((w.rss_kb || 0) / 1024)} MB`]), 'no worker reported yet', 'workers'),
    el('h2', {}, 'Recent errors'),
    table('Errors and warnings the workers logged, newest first.', ['Time', 'Level', 'Module', 'Task', 'Message'],
      errors.map((e) => [time(e.ts), e.type, e.module, e.id || '', e.message]), 'no errors', 'errors'));
  drawChart(chartBox, graph);
}

export function stop() {
  if (chart) { chart.destroy(); chart = null; }
}

export { notice };
