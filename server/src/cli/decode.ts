/**
 * `port-range-lens decode VALUE...`: what a pasted IP_LOCAL_PORT_RANGE value means (lo, hi,
 * packed, ports), whether the kernel accepts it, the range it then uses under the netns
 * range, and what was probably meant. Exit 0 = decoded (even when the kernel would refuse
 * the value), 2 = text that is no value at all, or bad flags.
 */
import { decodeValue, DecodeInputError, type DecodedPaste } from '../../../engine/src/decode/decode';
import { kernelProfile } from '../../../engine/src/kernels';
import { resolveNetns, SysctlError } from '../../../engine/src/sysctl';
import { describeRule } from '../../../engine/src/simulate';
import { bool, parseArgs, str, UsageError, type FlagSpec } from './args';
import { netnsFromFlags } from './netnsFlags';

export const DECODE_FLAGS: FlagSpec[] = [
  { name: 'netns-range', type: 'string' },
  { name: 'kernel', type: 'string' },
  { name: 'byte-order', type: 'string', choices: ['little', 'big'] },
  { name: 'format', type: 'string', choices: ['text', 'json'] },
  { name: 'help', type: 'boolean', short: 'h' },
];

export const DECODE_USAGE = `usage: port-range-lens decode VALUE... [flags]

Decodes IP_LOCAL_PORT_RANGE values: lo, hi, the packed u32, whether setsockopt accepts it,
the effective range under the netns range, and what was probably meant.

VALUE is any of:
  2654968896, 0x9e3f9c40       the u32 (hi << 16 | lo), decimal or hex
  -1639998400                  C's signed int view (Python's getsockopt int)
  40000-40511                  LO-HI
  [40000..40511] [..48879] [1..] [0x9e3f9c40 /* 40000..40511 */]
                               strace's notation, or a whole strace setsockopt/getsockopt line
  '40 9c 3f 9e'  '\\x40\\x9c\\x3f\\x9e'  "b'@\\x9c?\\x9e'"
                               the bytes (quote them: one VALUE each), read in --byte-order

  --netns-range LO-HI|auto     net.ipv4.ip_local_port_range (default 32768-60999; auto = this machine)
  --kernel X.Y                 target kernel (default 6.18)
  --byte-order little|big      how byte values are read (default little: x86-64, arm64)
  --format text|json           output format (default text)
`;

export function decodeJson(values: DecodedPaste[]): object {
  return {
    version: 1,
    values: values.map((d) => ({
      input: d.input, lo: d.lo, hi: d.hi, packed: d.packed, accepted: d.accepted, errno: d.errno,
      effective: d.effective, notes: d.reason ? [`${d.errno}: ${d.reason}`, ...d.notes] : d.notes,
    })),
  };
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

export function decodeText(d: DecodedPaste, netns: { lo: number; hi: number }, kernel: string): string {
  const { lo, hi } = d;
  const ports = lo === 0 && hi === 0 ? 'none set (0 clears the option)'
    : lo === 0 ? `up to ${hi} (lo unset)` : hi === 0 ? `from ${lo} (hi unset)`
      : lo > hi ? `none: lo ${lo} > hi ${hi}` : `${lo}-${hi} (${hi - lo + 1} port${hi === lo ? '' : 's'})`;
  const lines = [
    d.input,
    `  lo ${lo}  hi ${hi}  packed ${d.packed} = ${hex(d.packed)} (as a signed int ${d.packed | 0})`,
    `  ports       ${ports}`,
    `  setsockopt  ${d.accepted ? `accepted (Linux ${kernel}, optlen ${d.optlen})` : `${d.errno}: ${d.reason}`}`,
    `  effective   ${d.effective ? `${d.effective.lo}-${d.effective.hi} under netns ${netns.lo}-${netns.hi}: ${describeRule(d.effective.rule)}` : 'none: setsockopt fails, the socket keeps the netns range'}`,
    `  strace      ${d.strace}`,
    // The effective line already says how the netns range treated the bounds.
    ...d.notes.filter((n) => !n.startsWith('under netns')).map((n) => `  note        ${n}`),
  ];
  return lines.join('\n') + '\n';
}

/** Runs `decode` with the arguments after the command name; UsageError for bad input. */
export async function decodeCommand(argv: string[]): Promise<number> {
  // Values may start with "-" (a negative int): only known flags are flags here.
  const flagArgs: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--') { values.push(...argv.slice(i + 1)); break; }
    if (/^-\d/.test(x)) values.push(x);
    else if (x.startsWith('-')) {
      flagArgs.push(x);
      const spec = DECODE_FLAGS.find((f) => `--${f.name}` === x && f.type === 'string');
      if (spec && i + 1 < argv.length) flagArgs.push(argv[++i]);
    } else values.push(x);
  }
  const a = parseArgs(flagArgs, DECODE_FLAGS);
  if (bool(a, 'help')) {
    process.stdout.write(DECODE_USAGE);
    return 0;
  }
  if (values.length === 0) throw new UsageError('give at least one VALUE, e.g. decode 0x9e3f9c40');
  const kernel = str(a, 'kernel') ?? '6.18';
  try {
    kernelProfile(kernel);
  } catch (e) {
    throw new UsageError(`--kernel: ${(e as Error).message}`);
  }
  let ns;
  try {
    ns = resolveNetns(netnsFromFlags(a)).portRange;
  } catch (e) {
    if (e instanceof SysctlError) throw new UsageError(`--netns-range: ${e.message}`);
    throw e;
  }
  const byteOrder = (str(a, 'byte-order') ?? 'little') as 'little' | 'big';
  const decoded = values.map((v) => {
    try {
      return decodeValue(v, { netns: ns, kernel, byteOrder });
    } catch (e) {
      if (e instanceof DecodeInputError) throw new UsageError(e.message);
      throw e;
    }
  });
  if (str(a, 'format') === 'json') process.stdout.write(JSON.stringify(decodeJson(decoded)) + '\n');
  else process.stdout.write(decoded.map((d) => decodeText(d, ns, kernelProfile(kernel).version)).join('\n'));
  return 0;
}
