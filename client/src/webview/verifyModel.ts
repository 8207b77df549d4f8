/**
 * "Verify on this machine's kernel" in the simulation panel, as text (pure): the engine and the
 * kernel side by side, every row that differs marked, every difference listed.
 */
import type { VerifyOutcome } from '../../../server/src/protocol';

export interface VerifyRow {
  label: string;
  engine: string;
  kernel: string;
  differs: boolean;
}

export interface VerifyView {
  /** "Linux 6.18.44 · private network namespace · 0.7 s", or why it did not run. */
  heading: string;
  ran: boolean;
  verdict: string;
  agrees: boolean | null;
  rows: VerifyRow[];
  differences: string[];
}

type Side = { successes: number | null; firstFailure: { index: number; errno: string } | null; parity: { even: number; odd: number } | null; portsUsed: number | null };

function cells(s: Side): string[] {
  const f = s.firstFailure;
  return [
    s.successes === null ? '–' : String(s.successes),
    f ? `${f.errno} at socket ${f.index + 1}` : 'none', // 1-based, as the panel counts sockets
    s.parity ? `${s.parity.even} even · ${s.parity.odd} odd` : '–',
    s.portsUsed === null ? '–' : String(s.portsUsed),
  ];
}

export function buildVerifyView(v: VerifyOutcome): VerifyView {
  const k = v.kernel;
  if (!k.ran) {
    return { heading: 'Not run on this machine', ran: false, verdict: k.reason ?? 'unknown reason', agrees: null, rows: [], differences: [] };
  }
  const e = cells(v.engine ?? { successes: null, firstFailure: null, parity: null, portsUsed: null });
  const kk = cells(k);
  const labels = ['Sockets that got a port', 'First failure', 'Parity', 'Distinct ports'];
  const rows = labels.map((label, i) => ({ label, engine: e[i]!, kernel: kk[i]!, differs: e[i] !== kk[i] }));
  const n = k.differences.length;
  return {
    heading: `Linux ${k.release ?? '?'} · private network namespace · ${(v.ms / 1000).toFixed(1)} s`,
    ran: true,
    verdict: k.agrees ? 'The kernel agrees with the simulation' : `${n} difference${n === 1 ? '' : 's'} from the simulation`,
    agrees: k.agrees,
    rows,
    differences: k.differences,
  };
}
