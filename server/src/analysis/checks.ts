/**
 * Judges a call site: RawCallSite + resolved Config → effective range and diagnostics.
 * The kernel facts (errno, effective range, what 51 means at another level) come from the
 * engine only: validateSetsockopt (do_ip_setsockopt), inetSkGetLocalPortRange
 * (inet_sk_get_local_port_range), meaningAtLevel, kernelProfile.
 *
 * Diagnostic.data shape (read by the LSP's code actions):
 *   { fix?: { title: string; span: Span; newText: string } }
 * `span` is 0-based (like every Span); applying the fix replaces that span with newText.
 *
 * Suppression comments and severity overrides: server/src/diagnostics/suppression.ts.
 */
import { inetSkGetLocalPortRange, type EffectiveRange } from '../../../engine/src/range';
import { meaningAtLevel, validateSetsockopt, type SetsockoptResult, type SocketKind } from '../../../engine/src/uapi';
import type { CallSite, Diagnostic, DiagnosticCode, Severity, SocketEvent, Span, TableEntry } from './callSite';
import { DEFAULT_SEVERITY } from '../diagnostics/codes';
import { applySuppressionAndSeverity } from '../diagnostics/suppression';
import type { RawCallSite } from './languages/types';
import { boundedDiagnostics } from './boundedChecks';
import { countReserved, type ResolvedConfig } from '../config/resolve';


export interface Fix {
  title: string;
  span: Span;
  newText: string;
}

const range = (lo: number, hi: number) => (lo === hi ? `${lo}` : `${lo}-${hi}`);

function before(a: Span, b: Span): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

function sameSpan(a: Span, b: Span): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

function socketKind(site: RawCallSite): SocketKind {
  const p = site.socket.proto;
  return p === 'unknown' ? 'tcp' : p;
}

/** Replacement text for the value expression that packs (lo, hi) correctly, per language. */
export function valueReplacement(site: RawCallSite, lo: number, hi: number): string | null {
  if (lo < 0 || hi < 0 || lo > 0xffff || hi > 0xffff) return null;
  switch (site.language) {
    case 'c':
      return `&(uint32_t){ ((uint32_t)${hi}u << 16) | ${lo}u }`;
    case 'cpp':
      // A compound literal is not C++: bind the packed value to a const reference for the call.
      return `&static_cast<const unsigned int&>((${hi}u << 16) | ${lo}u)`;
    case 'rust': {
      const packed = `(${hi}u32 << 16) | ${lo}u32`;
      // A pointer argument (libc::setsockopt) gets a pointer; a by-value helper argument the u32.
      return /^&|\*(const|mut)\b/.test(site.facts.valueExpr?.text ?? '&')
        ? `&(${packed}) as *const u32 as *const std::ffi::c_void`
        : `(${packed})`;
    }
    case 'python':
      if (site.facts.pythonIntForm && hi < 32768) return `(${hi} << 16) | ${lo}`;
      return `struct.pack("=I", (${hi} << 16) | ${lo})`;
    case 'go':
      if (/Int$/.test(site.callee) || /SetsockoptInt/.test(site.callee)) return `(${hi} << 16) | ${lo}`;
      return null;
    default:
      return null;
  }
}

function levelReplacement(site: RawCallSite): string {
  const t = site.level.text;
  if (site.language === 'python') return t.startsWith('socket.') || !/^[A-Z_]+$/.test(t) ? 'socket.SOL_IP' : 'SOL_IP';
  if (site.language === 'go') {
    const pkg = /^(\w+)\./.exec(t)?.[1];
    return `${pkg === 'syscall' ? 'syscall' : 'unix'}.IPPROTO_IP`;
  }
  if (site.language === 'rust') return 'libc::SOL_IP';
  return 'SOL_IP';
}

function optnameReplacement(site: RawCallSite): string {
  if (site.language === 'python') return 'getattr(socket, "IP_LOCAL_PORT_RANGE", 51)';
  if (site.language === 'go') return 'unix.IP_LOCAL_PORT_RANGE';
  // libc does not define it: a block that names the constant where it is used.
  if (site.language === 'rust') return '{ const IP_LOCAL_PORT_RANGE: libc::c_int = 51; IP_LOCAL_PORT_RANGE }';
  return 'IP_LOCAL_PORT_RANGE';
}

function errnoText(r: SetsockoptResult): string {
  return r.ok ? 'succeeds' : `fails with ${r.errno} (${r.reason})`;
}

/** A table's entry (one site each): the value diagnostics say which entry fails. */
function nameEntry(out: Diagnostic[], from: number, entry: TableEntry | undefined): void {
  if (!entry) return;
  for (let i = from; i < out.length; i++) out[i] = { ...out[i]!, message: `entry ${entry.label}: ${out[i]!.message}` };
}

export function judgeCallSite(raw: RawCallSite, config: ResolvedConfig, lines: string[]): CallSite {
  const out: Diagnostic[] = [];
  const k = config.kernel;
  const netns = config.netns;
  const v = raw.value;
  const add = (code: DiagnosticCode, message: string, span: Span, extra: Partial<Diagnostic> = {}, severity?: Severity) => {
    out.push({ code, severity: severity ?? DEFAULT_SEVERITY[code], message, span, ...extra });
  };
  const fixData = (fix: Fix | null) => (fix ? { data: { fix } } : {});
  const via = raw.via ? ` (through ${raw.via.helper}())` : '';

  const levelKnown = raw.level.value !== null;
  const atSolIp = raw.level.value === 0;
  const optIs51 = raw.optname.value === 51;
  const family = raw.socket.family ?? undefined;
  const kind = socketKind(raw);

  // --- the option number itself ---------------------------------------------------------
  const fb = raw.facts.fallbackDefine;
  if (fb && fb.value !== null && fb.value !== 51) {
    add('wrong-fallback-define',
      `IP_LOCAL_PORT_RANGE is defined here as ${fb.value}, which is ${meaningAtLevel(0, fb.value)} at SOL_IP: ` +
      `this call sets that option, not the port range (IP_LOCAL_PORT_RANGE is 51)`,
      raw.optname.span,
      { related: [{ span: fb.span, message: `defined as ${fb.text}` }], ...fixData({ title: 'Define IP_LOCAL_PORT_RANGE as 51', span: fb.span, newText: fb.text.length && /^#\s*define/.test(lines[fb.span.line] ?? '') ? (lines[fb.span.line] ?? '').replace(fb.text, '51') : '51' }) });
  }
  const mc = raw.facts.missingConstant;
  if (mc) {
    const what = raw.language === 'python'
      ? `Python's socket module has no IP_LOCAL_PORT_RANGE: this raises AttributeError before setsockopt runs`
      : raw.language === 'rust'
        ? `the libc crate has no IP_LOCAL_PORT_RANGE: this does not compile; define it (const IP_LOCAL_PORT_RANGE: libc::c_int = 51) or use linux_raw_sys::net::IP_LOCAL_PORT_RANGE`
        : `Go's syscall package has no IP_LOCAL_PORT_RANGE: this does not compile; use golang.org/x/sys/unix (v0.21.0+)`;
    add('missing-constant', what, mc.span, fixData({ title: `Use ${optnameReplacement(raw)}`, span: mc.span, newText: optnameReplacement(raw) }));
  }
  const magic = raw.facts.magicNumber;
  if (magic) {
    add('magic-number', `option ${magic.text} is IP_LOCAL_PORT_RANGE: name it, so readers (and grep) see which option is set`,
      magic.span, fixData({ title: `Replace ${magic.text} with ${optnameReplacement(raw)}`, span: magic.span, newText: optnameReplacement(raw) }));
  }

  // --- level ------------------------------------------------------------------------------
  if (levelKnown && !atSolIp && (optIs51 || raw.optname.value === null)) {
    const lvl = raw.level.value!;
    const meaning = meaningAtLevel(lvl, 51);
    const r = raw.op === 'set'
      ? validateSetsockopt(k, { level: lvl, optname: 51, optlen: v?.optlen ?? 4, value: v?.packed ?? 0, family, kind })
      : null;
    let effect: string;
    if (lvl === 41) effect = family === 4 ? 'on this IPv4 socket the call fails with ENOPROTOOPT' : family === 6 ? 'on this IPv6 socket the call succeeds silently and turns IPV6_RECVHOPLIMIT on' : 'on an IPv6 socket the call succeeds silently and turns IPV6_RECVHOPLIMIT on; on IPv4 it fails with ENOPROTOOPT';
    else effect = r ? `the call ${errnoText(r)}` : `getsockopt reads ${meaning}`;
    add('wrong-level', `at level ${raw.level.text} (${lvl}), option 51 is ${meaning}: ${effect}; the port range is not set (it lives at SOL_IP = 0)`,
      raw.level.span, fixData({ title: `Use ${levelReplacement(raw)}`, span: raw.level.span, newText: levelReplacement(raw) }));
  }

  // --- kernel support -----------------------------------------------------------------------
  if ((atSolIp || !levelKnown) && optIs51) {
    if (!k.hasLocalPortRange) {
      add('kernel-too-old', `Linux ${k.version} has no IP_LOCAL_PORT_RANGE (added in 6.3, back-ported to 6.1.32): ${raw.op}sockopt fails with ENOPROTOOPT; handle that error`, raw.optname.span);
    } else if (raw.socket.proto === 'mptcp' && !k.mptcpSupportsOption) {
      add('kernel-too-old', `MPTCP sockets accept IP_LOCAL_PORT_RANGE only since Linux 6.8 (target ${k.version}): setsockopt fails with ENOPROTOOPT`, raw.optname.span);
    }
  }

  // --- the value ----------------------------------------------------------------------------
  let effective: EffectiveRange | null = null;
  let result: SetsockoptResult | null = null;
  const applies = raw.op === 'set' && atSolIp && optIs51 && v !== null;
  const valueFrom = out.length;
  if (applies && v) {
    const vspan = v.span;
    const lo = v.lo;
    const hi = v.hi;
    const decoded = lo !== null && hi !== null ? `lo=${lo}, hi=${hi}` : 'a value that is not statically known';
    if (v.optlen !== null) {
      result = validateSetsockopt(k, { level: 0, optname: 51, optlen: v.optlen, value: v.packed ?? 0, family, kind });
      if (v.optlen !== 4) {
        const fix = !raw.facts.optlenExpr ? null
          : raw.language === 'c' || raw.language === 'cpp'
            ? { title: 'Pass 4 bytes (sizeof(uint32_t))', span: raw.facts.optlenExpr.span, newText: 'sizeof(uint32_t)' }
            : raw.language === 'rust'
              ? { title: 'Pass 4 bytes (size_of::<u32>())', span: raw.facts.optlenExpr.span, newText: 'std::mem::size_of::<u32>() as _' }
              : null;
        add('bad-optlen', `optlen is ${v.optlen} bytes${raw.facts.optlenExpr && raw.facts.optlenExpr.text.trim() !== String(v.optlen) ? ` (${raw.facts.optlenExpr.text})` : ''}: the kernel requires exactly 4 and fails with EINVAL${via}`,
          raw.facts.optlenExpr?.span ?? vspan, fixData(fix));
      }
    }
    boundedDiagnostics(v, vspan, { config, family, kind, via, add: (code, message, span, extra, severity) => add(code, message, span, extra, severity) });
    const iLo = v.intendedLo ?? null;
    const iHi = v.intendedHi ?? null;
    // half-overflow: a half written wider than 16 bits, or a value wider than 32.
    const wideLo = iLo !== null && (iLo > 0xffff || iLo < 0);
    const wideHi = iHi !== null && (iHi > 0xffff || iHi < 0);
    if (wideLo || wideHi) {
      const parts = [wideLo ? `lo ${iLo}` : '', wideHi ? `hi ${iHi}` : ''].filter(Boolean).join(' and ');
      add('half-overflow', `${parts} does not fit 16 bits: it is truncated or spills into the other half; the kernel reads ${decoded}${via}`, vspan);
    }
    const swapped = lo !== null && hi !== null && iLo !== null && iHi !== null && !wideLo && !wideHi &&
      v.byteOrder !== 'network' && iLo !== iHi && iLo === hi && iHi === lo;
    if (swapped || (v.form ?? '').endsWith('-swapped')) {
      const outcome = lo !== null && hi !== null && lo !== 0 && hi !== 0 && lo > hi
        ? 'setsockopt fails with EINVAL'
        : lo !== null && hi !== null ? `the kernel uses ${decoded}` : 'the halves end up reversed';
      const repl = iLo !== null && iHi !== null ? valueReplacement(raw, iLo, iHi) : null;
      add('swapped-halves', `lo is packed into the upper half: the kernel reads ${decoded}, so ${outcome}${iLo !== null && iHi !== null && iLo <= iHi ? ` (meant ${range(iLo, iHi)})` : ''}${via}`,
        vspan, fixData(repl && raw.facts.valueExpr ? { title: `Pack as (hi << 16) | lo = ${range(iLo!, iHi!)}`, span: raw.facts.valueExpr.span, newText: repl } : null));
    } else if (lo !== null && hi !== null && lo !== 0 && hi !== 0 && lo > hi && v.byteOrder !== 'network') {
      add('empty-range', `lo ${lo} > hi ${hi}: setsockopt fails with EINVAL${raw.via ? ` (${raw.via.helper}() reads its parameters in this order)` : ''}`, vspan);
    }
    if (v.byteOrder === 'network' && lo !== null && hi !== null) {
      const consequence = lo !== 0 && hi !== 0 && lo > hi
        ? 'setsockopt fails with EINVAL'
        : (() => {
          const e = inetSkGetLocalPortRange(k, netns, v.packed ?? 0);
          return e.rule === 'ignored' ? `that lies outside the netns range ${range(netns.lo, netns.hi)}, so it is silently ignored` : `the kernel uses ${range(e.lo, e.hi)}`;
        })();
      const meant = iLo !== null && iHi !== null ? ` instead of ${range(iLo, iHi)}` : '';
      const repl = iLo !== null && iHi !== null ? valueReplacement(raw, iLo, iHi) : null;
      add('network-byte-order', `the value is in network byte order but the kernel reads host order: it reads ${decoded}${meant}; ${consequence}${via}`,
        vspan, fixData(repl && raw.facts.valueExpr ? { title: `Pack ${range(iLo!, iHi!)} in host byte order`, span: raw.facts.valueExpr.span, newText: repl } : null));
    }
    // Python raises before the kernel sees the value: no effective range to judge.
    let raises = false;
    if (raw.language === 'python') {
      const ve = raw.facts.valueExpr;
      const packFix = ve ? fixData({ title: 'Pass bytes with struct.pack("=I", ...)', span: ve.span, newText: `struct.pack("=I", ${ve.text})` }) : {};
      if (raw.facts.pythonIntForm) {
        // CPython's sock_setsockopt parses the value with "i" (a C int): an int outside
        // [-2^31, 2^31) fails that, and the later bytes-like attempt raises TypeError.
        const pyInt = ve?.value ?? null;
        const pyHi = iHi ?? hi;
        const overflows = pyInt !== null ? pyInt < -(2 ** 31) || pyInt >= 2 ** 31 : pyHi !== null && pyHi >= 32768;
        if (overflows) {
          raises = true;
          const why = pyInt !== null ? `the value ${pyInt} does not fit a C int [-2^31, 2^31)` : `hi ${pyHi} >= 32768: the packed value does not fit a C int`;
          add('python-int-overflow', `${why}, so Python raises TypeError (int form of setsockopt); pass bytes: struct.pack("=I", value)`,
            ve?.span ?? vspan, packFix);
        }
      } else if (v.form === 'struct.pack-range-error') {
        // struct.pack itself raises before setsockopt runs (e.g. "=i" with hi >= 32768, "H" with 70000).
        raises = true;
        const intended = iLo !== null && iHi !== null ? ` (lo ${iLo}, hi ${iHi})` : '';
        const fix = iLo !== null && iHi !== null ? valueReplacement(raw, iLo, iHi) : null;
        add('python-int-overflow', `struct.pack raises struct.error: argument out of range${intended}; setsockopt never runs; pack an unsigned 32-bit value: struct.pack("=I", (hi << 16) | lo)`,
          ve?.span ?? vspan, fix && ve ? fixData({ title: `Pack with struct.pack("=I", ...) = ${range(iLo!, iHi!)}`, span: ve.span, newText: fix }) : {});
      }
    }
    if (v.packed !== null && result?.ok !== false && !raises) {
      effective = inetSkGetLocalPortRange(k, netns, v.packed);
      const netnsText = range(netns.lo, netns.hi);
      if (effective.rule === 'ignored') {
        add('outside-netns-range', `${decoded} lies outside the netns range ${netnsText}: the option is accepted but ignored, ports come from ${netnsText}${via}`, vspan);
      } else if ((effective.rule === 'socket-lo' && hi !== 0) || (effective.rule === 'socket-hi' && lo !== 0)) {
        const ignored = effective.rule === 'socket-lo' ? `hi ${hi}` : `lo ${lo}`;
        add('clamped-by-netns-range', `${ignored} lies outside the netns range ${netnsText} and is ignored: the effective range is ${range(effective.lo, effective.hi)}${via}`, vspan);
      }
      if (effective.rule !== 'netns' && effective.rule !== 'ignored') {
        const size = effective.hi - effective.lo + 1;
        const reserved = countReserved(config.reserved, effective.lo, effective.hi);
        const usable = size - reserved;
        if (reserved > 0) {
          add('reserved-ports-overlap',
            `${reserved} of the ${size} ports in ${range(effective.lo, effective.hi)} are in ip_local_reserved_ports (${config.reservedText}): automatic selection skips them, ${usable} usable` +
            (usable === 0 ? '; every bind(0) fails with EADDRINUSE and connect() with EADDRNOTAVAIL' : ''),
            vspan, {}, usable === 0 ? 'warning' : undefined);
        }
        if (usable < config.smallRangeThreshold && usable > 0) {
          const odd = size % 2 === 1 && size > 1 ? `; with an odd-sized range TCP bind(0)/listen() may reach only ${size - 1} (quirk Q1)` : '';
          add('small-range',
            `only ${usable} usable port${usable === 1 ? '' : 's'} (${range(effective.lo, effective.hi)}): TCP connect() can hold ${usable} connection${usable === 1 ? '' : 's'} per destination (saddr, daddr, dport); bind(0), listen() and UDP get ${usable} socket${usable === 1 ? '' : 's'} in total${odd}`,
            vspan);
        }
      }
    }
  }

  // --- C: signed shift (per table entry: named like the value's codes) ---------------------
  const ss = raw.facts.signedShift;
  if (ss) {
    const hiVal = ss.value;
    if (hiVal === null || hiVal >= 32768 || hiVal < 0) {
      const what = hiVal === null ? 'for hi >= 32768 (any port in the default netns range)' : `here (hi = ${hiVal})`;
      if (raw.via) {
        add('signed-shift-overflow', `${raw.via.helper}() computes ${ss.text} (line ${ss.span.line + 1}): the 16-bit/int operand is promoted to int, and with hi = ${hiVal ?? 'unknown'} the shift overflows int: undefined behaviour; cast to uint32_t before shifting`,
          raw.span);
      } else {
        add('signed-shift-overflow', `${ss.text}: the 16-bit/int operand is promoted to int, and the shift overflows int ${what}: undefined behaviour; cast to uint32_t before shifting`,
          ss.span, fixData(/^\s*([A-Za-z_]\w*|\d+)\s*<<\s*16\s*$/.test(ss.text) ? { title: 'Cast to uint32_t before shifting', span: ss.span, newText: `(uint32_t)${ss.text.trim()}` } : null));
      }
    }
  }
  nameEntry(out, valueFrom, v?.entry);

  // --- order of socket operations -------------------------------------------------------------
  if (raw.op === 'set' && (atSolIp || !levelKnown) && optIs51) {
    const ev = raw.socket.events;
    const here = raw.span;
    // Events are in execution order and include this call itself (adapters' contract): decide
    // before/after by index relative to that self event (Go's Control closures run before the
    // Dialer's bind/connect whatever the source order); without it, by source position.
    const self = ev.findIndex((e) => e.kind === 'setsockopt' && e.option === 'IP_LOCAL_PORT_RANGE' && sameSpan(e.span, here));
    const idx = new Map(ev.map((e, i) => [e, i]));
    const precedes = (a: SocketEvent, b: SocketEvent) => (self >= 0 ? idx.get(a)! < idx.get(b)! : before(a.span, b.span));
    const isBefore = (e: SocketEvent) => (self >= 0 ? idx.get(e)! < self : before(e.span, here));
    const isAfter = (e: SocketEvent) => (self >= 0 ? idx.get(e)! > self : !before(e.span, here) && !sameSpan(e.span, here));
    const noPortBefore = (b: SocketEvent) => ev.some((e) => e.kind === 'setsockopt' && e.option === 'IP_BIND_ADDRESS_NO_PORT' && precedes(e, b));
    const owning = ev.find((e) => isBefore(e) && (
      e.kind === 'connect' || e.kind === 'listen' || e.kind === 'sendto' ||
      (e.kind === 'bind' && e.port !== null && e.port !== undefined && (e.port !== 0 || !noPortBefore(e)))
    ));
    if (owning) {
      const what = owning.kind === 'bind' ? (owning.port ? `bind() to port ${owning.port}` : 'bind(addr, 0) without IP_BIND_ADDRESS_NO_PORT') : `${owning.kind}()`;
      add('set-after-bind', `the socket already owns a port (${what} on line ${owning.span.line + 1}): setsockopt returns 0 but the range has no effect${via}`,
        raw.span, { related: [{ span: owning.span, message: `${owning.kind}() takes the port here` }] });
    } else {
      const later = ev.filter(isAfter);
      const fixed = later.find((e) => e.kind === 'bind' && typeof e.port === 'number' && e.port !== 0);
      if (fixed) {
        add('explicit-port', `the socket then binds the fixed port ${fixed.port} (line ${fixed.span.line + 1}): an explicit bind ignores IP_LOCAL_PORT_RANGE, so the option has no effect`,
          raw.span, { related: [{ span: fixed.span, message: `bind() to port ${fixed.port}` }] });
      }
      const bind0 = later.find((e) => e.kind === 'bind' && e.port === 0 && !noPortBefore(e));
      const connectAfter = bind0 && later.find((e) => e.kind === 'connect' && precedes(bind0, e));
      if (bind0 && connectAfter && raw.socket.proto !== 'udp' && !fixed) {
        add('exclusive-bind', `bind(addr, 0) on line ${bind0.span.line + 1} without IP_BIND_ADDRESS_NO_PORT takes a port from the range exclusively before connect(): each connection then holds its own port, so capacity drops from ports × destinations to ports; set IP_BIND_ADDRESS_NO_PORT before bind() (spec §2.7)`,
          raw.span, { related: [{ span: bind0.span, message: 'bind(addr, 0) takes an exclusive port here' }, { span: connectAfter.span, message: 'connect()' }] });
      }
    }
  }

  // --- suppression comments and severity overrides: one place, shared with nothing else ------
  const diagnostics = applySuppressionAndSeverity(out, lines, raw.span.line, config.severity);
  return {
    ...raw,
    effective: effective ? { lo: effective.lo, hi: effective.hi, rule: effective.rule } : null,
    diagnostics,
  };
}
