/**
 * Every quick fix of the brief, end to end without a process: analyzer → LSP diagnostics →
 * code actions → edit applied to the text → analyzer again: the diagnostic must be gone
 * (and no error left), for the fix and for the "Suppress <code> on this line" action.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createAnalyzer, type Analyzer } from '../../server/src/analysis/index';
import type { Language } from '../../server/src/analysis/callSite';
import { documentDiagnostics } from '../../server/src/features/diagnostics';
import { codeActions } from '../../server/src/features/codeActions';
import { applyEdits, env } from './fixtures';
import { ensureBuilt, ROOT } from './lspClient';

const C = (body: string) => `#include <stdint.h>\n#include <sys/socket.h>\n#include <netinet/in.h>\n#include <arpa/inet.h>\nint f(int fd) {\n${body}\n  return 0;\n}\n`;
const PY = (value: string, level = 'socket.SOL_IP') => `import socket, struct\nIP_LOCAL_PORT_RANGE = 51\ns = socket.socket()\ns.setsockopt(${level}, IP_LOCAL_PORT_RANGE, ${value})\n`;

const RS = (body: string) => `use libc::{c_int, c_void};\nconst IP_LOCAL_PORT_RANGE: c_int = 51;\n#[repr(C)]\nstruct Wrong { hi: u16, lo: u16 }\nunsafe fn f(fd: c_int) {\n${body}\n}\n`;
const CPP = (body: string) => `#include <array>\n#include <bit>\n#include <cstdint>\n#include <sys/socket.h>\nint f(int fd) {\n${body}\n  return 0;\n}\n`;

const CASES: { code: string; lang: Language; text: string }[] = [
  { code: 'swapped-halves', lang: 'rust', text: RS('    let s = Wrong { hi: 40511, lo: 40000 };\n    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &s as *const Wrong as *const c_void, 4);') },
  { code: 'network-byte-order', lang: 'rust', text: RS('    let v = u32::to_be((40511 << 16) | 40000);\n    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const c_void, 4);') },
  { code: 'bad-optlen', lang: 'rust', text: RS('    let v: u64 = (40511 << 16) | 40000;\n    libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u64 as *const c_void, std::mem::size_of::<u64>() as libc::socklen_t);') },
  { code: 'magic-number', lang: 'rust', text: RS('    let v: u32 = (40511 << 16) | 40000;\n    libc::setsockopt(fd, libc::SOL_IP, 51, &v as *const u32 as *const c_void, 4);') },
  { code: 'wrong-level', lang: 'rust', text: RS('    let v: u32 = (40511 << 16) | 40000;\n    libc::setsockopt(fd, libc::SOL_SOCKET, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const c_void, 4);') },
  { code: 'swapped-halves', lang: 'cpp', text: CPP('  std::array<std::uint16_t, 2> h{40511, 40000};\n  const auto v = std::bit_cast<std::uint32_t>(h);\n  ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);') },
  { code: 'bad-optlen', lang: 'cpp', text: CPP('  const std::uint64_t v = (40511u << 16) | 40000u;\n  ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v);') },
  { code: 'magic-number', lang: 'cpp', text: CPP('  const std::uint32_t v = (40511u << 16) | 40000u;\n  ::setsockopt(fd, SOL_IP, 51, &v, sizeof v);') },
  { code: 'swapped-halves', lang: 'c', text: C('  uint32_t v = (40000u << 16) | 40511u;\n  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));') },
  { code: 'network-byte-order', lang: 'c', text: C('  uint32_t v = htonl((40511u << 16) | 40000u);\n  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));') },
  { code: 'bad-optlen', lang: 'c', text: C('  uint32_t v = (40511u << 16) | 40000u;\n  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(uint64_t));') },
  { code: 'wrong-level', lang: 'c', text: C('  uint32_t v = (40511u << 16) | 40000u;\n  setsockopt(fd, IPPROTO_IPV6, IP_LOCAL_PORT_RANGE, &v, sizeof(v));') },
  { code: 'magic-number', lang: 'c', text: C('  uint32_t v = (40511u << 16) | 40000u;\n  setsockopt(fd, SOL_IP, 51, &v, sizeof(v));') },
  { code: 'signed-shift-overflow', lang: 'c', text: C('  uint16_t lo = 40000, hi = 40511;\n  uint32_t v = (hi << 16) | lo;\n  setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof(v));') },
  { code: 'python-int-overflow', lang: 'python', text: PY('(40511 << 16) | 40000') },
  { code: 'network-byte-order', lang: 'python', text: PY('struct.pack("!I", (40511 << 16) | 40000)') },
];

let analyzer: Analyzer;
before(async () => {
  ensureBuilt();
  analyzer = await createAnalyzer({ wasmDir: join(ROOT, 'dist'), queryDir: join(ROOT, 'server', 'src', 'analysis', 'queries') });
  await analyzer.prepare(['rust', 'cpp']);
});

function lspDiagnostics(uri: string, text: string, lang: Language) {
  const e = env();
  const r = analyzer.analyze(uri, text, lang, e.config);
  assert.equal(r.error, undefined);
  return { sites: r.callSites, diags: documentDiagnostics(uri, r.callSites, text.split('\n'), e) };
}

for (const { code, lang, text } of CASES) {
  test(`${lang} ${code}: the quick fix and the suppression both remove the diagnostic`, () => {
    const uri = `file:///virtual/${code}.${lang === 'python' ? 'py' : lang === 'rust' ? 'rs' : lang === 'cpp' ? 'cpp' : 'c'}`;
    const { sites, diags } = lspDiagnostics(`/virtual/${code}-${lang}`, text, lang);
    const d = diags.find((x) => x.code === code);
    assert.ok(d, `${code} expected, got ${diags.map((x) => x.code).join(', ')}`);
    const actions = codeActions({ uri, language: lang, lines: text.split('\n'), sites, env: env(), range: d.range, diagnostics: [d] });
    const fix = actions.find((a) => !a.title.startsWith('Suppress'));
    assert.ok(fix, `no quick fix for ${code}: ${actions.map((a) => a.title).join(' | ')}`);
    assert.deepEqual(fix.diagnostics, [d]);
    const fixed = applyEdits(text, fix.edit!.changes![uri]!);
    const after = lspDiagnostics(`/virtual/${code}-${lang}-fixed`, fixed, lang).diags;
    assert.ok(!after.some((x) => x.code === code), `${code} still there after "${fix.title}":\n${fixed}`);
    assert.deepEqual(after.filter((x) => x.severity === 1).map((x) => x.code), [], `errors left after the fix:\n${fixed}`);

    const sup = actions.find((a) => a.title === `Suppress ${code} on this line`);
    assert.ok(sup);
    const suppressed = applyEdits(text, sup.edit!.changes![uri]!);
    const left = lspDiagnostics(`/virtual/${code}-${lang}-sup`, suppressed, lang).diags;
    assert.ok(!left.some((x) => x.code === code), `${code} still there after suppression:\n${suppressed}`);
  });
}
