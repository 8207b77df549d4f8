/**
 * The one table of diagnostic codes: their names, default severities and one-line titles.
 * Lives outside the analysis layer so that configuration (severity overrides), the CLI
 * (SARIF rules) and docs checks can use it without importing the analyzer.
 * docs/diagnostics.md has one section per code (test/analysis/docs.test.ts checks it).
 */
export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export const DIAGNOSTIC_CODES = [
  'empty-range',
  'bad-optlen',
  'half-overflow',
  'swapped-halves',
  'network-byte-order',
  'python-int-overflow',
  'wrong-level',
  'outside-netns-range',
  'clamped-by-netns-range',
  'set-after-bind',
  'explicit-port',
  'reserved-ports-overlap',
  'small-range',
  'kernel-too-old',
  'magic-number',
  'signed-shift-overflow',
  'missing-constant',
  'wrong-fallback-define',
  'exclusive-bind',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** Default severity per code (issue 3: error = fails or does something else than written; warning = ignored / no effect). */
export const DEFAULT_SEVERITY: Record<DiagnosticCode, Severity> = {
  'empty-range': 'error',
  'bad-optlen': 'error',
  'half-overflow': 'error',
  'swapped-halves': 'error',
  'network-byte-order': 'error',
  'python-int-overflow': 'error',
  'wrong-level': 'error',
  'outside-netns-range': 'warning',
  'clamped-by-netns-range': 'warning',
  'set-after-bind': 'warning',
  'explicit-port': 'warning',
  'reserved-ports-overlap': 'information',
  'small-range': 'information',
  'kernel-too-old': 'error',
  'magic-number': 'hint',
  'signed-shift-overflow': 'warning',
  'missing-constant': 'error',
  'wrong-fallback-define': 'error',
  'exclusive-bind': 'warning',
};

/**
 * Default severity of a code's bounded variant (issue 10): the value is not constant, and only
 * some inputs the types allow make the call fail (`hi = port + count - 1` for port 65000 and
 * count 1000). A warning, not the error of a constant value that always fails. A severity
 * override in the configuration applies to both variants of its code.
 */
export const BOUNDED_SEVERITY: Partial<Record<DiagnosticCode, Severity>> = {
  'half-overflow': 'warning',
  'empty-range': 'warning',
};

/** One-line titles (SARIF rule names, docs headings). */
export const CODE_TITLES: Record<DiagnosticCode, string> = {
  'empty-range': 'lo > hi: setsockopt fails with EINVAL',
  'bad-optlen': 'optlen is not 4: setsockopt fails with EINVAL',
  'half-overflow': 'a half does not fit 16 bits (or the value does not fit 32)',
  'swapped-halves': 'lo is packed into the upper half',
  'network-byte-order': 'value in network byte order: the kernel reads host order',
  'python-int-overflow': 'Python int form outside the C int range raises TypeError (struct.pack out of range: struct.error)',
  'wrong-level': 'option 51 at a level other than SOL_IP is another option',
  'outside-netns-range': 'range outside the netns ip_local_port_range: ignored',
  'clamped-by-netns-range': 'one bound outside the netns range: that bound is ignored',
  'set-after-bind': 'set after the socket already owns a port: no effect',
  'explicit-port': 'the socket binds a fixed port: the range has no effect',
  'reserved-ports-overlap': 'reserved ports inside the range are skipped',
  'small-range': 'few usable ports',
  'kernel-too-old': 'target kernel lacks the option: ENOPROTOOPT',
  'magic-number': '51 / 0x33 instead of IP_LOCAL_PORT_RANGE',
  'signed-shift-overflow': 'a 16-bit or int value shifted left by 16 overflows int',
  'missing-constant': 'the constant does not exist in this library',
  'wrong-fallback-define': 'own IP_LOCAL_PORT_RANGE definition with a value other than 51',
  'exclusive-bind': 'bind(addr, 0) without IP_BIND_ADDRESS_NO_PORT before connect',
};
