/**
 * The simulation page's script (bundled by esbuild into dist/webview.js, an IIFE).
 * Renders a SimulationReport through the pure view model with DOM APIs only:
 * textContent for every string, SVG attributes for geometry, no innerHTML, no inline
 * styles (the CSP forbids them; chart.js sizes its canvas through the CSSOM, which is allowed).
 */
import {
  Chart,
  Legend,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import { buildViewModel, type PortLineView, type SideView, type Span2, type ViewModel } from './viewModel';
import type { FromSimulationPage, SimulationReport, ToSimulationPage } from '../../../server/src/protocol';
import { el, svgEl } from './dom';
import { verifySection, type VerifyState } from './verifyView';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip, Legend);

interface VsCodeApi {
  postMessage(msg: FromSimulationPage): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface PageState {
  key: string;
  label: string;
  report: SimulationReport;
  /** "Verify on this machine's kernel" for this report. */
  verify?: VerifyState;
}

const vscode = acquireVsCodeApi();

function isReport(x: unknown): x is SimulationReport {
  const r = x as SimulationReport | null;
  return !!r && typeof r === 'object' && !!r.params && !!r.effective && !!r.netnsRange && !!r.withOption && !!r.withoutOption;
}

/** One track of the port line: spans placed on a [window.lo, window.hi] scale. */
function portTrack(pl: PortLineView, win: Span2, caption: string, ticks: number[]): SVGElement {
  // One SVG unit = one CSS pixel at render time, so labels keep their size in narrow panels.
  const W = Math.round(Math.max(360, Math.min(1000, document.getElementById('app')?.clientWidth ?? 1000)));
  const x0 = 10;
  const x1 = W - 10;
  const x = (p: number) => x0 + ((Math.min(Math.max(p, win.lo), win.hi) - win.lo) / Math.max(1, win.hi - win.lo)) * (x1 - x0);
  const wOf = (s: Span2) => Math.max(1.5, x(s.hi + 1) - x(s.lo));
  const visible = (s: Span2) => s.hi >= win.lo && s.lo <= win.hi;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} 74`, class: 'portline', role: 'img', 'aria-label': `${caption}: ${pl.labels.netns}, ${pl.labels.effective}${pl.labels.option ? `, ${pl.labels.option}` : ''}, ${pl.labels.reserved}` });
  svg.appendChild(svgEl('title', {}, caption));
  svg.appendChild(svgEl('rect', { x: x0, y: 22, width: x1 - x0, height: 18, class: 'pl-space' }));
  if (visible(pl.netns)) svg.appendChild(svgEl('rect', { x: x(pl.netns.lo), y: 22, width: wOf(pl.netns), height: 18, class: 'pl-netns' }));
  if (visible(pl.effective)) svg.appendChild(svgEl('rect', { x: x(pl.effective.lo), y: 18, width: wOf(pl.effective), height: 26, class: 'pl-eff' }));
  if (pl.option && visible(pl.option)) svg.appendChild(svgEl('rect', { x: x(pl.option.lo), y: 14, width: wOf(pl.option), height: 34, class: 'pl-opt' }));
  for (const r of pl.reserved) if (visible(r)) svg.appendChild(svgEl('rect', { x: x(r.lo), y: 10, width: wOf(r), height: 42, class: 'pl-res' }));
  for (const t of ticks) {
    svg.appendChild(svgEl('line', { x1: x(t), x2: x(t), y1: 44, y2: 52, class: 'pl-tick' }));
    const anchor = x(t) < 40 ? 'start' : x(t) > W - 40 ? 'end' : 'middle';
    svg.appendChild(svgEl('text', { x: x(t), y: 66, 'text-anchor': anchor, class: 'pl-label' }, String(t)));
  }
  svg.appendChild(svgEl('text', { x: x0, y: 11, class: 'pl-caption' }, caption));
  return svg;
}

/** A third track around the effective range when it is too thin to read in the zoom. */
function effectiveTrack(vm: ViewModel): SVGElement[] {
  const { effective: e, zoom: z } = vm.portLine;
  const size = e.hi - e.lo + 1;
  if (size <= 0 || size * 12 > z.hi - z.lo) return [];
  const pad = Math.max(2, Math.round(size * 0.08));
  const win = { lo: Math.max(0, e.lo - pad), hi: Math.min(65535, e.hi + pad) };
  const ticks = [e.lo, e.hi];
  for (const r of vm.portLine.reserved) if (r.lo > e.lo + size / 10 && r.hi < e.hi - size / 10) ticks.push(r.lo);
  return [portTrack(vm.portLine, win, `Effective range ${e.lo}–${e.hi}, reserved ports marked`, ticks.sort((a, b) => a - b))];
}

function legend(pl: PortLineView): HTMLElement {
  const item = (cls: string, text: string) => el('li', {}, el('span', { cls: `swatch ${cls}`, attrs: { 'aria-hidden': 'true' } }), document.createTextNode(text));
  const ul = el('ul', { cls: 'legend' }, item('pl-netns', pl.labels.netns), item('pl-eff', pl.labels.effective));
  if (pl.labels.option) ul.appendChild(item('pl-opt', pl.labels.option));
  ul.appendChild(pl.reserved.length ? item('pl-res', pl.labels.reserved) : el('li', { cls: 'muted', text: pl.labels.reserved }));
  return ul;
}

function paritySvg(s: SideView): SVGElement {
  const total = s.parity.even + s.parity.odd;
  const w = total ? (s.parity.even / total) * 300 : 0;
  const svg = svgEl('svg', { viewBox: '0 0 300 14', preserveAspectRatio: 'none', class: 'parity', role: 'img', 'aria-label': `parity: ${s.parity.text}` });
  svg.appendChild(svgEl('rect', { x: 0, y: 0, width: 300, height: 14, class: total ? 'par-odd' : 'pl-space' }));
  if (total) svg.appendChild(svgEl('rect', { x: 0, y: 0, width: w, height: 14, class: 'par-even' }));
  return svg;
}

function sideCard(s: SideView, cls: string, id: string): HTMLElement {
  const dl = el('dl');
  const row = (k: string, v: Node | string, vcls?: string) => {
    dl.appendChild(el('dt', { text: k }));
    const dd = el('dd', { cls: vcls });
    if (typeof v === 'string') dd.textContent = v;
    else dd.appendChild(v);
    dl.appendChild(dd);
  };
  row('Effective range', `${s.effective} (${s.size})`);
  row('Result', s.successes);
  row('Exhaustion', s.exhaustion, s.exhausted ? 'errno' : 'ok');
  const par = el('div', {}, paritySvg(s), el('span', { text: s.parity.text }));
  row('Parity', par);
  row('Ports used', s.portsUsed);
  row('First ports', s.firstPorts, 'mono');
  if (s.perDestination) row('Per destination', s.perDestination);
  return el('section', { cls: `card ${cls}`, id, attrs: { 'aria-labelledby': `${id}-h` } }, el('h3', { text: s.heading, id: `${id}-h` }), dl);
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

function chartColors() {
  return {
    fg: cssVar('--vscode-editor-foreground', cssVar('--vscode-foreground', '#333')),
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    with: cssVar('--vscode-charts-blue', '#1a85ff'),
    without: cssVar('--vscode-charts-orange', '#d18616'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

const charts: Chart[] = [];

/** One scatter chart of ports chosen in order (socket # → local port). */
function drawChart(canvas: HTMLCanvasElement, label: string, data: { x: number; y: number }[], color: string, band: { lo: number; hi: number }): void {
  const c = chartColors();
  const n = data.length;
  const radius = n > 4000 ? 0.7 : n > 500 ? 1.3 : 2.5;
  const ds: ChartDataset<'scatter'> = { label, data, backgroundColor: color, borderColor: color, pointRadius: radius, pointHoverRadius: radius + 2 };
  charts.push(
    new Chart(canvas, {
      type: 'scatter',
      data: { datasets: [ds] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        color: c.fg,
        font: { family: c.font },
        scales: {
          x: { type: 'linear', min: 1, max: Math.max(2, n), title: { display: true, text: 'socket #', color: c.fg }, ticks: { color: c.fg, precision: 0 }, grid: { color: c.grid } },
          y: { type: 'linear', min: band.lo, max: band.hi, title: { display: true, text: 'local port', color: c.fg }, ticks: { color: c.fg, precision: 0 }, grid: { color: c.grid } },
        },
        plugins: {
          legend: { labels: { color: c.fg } },
          tooltip: { callbacks: { label: (ctx) => `socket ${ctx.parsed.x} → port ${ctx.parsed.y}` } },
        },
      },
    }),
  );
}

function drawCharts(vm: ViewModel): void {
  for (const ch of charts.splice(0)) ch.destroy();
  const c = chartColors();
  const w = document.getElementById('chart-with') as HTMLCanvasElement | null;
  const wo = document.getElementById('chart-without') as HTMLCanvasElement | null;
  if (w) drawChart(w, vm.withOption.heading, vm.chart.with, c.with, vm.portLine.effective);
  if (wo) drawChart(wo, vm.withoutOption.heading, vm.chart.without, c.without, vm.portLine.netns);
}

function table(vm: ViewModel): HTMLElement {
  const t = el('table', { id: 'ports-table' });
  t.appendChild(el('caption', { text: 'Ports chosen in order, one row per socket' }));
  const head = el('tr');
  for (const c of vm.table.columns) head.appendChild(el('th', { text: c, attrs: { scope: 'col' } }));
  t.appendChild(el('thead', {}, head));
  const body = el('tbody');
  for (const r of vm.table.rows) {
    const tr = el('tr');
    r.forEach((v, i) => tr.appendChild(i === 0 ? el('th', { text: v, attrs: { scope: 'row' } }) : el('td', { text: v, cls: v.startsWith('E') ? 'errno' : undefined })));
    body.appendChild(tr);
  }
  t.appendChild(body);
  const details = el('details', { id: 'table-details' }, el('summary', { text: `Table of ports (${vm.table.rows.length.toLocaleString('en-US')} rows)` }), t);
  if (vm.table.truncated) details.appendChild(el('p', { cls: 'muted', text: vm.table.truncated }));
  return details;
}

function setStatus(text: string): void {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

export function render(state: PageState): void {
  const app = document.getElementById('app')!;
  let vm: ViewModel;
  try {
    vm = buildViewModel(state.report, state.label);
  } catch (e) {
    app.replaceChildren(el('p', { cls: 'errno', text: `Cannot show this simulation: ${(e as Error).message}` }));
    return;
  }
  document.title = vm.title;
  const copyJson = el('button', { id: 'copy-json', text: 'Copy as JSON', attrs: { type: 'button', 'aria-label': 'Copy the simulation report as JSON' } });
  const copyCli = el('button', { id: 'copy-cli', text: 'Copy CLI command', attrs: { type: 'button', 'aria-label': 'Copy the CLI command that reproduces this run' } });
  copyJson.addEventListener('click', () => vscode.postMessage({ type: 'copy', what: 'json' }));
  copyCli.addEventListener('click', () => vscode.postMessage({ type: 'copy', what: 'cli' }));
  const verifyBtn = el('button', { id: 'verify', text: "Verify on this machine's kernel", attrs: { type: 'button', 'aria-label': "Run the same sockets on this machine's kernel in a private network namespace and compare" } });
  verifyBtn.addEventListener('click', () => vscode.postMessage({ type: 'verify' }));

  const header = el(
    'header',
    {},
    el('h1', { id: 'title', text: vm.title }),
    el('p', { id: 'subtitle', cls: 'muted', text: vm.subtitle }),
    el('div', { cls: 'actions' }, verifyBtn, copyJson, copyCli, el('span', { id: 'status', attrs: { role: 'status', 'aria-live': 'polite' } })),
  );

  const fullTicks = [0, 16384, 32768, 49152, 65535];
  const z = vm.portLine.zoom;
  const zoomTicks = Array.from(new Set([z.lo, vm.portLine.netns.lo, vm.portLine.effective.lo, vm.portLine.effective.hi, vm.portLine.netns.hi, z.hi]))
    .sort((a, b) => a - b)
    .filter((t, i, arr) => i === 0 || t - arr[i - 1] > (z.hi - z.lo) / 14);
  const rangeSec = el(
    'section',
    { attrs: { 'aria-labelledby': 'h-range' } },
    el('h2', { id: 'h-range', text: 'Port range' }),
    el('p', { id: 'range-summary', text: vm.rangeSummary }),
    el('p', { id: 'rule', cls: 'muted', text: `Rule (inet_sk_get_local_port_range): ${vm.ruleText}.` }),
    portTrack(vm.portLine, vm.portLine.full, 'All ports 0–65535', fullTicks),
    portTrack(vm.portLine, z, `Zoom ${z.lo}–${z.hi}`, zoomTicks),
    ...effectiveTrack(vm),
    legend(vm.portLine),
  );

  const cards = el('div', { cls: 'cards' }, sideCard(vm.withOption, 'with', 'side-with'), sideCard(vm.withoutOption, 'without', 'side-without'));
  const outcomeSec = el('section', { attrs: { 'aria-labelledby': 'h-outcome' } }, el('h2', { id: 'h-outcome', text: 'Exhaustion: the same socket with and without the option' }), cards);

  const chartSec = el(
    'section',
    { attrs: { 'aria-labelledby': 'h-chart' } },
    el('h2', { id: 'h-chart', text: 'Ports chosen in order' }),
    el(
      'div',
      { cls: 'charts' },
      el('div', { cls: 'chart-box' }, el('canvas', { id: 'chart-with', attrs: { role: 'img', 'aria-label': `${vm.withOption.heading}: ${vm.chart.aria}` } })),
      el('div', { cls: 'chart-box' }, el('canvas', { id: 'chart-without', attrs: { role: 'img', 'aria-label': `${vm.withoutOption.heading}: ${vm.chart.aria}` } })),
    ),
    table(vm),
  );

  const cliSec = el(
    'section',
    { attrs: { 'aria-labelledby': 'h-cli' } },
    el('h2', { id: 'h-cli', text: 'Reproduce on the command line' }),
    el('pre', { cls: 'cli' }, el('code', { id: 'cli', text: vm.cli })),
  );
  const parts: Node[] = [header, rangeSec, outcomeSec, verifySection(state.verify ?? { status: 'idle' }), chartSec, cliSec];
  if (vm.notes.length) {
    const ul = el('ul', { id: 'notes' });
    for (const n of vm.notes) ul.appendChild(el('li', { text: n }));
    parts.splice(2, 0, el('section', { attrs: { 'aria-label': 'Notes' } }, ul));
  }
  app.replaceChildren(...parts);
  currentVm = vm;
  drawCharts(vm);
  (window as unknown as { __portRangeLensRendered?: number }).__portRangeLensRendered = Date.now();
}

let current: PageState | null = null;
let currentVm: ViewModel | null = null;

window.addEventListener('message', (ev: MessageEvent) => {
  // Typed as the extension sends it, still checked: the page trusts nothing it receives.
  const m = ev.data as Partial<ToSimulationPage> & { key?: unknown; label?: unknown; report?: unknown; what?: unknown } | null;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'report' && isReport(m.report)) {
    current = { key: String(m.key ?? ''), label: String(m.label ?? ''), report: m.report };
    vscode.setState(current);
    render(current);
  } else if (m.type === 'copied') {
    setStatus(m.what === 'json' ? 'Report copied as JSON.' : 'CLI command copied.');
  } else if (current && (m.type === 'verifying' || m.type === 'verified' || m.type === 'verifyFailed')) {
    const v = m as Partial<Extract<ToSimulationPage, { type: 'verified' }>> & { error?: unknown };
    current.verify = m.type === 'verifying' ? { status: 'running' }
      : m.type === 'verified' && v.result && typeof v.result === 'object' ? { status: 'done', result: v.result }
      : { status: 'failed', error: String(v.error ?? 'the server did not answer') };
    vscode.setState(current);
    document.getElementById('verify-sec')?.replaceWith(verifySection(current.verify));
  }
});

// Theme switches change the --vscode-* variables and the body class: recolour the chart.
new MutationObserver(() => {
  if (currentVm) drawCharts(currentVm);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const saved = vscode.getState() as PageState | undefined;
if (saved && isReport(saved.report)) {
  current = saved;
  render(saved);
}
vscode.postMessage({ type: 'ready' });
