/**
 * SARIF 2.1.0 output for `port-range-lens check --format sarif`, in the shape GitHub code
 * scanning accepts: one run, one rule per diagnostic code (helpUri → docs/diagnostics.md
 * anchor), results with ruleId/ruleIndex/level/locations/partialFingerprints, and one
 * invocation that says whether the run was complete (executionSuccessful, exitCode) with a
 * toolExecutionNotification per I/O error, limit hit and skipped file.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallSite } from '../analysis/callSite';
import { CODE_TITLES, DEFAULT_SEVERITY, DIAGNOSTIC_CODES, type Severity } from '../diagnostics/codes';
import { VERSION } from '../version';
// One field of package.json (a named import: the bundle keeps only that field).
import { repository } from '../../../package.json';
import type { FileNote, IoError } from './checkRun';

/** Where docs/diagnostics.md is published: the package's repository, if it names one. */
export function docsBase(): string {
  const repo = repository as string | { url?: string } | undefined;
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

/**
 * The artifactLocation of a file: under `root`, a relative reference (RFC 3986 §4.2) to
 * %SRCROOT% with every segment percent-encoded (`#`, `%`, `?`, spaces, non-ASCII as UTF-8);
 * elsewhere, an absolute `file://` URI and no uriBaseId.
 */
export function artifactLocation(file: string, root: string): { uri: string; uriBaseId?: string } {
  const abs = resolve(file);
  const rel = relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(sep).map(encodeSegment).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * One path segment as RFC 3986 pchar: unreserved characters and `!'()*` stay, everything else
 * is %XX of its UTF-8 bytes (also `:`, so a first segment cannot be read as a scheme).
 */
function encodeSegment(s: string): string {
  return encodeURIComponent(s);
}

export interface SarifInput {
  callSites: CallSite[];
  /** Source text lines per file (for fingerprints). */
  lines: (file: string) => string[] | undefined;
  /** Absolute directory of %SRCROOT%. */
  root: string;
  notes: FileNote[];
  errors: IoError[];
  exitCode: number;
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
    const location = artifactLocation(site.file, input.root);
    const rel = location.uri;
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
            artifactLocation: location,
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
                artifactLocation: location,
                region: { startLine: r.span.line + 1, startColumn: r.span.column + 1, endLine: r.span.endLine + 1, endColumn: r.span.endColumn + 1 },
              },
            })),
          }
          : {}),
      });
    }
  }
  const rootUri = pathToFileURL(input.root.endsWith(sep) ? input.root : input.root + sep).href;
  const notification = (file: string, level: 'error' | 'warning' | 'note', id: string, text: string) => ({
    level,
    message: { text },
    descriptor: { id },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(file, input.root) } }],
  });
  const notifications = [
    ...input.errors.map((e) => notification(e.file, 'error', e.code, `${e.file}: ${e.message}`)),
    ...input.notes.map((n) => notification(n.file, n.kind === 'limit' ? 'warning' : 'note', n.id, n.message)),
  ];
  const complete = input.errors.length === 0 && !input.notes.some((n) => n.kind === 'limit');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'port-range-lens',
          informationUri: base.replace(/\/blob\/main\/docs\/diagnostics\.md$/, ''),
          version: VERSION,
          semanticVersion: VERSION,
          rules,
        },
      },
      invocations: [{
        executionSuccessful: complete,
        exitCode: input.exitCode,
        toolExecutionNotifications: notifications,
      }],
      originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}
