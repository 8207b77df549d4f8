/** The pages' DOM helpers: elements with textContent only (no innerHTML; the CSP forbids inline styles). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: { cls?: string; text?: string; id?: string; attrs?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.cls) e.className = opts.cls;
  if (opts.id) e.id = opts.id;
  if (opts.text !== undefined) e.textContent = opts.text;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.appendChild(c);
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and optional text (set as textContent, never parsed). */
export function svgEl(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}
