// Every grammar loads in the web-tree-sitter runtime the analyzer ships (from node_modules and
// from the built dist/), C++ and Rust only when asked for, and parses its language without
// error nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createParserHost, EAGER_GRAMMARS, GRAMMARS, type GrammarName } from '../../server/src/analysis/parser';

const ROOT = join(__dirname, '..', '..');
const SAMPLES: Record<GrammarName, string> = {
  c: 'int f(int fd) { unsigned v = (40511u << 16) | 40000u; return setsockopt(fd, SOL_IP, 51, &v, sizeof v); }',
  cpp: 'namespace n { constexpr std::uint32_t k = static_cast<std::uint32_t>(40511) << 16 | 40000; struct S { int fd_; void f() { ::setsockopt(fd_, SOL_IP, IP_LOCAL_PORT_RANGE, &k, sizeof k); } }; }',
  python: 's.setsockopt(socket.SOL_IP, 51, struct.pack("=I", 40511 << 16 | 40000))',
  go: 'package p\nfunc f(fd int) { unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_LOCAL_PORT_RANGE, 40511<<16|40000) }',
  rust: 'const IP_LOCAL_PORT_RANGE: libc::c_int = 51;\nfn f(fd: i32) { let v: u32 = ((40511u16 as u32) << 16) | 40000u32; unsafe { libc::setsockopt(fd, libc::SOL_IP, IP_LOCAL_PORT_RANGE, &v as *const _ as *const libc::c_void, std::mem::size_of::<u32>() as libc::socklen_t); } }',
};

test('only the eager grammars load up front; C++ and Rust load on ensure', async () => {
  const host = await createParserHost();
  try {
    for (const g of GRAMMARS) assert.equal(host.has(g), EAGER_GRAMMARS.includes(g), g);
    await host.ensure('cpp');
    await host.ensure('rust');
    for (const g of GRAMMARS) assert.ok(host.has(g), g);
  } finally {
    host.dispose();
  }
});

for (const wasmDir of [undefined, join(ROOT, 'dist')]) {
  const where = wasmDir ? 'dist/' : 'node_modules';
  test(`every grammar from ${where} parses its language without errors`, { skip: wasmDir && !existsSync(join(wasmDir, 'tree-sitter-rust.wasm')) ? 'dist/ not built (npm run build)' : false }, async () => {
    const host = await createParserHost({ wasmDir, grammars: [] });
    try {
      for (const g of GRAMMARS) {
        await host.ensure(g);
        const tree = host.parse(g, SAMPLES[g]);
        assert.ok(tree, g);
        assert.equal(tree.rootNode.hasError, false, `${g}: ${tree.rootNode.toString()}`);
        assert.ok(tree.rootNode.descendantsOfType(g === 'python' ? 'call' : 'call_expression').length > 0, g);
        tree.delete();
      }
    } finally {
      host.dispose();
    }
  });
}
