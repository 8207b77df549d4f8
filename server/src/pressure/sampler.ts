/**
 * Successive pressure samples for a long-lived caller (the language server's live panel and
 * status bar): keeps the previous sample so each new one carries rates and time to exhaustion.
 */
import { samplePressure, type PressureOptions, type PressureReport, type PressureSample } from './report';

/** A sample as the editor receives it (JSON-serialisable). */
export interface PressureView {
  report: PressureReport;
  /** New connections per second per "proto destination"; empty on the first sample. */
  rates: Record<string, number>;
  source: 'ss' | 'proc';
  sockets: number;
  note: string | null;
  /** Milliseconds since the epoch. */
  time: number;
}

export class PressureSampler {
  private prev: PressureSample | null = null;
  private key = '';

  /** Samples now; the options' ranges are the declared slices to mark. Throws SourceError/SysctlError. */
  sample(o: Omit<PressureOptions, 'trackRates'>): PressureView {
    const key = JSON.stringify(o);
    if (key !== this.key) { this.prev = null; this.key = key; } // other options: rates start over
    const s = samplePressure({ ...o, trackRates: true }, this.prev);
    this.prev = s;
    return {
      report: s.report,
      rates: Object.fromEntries(s.rates ?? []),
      source: s.source,
      sockets: s.sockets,
      note: s.note ?? null,
      time: Date.now(),
    };
  }
}
