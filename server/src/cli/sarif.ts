/**
 * SARIF 2.1.0 output for `port-range-lens check --format sarif`, in the shape GitHub code
 * scanning accepts: one run, one rule per diagnostic code (helpUri → docs/diagnostics.md
 * anchor), results with ruleId/ruleIndex/level/locations/partialFingerprints.
 */
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallSite } from '../analysis/callSite';
import { CODE_TITLES, DEFAULT_SEVERITY, DIAGNOSTIC_CODES, type Severity } from '../diagnostics/codes';
import pkg from '../../../package.json';

/** Where docs/diagnostics.md is published: the package's repository, if it names one. */
export function docsBase(): string {
  const repo = (pkg as { repository?: string | { url?: string } }).repository;
  const url = typeof repo === 'string' ? repo : repo?.url;
  const m = url ? /github\.com[/:]([^/]+\/[^/.]+?)(?:\.git)?$/.exec(url) : null;
  const slug = m ? m[1] : 'port-range-lens/port-range-lens';
  return `https://github.com/${slug}/blob/main/docs/diagnostics.md`;
}

export function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function ruleName(code: string): string {
  return code.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

export interface SarifInput {
  callSites: CallSite[];
  /** Source text lines per file (for fingerprints). */
  lines: (file: string) => string[] | undefined;
  root: string;
}

export function toSarif(input: SarifInput): unknown {
  const base = docsBase();
  const rules = DIAGNOSTIC_CODES.map((code) => ({
    id: code,
    name: ruleName(code),
    shortDescription: { text: CODE_TITLES[code] },
    fullDescription: { text: `${CODE_TITLES[code]}. See ${base}#${code}` },
    helpUri: `${base}#${code}`,
    help: { text: `${CODE_TITLES[code]}. Documentation: ${base}#${code}` },
    defaultConfiguration: { level: sarifLevel(DEFAULT_SEVERITY[code]) },
    properties: { tags: ['correctness', 'linux', 'sockets'] },
  }));
  const index = new Map<string, number>(DIAGNOSTIC_CODES.map((c, i) => [c, i]));
  const seen = new Map<string, number>();
  const results: unknown[] = [];
  for (const site of input.callSites) {
    const rel = relative(input.root, site.file).split(sep).join('/');
    const lines = input.lines(site.file) ?? [];
    for (const d of site.diagnostics) {
      const lineText = (lines[d.span.line] ?? '').trim();
      const key = `${rel}\0${d.code}\0${lineText}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
      results.push({
        ruleId: d.code,
        ruleIndex: index.get(d.code),
        level: sarifLevel(d.severity),
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: encodeURI(rel), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: d.span.line + 1,
              startColumn: d.span.column + 1,
              endLine: d.span.endLine + 1,
              endColumn: d.span.endColumn + 1,
            },
          },
        }],
        partialFingerprints: { primaryLocationLineHash: `${hash}:${n}` },
        ...(d.related?.length
          ? {
            relatedLocations: d.related.map((r, i) => ({
              id: i + 1,
              message: { text: r.message },
              physicalLocation: {
                artifactLocation: { uri: encodeURI(rel), uriBaseId: '%SRCROOT%' },
                region: { startLine: r.span.line + 1, startColumn: r.span.column + 1, endLine: r.span.endLine + 1, endColumn: r.span.endColumn + 1 },
              },
            })),
          }
          : {}),
      });
    }
  }
  const rootUri = pathToFileURL(input.root.endsWith(sep) ? input.root : input.root + sep).href;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'port-range-lens',
          informationUri: base.replace(/\/blob\/main\/docs\/diagnostics\.md$/, ''),
          semanticVersion: (pkg as { version?: string }).version ?? '0.0.0',
          rules,
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}
