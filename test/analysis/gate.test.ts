// The text gate before parsing (server/src/analysis/gate.ts) is exact: it never closes on a file
// where the analyzer, run without it, finds a call site (checked on every fixture and example,
// and on shapes written to sit at its edges), and it closes on mere mentions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bytesMayContainCallSite, createAnalyzer, languageForPath, mayContainCallSite, type Analyzer } from '../../server/src/analysis/index';
import { DEFAULT_CONFIG } from '../../server/src/config/schema';
import type { Language } from '../../server/src/analysis/callSite';
import { analyzeAs } from './helpers';

const ROOT = join(__dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : languageForPath(p) ? [p] : [];
  });
}

/** The analyzer without the text gate: every file parsed and analysed. */
let open: Promise<Analyzer> | null = null;
async function ungated(language: Language, text: string): Promise<number> {
  open ??= createAnalyzer({ incremental: false, gate: false }).then(async (a) => (await a.prepare(['cpp', 'rust']), a));
  const r = (await open).analyze(`snippet.${language}`, text, language, DEFAULT_CONFIG);
  assert.equal(r.error, undefined, text);
  return r.callSites.length;
}

test('every fixture and example: where the analyzer finds a call site, the gate is open (string and bytes)', async () => {
  const all = [...files(join(ROOT, 'test', 'fixtures')), ...files(join(ROOT, 'test', 'analysis', 'fixtures')), ...files(join(ROOT, 'examples'))];
  assert.ok(all.length >= 20, `${all.length} files`);
  let withSites = 0;
  for (const f of all) {
    const text = readFileSync(f, 'utf8');
    const language = languageForPath(f)!;
    const n = await ungated(language, text);
    if (n === 0) continue;
    withSites++;
    assert.ok(mayContainCallSite(text), f);
    assert.ok(mayContainCallSite(text, language), f);
    assert.ok(bytesMayContainCallSite(Buffer.from(text), language), f);
  }
  assert.ok(withSites >= 15, `${withSites} files with call sites`);
});

const EDGES: [Language, string][] = [
  ['c', 'void f(int fd){ unsigned v = 40000u | 40511u << 16; setsockopt /* why */ (fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }'],
  ['c', 'void f(int fd){ unsigned v = 40000u | 40511u << 16; setsockopt // why\n (fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }'],
  ['c', 'void f(struct s *c, int fd){ unsigned v = 40000u | 40511u << 16; c->ops->setsockopt\n\t(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }'],
  ['cpp', 'template <class T> int setsockopt(int, int, int, const T*, unsigned);\nvoid f(int fd){ const unsigned v = 40000u | 40511u << 16; setsockopt<unsigned>(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }'],
  ['python', 'import socket\ns = socket.socket()\ns.setsockopt(  # the range\n    socket.SOL_IP, 51, (40511 << 16) | 40000)\n'],
  ['go', 'package p\nimport "golang.org/x/sys/unix"\nfunc f(fd int) { unix.SetsockoptInt /* x */ (fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000) }\n'],
  ['rust', 'const IP_LOCAL_PORT_RANGE: i32 = 51;\nfn f(fd: i32) { let v: u32 = (40511u32 << 16) | 40000; unsafe { libc::setsockopt::<>(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const u32 as *const libc::c_void, 4) }; }\n'],
];

test('call shapes at the edge of the gate (comments, line breaks, template arguments) are found', async () => {
  for (const [language, text] of EDGES) {
    assert.ok(mayContainCallSite(text, language), text);
    assert.ok(bytesMayContainCallSite(Buffer.from(text), language), text);
    assert.ok((await analyzeAs(language, text)).length >= 1, `${language}: ${text}`);
  }
});

test('mentions that cannot be calls keep the gate closed, and the analyzer agrees', async () => {
  const closed: [Language, string][] = [
    ['c', '#define SO_SNDBUF 7 /* see setsockopt */\n/* IP_LOCAL_PORT_RANGE: getsockopt returns the raw value */\nint x = 51;\n'],
    ['python', '"""Call sock.setsockopt to set the range."""\nSOCKOPT = 51\n'],
    ['go', 'package p\n// SetsockoptInt sets 51.\nvar SETSOCKOPT = 51\n'],
    ['c', 'int SETSOCKOPT(int a, int b, int c, void *d, int e);\nvoid f(int fd){ unsigned v = 1; SETSOCKOPT(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4); }\n'],
    // A macro's name is no call (the kernel's syscall tables), nor is a version number in a comment.
    ['c', '#define __NR_setsockopt (__X32_SYSCALL_BIT + 54)\n  #  define __NR_getsockopt\t(__X32_SYSCALL_BIT + 55) /* v2.51 */\n#define IP_LOCAL_PORT_RANGE 51\n'],
    ['python', '#   Id: asyncore.py,v 2.51\nimport socket\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n'],
  ];
  for (const [language, text] of closed) {
    assert.equal(mayContainCallSite(text), false, text);
    assert.equal(bytesMayContainCallSite(Buffer.from(text)), false, text);
    assert.equal(await ungated(language, text), 0, `${language}: ${text}`);
  }
});

test('after the parse: a gate opened only inside comments and strings finds nothing to analyse, in code it does', async () => {
  const { createParserHost } = await import('../../server/src/analysis/parser');
  const { gateOpensInCode } = await import('../../server/src/analysis/gate');
  const host = await createParserHost({ grammars: ['c', 'cpp', 'python', 'go', 'rust'] });
  const cases: [Language, string, string][] = [
    ['c', '/* é setsockopt( */ int f(void) { const char *s = "setsockopt("; return 0; }', 'setsockopt(1, 2, 3, 0, 0);'],
    ['cpp', '// setsockopt(\nauto s = R"(setsockopt()";', '::setsockopt(1, 2, 3, nullptr, 0);'],
    ['python', '"""é setsockopt(\n"""\n# setsockopt(\nx = f"setsockopt("\n', 's.setsockopt(1, 2, 3)\n'],
    ['go', 'package p\n// setsockopt(\nvar s = `setsockopt(`\n', 'func f() { unix.SetsockoptInt(1, 2, 3, 4) }\n'],
    ['rust', '/* /* setsockopt( */ */ fn g() { let _ = r#"setsockopt("#; }\n', 'fn f() { unsafe { libc::setsockopt(1, 2, 3, p, 4) }; }\n'],
  ];
  for (const [language, prose, call] of cases) {
    for (const [text, want] of [[prose, false], [prose + '\n' + call, true]] as const) {
      const tree = host.parse(language, text)!;
      assert.equal(gateOpensInCode(text, tree.rootNode), want, `${language}: ${text}`);
      tree.delete();
    }
  }
  host.dispose();
});

test("C's set_sock_opt wrappers (c.scm accepts them) open the gate like setsockopt", async () => {
  const text = 'int my_set_sock_opt(int, int, int, const void *, unsigned);\nvoid f(int fd) { unsigned v = 40000u | 40511u << 16; my_set_sock_opt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }\n';
  assert.ok(mayContainCallSite(text));
  assert.ok(bytesMayContainCallSite(Buffer.from(text)));
  assert.equal((await analyzeAs('c', text)).length, await ungated('c', text));
});

test('the option half: a file that calls setsockopt only for other options is closed, every spelling of 51 opens it', async () => {
  const other: [Language, string][] = [
    ['c', 'void f(int fd){ int one = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); setsockopt(fd, IPPROTO_TCP, 1, &one, 4); }'],
    ['python', 'import socket\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\nport = 40051\n'],
    ['go', 'package p\nimport "golang.org/x/sys/unix"\nfunc f(fd int) { unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1) }\n'],
    ['rust', 'fn f(fd: i32) { let one: i32 = 1; unsafe { libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, &one as *const i32 as *const libc::c_void, 4) }; }\n'],
  ];
  for (const [language, text] of other) {
    assert.equal(mayContainCallSite(text), false, text);
    assert.equal(bytesMayContainCallSite(Buffer.from(text)), false, text);
    assert.equal(await ungated(language, text), 0, `${language}: ${text}`);
  }
  const v = '40000u | 40511u << 16';
  const spelled: [Language, string][] = [
    ...['51', '51u', '51UL', '0x33', '0X33', '063', "5'1"].map((n): [Language, string] => ['c', `void f(int fd){ unsigned v = ${v}; setsockopt(fd, SOL_IP, ${n}, &v, sizeof v); }`]),
    ['c', `void f(int fd){ unsigned v = ${v}; setsockopt(fd, SOL_IP, '3', &v, sizeof v); }`],
    ...['51', '0o63', '0b110011', '5_1'].map((n): [Language, string] => ['python', `import socket\ns = socket.socket()\ns.setsockopt(socket.SOL_IP, ${n}, (40511 << 16) | 40000)\n`]),
    ['rust', 'fn f(fd: i32) { let v: u32 = (40511u32 << 16) | 40000; unsafe { libc::setsockopt(fd, libc::SOL_IP, 51_i32, &v as *const u32 as *const libc::c_void, 4) }; }\n'],
    ['c', `#define OPT 51 /* v2.0 */\nvoid f(int fd){ unsigned v = ${v}; setsockopt(fd, SOL_IP, OPT, &v, sizeof v); }`],
    ['c', `#define HOP IPV6_RECVHOPLIMIT\nvoid f(int fd){ unsigned v = ${v}; setsockopt(fd, SOL_IP, HOP, &v, sizeof v); }`],
  ];
  for (const [language, text] of spelled) {
    assert.ok(mayContainCallSite(text, language), text);
    assert.ok(bytesMayContainCallSite(Buffer.from(text), language), text);
    assert.equal((await analyzeAs(language, text)).length, 1, `${language}: ${text}`);
  }
  // The one rule the option half adds: 51 computed from other numbers is not the option.
  const computed = `void f(int fd){ unsigned v = ${v}; setsockopt(fd, SOL_IP, 50 + 1, &v, sizeof v); }`;
  assert.equal(mayContainCallSite(computed), false);
  assert.equal((await analyzeAs('c', computed)).length, 0);
  assert.equal(await ungated('c', computed), 1, 'held open, the evaluator still reads 50 + 1 as 51');
});

test('C and C++: a sockopt call or an option spelled only in comments and strings opens nothing; in code next to them it does', async () => {
  const prose = [
    '/* For setsockopt(2) */\n#define SO_ATTACH_REUSEPORT_CBPF 51\n',
    '#define VKI_SYS_SETSOCKOPT 14 /* sys_setsockopt(2) */\n#define VKI_PR_SVE_GET_VL 51\n',
    'const char *s = "setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, 4)";\n',
    '// setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, \\\n   &v, 4) spliced onto the comment\n',
    'auto s = R"x(setsockopt(fd, SOL_IP, 51, &v, 4) )" still raw )x";\n',
    'void f(int fd) { int one = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, 4); /* IP_LOCAL_PORT_RANGE is 51 */ }\n',
  ];
  for (const text of prose) {
    assert.equal(mayContainCallSite(text, 'cpp'), false, text);
    assert.equal(bytesMayContainCallSite(Buffer.from(text), 'c'), false, text);
    assert.equal(await ungated('cpp', text), 0, `the analyzer agrees: ${text}`);
  }
  const v = 'unsigned v = 40000u | 40511u << 16;';
  const code: [Language, string][] = [
    ['cpp', `auto s = R"x(a "quoted" )" )x"; int n = 1'000'000; void f(int fd) { ${v} setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }`],
    ['c', `char q = '"'; /* it's */ void f(int fd) { ${v} char c = L'\\''; setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &v, sizeof v); }`],
    ['c', `const char *s = "a \\" setsockopt("; void f(int fd) { ${v} setsockopt(fd, SOL_IP, '3', &v, sizeof v); }`],
    ['c', `#error don't\nvoid f(int fd) { ${v} setsockopt(fd, SOL_IP, 51, &v, sizeof v); }`],
  ];
  for (const [language, text] of code) {
    assert.ok(mayContainCallSite(text, language), text);
    assert.ok(bytesMayContainCallSite(Buffer.from(text), language), text);
    assert.equal((await analyzeAs(language, text)).length, 1, `${language}: ${text}`);
  }
});
