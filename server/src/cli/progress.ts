/**
 * A progress bar on stderr for long CLI runs: drawn only when enabled (the callers pass
 * "stderr is a TTY and the output format is text"); silent otherwise, so JSON output and
 * pipes stay clean.
 */

export interface Progress {
  tick(n?: number): void;
  /** Sets the total when it becomes known (e.g. an exhaustion run). */
  setTotal(total: number): void;
  done(): void;
}

export interface ProgressOptions {
  enabled?: boolean;
  stream?: { write(s: string): unknown; columns?: number };
  /** Minimum ms between redraws. */
  intervalMs?: number;
}

const SILENT: Progress = { tick() {}, setTotal() {}, done() {} };

/** Default "enabled": stderr is a terminal. */
export function progressWanted(format: string): boolean {
  return format === 'text' && !!process.stderr.isTTY;
}

export function createProgress(total: number, label: string, opts: ProgressOptions = {}): Progress {
  const enabled = opts.enabled ?? !!process.stderr.isTTY;
  if (!enabled) return SILENT;
  const out = opts.stream ?? process.stderr;
  const interval = opts.intervalMs ?? 100;
  let n = 0;
  let max = Math.max(1, total);
  let last = 0;
  let drawn = false;
  const draw = () => {
    const width = Math.max(10, Math.min(40, ((out as { columns?: number }).columns ?? 80) - label.length - 24));
    const frac = Math.min(1, n / max);
    const fill = Math.round(frac * width);
    out.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${n}/${max}`);
    drawn = true;
  };
  return {
    tick(k = 1) {
      n += k;
      const now = Date.now();
      if (now - last >= interval) {
        last = now;
        draw();
      }
    },
    setTotal(t: number) {
      max = Math.max(1, t);
    },
    done() {
      if (drawn) {
        draw();
        out.write('\n');
      }
    },
  };
}
