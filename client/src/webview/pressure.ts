/**
 * The live port-pressure page (bundled into dist/pressure.js): used % over time per
 * destination (chart.js), the current table, and the workspace's declared slices with their
 * usage. Samples arrive by postMessage every few seconds while the panel is visible.
 * textContent only; SVG attributes for the bars; no inline styles (CSP).
 */
import { Chart, Legend, LinearScale, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { FromPressurePage, PressureForEditorView, ToPressurePage } from '../../../server/src/protocol';
import { el } from './dom';
import { buildPressureModel, pushSample, type PressurePageModel } from './pressureModel';

Chart.register(ScatterController, LineElement, PointElement, LinearScale, Tooltip, Legend);

interface VsCodeApi { postMessage(msg: FromPressurePage): void }
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#4ec9b0', '#d18616', '#e06c75'];

let history: PressureForEditorView[] = [];
let chart: Chart | null = null;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function bar(fraction: number, label: string): SVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 200 12');
  svg.setAttribute('class', 'usage');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  for (const [w, cls] of [[200, 'pl-space'], [Math.min(200, Math.max(0, fraction * 200)), fraction >= 0.8 ? 'pl-res' : 'pl-eff']] as [number, string][]) {
    const r = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x: 0, y: 0, width: w, height: 12, class: cls })) r.setAttribute(k, String(v));
    svg.appendChild(r);
  }
  return svg;
}

function table(id: string, caption: string, columns: string[], rows: (string | number | Node)[][]): HTMLElement {
  const head = el('tr');
  for (const c of columns) head.appendChild(el('th', { text: c, attrs: { scope: 'col' } }));
  const body = el('tbody');
  for (const r of rows) body.appendChild(el('tr', {}, ...r.map((v, i) => (v instanceof Node ? el('td', {}, v) : el(i === 0 ? 'th' : 'td', { text: String(v) })))));
  return el('table', { id }, el('caption', { text: caption }), el('thead', {}, head), body);
}

function drawChart(m: PressurePageModel): void {
  const canvas = document.getElementById('pressure-chart') as HTMLCanvasElement | null;
  if (!canvas) return;
  const fg = cssVar('--vscode-editor-foreground', '#333');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const datasets = m.series.map((s, i) => ({ label: s.label, data: s.points, showLine: true, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], pointRadius: 2 }));
  if (chart) {
    chart.data.datasets = datasets;
    chart.update();
    return;
  }
  chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false, maintainAspectRatio: false, parsing: false, color: fg,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds since the panel opened', color: fg }, ticks: { color: fg }, grid: { color: grid } },
        y: { type: 'linear', min: 0, suggestedMax: 100, title: { display: true, text: '% of capacity in use', color: fg }, ticks: { color: fg }, grid: { color: grid } },
      },
      plugins: { legend: { labels: { color: fg } }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${(c.parsed.y ?? 0).toFixed(1)}% at ${(c.parsed.x ?? 0).toFixed(0)} s` } } },
    },
  });
}

function render(): void {
  const m = buildPressureModel(history);
  const app = document.getElementById('app')!;
  if (!m) return;
  const parts: Node[] = [
    el('h1', { text: 'Port pressure on this machine' }),
    el('p', { id: 'pressure-heading', cls: 'muted', text: m.heading }),
  ];
  if (m.note) parts.push(el('p', { cls: 'muted', text: `Note: ${m.note}` }));
  parts.push(el('div', { cls: 'chart-box' }, el('canvas', { id: 'pressure-chart', attrs: { role: 'img', 'aria-label': `Used share of the ephemeral range over time for ${m.series.length} destinations` } })));
  parts.push(m.rows.length
    ? table('pressure-table', 'Destinations, busiest first', ['destination', 'proto', 'in use', 'TIME-WAIT', 'capacity', 'used', 'new', 'exhausted in'],
      m.rows.map((r) => [r.destination, r.proto, r.inUse, r.timeWait, r.capacity, r.used, r.rate, r.exhaustion]))
    : el('p', { id: 'pressure-table', cls: 'muted', text: 'No connection uses a port of the ephemeral range right now.' }));
  parts.push(el('h2', { text: 'Declared ranges (IP_LOCAL_PORT_RANGE in this workspace)' }));
  parts.push(m.declared.length
    ? table('declared-table', 'Usage of every slice the code declares', ['range', 'usage', 'in use', 'capacity', 'used', 'declared at'],
      m.declared.map((d) => [d.range, bar(d.fraction, `${d.used} of ${d.range} in use`), d.inUse, d.capacity, d.used, d.at]))
    : el('p', { id: 'declared-table', cls: 'muted', text: 'The analyzer found no IP_LOCAL_PORT_RANGE value the kernel honours in this workspace.' }));
  if (!document.getElementById('pressure-chart')) {
    chart?.destroy();
    chart = null;
    app.replaceChildren(...parts);
  } else {
    // Keep the canvas (and the chart) across refreshes: replace everything else.
    const canvasBox = document.getElementById('pressure-chart')!.parentElement!;
    parts[parts.findIndex((p) => (p as HTMLElement).classList?.contains('chart-box'))] = canvasBox;
    app.replaceChildren(...parts);
  }
  drawChart(m);
  (window as unknown as { __portRangeLensPressure?: number }).__portRangeLensPressure = history.length;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as Partial<ToPressurePage> & { view?: unknown; error?: unknown } | null;
  if (!m || typeof m !== 'object') return;
  const v = m.view as PressureForEditorView | undefined;
  if (m.type === 'sample' && v && typeof v === 'object' && v.report && Array.isArray(v.report.destinations)) {
    history = pushSample(history, v);
    render();
  } else if (m.type === 'error') {
    const app = document.getElementById('app')!;
    const p = document.getElementById('pressure-error') ?? app.appendChild(el('p', { id: 'pressure-error', cls: 'errno' }));
    p.textContent = `Cannot read this machine's sockets: ${String(m.error)}`;
  }
});
vscode.postMessage({ type: 'ready' });
