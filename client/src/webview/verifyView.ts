/**
 * The simulation page's "Verify on this machine's kernel" section: the engine and the kernel in
 * two columns, every differing row marked (≠, class "differs"), every difference listed.
 */
import type { VerifyOutcome } from '../../../server/src/protocol';
import { el } from './dom';
import { buildVerifyView } from './verifyModel';

export type VerifyState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; result: VerifyOutcome }
  | { status: 'failed'; error: string };

export function verifySection(state: VerifyState): HTMLElement {
  const sec = el('section', { id: 'verify-sec', attrs: { 'aria-labelledby': 'h-verify' } }, el('h2', { id: 'h-verify', text: "This machine's kernel" }));
  if (state.status === 'idle') {
    sec.appendChild(el('p', { cls: 'muted', text: 'Not run yet: "Verify on this machine\'s kernel" runs the same sockets for real in a private network namespace and compares.' }));
    return sec;
  }
  if (state.status === 'running') {
    sec.appendChild(el('p', { id: 'verify-verdict', cls: 'muted', text: 'Running the sockets on this machine\'s kernel…' }));
    return sec;
  }
  if (state.status === 'failed') {
    sec.appendChild(el('p', { id: 'verify-verdict', cls: 'errno', text: `Could not verify: ${state.error}` }));
    return sec;
  }
  let v;
  try {
    v = buildVerifyView(state.result);
  } catch (e) {
    sec.appendChild(el('p', { id: 'verify-verdict', cls: 'errno', text: `Cannot show the kernel result: ${(e as Error).message}` }));
    return sec;
  }
  sec.appendChild(el('p', { id: 'verify-heading', cls: 'muted', text: v.heading }));
  sec.appendChild(el('p', { id: 'verify-verdict', cls: v.ran ? (v.agrees ? 'ok' : 'errno') : 'muted', text: v.ran ? v.verdict : `Not run: ${v.verdict}. The simulation stands alone.` }));
  if (!v.ran) return sec;
  const head = el('tr', {}, el('th', { text: '', attrs: { scope: 'col' } }), el('th', { text: 'Simulation (engine)', attrs: { scope: 'col' } }), el('th', { text: 'This kernel', attrs: { scope: 'col' } }));
  const body = el('tbody');
  for (const r of v.rows) {
    body.appendChild(el('tr', { cls: r.differs ? 'differs' : undefined },
      el('th', { text: r.label, attrs: { scope: 'row' } }),
      el('td', { text: r.engine }),
      el('td', { text: r.differs ? `≠ ${r.kernel}` : r.kernel, attrs: r.differs ? { 'aria-label': `${r.kernel}, differs from the simulation` } : {} })));
  }
  sec.appendChild(el('table', { id: 'verify-table', cls: 'verify' }, el('thead', {}, head), body));
  if (v.differences.length) {
    const ul = el('ul', { id: 'verify-differences' });
    for (const d of v.differences) ul.appendChild(el('li', { cls: 'differs', text: `≠ ${d}` }));
    sec.appendChild(ul);
  }
  return sec;
}
