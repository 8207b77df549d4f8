/**
 * The simulation page's HTML shell (pure; used by the panel and by the browser test).
 * It holds no data: the report arrives by postMessage (or from the saved webview state)
 * and main.ts renders it with textContent. Strict CSP: scripts only with the nonce,
 * styles only from the extension's dist/ (no inline style attributes or elements).
 */
export interface PageOptions {
  /** webview.cspSource, e.g. "https://*.vscode-cdn.net". */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** Stylesheets loaded after styleUri (the planner page adds its own). */
  extraStyleUris?: string[];
  title: string;
  /** Shown until the page has its data. */
  loading?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A nonce from a CSPRNG (base64url, 128 bits). */
export function makeNonce(random: (n: number) => Uint8Array): string {
  return Buffer.from(random(16)).toString('base64').replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function pageHtml(o: PageOptions): string {
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  const a = (s: string) => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${a(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${a(o.styleUri)}">
${(o.extraStyleUris ?? []).map((u) => `<link rel="stylesheet" href="${a(u)}">\n`).join('')}
<title>${a(o.title)}</title>
</head>
<body>
<main id="app" aria-live="polite">
  <p id="loading" class="muted">${a(o.loading ?? 'Waiting for the simulation…')}</p>
</main>
<script nonce="${a(o.nonce)}" src="${a(o.scriptUri)}"></script>
</body>
</html>`;
}
