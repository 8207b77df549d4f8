/**
 * The planner page's script (bundled by esbuild into dist/planWebview.js, an IIFE): renders
 * a plan through the pure view model with DOM APIs only (textContent, SVG attributes; no
 * innerHTML, no inline styles: the CSP forbids them). Copy and Insert send the worker and
 * language; the extension copies or inserts the snippet it holds, never text from the page.
 */
import { buildPlanViewModel, isPlanView, type OkPlan, type PlanViewModel } from './viewModel';
import { el, svgEl } from '../webview/dom';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface PageState {
  plan: OkPlan;
  language: string;
  worker: number;
}

const vscode = acquireVsCodeApi();

function chart(vm: PlanViewModel): SVGElement {
  const W = Math.round(Math.max(360, Math.min(1000, document.getElementById('app')?.clientWidth ?? 1000)));
  const x0 = 10;
  const x1 = W - 10;
  const X = (f: number) => x0 + f * (x1 - x0);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} 86`, class: 'plan-chart', role: 'img', 'aria-label': vm.chartLabel });
  svg.appendChild(svgEl('title', {}, vm.chartLabel));
  svg.appendChild(svgEl('rect', { x: x0, y: 14, width: x1 - x0, height: 34, class: 'pc-space' }));
  const labels: SVGElement[] = [];
  for (const b of vm.bars) {
    const g = svgEl('g', { class: `pc-slice pc-s${b.slot}` });
    g.appendChild(svgEl('title', {}, b.title));
    g.appendChild(svgEl('rect', { x: X(b.x), y: 14, width: Math.max(1.5, X(b.x + b.w) - X(b.x)), height: 34 }));
    if (X(b.x + b.w) - X(b.x) > 18) labels.push(svgEl('text', { x: X(b.x + b.w / 2), y: 36, 'text-anchor': 'middle', class: 'pc-label', 'aria-hidden': 'true' }, b.label));
    svg.appendChild(g);
  }
  // Reserved runs: a red band under the bar and a light veil over the ports they take.
  for (const r of vm.reserved) {
    const g = svgEl('g', { class: 'pc-res' });
    g.appendChild(svgEl('title', {}, `reserved ${r.lo}–${r.hi}`));
    const w = Math.max(1.5, X(r.x + r.w) - X(r.x));
    g.appendChild(svgEl('rect', { x: X(r.x), y: 14, width: w, height: 34, class: 'pc-veil' }));
    g.appendChild(svgEl('rect', { x: X(r.x), y: 50, width: w, height: 6 }));
    svg.appendChild(g);
  }
  for (const l of labels) svg.appendChild(l);
  svg.appendChild(svgEl('text', { x: x0, y: 74, 'text-anchor': 'start', class: 'pc-axis' }, String(vm.netns.lo)));
  svg.appendChild(svgEl('text', { x: x1, y: 74, 'text-anchor': 'end', class: 'pc-axis' }, String(vm.netns.hi)));
  return svg;
}

function table(vm: PlanViewModel): HTMLTableElement {
  const t = el('table', { id: 'slices' }, el('caption', { text: 'Capacity = what the engine\'s simulation of each slice held' }));
  const head = el('tr');
  for (const h of vm.table.head) head.appendChild(el('th', { text: h, attrs: { scope: 'col' } }));
  t.appendChild(el('thead', {}, head));
  const body = el('tbody');
  for (const r of vm.table.rows) {
    const tr = el('tr');
    r.forEach((c, i) => tr.appendChild(i === 0 ? el('th', { text: c, attrs: { scope: 'row' } }) : el('td', { text: c })));
    body.appendChild(tr);
  }
  t.appendChild(body);
  return t;
}

function setStatus(text: string): void {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

function codeSection(state: PageState, vm: PlanViewModel): HTMLElement {
  const tabs = el('div', { cls: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Language' } });
  const panel = el('div', { id: 'code-panel', attrs: { role: 'tabpanel' } });
  const code = el('code', { id: 'snippet' });
  const select = el('select', { id: 'worker', attrs: { 'aria-label': 'Worker' } });
  for (let w = 0; w < vm.workers; w++) select.appendChild(el('option', { text: `Worker ${w}`, attrs: { value: String(w) } }));
  select.value = String(state.worker);
  const show = () => {
    const snippets = state.plan.code[state.language as keyof OkPlan['code']] ?? [];
    code.textContent = snippets[state.worker] ?? '';
    for (const b of Array.from(tabs.children) as HTMLButtonElement[]) {
      const on = b.dataset.lang === state.language;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `tab-${state.language}`);
    vscode.setState(state);
  };
  vm.languages.forEach((l, i) => {
    const b = el('button', { id: `tab-${l.id}`, cls: 'tab', text: l.label, attrs: { type: 'button', role: 'tab', 'aria-controls': 'code-panel' } });
    b.dataset.lang = l.id;
    b.addEventListener('click', () => { state.language = l.id; show(); });
    b.addEventListener('keydown', (ev) => {
      // Arrow keys move between tabs (WAI-ARIA tabs pattern).
      const d = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      const next = vm.languages[(i + d + vm.languages.length) % vm.languages.length];
      state.language = next.id;
      show();
      document.getElementById(`tab-${next.id}`)?.focus();
      ev.preventDefault();
    });
    tabs.appendChild(b);
  });
  select.addEventListener('change', () => { state.worker = Number(select.value); show(); });
  const copy = el('button', { id: 'copy-code', text: 'Copy', attrs: { type: 'button', 'aria-label': 'Copy this snippet' } });
  const insert = el('button', { id: 'insert-code', text: 'Insert at cursor', attrs: { type: 'button', 'aria-label': 'Insert this snippet at the cursor of the last active editor' } });
  copy.addEventListener('click', () => vscode.postMessage({ type: 'copy', what: 'code', language: state.language, worker: state.worker }));
  insert.addEventListener('click', () => vscode.postMessage({ type: 'insert', language: state.language, worker: state.worker }));
  panel.append(el('div', { cls: 'actions' }, select, copy, insert), el('pre', { cls: 'code' }, code));
  show();
  return el('section', { attrs: { 'aria-labelledby': 'h-code' } }, el('h2', { id: 'h-code', text: 'Code for each worker' }), tabs, panel);
}

export function render(state: PageState): void {
  const app = document.getElementById('app')!;
  const vm = buildPlanViewModel(state.plan);
  if (!vm.languages.some((l) => l.id === state.language)) state.language = vm.languages[0]?.id ?? 'c';
  state.worker = Math.min(Math.max(0, state.worker), vm.workers - 1);
  document.title = vm.title;
  const findings = el('ul', { id: 'findings' });
  for (const f of vm.findings) {
    findings.appendChild(el('li', { cls: `sev-${f.severity}` }, el('span', { cls: 'sev', text: f.severity }), el('code', { text: f.code }), document.createTextNode(` ${f.text}`)));
  }
  if (!vm.findings.length) findings.appendChild(el('li', { cls: 'ok', text: 'No findings: every slice holds what was asked.' }));
  const copySysctl = el('button', { id: 'copy-sysctl', text: 'Copy sysctl lines', attrs: { type: 'button' } });
  const copyCli = el('button', { id: 'copy-cli', text: 'Copy CLI command', attrs: { type: 'button' } });
  copySysctl.addEventListener('click', () => vscode.postMessage({ type: 'copy', what: 'sysctl' }));
  copyCli.addEventListener('click', () => vscode.postMessage({ type: 'copy', what: 'cli' }));
  app.replaceChildren(
    el('header', {}, el('h1', { id: 'title', text: vm.title }), el('p', { id: 'subtitle', cls: 'muted', text: vm.subtitle }),
      el('div', { cls: 'actions' }, copySysctl, copyCli, el('span', { id: 'status', attrs: { role: 'status', 'aria-live': 'polite' } }))),
    el('section', { attrs: { 'aria-labelledby': 'h-slices' } }, el('h2', { id: 'h-slices', text: 'Slices' }), chart(vm), table(vm)),
    el('section', { attrs: { 'aria-labelledby': 'h-findings' } }, el('h2', { id: 'h-findings', text: 'Findings' }), findings),
    codeSection(state, vm),
    el('section', { attrs: { 'aria-labelledby': 'h-sysctl' } }, el('h2', { id: 'h-sysctl', text: 'The netns this plan is for' }),
      el('pre', { cls: 'cli' }, el('code', { id: 'sysctl', text: vm.sysctl })), el('pre', { cls: 'cli' }, el('code', { id: 'cli', text: vm.cli }))),
  );
  (window as unknown as { __portRangeLensRendered?: number }).__portRangeLensRendered = Date.now();
}

let current: PageState | null = null;

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as { type?: string; plan?: unknown; language?: unknown; message?: string } | null;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'plan' && isPlanView(m.plan)) {
    const language = typeof m.language === 'string' ? m.language : current?.language ?? 'c';
    current = { plan: m.plan, language, worker: current?.worker ?? 0 };
    vscode.setState(current);
    render(current);
  } else if (m.type === 'done' && typeof m.message === 'string') {
    setStatus(m.message);
  }
});

const saved = vscode.getState() as PageState | undefined;
if (saved && isPlanView(saved.plan)) {
  current = { plan: saved.plan, language: String(saved.language ?? 'c'), worker: Number(saved.worker) || 0 };
  render(current);
}
vscode.postMessage({ type: 'ready' });
